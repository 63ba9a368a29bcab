"""Every send accounted for: history is opened, checked and written before anything goes to
the network; a send that cannot be recorded is not made; an interrupted one stays recorded;
no stored or imported row can break the command line or the window."""

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.core.history.export import HistoryImportError, read_import
from console.core.history.schema import SCHEMA_VERSION
from console.core.history.store import HistoryStore
from console.engine import pipeline
from tests.servers import RecordingServer, Reply

ROOT = Path(__file__).resolve().parent.parent


def cli_env(home: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY") and not k.endswith("_proxy")}
    env.update({"EVENT_CONSOLE_HOME": str(home), "PYTHONPATH": str(ROOT),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", **extra})
    return env


def run(home: Path, *args, timeout=60, input=None, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True,
                          env=cli_env(home, **env), timeout=timeout, cwd=ROOT, input=input)


def mount_tmpfs(path: Path, options: str) -> bool:
    """A real small or read-only file system (root only); False where it cannot be had."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


# -- the history is opened before the network ------------------------------------------------------

def test_damaged_database_is_kept_aside_and_a_new_one_started(tmp_path, recorder):
    home = tmp_path / "home"
    home.mkdir()
    damaged = b"this is not a database" * 500
    (home / "history.sqlite3").write_bytes(damaged)
    sent = run(home, "send", "mytracker", "login", "--base-url", recorder.url)
    assert sent.returncode == 0, sent.stderr
    assert "Traceback" not in sent.stderr
    kept = list(home.glob("history.sqlite3.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # untouched
    listed = run(home, "history", "--json")
    assert listed.returncode == 0
    assert [r["operation"] for r in json.loads(listed.stdout)] == ["login"]


def test_damage_is_said_plainly_by_history(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"\x00garbage" * 100)
    listed = run(home, "history")
    assert listed.returncode == 0
    assert "damaged" in listed.stderr and "history.sqlite3.damaged-" in listed.stderr
    assert "Traceback" not in listed.stderr


def test_history_of_a_newer_version_refuses_the_send_before_the_network(tmp_path, recorder):
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "history.sqlite3")
    db.execute("CREATE TABLE exchanges (id INTEGER PRIMARY KEY)")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    sent = run(home, "send", "mytracker", "login", "--base-url", recorder.url)
    assert sent.returncode == 2
    assert str(home / "history.sqlite3") in sent.stderr and "Nothing was sent" in sent.stderr
    assert sent.stderr.count("\n") == 1 and "Traceback" not in sent.stderr
    assert recorder.requests == []


def test_read_only_file_system_refuses_the_send(tmp_path, recorder):
    home = tmp_path / "ro"
    if not mount_tmpfs(home, "size=4m"):
        pytest.skip("needs root and mount for a real read-only file system")
    try:
        assert run(home, "send", "mytracker", "login", "--base-url", recorder.url).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(home)], check=True)
        before = len(recorder.requests)
        sent = run(home, "send", "mytracker", "login", "--base-url", recorder.url)
        assert sent.returncode == 2, sent.stderr
        assert "history.sqlite3" in sent.stderr and "read-only" in sent.stderr
        assert len(recorder.requests) == before  # nothing went out
        listed = run(home, "history", "--json")  # reading still works
        assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 1
    finally:
        unmount(home)


def test_full_disk_refuses_the_send(tmp_path, recorder):
    home = tmp_path / "full"
    if not mount_tmpfs(home, "size=256k"):
        pytest.skip("needs root and mount for a real full file system")
    try:
        fd = os.open(home / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"x" * 4096)
        except OSError:
            pass  # full
        os.close(fd)
        sent = run(home, "send", "mytracker", "login", "--base-url", recorder.url)
        assert sent.returncode == 2, sent.stderr
        assert "history.sqlite3" in sent.stderr and "Traceback" not in sent.stderr
        assert recorder.requests == []
    finally:
        unmount(home)


def test_ten_first_runs_at_once_are_all_recorded(tmp_path, recorder):
    home = tmp_path / "fresh"
    runs = [subprocess.Popen([sys.executable, "-m", "console", "send", "mytracker", "login", "--base-url", recorder.url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(home), cwd=ROOT)
            for _ in range(10)]
    results = [(p.wait(timeout=90), p.stderr.read()) for p in runs]
    for p in runs:
        p.stdout.close()
        p.stderr.close()
    assert all(code == 0 for code, _ in results), results
    assert not any("Traceback" in err for _, err in results)
    store = HistoryStore(home)
    assert store.count() == 10 and len(recorder.requests) == 10
    store.close()


def test_history_files_are_private(ctx):
    pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login")))
    for name in ("history.sqlite3", "history.sqlite3-wal"):
        mode = stat.S_IMODE(os.stat(ctx.home / name).st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_existing_history_readable_by_others_is_made_private(tmp_path):
    HistoryStore(tmp_path).close()
    os.chmod(tmp_path / "history.sqlite3", 0o644)
    HistoryStore(tmp_path).close()
    assert stat.S_IMODE(os.stat(tmp_path / "history.sqlite3").st_mode) == 0o600


def test_a_send_is_recorded_before_it_reaches_the_server(ctx, recorder):
    recorder.reply = Reply(delay=1.0)
    seen_during_send = []

    import threading

    def look():
        while not recorder.requests:
            time.sleep(0.01)
        other = HistoryStore(ctx.home)
        seen_during_send.extend(other.recent(5))
        other.close()

    watcher = threading.Thread(target=look)
    watcher.start()
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", base_url=recorder.url)))
    watcher.join(5)
    assert seen_during_send and seen_during_send[0].outcome == "sending"
    assert seen_during_send[0].id == outcome.history_id
    assert ctx.history.get(outcome.history_id).outcome == "answered"


def test_ctrl_c_during_a_send_is_recorded_as_interrupted(tmp_path, recorder):
    recorder.reply = Reply(delay=5.0)
    home = tmp_path / "home"
    child = subprocess.Popen([sys.executable, "-m", "console", "send", "mytracker", "login", "--base-url", recorder.url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(home), cwd=ROOT)
    deadline = time.monotonic() + 30
    while not recorder.requests and time.monotonic() < deadline:
        time.sleep(0.02)
    assert recorder.requests, "the request never reached the server"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    (row,) = HistoryStore(home).recent(5)
    assert row.outcome == "interrupted" and row.status is None
    assert json.loads(run(home, "history", "--json").stdout)[0]["error"].startswith("Interrupted")


# -- no stored row may crash the command line or the window -----------------------------------------

BAD_HAR = {"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [{
    "startedDateTime": "2026-11-22T10:00:00.000Z", "time": 5,
    "request": {"method": "POST", "url": "https://tracker-s2s.my.com/v1/login/?idApp=1", "headers": [],
                "postData": {"mimeType": "application/json", "text": "{}"}},
    "response": {"status": "abc", "statusText": "", "headers": [], "content": {"size": 0, "text": ""}},
}]}}


def test_har_with_a_status_that_is_not_a_number_is_refused_naming_entry_and_field():
    with pytest.raises(HistoryImportError, match=r"Entry 1.*status must be a number"):
        read_import(json.dumps(BAD_HAR))


@pytest.mark.parametrize("field,value,words", [
    ("elapsed_ms", "abc", "elapsed_ms must be a number"),
    ("status", "200", "status must be a number"),
    ("time", 5, "time must be text"),
    ("issues", "none", "issues must be a list"),
    ("request_headers", {"X": 1}, "request_headers.X must be text"),
    ("vendor", "nobody", "is not an operation this console knows"),
    ("status", 99999, "HTTP status"),
])
def test_json_export_with_a_wrong_type_is_refused(ctx, field, value, words):
    from console.core.history.export import to_json_export

    pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login")))
    data = json.loads(to_json_export(ctx.history.get_many([r.id for r in ctx.history.recent(1)])))
    data["exchanges"][0][field] = value
    with pytest.raises(HistoryImportError, match=words):
        read_import(json.dumps(data))


def insert_bad_row(home: Path) -> None:
    """A row as a foreign tool (or an older bug) could leave it: every field the wrong type."""
    HistoryStore(home).close()
    db = sqlite3.connect(home / "history.sqlite3")
    cur = db.execute("INSERT INTO exchanges (time, vendor, operation, profile, method, url, issues, outcome, status, "
                     "elapsed_ms, response_size, forced, request_size) "
                     "VALUES (12, 'mytracker', 'login', 3, 'POST', 4.5, '{\"a\": 1}', 'answered', 'abc', 'slow', 'big', "
                     "'yes', 'long')")
    db.execute("INSERT INTO exchange_bodies (id, request_headers, request_body, settings, response_headers) "
               "VALUES (?, 'not json', 'text body', '[1]', '[[')", (cur.lastrowid,))
    db.commit()
    db.close()


def test_command_line_and_exports_read_a_malformed_stored_row(tmp_path):
    from console.core.history.export import to_curl_commands, to_har, to_json_export

    home = tmp_path / "home"
    home.mkdir()
    insert_bad_row(home)
    for args in (("history",), ("history", "--json")):
        listed = run(home, *args)
        assert listed.returncode == 0, (args, listed.stderr)
        assert "Traceback" not in listed.stderr
    store = HistoryStore(home)
    rows = store.get_many([r.id for r in store.recent(5)])
    assert rows[0].status is None and rows[0].elapsed_ms is None and rows[0].request_headers == {}
    json.dumps(to_har(rows))
    to_json_export(rows)
    to_curl_commands(rows)
    store.close()


# -- payloads are what the user gave ---------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("null", "not null"), ("42", "not a number"), ('"hello"', "not a string"), ("true", "not true/false"),
    ('{"a": NaN}', "NaN is not JSON"), ('{"a": Infinity}', "Infinity is not JSON"),
    ('[' * 2000 + ']' * 2000, "nested too deeply"), ('{"a": ' + "9" * 5000 + "}", "more than 4,300 digits"),
    ('{"a": "\\ud800"}', "lone surrogate"), ('[' * 70 + ']' * 70, "more than 64 levels"),
])
def test_payloads_that_cannot_be_sent_are_one_line_errors(tmp_path, recorder, text, words):
    (tmp_path / "data.json").write_text(text)
    sent = run(tmp_path / "home", "send", "mytracker", "login", "--data", str(tmp_path / "data.json"),
               "--base-url", recorder.url)
    assert sent.returncode == 2
    assert words in sent.stderr and sent.stderr.count("\n") == 1 and "Traceback" not in sent.stderr
    assert recorder.requests == []


def test_a_forced_send_cannot_send_what_is_not_json(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", payload={"customUserId": float("nan")}))
    assert prepared.missing and "NaN" in prepared.missing[0].message
    with pytest.raises(ValueError):
        pipeline.send(ctx, prepared, force=True)


# -- what the documents say about failures of the vendor's own steps ------------------------------

def test_synerise_login_without_a_token_is_a_failed_send(run_cli, make_ctx):
    server = RecordingServer(routes={"/uauth/": Reply(status=200, body=b'{"type": "Bearer"}'),
                                     "/v4/": Reply(status=202, body=b"")})
    try:
        result = run_cli("send", "synerise", "custom", "--base-url", server.url, "--set", "api_key=k3y-value",
                         "--json")
        data = json.loads(result.out)
        assert result.status == 3
        assert "no token" in data["error"] and "not sent" in data["error"]
        assert [r.path for r in server.requests] == ["/uauth/v2/auth/login/profile"]  # the event endpoint untouched
        (row,) = make_ctx().history.recent(1)
        assert row.outcome == "login-failed"
        listed = run_cli("history")
        assert "login failed" in listed.out
    finally:
        server.stop()


def test_synerise_login_refused_is_a_failed_send(run_cli):
    server = RecordingServer(routes={"/uauth/": Reply(status=401, body=b'{"error": "Unauthorized"}')})
    try:
        result = run_cli("send", "synerise", "custom", "--base-url", server.url, "--set", "api_key=wrong")
        assert result.status == 3 and "Login with the API key failed" in result.err
        assert all(not r.path.startswith("/v4/") for r in server.requests)
    finally:
        server.stop()
