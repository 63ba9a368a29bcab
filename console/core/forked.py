"""Work done beside this process, in a forked copy of it, while this process does something
else: the command line checks a payload against its schema (importing jsonschema, ~60 ms) in a
child while it loads the HTTP library (~80 ms) itself, so a send pays for the longer of the two
instead of both; the window does its first check so while it builds itself (see
console.engine.first_check).

A fork copies the process as it is, so it is only used where that is safe: on a platform that
has fork, with no other thread running (a thread holding a lock at the fork would leave it held
in the child for good). Elsewhere, and whenever the child fails (it crashed, was killed, or
what it made cannot be read back), the work is done here, as if nothing had been forked. The
result goes through a pipe, never the disk: it may hold a key. (pickle, select and signal are
imported where they are used: the window forks before its first paint, when every import
counts.)
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

# A child that has not answered in this long is given up on (and the work done here).
WAIT_SECONDS = 30.0


def can_fork() -> bool:
    """Whether forking this process now is safe: a platform with fork (not macOS, whose system
    libraries may not be used in a forked child) and no other thread, Python's or a library's."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # threads Python does not know of (Qt's)
    except OSError:
        return sys.platform.startswith("linux") is False  # no /proc to ask: Python's count only


class ChildFailed(Exception):
    """No answer came from a forked child (none was forked, it died, or its answer was torn)."""


class Pending:
    """A call running in a forked child (or, where forking is not safe, not yet run).
    result() gives what the call returned, or raises what it raised."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        self._pid = None
        self._read = -1
        self.forked = False  # whether the call runs in a child (tests look)
        if can_fork():
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or too many processes: do it here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: run the call, write the answer, leave without clean-up
            import pickle

            os.close(read)
            code = 0
            try:
                try:
                    answer = pickle.dumps((True, self._fn(*self._args)), pickle.HIGHEST_PROTOCOL)
                except BaseException as exc:  # noqa: BLE001 - the parent raises it again
                    answer = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
                view = memoryview(answer)
                while view:
                    view = view[os.write(write, view):]
            except BaseException:  # noqa: BLE001 - cannot even answer: the parent does the work
                code = 1
            # os._exit: no atexit handlers, no flushing of the parent's buffered output twice,
            # no closing of the parent's database connections from here.
            os._exit(code)
        os.close(write)
        self._pid, self._read, self.forked = pid, read, True

    def fileno(self) -> int:
        """The pipe the child answers on: readable once it has answered or died."""
        return self._read

    def result(self) -> Any:
        """What the call returned (waiting for the child); raises what the call raised. When
        nothing was forked, or the child gave no answer, the call runs here now."""
        try:
            return self.answer()
        except ChildFailed:
            return self._fn(*self._args)

    def answer(self) -> Any:
        """What the call returned in the child (waiting for it); raises what it raised there,
        or ChildFailed when there is no child or it gave no answer."""
        answer = self._collect() if self.forked else None
        if answer is None:
            raise ChildFailed("no answer from a forked child")
        ok, value = answer
        if ok:
            return value
        raise value

    def discard(self) -> None:
        """Gives the child up: ends it (if it still runs) and reaps it. Idempotent."""
        if not self.forked:
            return
        import signal

        self.forked = False
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._read)
        os.waitpid(self._pid, 0)

    def _collect(self) -> tuple[bool, Any] | None:
        """The child's pickled answer, or None when it gave none (it is then done here)."""
        import pickle
        import select
        import signal

        self.forked = False
        chunks = []
        try:
            while True:
                ready, _, _ = select.select([self._read], [], [], WAIT_SECONDS)
                if not ready:
                    os.kill(self._pid, signal.SIGKILL)
                    break
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
        if status != 0 or not chunks:
            return None
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a torn answer: do the work here
            return None
