"""The capture journal: what capture has answered but not yet recorded in history.

Capture answers a backend as fast as the bare sandbox does, so its slow part (checking a
request against the vendor's rules, and the history write with its indexes) runs after the
answer, in one worker. What must not be lost is written first, before the answer leaves: one
appended line per request, already masked (no key is ever written here), in a file of the
data home that the running capture holds locked. When the worker has recorded a request in
history, a `done` line follows. A capture that was killed leaves its file unlocked; the next
process that opens history (the window, the command line, another capture) records the
requests it finds there that were never done, marked as not checked, and removes the file.

A file is a run of JSON lines: `{"seq": n, "record": {...}}` (a later line with the same seq
replaces an earlier one: a forwarded request is written before it goes on and again with the
vendor's answer) and `{"done": n}`. Files (4 MB, mapped into memory) are replaced when full and
removed once everything in them is done, so a long capture keeps a few megabytes at most.
"""

from __future__ import annotations

import base64
import errno
import json
import mmap
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from console.core.files import try_lock
from console.core.outcomes import Outcome

PREFIX = "capture-"
SUFFIX = ".journal"
FILE_SIZE = 4 * 1024 * 1024  # a new file is begun when a request does not fit
_BYTES_FIELDS = ("request_body", "response_body")
NOT_CHECKED = ("Capture stopped before this request was checked against the vendor's rules (it was "
               "answered and kept, but its keys are never written down, so it cannot be checked now). "
               "Open it in the editor to check it.")


def encode(record: Any) -> dict[str, Any]:
    """A history Record as JSON-ready data (bodies in base64). (This module does not import
    history, which imports it to recover what killed captures left.)"""
    data = dict(record._asdict())
    for name in _BYTES_FIELDS:
        if data[name] is not None:
            data[name] = base64.b64encode(data[name]).decode("ascii")
    return data


def decode(data: dict[str, Any]) -> dict[str, Any]:
    """encode's inverse: a record's fields (history makes the Record, leaving out any field a
    newer version wrote that it does not know)."""
    values = dict(data)
    for name in _BYTES_FIELDS:
        if values.get(name) is not None:
            values[name] = base64.b64decode(values[name])
    return values


class _File:
    """One journal file this process holds, mapped into memory: a line is written by copying
    it into the map. No system call, so the interpreter lock is never let go while one is
    written (with 200 clients at once, every let-go costs a turn behind the other threads).
    What is copied is in the file's pages at once: it outlives the process, as a write does.
    Its blocks are allocated when it is made, so a full disk is an error here, not a crash."""

    def __init__(self, path: Path, size: int):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try_lock(self.fd)  # a new file of this process's own: nobody else holds it
            _allocate(self.fd, size)
            self.map = mmap.mmap(self.fd, size)
        except BaseException:
            os.close(self.fd)
            path.unlink(missing_ok=True)
            raise
        self.used = 0
        self.open: set[int] = set()

    def fits(self, size: int) -> bool:
        return self.used + size <= len(self.map)

    def write(self, line: bytes) -> None:
        if not self.fits(len(line)):  # a forwarded request's answer, or a done line, in a full file
            size = max(len(self.map) * 2, self.used + len(line))
            _allocate(self.fd, size)
            self.map.resize(size)
        self.map[self.used:self.used + len(line)] = line
        self.used += len(line)

    def keep(self) -> None:
        """Closes it, kept for recovery (cut to what was written)."""
        self.map.close()
        os.ftruncate(self.fd, self.used)
        os.close(self.fd)

    def remove(self) -> None:
        self.map.close()
        os.close(self.fd)
        try:
            self.path.unlink()
        except OSError:
            pass


def _allocate(fd: int, size: int) -> None:
    if hasattr(os, "posix_fallocate"):
        try:
            os.posix_fallocate(fd, 0, size)
            return
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise  # a full disk says so here, where it can be reported
    # macOS, Windows, and file systems that cannot allocate ahead: the file is made that long.
    os.ftruncate(fd, size)


