"""Exports stream: written as they are read, a page at a time, so their memory does not grow
with the history (a 1M history exports whole); the file is written whole or not at all."""

import json
import tracemalloc

import pytest

from console.core.history import export as history_export
from console.core.history.store import HistoryStore
from tests.history_data import make_records


@pytest.fixture(scope="module")
def big_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("export-home")
    store = HistoryStore(home)
    store.record_many(make_records(10_000, seed=3))
    store.close()
    return home


@pytest.mark.parametrize("fmt", history_export.FORMATS)
def test_memory_does_not_grow_with_the_number_exported(big_home, tmp_path, fmt):
    store = HistoryStore(big_home)
    try:
        peaks = {}
        for limit in (1_000, 10_000):
            tracemalloc.start()
            with (tmp_path / f"out-{limit}").open("w", encoding="utf-8") as out:
                count = history_export.write_export(
                    out, history_export.entries_for_export(store, limit, oldest_first=fmt in history_export.PROGRAMS),
                    fmt)
            peaks[limit] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert count == limit
    finally:
        store.close()
    assert peaks[10_000] < peaks[1_000] * 1.5 + 256 * 1024, peaks  # ten times the exchanges, not the memory


def test_a_streamed_export_is_what_a_whole_one_was(big_home, tmp_path, run_cli, monkeypatch):
    monkeypatch.setenv("EVENT_CONSOLE_HOME", str(big_home))
    store = HistoryStore(big_home)
    try:
        rows = store.get_many([e.id for e in store.page(None, 50)])
        har = json.loads(history_export.render(rows, "har"))
        assert [e["_eventConsole"]["id"] for e in har["log"]["entries"]] == [r.id for r in rows]  # newest first
        streamed = list(history_export.entries_for_export(store, 50, oldest_first=True))
        assert [e.id for e in streamed] == [r.id for r in reversed(rows)]  # a program replays oldest first
        chosen = list(history_export.entries_for_export(store, ids=[rows[3].id, rows[1].id]))
        assert [e.id for e in chosen] == [rows[1].id, rows[3].id]
    finally:
        store.close()
    empty = history_export.render([], "har")
    assert json.loads(empty)["log"]["entries"] == []


def test_an_export_that_fails_leaves_no_half_file(big_home, tmp_path):
    from console.core.files import atomic_stream

    target = tmp_path / "history.har"
    target.write_text("the old one")
    store = HistoryStore(big_home)

    def entries():
        yield from history_export.entries_for_export(store, 10)
        raise OSError(28, "No space left on device")

    try:
        with pytest.raises(OSError), atomic_stream(target) as out:
            history_export.write_export(out, entries(), "har")
    finally:
        store.close()
    assert target.read_text() == "the old one" and not list(tmp_path.glob(".history.har.*"))
