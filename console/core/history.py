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
import types
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from console.core.history_entry import (
    EVENT_NAME_FIELDS,
    ISSUE_FILTERS,
    LIST_FIELDS,
    HistoryEntry,
    event_name_of,
    issue_counts,
)
from console.core.outcomes import STATUS_CLASS_SQL, STATUS_CLASS_WHERE, Source, status_class

SCHEMA_VERSION = 5
FILE_NAME = "history.sqlite3"
# Rows changed per transaction by deletes, undo, clear and retention: each holds the write
# lock for milliseconds, so sends go on meanwhile, and progress is reported between them.
CHUNK = 5000
# Text of a body indexed for search (the first part is where people look; it keeps the
# index small when answers are megabytes).
INDEXED_CHARS = 65536

# The list row (what lists and filters scan) and the bodies, kept apart since version 4.
_ROW_COLUMNS = ("time", "vendor", "operation", "profile", "method", "url", "credential", "status", "reason",
                "response_size", "response_truncated", "error", "error_kind", "elapsed_ms", "issues", "forced",
                "outcome", "source", "status_class", "request_size", "event_name", "errors", "warnings")
_BODY_COLUMNS = ("request_headers", "request_body", "payload", "settings", "response_headers", "response_body")

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

# The event's name in SQL, for the migration that stores it: history_entry.event_name_of, field
# for field (a non-empty text, or an object's first key as VibeTrace REST's {"event": {"update": …}}),
# in the first event of a batch. tests/test_history_features.py holds the two to the same answers.
_EVENT_NAME_SQL = "CASE WHEN json_valid(payload) THEN substr(COALESCE(" + ", ".join(
    f"CASE WHEN json_type(payload, '{where}{name}') = 'text' AND json_extract(payload, '{where}{name}') <> '' "
    f"THEN json_extract(payload, '{where}{name}') "
    f"WHEN json_type(payload, '{where}{name}') = 'object' "
    f"THEN (SELECT key FROM json_each(payload, '{where}{name}') LIMIT 1) END"
    for where in ("$.", "$[0].") for name in EVENT_NAME_FIELDS
) + "), 1, 80) END"

# Version 4: the bodies (headers, payload, answers: 0.5 KB to megabytes each) move out of the
# list rows into exchange_bodies, so lists and filters scan small rows; every filter has an
# index ending in id (its newest rows come first without a sort), over the rows not deleted
# (a list never walks past half a million deleted rows); deletes mark rows (undo clears the
# mark) instead of copying them to a trash table; the profile index covers every row (it also
# finds the profiles history has seen); the search index is kept up
# by the store (the triggers read the old table's columns).
_SCHEMA_V4 = f"""
CREATE TABLE exchange_bodies (
    id INTEGER PRIMARY KEY,
    request_headers TEXT NOT NULL,
    request_body BLOB NOT NULL,
    payload TEXT,
    settings TEXT NOT NULL,
    response_headers TEXT,
    response_body BLOB
);
INSERT INTO exchange_bodies SELECT id, request_headers, request_body, payload, settings, response_headers,
    response_body FROM exchanges;
INSERT OR IGNORE INTO exchange_bodies SELECT id, request_headers, request_body, payload, settings,
    response_headers, response_body FROM trash;
CREATE TABLE exchanges_v4 (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    vendor TEXT NOT NULL,
    operation TEXT NOT NULL,
    profile TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    credential TEXT,
    status INTEGER,
    reason TEXT,
    response_size INTEGER,
    response_truncated INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    elapsed_ms REAL,
    issues TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    status_class TEXT,
    request_size INTEGER,
    event_name TEXT,
    deleted INTEGER
);
INSERT INTO exchanges_v4 SELECT id, time, vendor, operation, profile, method, url, credential, status, reason,
    response_size, response_truncated, error, error_kind, elapsed_ms, issues, forced, outcome, pinned, source,
    {STATUS_CLASS_SQL}, length(request_body), {_EVENT_NAME_SQL}, NULL FROM exchanges;
INSERT OR IGNORE INTO exchanges_v4 SELECT id, time, vendor, operation, profile, method, url, credential, status,
    reason, response_size, response_truncated, error, error_kind, elapsed_ms, issues, forced, outcome, pinned,
    source, {STATUS_CLASS_SQL}, length(request_body), {_EVENT_NAME_SQL}, 1 FROM trash;
CREATE TABLE exchange_keys_v4 (key TEXT NOT NULL, exchange_id INTEGER NOT NULL);
INSERT INTO exchange_keys_v4 SELECT key, exchange_id FROM exchange_keys;
INSERT INTO exchange_keys_v4 SELECT key, exchange_id FROM trash_keys
    WHERE exchange_id IN (SELECT id FROM exchanges_v4 WHERE deleted = 1);
INSERT OR REPLACE INTO meta (key, value) SELECT 'undo_batch', '1' WHERE EXISTS (SELECT 1 FROM trash);
DROP TABLE exchange_keys;
DROP TABLE trash_keys;
DROP TABLE trash;
DROP TABLE exchanges;
ALTER TABLE exchanges_v4 RENAME TO exchanges;
ALTER TABLE exchange_keys_v4 RENAME TO exchange_keys;
CREATE INDEX exchange_keys_by_key ON exchange_keys(key, exchange_id);
CREATE INDEX exchange_keys_by_exchange ON exchange_keys(exchange_id);
CREATE INDEX exchanges_live ON exchanges(id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_vendor ON exchanges(vendor, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_operation ON exchanges(vendor, operation, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_profile ON exchanges(profile, id);
CREATE INDEX exchanges_by_status ON exchanges(status_class, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_source ON exchanges(source, id) WHERE deleted IS NULL;
CREATE INDEX exchanges_by_time ON exchanges(time) WHERE deleted IS NULL;
CREATE INDEX exchanges_pinned ON exchanges(id) WHERE pinned = 1 AND deleted IS NULL;
CREATE INDEX exchanges_deleted ON exchanges(deleted, id) WHERE deleted IS NOT NULL
"""


