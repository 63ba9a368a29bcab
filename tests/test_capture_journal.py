"""The capture journal: what capture answered is written (masked) before the answer leaves,
and a capture that dies before recording it leaves it to the next process that opens
history, which records it marked as not checked. Files a live capture holds are left alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

from console.core.history import journal as capture_journal
from console.core.history.journal import NOT_CHECKED, CaptureJournal, decode, encode, pending_in
from console.core.history.records import Record
from console.core.history.store import HistoryStore
from console.core.secrets import SecretStore
from console.engine.capture import Capture
from console.engine.context import AppContext
from tests.memory_keyring import MemoryKeyring

ROOT = Path(__file__).resolve().parent.parent


def record(n: int, **changes) -> Record:
    base = Record(time=f"2026-11-23T10:00:{n:02d}.000+00:00", vendor="octeth", operation="event", profile="capture",
                  method="POST", url="http://127.0.0.1:8766/octeth/api/v1/event", request_headers={"X": "1"},
                  request_body=b'{"APIKey":"***","n":%d}' % n, payload=json.dumps({"n": n}), settings={},
                  credential="APIKey", status=200, reason="OK", response_headers={"Content-Type": "application/json"},
                  response_body=b'{"status":"success"}', response_size=20, response_truncated=False, error=None,
                  error_kind=None, elapsed_ms=0.0, issues=[], forced=False, outcome="answered", source="capture")
    return base._replace(**changes)


def die(journal: CaptureJournal) -> None:
    """What a kill does to a journal: its files are closed (and so unlocked), nothing else."""
    for file in journal.files:
        file.map.close()
        os.close(file.fd)


def test_a_record_survives_the_journal_whole():
    original = record(1, request_body=bytes(range(256)), response_body=None)
    assert Record(**decode(json.loads(json.dumps(encode(original))))) == original


def test_what_a_dead_capture_left_is_recorded_once_marked_not_checked(tmp_path):
    journal = CaptureJournal(tmp_path)
    tickets = [journal.write(record(n)) for n in range(5)]
    for ticket in tickets[:2]:
        journal.done(ticket)  # these two reached history before the kill
    forwarded = journal.write(record(9, status=None, outcome="sending", response_body=None))
    assert forwarded.seq == 6
    # While the capture lives, another process opening history leaves its journal alone.
    store = HistoryStore(tmp_path)
    assert store.recovered == 0 and store.recent(10) == []
    store.close()
    die(journal)
    store = HistoryStore(tmp_path)
    try:
        assert store.recovered == 4 and "4 request(s) that a capture answered" in store.message
        rows = [store.get(e.id) for e in reversed(store.recent(10))]
        assert [json.loads(r.payload)["n"] for r in rows] == [2, 3, 4, 9]
        assert all(r.issues[-1] == {"severity": "warning", "path": "", "message": NOT_CHECKED} for r in rows)
        assert rows[-1].outcome == "interrupted" and "before the vendor's answer" in rows[-1].error
        assert rows[0].outcome == "answered" and rows[0].request_body == b'{"APIKey":"***","n":2}'
    finally:
        store.close()
    assert not list(tmp_path.glob("capture-*.journal"))
    store = HistoryStore(tmp_path)  # recovered once, never twice
    assert store.recovered == 0 and len(store.recent(10)) == 4
    store.close()


def test_a_later_write_of_a_request_replaces_the_first_and_a_torn_line_is_skipped(tmp_path):
    journal = CaptureJournal(tmp_path)
    ticket = journal.write(record(1, status=None, outcome="sending"))
    journal.write(record(1, status=201), ticket)
    path = journal.files[-1].path
    die(journal)
    with open(path, "ab") as stream:
        stream.write(b'{"seq": 7, "record": {"time": "2026-')  # the process died mid-write
    (kept,), bad = pending_in(path.read_bytes())
    assert bad == 0
    assert kept["status"] == 201 and kept["outcome"] == "answered"


def test_files_are_replaced_past_the_limit_and_removed_when_done(tmp_path, monkeypatch):
    monkeypatch.setattr(capture_journal, "FILE_SIZE", 2000)
    journal = CaptureJournal(tmp_path)
    tickets = [journal.write(record(n)) for n in range(20)]
    assert len(list(tmp_path.glob("capture-*.journal"))) > 3
    for ticket in tickets:
        journal.done(ticket)
    assert len(list(tmp_path.glob("capture-*.journal"))) == 1  # only the current one is left
    journal.close()
    assert not list(tmp_path.glob("capture-*.journal"))


def test_a_journal_held_by_a_live_process_is_not_recovered(tmp_path):
    """The lock is the process's: a second process cannot take what the first still holds."""
    script = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\n"
              "from pathlib import Path\nfrom console.core.history.journal import CaptureJournal\n"
              "from tests.test_capture_journal import record\n"
              f"j = CaptureJournal(Path({str(tmp_path)!r})); j.write(record(1)); print('ready', flush=True)\n"
              "sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        store = HistoryStore(tmp_path)
        assert store.recovered == 0
        store.close()
    finally:
        holder.kill()
        holder.wait()
    store = HistoryStore(tmp_path)  # the holder died: now it is recovered
    assert store.recovered == 1
    store.close()


