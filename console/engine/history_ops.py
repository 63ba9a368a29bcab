"""History's operations that both front ends run: an export to a file (written as it is read,
whole or not at all), an import of a HAR or JSON file, and retention. The command line runs
them in the foreground (progress on a terminal), the window through console.ui.workers (progress
on its bar, Stop between chunks); each reports progress as `progress(done, total or None)` and
stops early when `cancelled()` says so."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple, TextIO

from console.core.files import atomic_stream
from console.core.history import export as history_export
from console.core.history.entry import HistoryEntry
from console.core.history.records import HistoryFilter, Progress, Record
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
    many. ExportStopped when `cancelled()`."""
    entries = history_export.entries_for_export(store, limit, ids=ids, filters=filters,
                                                oldest_first=fmt in history_export.PROGRAMS)

    def until_stopped() -> Iterator[HistoryEntry]:
        for entry in entries:
            if cancelled():
                raise ExportStopped()
            yield entry

    return history_export.write_export(out, until_stopped(), fmt,
                                       None if progress is None else (lambda n: progress(n, None)))


class ImportRead(NamedTuple):
    """A file read for an import: the exchanges to import, and how many HAR entries of no known
    endpoint were left out of them."""

    records: list[Record]
    skipped: int


def read_for_import(path: str | Path, keep_unknown: bool = False, progress: Progress | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> ImportRead:
    """Reads and checks a HAR or JSON export (HistoryImportError says why a file cannot be
    imported); with `keep_unknown`, HAR entries of no known endpoint are kept as vendor
    "other". `progress(read, of)` says how far it is; once `cancelled()` says so it stops with
    ImportStopped."""
    return ImportRead(*history_export.read_import(history_export.read_import_file(path), keep_unknown,
                                                  progress, cancelled))


def import_read(store: HistoryStore, read: ImportRead, progress: Progress | None = None) -> Imported:
    """Writes what was read into history, in one transaction (`progress(exchanges, None)` says
    it is writing); an exchange history holds already is not written twice."""
    if progress is not None:
        progress(len(read.records), None)
    ids, repeated = history_export.import_into(store, read.records)
    return Imported(len(ids), read.skipped, repeated)


def import_file(store: HistoryStore, path: str | Path, keep_unknown: bool = False, progress: Progress | None = None,
                cancelled: Callable[[], bool] = lambda: False) -> Imported:
    """Reads a HAR or JSON export into history: read_for_import, then import_read. Whole or
    not at all: stopped while it reads, nothing is written."""
    return import_read(store, read_for_import(path, keep_unknown, progress, cancelled), progress)


def apply_retention(store: HistoryStore, progress: Progress | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> int:
    """Removes what the retention settings no longer keep, as of now; returns how many."""
    return store.apply_retention(datetime.now(timezone.utc), progress, cancelled)
