"""Every start is clean, whatever a capture left behind: a damaged journal (any line, a folder,
a FIFO, a link to a device, a file too large) is set aside with one line that names it, never a
traceback or a hang; a capture that ran out of disk stops cleanly on Ctrl+C and says how many
answered requests wait, and where; the next start with room records them. The journal reader
is fuzzed: no input makes it raise."""

import json
import os
import signal
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.history.journal import CaptureJournal, encode, pending_in
from console.core.history.records import Record
from console.core.history.recovery import journal_record
from console.core.history.store import HistoryStore
from tests.test_capture import CaptureProcess
from tests.test_send_accounting import mount_tmpfs, run, unmount

NAME = "capture-1-a-1.journal"


def record(n: int, **changes) -> Record:
    values = dict(time="2026-01-01T00:00:00.000+00:00", vendor="mytracker", operation="login", profile="capture",
                  method="POST", url=f"http://127.0.0.1:8766/mytracker/v1/login/?idApp={n}",
                  request_headers={"Authorization": "***"}, request_body=b'{"customUserId":"u"}', payload=None,
                  settings={}, credential="token", status=200, reason="OK", response_headers={},
                  response_body=b'{"message":"OK"}', response_size=16, response_truncated=False, error=None,
                  error_kind=None, elapsed_ms=0.0, issues=[], forced=False, outcome="answered", source="capture")
    return Record(**{**values, **changes})


def line(n: int, **changes) -> bytes:
    return json.dumps({"seq": n, "record": encode(record(n, **changes))}).encode() + b"\n"


DAMAGED_LINES = [b"5\n", b"[]\n", b'{"seq": "x", "record": {}}\n', b'{"seq": 2, "record": 5}\n',
                 b'{"done": true}\n', b'{"seq": 2, "record": {"time": 5}}\n', b"\xff\xfe\n",
                 b"[" * 3000 + b"\n", b'{"seq": 2, "record": {"request_body": "!!!not base64"}}\n']


@pytest.mark.parametrize("damage", DAMAGED_LINES, ids=range(len(DAMAGED_LINES)))
def test_a_damaged_line_is_set_aside_with_one_line_and_the_good_ones_recovered(tmp_path, damage):
    (tmp_path / NAME).write_bytes(line(1) + damage + line(3))
    listed = run(tmp_path, "history", "--json")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert len(json.loads(listed.stdout)) == 2  # the two good requests
    kept = list(tmp_path.glob(NAME + ".damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == line(1) + damage + line(3)  # untouched
    (said,) = [x for x in listed.stderr.splitlines() if "capture journal" in x]
    assert str(kept[0]) in said and "Look at it or delete it" in said
    again = run(tmp_path, "history", "--json")
    assert again.returncode == 0 and again.stderr == ""  # said once; the next start is quiet


def test_the_issues_own_example(tmp_path):
    (tmp_path / NAME).write_bytes(b"5\n")
    listed = run(tmp_path, "history")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert NAME in listed.stderr and not (tmp_path / NAME).exists()


@pytest.mark.parametrize("kind", ["folder", "fifo", "link-to-zero", "dangling-link", "too-large"])
def test_what_is_no_journal_file_is_set_aside_without_reading_or_waiting(tmp_path, kind):
    path = tmp_path / NAME
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        path.symlink_to(tmp_path / "nowhere")
    else:
        with open(path, "wb") as stream:
            stream.truncate(300 * 1024 * 1024)  # sparse: larger than any journal
    started = time.monotonic()
    listed = run(tmp_path, "history", timeout=30)
    assert time.monotonic() - started < 20
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert not path.exists() and not path.is_symlink()
    (kept,) = tmp_path.glob(NAME + ".damaged-*")
    assert str(kept) in listed.stderr


@given(st.binary(max_size=2000))
@settings(max_examples=1000, deadline=None)
def test_fuzz_the_journal_reader_with_bytes(data):
    records, bad = pending_in(data)
    for values in records:
        journal_record(values)
    assert bad >= 0


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                    max_size=4), max_leaves=12)


