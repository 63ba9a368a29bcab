"""The history panel: newest first, paged from SQLite as it scrolls, searchable as you type,
filtered by vendor, operation, profile, status class and time; pin, resend, compare,
export, import, delete with undo, retention."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QAbstractListModel, QModelIndex, QTimer, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.history_entry import HistoryEntry
from console.ui.widgets.theme import is_dark, status_colour

# Dialog classes (message boxes, file dialogs, spin boxes) are imported where they are used:
# PySide6 builds each class's Python side on first import, which start-up should not pay for.

PAGE = 100
ROOT = QModelIndex()
CUSTOM_RANGE = "From… to…"
TIME_RANGES = {"Any time": None, "Last hour": timedelta(hours=1), "Today": None, "Yesterday": None,
               "Last 24 hours": timedelta(days=1), "Last 7 days": timedelta(days=7), "Last 30 days": timedelta(days=30),
               CUSTOM_RANGE: None}


def calendar_day(name: str, now: datetime) -> tuple[str, str]:
    """(since, until) in UTC ISO text for "Today" or "Yesterday" on the local calendar."""
    midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight if name == "Today" else midnight - timedelta(days=1)
    end = start + timedelta(days=1)
    return tuple(t.astimezone(timezone.utc).isoformat(timespec="milliseconds") for t in (start, end))
STATUS_CHOICES = ["Any status", "2xx", "3xx", "4xx", "5xx", "no answer", "cancelled", "not sent"]
# Qt.ItemDataRole's values, as numbers: naming the enum here would build the Qt namespace at
# import, before the first paint (console.ui.window.startup); data() runs too often for a local import.
DISPLAY_ROLE, TOOLTIP_ROLE, FOREGROUND_ROLE, ID_ROLE = 0, 3, 9, 256  # ID_ROLE is UserRole


def local_time(stored: str) -> str:
    """A stored UTC time as this computer's local time, with its zone ("2026-11-23 14:05:09 CET")."""
    try:
        moment = datetime.fromisoformat(stored.replace("Z", "+00:00"))
    except ValueError:
        return stored[:19]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or "")


def describe_row(entry: HistoryEntry) -> str:
    elapsed = f"{entry.elapsed_ms:.0f} ms" if entry.elapsed_ms is not None else ""
    forced = " (forced)" if entry.forced else ""
    pin = "📌 " if entry.pinned else ""
    name = f" “{entry.event_name}”" if entry.event_name else ""
    matched = f"   … {entry.matched} …" if entry.matched else ""
    mark = f"  {entry.issue_mark}" if entry.issue_mark else ""
    return (f"{pin}#{entry.id}  {local_time(entry.time)}  {entry.vendor}/{entry.operation}{name}  "
            f"[{entry.profile}]  {entry.status_label}{forced}{mark}  {elapsed}{matched}")


def row_colour(entry: HistoryEntry, dark: bool) -> str:
    """A colour per outcome: answered rows by status class; cancelled, not sent and failed
    sends each their own (never the green of a success)."""
    colours = {"cancelled": ("#ab47bc", "#7b1fa2"), "not-sent": ("#ff7043", "#bf360c"),
               "login-failed": ("#ef5350", "#c62828"), "interrupted": ("#bdbdbd", "#616161"),
               "sending": ("#bdbdbd", "#616161")}
    if entry.outcome in colours:
        return colours[entry.outcome][0 if dark else 1]
    return status_colour(entry.status, dark)


