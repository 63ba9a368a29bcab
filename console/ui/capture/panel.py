"""The Capture panel: starts and stops capture (console.engine.capture) inside the window,
shows the base URLs to give a backend, and lists this session's requests as they land in
history, each with its verdict (errors, warnings, clean); one opens in the editor."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.ui.history.model import (
    ID_ROLE,  # a listed request's history id, as the history list keeps it
)
from console.ui.widgets.spoken import SpokenLabel

# console.engine.capture (and the HTTP side it brings) is imported when capture starts: the
# window's start-up does not pay for it.
DEFAULT_PORT = 8766  # console.engine.capture.DEFAULT_PORT (tests check they agree)
LIST_LIMIT = 2000  # requests listed at most (the oldest go; history keeps them all)



def verdict(captured) -> tuple[str, str]:
    """A captured request's verdict: its mark and a colour (errors red, warnings amber, clean green)."""
    warnings = captured.issues - captured.errors
    if captured.errors:
        return f"✖ {captured.errors} error{'s' if captured.errors != 1 else ''}", "#c62828"
    if warnings:
        return f"⚠ {warnings} warning{'s' if warnings != 1 else ''}", "#b26a00"
    return "✔ no issues", "#2e7d32"


class CapturePanel(QWidget):
    """`captured(Captured)` fires on the GUI thread for every request captured;
    `open_requested(history id)` asks the window to open one in the editor."""

    captured = Signal(object)
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = None
        self.server = None  # console.engine.capture.CaptureServer while capturing
        self._draining = None  # the Capture whose last requests are being recorded after a stop
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.toggle = QPushButton("Start capturing")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName("Capture")
        self.toggle.setToolTip("Be the endpoint your backend sends to: every request is checked against the "
                               "vendor's rules, kept in history and answered")
        self.port = QSpinBox()
        self.port.setRange(0, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName("Capture port")
        self.port.setToolTip("Port on 127.0.0.1 (0: any free port)")
        self.forward = QComboBox()
        self.forward.setAccessibleName("Capture forward")
        self.forward.addItem("Answer as the sandbox", "")
        self.forward.setToolTip("Or pass each request on, unchanged, to a profile's hosts and answer with the "
                                "vendor's real answer")
        row.addWidget(self.toggle)
        row.addWidget(QLabel("Port"))
        row.addWidget(self.port)
        row.addWidget(self.forward, 1)
        layout.addLayout(row)
        self.status = SpokenLabel("Not capturing.")
        self.status.setAccessibleName("Capture status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.urls = QPlainTextEdit()
        self.urls.setReadOnly(True)
        self.urls.setAccessibleName("Capture URLs")
        self.urls.setPlaceholderText("The base URLs to give your backend appear here while capturing.")
        layout.addWidget(self.urls, 1)
        self.copy = QPushButton("Copy URLs")
        self.copy.setAccessibleName("Copy capture URLs")
        self.copy.setEnabled(False)
        self.requests = QListWidget()
        self.requests.setAccessibleName("Captured requests")
        self.requests.setAccessibleDescription("This session's captured requests, each with its verdict; "
                                               "Enter opens one in the editor")
        self.requests.setUniformItemSizes(True)
        self.requests.setMinimumHeight(48)  # the window's bottom tabs stay as short as before
        self.urls.setMinimumHeight(48)
        self.urls.setMaximumHeight(96)  # five lines: the lists below get the room
        layout.addWidget(self.requests, 2)
        self.open_button = QPushButton("Open in editor")
        self.open_button.setAccessibleName("Open captured request")
        self.open_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.checklist = QListWidget()
        self.checklist.setAccessibleName("Plan coverage")
        self.checklist.setAccessibleDescription("The tracking plan's events, ticked as this capture sees them")
        self.checklist.setMinimumHeight(48)
        self.checklist.setVisible(False)
        layout.addWidget(self.checklist, 3)
        self.plans = None  # the window's tracking plan (console.core.plans.PlanSet), or None
        self._started_at = ""
        self._coverage_timer = QTimer(self, singleShot=True, interval=250)
        self._coverage_timer.timeout.connect(self.refresh_coverage)
        self.requests.itemActivated.connect(self._open)
        self.requests.currentItemChanged.connect(lambda item, _old: self.open_button.setEnabled(item is not None))
        self.open_button.clicked.connect(lambda: self._open(self.requests.currentItem()))
        self.count = 0
        self.errors = 0
        self.keys_note = ""
        self.toggle.toggled.connect(self._toggled)
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.urls.toPlainText()))
        self.captured.connect(self._on_captured)

    def set_context(self, ctx, profiles: list[str]) -> None:
        self.ctx = ctx
        for name in profiles:
            if name != "sandbox" and self.forward.findData(name) < 0:
                self.forward.addItem(f"Forward to profile {name}", name)

    @property
    def running(self) -> bool:
        return self.server is not None

    def _toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def start(self) -> bool:
        if self.server is not None or self.ctx is None:
            return self.server is not None
        from console.core.history.journal import JournalUnavailable
        from console.engine.capture import CaptureServer

        forward = self.forward.currentData() or None
        try:
            # The callback runs on the server's threads; the signal brings it to the GUI thread.
            server = CaptureServer(self.ctx, "127.0.0.1", self.port.value(), forward,
                                   on_request=self.captured.emit)
        except JournalUnavailable as exc:
            return self._not_started(f"Cannot capture: {str(exc)[0].upper()}{str(exc)[1:]}")
        except OSError as exc:
            return self._not_started(f"Cannot capture on port {self.port.value()}: {exc.strerror or exc}. "
                                     "Choose another port (0 picks a free one).")
        server.start()
        self.server = server
        self.count = self.errors = 0
        self.requests.clear()
        from datetime import datetime, timezone

        self._started_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        self.refresh_coverage()
        lines = [f"{name:<10} {url}" + (f"   → forwarded to {server.capture.forward_base(name)}" if forward else "")
                 for name, url in server.base_urls().items()]
        self.urls.setPlainText("\n".join(lines))
        self.copy.setEnabled(True)
        self.toggle.setText("Stop capturing")
        self.port.setEnabled(False)
        self.forward.setEnabled(False)
        from console.engine.capture import KEYS_NOTE, KEYS_NOTE_FORWARD

        how = f"forwarded to profile {forward}" if forward else "answered as the vendor answers"
        self.keys_note = KEYS_NOTE_FORWARD if forward else KEYS_NOTE
        self.status.setText(f"Capturing on {server.url}: requests are checked, kept in history (filter "
                            f"“Captured”) and {how}. {self.keys_note}")
        self.status.setAccessibleDescription(self.status.text())
        return True

    def _not_started(self, why: str) -> bool:
        self.status.setText(why)
        self.toggle.blockSignals(True)
        self.toggle.setChecked(False)
        self.toggle.blockSignals(False)
        return False

    def stop(self, wait: bool = False) -> None:
        """Stops capturing. Requests answered but not yet recorded (a burst) are recorded on a
        worker, the panel saying so meanwhile; with `wait` (the window closing), here."""
        draining, self._draining = self._draining, None
        if self.server is None:
            if draining is not None and wait:
                draining.close()
            return
        server, self.server = self.server, None
        server.stop_listening()
        self.urls.clear()
        self.copy.setEnabled(False)
        self.toggle.setText("Start capturing")
        self.toggle.blockSignals(True)
        self.toggle.setChecked(False)
        self.toggle.blockSignals(False)
        waiting = server.capture.waiting()
        if wait or not waiting:
            server.capture.close()
            self._stopped()
            return
        from console.ui.workers import run_in_background

        self._draining = server.capture
        self.toggle.setEnabled(False)
        self.status.setText(f"Stopping: recording the last {waiting} request(s) answered…")
        run_in_background(self, server.capture.close, lambda _r: self._stopped(), lambda _m: self._stopped())

    def _stopped(self) -> None:
        self._draining = None
        self.toggle.setEnabled(True)
        self.port.setEnabled(True)
        self.forward.setEnabled(True)
        with_errors = f", {self.errors} with errors" if self.errors else ""
        self.status.setText(f"Stopped: {self.count} request(s) captured{with_errors}.")

    def _on_captured(self, captured) -> None:
        from console.engine.capture import describe

        self.count += 1
        self.errors += bool(captured.errors)
        mark, colour = verdict(captured)
        item = QListWidgetItem(f"{mark}   {describe(captured)}")
        item.setData(ID_ROLE, captured.history_id)
        item.setForeground(QColor(colour))
        item.setToolTip("Enter or double-click opens it in the editor")
        self.requests.addItem(item)
        if self.requests.count() > LIST_LIMIT:
            self.requests.takeItem(0)
        self.requests.scrollToBottom()
        if self.plans is not None:
            self._coverage_timer.start()  # a burst of requests refreshes the checklist once
        if self.server is not None:
            with_errors = f", {self.errors} with errors" if self.errors else ""
            self.status.setText(f"Capturing on {self.server.url}: {self.count} request(s){with_errors}. "
                                f"{self.keys_note}")
            self.status.setAccessibleDescription(self.status.text())

    def _open(self, item) -> None:
        history_id = item.data(ID_ROLE) if item is not None else None
        if history_id:
            self.open_requested.emit(history_id)

    def refresh_coverage(self) -> None:
        """The live checklist: each event of the plan, ticked with how often this capture saw it."""
        self.checklist.setVisible(self.plans is not None and self.ctx is not None)
        if self.plans is None or self.ctx is None:
            return
        from console.engine.coverage import coverage

        report = coverage(self.ctx.history, self.plans, "capture", self._started_at or "9999")
        self.checklist.clear()
        # Seen first (the list fills from the top as events arrive), then the rest in plan order.
        for name, count in sorted(report["seen"].items(), key=lambda item: not item[1]):
            mark = "✔" if count else ("✖" if name in report["missing"] else "·")
            issues = report["issues"].get(name)
            self.checklist.addItem(f"{mark} {name}: seen {count} time(s)" + (f", {issues} issue(s)" if issues else ""))
        for name in report["unexpected"]:
            self.checklist.addItem(f"? {name}: not in the plan")
        seen = sum(1 for c in report["seen"].values() if c)
        self.checklist.setToolTip(f"{seen} of {len(report['seen'])} planned events seen")