def _count_sql(severity: str) -> str:
    """SQL for how many issues of `severity` a row's issues hold (history_entry.issue_counts)."""
    # CASE, not AND: an element that is not an object must never reach json_extract.
    return (f"(SELECT count(*) FROM json_each(issues) "
            f"WHERE CASE WHEN type = 'object' THEN json_extract(value, '$.severity') END = '{severity}')")


# Version 5: each row's issue counts, so lists show a mark and "with errors" is an index away.
_SCHEMA_V5 = f"""
ALTER TABLE exchanges ADD COLUMN errors INTEGER;
ALTER TABLE exchanges ADD COLUMN warnings INTEGER;
UPDATE exchanges SET {", ".join(f"{column} = {_count_sql(severity)}" for column, severity in ISSUE_FILTERS.items())}
    WHERE json_valid(issues) AND json_type(issues) = 'array' AND issues <> '[]';
""" + ";\n".join(f"CREATE INDEX exchanges_with_{column} ON exchanges(id) WHERE {column} > 0 AND deleted IS NULL"
                  for column in ISSUE_FILTERS)

# Each entry brings a database from version N-1 to N; index 0 creates version 1.
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5)
assert len(MIGRATIONS) == SCHEMA_VERSION

_FTS = "CREATE VIRTUAL TABLE exchanges_fts USING fts5(url, payload, response_body, tokenize = 'unicode61')"

# Fills the search index from the tables (all of them, or with a WHERE on e.id, some rows).
_FTS_FILL = (f"INSERT INTO exchanges_fts(rowid, url, payload, response_body) SELECT e.id, e.url, "
             f"substr(b.payload, 1, {INDEXED_CHARS}), substr(CAST(b.response_body AS TEXT), 1, {INDEXED_CHARS}) "
             "FROM exchanges e JOIN exchange_bodies b ON b.id = e.id")



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
    source: str = Source.CLI

    def row(self) -> tuple:
        """The list row's values, in _ROW_COLUMNS order."""
        return (
            self.time, self.vendor, self.operation, self.profile, self.method, self.url, self.credential,
            self.status, self.reason, self.response_size, int(self.response_truncated), self.error,
            self.error_kind, self.elapsed_ms, json.dumps(self.issues), int(self.forced), self.outcome,
            self.source, status_class(self.status, self.outcome), len(self.request_body or b""),
            event_name_of(self.payload), *issue_counts(self.issues),
        )

    def bodies(self) -> tuple:
        """The bodies' values, in _BODY_COLUMNS order."""
        return (
            json.dumps(self.request_headers), self.request_body, self.payload, json.dumps(self.settings),
            None if self.response_headers is None else json.dumps(self.response_headers), self.response_body,
        )


