"""History: every exchange, from any front end, in SQLite in the data home.

Secrets are already masked when a record reaches this module (see pipeline.py); it stores
what it is given. The database carries its schema version (PRAGMA user_version) from the
first version on; older databases are migrated in a transaction, newer ones are opened
read-only and never changed. Lists are paged by id (newest first) and never load everything;
full-text search uses SQLite FTS5 where the Python build has it, LIKE where it does not.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from console.core.history_entry import LIST_FIELDS, HistoryEntry

SCHEMA_VERSION = 3
FILE_NAME = "history.sqlite3"
# Text of a body indexed for search (the first part is where people look; it keeps the
# index small when answers are megabytes).
INDEXED_CHARS = 65536

_COLUMNS = ("time, vendor, operation, profile, method, url, request_headers, request_body, payload, "
            "settings, credential, status, reason, response_headers, response_body, response_size, "
            "response_truncated, error, error_kind, elapsed_ms, issues, forced, outcome, source")

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
CREATE INDEX exchange_keys_by_key ON exchange_keys(key, exchange_id)
"""

# Version 2: pins, filters' indexes, the undo area for deletes, settings (retention).
_SCHEMA_V2 = """
ALTER TABLE exchanges ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX exchanges_by_vendor ON exchanges(vendor, operation, id);
CREATE INDEX exchanges_by_time ON exchanges(time);
CREATE INDEX exchanges_by_profile ON exchanges(profile);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE trash AS SELECT * FROM exchanges WHERE 0;
CREATE TABLE trash_keys (key TEXT NOT NULL, exchange_id INTEGER NOT NULL)
"""

# Version 3: where each exchange came from (window, cli, suite, capture, import); NULL for
# exchanges recorded before it.
_SCHEMA_V3 = """
ALTER TABLE exchanges ADD COLUMN source TEXT;
ALTER TABLE trash ADD COLUMN source TEXT
"""

# Each entry brings a database from version N-1 to N; index 0 creates version 1.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3)
assert len(MIGRATIONS) == SCHEMA_VERSION

_FTS = f"""
CREATE VIRTUAL TABLE exchanges_fts USING fts5(url, payload, response_body, tokenize = 'unicode61');
CREATE TRIGGER exchanges_fts_insert AFTER INSERT ON exchanges BEGIN
    INSERT INTO exchanges_fts(rowid, url, payload, response_body)
    VALUES (new.id, new.url, substr(new.payload, 1, {INDEXED_CHARS}), substr(CAST(new.response_body AS TEXT), 1, {INDEXED_CHARS}));
END;
CREATE TRIGGER exchanges_fts_delete AFTER DELETE ON exchanges BEGIN
    DELETE FROM exchanges_fts WHERE rowid = old.id;
END
"""

# Fills the search index from the table (all of it, or with a WHERE, some rows).
_FTS_FILL = (f"INSERT INTO exchanges_fts(rowid, url, payload, response_body) SELECT id, url, "
             f"substr(payload, 1, {INDEXED_CHARS}), substr(CAST(response_body AS TEXT), 1, {INDEXED_CHARS}) "
             "FROM exchanges")

STATUS_CLASSES = {
    "2xx": "status BETWEEN 200 AND 299",
    "3xx": "status BETWEEN 300 AND 399",
    "4xx": "status BETWEEN 400 AND 499",
    "5xx": "status BETWEEN 500 AND 599",
    "no answer": "outcome IN ('no-answer', 'interrupted', 'sending', 'login-failed')",
    "cancelled": "outcome = 'cancelled'",
    "not sent": "outcome = 'not-sent'",
}


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
    # Where the keys count (vendor rules say; the profile when empty): VibeTrace's dedupe is
    # per account, so two profiles for one account share it.
    scope: str = ""
    source: str = "cli"  # window, cli, suite, capture or import

    def row(self) -> tuple:
        return (
            self.time, self.vendor, self.operation, self.profile, self.method, self.url,
            json.dumps(self.request_headers), self.request_body, self.payload, json.dumps(self.settings),
            self.credential, self.status, self.reason,
            None if self.response_headers is None else json.dumps(self.response_headers),
            self.response_body, self.response_size, int(self.response_truncated), self.error,
            self.error_kind, self.elapsed_ms, json.dumps(self.issues), int(self.forced), self.outcome,
            self.source,
        )


