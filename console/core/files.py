"""Reading a file a user named: a regular file only (never a FIFO that blocks, a device that
never ends, a folder), up to a size cap, with a one-line reason when it cannot be read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

MB = 1024 * 1024


class InputFileError(ValueError):
    """The file cannot be read as an input; the message names it and says why, in one line."""


def _open_checked(path: str | Path, what: str) -> tuple[int, os.stat_result]:
    """A descriptor of `path` and its stat, opened without waiting (a FIFO with no writer would
    block) and checked to be a regular file; InputFileError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe or a device"
        raise InputFileError(f"{path} is {kind}, not a {what}")
    return fd, info


def read_regular(path: str | Path, cap: int, what: str = "file") -> bytes:
    """The bytes of `path`, a regular file of at most `cap` bytes; InputFileError otherwise."""
    fd, info = _open_checked(path, what)
    try:
        if info.st_size > cap:
            raise InputFileError(f"{path} is {info.st_size / MB:,.0f} MB; a {what} may be at most {cap // MB:,} MB")
        chunks, total = [], 0
        while chunk := os.read(fd, 4 * MB):
            total += len(chunk)
            if total > cap:  # it grew while being read
                raise InputFileError(f"{path} is over {cap // MB:,} MB; a {what} may be at most {cap // MB:,} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def open_text(path: str | Path, what: str = "file") -> TextIO:
    """`path`, a regular file, open for reading as UTF-8 text (a byte order mark skipped), to be
    read as a stream of any length; InputFileError when it is not a regular file."""
    fd, _ = _open_checked(path, what)
    os.set_blocking(fd, True)
    return open(fd, encoding="utf-8-sig", newline="")  # noqa: SIM115 - the caller closes it


def atomic_write(path: str | Path, text: str, encoding: str = "utf-8", private: bool = False) -> None:
    """Writes `text` to `path` whole or not at all (see atomic_stream)."""
    with atomic_stream(path, encoding, private) as stream:
        stream.write(text)


@contextmanager
def atomic_stream(path: str | Path, encoding: str = "utf-8", private: bool = False) -> Iterator[TextIO]:
    """A text stream that becomes `path` whole or not at all (qutebrowser's savefile_open):
    written into a new file beside it, flushed to the disk (fsync) and renamed over it when the
    block ends, removed when it raises, so a crash or a full disk leaves the old file or the new
    one, never half of one. Any length: nothing is held in memory. `private` makes it readable
    by its owner only (the data home's files); otherwise it gets the usual permissions."""
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 is for the data home, not a user's export
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def files_under(path: str | Path, suffix: str) -> list[Path]:
    """The files named `*suffix` under a folder (searched recursively, sorted by path), or the
    one file `path` names; InputFileError when there is no such path or no such file in it."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file or folder")
    files = sorted(p for p in path.rglob(f"*{suffix}") if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise InputFileError(f"{path}: no {suffix} files in it")
    return files


def try_lock(fd: int) -> bool:
    """An exclusive lock on the open file, without waiting; False when another holds it. The
    lock goes with the process: what a killed capture or import left is free to recover."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows only
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
