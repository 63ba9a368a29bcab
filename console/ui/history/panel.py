"""The history panel: newest first, paged from SQLite as it scrolls, searchable as you type,
filtered by vendor, operation, profile, status class and time; pin, resend, compare,
export, import, delete with undo, retention."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.outcomes import Source, StatusClass
from console.ui.history.changes import BackgroundChanges
from console.ui.history.model import ID_ROLE, HistoryModel
from console.ui.history.time_ranges import CUSTOM_RANGE, TIME_RANGES, time_range
from console.ui.widgets.theme import is_dark

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDateTimeEdit

# Dialog classes (message boxes, file dialogs, spin boxes) are imported where they are used:
# PySide6 builds each class's Python side on first import, which start-up should not pay for.

# The status filter's choices: history's status classes (console.core.outcomes).
STATUS_CHOICES = ["Any status", *(klass.value for klass in StatusClass)]
SOURCE_CHOICES = (("All sources", ""), ("Sent from the window", Source.WINDOW), ("Command line", Source.CLI),
                  ("Suites", Source.SUITE), ("Captured", Source.CAPTURE), ("Imported", Source.IMPORT))


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
        for label, source in SOURCE_CHOICES:
            self.filter_source.addItem(label, str(source))
        self.filter_issues = QComboBox()
        self.filter_issues.setAccessibleName("History issues filter")
        for label, kind in (("Any issues", ""), ("With errors", "errors"), ("With warnings", "warnings")):
            self.filter_issues.addItem(label, kind)
        self.filter_time = QComboBox()
        self.filter_time.setAccessibleName("History time filter")
        self.filter_time.addItems(list(TIME_RANGES))
        self.time_from: QDateTimeEdit | None = None  # made when "From… to…" is first chosen
        self.time_to: QDateTimeEdit | None = None
        self.pinned_only = QCheckBox("Pinned")
        self.pinned_only.setAccessibleName("History pinned only")
        # Two rows of filters: the panel fits beside the editor on a 1024-pixel-wide window.
        self._filters = filters = QHBoxLayout()
        self.more_filters = more_filters = QHBoxLayout()
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
        first_row: tuple[QWidget, ...] = (self.open_button, self.duplicate_button, self.resend_button,
                                          self.pin_button, self.compare_button, self.delete_button)
        second_row: tuple[QWidget, ...] = (self.undo_button, self.export_button, self.import_button,
                                           self.clear_button, self.retention_button)
        for control in first_row:
            buttons.addWidget(control)
        for control in second_row:
            more.addWidget(control)
        buttons.addStretch(1)
        more.addStretch(1)
        # A long change (clear, delete, undo, retention of many rows): how far, and a way to stop.
        self.changes = BackgroundChanges(self)
        more.addWidget(self.changes.progress)
        more.addWidget(self.changes.stop)
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
        self.list.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.open_button.clicked.connect(lambda: self._emit_one(self.open_requested))
        self.duplicate_button.clicked.connect(lambda: self._emit_one(self.duplicate_requested))
        self.resend_button.clicked.connect(lambda: self._emit_one(self.resend_requested))
        self.pin_button.clicked.connect(self.toggle_pin)
        self.compare_button.clicked.connect(self._compare)
        for fmt, action in self.export_actions.items():
            action.triggered.connect(lambda _=False, f=fmt: self.open_transfer("export_dialog", f))
        self.import_button.clicked.connect(lambda: self.open_transfer("import_dialog"))
        self.delete_button.clicked.connect(lambda: self.delete_selected(confirm=True))
        self.undo_button.clicked.connect(self.undo_delete)
        self.clear_button.clicked.connect(lambda: self.clear_all(confirm=True))
        self.retention_button.clicked.connect(lambda: self.open_transfer("retention_dialog"))
        self.status_message = lambda text: None
        self._finished_setup = False  # _add_after_first_paint() done
        self.update_buttons()

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
        from console.core.history.records import HistoryFilter

        since, until = time_range(self.filter_time.currentText(), datetime.now(timezone.utc))
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
        start, end = QDateTimeEdit(now.addDays(-1)), QDateTimeEdit(now.addSecs(3600))
        start.setAccessibleName("History from")
        end.setAccessibleName("History to")
        self.time_from, self.time_to = start, end
        at = self.more_filters.indexOf(self.filter_time) + 1
        for offset, edit in enumerate((start, end)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.dateTimeChanged.connect(lambda _d: self._debounce.start())
            self.more_filters.insertWidget(at + offset, edit)

    def apply_filters(self) -> None:
        self._debounce.stop()
        if self.store is None:
            return
        self.model.reload(self.current_filters())
        self.update_buttons()

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
        self.update_buttons()

    def update_buttons(self) -> None:
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
        self.undo_button.setEnabled(editable and not self.changes.running and self.store.can_undo())
        self.clear_button.setEnabled(editable)
        self.import_button.setEnabled(editable)
        self.retention_button.setEnabled(editable)

    def _emit_one(self, signal) -> None:
        exchange_id = self.selected_id()
        if exchange_id is not None:
            signal.emit(exchange_id)

    def open_transfer(self, dialog: str, *args, **kwargs) -> None:
        """Opens one of console.ui.history.transfer's dialogs (export, import, retention), that
        module imported on first use: it brings the export and import code (~35 ms), which the
        window's start-up does not need."""
        from console.ui.history import transfer

        getattr(transfer, dialog)(self, *args, **kwargs)

    def long_change(self, work, message, reload=lambda result: True, then=None, failed=None) -> None:
        """A change of many rows, `work(progress, cancelled)`, with the bar and Stop (see
        BackgroundChanges.run_long)."""
        self.changes.run_long(work, message, reload, then, failed)

    def change(self, work, message, then=None, reload=lambda result: True) -> None:
        """A change to history in the background (see BackgroundChanges.run)."""
        self.changes.run(work, message, then, reload)

    def say_changed(self, text: str) -> None:
        """A change finished: say what happened (its "Working…" goes either way)."""
        self.status_message(text)  # "" clears it: a change that did nothing says nothing
        if text:
            self.changed.emit(text)

    def toggle_pin(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        pinned = all(r.pinned for r in self.model.rows if r.id in ids)
        store = self.store
        self.change(lambda: store.set_pinned(ids, not pinned) or len(ids),
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
        self.long_change(lambda progress, cancelled: store.delete(ids, progress, cancelled),
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
        self.long_change(lambda progress, cancelled: store.delete(None, progress, cancelled),
                          lambda n: f"Cleared {n} exchange(s). Undo with “Undo delete”.")
        return 1

    def undo_delete(self) -> None:
        store = self.store
        self.long_change(lambda progress, cancelled: store.undo_delete(progress, cancelled),
                          lambda n: f"Brought back {n} exchange(s).")

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        for button in (self.open_button, self.duplicate_button, self.resend_button, self.pin_button, self.compare_button,
                       self.delete_button, self.undo_button):
            action = menu.addAction(button.text())
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.exec(self.list.viewport().mapToGlobal(position))

    def apply_retention(self) -> None:
        """Applies the retention settings in the background, then reloads the list."""
        store = self.store
        if store is None or store.read_only or store.retention().keeps_everything:
            return  # nothing to remove (the default): no worker, no "Working…"

        def work(progress, cancelled) -> int:
            # Imported on the worker: history_ops brings the export and import code (~35 ms),
            # which the window's start-up, where retention runs, does not otherwise need.
            from console.engine.history_ops import apply_retention

            return apply_retention(store, progress, cancelled)

        self.long_change(work, lambda n: f"Retention removed {n} old exchange(s)." if n else "", reload=bool)
