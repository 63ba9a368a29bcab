"""The JSON editor: line numbers, syntax highlighting, the error line marked, format/compact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from console.ui.widgets.theme import is_dark

if TYPE_CHECKING:
    from console.ui.widgets.json_decor import JsonHighlighter, LineNumbers


class JsonEditor(QPlainTextEdit):
    """A plain-text editor for JSON with a line-number gutter and an error marker."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(True)  # keyboard users can leave the editor with Tab
        self.error_line: int | None = None
        self.highlighter: JsonHighlighter | None = None  # colours and gutter: decorate()
        self._gutter: LineNumbers | None = None

    # -- decoration --------------------------------------------------------------------------
    def decorate(self) -> None:
        """Adds syntax colours and the line-number gutter. Idempotent. The main window calls it
        right after its first paint (the JSON tab starts hidden); showing the editor calls it too."""
        if self._gutter is not None:
            return
        from console.ui.widgets.json_decor import JsonHighlighter, LineNumbers

        self.highlighter = JsonHighlighter(self.document(), is_dark(self.palette()))
        gutter = self._gutter = LineNumbers(self)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()
        self._place_gutter()
        gutter.show()

    def showEvent(self, event) -> None:
        self.decorate()
        super().showEvent(event)

    def line_number_width(self) -> int:
        return self._gutter.width_needed() if self._gutter is not None else 0

    def _update_gutter_width(self, *_):
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _update_gutter(self, rect, dy):
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def _place_gutter(self) -> None:
        if self._gutter is not None:
            r = self.contentsRect()
            self._gutter.setGeometry(r.left(), r.top(), self.line_number_width(), r.height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._place_gutter()

    # -- error marker ----------------------------------------------------------------------
    def mark_error(self, line: int | None) -> None:
        """Underlines the line of a syntax error (1-based), or clears the mark."""
        if line is None and self.error_line is None:
            return  # nothing marked: every check of valid JSON comes here, the first at start-up
        from PySide6.QtGui import QColor, QTextFormat
        from PySide6.QtWidgets import QTextEdit

        self.error_line = line
        selections = []
        if line is not None:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(211, 47, 47, 50))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            block = self.document().findBlockByNumber(line - 1)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)
        if self._gutter is not None:
            self._gutter.update()

    def go_to(self, line: int, column: int = 1) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(column - 1, block.length() - 1)))
        self.setTextCursor(cursor)
        self.setFocus()

    def replace_all(self, text: str) -> None:
        """Replaces the whole text as one undoable step."""
        if text == self.toPlainText():
            return
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
