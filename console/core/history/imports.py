"""Storing an import as its file is read: exchanges come one by one from a file of any size, are
written a chunk per transaction (so sends are recorded meanwhile and memory stays bounded), and
stay hidden until the last is written; then they are shown. An import that fails or is stopped
takes back what it wrote: history shows all of a file or none of it.

A hidden row is marked `deleted` with the import's own negative number (a user's deletes are
positive), so no list, count or search sees it. An import killed halfway leaves its rows hidden;
the next import removes them once the process that wrote them is gone."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from itertools import islice

from console.core.history.connection import HistoryUnavailable
from console.core.history.maintenance import CHUNK, Maintenance
from console.core.history.records import Record
from console.core.history.writes import Writes

# Exchanges written per transaction while an import reads its file.
IMPORT_CHUNK = 500
_MARK = "importing "  # meta key of an import under way: "importing -3" = the pid writing it


class Imports(Writes, Maintenance):
    """The store's streamed imports (a part of HistoryStore)."""

    def record_stream(self, records: Iterable[Record]) -> tuple[int, int]:
        """Stores the exchanges as they come, hidden until the last is stored; an exchange history
        holds already (the same time, method and URL) is not stored twice. When `records` raises
        (a malformed entry, a Stop), what was stored is removed and the exception goes on.
        Returns (stored, already held); HistoryUnavailable when history cannot be written."""
        self.check_writable()
        batch = self._begin_import()
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
            self._take_back(batch)
            raise HistoryUnavailable(self.path, exc) from None
        except BaseException:
            self._take_back(batch)
            raise
        self._show(batch)
        return stored, repeated

    def _begin_import(self) -> int:
        """A new import's number (negative), noted with this process's id. What imports whose
        process is gone (killed halfway) left hidden is removed first."""
        with self.transaction() as db:
            under_way = {int(key[len(_MARK):]): int(pid) for key, pid in
                         db.execute("SELECT key, value FROM meta WHERE key LIKE ?", (_MARK + "%",))}
            hidden = {int(row[0]) for row in db.execute("SELECT DISTINCT deleted FROM exchanges WHERE deleted < 0")}
            batch = min([0, *hidden, *under_way]) - 1
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"{_MARK}{batch}", str(os.getpid())))
        for left in hidden | set(under_way):
            if not (left in under_way and _alive(under_way[left])):
                self._take_back(left)
        return batch

    def _take_back(self, batch: int) -> None:
        """Removes what import `batch` stored (it failed, was stopped, or its process died)."""
        self._purge("deleted = ?", (batch,))
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key = ?", (f"{_MARK}{batch}",))

    def _show(self, batch: int) -> None:
        """Shows what import `batch` stored, a chunk per transaction (sends go on meanwhile)."""
        while True:
            with self.transaction() as db:
                shown = db.execute("UPDATE exchanges SET deleted = NULL WHERE id IN (SELECT id FROM exchanges "
                                   "WHERE deleted = ? LIMIT ?)", (batch, CHUNK)).rowcount
                if not shown:
                    db.execute("DELETE FROM meta WHERE key = ?", (f"{_MARK}{batch}",))
                    return


def _alive(pid: int) -> bool:
    """Whether a process of this id runs (on this machine; the data home is local)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # there, but not ours to signal
    return True
