"""Keeping history in shape: pins, deletes with undo, clearing, retention, and giving space back.
Large changes go CHUNK rows per transaction, so sends go on meanwhile, readers never wait long,
progress is reported between chunks and a cancel takes effect at the next one."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from console.core.history.connection import Connections, marks, meta
from console.core.history.records import Progress, Retention

# Rows changed per transaction by deletes, undo, clear and retention: each holds the write
# lock for milliseconds, so sends go on meanwhile, and progress is reported between them.
CHUNK = 5000


class Maintenance(Connections):
    """The store's maintenance (a part of HistoryStore)."""

    def set_pinned(self, ids: list[int], pinned: bool) -> None:
        """Pinned exchanges are never removed by retention."""
        if self.read_only or not ids:
            return
        with self._lock:
            self._db.execute(f"UPDATE exchanges SET pinned = ? WHERE id IN ({marks(ids)})", [int(pinned), *ids])

    # Deleting goes in chunks: progress, cancel, and the write lock held for milliseconds.
    def delete(self, ids: list[int] | None, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> int:
        """Deletes these exchanges (None: all of them). They can be brought back with
        `undo_delete` until the next delete, which removes them for good. Works in chunks,
        calling `progress(done, total)` between them; stops early when `cancelled()` (what was
        deleted stays deleted, and can be undone). Returns how many were deleted."""
        if self.read_only:
            return 0
        self._purge_deleted(progress, cancelled)
        with self.transaction() as db:
            batch = int(meta(db, "delete_batch") or 0) + 1
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('delete_batch', ?), ('undo_batch', ?)",
                       (str(batch), str(batch)))
            total = (db.execute(f"SELECT COUNT(*) FROM exchanges e WHERE {self._live}").fetchone()[0]
                     if ids is None else len(ids))
        done = 0
        pending = None if ids is None else list(ids)
        below = None  # clearing all: newest first, each chunk below the last (no rescans)
        while not cancelled():
            with self.transaction() as db:
                if pending is None:
                    chunk = [r[0] for r in db.execute(
                        "SELECT id FROM exchanges WHERE deleted IS NULL AND id < ? ORDER BY id DESC LIMIT ?",
                        (below if below is not None else 2**63 - 1, CHUNK))]
                    below = chunk[-1] if chunk else below
                else:
                    chunk, pending = pending[:CHUNK], pending[CHUNK:]
                if not chunk:
                    break
                done += db.execute(f"UPDATE exchanges SET deleted = ? WHERE deleted IS NULL AND id IN "
                                   f"({marks(chunk)})", [batch, *chunk]).rowcount
            if progress is not None:
                progress(done, total)
            if pending is not None and not pending:
                break
        return done

    def undo_delete(self, progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False) -> int:
        """Brings back what the last delete removed; returns how many came back."""
        if self.read_only:
            return 0
        with self._reading() as db:
            batch = meta(db, "undo_batch")
            if batch is None:
                return 0
            total = db.execute("SELECT COUNT(*) FROM exchanges WHERE deleted = ?", (int(batch),)).fetchone()[0]
        done = 0
        while not cancelled():
            with self.transaction() as db:
                count = db.execute("UPDATE exchanges SET deleted = NULL WHERE id IN (SELECT id FROM exchanges "
                                   "WHERE deleted = ? LIMIT ?)", (int(batch), CHUNK)).rowcount
                if count == 0:
                    db.execute("DELETE FROM meta WHERE key = 'undo_batch'")
            done += count
            if progress is not None:
                progress(done, total)
            if count == 0:
                break
        return done

    def can_undo(self) -> bool:
        if self.read_only or self._live == "1":
            return False
        with self._reading() as db:
            batch = meta(db, "undo_batch")
            return batch is not None and db.execute(
                "SELECT 1 FROM exchanges WHERE deleted = ? LIMIT 1", (int(batch),)).fetchone() is not None

    def _purge_deleted(self, progress: Progress | None, cancelled: Callable[[], bool]) -> None:
        """Removes for good the rows an earlier delete marked (they can no longer be undone);
        not those an import under way keeps hidden (marked below zero: console.core.history.imports)."""
        self._purge("deleted > 0", (), progress, cancelled)
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key = 'undo_batch'")

    def _purge(self, where: str, args: tuple[Any, ...], progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> int:
        """Removes rows matching `where` (with their bodies, keys and search entries) for
        good, a chunk per transaction, then gives the space back. Returns how many."""
        removed = 0
        while not cancelled():
            with self.transaction() as db:
                chunk = [r[0] for r in db.execute(f"SELECT id FROM exchanges WHERE {where} LIMIT ?", (*args, CHUNK))]
                if not chunk:
                    break
                places = marks(chunk)
                db.execute(f"DELETE FROM exchange_bodies WHERE id IN ({places})", chunk)
                db.execute(f"DELETE FROM exchange_keys WHERE exchange_id IN ({places})", chunk)
                if self.fts:
                    db.execute(f"DELETE FROM exchanges_fts WHERE rowid IN ({places})", chunk)
                removed += db.execute(f"DELETE FROM exchanges WHERE id IN ({places})", chunk).rowcount
            if progress is not None:
                progress(removed, None)
        if removed:
            self.compact()
        return removed

    def compact(self) -> None:
        """Gives freed pages back to the file system (incremental vacuum, a step at a time)
        and cuts the WAL back: after deleting half a million rows the files are no larger."""
        if self.read_only:
            return
        while True:
            with self._lock:
                free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
                if not free or self._db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
                    break
                self._db.execute("PRAGMA incremental_vacuum(4096)").fetchall()
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def retention(self) -> Retention:
        if self.read_only:
            return Retention()
        with self._reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'retention'").fetchone()
        if row is None:
            return Retention()
        data = json.loads(row["value"])
        return Retention(int(data.get("keep_last", 0)), int(data.get("keep_days", 0)))

    def set_retention(self, retention: Retention) -> None:
        if self.read_only:
            return
        value = json.dumps({"keep_last": max(0, retention.keep_last), "keep_days": max(0, retention.keep_days)})
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('retention', ?)", (value,))

    def apply_retention(self, now: datetime, progress: Progress | None = None,
                        cancelled: Callable[[], bool] = lambda: False) -> int:
        """Removes unpinned exchanges beyond the retention settings, in chunks; returns how
        many. Not undoable (it is not a user's delete)."""
        rules = self.retention()
        if self.read_only or rules.keeps_everything:
            return 0
        removed = 0
        if rules.keep_last:
            with self._reading() as db:
                edge = db.execute("SELECT id FROM exchanges WHERE deleted IS NULL ORDER BY id DESC LIMIT 1 OFFSET ?",
                                  (rules.keep_last - 1,)).fetchone()
            if edge is not None:
                removed += self._purge("id < ? AND pinned = 0 AND deleted IS NULL", (edge["id"],), progress, cancelled)
        if rules.keep_days:
            cutoff = (now - timedelta(days=rules.keep_days)).isoformat(timespec="milliseconds")
            removed += self._purge("time < ? AND pinned = 0 AND deleted IS NULL", (cutoff,), progress, cancelled)
        return removed
