"""History at work: filters, full-text search (and its fallback), paging, pins, retention,
delete with undo, migrations of released schemas."""

import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from console.core.history.connection import HistoryUnavailable
from console.core.history.records import HistoryFilter, Retention
from console.core.history.store import HistoryStore
from tests.history_data import fill, make_records

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    s = HistoryStore(tmp_path)
    s.record_many(make_records(500))
    yield s
    s.close()


def all_pages(store, **kwargs):
    rows, before = [], None
    while True:
        page = store.page(before, 37, **kwargs)
        if not page:
            return rows
        rows += page
        before = page[-1].id


def test_paging_walks_everything_newest_first_once(store):
    rows = all_pages(store)
    ids = [r.id for r in rows]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)) == 500


@pytest.mark.parametrize("fts", [True, False])
def test_search_finds_url_payload_and_response(store, fts):
    store.fts = store.fts and fts
    serial = store.get(123).payload
    user = __import__("json").loads(serial)["customUserId"]
    found = all_pages(store, search=user)
    assert 123 in [r.id for r in found]
    assert all(user in store.get(r.id).payload or not fts for r in found)
    assert all_pages(store, search="no-such-word-anywhere") == []
    # Response bodies are searched too ("echo" holds a word only the answer carries).
    answered = [r for r in all_pages(store, search="echo") if r.status == 200]
    assert answered


def test_fts_is_used_when_available(store):
    assert store.fts  # this Python's SQLite has FTS5


@pytest.mark.parametrize("status_class,check", [
    ("2xx", lambda r: 200 <= r.status < 300),
    ("4xx", lambda r: 400 <= r.status < 500),
    ("5xx", lambda r: 500 <= r.status < 600),
    ("no answer", lambda r: r.status is None and r.outcome == "no-answer"),
])
def test_status_class_filters(store, status_class, check):
    rows = all_pages(store, filters=HistoryFilter(status_class=status_class))
    assert rows and all(check(r) for r in rows)


def test_vendor_operation_profile_and_time_filters(store):
    rows = all_pages(store, filters=HistoryFilter(vendor="octeth", operation="event", profile="sandbox"))
    assert rows and all((r.vendor, r.operation, r.profile) == ("octeth", "event", "sandbox") for r in rows)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    window = HistoryFilter(since=(start + timedelta(minutes=100)).isoformat(timespec="milliseconds"),
                           until=(start + timedelta(minutes=110)).isoformat(timespec="milliseconds"))
    assert [r.id for r in all_pages(store, filters=window)] == list(range(110, 100, -1))
    combined = HistoryFilter(vendor="mytracker", status_class="2xx", search="levelUp")
    assert all(r.vendor == "mytracker" and r.status == 200 for r in all_pages(store, filters=combined))


def test_cancelled_and_not_sent_filters(tmp_path):
    s = HistoryStore(tmp_path)
    base = make_records(3)
    s.record_many([base[0]._replace(outcome="cancelled"), base[1]._replace(outcome="not-sent", status=None),
                   base[2]])
    assert [r.outcome for r in s.page(filters=HistoryFilter(status_class="cancelled"))] == ["cancelled"]
    assert [r.outcome for r in s.page(filters=HistoryFilter(status_class="not sent"))] == ["not-sent"]


def test_pins_survive_retention(store):
    store.set_pinned([1, 2], True)
    store.set_retention(Retention(keep_last=100))
    removed = store.apply_retention(datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert removed == 398
    ids = [r.id for r in all_pages(store)]
    assert ids[:100] == list(range(500, 400, -1)) and ids[100:] == [2, 1]
    assert all(r.pinned for r in all_pages(store, filters=HistoryFilter(pinned_only=True)))


def test_retention_by_days(store):
    store.set_retention(Retention(keep_days=1))
    # The generated exchanges are one a minute from 2026-01-01 00:00 (ids 1 to 500); a day
    # before "now" is 04:00, so those from minute 240 (id 241) on stay.
    now = datetime(2026, 1, 2, 4, 0, tzinfo=timezone.utc)
    assert store.apply_retention(now) == 240
    assert sorted(r.id for r in all_pages(store)) == list(range(241, 501))
    assert store.retention() == Retention(0, 1)


def test_delete_and_undo(store):
    assert store.delete([5, 6, 7]) == 3
    assert store.get(6) is None and store.can_undo()
    assert store.undo_delete() == 3
    assert store.get(6).id == 6 and not store.can_undo()
    assert [r.id for r in all_pages(store, search=__import__("json").loads(store.get(6).payload)["customUserId"])]


def test_clear_all_and_undo(store):
    assert store.delete(None) == 500 and store.count() == 0
    assert store.undo_delete() == 500 and store.count() == 500


@pytest.mark.parametrize("version", [1, 2, 3])
def test_older_fixtures_migrate_to_the_current_schema(tmp_path, version):
    from console.core.history.schema import SCHEMA_VERSION

    shutil.copy(FIXTURES / f"history-v{version}.sqlite3", tmp_path / "history.sqlite3")
    store = HistoryStore(tmp_path)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"pinned", "source"} <= {row[1] for row in db.execute("PRAGMA table_info(exchanges)")}
    # The fixture's exchanges are in the new search index.
    assert store.page(None, 100, "dog")[0].vendor == "synerise"
    assert store.get(1).source == (None if version < 3 else "cli")  # None: recorded before sources were
    # Bodies live apart from the list rows since schema 4, and still come with an exchange.
    assert "response_body" not in {row[1] for row in db.execute("PRAGMA table_info(exchanges)")}
    assert store.get(1).request_body and store.details(1).request_size == len(store.get(1).request_body)
    store.set_pinned([1], True)
    assert store.get(1).pinned
    # Deleting and undoing works across the migrated tables.
    count = store.count()
    store.delete([1, 2])
    assert store.count() == count - 2 and store.undo_delete() == 2 and store.count() == count


