"""Sends on a worker thread: the GUI thread never waits for the network.

Workers get plain data (an AppContext and a Prepared draft) and hand back plain data (an
Outcome and the rendered body) through console.ui.workers; they never touch a widget.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThreadPool, Signal

from console.core.outcomes import Source
from console.engine import pipeline
from console.ui.widgets.rendering import RenderedBody, render_body
from console.ui.workers import run_in_background

_ids = itertools.count(1)
MAX_PARALLEL_SENDS = 4


@dataclass
class SendJob:
    """One send in flight. `cancel()` stops the window waiting at once; the worker still
    finishes and records the exchange as cancelled."""

    prepared: pipeline.Prepared
    force: bool
    id: int = field(default_factory=lambda: next(_ids))
    cancelled: threading.Event = field(default_factory=threading.Event)
    extra_slot: bool = False  # the pool grew by one for it when it was cancelled (Sender.cancel)

    def cancel(self) -> None:
        self.cancelled.set()


@dataclass(frozen=True)
class SendResult:
    job: SendJob
    outcome: pipeline.Outcome | None
    body: RenderedBody | None
    error: str | None


class Sender(QObject):
    """Runs SendJobs in the background (console.ui.workers) on a pool of its own;
    `finished(SendResult)` arrives on the GUI thread."""

    finished = Signal(object)

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool(self)
        # Four sends at a time, the rest queue: every running send is a Python thread the GUI
        # thread shares the interpreter lock with (the embedded sandbox adds one more each), and
        # with eight the window's worst pause under a burst of sends passed 50 ms.
        self.pool.setMaxThreadCount(MAX_PARALLEL_SENDS)

    def start(self, prepared: pipeline.Prepared, force: bool = False) -> SendJob:
        job = SendJob(prepared, force)
        ctx = self.ctx

        def work() -> SendResult:
            outcome = pipeline.send(ctx, job.prepared, force=job.force, cancelled=job.cancelled.is_set,
                                    source=Source.WINDOW)
            body = render_body(outcome.exchange.response) if not job.cancelled.is_set() else None
            return SendResult(job, outcome, body, None)

        run_in_background(self, work, self._job_finished,
                          lambda message: self._job_finished(SendResult(job, None, None, message)), self.pool)
        return job

    def cancel(self, job: SendJob) -> None:
        """Stops waiting for `job`. Its thread stays until the late answer is recorded, so the
        pool grows by one meanwhile: a cancelled send never holds up the next one."""
        if job.cancelled.is_set():
            return
        job.cancel()
        job.extra_slot = True
        self.pool.setMaxThreadCount(self.pool.maxThreadCount() + 1)

    def _job_finished(self, result: SendResult) -> None:
        if result.job.extra_slot:
            result.job.extra_slot = False
            self.pool.setMaxThreadCount(self.pool.maxThreadCount() - 1)
        self.finished.emit(result)

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
