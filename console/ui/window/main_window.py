"""The main window's layout and wiring: pickers, payload (form and JSON), live issues and
preview, send/cancel, response, history. What it does is WindowController's
(console/ui/window/controller.py); every decision about vendors is the engine's."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
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
from console.ui.capture.panel import CapturePanel
from console.ui.history.panel import HistoryPanel
from console.ui.suites.panel import SuitesPanel
from console.ui.widgets.banner import banner
from console.ui.widgets.json_editor import JsonEditor
from console.ui.widgets.payload_form import PayloadForm
from console.ui.widgets.plan_control import PlanControl
from console.ui.widgets.response_view import ResponseView
from console.ui.widgets.spoken import SpokenLabel
from console.ui.widgets.theme import ENVIRONMENT_STYLES, is_dark, severity_colour
from console.ui.window.controller import WindowController
from console.ui.window.startup import splitter

FIRST_STEPS = ("First steps: 1. Send the example to the sandbox (Ctrl+Enter): nothing leaves this computer.  "
               "2. Read the answer on the right.  3. For a real account, open Profiles & keys (Ctrl+P).")


class MainWindow(QMainWindow):
    """The main window's layout; WindowController holds its state and behaviour."""

    def __init__(self, ctx, state=None, first_check=None):
        """`state`: the saved window state when the caller has read it already; `first_check`:
        the first check of the payload begun in a forked child (console.engine.first_check)."""
        super().__init__()
        # State and behaviour; this class lays out the widgets and wires them to it.
        self.controller = WindowController(self, ctx, state, first_check)
        self.setWindowTitle("Event Console")
        self._build()
        self.controller.restore()

    def __getattr__(self, name: str):
        """What the window does is the controller's (`window.send()`, `window.prepared`)."""
        try:
            controller = self.__dict__["controller"]
        except KeyError:
            raise AttributeError(name) from None
        return getattr(controller, name)

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.vendor = QComboBox()
        self.vendor.setAccessibleName("Vendor")
        for v in vendors().values():
            self.vendor.addItem(v.title, v.name)
        self.vendor.setMinimumContentsLength(8)
        self.operation = QComboBox()
        self.operation.setAccessibleName("Operation")
        self.operation.setMinimumContentsLength(14)
        self.operation.setMaximumWidth(380)
        self.profile = QComboBox()
        self.profile.setAccessibleName("Profile")
        self.profile.setMinimumContentsLength(8)
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
        menu.addSeparator()
        from console.core.snippets import LANGUAGES

        # Code for the backend's developers: the request as Python, Node.js or PHP (keys masked).
        self.copy_as_code_actions = {language: menu.addAction(f"Copy as {label}")
                                     for language, label in LANGUAGES.items()}
        self.copy_curl.setMenu(menu)
        for label, widget in (("Vendor", self.vendor), ("Operation", self.operation), ("Profile", self.profile)):
            text = QLabel(f"&{label}")
            text.setBuddy(widget)
            bar.addWidget(text)
            # The operation's list takes the room there is: its names are long.
            bar.addWidget(widget, 1 if widget is self.operation else 0)
        bar.addWidget(self.profiles_button)
        self.environment = SpokenLabel("Sandbox: nothing leaves this computer")
        self.environment.setAccessibleName("Environment")
        self.environment.setToolTip("Where Send goes with this profile")
        self.environment.setStyleSheet(ENVIRONMENT_STYLES["sandbox"])
        self.environment.setMaximumWidth(320)
        bar.addWidget(self.environment)
        bar.addStretch(1)
        outer.addLayout(bar)

        self.banners = QVBoxLayout()
        self.banners.setSpacing(2)
        self.first_steps = banner(FIRST_STEPS, "info", "First steps")
        self.sandbox_banner = banner("", "info", "Sandbox banner")
        self.keyring_banner = banner("", "warn", "Keyring banner")
        self.history_banner = banner("", "warn", "History banner")
        for b in (self.first_steps, self.sandbox_banner, self.keyring_banner, self.history_banner):
            b.setVisible(False)
            self.banners.addWidget(b)
        outer.addLayout(self.banners)

        self.summary = SpokenLabel("")
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
        self.tabs.setAccessibleName("Payload views")
        self.form = PayloadForm()
        self.form.setAccessibleName("Form")
        self.editor = JsonEditor()
        self.editor.setAccessibleName("Payload")
        self.tabs.addTab(self.form, "Form")
        self.tabs.addTab(self.editor, "JSON")
        corner = QWidget()
        corner_layout = QHBoxLayout(corner)
        corner_layout.setContentsMargins(0, 0, 0, 2)
        corner_layout.addWidget(self.curl_button)
        corner_layout.addWidget(self.cookie_button)
        self.tabs.setCornerWidget(corner)
        payload_layout.addWidget(self.tabs, 1)
        tools = QHBoxLayout()
        self.format_button = QPushButton("Format")
        self.format_button.setToolTip("Pretty-print the JSON (Ctrl+Shift+F)")
        self.compact_button = QPushButton("Compact")
        self.save_case_button = QPushButton("Save as case…")
        self.save_case_button.setAccessibleName("Save as case")
        self.save_case_button.setToolTip("Keep this payload as a suite case, with the last answer as its "
                                         "expectation (Ctrl+Shift+S)")
        self.example_button = QPushButton("Reset to example")
        self.example_button.setToolTip("Replace the payload with the operation's example (undo with Ctrl+Z in the JSON tab)")
        for b in (self.format_button, self.compact_button, self.example_button):
            tools.addWidget(b)
        tools.addStretch(1)
        tools.addWidget(self.save_case_button)
        payload_layout.addLayout(tools)
        left.addWidget(payload_box)
        self.issues = QListWidget()
        self.issues.setAccessibleName("Validation issues")
        self.issues.setWordWrap(True)
        issues_box = QWidget()
        issues_layout = QVBoxLayout(issues_box)
        issues_layout.setContentsMargins(0, 0, 0, 0)
        issues_layout.addWidget(self.issues, 1)
        self.plan = PlanControl()
        issues_layout.addWidget(self.plan)
        left.addWidget(issues_box)
        left.setSizes([600, 90])  # the form gets the room; the issues list scrolls
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
        self.busy_label = SpokenLabel("")
        self.busy_label.setAccessibleName("Send progress")
        send_row.addWidget(self.send_button)
        send_row.addWidget(self.cancel_button)
        send_row.addWidget(self.busy)
        send_row.addWidget(self.busy_label, 1)
        send_row.addWidget(self.send_anyway)
        send_row.addWidget(self.copy_curl)
        preview_layout.addLayout(send_row)
        right.addWidget(preview_box)
        self.response = ResponseView()
        right.addWidget(self.response)
        self.history = HistoryPanel()
        self.suites = SuitesPanel()
        # History, suites and capture share the bottom right: one shown at a time.
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setAccessibleName("History, suites and capture")
        self.bottom_tabs.addTab(self.history, "History")
        self.bottom_tabs.addTab(self.suites, "Suites")
        self.capture = CapturePanel()
        self.bottom_tabs.addTab(self.capture, "Capture")
        right.addWidget(self.bottom_tabs)
        # History gets a fair share of the height (its filters and buttons take ~150 px of it), and
        # most of what the window gains when it grows; the sizes are remembered once moved.
        right.setSizes([170, 210, 390])
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        right.setStretchFactor(2, 2)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 640])
        outer.addWidget(split, 1)
        self.setCentralWidget(central)
        self._menus()
        self.resize(*default_size(self.screen().availableGeometry() if self.screen() else None))

        self.vendor.currentIndexChanged.connect(self._vendor_changed)
        self.operation.currentIndexChanged.connect(self._operation_changed)
        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.editor.textChanged.connect(self._editor_changed)
        self.form.edited.connect(self._form_edited)
        self.form.field_error.connect(self._form_field_error)
        self.form.fix_requested.connect(self.apply_fix)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.format_button.clicked.connect(lambda: self.reformat(indent=2))
        self.compact_button.clicked.connect(lambda: self.reformat(indent=None))
        self.example_button.clicked.connect(self.reset_to_example)
        self.save_case_button.clicked.connect(self.save_as_case)
        self.suites.open_requested.connect(self.open_case)
        self.plan.open_requested.connect(self.choose_plan)
        self.plan.close_requested.connect(self.close_plan)
        self.suites.ran.connect(self.refresh_history_soon)
        self.capture.captured.connect(lambda _c: self.refresh_history_soon())
        self.capture.open_requested.connect(self.open_history_exchange)
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
        for language, action in self.copy_as_code_actions.items():
            action.triggered.connect(lambda _checked=False, lang=language: self.copy_as_code(lang))
        self.history.show_requested.connect(self.show_history_exchange)
        self.history.open_requested.connect(self.open_history_exchange)
        self.history.duplicate_requested.connect(lambda i: self.open_history_exchange(i, keep_profile=True))
        self.history.resend_requested.connect(self.resend_history_exchange)
        self.history.compare_requested.connect(self.compare_exchanges)
        self.history.status_message = lambda text: self.statusBar().showMessage(text, 8000)

    def _menus(self) -> None:
        """The menu bar's menus, empty until _shortcuts fills them after the first paint."""
        bar = self.menuBar()
        self.menus = {name: bar.addMenu(f"&{name}") for name in ("File", "Edit", "View", "Send", "History", "Help")}

    def _shortcuts(self) -> None:
        """Every action in the menu bar with its shortcut (made in start(), a few milliseconds
        after the first paint, off the start-up path); Help › Keyboard shortcuts lists them."""
        from PySide6.QtGui import QKeySequence

        self.actions_by_menu: dict[str, list[QAction]] = {}

        def add(menu: str, text: str, slot, keys=(), name: str | None = None) -> QAction:
            action = QAction(text, self)
            if keys:
                action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _checked=False: slot())
            self.menus[menu].addAction(action)
            self.actions_by_menu.setdefault(menu, []).append(action)
            return action

        history = self.history
        add("File", "Import cURL…", self.open_curl_import, ["Ctrl+I"])
        add("File", "Profiles && keys…", self.open_profiles, ["Ctrl+P"])
        add("File", "Save as case…", self.save_as_case, ["Ctrl+Shift+S"])
        from console.ui.dialogs import postman

        add("File", "Import Postman collection…", lambda: postman.import_postman(self))
        add("File", "Export suite as Postman collection…", lambda: postman.export_postman(self))
        add("File", "Import history…", history._import_dialog)
        for fmt, label in (("har", "HAR 1.2"), ("json", "JSON"), ("curl", "cURL commands"),
                           ("python", "a Python program"), ("node", "a Node.js program"), ("php", "a PHP program")):
            add("File", f"Export all history as {label}…", lambda f=fmt: history._export_dialog(f, everything=True))
        add("File", "Quit", self.close, ["Ctrl+Q"])
        add("Edit", "Format JSON", lambda: self.reformat(indent=2), ["Ctrl+Shift+F"])
        add("Edit", "Compact JSON", lambda: self.reformat(indent=None))
        add("Edit", "Reset to example", self.reset_to_example)
        add("Edit", "Apply quick fix", self.apply_fix, ["Ctrl+."])
        add("Edit", "Cookie helper…", self.open_cookie_helper, ["Ctrl+K"])
        add("Edit", "Copy as cURL", lambda: self.copy_as_curl(include_secrets=False), ["Ctrl+Shift+C"])
        add("Edit", "Copy as cURL with keys", lambda: self.copy_as_curl(include_secrets=True))
        from console.core.snippets import LANGUAGES

        for language, label in LANGUAGES.items():
            add("Edit", f"Copy as {label}", lambda lang=language: self.copy_as_code(lang))
        add("View", "Form", lambda: self.tabs.setCurrentIndex(0), ["Ctrl+1"])
        add("View", "JSON", lambda: (self.tabs.setCurrentIndex(1), self.editor.setFocus()), ["Ctrl+2"])
        add("View", "History", lambda: self.bottom_tabs.setCurrentWidget(self.history), ["Ctrl+3"])
        add("View", "Suites", lambda: self.bottom_tabs.setCurrentWidget(self.suites), ["Ctrl+4"])
        add("View", "Capture", lambda: self.bottom_tabs.setCurrentWidget(self.capture), ["Ctrl+5"])
        add("Send", "Send", lambda: self.send(force=False), ["Ctrl+Return", "Ctrl+Enter"])
        add("Send", "Send anyway (despite errors)", lambda: self.send(force=True),
            ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"])
        add("Send", "Cancel", self.cancel, ["Escape"])
        add("History", "Search history", lambda: (self.bottom_tabs.setCurrentWidget(history), history.search.setFocus()),
            ["Ctrl+F"])
        add("History", "Refresh", history.refresh, ["F5"])
        add("History", "Open in editor", history.open_button.click)
        add("History", "Resend", history.resend_button.click)
        add("History", "Undo delete", history.undo_delete)
        add("History", "Clear all…", lambda: history.clear_all(confirm=True))
        add("History", "Retention…", history._retention_dialog)
        add("Help", "Keyboard shortcuts", self.show_shortcuts, ["Ctrl+/"])
        add("Help", "About Event Console", self.show_about)

    def chain_tab_order(self) -> None:
        """Tab goes pickers → the payload (the form's fields, or the JSON) → Send → the
        response → history, whatever order the widgets were made in."""
        chain = [self.vendor, self.operation, self.profile, self.profiles_button, self.tabs.tabBar()]
        chain += self.form.focusable_fields() if self.tabs.currentIndex() == 0 else [self.editor]
        chain += [self.send_button, self.send_anyway, self.cancel_button, self.copy_curl, self.response.raw,
                  self.response.body, self.bottom_tabs.tabBar(), self.history.search, self.history.list]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def shortcut_sheet(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcut) for every menu action that has a shortcut."""
        from PySide6.QtGui import QKeySequence

        return [(menu, action.text().replace("&&", "&"),
                 ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()))
                for menu, actions in getattr(self, "actions_by_menu", {}).items() for action in actions
                if action.shortcuts()]

    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem

        rows = self.shortcut_sheet()
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(dialog)
        table = QTableWidget(len(rows), 3)
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Menu", "Action", "Shortcut"])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        self.shortcut_dialog = dialog
        dialog.open()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from console import __version__

        QMessageBox.about(self, "About Event Console",
                          f"Event Console {__version__}\nBuild, check, send and inspect server-side tracking "
                          "events for VibeTrace, myTracker, Octeth and Synerise. Keys stay in the OS keyring.")

    # -- current choice --------------------------------------------------------------------
    def _splitters(self) -> dict:
        return {"main": self.main_split, "left": self.left_split, "right": self.right_split}

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        controller = self.controller
        if not controller._started and not controller._start_scheduled:
            # The window paints first; the keyring, history, sandbox and schema validator
            # (each costs start-up time) are brought up right after.
            controller._start_scheduled = True
            QTimer.singleShot(0, controller.start)

    # -- payload ---------------------------------------------------------------------------
    # -- validation and preview ------------------------------------------------------------
    # -- sending ---------------------------------------------------------------------------
    # -- history ---------------------------------------------------------------------------
    # -- dialogs ---------------------------------------------------------------------------
    # -- state -----------------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        """The system switched light/dark while running: banners, colours of the JSON and of
        "Send anyway" follow (the issue list and history recolour on their next update)."""
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and "send_anyway" in self.__dict__:
            dark = is_dark(self.palette())
            for notice in (self.sandbox_banner, self.keyring_banner, self.history_banner):
                notice.restyle()
            self.send_anyway.setStyleSheet(f"color: {severity_colour('error', dark)}")
            if self.editor.highlighter is not None:
                self.editor.highlighter.set_dark(dark)

    def closeEvent(self, event) -> None:
        self.controller.close()
        super().closeEvent(event)




def default_size(available) -> tuple[int, int]:
    """The window's first size: 1280×860, or 95% of the screen's free area on a smaller screen
    (a 1366×768 laptop), never below what the layout needs (1000×640)."""
    if available is None:
        return 1280, 860
    width = max(1000, min(1280, int(available.width() * 0.95)))
    height = max(640, min(860, int(available.height() * 0.95)))
    return width, height
