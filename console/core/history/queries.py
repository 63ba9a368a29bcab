"""Reading history: pages of the list (newest first, filtered, searched through the FTS5 index
or by LIKE where there is none), one exchange whole or without its bodies, dedupe keys, counts."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from functools import cached_property
from typing import Any

from console.core.history.connection import Connections, marks, scoped
from console.core.history.entry import ISSUE_FILTERS, HistoryEntry
from console.core.history.records import HistoryFilter
from console.core.outcomes import STATUS_CLASS_WHERE


class Queries(Connections):
    """The store's reads (a part of HistoryStore)."""

    def find_key(self, vendor: str, scope: str, key: str,
                 since: datetime | None = None) -> tuple[int, str] | None:
        """(id, time) of the newest 2xx exchange recorded under `key`, optionally not older
        than `since`."""
        sql = ("SELECT e.id, e.time FROM exchange_keys k JOIN exchanges e ON e.id = k.exchange_id "
               f"WHERE k.key = ? AND e.status BETWEEN 200 AND 299 AND {self._live}")
        args: list[Any] = [scoped(vendor, scope, key)]
        if since is not None:
            sql += " AND e.time >= ?"
            args.append(since.isoformat(timespec="milliseconds"))
        sql += " ORDER BY e.id DESC LIMIT 1"
        with self._reading() as db:
            row = db.execute(sql, args).fetchone()
        return (row["id"], row["time"]) if row else None

    def recent(self, limit: int = 20) -> list[HistoryEntry]:
        """The newest exchanges, newest first, as plain dicts (bodies left out)."""
        return self.page(None, limit)

    def page(self, before_id: int | None = None, limit: int = 100, search: str = "",
             filters: HistoryFilter | None = None, ids_only: bool = False, whole: bool = False) -> list[Any]:
        """One page of the list, newest first: exchanges older than `before_id` that pass
        the filters (`search` is a shorthand for filters.search); with `ids_only`, their ids;
        with `whole`, everything stored about each, bodies included (an export's pages)."""
        f = filters or HistoryFilter(search=search)
        if search and not f.search:
            f = f._replace(search=search)
        try:
            return self._page(before_id, limit, f, ids_only, use_index=self.fts, whole=whole)
        except sqlite3.OperationalError:  # a search FTS cannot parse: LIKE finds it instead
            if not (self.fts and f.search.strip()):
                raise
            return self._page(before_id, limit, f, ids_only, use_index=False, whole=whole)

    def _page(self, before_id: int | None, limit: int, f: HistoryFilter, ids_only: bool,
              use_index: bool, whole: bool = False) -> list[Any]:
        where, args = where_of(f, self._has_status_class, self._has_issue_counts)
        where.append(self._live)
        if before_id is not None:
            where.append("e.id < ?")
            args.append(before_id)
        source = self._full if whole else "exchanges e"
        order = "e.id DESC"
        text = f.search.strip()
        if text:
            if use_index and fts_query(text):
                # Driven from the index, newest match first (FTS5 walks rowids backwards).
                source = "exchanges_fts f JOIN exchanges e ON e.id = f.rowid" + (
                    " LEFT JOIN exchange_bodies b ON b.id = e.id" if whole and self._split else "")
                order = "f.rowid DESC"
                where.insert(0, "exchanges_fts MATCH ?")
                args.insert(0, fts_query(text))
            else:
                pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                body = "b" if self._split else "e"
                source = self._full
                where.append(f"(e.url LIKE ? ESCAPE '\\' OR (e.vendor || '/' || e.operation) LIKE ? ESCAPE '\\'"
                             f" OR {body}.payload LIKE ? ESCAPE '\\' OR CAST({body}.response_body AS TEXT) LIKE ? ESCAPE '\\')")
                args += [pattern] * 4
        if ids_only:
            columns = "e.id"
        elif whole:
            columns = "e.*, b.*" if self._split else "e.*"
        else:
            columns = self._columns
            if "exchanges_fts" in source:  # what matched, for the list to show
                columns += ", snippet(exchanges_fts, -1, '[', ']', '…', 8) AS matched"
        sql = (f"SELECT {columns} FROM {source} "
               + (f"WHERE {' AND '.join(where)} " if where else "") + f"ORDER BY {order} LIMIT ?")
        args.append(limit)
        with self._reading() as db:
            if ids_only:
                return [row[0] for row in db.execute(sql, args).fetchall()]
            return _entries(db, sql, args)

    def get(self, exchange_id: int) -> HistoryEntry | None:
        """One exchange with everything stored about it."""
        with self._reading() as db:
            row = db.execute(f"SELECT * FROM {self._full} WHERE e.id = ? AND {self._live}",
                             (exchange_id,)).fetchone()
        return HistoryEntry.from_row(dict(row)) if row is not None else None

    def details(self, exchange_id: int) -> HistoryEntry | None:
        """One exchange without its bodies, their sizes instead (`request_size`,
        `response_size`): what the Details tab shows, quick to read however large the answer."""
        with self._reading() as db:
            row = db.execute(f"SELECT {self._detail_columns} FROM {self._full} WHERE e.id = ? AND {self._live}",
                             (exchange_id,)).fetchone()
        return HistoryEntry.from_row(dict(row)) if row is not None else None

    @cached_property
    def _detail_columns(self) -> str:
        """Every column but the two bodies (a newer schema may have more); the request's size."""
        with self._reading() as db:
            names = [("e", r[1]) for r in db.execute("PRAGMA table_info(exchanges)")]
            if self._split:
                names += [("b", r[1]) for r in db.execute("PRAGMA table_info(exchange_bodies)") if r[1] != "id"]
        columns = [f"{table}.{name}" for table, name in names if name not in ("request_body", "response_body")]
        if not any(name == "request_size" for _table, name in names):
            columns.append(f"length({'b' if self._split else 'e'}.request_body) AS request_size")
        return ", ".join(columns)

    def get_many(self, ids: list[int]) -> list[HistoryEntry]:
        """Several exchanges, in the order of `ids` (exports)."""
        if not ids:
            return []
        with self._reading() as db:
            entries = _entries(db, f"SELECT * FROM {self._full} WHERE e.id IN ({marks(ids)}) AND {self._live}", ids)
        by_id = {entry.id: entry for entry in entries}
        return [by_id[i] for i in ids if i in by_id]

    def count(self) -> int:
        with self._reading() as db:
            return int(db.execute(f"SELECT COUNT(*) FROM exchanges e WHERE {self._live}").fetchone()[0])

    def profiles_seen(self) -> list[str]:
        """The profiles history has exchanges of, found by hopping along the profile index
        (a step per profile, not a scan of every exchange)."""
        sql = ("WITH RECURSIVE p(name) AS (SELECT MIN(profile) FROM exchanges UNION ALL "
               "SELECT (SELECT MIN(profile) FROM exchanges WHERE profile > p.name) FROM p WHERE p.name IS NOT NULL) "
               "SELECT name FROM p WHERE name IS NOT NULL")
        with self._reading() as db:
            return [r[0] for r in db.execute(sql)]


