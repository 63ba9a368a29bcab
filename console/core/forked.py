"""A call made in a forked copy of this process, while this process does something else:
the command line and the window begin the schema check of a payload so (importing jsonschema is
most of it; see console.engine.first_check), and load what else they need meanwhile, on the
other core.

A fork copies the process as it is, so it is only used where that is safe: on a platform that
has fork, with no other thread running (a thread holding a lock at the fork would leave it held
in the child for good). Elsewhere nothing is forked; when nothing was, or the child failed (it
crashed, was killed, or what it made cannot be read back), answer() says so and the caller does
the work itself. The answer goes through a pipe, never the disk. (pickle, select and signal are
imported where they are used: the window forks before its first paint, when every import
counts.)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

# A child that has not answered in this long is given up on (and the work done here).
WAIT_SECONDS = 30.0


def can_fork() -> bool:
    """Whether forking this process now is safe: a platform with fork (not macOS, whose system
    libraries may not be used in a forked child) and no other thread, Python's or a library's."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    try:
        # Every thread of the process, Python's and those Python does not know of (Qt's).
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: on Linux, Qt's threads cannot be seen, so no fork
        if sys.platform.startswith("linux"):
            return False
    threading = sys.modules.get("threading")  # not imported: no thread was started through it
    return threading is None or threading.active_count() == 1


class ChildFailed(Exception):
    """No answer came from a forked child (none was forked, it died, or its answer was torn)."""


class Pending:
    """`fn(*args)` running in a forked child, when forking is safe (`forked` says whether);
    answer() gives what it returned there."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._pid: int | None = None
        self._read = -1
        self.forked = False
        if can_fork():
            self._start(fn, args)

    def _start(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or too many processes: do it here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: run the call, write the answer, leave without clean-up
            import gc
            import pickle

            # It lives for one call: no collections, which would also walk (and so copy) every
            # page of objects it shares with the parent. ~5 ms less for the first check.
            gc.disable()
            os.close(read)
            code = 0
            try:
                try:
                    answer = pickle.dumps((True, fn(*args)), pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # noqa: BLE001 - the parent raises it again
                    answer = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
                view = memoryview(answer)
                while view:
                    view = view[os.write(write, view):]
            except BaseException:  # noqa: BLE001 - Ctrl+C, or no way to answer: no answer
                code = 1
            # os._exit: no atexit handlers, no flushing of the parent's buffered output twice,
            # no closing of the parent's database connections from here.
            os._exit(code)
        os.close(write)
        self._pid, self._read, self.forked = pid, read, True

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
        assert self._pid is not None  # forked
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._read)
        os.waitpid(self._pid, 0)

    def _collect(self) -> tuple[bool, Any] | None:
        """The child's pickled answer, or None when it gave none. Reaps the child."""
        import pickle
        import select
        import signal

        self.forked = False
        assert self._pid is not None  # forked
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
            answer: tuple[bool, Any] = pickle.loads(b"".join(chunks))
            return answer
        except Exception:  # noqa: BLE001 - a torn answer: as good as none
            return None