class JournalUnavailable(Exception):
    """The capture journal cannot be written in the data home (full disk, no permission):
    capture does not start, since it could not keep what it answers."""

    def __init__(self, home: Path, exc: OSError):
        self.home = home
        super().__init__(f"cannot keep a capture journal in {home}: {exc.strerror or exc}. Capture answers only "
                         "what it can record; free some space or fix the folder's permissions.")


class Ticket:
    """Where one request was written (its file and number), to write it again or mark it done."""

    __slots__ = ("file", "seq")

    def __init__(self, file: _File, seq: int):
        self.file = file
        self.seq = seq


class CaptureJournal:
    """The journal of one running capture, in `home`. Thread-safe."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._seq = 0
        self._files = 0
        self._current = self._new_file()
        self._older: list[_File] = []

    def _new_file(self, size: int | None = None) -> _File:
        self._files += 1
        return _File(self.home / f"{PREFIX}{os.getpid()}-{id(self):x}-{self._files}{SUFFIX}", size or FILE_SIZE)

    @property
    def files(self) -> list[Any]:
        """The journal's open files, oldest first (the last one is being written)."""
        return [*self._older, self._current]

    def write(self, record: Any, ticket: Ticket | None = None) -> Ticket:
        """Writes a request (again, with a ticket: the newer version wins) before it is answered."""
        # Encoded outside the lock: with many threads, a thread switched out while holding it
        # would make the others wait (and give up the interpreter lock) for nothing.
        encoded = json.dumps(encode(record), separators=(",", ":")).encode()
        try:
            return self._write(encoded, ticket)
        except OSError as exc:  # a full disk, a folder gone: nothing can be kept, and the caller says so
            raise JournalUnavailable(self.home, exc) from None

    def _write(self, encoded: bytes, ticket: Ticket | None) -> Ticket:
        with self._lock:
            if ticket is None:  # a new request: in the current file, or a new one when it is full
                self._seq += 1
                line = b'{"seq":%d,"record":%s}\n' % (self._seq, encoded)
                if self._current.used and not self._current.fits(len(line)):
                    # The new file first: when it cannot be made, the current one stays current
                    # (listed once, so closing keeps it once).
                    new = self._new_file(max(FILE_SIZE, len(line)))
                    self._older.append(self._current)
                    self._current = new
                ticket = Ticket(self._current, self._seq)
                ticket.file.open.add(ticket.seq)
            else:  # written again, in its own file (which grows if it must)
                line = b'{"seq":%d,"record":%s}\n' % (ticket.seq, encoded)
            ticket.file.write(line)
            return ticket

    def done(self, ticket: Ticket) -> None:
        """The request is in history: it needs no recovery. An older file with nothing left
        open is removed."""
        with self._lock:
            file = ticket.file
            file.open.discard(ticket.seq)
            if file is not self._current and not file.open:
                self._older.remove(file)
                file.remove()
            else:
                file.write(b'{"done":%d}\n' % ticket.seq)

    def close(self) -> dict[Path, int]:
        """Removes the files whose requests are all done; keeps (and unlocks) the others for
        the next process to recover. Returns the files kept and how many requests wait in each."""
        kept = {}
        with self._lock:
            for file in dict.fromkeys([*self._older, self._current]):
                if file.open:
                    kept[file.path] = len(file.open)
                try:
                    if file.open:
                        file.keep()
                    else:
                        file.remove()
                except (OSError, ValueError):  # a full disk cannot cut it short: kept as it is
                    pass
            self._older = []
        return kept


MAX_FILE = 256 * 1024 * 1024  # a journal is a few MB; a larger file is not one (never read into memory)


