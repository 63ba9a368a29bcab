"""The command line as the contract describes it: exit statuses, --json shape, profiles,
secrets, history, vendors."""

import json
import subprocess
import sys

import pytest

from console import __version__
from tests.servers import Reply, refused_url


def test_send_example_to_sandbox_exits_0(run_cli):
    result = run_cli("send", "mytracker", "login")
    assert result.status == 0, result.err
    assert json.loads(result.out) == {"message": "\u041eK"}  # the document spells it with a Cyrillic О
    assert "200 OK" in result.err and "not appear at once" in result.err


def test_json_output_shape(run_cli):
    result = run_cli("send", "octeth", "event", "--json")
    assert result.status == 0
    data = json.loads(result.out)
    assert {"vendor", "operation", "sent", "issues", "request", "response", "error"} <= set(data)
    assert data["sent"] is True and data["error"] is None
    assert set(data["request"]) == {"method", "url", "headers", "body"}
    assert {"status", "reason", "headers", "body", "elapsed_ms"} <= set(data["response"])
    assert data["response"]["status"] == 200
    assert json.loads(data["request"]["body"])["APIKey"] == "***"


def test_validation_errors_exit_1_and_send_nothing(run_cli, make_ctx):
    result = run_cli("send", "mytracker", "login", "--data", "-", stdin='{"lvid": "x"}')
    assert result.status == 1
    assert "customUserId is required" in result.err and "exactly 32" in result.err
    assert "Not sent" in result.err
    (row,) = make_ctx().history.recent(5)
    assert row.outcome == "not-sent" and row.status is None and "2 validation errors" in row.error


def test_json_with_errors_reports_sent_false(run_cli):
    result = run_cli("send", "mytracker", "login", "--data", "-", "--json", stdin="{}")
    assert result.status == 1
    data = json.loads(result.out)
    assert data["sent"] is False and data["response"] is None
    assert data["issues"][0] == {"severity": "error", "path": "/customUserId",
                                 "message": "customUserId is required: login events name the user by their ID in your app."}


def test_force_sends_and_non_2xx_exits_3(run_cli):
    result = run_cli("send", "octeth", "event", "--data", "-", "--force", stdin='{"ListID": 1, "event": "e"}')
    assert result.status == 3
    assert "error 6" in result.err


def test_dry_run(run_cli, make_ctx):
    ok = run_cli("send", "synerise", "ai-event", "--dry-run")
    assert ok.status == 0
    assert ok.out.startswith("POST http://127.0.0.1:") and "token=***" in ok.out
    bad = run_cli("send", "synerise", "ai-event", "--dry-run", "--data", "-", stdin="{}")
    assert bad.status == 1
    assert make_ctx().history.count() == 0


@pytest.mark.parametrize("argv,stdin,words", [
    (["send", "nope", "x"], "", "unknown vendor"),
    (["send", "mytracker", "nope"], "", "unknown operation"),
    (["send", "mytracker", "login", "--data", "/does/not/exist.json"], "", "cannot read"),
    (["send", "mytracker", "login", "--data", "-"], '{"a": 1,,}', "line 1, column 9"),
    (["send", "mytracker", "login", "--set", "nokey=1"], "", "not a setting or secret"),
    (["send", "mytracker", "login", "--set", "novalue"], "", "KEY=VALUE"),
    (["send", "mytracker", "login", "--profile", "ghost"], "", "no profile 'ghost'"),
    (["send", "mytracker", "login", "--timeout", "0"], "", "--timeout"),
    (["send"], "", ""),
    (["frobnicate"], "", ""),
])
def test_usage_errors_exit_2(run_cli, argv, stdin, words):
    result = run_cli(*argv, stdin=stdin)
    assert result.status == 2
    assert words in result.err
    if words:
        assert len(result.err.strip().splitlines()) == 1


def test_missing_setting_and_secret_exit_2(run_cli):
    assert run_cli("profile", "set", "mytracker", "production", "base_url=https://tracker-s2s.my.com").status == 0
    missing_app = run_cli("send", "mytracker", "login", "--profile", "production")
    assert missing_app.status == 2 and "app_id" in missing_app.err
    run_cli("profile", "set", "mytracker", "production", "app_id=666")
    missing_token = run_cli("send", "mytracker", "login", "--profile", "production")
    assert missing_token.status == 2 and "secret set mytracker production token" in missing_token.err


