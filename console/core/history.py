"""History: every exchange, from any front end, in SQLite in the data home.

Secrets are already masked when a record reaches this module (see pipeline.py); it stores
what it is given. The database carries its schema version (PRAGMA user_version) from the
first version on; older databases are migrated in a transaction, newer ones are opened
read-only and never changed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
FILE_NAME = "history.sqlite3"

_SCHEMA_V1 = """
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    vendor TEXT NOT NULL,
    operation TEXT NOT NULL,
    profile TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    payload TEXT,
    settings TEXT NOT NULL,
    credential TEXT,
    status INTEGER,
    reason TEXT,
    response_headers TEXT,
    response_body BLOB,
    response_size INTEGER,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    elapsed_ms REAL,
    issues TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL
);
CREATE TABLE exchange_keys (
    key TEXT NOT NULL,
    exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE
);
CREATE INDEX exchange_keys_by_key ON exchange_keys(key, exchange_id);
"""

# Each entry brings a database from version N-1 to N; index 0 creates version 1.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)
assert len(MIGRATIONS) == SCHEMA_VERSION


class HistoryError(RuntimeError):
    """The history database cannot be used as asked (e.g. it is from a newer version)."""


@dataclass(frozen=True)
class Record:
    """One exchange to store, secrets already masked."""

    time: str
    vendor: str
    operation: str
    profile: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    payload: str | None
    settings: dict[str, str]
    credential: str | None
    status: int | None
    reason: str | None
    response_headers: dict[str, str] | None
    response_body: bytes | None
    response_size: int | None
    response_truncated: bool
    error: str | None
    error_kind: str | None
    elapsed_ms: float | None
    issues: list[dict[str, str]]
    forced: bool
    outcome: str
    keys: list[str] = field(default_factory=list)


class HistoryStore:
    """The history database. Safe to use from several threads (one connection, one lock)."""

    def __init__(self, home: Path):
        self.path = Path(home) / FILE_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.read_only = False
        self.message: str | None = None
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._db.close()
            self._db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                                       check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self.read_only = True
            self.message = (f"History was written by a newer event-console (schema {version}, this one "
                            f"knows {SCHEMA_VERSION}); it is shown read-only and new sends are not recorded.")
            return
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses nothing when the process dies; only a power cut can.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for target in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[target - 1].split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={target}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def record(self, r: Record) -> int | None:
        """Stores one exchange; returns its id (None when history is read-only)."""
        if self.read_only:
            return None
        row = (
            r.time, r.vendor, r.operation, r.profile, r.method, r.url,
            json.dumps(r.request_headers), r.request_body, r.payload, json.dumps(r.settings),
            r.credential, r.status, r.reason,
            None if r.response_headers is None else json.dumps(r.response_headers),
            r.response_body, r.response_size, int(r.response_truncated), r.error, r.error_kind,
            r.elapsed_ms, json.dumps(r.issues), int(r.forced), r.outcome,
        )
        with self._lock:
            self._db.execute("BEGIN")
            try:
                cur = self._db.execute(
                    "INSERT INTO exchanges (time, vendor, operation, profile, method, url, "
                    "request_headers, request_body, payload, settings, credential, status, reason, "
                    "response_headers, response_body, response_size, response_truncated, error, "
                    "error_kind, elapsed_ms, issues, forced, outcome) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
                exchange_id = cur.lastrowid
                self._db.executemany(
                    "INSERT INTO exchange_keys (key, exchange_id) VALUES (?, ?)",
                    [(_scoped(r.vendor, r.profile, k), exchange_id) for k in r.keys])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return exchange_id

    def find_key(self, vendor: str, profile: str, key: str,
                 since: datetime | None = None) -> tuple[int, str] | None:
        """(id, time) of the newest 2xx exchange recorded under `key`, optionally not older
        than `since`."""
        sql = ("SELECT e.id, e.time FROM exchange_keys k JOIN exchanges e ON e.id = k.exchange_id "
               "WHERE k.key = ? AND e.status BETWEEN 200 AND 299")
        args: list[Any] = [_scoped(vendor, profile, key)]
        if since is not None:
            sql += " AND e.time >= ?"
            args.append(since.isoformat(timespec="milliseconds"))
        sql += " ORDER BY e.id DESC LIMIT 1"
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return (row["id"], row["time"]) if row else None

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest exchanges, newest first, as plain dicts (bodies left out)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, time, vendor, operation, profile, method, url, status, reason, error, "
                "error_kind, elapsed_ms, outcome, forced FROM exchanges ORDER BY id DESC LIMIT ?",
                (limit,)).fetchall()
        return [dict(row) for row in rows]

    def page(self, before_id: int | None = None, limit: int = 100,
             search: str = "") -> list[dict[str, Any]]:
        """One page of the list, newest first: exchanges older than `before_id`, optionally
        only those whose URL, vendor/operation, payload or response body contain `search`."""
        sql = ("SELECT id, time, vendor, operation, profile, method, url, status, reason, error, "
               "error_kind, elapsed_ms, outcome, forced FROM exchanges WHERE 1=1")
        args: list[Any] = []
        if before_id is not None:
            sql += " AND id < ?"
            args.append(before_id)
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql += (" AND (url LIKE ? ESCAPE '\\' OR (vendor || '/' || operation) LIKE ? ESCAPE '\\'"
                    " OR payload LIKE ? ESCAPE '\\' OR CAST(response_body AS TEXT) LIKE ? ESCAPE '\\')")
            args += [pattern] * 4
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [dict(row) for row in rows]

    def get(self, exchange_id: int) -> dict[str, Any] | None:
        """One exchange with everything stored about it."""
        with self._lock:
            row = self._db.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
        if row is None:
            return None
        item = dict(row)
        for key in ("request_headers", "settings", "response_headers", "issues"):
            if item[key] is not None:
                item[key] = json.loads(item[key])
        return item

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _scoped(vendor: str, profile: str, key: str) -> str:
    return f"{vendor}/{profile}/{key}"
