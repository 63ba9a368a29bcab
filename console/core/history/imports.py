"""Storing an import as its file is read: exchanges come one by one from a file of any size, are
written a chunk per transaction (so sends are recorded meanwhile and memory stays bounded), and
stay hidden until the last is written; then they are shown. An import that fails or is stopped
takes back what it wrote: history shows all of a file or none of it.

A hidden row is marked `deleted` with the import's own negative number (a user's deletes are
positive), so no list, count or search sees it. While it runs, an import holds a lock file
beside history (the lock goes with its process); an import killed halfway leaves its rows hidden
and its file unlocked, and the next import removes both."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from itertools import islice
from pathlib import Path

from console.core.files import try_lock
from console.core.history.connection import HistoryUnavailable
from console.core.history.maintenance import CHUNK, Maintenance
from console.core.history.records import Record
from console.core.history.writes import Writes

# Exchanges written per transaction while an import reads its file.
IMPORT_CHUNK = 500


class Imports(Writes, Maintenance):
    """The store's streamed imports (a part of HistoryStore)."""

    def record_stream(self, records: Iterable[Record]) -> tuple[int, int]:
        """Stores the exchanges as they come, hidden until the last is stored; an exchange history
        holds already (the same time, method and URL) is not stored twice. When `records` raises
        (a malformed entry, a Stop), what was stored is removed and the exception goes on.
        Returns (stored, already held); HistoryUnavailable when history cannot be written."""
        self.check_writable()
        batch, lock = self._begin_import()
        stored = repeated = 0
        try:
            source = iter(records)
            while chunk := list(islice(source, IMPORT_CHUNK)):
                known = self.already_recorded(chunk)
                fresh = [r for r, seen in zip(chunk, known, strict=True) if not seen]
                repeated += len(chunk) - len(fresh)
                if fresh:
                    with self.transaction() as db:
                        self._insert(db, fresh, hidden=batch)
                stored += len(fresh)
        except sqlite3.Error as exc:
            self._take_back(batch, lock)
            raise HistoryUnavailable(self.path, exc) from None
        except BaseException:
            self._take_back(batch, lock)
            raise
        self._show(batch, lock)
        return stored, repeated

    def _lock_file(self, batch: int) -> Path:
        return self.path.parent / f"{self.path.stem}-import{batch}.lock"

    def _begin_import(self) -> tuple[int, int]:
        """A new import's number (negative) and the descriptor of its lock file, held. What
        imports whose process is gone (killed halfway) left hidden is removed first."""
        with self.transaction() as db:  # one import at a time picks its number and takes its lock
            hidden = {int(row[0]) for row in db.execute("SELECT DISTINCT deleted FROM exchanges WHERE deleted < 0")}
            numbers = (p.stem.rpartition("-import")[2] for p in self.path.parent.glob(f"{self.path.stem}-import-*.lock"))
            left = {int(number) for number in numbers if number.lstrip("-").isdigit()}
            batch = min([0, *hidden, *left]) - 1
            lock = os.open(self._lock_file(batch), os.O_RDWR | os.O_CREAT, 0o600)
            try_lock(lock)  # a new file of this process's own: nobody else holds it
        for number in hidden | left:
            gone = _held_by_nobody(self._lock_file(number))
            if gone is not None:
                self._take_back(number, gone)
        return batch, lock

    def _take_back(self, batch: int, lock: int) -> None:
        """Removes what import `batch` stored (it failed, was stopped, or its process died),
        then its lock file (let go whatever happens)."""
        try:
            self._purge("deleted = ?", (batch,))
        finally:
            self._release(batch, lock)

    def _show(self, batch: int, lock: int) -> None:
        """Shows what import `batch` stored, a chunk per transaction (sends go on meanwhile)."""
        while True:
            with self.transaction() as db:
                shown = db.execute("UPDATE exchanges SET deleted = NULL WHERE id IN (SELECT id FROM exchanges "
                                   "WHERE deleted = ? LIMIT ?)", (batch, CHUNK)).rowcount
            if not shown:
                self._release(batch, lock)
                return

    def _release(self, batch: int, lock: int) -> None:
        os.close(lock)  # the lock goes with it (and Windows removes no open file)
        with suppress(OSError):
            self._lock_file(batch).unlink()


def _held_by_nobody(path: Path) -> int | None:
    """The lock file of an import, opened and locked, when no process holds it (its import is
    over or was killed; a missing file counts so); None while an import holds it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None  # not ours to judge: left alone
    if try_lock(fd):
        return fd
    os.close(fd)
    return None