@dataclass(frozen=True)
class HistoryFilter:
    """What the list shows: every field empty means everything."""

    vendor: str = ""
    operation: str = ""
    profile: str = ""
    status_class: str = ""  # a key of STATUS_CLASS_WHERE (a StatusClass)
    since: str = ""  # ISO 8601, inclusive
    until: str = ""  # ISO 8601, exclusive
    search: str = ""
    pinned_only: bool = False
    source: str = ""  # window, cli, suite, capture or import
    issues: str = ""  # a key of ISSUE_FILTERS: "errors" or "warnings"


@dataclass(frozen=True)
class Retention:
    """Keep the last `keep_last` exchanges and those of the last `keep_days` days (0: no
    limit); pinned exchanges are always kept."""

    keep_last: int = 0
    keep_days: int = 0


_LIST_COLUMNS = ", ".join(LIST_FIELDS)


def _journal_record(values: object) -> Record | None:
    """A Record from fields a capture journal held, or None when they are not a record's
    (a damaged or foreign journal: each field's type is checked before it reaches the file)."""
    if not isinstance(values, dict):
        return None
    known = {f.name: f for f in fields(Record)}
    hints = _record_types()
    kept = {}
    for name, value in values.items():
        if name not in known:
            continue  # a newer version's field
        if not _fits(value, hints[name]):
            return None
        kept[name] = value
    try:
        return Record(**kept)
    except TypeError:  # a required field missing
        return None


@cache
def _record_types() -> dict:
    import typing

    return typing.get_type_hints(Record)