def test_capture_answers_first_then_records_everything_in_order_before_close_returns(tmp_path):
    ctx = AppContext(home=tmp_path, secrets=SecretStore(MemoryKeyring()))
    seen = []
    capture = Capture(ctx, on_request=seen.append)
    try:
        for n in range(30):
            body = json.dumps({"APIKey": "key-that-stays-in-memory", "ListID": 1, "event": "signup",
                               "email": f"u{n}@example.com"}).encode()
            answer = capture.handle("POST", "/octeth/api/v1/event", "127.0.0.1:8766",
                                    [("Content-Type", "application/json")], body)
            assert answer.status in (200, 401)
        (journal,) = tmp_path.glob("capture-*.journal")
        assert b"key-that-stays-in-memory" not in journal.read_bytes()
    finally:
        capture.close()
    assert capture.count == 30 and [c.history_id for c in seen] == sorted(c.history_id for c in seen)
    rows = [ctx.history.get(e.id) for e in reversed(ctx.history.recent(100))]
    assert [json.loads(r.payload)["email"] for r in rows] == [f"u{n}@example.com" for n in range(30)]
    assert not list(tmp_path.glob("capture-*.journal"))
    ctx.close()


def test_a_request_answered_by_a_capture_that_dies_before_checking_it_is_recovered_with_its_payload(
        tmp_path, monkeypatch):
    ctx = AppContext(home=tmp_path / "a", secrets=SecretStore(MemoryKeyring()))
    monkeypatch.setattr(Capture, "_work", lambda self: None)  # its worker never gets to the request
    capture = Capture(ctx)
    body = json.dumps({"APIKey": "key-that-stays-in-memory", "ListID": 1, "event": "signup",
                       "email": "late@example.com"}).encode()
    answer = capture.handle("POST", "/octeth/api/v1/event?x=1", "127.0.0.1:8766",
                            [("Content-Type", "application/json")], body)
    assert answer.status == 200  # a real key is accepted for its shape, never compared with the sandbox's
    die(capture.journal)
    store = HistoryStore(tmp_path / "a")
    try:
        (row,) = [store.get(e.id) for e in store.recent(10)]
        assert json.loads(row.payload) == {"ListID": 1, "event": "signup", "email": "late@example.com"}
        assert row.status == 200 and row.url.endswith("/octeth/api/v1/event?x=1")
        assert b"key-that-stays-in-memory" not in row.request_body
        assert row.issues[-1]["message"] == NOT_CHECKED
    finally:
        store.close()
        ctx.close()


