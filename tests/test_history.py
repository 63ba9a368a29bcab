"""History: versioned schema, migration from older versions, read-only for newer ones, and
the lookups vendor rules use."""

import shutil
import sqlite3

import pytest

from console.core.history.schema import SCHEMA_VERSION
from console.core.history.store import HistoryStore
from console.engine import pipeline
from tests.test_definitions import ALL_OPERATIONS


def test_new_database_carries_its_version_and_wal(tmp_path):
    store = HistoryStore(tmp_path)
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_empty_version_0_file_is_migrated(tmp_path):
    sqlite3.connect(tmp_path / "history.sqlite3").close()
    store = HistoryStore(tmp_path)
    assert store.count() == 0 and not store.read_only
    store.close()


@pytest.mark.parametrize("fixture", sorted(p.name for p in (__import__("pathlib").Path(__file__).parent / "fixtures").glob("history-v*.sqlite3")))
def test_every_released_schema_version_opens(tmp_path, fixture):
    shutil.copy(__import__("pathlib").Path(__file__).parent / "fixtures" / fixture, tmp_path / "history.sqlite3")
    store = HistoryStore(tmp_path)
    assert not store.read_only
    assert store.count() >= 1
    row = store.get(store.recent(1)[0].id)
    assert row.vendor and row.issues is not None
    store.close()


def test_database_from_the_future_is_left_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE exchanges (id INTEGER PRIMARY KEY, time TEXT, vendor TEXT, operation TEXT, profile TEXT, "
               "method TEXT, url TEXT, status INTEGER, reason TEXT, error TEXT, error_kind TEXT, elapsed_ms REAL, "
               "outcome TEXT, forced INTEGER, future_column TEXT)")
    db.execute("INSERT INTO exchanges (time, vendor, operation, profile, method, url, outcome, forced) "
               "VALUES ('2030-01-01T00:00:00', 'mytracker', 'login', 'sandbox', 'POST', 'http://x', 'answered', 0)")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    store = HistoryStore(tmp_path)
    assert store.read_only and "newer" in store.message
    assert store.recent(5)[0].vendor == "mytracker"
    store.close()
    assert path.read_bytes() == before


def test_send_into_future_database_is_refused_before_the_network(make_ctx, recorder):
    from console.core.history.connection import HistoryUnavailable

    ctx = make_ctx()
    ctx.home.mkdir(parents=True)
    db = sqlite3.connect(ctx.home / "history.sqlite3")
    db.execute("CREATE TABLE exchanges (id INTEGER PRIMARY KEY)")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", base_url=recorder.url))
    with pytest.raises(HistoryUnavailable, match="history.sqlite3.*newer event-console"):
        pipeline.send(ctx, prepared)
    assert recorder.requests == []  # nothing reached the server


def test_history_keys_are_scoped_to_vendor_and_account(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track"))
    key = "order/" + prepared.payload[0]["generic"]["orderId"]  # the example's fresh {{$guid}}
    pipeline.send(ctx, prepared)
    # VibeTrace's limits are per account (the sandbox's is 1001), whichever profile sent.
    assert ctx.history.find_key("vibetrace", "account:1001", key)
    assert ctx.history.find_key("vibetrace", "account:1002", key) is None
    assert ctx.history.find_key("vibetrace", "sandbox", key) is None
    assert ctx.history.find_key("mytracker", "account:1001", key) is None


def test_sending_the_example_twice_is_never_a_duplicate(ctx):
    """The examples use dynamic values where a fresh one is wanted (orderId, times, salts)."""
    from console.core.definitions import vendors

    for vendor, definition in vendors().items():
        for operation in definition.operations:
            for _ in range(2):
                prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation))
                assert prepared.errors == [], (vendor, operation, prepared.errors)
                assert pipeline.send(ctx, prepared).exchange.response.status < 300, (vendor, operation)


def test_failed_sends_do_not_count_for_duplicate_checks(ctx, recorder):
    from tests.servers import Reply

    recorder.reply = Reply(status=500)
    draft = pipeline.Draft("vibetrace", "track", base_url=recorder.url)
    prepared = pipeline.prepare(ctx, draft)
    pipeline.send(ctx, prepared)
    key = "order/" + prepared.payload[0]["generic"]["orderId"]
    assert ctx.history.find_key("vibetrace", "account:1001", key) is None


def make_fixture(path):
    """Writes tests/fixtures/history-v<N>.sqlite3 for the current schema (run by hand on a release)."""
    from console.core.secrets import SecretStore
    from console.engine.context import AppContext
    from tests.memory_keyring import MemoryKeyring

    ctx = AppContext(home=path, secrets=SecretStore(MemoryKeyring()))
    for vendor, operation in ALL_OPERATIONS:
        pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft(vendor, operation)))
    ctx.close()


def test_the_opening_thread_reads_while_another_thread_writes(tmp_path):
    """The window's thread lists, counts and opens exchanges while a worker is in the middle
    of recording one (a large answer takes a while): its reads never wait for that write."""
    import threading

    from tests.history_data import make_records

    store = HistoryStore(tmp_path)
    store.record_many(make_records(3))
    writing, release = threading.Event(), threading.Event()

    def slow_write():
        with store.transaction() as db:
            db.execute("DELETE FROM exchanges WHERE id = 1")
            writing.set()
            release.wait(3)  # were reads to wait for this write, they would see id 1 gone

    worker = threading.Thread(target=slow_write)
    worker.start()
    assert writing.wait(5)
    try:
        assert store.count() == 3  # the committed state, at once
        assert [r.id for r in store.page()] == [3, 2, 1]
        assert store.get(1).id == 1 and store.profiles_seen()
        assert not release.is_set() and worker.is_alive()
    finally:
        release.set()
        worker.join(5)
    assert store.count() == 2  # the write, once committed, is seen
    store.close()


def test_details_leave_the_bodies_out_and_give_their_sizes(tmp_path):
    from tests.history_data import make_records

    store = HistoryStore(tmp_path)
    [exchange_id] = store.record_many(make_records(1))
    full, details = store.get(exchange_id), store.details(exchange_id)
    assert details.request_body is None and details.response_body is None
    assert details.request_size == len(full.request_body) > 0
    assert full._replace(request_body=None, response_body=None) == details
    assert store.details(exchange_id + 1) is None
    store.close()
