"""Snippets a backend's developers can paste (`history export --format python|node|php`): run
with the real interpreters (this venv's Python with requests, Node.js, Debian's php-cli) against
a recording server, each sends exactly the bytes the console sent, keys masked."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.helpers.outside import php
from tests.servers import RecordingServer

RUNNERS = {"python": lambda: [sys.executable], "node": lambda: [shutil.which("node") or pytest.skip("no node")],
           "php": lambda: [php()]}
SUFFIX = {"python": ".py", "node": ".js", "php": ".php"}


@pytest.fixture
def sent(run_cli, recorder):
    """Three exchanges the console sent: a POST with awkward text, a GET with its events in the
    query, a POST with a key in a header; and the requests as the recorder got them."""
    recorder.reply.body = b'{"ok": true}'
    payloads = [
        ("octeth", "event", {"ListID": 1, "event": "quote's \"and\" back\\slash", "email": "zoë@example.com",
                             "properties": {"emoji": "😀", "line": "a\nb", "dollar": "$x {$y} ${z}"}},
         ["--set", "api_key=k3y"]),
        ("vibetrace", "track", [{"userId": "8139618027113397", "sessionId": "253412802711339765", "type": "view",
                                 "items": [{"id": "a&b=c", "quantity": 1}]}], ["--set", "account_id=1001"]),
        ("mytracker", "customEvent", {"customUserId": "u1", "customEventName": "buy"},
         ["--set", "token=k3y", "--set", "app_id=7"]),
    ]
    for vendor, operation, payload, extra in payloads:
        done = run_cli("send", vendor, operation, "--base-url", recorder.url, *extra, "--data", "-",
                       stdin=json.dumps(payload, ensure_ascii=False))
        assert done.status == 0, done.err
    return list(recorder.requests)


@pytest.mark.parametrize("language", ["python", "node", "php"])
def test_a_snippet_sends_exactly_the_bytes_of_the_exchange(tmp_path, run_cli, sent, language):
    program = tmp_path / f"replay{SUFFIX[language]}"
    done = run_cli("history", "export", "--format", language, "--output", str(program))
    assert done.status == 0, done.err
    text = program.read_text()
    assert "k3y" not in text and "***" in text  # keys masked, as in every export
    server = RecordingServer()
    try:
        source = text.replace(sent_url(sent, run_cli), server.url)
        program.write_text(source)
        ran = subprocess.run([*RUNNERS[language](), str(program)], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.count("200 {\"ok\": true}") == 3
        replayed = server.requests
    finally:
        server.stop()
    assert len(replayed) == 3
    for original, again in zip(sent, replayed, strict=True):  # oldest first, as they were sent
        assert again.method == original.method
        assert again.path == original.path.replace("k3y", "***")
        assert again.body == original.body.replace(b"k3y", b"***")
        got = {name.lower(): value for name, value in again.headers.items()}  # names are case-blind
        for name, value in original.headers.items():
            if name.lower() in ("host", "connection", "accept", "accept-encoding"):
                continue  # the client's own
            assert got.get(name.lower()) == value.replace("k3y", "***"), (language, name)


def sent_url(sent, run_cli) -> str:
    history = json.loads(run_cli("history", "--json").out)
    return history[0]["url"].split("/", 3)[0] + "//" + history[0]["url"].split("/", 3)[2]