def test_refused_connection_exits_4(run_cli, make_ctx):
    result = run_cli("send", "mytracker", "login", "--base-url", refused_url(), "--json")
    assert result.status == 4
    data = json.loads(result.out)
    assert data["sent"] is True and data["response"] is None
    assert "refused" in data["error"]
    assert make_ctx().history.recent(1)[0].error == data["error"]


def test_timeout_exits_4(run_cli, recorder):
    recorder.reply = Reply(delay=1.5)
    result = run_cli("send", "mytracker", "login", "--base-url", recorder.url, "--timeout", "0.3")
    assert result.status == 4
    assert "within 0.3 s" in result.err


def test_server_error_exits_3(run_cli, recorder):
    recorder.reply = Reply(status=500, body=b'{"error": "Internal Server Error"}')
    result = run_cli("send", "mytracker", "login", "--base-url", recorder.url)
    assert result.status == 3
    assert "try again later" in result.err


def test_connection_reset_exits_4(run_cli, recorder):
    recorder.reply = Reply(reset=True)
    result = run_cli("send", "mytracker", "login", "--base-url", recorder.url, "--json")
    assert result.status == 4
    assert json.loads(result.out)["error"]


def test_non_json_answer_is_shown_raw(run_cli, recorder):
    recorder.reply = Reply(status=200, body=b"<html>hello</html>", content_type="text/html")
    result = run_cli("send", "synerise", "custom", "--base-url", recorder.url, "--set", "jwt=abc")
    assert result.status == 0
    assert result.out.strip() == "<html>hello</html>"


def test_profile_set_rejects_unknown_keys_and_the_sandbox(run_cli):
    assert run_cli("profile", "set", "mytracker", "prod", "nope=1").status == 2
    secret = run_cli("profile", "set", "mytracker", "prod", "token=abc")
    assert secret.status == 2 and "secret set" in secret.err
    assert run_cli("profile", "set", "mytracker", "sandbox", "app_id=1").status == 2
    assert run_cli("profile", "set", "nope", "prod", "a=1").status == 2
    assert run_cli("profile", "set", "vibetrace", "prod", "rest-event.base_url=https://eu.example.com").status == 0


def test_operation_scoped_setting_wins(run_cli, recorder):
    run_cli("profile", "set", "vibetrace", "prod", "base_url=https://unused.invalid", "account_id=7",
            f"rest-event.base_url={recorder.url}")
    run_cli("secret", "set", "vibetrace", "prod", "api_key", stdin="K\n")
    assert run_cli("send", "vibetrace", "rest-event", "--profile", "prod").status == 0
    assert recorder.requests[-1].path == "/v1/event/"


def test_secret_set_goes_to_the_keyring(run_cli, keyring_backend):
    result = run_cli("secret", "set", "mytracker", "production", "token", stdin="s3cr3t\n")
    assert result.status == 0, result.err
    assert keyring_backend.store[("event-console", "mytracker/production/token")] == "s3cr3t"
    missing = run_cli("send", "mytracker", "login", "--profile", "production")
    assert missing.status == 2 and "app_id" in missing.err  # the profile exists now; its app ID is not set
    assert "s3cr3t" not in result.out
    assert run_cli("secret", "set", "mytracker", "production", "nope", stdin="x").status == 2
    assert run_cli("secret", "set", "mytracker", "sandbox", "token", stdin="x").status == 2
    assert run_cli("secret", "set", "mytracker", "production", "token", stdin="").status == 2


def test_history_lists_newest_first(run_cli):
    run_cli("send", "mytracker", "login")
    run_cli("send", "octeth", "event")
    result = run_cli("history", "--json")
    rows = json.loads(result.out)
    assert [r["vendor"] for r in rows] == ["octeth", "mytracker"]
    for row in rows:
        assert {"id", "time", "vendor", "operation", "profile", "method", "url", "status", "error", "elapsed_ms"} <= set(row)
    assert json.loads(run_cli("history", "--limit", "1", "--json").out)[0]["vendor"] == "octeth"
    text = run_cli("history").out
    assert "octeth/event" in text and "mytracker/login" in text