def pending_in(data: bytes) -> tuple[list[dict[str, Any]], int]:
    """The records (their fields) of a journal's bytes that were never done, and how many
    lines could not be read (a line cut short when the process died, or any damage): those
    are passed over, whatever they hold."""
    latest: dict[int, dict[str, Any]] = {}
    done: set[int] = set()
    bad = 0
    # A mapped file is longer than what was written in it (zeros follow).
    lines = [line for line in (raw.strip(b"\0 \t\r") for raw in data.split(b"\n")) if line]
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            bad += number < len(lines)  # the last line cut short by a kill is no damage
            continue
        if isinstance(item, dict) and _is_number(item.get("done")):
            done.add(item["done"])
        elif isinstance(item, dict) and _is_number(item.get("seq")) and isinstance(item.get("record"), dict):
            latest[item["seq"]] = item["record"]
        else:
            bad += 1
    records = []
    for seq in sorted(set(latest) - done):
        try:
            records.append(decode(latest[seq]))
        except (TypeError, ValueError, AttributeError):
            bad += 1
    return records, bad


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def as_recovered(values: dict[str, Any]) -> dict[str, Any]:
    """A record's fields left in a journal, as history keeps them: marked not checked, with
    the payload read from the request, and a forwarded request that never had its answer
    marked as such."""
    issues = values.get("issues")
    values = {**values, "issues": [*(issues if isinstance(issues, list) else []),
                                   {"severity": "warning", "path": "", "message": NOT_CHECKED}]}
    if values.get("payload") is None and values.get("vendor") != "other":
        values["payload"] = _payload_of(values)
    if values.get("outcome") == Outcome.SENDING:
        values.update(outcome=Outcome.INTERRUPTED, error_kind="interrupted",
                      error="Capture stopped before the vendor's answer came back.")
    return values


def _payload_of(values: dict[str, Any]) -> str | None:
    """The payload of a recorded request, read from it (its keys are masked there already);
    the worker would have added it."""
    from console.core.curl import CurlRequest, map_request

    try:
        mapped = map_request(CurlRequest(values["method"], values["url"], list(values["request_headers"].items()),
                                         values["request_body"]), only_vendor=values["vendor"])
    except Exception:  # noqa: BLE001 - a journal's record is read as data, whatever it holds
        return None
    return None if mapped.payload is None else json.dumps(mapped.payload, ensure_ascii=False)


class Orphan(NamedTuple):
    """A journal a killed capture left: its requests (as_recovered fields) and, when it could
    not be read whole, why (it is then set aside for a person to look at, not removed)."""

    path: Path
    records: list[dict[str, Any]]
    problem: str | None


def orphans(home: Path) -> Iterator[Orphan]:
    """The journals killed captures left in `home`, one at a time, each held locked while the
    caller records its requests and removes (or sets aside) it. Only regular files are read,
    without following a link, without waiting (a FIFO), and only up to MAX_FILE. Files a
    running capture holds are passed over, and so is one another process recovered meanwhile."""
    for path in sorted(Path(home).glob(f"{PREFIX}*{SUFFIX}")):
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            if path.is_symlink():
                yield Orphan(path, [], "it is a link, not a journal capture wrote")
            elif path.exists():
                yield Orphan(path, [], f"it cannot be opened ({exc.strerror or exc})")
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                yield Orphan(path, [], "it is not a regular file (a folder, a pipe or a device)")
                continue
            if info.st_size > MAX_FILE:
                yield Orphan(path, [], f"it is {info.st_size // (1024 * 1024)} MB, larger than any journal")
                continue
            if not try_lock(fd):
                continue  # a running capture's
            try:
                if os.fstat(fd).st_ino != os.stat(path).st_ino:
                    continue
            except FileNotFoundError:
                continue
            try:
                data = _read_all(fd, MAX_FILE)
            except OSError as exc:
                yield Orphan(path, [], f"it cannot be read ({exc.strerror or exc})")
                continue
            found, bad = pending_in(data)
            problem = None if not bad else f"{bad} line(s) of it could not be read"
            yield Orphan(path, [as_recovered(values) for values in found], problem)
        finally:
            os.close(fd)


def _read_all(fd: int, cap: int) -> bytes:
    chunks, total = [], 0
    while total <= cap:
        chunk = os.read(fd, 1024 * 1024)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)[:cap]


def set_aside(path: Path) -> Path:
    """Renames a damaged journal out of recovery's way (it is never read again), untouched."""
    from datetime import datetime

    kept = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    number = 1
    while kept.exists() or kept.is_symlink():
        number += 1
        kept = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}-{number}")
    path.rename(kept)
    return kept