def where_of(f: HistoryFilter, stored_class: bool = True, stored_counts: bool = True) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    for column in ("vendor", "operation", "profile", "source"):
        value = getattr(f, column)
        if value:
            where.append(f"e.{column} = ?")
            args.append(value)
    if f.status_class and stored_class:
        where.append("e.status_class = ?")  # stored and indexed (schema 4)
        args.append(f.status_class)
    elif f.status_class:
        where.append("(" + STATUS_CLASS_WHERE[f.status_class].replace("status", "e.status").replace("outcome", "e.outcome") + ")")
    if f.since:
        where.append("e.time >= ?")
        args.append(f.since)
    if f.until:
        where.append("e.time < ?")
        args.append(f.until)
    if f.pinned_only:
        where.append("e.pinned = 1")
    if f.issues in ISSUE_FILTERS and stored_counts:
        where.append(f"e.{f.issues} > 0")  # stored and indexed (schema 5)
    elif f.issues in ISSUE_FILTERS:  # a read-only file older than the counts
        where.append("e.issues LIKE ?")
        args.append(f'%"severity": "{ISSUE_FILTERS[f.issues]}"%')
    return where, args


def fts_query(text: str) -> str:
    """User words → an FTS5 query: every word must appear; words of three or more characters
    also match as prefixes (a one- or two-character prefix would match half the index)."""
    import re

    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' + ("*" if len(w) >= 3 else "") for w in words)


def _entries(db: sqlite3.Connection, sql: str, args: Any) -> list[HistoryEntry]:
    """The rows of a query as entries. Read as plain tuples and named here: a list page, a
    search and an export each build many, and an sqlite3.Row made into a dict costs more
    than the query (a search's page of 50, 0.4 of its 3 ms)."""
    cursor = db.cursor()
    cursor.row_factory = None
    rows = cursor.execute(sql, args).fetchall()
    names = [column[0] for column in cursor.description or ()]
    return [HistoryEntry.from_row(dict(zip(names, row, strict=True))) for row in rows]