@given(st.lists(st.one_of(
    st.builds(lambda n, r: {"seq": n, "record": r}, st.integers(-2, 5), JSONISH),
    st.builds(lambda n, f, v: {"seq": n, "record": {**encode(record(1)), f: v}}, st.integers(0, 5),
              st.sampled_from([f for f in encode(record(1))]), JSONISH),
    st.builds(lambda n: {"done": n}, JSONISH), JSONISH), max_size=6))
@settings(max_examples=1000, deadline=None)
def test_fuzz_the_journal_reader_with_lines_of_json(items):
    data = b"\n".join(json.dumps(item).encode() for item in items) + b"\n"
    records, _ = pending_in(data)
    for values in records:
        made = journal_record(values)
        if made is not None:
            made.row()  # what history writes of it
            made.bodies()


@given(st.binary(max_size=600))
@settings(max_examples=60, deadline=None)
def test_fuzz_a_start_of_history_over_a_damaged_journal(data):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as home:
        (Path(home) / NAME).write_bytes(line(1) + data)
        store = HistoryStore(Path(home))
        try:
            assert store.recent(10)
            assert not (Path(home) / NAME).exists()
        finally:
            store.close()


# -- a full disk ------------------------------------------------------------------------------------

def fill(path) -> None:
    """Writes to `path` until the file system is full."""
    with open(path, "ab", buffering=0) as stream:
        try:
            while stream.write(b"\0" * 4096):
                pass
        except OSError:
            pass

def test_after_a_disk_full_spell_ctrl_c_is_clean_and_nothing_answered_is_lost(tmp_path):
    home = tmp_path / "home"
    if not mount_tmpfs(home, "size=12m"):
        pytest.skip("a small real file system needs root and mount")
    try:
        running = CaptureProcess(home)
        body = json.dumps({"customUserId": "u", "customEventName": "paid"})
        import requests

        url = f"{running.url}/mytracker/v1/customEvent/?idApp=1"
        headers = {"Authorization": "tok-123456", "Content-Type": "application/json"}
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
        running.rows(1)
        filler = home / "filler"
        fill(filler)  # the disk fills up
        statuses = [requests.post(url, data=body, headers=headers, timeout=10).status_code for _ in range(30)]
        assert set(statuses) <= {200, 503}, statuses
        answered = statuses.count(200)
        assert answered > 0  # the journal's blocks were allocated when capture started
        running.wait_for("not recorded yet")
        status, out = running.stop(signal.SIGINT)
        assert status == 0 and "Traceback" not in out and "Bad file descriptor" not in out, out
        assert "Traceback" not in running.process.stderr.read()
        assert f"{answered} answered request(s) could not be recorded yet: they wait in {home}" in out, out
        assert (f"{statuses.count(503)} request(s) were answered 503" in out) == (503 in statuses), out
        fill(filler)  # what closing the journal gave back is taken again
        full = run(home, "history", "--json")  # still full: it says how many wait, and where
        assert full.returncode == 0 and f"{answered} captured request(s) wait in {home}" in full.stderr, full.stderr
        filler.unlink()  # room again: the next start records them
        listed = run(home, "history", "--json", "--limit", "100")
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 1 + answered
        assert not list(home.glob("capture-*.journal"))
    finally:
        unmount(home)


def test_ctrl_c_in_every_state_of_the_journal(tmp_path):
    journal = CaptureJournal(tmp_path)
    ticket = journal.write(record(1))
    journal.done(ticket)
    assert journal.close() == {}
    journal = CaptureJournal(tmp_path)
    journal.write(record(2))
    kept = journal.close()
    assert list(kept.values()) == [1]
    assert CaptureJournal(tmp_path).close() == {}  # closing a new one is clean too
