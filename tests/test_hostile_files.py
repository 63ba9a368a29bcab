"""Every input bounded, every failure one line: a FIFO, a device, a folder or a file too large
named as an import, a payload or a case file is refused at once with its reason (never a hang,
never gigabytes of memory); a HAR from a browser imports as curl would read it; a history set
aside is announced."""

import json
import os
import time

import pytest

from console.core.curl import CurlError, parse_curl
from tests.test_send_accounting import run


def special(tmp_path, kind):
    path = tmp_path / f"input-{kind}"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        return "/dev/zero"
    elif kind == "folder":
        path.mkdir()
    return str(path)


COMMANDS = [["history", "import"], ["send", "octeth", "event", "--dry-run", "--data"], ["suite", "run"]]


@pytest.mark.parametrize("kind,command", [(kind, command) for kind in ("fifo", "device", "folder") for command in COMMANDS
                                          if not (kind == "folder" and command[0] == "suite")])  # a folder is a suite
def test_what_is_no_regular_file_is_refused_at_once(tmp_path, kind, command):
    started = time.monotonic()
    done = run(tmp_path / "home", *command, special(tmp_path, kind), timeout=30)
    assert time.monotonic() - started < 20
    said = done.stdout + done.stderr
    # A suite's case file that cannot be read is a case that could not run (1); elsewhere a usage error (2).
    assert done.returncode == (1 if command[0] == "suite" else 2) and "Traceback" not in said, said
    assert ("a pipe or a device" in said or "a folder" in said), said


def test_a_case_file_too_large_is_named(tmp_path):
    big = tmp_path / "big.case.json"
    with open(big, "wb") as stream:
        stream.truncate(11 * 1024 * 1024)
    done = run(tmp_path / "home", "suite", "run", str(big), timeout=30)
    assert done.returncode in (1, 2) and "may be at most 10 MB" in done.stdout + done.stderr


def test_a_har_url_that_is_no_url_is_one_line(tmp_path):
    har = {"log": {"version": "1.2", "entries": [{"request": {"method": "POST", "url": "http://[::1/v4/events/custom"}}]}}
    path = tmp_path / "bad.har"
    path.write_text(json.dumps(har))
    done = run(tmp_path / "home", "history", "import", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Entry 1: request.url is not a URL" in done.stderr


def test_a_chrome_har_imports_as_curl_reads_it(tmp_path):
    data = json.dumps([{"type": "login", "email": "a@example.com"}])
    from urllib.parse import quote

    url = f"https://app.vtcdn.net/event/77/login?data={quote(data)}&callback=vt&ts=5"
    entry = {"startedDateTime": "2026-11-30T10:00:00.000Z", "time": 12,
             "request": {"method": "GET", "url": url, "httpVersion": "h2",
                         "headers": [{"name": ":authority", "value": "app.vtcdn.net"}, {"name": ":method", "value": "GET"},
                                     {"name": ":path", "value": url[22:]}, {"name": ":scheme", "value": "https"},
                                     {"name": "user-agent", "value": "Chrome"}]},
             "response": {"status": 200, "statusText": "", "headers": [], "content": {"text": "vt({})", "size": 6}}}
    path = tmp_path / "chrome.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    home = tmp_path / "home"
    first = run(home, "history", "import", str(path))
    assert first.returncode == 0 and "Imported 1 exchange" in first.stdout
    again = run(home, "history", "import", str(path))
    assert "Imported 0 exchange" in again.stdout and "1 were in history already" in again.stdout
    (row,) = json.loads(run(home, "history", "--json").stdout)
    assert (row["vendor"], row["operation"]) == ("vibetrace", "track")
    exported = run(home, "history", "export", "--format", "json").stdout
    item = json.loads(exported)["exchanges"][0]
    assert json.loads(item["payload"]) == [{"type": "login", "email": "a@example.com"}]  # it can be opened, resent
    assert not any(name.startswith(":") for name in item["request_headers"])
    assert ":authority" not in run(home, "history", "export", "--format", "curl").stdout


def test_a_lone_surrogate_is_a_curl_error():
    with pytest.raises(CurlError, match="lone surrogate"):
        parse_curl("curl -d $'\\ud800' https://api.synerise.com/v4/events/custom")


def test_a_damaged_history_is_announced_by_send(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"not a database" * 400)
    done = run(home, "send", "mytracker", "login")
    assert done.returncode == 0
    (kept,) = home.glob("history.sqlite3.damaged-*")
    assert f"kept aside, untouched, as {kept.name}" in done.stderr


def test_a_write_that_cannot_finish_leaves_the_old_file_whole(tmp_path):
    from console.core.files import atomic_write
    from tests.test_send_accounting import mount_tmpfs, unmount

    folder = tmp_path / "small"
    if not mount_tmpfs(folder, "size=64k"):
        pytest.skip("a small real file system needs root and mount")
    try:
        target = folder / "report.xml"
        atomic_write(target, "the old report")
        with pytest.raises(OSError):
            atomic_write(target, "x" * 200_000)  # more than the disk holds
        assert target.read_text() == "the old report"
        assert [p.name for p in folder.iterdir()] == ["report.xml"]  # no half-written file left beside it
    finally:
        unmount(folder)


def test_an_export_gets_the_usual_permissions_and_the_data_home_stays_private(tmp_path):
    from console.core.files import atomic_write

    atomic_write(tmp_path / "export.har", "{}")
    atomic_write(tmp_path / "profiles.json", "{}", private=True)
    assert (tmp_path / "export.har").stat().st_mode & 0o044  # others may read what the user exported
    assert (tmp_path / "profiles.json").stat().st_mode & 0o077 == 0
