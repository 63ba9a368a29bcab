"""A read-only view of a text of megabytes that costs little more than the text itself.

A QPlainTextEdit keeps a block, its layout and its formats for every line: a 5 MB answer of
half a million short lines took 36 MB there (7× its size). This view keeps the one string
and, per 16 KB of it, how many lines begin before (a few kilobytes in all); it draws only the
lines in sight. Text is laid out on a monospace grid (the response body's font), which keeps
mouse positions, selection and horizontal scrolling simple arithmetic.

It selects by character (drag, Shift+click, Ctrl+A), copies (Ctrl+C, context menu) and
scrolls by mouse wheel and keys (arrows, Page Up/Down, Ctrl+Home/End).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget

CHUNK = 16 * 1024  # characters per entry of the line index
MARGIN = 4  # pixels left of the text


class LargeTextView(QAbstractScrollArea):
    """Shows `setPlainText`'s text; `toPlainText` gives it back whole."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self._text = ""
        self._before = array("Q", [0, 0])  # lines begun before each chunk (newlines before it)
        self._lines = 1
        self._widest = 0  # the longest line drawn so far, in characters (the horizontal range)
        self._anchor = (0, 0)  # selection: (line, column) where it began, and the caret
        self._caret = (0, 0)

    # -- the text ----------------------------------------------------------------------------
    def setPlainText(self, text: str) -> None:
        self._text = text
        before, total = array("Q", [0]), 0
        for start in range(0, len(text), CHUNK):  # str.count runs at C speed: ~2 ms for 5 MB
            total += text.count("\n", start, start + CHUNK)
            before.append(total)
        before.append(total)
        self._before = before
        self._lines = total + 1
        self._widest = 0
        self._anchor = self._caret = (0, 0)
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._update_bars()
        self.viewport().update()

    def toPlainText(self) -> str:
        return self._text

    def line_count(self) -> int:
        return self._lines

    def start_of(self, line: int) -> int:
        """Where line `line` (from 0) begins in the text."""
        if line <= 0:
            return 0
        chunk = bisect_left(self._before, line) - 1  # the chunk holding newline number `line`
        position = chunk * CHUNK
        for _ in range(line - self._before[chunk]):
            position = self._text.index("\n", position) + 1
        return position

    def line_from(self, start: int) -> str:
        end = self._text.find("\n", start)
        return self._text[start:end if end >= 0 else len(self._text)]

    def selected_text(self) -> str:
        (l1, c1), (l2, c2) = sorted((self._anchor, self._caret))
        first = self.start_of(l1)
        last = self.start_of(l2) if l2 != l1 else first
        return self._text[first + min(c1, len(self.line_from(first))):last + min(c2, len(self.line_from(last)))]

    # -- geometry ----------------------------------------------------------------------------
    def cell(self) -> tuple[int, int]:
        metrics = self.fontMetrics()
        return max(1, metrics.horizontalAdvance("M")), max(1, metrics.height())

    def _visible_lines(self) -> int:
        return max(1, self.viewport().height() // self.cell()[1])

    def _update_bars(self) -> None:
        width, height = self.cell()
        rows = self._visible_lines()
        self.verticalScrollBar().setRange(0, max(0, self._lines - rows))
        self.verticalScrollBar().setPageStep(rows)
        self.horizontalScrollBar().setRange(0, max(0, MARGIN * 2 + self._widest * width - self.viewport().width()))
        self.horizontalScrollBar().setPageStep(self.viewport().width())
        self.horizontalScrollBar().setSingleStep(width * 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_bars()

    def position_at(self, point: QPoint) -> tuple[int, int]:
        """(line, column) under a point of the viewport."""
        width, height = self.cell()
        line = min(self._lines - 1, max(0, self.verticalScrollBar().value() + point.y() // height))
        column = max(0, round((point.x() - MARGIN + self.horizontalScrollBar().value()) / width))
        return line, min(column, len(self.line_from(self.start_of(line))))

    # -- drawing -----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self.viewport())
        palette = self.palette()
        painter.fillRect(self.viewport().rect(), palette.color(QPalette.ColorRole.Base))
        width, height = self.cell()
        ascent = self.fontMetrics().ascent()
        shift = self.horizontalScrollBar().value()
        first_column = max(0, shift // width - 1)
        columns = self.viewport().width() // width + 3
        first = self.verticalScrollBar().value()
        (l1, c1), (l2, c2) = sorted((self._anchor, self._caret))
        selecting = (l1, c1) != (l2, c2)
        start = self.start_of(first)
        widest = self._widest
        for row in range(self._visible_lines() + 1):
            number = first + row
            if number >= self._lines:
                break
            line = self.line_from(start)
            start += len(line) + 1
            widest = max(widest, len(line))
            y = row * height
            # Only the part in sight is drawn: a line may be megabytes long.
            x, shown = MARGIN - shift + first_column * width, line[first_column:first_column + columns]
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(x, y + ascent, shown)
            if selecting and l1 <= number <= l2:
                begin = c1 if number == l1 else 0
                end = c2 if number == l2 else len(line) + 1  # a selected line break shows as a cell
                selected = QRect(MARGIN - shift + begin * width, y, (end - begin) * width, height)
                painter.fillRect(selected, palette.color(QPalette.ColorRole.Highlight))
                painter.save()
                painter.setClipRect(selected)
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
                painter.drawText(x, y + ascent, shown)
                painter.restore()
        painter.end()
        if widest != self._widest:
            self._widest = widest
            self._update_bars()

    # -- mouse and keys ----------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._caret = self.position_at(event.position().toPoint())
            if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._anchor = self._caret
            self.viewport().update()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            point = event.position().toPoint()
            bar = self.verticalScrollBar()
            if point.y() < 0:
                bar.setValue(bar.value() - 1)
            elif point.y() > self.viewport().height():
                bar.setValue(bar.value() + 1)
            self._caret = self.position_at(point)
            self.viewport().update()

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        elif event.matches(QKeySequence.StandardKey.MoveToStartOfDocument):
            self.verticalScrollBar().setValue(0)
        elif event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        else:
            bar = self.verticalScrollBar()
            steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -bar.pageStep(),
                     Qt.Key.Key_PageDown: bar.pageStep()}
            if event.key() in steps:
                bar.setValue(bar.value() + steps[event.key()])
            else:
                super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = QMenu(self)
        menu.addAction("Copy", QKeySequence.StandardKey.Copy, self.copy).setEnabled(self._anchor != self._caret)
        menu.addAction("Select all", QKeySequence.StandardKey.SelectAll, self.select_all)
        menu.exec(event.globalPos())
        menu.deleteLater()

    @property
    def index_size(self) -> int:
        """How many numbers the line index holds (a few per 16 KB of text, not one per line)."""
        return len(self._before)

    def select_to(self, position: tuple[int, int]) -> None:
        """Extends the selection from its anchor to (line, column), as a drag ending there does."""
        self._caret = position
        self.viewport().update()

    def select_all(self) -> None:
        self._anchor = (0, 0)
        self._caret = (self._lines - 1, len(self.line_from(self.start_of(self._lines - 1))))
        self.viewport().update()

    def copy(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)
