"""The main window: pickers, payload (form and JSON), live issues and preview, send/cancel,
response, history. Thin: every decision is the core's (pipeline.prepare / pipeline.send)."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QColor, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.definitions import vendors
from console.core.document import PayloadDocument
from console.core.profiles import SANDBOX
from console.core.window_state import WindowState, load_state, redact_draft, save_state
from console.ui.history.panel import HistoryPanel
from console.ui.widgets.banner import banner
from console.ui.widgets.json_editor import JsonEditor
from console.ui.widgets.payload_form import PayloadForm
from console.ui.widgets.response_view import ResponseView
from console.ui.widgets.theme import is_dark, severity_colour
from console.ui.window.startup import splitter

VALIDATE_DELAY_MS = 250
SAVE_DELAY_MS = 1500


class MainWindow(QMainWindow):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.state: WindowState = load_state(ctx.home)
        self.drafts: dict[str, str] = dict(self.state.drafts)
        self.prepared = None  # pipeline.Prepared of the current payload
        self.job = None
        self._sent_at = 0.0
        self._closed = False
        self._started = False
        self._start_scheduled = False
        self._loading = False
        self._form_dirty = True
        # The one payload document both views show (console.core.document).
        self.document = PayloadDocument()
        self.setWindowTitle("Event Console")
        self.sender = None  # made in start(): the worker pool is not needed for the first paint
        self._build()
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_DELAY_MS)
        self._validate_timer.timeout.connect(self.validate_now)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._history_timer = QTimer(self, singleShot=True, interval=100)
        self._history_timer.timeout.connect(lambda: self.history.refresh())
        self._busy_timer = QTimer(self, interval=100)
        self._busy_timer.timeout.connect(self._tick)
        self._restore()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.vendor = QComboBox()
        self.vendor.setAccessibleName("Vendor")
        for v in vendors().values():
            self.vendor.addItem(v.title, v.name)
        self.vendor.setMinimumContentsLength(10)
        self.operation = QComboBox()
        self.operation.setAccessibleName("Operation")
        self.operation.setMinimumContentsLength(16)
        self.profile = QComboBox()
        self.profile.setAccessibleName("Profile")
        self.profile.setMinimumContentsLength(10)
        for combo in (self.vendor, self.operation, self.profile):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profiles_button = QPushButton("Profiles && keys…")
        self.profiles_button.setToolTip("Add or edit profiles, store keys in the OS keyring (Ctrl+P)")
        self.cookie_button = QPushButton("Cookie helper")
        self.cookie_button.setAccessibleName("Cookie helper")
        self.cookie_button.setToolTip("Read a _vt_user cookie (Ctrl+K)")
        self.curl_button = QPushButton("Import cURL")
        self.curl_button.setAccessibleName("Import cURL")
        self.curl_button.setToolTip("Fill everything from a pasted cURL command (Ctrl+I)")
        self.copy_curl = QToolButton()
        self.copy_curl.setText("Copy as cURL")
        self.copy_curl.setAccessibleName("Copy as cURL")
        self.copy_curl.setToolTip("Copy the request as a cURL command, keys masked (Ctrl+Shift+C)")
        self.copy_curl.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.copy_curl)
        self.copy_with_secrets = QAction("Copy as cURL with keys (not masked)", self)
        menu.addAction(self.copy_with_secrets)
        self.copy_curl.setMenu(menu)
        for label, widget in (("Vendor", self.vendor), ("Operation", self.operation), ("Profile", self.profile)):
            text = QLabel(f"&{label}")
            text.setBuddy(widget)
            bar.addWidget(text)
            bar.addWidget(widget)
        bar.addWidget(self.profiles_button)
        bar.addStretch(1)
        bar.addWidget(self.cookie_button)
        bar.addWidget(self.curl_button)
        bar.addWidget(self.copy_curl)
        outer.addLayout(bar)

        self.banners = QVBoxLayout()
        self.sandbox_banner = banner("", "info")
        self.sandbox_banner.setAccessibleName("Sandbox banner")
        self.keyring_banner = banner("", "warn")
        self.keyring_banner.setAccessibleName("Keyring banner")
        self.history_banner = banner("", "warn")
        for b in (self.sandbox_banner, self.keyring_banner, self.history_banner):
            b.setVisible(False)
            self.banners.addWidget(b)
        outer.addLayout(self.banners)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(placeholder-text)")
        outer.addWidget(self.summary)

        split = splitter(vertical=False)
        self.main_split = split
        # Left: payload and issues.
        left = splitter(vertical=True)
        self.left_split = left
        payload_box = QWidget()
        payload_layout = QVBoxLayout(payload_box)
        payload_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.form = PayloadForm()
        self.form.setAccessibleName("Form")
        self.editor = JsonEditor()
        self.editor.setAccessibleName("Payload")
        self.tabs.addTab(self.form, "Form")
        self.tabs.addTab(self.editor, "JSON")
        payload_layout.addWidget(self.tabs, 1)
        tools = QHBoxLayout()
        self.format_button = QPushButton("Format")
        self.format_button.setToolTip("Pretty-print the JSON (Ctrl+Shift+F)")
        self.compact_button = QPushButton("Compact")
        self.example_button = QPushButton("Reset to example")
        self.example_button.setToolTip("Replace the payload with the operation's example (undo with Ctrl+Z in the JSON tab)")
        for b in (self.format_button, self.compact_button, self.example_button):
            tools.addWidget(b)
        tools.addStretch(1)
        payload_layout.addLayout(tools)
        left.addWidget(payload_box)
        self.issues = QListWidget()
        self.issues.setAccessibleName("Validation issues")
        self.issues.setWordWrap(True)
        left.addWidget(self.issues)
        left.setSizes([520, 180])
        split.addWidget(left)

        # Right: preview, send, response, history.
        right = splitter(vertical=True)
        self.right_split = right
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("Request preview (keys masked)"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Request preview")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        preview_layout.addWidget(self.preview, 1)
        send_row = QHBoxLayout()
        self.send_button = QPushButton("Send")
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.send_anyway = QPushButton("Send anyway")
        self.send_anyway.setToolTip("Send despite the errors, to see the vendor's own answer (Ctrl+Shift+Enter)")
        self.send_anyway.setStyleSheet(f"color: {severity_colour('error', is_dark(self.palette()))}")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setToolTip("Stop waiting for the answer (Esc)")
        self.cancel_button.setEnabled(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.busy_label = QLabel("")
        self.busy_label.setAccessibleName("Send progress")
        send_row.addWidget(self.send_button)
        send_row.addWidget(self.cancel_button)
        send_row.addWidget(self.busy)
        send_row.addWidget(self.busy_label, 1)
        send_row.addWidget(self.send_anyway)
        preview_layout.addLayout(send_row)
        right.addWidget(preview_box)
        self.response = ResponseView()
        right.addWidget(self.response)
        self.history = HistoryPanel()
        right.addWidget(self.history)
        right.setSizes([220, 320, 220])
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 640])
        outer.addWidget(split, 1)
        self.setCentralWidget(central)
        self.resize(1280, 860)

        self.vendor.currentIndexChanged.connect(self._vendor_changed)
        self.operation.currentIndexChanged.connect(self._operation_changed)
        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.editor.textChanged.connect(self._editor_changed)
        self.form.edited.connect(self._form_edited)
        self.form.field_error.connect(self._form_field_error)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.format_button.clicked.connect(lambda: self.reformat(indent=2))
        self.compact_button.clicked.connect(lambda: self.reformat(indent=None))
        self.example_button.clicked.connect(self.reset_to_example)
        self.issues.itemActivated.connect(self._issue_clicked)
        self.issues.itemClicked.connect(self._issue_clicked)
        self.send_button.clicked.connect(lambda: self.send(force=False))
        self.send_anyway.clicked.connect(lambda: self.send(force=True))
        self.cancel_button.clicked.connect(self.cancel)
        self.profiles_button.clicked.connect(self.open_profiles)
        self.cookie_button.clicked.connect(self.open_cookie_helper)
        self.curl_button.clicked.connect(self.open_curl_import)
        self.copy_curl.clicked.connect(lambda: self.copy_as_curl(include_secrets=False))
        self.copy_with_secrets.triggered.connect(lambda: self.copy_as_curl(include_secrets=True))
        self.history.show_requested.connect(self.show_history_exchange)
        self.history.open_requested.connect(self.open_history_exchange)
        self.history.duplicate_requested.connect(lambda i: self.open_history_exchange(i, keep_profile=True))
        self.history.resend_requested.connect(self.resend_history_exchange)
        self.history.compare_requested.connect(self.compare_exchanges)
        self.history.status_message = lambda text: self.statusBar().showMessage(text, 8000)

    def _shortcuts(self) -> None:
        # Bound in start(), a few milliseconds after the first paint, off the start-up path.
        from PySide6.QtGui import QKeySequence, QShortcut

        def bind(keys, slot):
            for key in keys:
                QShortcut(QKeySequence(key), self, activated=slot)

        bind(["Ctrl+Return", "Ctrl+Enter"], lambda: self.send(force=False))
        bind(["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], lambda: self.send(force=True))
        bind(["Escape"], self.cancel)
        bind(["Ctrl+Shift+F"], lambda: self.reformat(indent=2))
        bind(["Ctrl+I"], self.open_curl_import)
        bind(["Ctrl+K"], self.open_cookie_helper)
        bind(["Ctrl+P"], self.open_profiles)
        bind(["Ctrl+Shift+C"], lambda: self.copy_as_curl(include_secrets=False))
        bind(["Ctrl+F"], lambda: self.history.search.setFocus())
        bind(["Ctrl+1"], lambda: self.tabs.setCurrentIndex(0))
        bind(["Ctrl+2"], lambda: (self.tabs.setCurrentIndex(1), self.editor.setFocus()))
        bind(["F5"], self.history.refresh)

    # -- current choice --------------------------------------------------------------------
    def _splitters(self) -> dict:
        return {"main": self.main_split, "left": self.left_split, "right": self.right_split}

    def ctx_vendor(self, name: str):
        return vendors()[name]

    @property
    def vendor_def(self):
        return vendors()[self.vendor.currentData()]

    @property
    def op_def(self):
        return self.vendor_def.operations[self.operation.currentData()]

    @property
    def draft_key(self) -> str:
        return f"{self.vendor.currentData()}/{self.operation.currentData()}"

    def _restore(self) -> None:
        state = self.state
        if state.geometry:
            self.restoreGeometry(QByteArray.fromBase64(state.geometry.encode()))
        for name, split in self._splitters().items():
            if state.splitters.get(name):
                split.restoreState(QByteArray.fromBase64(state.splitters[name].encode()))
        index = self.vendor.findData(state.vendor) if state.vendor in vendors() else 0
        self.vendor.setCurrentIndex(max(0, index))
        self._vendor_changed()
        if state.operation:
            op_index = self.operation.findData(state.operation)
            if op_index >= 0:
                self.operation.setCurrentIndex(op_index)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._started and not self._start_scheduled:
            # The window paints first; the keyring, history, sandbox and schema validator
            # (each costs start-up time) are brought up right after.
            self._start_scheduled = True
            QTimer.singleShot(0, self.start)

    def start(self) -> None:
        """Brings up what the first paint does not need. Idempotent; tests may call it."""
        if self._started:
            return
        self._started = True
        from console.ui.window.sending import Sender

        self._shortcuts()
        self.editor.decorate()
        self.sender = Sender(self.ctx, self)
        self.sender.finished.connect(self._finished)
        self.history.set_store(self.ctx.history)
        self.history.apply_retention()
        self._retention_applied = time.monotonic()
        if not self.ctx.secrets.available:
            self.keyring_banner.setText(self.ctx.secrets.problem or "No keyring")
            self.keyring_banner.setVisible(True)
        if self.ctx.history.message:
            self.history_banner.setText(self.ctx.history.message)
            self.history_banner.setVisible(True)
        self._update_sandbox_banner()
        self.validate_now()
        from console.ui.workers import run_in_background

        run_in_background(self, lambda: _warm_up(self.ctx), lambda _result: _freeze_startup_objects())

    def _vendor_changed(self, *_):
        vendor = self.vendor_def
        self._store_draft()
        self._loading = True
        self.operation.blockSignals(True)
        self.operation.clear()
        for op in vendor.operations.values():
            self.operation.addItem(f"{op.title} ({op.name})", op.name)
        self.operation.blockSignals(False)
        self._fill_profiles(self.state.profiles.get(vendor.name, SANDBOX))
        self._loading = False
        self._operation_changed()

    def _fill_profiles(self, select: str) -> None:
        names = self.ctx.profiles.names(self.vendor.currentData())
        self.profile.blockSignals(True)
        self.profile.clear()
        self.profile.addItems(names)
        self.profile.setCurrentIndex(names.index(select) if select in names else 0)
        self.profile.blockSignals(False)
        self._update_sandbox_banner()

    def _operation_changed(self, *_):
        if self._loading or self.operation.currentData() is None:
            return
        self._store_draft()
        op = self.op_def
        self.response.follow_operation(self.draft_key)
        self.summary.setText(f"{op.summary}  —  {op.request.method} {{base_url}}{op.request.path}")
        self.form.set_schema(op.schema, self.vendor_def.defs, op.example)
        self._current_key = self.draft_key
        text = self.drafts.get(self.draft_key) or json.dumps(op.example, indent=2, ensure_ascii=False)
        self._set_editor_text(text, reset_undo=True)
        self._schedule_save()

    def _profile_changed(self, *_):
        self.state.profiles[self.vendor.currentData()] = self.profile.currentText()
        self._update_sandbox_banner()
        self.validate_now()
        from console.ui.workers import run_in_background

        run_in_background(self, lambda: _warm_up(self.ctx), lambda _result: None)
        self._schedule_save()

    def _update_sandbox_banner(self) -> None:
        if not self._started:
            return
        sandbox = self.profile.currentText() == SANDBOX
        if sandbox:
            self.sandbox_banner.setText(
                "Sandbox profile: requests go to the built-in sandbox on this computer "
                f"({self.ctx.sandbox_url()}/{self.vendor.currentData()}); nothing leaves it. "
                "Add a profile for a real account with “Profiles & keys…”.")
        self.sandbox_banner.setVisible(sandbox)

    # -- payload ---------------------------------------------------------------------------
    def _set_editor_text(self, text: str, reset_undo: bool = False) -> None:
        self.editor.blockSignals(True)
        if reset_undo:
            self.editor.setPlainText(text)
        else:
            self.editor.replace_all(text)
        self.editor.blockSignals(False)
        self._form_dirty = True
        self._editor_changed(from_form=False, immediate=True)

    def _store_draft(self) -> None:
        key = getattr(self, "_current_key", None)
        if key:
            self.drafts[key] = self.editor.toPlainText()

    def _editor_changed(self, from_form: bool = False, immediate: bool = False) -> None:
        if not from_form:
            self._form_dirty = True
            self.document.set_text(self.editor.toPlainText())
            if self.document.parses:
                self.document.field_errors.clear()  # the form is rebuilt from the new text
            if self.tabs.currentIndex() == 0:
                self._sync_form()
        self.drafts[self.draft_key] = self.editor.toPlainText()
        if immediate:
            self.validate_now()
        else:
            self._validate_timer.start()
        self._schedule_save()

    def _form_edited(self, path: list, value) -> None:
        from console.core.document import DocumentNotEditable

        try:
            text = self.document.set_at(path, value)  # on the current text's value, never a stale copy
        except (DocumentNotEditable, KeyError, IndexError, TypeError):
            self._form_dirty = True
            self._sync_form()  # the form was out of step: show the document as it is
            return
        self.editor.blockSignals(True)
        self.editor.replace_all(text)
        self.editor.blockSignals(False)
        self._editor_changed(from_form=True)

    def _form_field_error(self, path: list, message) -> None:
        self.document.set_field_error(path, message)
        self._validate_timer.start()

    def _tab_changed(self, index: int) -> None:
        if index == 0:
            self._sync_form()

    def _sync_form(self) -> None:
        """Shows the document in the form: its fields, or why there are none."""
        if not self._form_dirty and self.form.available == self.document.parses:
            return
        if self.document.parses:
            self.form.set_document(self.document.value)
            if self.prepared is not None:
                self.form.mark(self.prepared.issues)
        else:
            self.form.set_unavailable(self.document.error_message())
        self._form_dirty = False

    def reformat(self, indent: int | None) -> None:
        try:
            document = json.loads(self.editor.toPlainText())
        except ValueError:
            self.tabs.setCurrentIndex(1)
            return
        text = json.dumps(document, indent=indent, ensure_ascii=False,
                          separators=None if indent else (",", ":"))
        self.editor.replace_all(text)

    def reset_to_example(self) -> None:
        self.editor.replace_all(json.dumps(self.op_def.example, indent=2, ensure_ascii=False))

    # -- validation and preview ------------------------------------------------------------
    def validate_now(self) -> None:
        """Parses the JSON, runs the core's validation and shows issues and the preview."""
        self._validate_timer.stop()
        if not self._started:
            self._update_buttons()
            return
        from PySide6.QtCore import Qt  # not at import: see console.ui.window.startup

        self.issues.clear()
        dark = is_dark(self.palette())
        document = self.document
        if document.text != self.editor.toPlainText():
            document.set_text(self.editor.toPlainText())
        if not document.parses:
            line, column = document.error_position()
            self.prepared = None
            self.editor.mark_error(line)
            item = QListWidgetItem(f"error  {document.error_message()} Nothing can be sent until the JSON is valid.")
            item.setData(Qt.ItemDataRole.UserRole, ("line", line, column))
            item.setForeground(QColor(severity_colour("error", dark)))
            self.issues.addItem(item)
            self.preview.setPlainText("(no request: the payload is not valid JSON)")
            if self.tabs.currentIndex() == 0:
                self._sync_form()
            self._update_buttons()
            return
        self.editor.mark_error(None)
        if self.tabs.currentIndex() == 0:
            self._sync_form()
        from dataclasses import replace

        from console.engine import pipeline

        draft = pipeline.Draft(self.vendor.currentData(), self.operation.currentData(),
                               self.profile.currentText() or SANDBOX, document.value)
        try:
            self.prepared = pipeline.prepare(self.ctx, draft)
        except Exception as exc:  # e.g. an unreadable profiles file: say it, keep the window alive
            self.prepared = None
            self.issues.addItem(f"error  {exc}")
            self._update_buttons()
            return
        if document.field_errors:  # a form field whose own JSON does not parse blocks the send
            self.prepared = replace(self.prepared, issues=tuple(document.field_issues()) + self.prepared.issues)
        self.form.mark(self.prepared.issues)
        for issue in self.prepared.issues:
            where = issue.path or "payload"
            item = QListWidgetItem(f"{issue.severity:<7}  {where}: {issue.message}")
            item.setData(Qt.ItemDataRole.UserRole, ("path", issue.path, issue))
            item.setForeground(QColor(severity_colour(issue.severity, dark)))
            item.setToolTip(issue.message)
            self.issues.addItem(item)
        if not self.prepared.issues:
            self.issues.addItem("No issues: the payload follows every documented rule.")
        from console.core.exchange import preview_text

        self.preview.setPlainText(preview_text(self.prepared.preview()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        if not hasattr(self, "_busy_timer"):
            return
        busy = self.job is not None
        prepared = self.prepared
        sendable = prepared is not None and not prepared.missing
        self.send_button.setEnabled(not busy and sendable and prepared.can_send)
        self.send_anyway.setEnabled(not busy and sendable and not prepared.can_send)
        self.send_anyway.setVisible(prepared is None or not prepared.can_send)
        self.cancel_button.setEnabled(busy)
        self.copy_curl.setEnabled(prepared is not None)

    def _issue_clicked(self, item: QListWidgetItem) -> None:
        from PySide6.QtCore import Qt

        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        if data[0] == "line":
            self.tabs.setCurrentIndex(1)
            self.editor.go_to(data[1], data[2])
            return
        path, issue = data[1], data[2]
        if issue.ref is not None:
            # A warning found in history: show the earlier exchange it talks about.
            self.show_history_exchange(issue.ref)
            self.history.select_ids([issue.ref])
        if path.startswith(("settings/", "secrets/")):
            self.open_profiles()
            return
        if self.tabs.currentIndex() == 0 and self.form.reveal(path) is not None:
            return
        self.tabs.setCurrentIndex(1)
        position = self.document.position(path)
        if position is not None:
            self.editor.go_to(*position)
            self.editor.centerCursor()

    # -- sending ---------------------------------------------------------------------------
    def send(self, force: bool = False) -> None:
        if self.job is not None:
            return
        if self._validate_timer.isActive() or self.prepared is None:
            self.validate_now()  # an edit is waiting for its check: check it now
        prepared = self.prepared
        if prepared is None or prepared.missing or (prepared.errors and not force):
            return
        self.job = self.sender.start(prepared, force)
        self._sent_at = time.monotonic()
        self.busy.setVisible(True)
        self.busy_label.setText("Sending…")
        self._busy_timer.start()
        self.response.clear("Waiting for the answer…")
        self._update_buttons()

    def cancel(self) -> None:
        if self.job is None:
            return
        self.sender.cancel(self.job)
        self.job = None
        self._idle()
        self.response.clear("Cancelled")
        self.busy_label.setText("Cancelled: a late answer will be kept in history, marked cancelled.")

    def _tick(self) -> None:
        self.busy_label.setText(f"Sending… {time.monotonic() - self._sent_at:.1f} s")

    def _idle(self) -> None:
        self._busy_timer.stop()
        self.busy.setVisible(False)
        self.busy_label.setText("")
        self._update_buttons()

    def _finished(self, result) -> None:
        from PySide6.QtWidgets import QMessageBox

        if self._closed:
            return
        # Many answers can land together: reload the history list once for all of them.
        self._history_timer.start()
        if result.job is not self.job:
            return  # cancelled or superseded: it is in history, not the current response
        self.job = None
        self._idle()
        if result.error:
            self.response.clear("Error")
            QMessageBox.warning(self, "Send failed", f"The send could not be completed:\n{result.error}")
            return
        outcome = result.outcome
        if outcome.record_error:  # sent, but its answer could not be written to history
            self.history_banner.setText(outcome.record_error)
            self.history_banner.setVisible(True)
        self.response.show_exchange(outcome.exchange, result.body, outcome.explanation)
        prepared = result.job.prepared
        self._label_response(f"{prepared.vendor.name}/{prepared.op.name}", outcome.history_id,
                             outcome.exchange.started_at, prepared.draft.profile)
        if outcome.history_id is not None:
            self.response.show_details(self.ctx.history.details(outcome.history_id))
        self.validate_now()  # history may change warnings (a repeated orderId)
        if time.monotonic() - getattr(self, "_retention_applied", 0) > 60:
            self._retention_applied = time.monotonic()
            self.history.apply_retention()

    # -- history ---------------------------------------------------------------------------
    def show_history_exchange(self, exchange_id: int) -> None:
        row = self.ctx.history.get(exchange_id)
        if row is None:
            return
        from console.ui.widgets.rendering import render_body
        from console.ui.workers import run_in_background

        exchange = row.to_exchange()

        def done(rendered):
            from console.engine.actions import explain

            explanation = explain(row.vendor, row.operation, exchange.response)
            self.response.show_exchange(exchange, rendered, explanation, cancelled=row.outcome == "cancelled")
            self.response.show_details(row)
            self._label_response(f"{row.vendor}/{row.operation}", row.id, row.time, row.profile)

        run_in_background(self, lambda: render_body(exchange.response), done,
                          lambda message: self.response.clear(f"Could not show #{exchange_id}: {message}"))

    def _label_response(self, key: str, history_id: int | None, time_text: str, profile: str) -> None:
        when = time_text[11:19] + " UTC" if len(time_text) >= 19 else time_text
        number = f" — history #{history_id}" if history_id is not None else ""
        self.response.set_about(key, f"Answer to {key} [{profile}]{number}, sent {when}")
        self.response.follow_operation(self.draft_key)

    def resend_history_exchange(self, exchange_id: int) -> None:
        """Sends a recorded exchange again as it was (console.engine.actions.resend)."""
        from PySide6.QtWidgets import QMessageBox

        from console.engine.actions import ActionError, resend

        if self.job is not None:
            return
        try:
            prepared = resend(self.ctx, exchange_id)
        except ActionError as exc:
            QMessageBox.warning(self, "Resend", str(exc))
            return
        self.job = self.sender.start(prepared, force=True)
        self._sent_at = time.monotonic()
        self.busy.setVisible(True)
        self._busy_timer.start()
        self.response.clear(f"Resending #{exchange_id}…")
        self._update_buttons()

    def compare_exchanges(self, first: int, second: int) -> None:
        from console.ui.history.compare import CompareDialog

        a, b = self.ctx.history.get(first), self.ctx.history.get(second)
        if a is None or b is None:
            return
        self._compare_dialog = CompareDialog(a, b, self)
        self._compare_dialog.open()

    def open_history_exchange(self, exchange_id: int, keep_profile: bool = False) -> None:
        """Loads an exchange's vendor, operation, payload and (unless `keep_profile`, as
        "Duplicate" does, to send the same payload elsewhere) its profile into the editor."""
        from console.engine.actions import ActionError, draft_from_history

        row = self.ctx.history.get(exchange_id)
        if row is None:
            return
        profile = self.profile.currentText() if keep_profile else None
        try:
            draft = draft_from_history(self.ctx, row, profile)
        except ActionError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self.vendor.setCurrentIndex(self.vendor.findData(draft.vendor))
        self.operation.setCurrentIndex(self.operation.findData(draft.operation))
        if self.profile.findText(draft.profile) >= 0:
            self.profile.setCurrentText(draft.profile)
        self.editor.replace_all(json.dumps(draft.payload, indent=2, ensure_ascii=False))
        self.tabs.setCurrentIndex(1)

    # -- dialogs ---------------------------------------------------------------------------
    def open_profiles(self) -> None:
        from console.ui.dialogs.profiles import ProfilesDialog

        dialog = ProfilesDialog(self.ctx, self.vendor_def, self.profile.currentText(), self)
        dialog.exec()
        self._fill_profiles(dialog.profile)
        self.state.profiles[self.vendor.currentData()] = self.profile.currentText()
        self.validate_now()

    def open_cookie_helper(self) -> None:
        from console.ui.dialogs.cookie import CookieDialog

        can_use = (self.vendor.currentData(), self.operation.currentData()) == ("vibetrace", "track")
        dialog = CookieDialog(can_use, self)
        dialog.use.connect(self.use_cookie)
        self._cookie_dialog = dialog
        dialog.open()

    def use_cookie(self, user) -> None:
        from console.engine.actions import put_cookie_in_payload

        events = put_cookie_in_payload(self.document.value, user)
        self.editor.replace_all(json.dumps(events, indent=2, ensure_ascii=False))

    def open_curl_import(self) -> None:
        from console.ui.dialogs.curl import CurlDialog

        dialog = CurlDialog(self.ctx.secrets.available, self)
        dialog.accepted.connect(lambda: self.apply_curl_import(dialog.result, dialog.profile.text().strip(),
                                                               dialog.store.isChecked()))
        self._curl_dialog = dialog
        dialog.open()

    def apply_curl_import(self, imported, profile: str, store_secrets: bool) -> None:
        from PySide6.QtWidgets import QMessageBox

        from console.core.profiles import ProfileError
        from console.engine.actions import ActionError, apply_curl_import

        if imported is None:
            return
        try:
            applied = apply_curl_import(self.ctx, imported, profile, store_secrets)
        except (ActionError, ProfileError) as exc:
            QMessageBox.warning(self, "Import cURL", str(exc))
            return
        self.state.profiles[applied.vendor] = applied.profile
        self.vendor.setCurrentIndex(self.vendor.findData(applied.vendor))
        self._fill_profiles(applied.profile)
        self.operation.setCurrentIndex(self.operation.findData(applied.operation))
        self.editor.replace_all(applied.payload_text)
        self.validate_now()

    def copy_as_curl(self, include_secrets: bool = False) -> str:
        if self.prepared is None:
            return ""
        from console.core.curl import to_curl

        spec = self.prepared.spec if include_secrets else self.prepared.preview()
        text = to_curl(spec)
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Copied as cURL" + (" WITH keys — handle with care" if include_secrets
                                                          else " (keys masked)"), 5000)
        return text

    # -- state -----------------------------------------------------------------------------
    def _schedule_save(self) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        self._store_draft()
        secrets = []
        if self.prepared is not None:
            secrets = [s for s in self.prepared.spec.secrets if s]
        drafts = {}
        for key, text in self.drafts.items():
            vendor, _, op = key.partition("/")
            example = vendors().get(vendor) and vendors()[vendor].operations.get(op)
            if example is not None and _same_json(text, example.example):
                continue  # an untouched example is not a draft
            drafts[key] = redact_draft(vendor, text, secrets)
        self.state.drafts = drafts
        self.state.geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.state.splitters = {name: bytes(split.saveState().toBase64()).decode()
                                for name, split in self._splitters().items()}
        self.state.vendor = self.vendor.currentData() or ""
        self.state.operation = self.operation.currentData() or ""
        try:
            save_state(self.ctx.home, self.state)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save the window state: {exc}", 8000)

    def closeEvent(self, event) -> None:
        if self._closed:
            return super().closeEvent(event)
        self.save_state()
        if self.job is not None:
            self.sender.cancel(self.job)
        self._closed = True
        for timer in (self._validate_timer, self._save_timer, self._busy_timer, self._history_timer):
            timer.stop()
        self.history.detach()
        # Let a late answer land in history (marked cancelled) before the database closes.
        if self.sender is not None:
            self.sender.wait(3000)
        self.ctx.close()
        super().closeEvent(event)


def _warm_up(ctx) -> None:
    """Start-up work that would otherwise hold up the first send: import the HTTP library
    (its C parts hold the GIL while they load) and compile every operation's schema."""
    from console.core.validation import check_schema

    ctx.transport  # noqa: B018 - builds the one requests.Session

    for vendor in vendors().values():
        for op in vendor.operations.values():
            check_schema(vendor.name, op.name)


def _freeze_startup_objects() -> None:
    """Moves everything start-up made out of the garbage collector's reach: later full
    collections then walk only what the session creates, and stay short (no GUI hiccups)."""
    import gc

    gc.collect()
    gc.freeze()


def _same_json(text: str, value) -> bool:
    try:
        return json.loads(text) == value
    except ValueError:
        return False
