"""Changes to history from the panel (delete, pin, undo, clear, import, export, retention),
run in the background through console.ui.workers (the GUI thread never waits for the write
lock); a change of many rows shows a progress bar and a Stop button while it runs."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QProgressBar, QPushButton

PROGRESS_AFTER_MS = 100  # a long change shows its bar from then on (a quick one shows none)


class BackgroundChanges(QObject):
    """Runs a panel's changes; `progress` and `stop` are its widgets, `running` how many run.
    The panel hears of each change's end through `apply_filters()` (rows changed) and
    `say_changed(text)`."""

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.running = 0
        self._cancel: threading.Event | None = None
        self.progress = QProgressBar()
        self.progress.setAccessibleName("History progress")
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.stop = QPushButton("Stop")
        self.stop.setAccessibleName("Stop history change")
        self.stop.setToolTip("Stop after the current step; what was done stays done (a delete can be undone)")
        self.stop.setVisible(False)
        self.stop.clicked.connect(self._stop)

    def _stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.stop.setEnabled(False)

    def run_long(self, work, message, reload=lambda result: True, then=None, failed=None) -> None:
        """A change that may take a while (many rows): `work(progress, cancelled)` runs in the
        background in chunks, calling `progress(done, total)` between them (console.ui.workers
        carries each to the bar); Stop ends it after a chunk. A change done within
        PROGRESS_AFTER_MS shows no bar at all. `then` and `failed` as in run."""
        cancel = threading.Event()
        state = {"running": True}

        def reveal():
            if state["running"]:
                self.progress.setVisible(True)
                self.stop.setVisible(True)

        def progressed(value):
            done, total = value
            if total:
                self.progress.setRange(0, total)
                self.progress.setValue(min(done, total))
            else:
                self.progress.setRange(0, 0)
            if self.progress.isVisible():
                self.panel.status_message(f"Working… {done:,} exchange(s)" + (f" of {total:,}" if total else ""))

        QTimer.singleShot(PROGRESS_AFTER_MS, reveal)
        self.progress.setRange(0, 0)
        self.stop.setEnabled(True)
        self._cancel = cancel  # the Stop button sets the running change's event

        def finished(result):
            state["running"] = False
            self.progress.setVisible(False)
            self.stop.setVisible(False)
            return result

        def went_wrong(error: str) -> None:
            finished(None)
            if failed is not None:
                failed(error)

        self.run(lambda report: work(lambda done, total: report((done, total)), cancel.is_set),
                 lambda n: ("Stopped. " if cancel.is_set() else "") + message(finished(n)),
                 then=then, reload=reload, failed=went_wrong, on_progress=progressed)

    def run(self, work, message, then=None, reload=lambda result: True, failed=None, on_progress=None) -> None:
        """Runs `work()` in the background, then reloads the list (unless `reload(result)` says
        nothing changed), calls `then(result)` and says `message(result)`; when it raised,
        `failed(sentence)` runs first. With `on_progress`, `work(report)` reports how far it is."""
        from console.ui.workers import run_in_background

        panel = self.panel
        self.running += 1
        panel.status_message("Working…")
        panel.update_buttons()

        def finish(text: str, result=None) -> None:
            self.running -= 1
            if result is None or reload(result):
                panel.apply_filters()
            if then is not None and result is not None:
                then(result)
            panel.say_changed(text)

        def went_wrong(error: str) -> None:
            if failed is not None:
                failed(error)
            finish(f"History was not changed: {error}")

        run_in_background(panel, work, lambda result: finish(message(result), result), went_wrong,
                          on_progress=on_progress)