def test_no_room_for_the_journal_means_no_capture_said_plainly(tmp_path, monkeypatch):
    """Capture answers only what it can keep: when the journal cannot be written (a full disk)
    the command refuses to start and says why, in the window's words too."""
    import errno
    import io

    from console import cli

    def full(fd, size):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_journal, "_allocate", full)
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(["capture", "--port", "0"], stdout=out, stderr=err,
                      make_context=lambda: AppContext(home=tmp_path, secrets=SecretStore(MemoryKeyring())))
    assert status == 2 and "Capturing on" not in out.getvalue()
    assert f"cannot keep a capture journal in {tmp_path}: No space left on device" in err.getvalue()
    assert not list(tmp_path.glob("capture-*.journal"))  # the half-made file is gone


def test_checking_waits_while_a_request_is_being_answered(tmp_path):
    """Answering comes first: while a request is being answered (begin … end) the worker does
    not check or record (up to MAX_LAG); once none is, it records what waited."""
    import time

    ctx = AppContext(home=tmp_path, secrets=SecretStore(MemoryKeyring()))
    capture = Capture(ctx)
    try:
        body = json.dumps({"APIKey": "k", "ListID": 1, "event": "signup", "email": "w@example.com"}).encode()
        capture.begin()  # this request is being answered, as its handler says
        capture.handle("POST", "/octeth/api/v1/event", "127.0.0.1:8766", [("Content-Type", "application/json")], body)
        time.sleep(0.3)
        assert ctx.history.recent(10) == [] and capture.waiting() == 1  # answered, written, not checked yet
        capture.end()
        deadline = time.monotonic() + 5
        while capture.count < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert capture.count == 1 and capture.waiting() == 0 and len(ctx.history.recent(10)) == 1
    finally:
        capture.close()
        ctx.close()


def test_a_capture_killed_between_its_history_write_and_done_is_recorded_once(tmp_path):
    """The worker writes a batch to history, then marks it done in the journal: a kill between
    the two leaves requests that are in history and not done. They are not recorded again."""
    journal = CaptureJournal(tmp_path)
    for n in range(3):
        journal.write(record(n))
    store = HistoryStore(tmp_path)
    store.record_many([record(0)._replace(issues=[]), record(1)._replace(payload='{"n": 1, "checked": true}')])
    store.close()  # ... and the capture is killed before its two "done" lines
    die(journal)
    store = HistoryStore(tmp_path)
    try:
        assert store.recovered == 1
        rows = [store.get(e.id) for e in reversed(store.recent(10))]
        assert [json.loads(r.payload)["n"] for r in rows] == [0, 1, 2]  # each once
    finally:
        store.close()


def test_one_client_sending_back_to_back_is_checked_between_its_requests_and_recorded_as_it_goes(tmp_path):
    """A backend that never pauses: its requests are checked between its answers and recorded
    while it keeps sending, not only once it stops; all of them, in order, each with its own
    check. (How long a request waits meanwhile is bench/capture.py's p99.)"""
    import time

    import requests

    from console.core.definitions import vendors
    from console.engine.capture import CaptureServer

    ctx = AppContext(home=tmp_path, secrets=SecretStore(MemoryKeyring()))
    server = CaptureServer(ctx, port=0)
    server.start()
    key = vendors()["octeth"].sandbox_secrets["api_key"]
    session = requests.Session()
    sent, recorded_while_sending = 0, 0
    try:
        start = time.monotonic()
        while time.monotonic() - start < 1.5:
            email = f"n{sent}@example.com" if sent % 2 else "not an email"
            answer = session.post(f"{server.url}/octeth/api/v1/event", timeout=10,
                                  json={"APIKey": key, "ListID": 1, "event": "signup", "email": email})
            assert answer.status_code == (200 if sent % 2 else 422)  # the sandbox refuses a bad email
            sent += 1
        recorded_while_sending = server.capture.count
    finally:
        server.stop()
        ctx.close()
    assert recorded_while_sending >= sent // 2  # recorded as it went, not all after the client stopped
    history = HistoryStore(tmp_path)
    rows = list(reversed(history.page(None, sent + 10)))
    assert len(rows) == sent
    assert [r.errors > 0 for r in rows] == [n % 2 == 0 for n in range(sent)]  # each with its own check