def _fits(value: object, hint) -> bool:
    import typing

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) and _fits(v, args[1]) for k, v in value.items())
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value)
    return isinstance(value, hint)


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
            if _is_full(exc) and self.path.exists():
                self._open_full(exc)
            elif not _is_damage(exc):
                raise HistoryUnavailable(self.path, exc) from None
            else:
                self._set_aside_and_start_anew(exc)
        except OSError as exc:
            raise HistoryUnavailable(self.path, exc) from None
        self.recovered = self._count_waiting() if self.read_only else self._recover_captures()
        if self.recovered and self.message is None:
            self.message = (f"{self.recovered} request(s) that a capture answered before it was stopped "
                            "were recorded now (marked “not checked”; filter Captured to see them).")

    def _set_aside_and_start_anew(self, exc: sqlite3.DatabaseError) -> None:
        """A damaged file is kept aside, untouched, and a new history started."""
        kept = self._set_aside()
        self._open()
        self.message = (f"The history file was damaged ({exc}). It was kept aside, untouched, as "
                        f"{kept.name} in {kept.parent}, and a new history was started.")

    def _open_full(self, exc: sqlite3.DatabaseError) -> None:
        """The disk is full: history is shown read-only (nothing can be recorded, so nothing is sent)."""
        self._db = self._open_read_only()
        self.read_only = True
        self._columns = self._list_columns()
        self._read_only_reason = f"the disk is full ({exc})"
        self.message = (f"History is shown read-only: {self._read_only_reason}. Free some disk space; nothing "
                        "can be sent until history can be written again.")

    def _count_waiting(self) -> int:
        """Read-only: says how many captured requests wait in journals, and where (recorded
        once history can be written); returns 0 (none was recorded)."""
        if not any(self.path.parent.glob("capture-*.journal")):
            return 0
        from console.core.capture_journal import orphans

        notes = []
        for orphan in orphans(self.path.parent):
            if orphan.records:
                notes.append(f"{len(orphan.records)} captured request(s) wait in {orphan.path}; they are recorded "
                             "the next time history can be written.")
        if notes:
            self.message = " ".join([self.message or "", *notes]).strip()
        return 0

    def _recover_captures(self) -> int:
        """Records what killed captures answered but had not recorded yet (see
        capture_journal), and removes their journals; returns how many requests. A journal
        that cannot be read whole is set aside (what could be read is recorded), and one whose
        requests cannot be written now stays for the next start; `message` says so."""
        if not any(self.path.parent.glob("capture-*.journal")):
            return 0  # the usual case: the journal's module is not even loaded
        from console.core.capture_journal import orphans, set_aside

        recovered, notes = 0, []
        for orphan in orphans(self.path.parent):
            records = [r for r in map(_journal_record, orphan.records) if r is not None]
            problem = orphan.problem
            if len(records) < len(orphan.records):
                problem = (problem + "; " if problem else "") + f"{len(orphan.records) - len(records)} request(s) in it were malformed"
            # Killed between its history write and the journal's "done": recorded once, not twice.
            records = [r for r, known in zip(records, self.already_captured(records), strict=True) if not known]
            try:
                self.record_many(records)
            except HistoryUnavailable as exc:
                notes.append(f"{len(records)} captured request(s) wait in {orphan.path}: history could not be "
                             f"written ({exc}). They are recorded the next time history opens; free some disk space.")
                continue
            recovered += len(records)
            try:
                if problem:
                    kept = set_aside(orphan.path)
                    notes.append(f"A capture journal could not be read whole ({problem}); it was set aside as {kept} "
                                 f"after {len(records)} request(s) were recovered from it. Look at it or delete it.")
                else:
                    orphan.path.unlink()
            except OSError as exc:
                notes.append(f"The capture journal {orphan.path} could not be removed ({exc.strerror or exc}); "
                             "remove it by hand.")
        if notes:
            self.message = " ".join(notes)
        return recovered

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
            if version == 0 and self._db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None:
                # A new file: freed pages can be given back (incremental vacuum after big deletes).
                self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            self._db.execute("PRAGMA journal_mode=WAL")
            # The WAL is cut back to this size after a checkpoint (it never keeps gigabytes).
            self._db.execute("PRAGMA journal_size_limit=67108864")
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
        """The list's columns; NULL for any a newer (read-only) database no longer has. Also
        notes the file's layout: an older file opened read-only keeps its bodies in the rows."""
        present = {row[1] for row in self._db.execute("PRAGMA table_info(exchanges)")}
        self._split = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'exchange_bodies'").fetchone() is not None
        self._live = "e.deleted IS NULL" if "deleted" in present else "1"
        self._has_status_class = "status_class" in present
        self._has_issue_counts = "errors" in present
        wanted = [c.strip() for c in _LIST_COLUMNS.split(",")]
        return ", ".join(f"e.{c}" if c in present else f"NULL AS {c}" for c in wanted)

    @property
    def _full(self) -> str:
        """FROM clause of a whole exchange: its row and its bodies."""
        return "exchanges e LEFT JOIN exchange_bodies b ON b.id = e.id" if self._split else "exchanges e"

    @staticmethod
    def _connect(target, uri: bool = False) -> sqlite3.Connection:
        # A generous busy timeout: concurrent first runs wait for each other's migration.
        db = sqlite3.connect(target, uri=uri, check_same_thread=False, isolation_level=None, timeout=15)
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def streaming(self):
        """This thread's reads, for the block, through a connection without the memory map and
        with a small cache: a scan of the whole file (an export) then holds a few megabytes,
        not the file's pages."""
        previous = getattr(self._local, "reader", None)
        reader = self._open_read_only() if self.read_only else self._connect(self.path)
        reader.execute("PRAGMA mmap_size=0")
        reader.execute("PRAGMA cache_size=-2000")
        self._local.reader = reader
        try:
            yield self
        finally:
            self._local.reader = previous
            reader.close()

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
                db.execute(_FTS)
                db.execute(_FTS_FILL)
            self.fts = True
        except sqlite3.OperationalError:  # no FTS5 in this SQLite: search falls back to LIKE
            self.fts = False

    # -- writing ---------------------------------------------------------------------------
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
        ids = []
        try:
            with self._transaction() as db:
                for r in records:
                    cur = db.execute(_INSERT_ROW, r.row())
                    ids.append(cur.lastrowid)
                    db.execute(_INSERT_BODIES, (cur.lastrowid, *r.bodies()))
                    self._add_keys(db, r, cur.lastrowid)
                    self._index(db, cur.lastrowid, r)
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None
        return ids

    def complete(self, exchange_id: int, r: Record) -> None:
        """Replaces a record made before a send (outcome "sending") by what the send came
        to. Raises HistoryUnavailable when it cannot be written."""
        self.check_writable()
        try:
            with self._transaction() as db:
                db.execute(f"UPDATE exchanges SET {', '.join(c + ' = ?' for c in _ROW_COLUMNS)} WHERE id = ?",
                           (*r.row(), exchange_id))
                db.execute(f"UPDATE exchange_bodies SET {', '.join(c + ' = ?' for c in _BODY_COLUMNS)} WHERE id = ?",
                           (*r.bodies(), exchange_id))
                self._add_keys(db, r, exchange_id)
                # The search index holds the text of the first version of the row: renew it.
                if self.fts:
                    db.execute("DELETE FROM exchanges_fts WHERE rowid = ?", (exchange_id,))
                    self._index(db, exchange_id, r)
        except sqlite3.Error as exc:
            raise HistoryUnavailable(self.path, exc) from None

    def _index(self, db, exchange_id: int, r: Record) -> None:
        if self.fts:
            db.execute(_INSERT_FTS, (exchange_id, r.url, r.payload, r.response_body))

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

    # -- deleting (in chunks: progress, cancel, and the write lock held for milliseconds) ----
    def delete(self, ids: list[int] | None, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> int:
        """Deletes these exchanges (None: all of them). They can be brought back with
        `undo_delete` until the next delete, which removes them for good. Works in chunks,
        calling `progress(done, total)` between them; stops early when `cancelled()` (what was
        deleted stays deleted, and can be undone). Returns how many were deleted."""
        if self.read_only:
            return 0
        self._purge_deleted(progress, cancelled)
        with self._transaction() as db:
            batch = int(_meta(db, "delete_batch") or 0) + 1
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('delete_batch', ?), ('undo_batch', ?)",
                       (str(batch), str(batch)))
            total = (db.execute(f"SELECT COUNT(*) FROM exchanges e WHERE {self._live}").fetchone()[0]
                     if ids is None else len(ids))
        done = 0
        pending = None if ids is None else list(ids)
        below = None  # clearing all: newest first, each chunk below the last (no rescans)
        while not cancelled():
            with self._transaction() as db:
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
                                   f"({_marks(chunk)})", [batch, *chunk]).rowcount
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
            batch = _meta(db, "undo_batch")
            if batch is None:
                return 0
            total = db.execute("SELECT COUNT(*) FROM exchanges WHERE deleted = ?", (int(batch),)).fetchone()[0]
        done = 0
        while not cancelled():
            with self._transaction() as db:
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
            batch = _meta(db, "undo_batch")
            return batch is not None and db.execute(
                "SELECT 1 FROM exchanges WHERE deleted = ? LIMIT 1", (int(batch),)).fetchone() is not None

    def _purge_deleted(self, progress: Progress | None, cancelled: Callable[[], bool]) -> None:
        """Removes for good the rows an earlier delete marked (they can no longer be undone)."""
        self._purge("deleted IS NOT NULL", (), progress, cancelled)
        with self._transaction() as db:
            db.execute("DELETE FROM meta WHERE key = 'undo_batch'")

    def _purge(self, where: str, args: tuple, progress: Progress | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> int:
        """Removes rows matching `where` (with their bodies, keys and search entries) for
        good, a chunk per transaction, then gives the space back. Returns how many."""
        removed = 0
        while not cancelled():
            with self._transaction() as db:
                chunk = [r[0] for r in db.execute(f"SELECT id FROM exchanges WHERE {where} LIMIT ?", (*args, CHUNK))]
                if not chunk:
                    break
                marks = _marks(chunk)
                db.execute(f"DELETE FROM exchange_bodies WHERE id IN ({marks})", chunk)
                db.execute(f"DELETE FROM exchange_keys WHERE exchange_id IN ({marks})", chunk)
                if self.fts:
                    db.execute(f"DELETE FROM exchanges_fts WHERE rowid IN ({marks})", chunk)
                removed += db.execute(f"DELETE FROM exchanges WHERE id IN ({marks})", chunk).rowcount
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

    def apply_retention(self, now: datetime, progress: Progress | None = None,
                        cancelled: Callable[[], bool] = lambda: False) -> int:
        """Removes unpinned exchanges beyond the retention settings, in chunks; returns how
        many. Not undoable (it is not a user's delete)."""
        rules = self.retention()
        if self.read_only or (not rules.keep_last and not rules.keep_days):
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

    # -- reading ---------------------------------------------------------------------------
    def find_key(self, vendor: str, scope: str, key: str,
                 since: datetime | None = None) -> tuple[int, str] | None:
        """(id, time) of the newest 2xx exchange recorded under `key`, optionally not older
        than `since`."""
        sql = ("SELECT e.id, e.time FROM exchange_keys k JOIN exchanges e ON e.id = k.exchange_id "
               f"WHERE k.key = ? AND e.status BETWEEN 200 AND 299 AND {self._live}")
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
             filters: HistoryFilter | None = None, ids_only: bool = False) -> list:
        """One page of the list, newest first: exchanges older than `before_id` that pass
        the filters (`search` is a shorthand for filters.search); with `ids_only`, their ids
        (an export's pages: the rows are read with their bodies by get_many)."""
        f = filters or HistoryFilter(search=search)
        if search and not f.search:
            f = HistoryFilter(**{**f.__dict__, "search": search})
        where, args = _where(f, self._has_status_class, self._has_issue_counts)
        where.append(self._live)
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
                body = "b" if self._split else "e"
                source = self._full
                where.append(f"(e.url LIKE ? ESCAPE '\\' OR (e.vendor || '/' || e.operation) LIKE ? ESCAPE '\\'"
                             f" OR {body}.payload LIKE ? ESCAPE '\\' OR CAST({body}.response_body AS TEXT) LIKE ? ESCAPE '\\')")
                args += [pattern] * 4
        columns = "e.id" if ids_only else self._columns
        if "exchanges_fts" in source and not ids_only:  # what matched, for the list to show
            columns += ", snippet(exchanges_fts, -1, '[', ']', '…', 8) AS matched"
        sql = (f"SELECT {columns} FROM {source} "
               + (f"WHERE {' AND '.join(where)} " if where else "") + f"ORDER BY {order} LIMIT ?")
        args.append(limit)
        with self._reading() as db:
            try:
                rows = db.execute(sql, args).fetchall()
            except sqlite3.OperationalError:  # a search FTS cannot parse: fall back to LIKE
                if "exchanges_fts" not in source:
                    raise
                return self._like_page(before_id, limit, f, ids_only)
        if ids_only:
            return [row[0] for row in rows]
        return [HistoryEntry.from_row(dict(row)) for row in rows]

    def _like_page(self, before_id, limit, f: HistoryFilter, ids_only: bool = False) -> list:
        fts, self.fts = self.fts, False
        try:
            return self.page(before_id, limit, filters=f, ids_only=ids_only)
        finally:
            self.fts = fts

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
            rows = db.execute(f"SELECT * FROM {self._full} WHERE e.id IN ({_marks(ids)}) AND {self._live}",
                              list(ids)).fetchall()
        by_id = {row["id"]: HistoryEntry.from_row(dict(row)) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def count(self) -> int:
        with self._reading() as db:
            return db.execute(f"SELECT COUNT(*) FROM exchanges e WHERE {self._live}").fetchone()[0]

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


def _is_full(exc: sqlite3.DatabaseError) -> bool:
    """True when SQLite could not write for want of room (a full disk, or its I/O failing so)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in str(exc) or "disk I/O" in str(exc)


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


def _where(f: HistoryFilter, stored_class: bool = True, stored_counts: bool = True) -> tuple[list[str], list[Any]]:
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


def _fts_query(text: str) -> str:
    """User words → an FTS5 query: every word must appear; words of three or more characters
    also match as prefixes (a one- or two-character prefix would match half the index)."""
    import re

    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"' + ("*" if len(w) >= 3 else "") for w in words)


_INSERT_ROW = f"INSERT INTO exchanges ({', '.join(_ROW_COLUMNS)}) VALUES ({', '.join('?' * len(_ROW_COLUMNS))})"
_INSERT_BODIES = (f"INSERT INTO exchange_bodies (id, {', '.join(_BODY_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * (len(_BODY_COLUMNS) + 1))})")
_INSERT_FTS = (f"INSERT INTO exchanges_fts(rowid, url, payload, response_body) VALUES "
               f"(?, ?, substr(?, 1, {INDEXED_CHARS}), substr(CAST(? AS TEXT), 1, {INDEXED_CHARS}))")

# progress(done, total): how far a long change is (total None when not known ahead).
Progress = Callable[[int, "int | None"], None]


def _meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row is not None else None


def _marks(ids) -> str:
    return ",".join("?" * len(ids))


def _scoped(vendor: str, scope: str, key: str) -> str:
    return f"{vendor}/{scope}/{key}"