def test_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    import console.core.history.schema as schema

    shutil.copy(FIXTURES / "history-v1.sqlite3", tmp_path / "history.sqlite3")
    before = (tmp_path / "history.sqlite3").read_bytes()
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.SCHEMA_V1, schema.SCHEMA_V2 + ";\nTHIS IS NOT SQL"))
    with pytest.raises(HistoryUnavailable, match="THIS"):
        HistoryStore(tmp_path)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "pinned" not in {row[1] for row in db.execute("PRAGMA table_info(exchanges)")}
    assert db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] == 14
    del before


def test_search_filters_paging_and_replay_at_100000(tmp_path, make_ctx):
    from console.engine import pipeline

    store = HistoryStore(tmp_path)
    fill(store, 100_000)
    assert store.count() == 100_000
    first = store.page(None, 100)
    assert first[0].id == 100_000 and len(first) == 100
    # Paging from deep inside.
    deep = store.page(50_000, 100)
    assert [r.id for r in deep] == list(range(49_999, 49_899, -1))
    found = store.page(None, 100, "checkout")
    assert len(found) == 100 and all("checkout" in store.get(r.id).payload for r in found[:10])
    filtered = store.page(None, 50, filters=HistoryFilter(vendor="octeth", status_class="5xx", search="cart"))
    assert filtered and all(r.vendor == "octeth" and r.status >= 500 for r in filtered)
    # Replay one of them through the pipeline against the sandbox.
    row = store.get(found[0].id)
    ctx = make_ctx()
    payload = __import__("json").loads(row.payload)
    draft = pipeline.Draft("mytracker", "customEvent", payload={k: payload[k] for k in
                           ("customUserId", "customEventName", "customEventParams")})
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert outcome.exchange.response.status == 200


def test_status_classes_are_stored_as_the_filter_names_them(tmp_path):
    """The stored class (Python, at write) and the migration's SQL agree with the filter's."""
    from console.core.outcomes import (
        STATUS_CLASS_SQL,
        STATUS_CLASS_WHERE,
        Outcome,
        StatusClass,
        status_class,
    )

    assert list(STATUS_CLASS_WHERE) == [k.value for k in StatusClass]
    db = sqlite3.connect(":memory:")
    for status in (None, 100, 204, 302, 404, 503, 600):
        for outcome in Outcome:
            row = db.execute(f"SELECT {STATUS_CLASS_SQL}, " + ", ".join(
                f"({expr})" for expr in STATUS_CLASS_WHERE.values()) + " FROM (SELECT ? AS status, ? AS outcome)",
                (status, outcome.value)).fetchone()
            assert row[0] == status_class(status, outcome)
            matching = [name for name, hit in zip(STATUS_CLASS_WHERE, row[1:], strict=True) if hit]
            if outcome is Outcome.ANSWERED and status is not None and 200 <= status < 600:
                assert matching == [status_class(status, outcome)]
            elif outcome is not Outcome.ANSWERED:
                assert status_class(status, outcome) in matching


@pytest.mark.parametrize("payload", [
    '{"action": "page.visit"}', '[{"type": "login"}, {"type": "x"}]', '{"event": {"update": {"a": 1}}}',
    '{"action": "", "event": "signup"}', '{"event": {}, "label": "L"}', '[]', '[1, {"action": "a"}]',
    '{"customEventName": "' + "n" * 100 + '"}', '"text"', "not json", '{"eventType": 5, "label": "x"}',
    '[{"event": {"delete": 1, "update": 2}}]', '{"type": "zürich"}', None,
])
def test_the_migrations_event_name_is_the_one_python_gives(payload):
    """The SQL that fills event names of an older history says what event_name_of says."""
    from console.core.history.entry import event_name_of
    from console.core.history.schema import EVENT_NAME_SQL

    db = sqlite3.connect(":memory:")
    (found,) = db.execute(f"SELECT {EVENT_NAME_SQL} FROM (SELECT ? AS payload)", (payload,)).fetchone()
    assert found == event_name_of(payload)


def test_a_large_delete_goes_in_chunks_with_progress_can_stop_and_be_undone(tmp_path):
    store = HistoryStore(tmp_path)
    fill(store, 12_000)
    seen = []
    stop_after = [2]

    def cancelled():
        return len(seen) >= stop_after[0]

    deleted = store.delete(None, progress=lambda done, total: seen.append((done, total)), cancelled=cancelled)
    assert deleted == 10_000 and seen == [(5000, 12_000), (10_000, 12_000)]  # stopped after two chunks
    assert store.count() == 2000 and store.page(None, 5)[0].id == 2000  # the newest went first
    assert store.can_undo() and store.undo_delete() == 10_000 and store.count() == 12_000
    assert not store.can_undo()
    store.close()


def test_deleted_rows_go_for_good_at_the_next_delete_and_the_files_do_not_grow(tmp_path):
    store = HistoryStore(tmp_path)
    fill(store, 20_000)
    store.compact()

    def size():
        return sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith("history.sqlite3"))

    before = size()
    assert store.delete(list(range(1, 10_001))) == 10_000
    assert store.get(5) is None and store.page(None, 1, "checkout")[0].id > 10_000
    store.delete([10_001])  # the first batch is removed for good now, its space given back
    assert not store.can_undo() or store.undo_delete() == 1
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] <= 10_000
    assert db.execute("SELECT COUNT(*) FROM exchange_bodies").fetchone()[0] <= 10_000
    assert db.execute("SELECT COUNT(*) FROM exchanges_fts").fetchone()[0] <= 10_000
    db.close()
    assert size() <= before, (size(), before)
    store.close()