class HistoryModel(QAbstractListModel):
    """Rows of HistoryStore.page(), fetched a page at a time (canFetchMore/fetchMore)."""

    def __init__(self, dark: bool, parent=None):
        super().__init__(parent)
        self.store = None
        self.dark = dark
        self.rows: list[HistoryEntry] = []
        self.filters = None
        self._more = True

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == DISPLAY_ROLE:
            return describe_row(row)
        if role == TOOLTIP_ROLE:
            return f"{row.method} {row.url}\n{row.error or ''}".strip()
        if role == FOREGROUND_ROLE:
            return QColor(row_colour(row, self.dark))
        if role == ID_ROLE:
            return row.id
        return None

    def canFetchMore(self, parent=ROOT) -> bool:
        return self.store is not None and not parent.isValid() and self._more

    def fetchMore(self, parent=ROOT) -> None:
        before = self.rows[-1].id if self.rows else None
        page = self.store.page(before, PAGE, filters=self.filters)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(ROOT, len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def reload(self, filters=None) -> None:
        if filters is not None:
            self.filters = filters
        self.beginResetModel()
        self.rows = []
        self._more = True
        self.endResetModel()
        if self.canFetchMore():
            self.fetchMore()


class ExportStopped(Exception):
    """The user stopped an export: nothing is written."""


class HistoryPanel(QWidget):
    """Search, filters, list and actions over the history database."""

    show_requested = Signal(int)
    open_requested = Signal(int)
    duplicate_requested = Signal(int)
    resend_requested = Signal(int)
    compare_requested = Signal(int, int)
    # A change to history (delete, pin, undo, clear, import, export, retention) finished in the
    # background: the sentence the status line shows.
    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from console.core.definitions import vendors

        self.vendors = vendors()
        self.last_import_repeated = 0  # exchanges the last import found in history already
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search history (URL, payload, response)…  Ctrl+F")
        self.search.setAccessibleName("History search")
        top.addWidget(self.search, 1)
        self.filter_vendor = QComboBox()
        self.filter_vendor.setAccessibleName("History vendor filter")
        self.filter_vendor.addItem("All vendors", "")
        for v in self.vendors.values():
            self.filter_vendor.addItem(v.title, v.name)
        self.filter_operation = QComboBox()
        self.filter_operation.setAccessibleName("History operation filter")
        self.filter_operation.addItem("All operations", "")
        self.filter_profile = QComboBox()
        self.filter_profile.setAccessibleName("History profile filter")
        self.filter_profile.addItem("All profiles", "")
        self.filter_status = QComboBox()
        self.filter_status.setAccessibleName("History status filter")
        for choice in STATUS_CHOICES:
            self.filter_status.addItem(choice, "" if choice == "Any status" else choice)
        self.filter_source = QComboBox()
        self.filter_source.setAccessibleName("History source filter")
        for label, source in (("All sources", ""), ("Sent from the window", "window"), ("Command line", "cli"),
                              ("Suites", "suite"), ("Captured", "capture"), ("Imported", "import")):
            self.filter_source.addItem(label, source)
        self.filter_issues = QComboBox()
        self.filter_issues.setAccessibleName("History issues filter")
        for label, kind in (("Any issues", ""), ("With errors", "errors"), ("With warnings", "warnings")):
            self.filter_issues.addItem(label, kind)
        self.filter_time = QComboBox()
        self.filter_time.setAccessibleName("History time filter")
        self.filter_time.addItems(list(TIME_RANGES))
        self.time_from = self.time_to = None  # made when "From… to…" is first chosen
        self.pinned_only = QCheckBox("Pinned")
        self.pinned_only.setAccessibleName("History pinned only")
        # Two rows of filters: the panel fits beside the editor on a 1024-pixel-wide window.
        self._filters = filters = QHBoxLayout()
        self._more_filters = more_filters = QHBoxLayout()
        for widget in (self.filter_vendor, self.filter_operation, self.filter_profile, self.filter_status):
            filters.addWidget(widget, 1)
        for widget in (self.filter_source, self.filter_issues, self.filter_time):
            more_filters.addWidget(widget, 1)
        more_filters.addWidget(self.pinned_only)
        more_filters.addStretch(1)
        for combo in (self.filter_vendor, self.filter_operation, self.filter_profile, self.filter_status,
                      self.filter_source, self.filter_issues, self.filter_time):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(more_filters)
        self.model = HistoryModel(is_dark(self.palette()), self)
        self.list = QListView()
        self.list.setAccessibleName("History")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.list, 1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open in editor")
        self.open_button.setToolTip("Load vendor, operation, profile and payload of the selected exchange")
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.setToolTip("Copy the payload into the editor, keeping your current profile "
                                         "(to send the same event to another account)")
        self.resend_button = QPushButton("Resend")
        self.resend_button.setToolTip("Send the selected exchange again as it was (keys from the keyring)")
        self.pin_button = QPushButton("Pin")
        self.pin_button.setToolTip("Pinned exchanges are never removed by retention")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Compare the two selected exchanges side by side")
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        self.export_actions = {fmt: menu.addAction(label) for fmt, label in
                               (("har", "as HAR 1.2…"), ("json", "as JSON…"), ("curl", "as cURL commands…"),
                                ("python", "as a Python program…"), ("node", "as a Node.js program…"),
                                ("php", "as a PHP program…"))}
        self.export_button.setMenu(menu)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Import a HAR file or an Event Console JSON export")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected exchanges (Del); undo with “Undo delete”")
        self.undo_button = QPushButton("Undo delete")
        self.clear_button = QPushButton("Clear all…")
        self.retention_button = QPushButton("Retention…")
        # Two rows, so the panel stays narrow enough to share the window with the editor.
        more = QHBoxLayout()
        for b in (self.open_button, self.duplicate_button, self.resend_button, self.pin_button,
                  self.compare_button, self.delete_button):
            buttons.addWidget(b)
        for b in (self.undo_button, self.export_button, self.import_button, self.clear_button,
                  self.retention_button):
            more.addWidget(b)
        buttons.addStretch(1)
        more.addStretch(1)
        # A long change (clear, delete, undo, retention of many rows): how far, and a way to stop.
        self.change_progress = QProgressBar()
        self.change_progress.setAccessibleName("History progress")
        self.change_progress.setMaximumWidth(160)
        self.change_progress.setVisible(False)
        self.change_stop = QPushButton("Stop")
        self.change_stop.setAccessibleName("Stop history change")
        self.change_stop.setToolTip("Stop after the current step; what was done stays done (a delete can be undone)")
        self.change_stop.setVisible(False)
        more.addWidget(self.change_progress)
        more.addWidget(self.change_stop)
        self._cancel_change = None
        self.change_stop.clicked.connect(self._stop_change)
        layout.addLayout(buttons)
        layout.addLayout(more)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.filter_operation, self.filter_profile, self.filter_status, self.filter_source,
                      self.filter_issues, self.filter_time):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filter_vendor.currentIndexChanged.connect(self._vendor_filter_changed)
        self.pinned_only.toggled.connect(lambda _c: self.apply_filters())
        self.list.activated.connect(self._show_row)
        self.list.clicked.connect(self._show_row)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.open_button.clicked.connect(lambda: self._emit_one(self.open_requested))
        self.duplicate_button.clicked.connect(lambda: self._emit_one(self.duplicate_requested))
        self.resend_button.clicked.connect(lambda: self._emit_one(self.resend_requested))
        self.pin_button.clicked.connect(self.toggle_pin)
        self.compare_button.clicked.connect(self._compare)
        for fmt, action in self.export_actions.items():
            action.triggered.connect(lambda _=False, f=fmt: self._export_dialog(f))
        self.import_button.clicked.connect(self._import_dialog)
        self.delete_button.clicked.connect(lambda: self.delete_selected(confirm=True))
        self.undo_button.clicked.connect(self.undo_delete)
        self.clear_button.clicked.connect(lambda: self.clear_all(confirm=True))
        self.retention_button.clicked.connect(self._retention_dialog)
        self.status_message = lambda text: None
        self._changes_running = 0
        self._finished_setup = False  # _add_after_first_paint() done
        self._update_buttons()

    # -- data ------------------------------------------------------------------------------
    @property
    def store(self):
        return self.model.store

    def detach(self) -> None:
        """Forgets the database (the window is closing): late callbacks find nothing to do."""
        self._debounce.stop()
        self.model.store = None

    def set_store(self, store) -> None:
        """Connects the list to the history database (after the window's first paint)."""
        self.model.store = store
        if not self._finished_setup:
            self._add_after_first_paint()
        self._fill_profiles()
        self.apply_filters()

    def _show_row(self, index) -> None:
        self.show_requested.emit(index.data(ID_ROLE))

    def _add_after_first_paint(self) -> None:
        # Here rather than in __init__, because they cost start-up time: naming Qt enums builds
        # the Qt namespace (console.ui.window.startup), and the search field's clear button (shown only
        # once there is text) makes Qt look its icon up in the desktop's icon theme, about a
        # twentieth of a bare window's start under X11. The list is empty until a store is set.
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence

        self.search.setClearButtonEnabled(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for keys, slot in ((QKeySequence.StandardKey.Delete, lambda: self.delete_selected(confirm=True)),
                           (QKeySequence.StandardKey.Undo, self.undo_delete)):
            action = QAction(self.list)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.list.addAction(action)
        self._finished_setup = True

    @staticmethod
    def _refill(combo: QComboBox, any_label: str, values) -> None:
        """Replaces a filter's choices quietly, keeping the current one when it is still there."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_label, "")
        for value in values:
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _fill_profiles(self) -> None:
        self._refill(self.filter_profile, "All profiles", self.store.profiles_seen())

    def _vendor_filter_changed(self) -> None:
        vendor = self.filter_vendor.currentData()
        self._refill(self.filter_operation, "All operations", self.vendors[vendor].operations if vendor else ())
        self.apply_filters()

    def current_filters(self):
        from console.core.history import HistoryFilter

        span = TIME_RANGES[self.filter_time.currentText()]
        since = until = ""
        if span is not None:
            since = (datetime.now(timezone.utc) - span).isoformat(timespec="milliseconds")
        elif self.filter_time.currentText() in ("Today", "Yesterday"):
            since, until = calendar_day(self.filter_time.currentText(), datetime.now(timezone.utc))
        custom = self.filter_time.currentText() == CUSTOM_RANGE
        if custom and self.time_from is None:
            self._add_range_edits()
        for edit in (self.time_from, self.time_to):
            if edit is not None:
                edit.setVisible(custom)
        if custom:
            since, until = (datetime.fromtimestamp(e.dateTime().toSecsSinceEpoch(), timezone.utc)
                            .isoformat(timespec="milliseconds") for e in (self.time_from, self.time_to))
        return HistoryFilter(vendor=self.filter_vendor.currentData() or "",
                             operation=self.filter_operation.currentData() or "",
                             profile=self.filter_profile.currentData() or "",
                             status_class=self.filter_status.currentData() or "", since=since, until=until,
                             search=self.search.text().strip(), pinned_only=self.pinned_only.isChecked(),
                             source=self.filter_source.currentData() or "",
                             issues=self.filter_issues.currentData() or "")

    def _add_range_edits(self) -> None:
        """The custom range's from/to fields, after the time filter: yesterday until an hour on."""
        from PySide6.QtCore import QDateTime
        from PySide6.QtWidgets import QDateTimeEdit

        now = QDateTime.currentDateTime()
        self.time_from = QDateTimeEdit(now.addDays(-1))
        self.time_from.setAccessibleName("History from")
        self.time_to = QDateTimeEdit(now.addSecs(3600))
        self.time_to.setAccessibleName("History to")
        at = self._more_filters.indexOf(self.filter_time) + 1
        for offset, edit in enumerate((self.time_from, self.time_to)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.dateTimeChanged.connect(lambda _d: self._debounce.start())
            self._more_filters.insertWidget(at + offset, edit)

    def apply_filters(self) -> None:
        self._debounce.stop()
        if self.store is None:
            return
        self.model.reload(self.current_filters())
        self._update_buttons()

    def refresh(self) -> None:
        if self.store is None:
            return
        self._fill_profiles()
        self.apply_filters()

    # -- selection and actions ---------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        return [self.model.rows[r].id for r in rows]

    def selected_id(self) -> int | None:
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_ids(self, ids: list[int]) -> None:
        from PySide6.QtCore import QItemSelectionModel

        selection = self.list.selectionModel()
        selection.clearSelection()
        for row, item in enumerate(self.model.rows):
            if item.id in ids:
                selection.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ids = self.selected_ids() if self.list.selectionModel() else []
        editable = self.store is not None and not self.store.read_only
        for b in (self.open_button, self.duplicate_button, self.resend_button):
            b.setEnabled(len(ids) == 1)
        self.pin_button.setEnabled(bool(ids) and editable)
        pinned = bool(ids) and all(r.pinned for r in self.model.rows if r.id in ids)
        self.pin_button.setText("Unpin" if pinned else "Pin")
        self.compare_button.setEnabled(len(ids) == 2)
        self.export_button.setEnabled(self.store is not None)
        self.export_button.setToolTip("Export the selected exchanges" if ids else
                                      "Export every exchange the list shows (its filters and search)")
        self.delete_button.setEnabled(bool(ids) and editable)
        self.undo_button.setEnabled(editable and not self._changes_running and self.store.can_undo())
        self.clear_button.setEnabled(editable)
        self.import_button.setEnabled(editable)
        self.retention_button.setEnabled(editable)

    def _emit_one(self, signal) -> None:
        exchange_id = self.selected_id()
        if exchange_id is not None:
            signal.emit(exchange_id)

    def _stop_change(self) -> None:
        if self._cancel_change is not None:
            self._cancel_change.set()
            self.change_stop.setEnabled(False)

    def _long_change(self, work, message, reload=lambda result: True) -> None:
        """A change that may take a while (many rows): `work(progress, cancelled)` runs in the
        background in chunks; the bar shows how far it is and Stop ends it after a chunk."""
        import threading

        cancel = threading.Event()
        state = {"done": 0, "total": None}

        def progress(done, total):
            state["done"], state["total"] = done, total if total is not None else state["total"]

        def show():  # from the first tick on (a quick change shows no bar at all)
            self.change_progress.setVisible(True)
            self.change_stop.setVisible(True)
            total = state["total"]
            if total:
                self.change_progress.setRange(0, total)
                self.change_progress.setValue(min(state["done"], total))
            else:
                self.change_progress.setRange(0, 0)
            self.status_message(f"Working… {state['done']:,} exchange(s)" + (f" of {total:,}" if total else ""))

        timer = QTimer(self, interval=100)
        timer.timeout.connect(show)
        timer.start()
        self.change_stop.setEnabled(True)
        self._cancel_change = cancel  # the Stop button sets the running change's event

        def finished(result):
            timer.stop()
            timer.deleteLater()
            self.change_progress.setVisible(False)
            self.change_stop.setVisible(False)
            return result

        self._change(lambda: work(progress, cancel.is_set),
                     lambda n: ("Stopped. " if cancel.is_set() else "") + message(finished(n)),
                     reload=reload, failed=lambda: finished(None))

    def _change(self, work, message, then=None, reload=lambda result: True, failed=None) -> None:
        """Runs a change to history in the background (the GUI thread never waits for the
        write lock), then reloads the list (unless `reload(result)` says nothing changed) and
        says what happened."""
        from console.ui.workers import run_in_background

        self._changes_running += 1
        self.status_message("Working…")
        self._update_buttons()

        def finish(text: str, result=None) -> None:
            self._changes_running -= 1
            if result is None or reload(result):
                self.apply_filters()
            if then is not None and result is not None:
                then(result)
            if text:  # a change that did nothing (retention with nothing to remove) says nothing
                self.status_message(text)
                self.changed.emit(text)

        def went_wrong(error: str) -> None:
            if failed is not None:
                failed()
            finish(f"History was not changed: {error}")

        run_in_background(self, work, lambda result: finish(message(result), result), went_wrong)

    def toggle_pin(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        pinned = all(r.pinned for r in self.model.rows if r.id in ids)
        store = self.store
        self._change(lambda: store.set_pinned(ids, not pinned) or len(ids),
                     lambda n: f"{'Unpinned' if pinned else 'Pinned'} {n} exchange(s).",
                     lambda _n: self.select_ids(ids))

    def _compare(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            self.compare_requested.emit(min(ids), max(ids))

    def delete_selected(self, confirm: bool = True) -> int:
        from PySide6.QtWidgets import QMessageBox


        ids = self.selected_ids()
        if not ids:
            return 0
        if confirm and len(ids) > 1:
            answer = QMessageBox.question(self, "Delete exchanges",
                                          f"Delete {len(ids)} exchanges? “Undo delete” brings them back.")
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        store = self.store
        self._long_change(lambda progress, cancelled: store.delete(ids, progress, cancelled),
                          lambda n: f"Deleted {n} exchange(s). Undo with “Undo delete” (Ctrl+Z in the list).")
        return len(ids)

    def clear_all(self, confirm: bool = True) -> int:
        from PySide6.QtWidgets import QMessageBox


        if confirm:
            answer = QMessageBox.question(self, "Clear history",
                                          "Delete every exchange in history? “Undo delete” brings them back "
                                          "until the next delete.")
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        store = self.store
        self._long_change(lambda progress, cancelled: store.delete(None, progress, cancelled),
                          lambda n: f"Cleared {n} exchange(s). Undo with “Undo delete”.")
        return 1

    def undo_delete(self) -> None:
        store = self.store
        self._long_change(lambda progress, cancelled: store.undo_delete(progress, cancelled),
                          lambda n: f"Brought back {n} exchange(s).")

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        for button in (self.open_button, self.duplicate_button, self.resend_button, self.pin_button, self.compare_button,
                       self.delete_button, self.undo_button):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.exec(self.list.viewport().mapToGlobal(position))

    # -- export, import, retention -------------------------------------------------------------
    def export_to(self, path: str, fmt: str, ids: list[int] | None = None, filters=None,
                  progress=None, cancelled=lambda: False) -> int:
        """Writes the given (or selected) exchanges, or with `filters` all those they pass, to
        `path` as it reads them (whole or not at all, in constant memory); returns how many."""
        from console.core import history_export
        from console.core.files import atomic_stream

        chosen = None if filters is not None else (ids if ids is not None else self.selected_ids())
        entries = history_export.entries_for_export(self.store, ids=chosen, filters=filters,
                                                    oldest_first=fmt in history_export.PROGRAMS)

        def until_stopped():
            for entry in entries:
                if cancelled():
                    raise ExportStopped()
                yield entry

        with atomic_stream(path) as out:
            return history_export.write_export(out, until_stopped(), fmt, progress and (lambda n: progress(n, None)))

    def import_from(self, path: str, keep_unknown: bool = False, refresh: bool = True) -> tuple[int, int]:
        """Reads a HAR or JSON export into history; (imported, skipped). With `keep_unknown`
        HAR entries of no known endpoint are kept as plain exchanges (vendor "other")."""
        from console.core.history_export import import_into, read_import, read_import_file

        records, skipped = read_import(read_import_file(path), keep_unknown=keep_unknown)
        ids, self.last_import_repeated = import_into(self.store, records)
        if refresh:
            self.refresh()
        return len(ids), skipped

    def _export_dialog(self, fmt: str, everything: bool = False) -> None:
        """Exports the selected exchanges, or (none selected, or `everything`) all those the
        list's filters and search show."""
        from PySide6.QtWidgets import QFileDialog

        suffix = {"har": "HAR (*.har)", "json": "JSON (*.json)", "curl": "Shell (*.sh *.txt)",
                  "python": "Python (*.py)", "node": "JavaScript (*.js *.mjs)", "php": "PHP (*.php)"}[fmt]
        default = {"har": "history.har", "json": "history.json", "curl": "history.sh", "python": "replay.py",
                   "node": "replay.js", "php": "replay.php"}[fmt]
        path, _ = QFileDialog.getSaveFileName(self, "Export history", default, suffix)
        if not path:
            return
        ids = [] if everything else self.selected_ids()
        filters = self.model.filters

        def work(progress, cancelled) -> int:
            try:
                if ids:
                    return self.export_to(path, fmt, ids, progress=progress, cancelled=cancelled)
                return self.export_to(path, fmt, filters=filters, progress=progress, cancelled=cancelled)
            except ExportStopped:
                return -1  # nothing written: the file is as it was

        # Read and written in the background, a page at a time, with the bar and Stop of long changes.
        self._long_change(work, lambda n: f"Exported {n} exchange(s) to {path} (keys masked)." if n >= 0 else
                          f"{path} was not written.", reload=lambda n: False)

    def _import_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from console.core.history_export import HistoryImportError

        path, _ = QFileDialog.getOpenFileName(self, "Import history", "", "HAR or JSON (*.har *.json);;All files (*)")
        if not path:
            return
        from console.core.history import HistoryUnavailable
        from console.core.history_export import read_import, read_import_file

        try:
            _, skipped = read_import(read_import_file(path))
            keep = False
            if skipped:
                keep = QMessageBox.question(
                    self, "Import", f"{skipped} entr{'y' if skipped == 1 else 'ies'} of this file match no "
                    "endpoint of the five APIs. Keep them too, as plain exchanges you can view and export?"
                ) == QMessageBox.StandardButton.Yes
        except (OSError, UnicodeDecodeError, HistoryImportError, HistoryUnavailable) as exc:
            QMessageBox.warning(self, "Import", f"Could not import {path}: {exc}")
            return

        def said(result) -> str:
            from console.core.history_export import import_summary

            imported, skipped = result
            return import_summary(path, imported, skipped if not keep else 0, self.last_import_repeated).replace(
                " (--keep-unknown keeps them as vendor 'other')", "")

        self._change(lambda: self.import_from(path, keep_unknown=keep, refresh=False), said)

    def _retention_dialog(self) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QSpinBox

        from console.core.history import Retention

        current = self.store.retention()
        dialog = QDialog(self)
        dialog.setWindowTitle("History retention")
        form = QFormLayout(dialog)
        keep_last = QSpinBox()
        keep_last.setRange(0, 10_000_000)
        keep_last.setSpecialValueText("no limit")
        keep_last.setValue(current.keep_last)
        keep_days = QSpinBox()
        keep_days.setRange(0, 36500)
        keep_days.setSpecialValueText("no limit")
        keep_days.setValue(current.keep_days)
        form.addRow("Keep the last N exchanges", keep_last)
        form.addRow("Keep exchanges of the last D days", keep_days)
        form.addRow(QCheckBox("Pinned exchanges are always kept", checked=True, enabled=False))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            store, rules = self.store, Retention(keep_last.value(), keep_days.value())
            self._change(lambda: store.set_retention(rules) or store.apply_retention(datetime.now(timezone.utc)),
                         lambda n: f"Retention saved; it removed {n} old exchange(s).")

    def apply_retention(self) -> None:
        """Applies the retention settings in the background, then reloads the list."""
        store = self.store
        if store is None or store.read_only:
            return
        self._long_change(lambda progress, cancelled: store.apply_retention(datetime.now(timezone.utc), progress,
                                                                            cancelled),
                          lambda n: f"Retention removed {n} old exchange(s)." if n else "", reload=bool)