def test_vendors_lists_everything(run_cli):
    data = json.loads(run_cli("vendors", "--json").out)
    assert [v["vendor"] for v in data] == ["vibetrace", "mytracker", "octeth", "synerise"]
    synerise = data[3]
    assert synerise["operations"][0]["secrets"] == ["jwt", "api_key"]
    assert "customEventBatch" in run_cli("vendors").out


def test_entry_points_run_as_programs(tmp_path):
    env = {"EVENT_CONSOLE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    version = subprocess.run([sys.executable, "-m", "console", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.strip() == f"event-console {__version__}"
    sent = subprocess.run([sys.executable, "-m", "console", "send", "synerise", "ai-batch", "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["response"]["status"] == 202


def test_window_without_a_display_says_so():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "console"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2
    assert "no display" in run.stderr and "Traceback" not in run.stderr


def test_a_dry_run_on_the_sandbox_does_not_start_its_server(tmp_path):
    """The sandbox's URL is given (its port bound) without importing or starting its server."""
    import subprocess
    import sys

    code = ("import sys; from console.cli import main; status = main(['send', 'octeth', 'event', '--dry-run']); "
            "print(status, 'console.sandbox.server' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**__import__("os").environ, "EVENT_CONSOLE_HOME": str(tmp_path),
                               "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"})
    assert done.stdout.strip().splitlines()[-1] == "0 False", done.stdout + done.stderr
    assert "http://127.0.0.1:" in done.stdout  # the sandbox's address is in the preview


# Command lines of every command and action: parsed by the parser of the command alone, as a
# run builds it, they must read exactly as the whole parser reads them.
EVERY_COMMAND = [
    ["send", "octeth", "event", "--data", "-", "--profile", "p", "--set", "a=b", "--set", "c=d", "--base-url",
     "http://127.0.0.1:1", "--timeout", "2.5", "--dry-run", "--force", "--json", "--plan", "plans"],
    ["sandbox", "--host", "0.0.0.0", "--port", "0"],
    ["vendors", "--json"],
    ["profile", "set", "octeth", "p", "a=b", "c=d"],
    ["secret", "set", "octeth", "p", "api_key"],
    ["capture", "--port", "0", "--forward", "p", "--plan", "plans"],
    ["suite", "run", "cases", "--profile", "p", "--junit", "j.xml", "--json", "--data", "rows.csv", "--rate", "5"],
    ["suite", "import-postman", "c.json", "--environment", "e.json", "--output", "out"],
    ["suite", "export-postman", "cases", "--output", "c.json", "--profile", "p"],
    ["plan", "check", "plans"],
    ["plan", "import", "sheet.csv", "--output", "plans"],
    ["plan", "export", "plans", "--output", "sheet.csv"],
    ["plan", "coverage", "--plan", "plans", "--source", "capture", "--since", "2026-01-01", "--json"],
    ["history", "--limit", "5", "--json"],
    ["history", "export", "--format", "har", "--output", "h.har", "--limit", "3"],
    ["history", "import", "h.har", "--keep-unknown"],
]


@pytest.mark.parametrize("argv", EVERY_COMMAND, ids=lambda argv: " ".join(argv[:2]))
def test_a_command_parsed_alone_reads_as_the_whole_parser_reads_it(argv):
    from console.cli import COMMANDS, _command_in, _parser

    assert _command_in(argv) == argv[0] and argv[0] in COMMANDS
    assert vars(_parser(_command_in(argv)).parse_args(argv)) == vars(_parser().parse_args(argv))


def test_help_lists_every_command_but_the_hidden_one(capsys):
    from console.cli import _parser, main

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("send", "sandbox", "vendors", "profile", "secret", "capture", "suite", "plan", "history"):
        assert f"    {command} " in out
    assert "diagnostics" not in out and "SUPPRESS" not in out
    hidden = _parser("diagnostics").parse_args(["diagnostics", "a", "b"])  # there when it is run
    assert (hidden.command, hidden.words) == ("diagnostics", ["a", "b"])


@pytest.mark.parametrize("columns", ["60", "132", "", "wide"])
def test_help_is_as_wide_as_argparse_makes_it_without_importing_shutil(monkeypatch, columns):
    """The command line's help formatter reads the terminal's width itself (argparse's imports
    shutil for it); it comes to what argparse's own comes to."""
    import argparse

    from console.cli import _Formatter

    monkeypatch.setenv("COLUMNS", columns)
    assert _Formatter("event-console")._width == argparse.HelpFormatter("event-console")._width
