"""The one way the window works in the background: `run_in_background(owner, work, on_result,
on_error)` runs `work()` on a worker thread and hands its result, or its error as a plain
sentence, back to the GUI thread by signal; with `on_progress`, `work(report)` may report how
far it is (`report(value)`), each value handed to `on_progress` on the GUI thread. Sends,
suite runs, dialogs and every change to history (delete, pin, undo, clear, import, export,
retention) go through it, so the GUI thread never waits for the network or for the history's
write lock, and progress is reported one way.

Workers get plain data and give plain data back; they never touch a widget. A result that
arrives after its owner was closed is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid


class _Relay(QObject):
    """Carries one result across threads. Parented to the application, not the owner, so a
    late answer never reaches a deleted object."""

    succeeded = Signal(object)
    failed = Signal(str)
    progressed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], relay: _Relay, reports: bool):
        super().__init__()
        self.work, self.relay, self.reports = work, relay, reports

    def _report(self, value: Any) -> None:
        try:
            self.relay.progressed.emit(value)
        except RuntimeError:  # the application is shutting down: nobody is watching
            pass

    def run(self) -> None:
        try:
            result = self.work(self._report) if self.reports else self.work()
        except Exception as exc:  # shown to the user as a sentence, never as a traceback
            outcome, value = self.relay.failed, describe_error(exc)
        else:
            outcome, value = self.relay.succeeded, result
        try:
            outcome.emit(value)
        except RuntimeError:  # the application is shutting down: nobody is waiting
            pass


def describe_error(exc: Exception) -> str:
    """An exception as one sentence for a message box. Errors of the app say it all already
    (what went wrong and what to do); others are named by their kind."""
    from console.core.history.connection import HistoryUnavailable
    from console.core.history.export import HistoryImportError

    if isinstance(exc, (HistoryUnavailable, HistoryImportError, ValueError)):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return f"{type(exc).__name__}: {exc}"


def run_in_background(owner: QObject, work: Callable[..., Any], on_result: Callable[[Any], None],
                      on_error: Callable[[str], None] | None = None,
                      pool: QThreadPool | None = None,
                      on_progress: Callable[[Any], None] | None = None) -> None:
    """Runs `work()` on `pool` (the application's by default); `on_result(result)` or
    `on_error(sentence)` then runs on the GUI thread, unless `owner` is gone by then (deleted,
    or its `closed` attribute says so: a window's controller and its parts). With
    `on_progress`, `work(report)` is called instead, and each `report(value)` reaches
    `on_progress(value)` on the GUI thread, in order, before the result."""
    relay = _Relay(QCoreApplication.instance())

    def deliver(callback, value):
        relay.deleteLater()
        if callback is not None and isValid(owner) and not getattr(owner, "closed", False):
            callback(value)

    def progressed(value):
        if on_progress is not None and isValid(owner) and not getattr(owner, "closed", False):
            on_progress(value)

    relay.succeeded.connect(lambda value: deliver(on_result, value))
    relay.failed.connect(lambda message: deliver(on_error, message))
    relay.progressed.connect(progressed)
    (pool or QThreadPool.globalInstance()).start(_Job(work, relay, on_progress is not None))