@dataclass(frozen=True)
class HistoryFilter:
    """What the list shows: every field empty means everything."""

    vendor: str = ""
    operation: str = ""
    profile: str = ""
    status_class: str = ""  # a key of STATUS_CLASSES
    since: str = ""  # ISO 8601, inclusive
    until: str = ""  # ISO 8601, exclusive
    search: str = ""
    pinned_only: bool = False
    source: str = ""  # window, cli, suite, capture or import


@dataclass(frozen=True)
class Retention:
    """Keep the last `keep_last` exchanges and those of the last `keep_days` days (0: no
    limit); pinned exchanges are always kept."""

    keep_last: int = 0
    keep_days: int = 0


_LIST_COLUMNS = ", ".join(LIST_FIELDS)


class HistoryStore:
    """The history database. Safe to use from several threads: writes go through one
    connection under a lock; every thread reads through a connection of its own (see
    _reading), so a read never waits for a write in progress, however long."""

    def __init__(self, home: Path):
        self.path = Path(home) / FILE_NAME
        self.read_only = False
        self.message: str | None = None
        self.fts = False
        self._lock = threading.RLock()
        self._local = threading.local()  # each thread's read connection
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise HistoryUnavailable(self.path, exc) from None
            kept = self._set_aside()
            self._open()
            self.message = (f"The history file was damaged ({exc}). It was kept aside, untouched, as "
                            f"{kept.name} in {kept.parent}, and a new history was started.")
        except OSError as exc:
            raise HistoryUnavailable(self.path, exc) from None

    def _open(self) -> None:
        """Opens (creating it 0600 and migrating it when needed) the database file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(self.path)
        writable = os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        self._db = self._connect(self.path) if writable else self._open_read_only()
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION or not writable:
                self._db.close()
                self._db = self._open_read_only()
                self.read_only = True
                self._columns = self._list_columns()
                self._read_only_reason = (
                    f"it was written by a newer event-console (schema {version}, this one knows "
                    f"{SCHEMA_VERSION})" if version > SCHEMA_VERSION else "the file or its folder is read-only")
                self.message = (f"History is shown read-only: {self._read_only_reason}. "
                                "Nothing can be sent until history can be written again.")
                return
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode loses nothing when the process dies; only a power cut can.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._ensure_fts()
            self._columns = self._list_columns()
            # The schema is read in full here, so a damaged file fails now, not at the first send.
            self._db.execute("SELECT id FROM exchanges ORDER BY id DESC LIMIT 1").fetchone()
        except BaseException:
            self._db.close()
            raise

    def _open_read_only(self) -> sqlite3.Connection:
        """A read-only connection. On a read-only file system SQLite cannot make the WAL's
        shared-memory file, so there the file is opened as immutable (it cannot change)."""
        db = self._connect(f"{self.path.as_uri()}?mode=ro", uri=True)
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
            return db
        except sqlite3.OperationalError:
            db.close()
            return self._connect(f"{self.path.as_uri()}?mode=ro&immutable=1", uri=True)

    def _set_aside(self) -> Path:
        """Renames a damaged database (and its WAL and shared-memory files) out of the way,
        untouched, with the time in its name; returns the new name of the database."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while kept.exists():
            number += 1
            kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(kept.with_name(kept.name + suffix))
        self.path.rename(kept)
        return kept

    def check_writable(self) -> None:
        """Raises HistoryUnavailable when new exchanges cannot be recorded (a newer schema
        opened read-only); sends call it before anything goes to the network."""
        if self.read_only:
            raise HistoryUnavailable(self.path, self._read_only_reason)

    def _list_columns(self) -> str:
        """The list's columns; NULL for any a newer (read-only) database no longer has."""
        present = {row[1] for row in self._db.execute("PRAGMA table_info(exchanges)")}
        wanted = [c.strip() for c in _LIST_COLUMNS.split(",")]
        return ", ".join(f"e.{c}" if c in present else f"NULL AS {c}" for c in wanted)

    @staticmethod
    def _connect(target, uri: bool = False) -> sqlite3.Connection:
        # A generous busy timeout: concurrent first runs wait for each other's migration.
        db = sqlite3.connect(target, uri=uri, check_same_thread=False, isolation_level=None, timeout=15)
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def _reading(self):
        """This thread's read connection. In WAL mode a reader sees the last committed state
        and never waits for a writer: the window's thread never stalls while a worker records
        a 5 MB answer or deletes half a million rows, and it never takes the write lock."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._open_read_only() if self.read_only else self._connect(self.path)
            # Reads through a memory map and a larger cache: the first read after another
            # thread commits a large change re-reads fewer pages through system calls.
            reader.execute("PRAGMA mmap_size=268435456")
            reader.execute("PRAGMA cache_size=-16000")
            with self._readers_lock:  # not the write lock: a reader never waits for a writer
                self._readers.append(reader)
            self._local.reader = reader
        yield reader

    @contextmanager
    def _transaction(self):
        """One write transaction under the lock: committed whole, or rolled back whole."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Brings the schema to SCHEMA_VERSION. The version is read again inside the write
        transaction: when several processes open a new data home at once, only the first
        migrates and the others find the work done."""
        with self._transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={target}")

    def _ensure_fts(self) -> None:
        """Creates (and fills) the full-text index when this SQLite has FTS5."""
        with self._lock:
            exists = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'exchanges_fts'").fetchone()
        if exists:
            self.fts = True
            return
        try:
            with self._transaction() as db:
                if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'exchanges_fts'").fetchone():
                    self.fts = True  # another process made it while this one waited
                    return
                for statement in _FTS.split(";\nCREATE"):
                    db.execute(statement if statement.lstrip().startswith("CREATE") else "CREATE" + statement)
                db.execute(_FTS_FILL)
            self.fts = True
        except sqlite3.OperationalError:  # no FTS5 in this SQLite: search falls back to LIKE
            self.fts = False

    # -- writing ---------------------------------------------------------------------------
    def record(self, r: Record) -> int:
        """Stores one exchange; returns its id. Raises HistoryUnavailable when it cannot."""
        return self.record_many([r])[0]

    def record_many(self, records: list[Record]) -> list[int]:
        """Stores several exchanges in one transaction (imports, generated test data).
        Raises HistoryUnavailable when they cannot be written (read-only, disk full, …)."""
        self.check_writable()
        ids = []
        try:
            with self._transaction() as db:
                for r in records:
                    cur = db.execute(f"INSERT INTO exchanges ({_COLUMNS}) VALUES ({','.join('?' * 24)})", r.row())
                    ids.append(cur.lastrowid)
                    self._add_keys(db, r, cur.lastrowid)
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None
        return ids

    def complete(self, exchange_id: int, r: Record) -> None:
        """Replaces a record made before a send (outcome "sending") by what the send came
        to. Raises HistoryUnavailable when it cannot be written."""
        self.check_writable()
        columns = [c.strip() for c in _COLUMNS.split(",")]
        try:
            with self._transaction() as db:
                db.execute(f"UPDATE exchanges SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?",
                           (*r.row(), exchange_id))
                self._add_keys(db, r, exchange_id)
                # The search index holds the text of the first version of the row: renew it.
                if self.fts:
                    db.execute("DELETE FROM exchanges_fts WHERE rowid = ?", (exchange_id,))
                    db.execute(_FTS_FILL + " WHERE id = ?", (exchange_id,))
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None

    @staticmethod
    def _add_keys(db, r: Record, exchange_id: int) -> None:
        if r.keys:
            db.executemany("INSERT INTO exchange_keys (key, exchange_id) VALUES (?, ?)",
                           [(_scoped(r.vendor, r.scope or r.profile, k), exchange_id) for k in r.keys])

    def set_pinned(self, ids: list[int], pinned: bool) -> None:
        """Pinned exchanges are never removed by retention."""
        if self.read_only or not ids:
            return
        with self._lock:
            self._db.execute(f"UPDATE exchanges SET pinned = ? WHERE id IN ({_marks(ids)})", [int(pinned), *ids])

    def delete(self, ids: list[int] | None) -> int:
        """Deletes these exchanges (None: all of them). They can be brought back with
        `undo_delete` until the next delete. Returns how many were deleted."""
        if self.read_only:
            return 0
        where, args = ("", []) if ids is None else (f"WHERE id IN ({_marks(ids)})", list(ids))
        key_where = "" if ids is None else f"WHERE exchange_id IN ({_marks(ids)})"
        with self._transaction() as db:
            db.execute("DELETE FROM trash")
            db.execute("DELETE FROM trash_keys")
            db.execute(f"INSERT INTO trash SELECT * FROM exchanges {where}", args)
            db.execute(f"INSERT INTO trash_keys SELECT key, exchange_id FROM exchange_keys {key_where}", args)
            count = db.execute(f"DELETE FROM exchanges {where}", args).rowcount
        return count

    def undo_delete(self) -> int:
        """Brings back what the last delete removed; returns how many came back."""
        if self.read_only:
            return 0
        with self._transaction() as db:
            count = db.execute("INSERT OR IGNORE INTO exchanges SELECT * FROM trash").rowcount
            db.execute("INSERT INTO exchange_keys SELECT key, exchange_id FROM trash_keys "
                       "WHERE exchange_id IN (SELECT id FROM exchanges)")
            db.execute("DELETE FROM trash")
            db.execute("DELETE FROM trash_keys")
        return count

    def can_undo(self) -> bool:
        if self.read_only:
            return False
        with self._reading() as db:
            return db.execute("SELECT 1 FROM trash LIMIT 1").fetchone() is not None

    # -- retention -------------------------------------------------------------------------
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

    def apply_retention(self, now: datetime) -> int:
        """Removes unpinned exchanges beyond the retention settings; returns how many. Not
        undoable (it is not a user's delete)."""
        rules = self.retention()
        if self.read_only or (not rules.keep_last and not rules.keep_days):
            return 0
        removed = 0
        with self._transaction() as db:
            if rules.keep_last:
                edge = db.execute("SELECT id FROM exchanges ORDER BY id DESC LIMIT 1 OFFSET ?",
                                  (rules.keep_last - 1,)).fetchone()
                if edge is not None:
                    removed += db.execute("DELETE FROM exchanges WHERE id < ? AND pinned = 0",
                                          (edge["id"],)).rowcount
            if rules.keep_days:
                cutoff = (now - timedelta(days=rules.keep_days)).isoformat(timespec="milliseconds")
                removed += db.execute("DELETE FROM exchanges WHERE time < ? AND pinned = 0", (cutoff,)).rowcount
        return removed

    # -- reading ---------------------------------------------------------------------------
    def find_key(self, vendor: str, scope: str, key: str,
                 since: datetime | None = None) -> tuple[int, str] | None:
        """(id, time) of the newest 2xx exchange recorded under `key`, optionally not older
        than `since`."""
        sql = ("SELECT e.id, e.time FROM exchange_keys k JOIN exchanges e ON e.id = k.exchange_id "
               "WHERE k.key = ? AND e.status BETWEEN 200 AND 299")
        args: list[Any] = [_scoped(vendor, scope, key)]
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
             filters: HistoryFilter | None = None) -> list[HistoryEntry]:
        """One page of the list, newest first: exchanges older than `before_id` that pass
        the filters (`search` is a shorthand for filters.search)."""
        f = filters or HistoryFilter(search=search)
        if search and not f.search:
            f = HistoryFilter(**{**f.__dict__, "search": search})
        where, args = _where(f)
        if before_id is not None:
            where.append("e.id < ?")
            args.append(before_id)
        source = "exchanges e"
        order = "e.id DESC"
        text = f.search.strip()
        if text:
            if self.fts and _fts_query(text):
                # Driven from the index, newest match first (FTS5 walks rowids backwards).
                source = "exchanges_fts f JOIN exchanges e ON e.id = f.rowid"
                order = "f.rowid DESC"
                where.insert(0, "exchanges_fts MATCH ?")
                args.insert(0, _fts_query(text))
            else:
                pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                where.append("(e.url LIKE ? ESCAPE '\\' OR (e.vendor || '/' || e.operation) LIKE ? ESCAPE '\\'"
                             " OR e.payload LIKE ? ESCAPE '\\' OR CAST(e.response_body AS TEXT) LIKE ? ESCAPE '\\')")
                args += [pattern] * 4
        sql = (f"SELECT {self._columns} FROM {source} "
               + (f"WHERE {' AND '.join(where)} " if where else "") + f"ORDER BY {order} LIMIT ?")
        args.append(limit)
        with self._reading() as db:
            try:
                rows = db.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # a search FTS cannot parse: fall back to LIKE
                if source == "exchanges e":
                    raise
                return self._like_page(before_id, limit, f)
        return [HistoryEntry.from_row(dict(row)) for row in rows]

    def _like_page(self, before_id, limit, f: HistoryFilter) -> list[HistoryEntry]:
        fts, self.fts = self.fts, False
        try:
            return self.page(before_id, limit, filters=f)
        finally:
            self.fts = fts

    def get(self, exchange_id: int) -> HistoryEntry | None:
        """One exchange with everything stored about it."""
        with self._reading() as db:
            row = db.execute("SELECT * FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
        return HistoryEntry.from_row(dict(row)) if row is not None else None

    def details(self, exchange_id: int) -> HistoryEntry | None:
        """One exchange without its bodies, their sizes instead (`request_size`,
        `response_size`): what the Details tab shows, quick to read however large the answer."""
        with self._reading() as db:
            row = db.execute(f"SELECT {self._detail_columns}, length(request_body) AS request_size "
                             "FROM exchanges WHERE id = ?", (exchange_id,)).fetchone()
        return HistoryEntry.from_row(dict(row)) if row is not None else None

    @cached_property
    def _detail_columns(self) -> str:
        """Every column of the table but the two bodies (a newer schema may have more)."""
        with self._reading() as db:
            return ", ".join(r[1] for r in db.execute("PRAGMA table_info(exchanges)")
                             if r[1] not in ("request_body", "response_body"))

    def get_many(self, ids: list[int]) -> list[HistoryEntry]:
        """Several exchanges, in the order of `ids` (exports)."""
        if not ids:
            return []
        with self._reading() as db:
            rows = db.execute(f"SELECT * FROM exchanges WHERE id IN ({_marks(ids)})", list(ids)).fetchall()
        by_id = {row["id"]: HistoryEntry.from_row(dict(row)) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def count(self) -> int:
        with self._reading() as db:
            return db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]

    def profiles_seen(self) -> list[str]:
        """The profiles history has exchanges of, found by hopping along the profile index
        (a step per profile, not a scan of every exchange)."""
        sql = ("WITH RECURSIVE p(name) AS (SELECT MIN(profile) FROM exchanges UNION ALL "
               "SELECT (SELECT MIN(profile) FROM exchanges WHERE profile > p.name) FROM p WHERE p.name IS NOT NULL) "
               "SELECT name FROM p WHERE name IS NOT NULL")
        with self._reading() as db:
            return [r[0] for r in db.execute(sql)]

    def close(self) -> None:
        with self._lock:
            self._db.close()
            with self._readers_lock:
                for reader in self._readers:
                    reader.close()
                self._readers.clear()


class HistoryUnavailable(Exception):
    """History cannot be opened or written; a send must not go out (it would go unrecorded).
    The message names the file and what to do."""

    def __init__(self, path: Path, reason: object):
        self.path = path
        self.reason = str(reason)
        super().__init__(
            f"History cannot be written: {path} ({reason}). Nothing was sent. Make that file and its "
            f"folder writable, free some disk space, or point {HOME_VARIABLE} at another folder.")


HOME_VARIABLE = "EVENT_CONSOLE_HOME"


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True when SQLite says the file is not a database or is corrupt (not: locked, read-only,
    full, a failed statement)."""
    name = getattr(exc, "sqlite_errorname", "")
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _create_private(path: Path) -> None:
    """Creates the file readable by its owner only (history holds payloads and answers);
    an existing one readable by others is made private too. An existing file that cannot be
    opened for writing is left as it is: it is read, and sends are refused (check_writable)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        if path.is_file():
            return
        raise
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _where(f: HistoryFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    for column in ("vendor", "operation", "profile", "source"):
        value = getattr(f, column)
        if value:
            where.append(f"e.{column} = ?")
            args.append(value)
    if f.status_class:
        where.append("(" + STATUS_CLASSES[f.status_class].replace("status", "e.status").replace("outcome", "e.outcome") + ")")
    if f.since:
        where.append("e.time >= ?")
        args.append(f.since)
    if f.until:
        where.append("e.time < ?")
        args.append(f.until)
    if f.pinned_only:
        where.append("e.pinned = 1")
    return where, args


def _fts_query(text: str) -> str:
    """User words → an FTS5 query: every word must appear; words of three or more characters
    also match as prefixes (a one- or two-character prefix would match half the index)."""
    import re

    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' + ("*" if len(w) >= 3 else "") for w in words)


def _marks(ids) -> str:
    return ",".join("?" * len(ids))


def _scoped(vendor: str, scope: str, key: str) -> str:
    return f"{vendor}/{scope}/{key}"
