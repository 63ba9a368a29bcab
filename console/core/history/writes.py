"""Writing exchanges: one, several in a transaction (imports, recovery), and a record made
before a send completed by what the send came to; each with its dedupe keys and search text."""

from __future__ import annotations

import sqlite3

from console.core.history.connection import Connections, HistoryUnavailable, scoped
from console.core.history.records import Record
from console.core.history.schema import (
    BODY_COLUMNS,
    INSERT_BODIES,
    INSERT_FTS,
    INSERT_KEY,
    INSERT_ROWS,
    ROW_COLUMNS,
)


class Writes(Connections):
    """The store's writes (a part of HistoryStore)."""

    def record(self, r: Record) -> int:
        """Stores one exchange; returns its id. Raises HistoryUnavailable when it cannot."""
        return self.record_many([r])[0]

    def already_recorded(self, records: list[Record]) -> list[bool]:
        """For each record, whether history holds that exchange already (the same time,
        method and URL): an export imported twice is recognised, not doubled."""
        with self._reading() as db:
            return [db.execute(f"SELECT 1 FROM exchanges e WHERE e.time = ? AND e.method = ? AND e.url = ? "
                               f"AND {self._live} LIMIT 1", (r.time, r.method, r.url)).fetchone() is not None
                    for r in records]

    def already_captured(self, records: list[Record]) -> list[bool]:
        """For each record of a capture journal, whether the capture recorded it before it was
        killed (the same time, method, URL and request body): the journal's "done" line may not
        have been written after the history write, and a request is never recorded twice."""
        with self._reading() as db:
            return [db.execute(f"SELECT 1 FROM exchanges e JOIN exchange_bodies b ON b.id = e.id WHERE e.time = ? "
                               f"AND e.method = ? AND e.url = ? AND b.request_body IS ? AND {self._live} LIMIT 1",
                               (r.time, r.method, r.url, r.request_body)).fetchone() is not None
                    for r in records]

    def record_many(self, records: list[Record]) -> list[int]:
        """Stores several exchanges in one transaction (imports, generated test data).
        Raises HistoryUnavailable when they cannot be written (read-only, disk full, …)."""
        self.check_writable()
        try:
            with self.transaction() as db:
                return self._insert(db, records)
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None

    def _insert(self, db: sqlite3.Connection, records: list[Record], hidden: int | None = None) -> list[int]:
        """Writes the exchanges in the transaction `db`, with their bodies, keys and search
        text (marked deleted by `hidden`, an import's number, if given); their ids. Each table's
        rows go in one executemany: a statement a row cost a fifth of an import's write."""
        if not records:
            return []
        first = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM exchanges").fetchone()[0]) + 1
        numbered = list(enumerate(records, start=first))
        db.executemany(INSERT_ROWS, [(i, *r.row(), hidden) for i, r in numbered])
        db.executemany(INSERT_BODIES, [(i, *r.bodies()) for i, r in numbered])
        keys = [(scoped(r.vendor, r.scope or r.profile, k), i) for i, r in numbered for k in r.keys]
        if keys:
            db.executemany(INSERT_KEY, keys)
        if self.fts:
            db.executemany(INSERT_FTS, [(i, r.url, r.payload, r.response_body) for i, r in numbered])
        return [i for i, _ in numbered]

    def complete(self, exchange_id: int, r: Record) -> None:
        """Replaces a record made before a send (outcome "sending") by what the send came
        to. Raises HistoryUnavailable when it cannot be written."""
        self.check_writable()
        try:
            with self.transaction() as db:
                db.execute(f"UPDATE exchanges SET {', '.join(c + ' = ?' for c in ROW_COLUMNS)} WHERE id = ?",
                           (*r.row(), exchange_id))
                db.execute(f"UPDATE exchange_bodies SET {', '.join(c + ' = ?' for c in BODY_COLUMNS)} WHERE id = ?",
                           (*r.bodies(), exchange_id))
                self._add_keys(db, r, exchange_id)
                # The search index holds the text of the first version of the row: renew it.
                if self.fts:
                    db.execute("DELETE FROM exchanges_fts WHERE rowid = ?", (exchange_id,))
                    self._index(db, exchange_id, r)
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None

    def _index(self, db: sqlite3.Connection, exchange_id: int, r: Record) -> None:
        if self.fts:
            db.execute(INSERT_FTS, (exchange_id, r.url, r.payload, r.response_body))

    @staticmethod
    def _add_keys(db: sqlite3.Connection, r: Record, exchange_id: int) -> None:
        if r.keys:
            db.executemany(INSERT_KEY, [(scoped(r.vendor, r.scope or r.profile, k), exchange_id) for k in r.keys])
