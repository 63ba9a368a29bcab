"""The history list's rows: HistoryModel pages them from the store as the list scrolls, and
each row says when, what, to which profile and how it ended, coloured by how it ended."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex
from PySide6.QtGui import QColor

from console.core.history.entry import HistoryEntry
from console.core.outcomes import Outcome
from console.fast_start import enabled
from console.ui.widgets.theme import status_colour

if TYPE_CHECKING:
    from console.core.history.store import HistoryStore

# (dark, light) colours of outcomes that say more than a status: never the green of a success.
OUTCOME_COLOURS: dict[str, tuple[str, str]] = {
    Outcome.CANCELLED.value: ("#ab47bc", "#7b1fa2"),
    Outcome.NOT_SENT.value: ("#ff7043", "#bf360c"),
    Outcome.LOGIN_FAILED.value: ("#ef5350", "#c62828"),
    Outcome.INTERRUPTED.value: ("#bdbdbd", "#616161"),
    Outcome.SENDING.value: ("#bdbdbd", "#616161"),
}
PAGE = 100
ROOT = QModelIndex()
if enabled("late_qt_namespace"):
    # Qt.ItemDataRole's values as numbers: naming the enum here would build the whole Qt
    # namespace at import, before the window's first paint (console.fast_start).
    DISPLAY_ROLE, TOOLTIP_ROLE, FOREGROUND_ROLE, ID_ROLE = 0, 3, 9, 256  # ID_ROLE: a row's history id
else:
    from PySide6.QtCore import Qt

    DISPLAY_ROLE, TOOLTIP_ROLE, FOREGROUND_ROLE = (
        Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole)
    ID_ROLE = Qt.ItemDataRole.UserRole


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
    if entry.outcome in OUTCOME_COLOURS:
        return OUTCOME_COLOURS[entry.outcome][0 if dark else 1]
    return status_colour(entry.status, dark)


class HistoryModel(QAbstractListModel):
    """Rows of HistoryStore.page(), fetched a page at a time (canFetchMore/fetchMore)."""

    def __init__(self, dark: bool, parent=None):
        super().__init__(parent)
        self.store: HistoryStore | None = None
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
        if self.store is None:
            return
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
