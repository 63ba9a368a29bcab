"""History's file and connections: it is opened (created private, migrated, set aside when
damaged, read-only when newer or on a full disk), read through a connection per thread that never
waits for a writer, and written through one connection under a lock, a transaction at a time."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from console.core.history import schema
from console.core.history.entry import LIST_FIELDS
from console.core.history.schema import FTS_CREATE, FTS_FILL, SCHEMA_VERSION

FILE_NAME = "history.sqlite3"
HOME_VARIABLE = "EVENT_CONSOLE_HOME"
_LIST_COLUMNS = ", ".join(LIST_FIELDS)


class Connections:
    """The file and its connections, which the store's other parts read and write through:
    `_reading()` (this thread's reader), `transaction()` (one write; public for scripts that
    prepare data), `_lock` and `_db` (the writer), and what the open file has (`fts`, `_live`,
    `_split`, `_columns`, `_full`)."""

    path: Path  # the database file (set by HistoryStore before it opens)

    def _open_file(self) -> None:
        """Opens the file (see HistoryStore); `message` says what was done to open it."""
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
        return Path(kept)

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
    def _connect(target: str | Path, uri: bool = False) -> sqlite3.Connection:
        # A generous busy timeout: concurrent first runs wait for each other's migration.
        db = sqlite3.connect(target, uri=uri, check_same_thread=False, isolation_level=None, timeout=15)
        db.row_factory = sqlite3.Row
        return db

    @contextmanager
    def streaming(self) -> Iterator[Connections]:
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
    def _reading(self) -> Iterator[sqlite3.Connection]:
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
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the lock: committed whole, or rolled back whole."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        """Brings the schema to SCHEMA_VERSION. The version is read again inside the write
        transaction: when several processes open a new data home at once, only the first
        migrates and the others find the work done."""
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in schema.MIGRATIONS[target - 1].split(";"):
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
            with self.transaction() as db:
                if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'exchanges_fts'").fetchone():
                    self.fts = True  # another process made it while this one waited
                    return
                db.execute(FTS_CREATE)
                db.execute(FTS_FILL)
            self.fts = True
        except sqlite3.OperationalError:  # no FTS5 in this SQLite: search falls back to LIKE
            self.fts = False

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


def meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else None


def marks(ids: Sized) -> str:
    return ",".join("?" * len(ids))


def scoped(vendor: str, scope: str, key: str) -> str:
    return f"{vendor}/{scope}/{key}"
