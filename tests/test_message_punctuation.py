"""Messages read as sentences: no doubled stop where one sentence is put inside another
("nothing is listening there.. The event"), whatever went wrong."""

import re

import pytest

from console.engine import pipeline

DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)|\.\s\.")


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9", "http://no-such-host.invalid"])
def test_a_failed_login_says_one_stop(ctx, base_url):
    ctx.secrets.set("synerise", "dev", "api_key", "k-123456")
    prepared = pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", "dev", base_url=base_url))
    outcome = pipeline.send(ctx, prepared)
    error = outcome.exchange.error
    assert error.startswith("Login with the API key failed:") and not DOUBLED.search(error), error


def test_no_validation_message_of_the_rule_tables_doubles_a_stop(ctx):
    from tests.test_rules import ADVICE, ERRORS, changed

    for _name, vendor, operation, change, _path, _words in ERRORS + ADVICE:
        prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=changed(vendor, operation, change)))
        for issue in prepared.issues:
            assert not DOUBLED.search(issue.message), issue.message


def _outputs_for(run_cli, tmp_path, base_url: str) -> list[str]:
    """What a user reads when a send to `base_url` goes wrong: the command line's text and JSON,
    a suite's line and JUnit reason, and history's own line."""
    import json

    texts = []
    done = run_cli("send", "octeth", "event", "--base-url", base_url, "--set", "api_key=k", "--timeout", "1")
    texts += [done.out, done.err]
    done = run_cli("send", "octeth", "event", "--base-url", base_url, "--set", "api_key=k", "--timeout", "1", "--json")
    texts.append(json.loads(done.out)["error"] or "")
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    (suite / "a.case.json").write_text(json.dumps({"name": "a", "vendor": "octeth", "operation": "event",
                                                   "payload": {"ListID": 1, "event": "e", "email": "a@example.com"},
                                                   "settings": {"base_url": base_url}}))
    done = run_cli("suite", "run", str(suite), "--junit", str(tmp_path / "j.xml"))
    texts += [done.out, done.err, (tmp_path / "j.xml").read_text()]
    texts.append(run_cli("history").out)
    return texts


@pytest.mark.parametrize("kind", ["refused", "dns", "reset", "timeout", "500", "not json"])
def test_every_message_of_a_send_gone_wrong_says_one_stop(run_cli, tmp_path, kind):
    from tests.servers import RecordingServer, Reply

    server = RecordingServer(reply={"reset": Reply(reset=True), "timeout": Reply(delay=3),
                                    "500": Reply(status=500, body=b"Internal Server Error.", content_type="text/plain"),
                                    "not json": Reply(status=200, body=b"<html>.</html>", content_type="text/html"),
                                    }.get(kind, Reply()))
    try:
        base_url = {"refused": "http://127.0.0.1:9", "dns": "http://no-such-host.invalid"}.get(kind, server.url)
        for text in _outputs_for(run_cli, tmp_path, base_url):
            assert not DOUBLED.search(text), text
    finally:
        server.stop()


def test_no_message_written_in_the_code_doubles_a_stop():
    """Every string the package writes (each part of an f-string included) is read as a sentence:
    no "..", no " .", no ". .", and no "!." or "?." (a sentence put inside another)."""
    import ast
    from pathlib import Path

    import console

    bad = re.compile(r"(?<![.\w/\[])\.\.(?![./\w\]])|\w \.(?=\s|$)|[!?]\.(?=\s|$)|\.\s\.(?=\s|$)")
    found = []
    for path in Path(console.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ".." \
                    and bad.search(node.value):  # ".." alone is a path's parent, not a sentence
                found.append(f"{path.name}:{node.lineno}: {node.value[:80]!r}")
    assert found == []
