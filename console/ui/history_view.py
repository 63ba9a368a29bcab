"""The history list: newest first, paged from SQLite as it scrolls, searchable as you type."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget

from console.ui.theme import is_dark, status_colour

PAGE = 100
ROOT = QModelIndex()


def describe_row(row: dict) -> str:
    if row["outcome"] == "cancelled":
        status = "cancelled"
    elif row["status"] is not None:
        status = str(row["status"])
    else:
        status = row["error_kind"] or "no answer"
    elapsed = f"{row['elapsed_ms']:.0f} ms" if row["elapsed_ms"] is not None else ""
    forced = " (forced)" if row["forced"] else ""
    return (f"#{row['id']}  {row['time'][11:19]}  {row['vendor']}/{row['operation']}  "
            f"[{row['profile']}]  {status}{forced}  {elapsed}")


class HistoryModel(QAbstractListModel):
    """Rows of HistoryStore.page(), fetched a page at a time (canFetchMore/fetchMore)."""

    def __init__(self, dark: bool, parent=None):
        super().__init__(parent)
        self.store = None
        self.dark = dark
        self.rows: list[dict] = []
        self.search = ""
        self._more = True

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return describe_row(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['method']} {row['url']}\n{row['error'] or ''}".strip()
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(status_colour(row["status"], self.dark))
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        return None

    def canFetchMore(self, parent=ROOT) -> bool:
        return self.store is not None and not parent.isValid() and self._more

    def fetchMore(self, parent=ROOT) -> None:
        before = self.rows[-1]["id"] if self.rows else None
        page = self.store.page(before, PAGE, self.search)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def reload(self, search: str | None = None) -> None:
        if search is not None:
            self.search = search
        self.beginResetModel()
        self.rows = []
        self._more = True
        self.endResetModel()
        if self.canFetchMore():
            self.fetchMore()


class HistoryPanel(QWidget):
    """Search box, list and actions. `show_requested(id)` / `open_requested(id)`."""

    show_requested = Signal(int)
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search history (URL, vendor/operation, payload, response)…")
        self.search.setAccessibleName("History search")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = HistoryModel(is_dark(self.palette()), self)
        self.list = QListView()
        self.list.setAccessibleName("History")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open in editor")
        self.open_button.setToolTip("Load vendor, operation, profile and payload of the selected exchange")
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(lambda: self.model.reload(self.search.text().strip()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.list.activated.connect(lambda index: self.show_requested.emit(index.data(Qt.ItemDataRole.UserRole)))
        self.list.clicked.connect(lambda index: self.show_requested.emit(index.data(Qt.ItemDataRole.UserRole)))
        self.open_button.clicked.connect(self._open_selected)

    def set_store(self, store) -> None:
        """Connects the list to the history database (after the window's first paint)."""
        self.model.store = store
        self.model.reload()

    def selected_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def _open_selected(self) -> None:
        exchange_id = self.selected_id()
        if exchange_id is not None:
            self.open_requested.emit(exchange_id)

    def refresh(self) -> None:
        self.model.reload()
