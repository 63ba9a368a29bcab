"""History's operations that both front ends run: an export to a file (written as it is read,
whole or not at all), an import of a HAR or JSON file, and retention. The command line runs
them in the foreground (progress on a terminal), the window through console.ui.workers (progress
on its bar, Stop between chunks); each reports progress as `progress(done, total or None)` and
stops early when `cancelled()` says so. Both read and write as they go, in bounded memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple, TextIO

from console.core.files import atomic_stream
from console.core.history import export as history_export
from console.core.history.entry import HistoryEntry
from console.core.history.export import Unknown
from console.core.history.records import HistoryFilter, Progress
from console.core.history.store import HistoryStore


class ExportStopped(Exception):
    """The user stopped an export: nothing is written (the file is as it was)."""


class Imported(NamedTuple):
    """What an import did: exchanges added, entries of no known endpoint skipped, and entries
    already in history (the console's own export read back) not added twice."""

    imported: int
    skipped: int
    repeated: int


def export_to_file(store: HistoryStore, path: str | Path, fmt: str, *, limit: int | None = None,
                   ids: list[int] | None = None, filters: HistoryFilter | None = None,
                   progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Writes the exchanges (the newest `limit`, those of `ids`, or all that `filters` pass) to
    `path` in `fmt` as they are read: in constant memory, and whole or not at all (ExportStopped
    when `cancelled()`). Returns how many."""
    with atomic_stream(path) as out:
        return export_to(out, store, fmt, limit=limit, ids=ids, filters=filters, progress=progress,
                         cancelled=cancelled)


def export_to(out: TextIO, store: HistoryStore, fmt: str, *, limit: int | None = None,
              ids: list[int] | None = None, filters: HistoryFilter | None = None,
              progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Writes the exchanges to the text stream `out` in `fmt` as they are read (a program's
    snippets oldest first, so that it replays them in the order they were sent); returns how
    many. ExportStopped when `cancelled()`. `progress(written, of)` says how far it is (of how
    many when that is known ahead: not for a filtered list)."""
    entries = history_export.entries_for_export(store, limit, ids=ids, filters=filters,
                                                oldest_first=fmt in history_export.PROGRAMS)
    total: int | None = None
    if ids is not None:
        total = len(ids)
    elif filters is None or filters == HistoryFilter():
        with store.streaming():  # counted without mapping the index into memory (a 1M history's is megabytes)
            total = store.count() if limit is None else min(limit, store.count())

    def until_stopped() -> Iterator[HistoryEntry]:
        for entry in entries:
            if cancelled():
                raise ExportStopped()
            yield entry

    return history_export.write_export(out, until_stopped(), fmt,
                                       None if progress is None else (lambda n: progress(n, total)))


def import_file(store: HistoryStore, path: str | Path, unknown: Unknown = Unknown.SKIP,
                progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False) -> Imported:
    """Imports a HAR or JSON export into history as the file is read: one entry in memory at a
    time, whatever the file's size. Whole or not at all: a malformed entry (HistoryImportError,
    naming it) or a Stop (ImportStopped, once `cancelled()` says so) takes back what was stored,
    and the exchanges show in history only once every one is stored. `unknown` says what
    becomes of HAR entries of no known endpoint; `progress(entries read, of about how many)`
    says how far it is (the second figure estimated from how much of the file was read, exact
    at the end)."""
    with history_export.open_import_file(path) as (stream, where):

        def every(read: int, last: bool) -> None:
            if cancelled():
                raise history_export.ImportStopped
            if progress is not None:  # the entries ahead estimated from the part of the file read
                walked, size = where()
                progress(read, read if last else max(read, read * size // max(walked, 1)))

        reader = history_export.EntryReader(stream, unknown, every)
        stored, repeated = store.record_stream(reader.records())
    return Imported(stored, reader.skipped, repeated)


def apply_retention(store: HistoryStore, progress: Progress | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> int:
    """Removes what the retention settings no longer keep, as of now; returns how many."""
    return store.apply_retention(datetime.now(timezone.utc), progress, cancelled)
