"""The main window's layout and wiring: pickers, payload (form and JSON), live issues and
preview, send/cancel, response, history. What it does is WindowController's and its parts'
(console/ui/window/controller.py); every decision about vendors is the engine's."""

from __future__ import annotations

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

    def __init__(self, ctx, state=None):
        """`state`: the saved window state when the caller has read it already."""
        super().__init__()
        self.ctx = ctx
        # No check in the window compiles a fast validator (its compile() would hold the GUI
        # thread up): the window's checks use jsonschema, and capture's compiled ones.
        from console.core.schema_fast_path import compile_on_demand

        compile_on_demand(False)
        # State and behaviour; this class lays out the widgets and wires them to it.
        self.controller = WindowController(self, ctx, state)
        self.setWindowTitle("Event Console")
        self._build()
        self._wire()
        self.controller.restore()

    # -- what users (menus, shortcuts) and tests ask of the window ---------------------------
    def validate_now(self) -> None:
        """Checks the payload now (an edit is otherwise checked 250 ms after typing stops)."""
        self.controller.payload.validate_now()

    def send(self, force: bool = False) -> None:
        """Send (or, with `force`, Send anyway despite errors)."""
        self.controller.sending.send(force)

    def cancel(self) -> None:
        self.controller.sending.cancel()

    def apply_fix(self, fix=None) -> bool:
        return self.controller.payload.apply_fix(fix)

    def fill_profiles(self, select: str) -> None:
        self.controller.fill_profiles(select)

    def save_state(self) -> None:
        self.controller.save_state()

    def copy_as_curl(self, include_secrets: bool = False) -> str:
        return self.controller.actions.copy_as_curl(include_secrets)

    def copy_as_code(self, language: str) -> str:
        return self.controller.actions.copy_as_code(language)

    def open_profiles(self) -> None:
        self.controller.actions.open_profiles()

    def open_cookie_helper(self) -> None:
        self.controller.actions.open_cookie_helper()

    def open_curl_import(self) -> None:
        self.controller.actions.open_curl_import()

    def save_as_case(self) -> None:
        self.controller.actions.save_as_case()

    def show_history_exchange(self, exchange_id: int) -> None:
        self.controller.actions.show_history_exchange(exchange_id)

    def open_history_exchange(self, exchange_id: int, keep_profile: bool = False) -> None:
        self.controller.actions.open_history_exchange(exchange_id, keep_profile)

    def resend_history_exchange(self, exchange_id: int) -> None:
        self.controller.sending.resend(exchange_id)

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
        for button in (self.format_button, self.compact_button, self.example_button):
            tools.addWidget(button)
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


    def _wire(self) -> None:
        """Each widget's signal to the part of the controller that acts on it."""
        c = self.controller
        payload, actions = c.payload, c.actions
        self.vendor.currentIndexChanged.connect(c.vendor_changed)
        self.operation.currentIndexChanged.connect(c.operation_changed)
        self.profile.currentIndexChanged.connect(c.profile_changed)
        self.editor.textChanged.connect(payload.editor_changed)
        self.form.edited.connect(payload.form_edited)
        self.form.field_error.connect(payload.form_field_error)
        self.form.fix_requested.connect(payload.apply_fix)
        self.tabs.currentChanged.connect(payload.tab_changed)
        self.format_button.clicked.connect(lambda: payload.reformat(indent=2))
        self.compact_button.clicked.connect(lambda: payload.reformat(indent=None))
        self.example_button.clicked.connect(payload.reset_to_example)
        self.save_case_button.clicked.connect(actions.save_as_case)
        self.suites.open_requested.connect(actions.open_case)
        self.plan.open_requested.connect(actions.choose_plan)
        self.plan.close_requested.connect(actions.close_plan)
        self.suites.ran.connect(actions.refresh_history_soon)
        self.capture.captured.connect(lambda _c: actions.refresh_history_soon())
        self.capture.open_requested.connect(actions.open_history_exchange)
        self.issues.itemActivated.connect(payload.issue_clicked)
        self.issues.itemClicked.connect(payload.issue_clicked)
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
        self.history.show_requested.connect(actions.show_history_exchange)
        self.history.open_requested.connect(actions.open_history_exchange)
        self.history.duplicate_requested.connect(lambda i: actions.open_history_exchange(i, keep_profile=True))
        self.history.resend_requested.connect(self.resend_history_exchange)
        self.history.compare_requested.connect(actions.compare_exchanges)
        self.history.status_message = lambda text: self.statusBar().showMessage(text, 8000)

    def _menus(self) -> None:
        """The menu bar's menus, empty until add_menu_actions fills them after the first paint."""
        bar = self.menuBar()
        self.menus = {name: bar.addMenu(f"&{name}") for name in ("File", "Edit", "View", "Send", "History", "Help")}

    def add_menu_actions(self) -> None:
        """Every action in the menu bar with its shortcut (console.ui.window.menus)."""
        from console.ui.window.menus import add_menu_actions

        self.actions_by_menu = add_menu_actions(self)

    def shortcut_sheet(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcut) for every menu action that has a shortcut."""
        from console.ui.window.menus import shortcut_sheet

        return shortcut_sheet(getattr(self, "actions_by_menu", {}))

    def show_shortcuts(self) -> None:
        from console.ui.window.menus import show_shortcuts

        self.shortcut_dialog = show_shortcuts(self)

    def show_about(self) -> None:
        from console.ui.window.menus import show_about

        show_about(self)

    def chain_tab_order(self) -> None:
        """Tab goes pickers → the payload (the form's fields, or the JSON) → Send → the
        response → history, whatever order the widgets were made in."""
        chain = [self.vendor, self.operation, self.profile, self.profiles_button, self.tabs.tabBar()]
        chain += self.form.focusable_fields() if self.tabs.currentIndex() == 0 else [self.editor]
        chain += [self.send_button, self.send_anyway, self.cancel_button, self.copy_curl, self.response.raw,
                  self.response.body, self.bottom_tabs.tabBar(), self.history.search, self.history.list]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # -- current choice --------------------------------------------------------------------
    def splitters(self) -> dict:
        return {"main": self.main_split, "left": self.left_split, "right": self.right_split}

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        # The window paints first; the keyring, history, sandbox and schema validator (each
        # costs start-up time) are brought up right after.
        self.controller.startup.schedule()

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
