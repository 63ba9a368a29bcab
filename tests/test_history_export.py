"""Exports (cURL, JSON, HAR 1.2) and imports: the HAR validates against the HAR 1.2
structure, both formats round-trip, and nothing secret leaves or comes in."""

import json
from pathlib import Path

import jsonschema
import pytest

from console.core.diff import compare, json_changes
from console.core.history.export import (
    HistoryImportError,
    read_import,
    to_curl_commands,
    to_har,
    to_json_export,
)
from console.core.history.store import HistoryStore
from console.engine import pipeline
from tests.servers import Reply
from tests.test_secrets import CANARY, SECRET_OPERATIONS

HAR_SCHEMA = json.loads((Path(__file__).parent / "har-1.2.schema.json").read_text())


@pytest.fixture
def sent(make_ctx, recorder):
    """One exchange of every secret-bearing operation, sent with the canary, answered with an echo."""
    ctx = make_ctx()
    recorder.reply = Reply(echo=True)
    ids = []
    for vendor, operation, secret in SECRET_OPERATIONS:
        draft = pipeline.Draft(vendor, operation, overrides={secret: CANARY}, base_url=recorder.url)
        ids.append(pipeline.send(ctx, pipeline.prepare(ctx, draft)).history_id)
    # And one that got no answer, and one from the sandbox.
    ids.append(pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", base_url="http://127.0.0.1:9"))).history_id)
    ids.append(pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track"))).history_id)
    return ctx, ids


def test_har_export_is_valid_har_12_and_keeps_no_secret(sent):
    ctx, ids = sent
    har = to_har(ctx.history.get_many(ids))
    jsonschema.validate(har, HAR_SCHEMA)
    text = json.dumps(har)
    assert CANARY not in text
    assert len(har["log"]["entries"]) == len(ids)
    assert har["log"]["entries"][-2]["response"]["status"] == 0  # no answer


def test_har_round_trips_through_import(sent, tmp_path):
    ctx, ids = sent
    rows = ctx.history.get_many(ids)
    records, skipped = read_import(json.dumps(to_har(rows)))
    assert skipped == 0 and len(records) == len(rows)
    other = HistoryStore(tmp_path / "other")
    new_ids = other.record_many(records)
    for old, new in zip(rows, other.get_many(new_ids), strict=True):
        for key in ("vendor", "operation", "profile", "method", "url", "status", "payload", "outcome",
                    "request_body", "response_body", "issues"):
            assert getattr(old, key) == getattr(new, key), key
        assert compare(old, new).payload == []


def test_json_export_round_trips(sent, tmp_path):
    ctx, ids = sent
    rows = ctx.history.get_many(ids)
    text = to_json_export(rows)
    assert CANARY not in text
    records, _ = read_import(text)
    other = HistoryStore(tmp_path / "other")
    again = other.get_many(other.record_many(records))
    assert [(r.vendor, r.operation, r.status, r.request_body, r.response_body) for r in rows] == \
           [(r.vendor, r.operation, r.status, r.request_body, r.response_body) for r in again]


def test_curl_export_masks(sent):
    ctx, ids = sent
    text = to_curl_commands(ctx.history.get_many(ids))
    assert CANARY not in text and text.count("curl -X") == len(ids)


def test_foreign_har_is_matched_and_redacted():
    foreign = {"log": {"version": "1.2", "creator": {"name": "browser", "version": "1"}, "entries": [
        {"startedDateTime": "2026-11-01T10:00:00.000Z", "time": 12.5,
         "request": {"method": "POST", "url": "https://api.synerise.com/events/v1/batch?token=LIVEKEY&x=1",
                     "httpVersion": "HTTP/2", "cookies": [], "headers": [{"name": "Authorization", "value": "Bearer LIVEJWT"}],
                     "queryString": [], "postData": {"mimeType": "application/json", "text": '{"eventType": "recommendation.view", "items": []}'},
                     "headersSize": -1, "bodySize": 10},
         "response": {"status": 202, "statusText": "Accepted", "httpVersion": "HTTP/2", "cookies": [], "headers": [],
                      "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
         "cache": {}, "timings": {"send": 0, "wait": 12, "receive": 0}},
        {"startedDateTime": "2026-11-01T10:00:01.000Z", "time": 1,
         "request": {"method": "GET", "url": "https://example.com/favicon.ico", "httpVersion": "HTTP/2", "cookies": [],
                     "headers": [], "queryString": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "cookies": [], "headers": [],
                      "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
         "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}]}}
    records, skipped = read_import(json.dumps(foreign))
    assert skipped == 1
    (record,) = records
    assert (record.vendor, record.operation, record.status) == ("synerise", "ai-batch", 202)
    assert "LIVEKEY" not in record.url and "x=1" in record.url
    assert record.request_headers["Authorization"] == "Bearer ***"


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"format": "other"}', '{"log": {}}',
                                  '{"format": "event-console-history", "version": 1, "exchanges": [{"vendor": "x"}]}'])
def test_bad_import_files_get_a_message(text):
    with pytest.raises(HistoryImportError):
        read_import(text)


def test_diff_of_two_exchanges(make_ctx):
    ctx = make_ctx()
    a = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent"))).history_id
    changed = {"customUserId": "1", "customEventName": "levelDown", "customEventParams": {"level": "3", "new": "x"},
               "instanceId": "00000000-0000-0000-0000-000000000000"}
    b = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", payload=changed))).history_id
    diff = compare(ctx.history.get(a), ctx.history.get(b))
    kinds = {(c.kind, c.path) for c in diff.payload}
    assert ("changed", "/customEventName") in kinds
    assert ("changed", "/customEventParams/level") in kinds
    assert ("added", "/customEventParams/new") in kinds
    assert ("removed", "/age") in kinds
    assert diff.status == ("200", "200") and not diff.same
    assert compare(ctx.history.get(a), ctx.history.get(a)).same
    assert [c.describe() for c in json_changes([1, 2], [1])] == ["- /1: 2"]


def _har_of(tmp_path, count):
    from tests.test_interchange import entry, har

    path = tmp_path / "many.har"
    entries = [entry(url=f"https://api.synerise.com/v4/events/custom?n={n}") for n in range(count - 1)]
    entries.append(entry(url="https://example.com/elsewhere", method="GET"))  # no known endpoint
    path.write_text(json.dumps(har(*entries)))
    return path


def test_an_import_says_how_far_it_read(tmp_path):
    """Every PROGRESS_EVERY entries: how many were read, of about how many (estimated from the
    part of the file read; exact at the end)."""
    from console.core.history.export import PROGRESS_EVERY
    from console.engine.history_ops import import_file

    store = HistoryStore(tmp_path / "home")
    reports = []
    done = import_file(store, _har_of(tmp_path, 450), progress=lambda n, total: reports.append((n, total)))
    assert done == (449, 1, 0) and store.count() == 449
    assert [n for n, _ in reports] == [PROGRESS_EVERY, 2 * PROGRESS_EVERY, 450]
    assert all(abs(total - 450) <= 10 for _, total in reports[:-1]) and reports[-1] == (450, 450)


def test_a_stopped_import_writes_nothing(tmp_path):
    from console.core.history.export import ImportStopped
    from console.engine.history_ops import import_file

    store = HistoryStore(tmp_path / "home")
    reports = []
    with pytest.raises(ImportStopped):
        import_file(store, _har_of(tmp_path, 450), progress=lambda n, total: reports.append(n),
                    cancelled=lambda: bool(reports))  # Stop once the first progress was shown
    assert reports == [200] and store.count() == 0


def test_an_import_is_stored_as_it_is_read_and_shown_only_whole(tmp_path, monkeypatch):
    """Chunks are written while the file is read (bounded memory), hidden until the last; a
    malformed entry after several chunks takes them all back."""
    from console.core.history import imports
    from console.core.history.export import HistoryImportError
    from console.engine.history_ops import import_file
    from tests.test_interchange import entry, har

    monkeypatch.setattr(imports, "IMPORT_CHUNK", 50)
    store = HistoryStore(tmp_path / "home")
    seen = []

    def progress(read, _total):
        with store._reading() as db:
            stored = db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]
        seen.append((read, stored, store.count()))

    done = import_file(store, _har_of(tmp_path, 450), progress=progress)
    assert done.imported == 449 and store.count() == 449
    assert seen[1][1] >= 350 and seen[1][2] == 0  # 400 read: 350 or more stored, none shown yet

    entries = [entry(url=f"https://api.synerise.com/v4/events/custom?m={n}") for n in range(300)]
    entries.append({"request": "not an object"})
    path = tmp_path / "broken.har"
    path.write_text(json.dumps(har(*entries)))
    with pytest.raises(HistoryImportError, match="Entry 301: request must be an object"):
        import_file(store, path, progress=progress)
    assert seen[-1][:2] == (200, 449 + 150)  # 200 read: 150 of them stored before the bad entry
    with store._reading() as db:
        assert db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] == 449  # the 300 taken back
    assert store.count() == 449


def _hidden(store, batch, count):
    """What an import numbered `batch` leaves after its first chunk: rows marked by it."""
    from tests.history_data import make_records

    with store.transaction() as db:
        store._insert(db, make_records(count), hidden=batch)
    with store._reading() as db:
        return db.execute("SELECT COUNT(*) FROM exchanges WHERE deleted = ?", (batch,)).fetchone()[0]


def test_what_a_killed_import_left_hidden_is_removed_by_the_next(tmp_path):
    """A killed import's rows stay hidden (a user's delete of everything leaves them too), and
    the next import takes them back, with the lock file nobody holds any more."""
    from console.engine.history_ops import import_file

    store = HistoryStore(tmp_path / "home")
    assert _hidden(store, -1, 30) == 30
    (tmp_path / "home" / "history-import-1.lock").write_text("")  # its process died: unlocked
    assert store.count() == 0
    store.delete(None)
    assert _hidden(store, -1, 0) == 30
    assert import_file(store, _har_of(tmp_path, 10)).imported == 9
    with store._reading() as db:
        assert db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] == 9
    assert not list((tmp_path / "home").glob("*.lock"))


def test_an_import_another_process_runs_is_left_alone(tmp_path):
    """Rows hidden by an import whose process still holds its lock file are not taken back."""
    import subprocess
    import sys

    from console.engine.history_ops import import_file

    store = HistoryStore(tmp_path / "home")
    assert _hidden(store, -1, 20) == 20
    lock = tmp_path / "home" / "history-import-1.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, time\nfrom console.core.files import try_lock\n"
         f"fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT)\nassert try_lock(fd)\nprint('held', flush=True)\n"
         "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert import_file(store, _har_of(tmp_path, 10)).imported == 9
        assert _hidden(store, -1, 0) == 20 and store.count() == 9  # the other import's rows are there, hidden
    finally:
        holder.communicate("")
    assert import_file(store, _har_of(tmp_path, 3)).repeated == 2  # its process gone: now taken back
    assert _hidden(store, -1, 0) == 0


def test_history_import_shows_its_progress_on_a_terminal_only(tmp_path, make_ctx):
    import io

    from console import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = _har_of(tmp_path, 250)
    for err, shown in ((Terminal(), True), (io.StringIO(), False)):
        out = io.StringIO()
        assert cli.main(["history", "import", str(path)], stdout=out, stderr=err, make_context=make_ctx) == 0
        assert ("Importing… 200 of about 2" in err.getvalue()) is shown  # estimated from the bytes read
        assert ("Importing… 250 of 250 entries" in err.getvalue()) is shown
        assert "Imported" in out.getvalue()


def test_history_export_shows_how_many_of_how_many_on_a_terminal(tmp_path, make_ctx):
    import io

    from console import cli
    from tests.history_data import fill

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    fill(make_ctx().history, 450)
    for args, line in ((["--limit", "300"], "Exporting… 200 of 300 exchange(s)"), ([], "Exporting… 400 of 450 exchange(s)")):
        err = Terminal()
        out = tmp_path / "out.har"
        assert cli.main(["history", "export", "--format", "har", "--output", str(out), *args], stdout=io.StringIO(),
                        stderr=err, make_context=make_ctx) == 0
        assert line in err.getvalue()
