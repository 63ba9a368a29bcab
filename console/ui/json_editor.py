"""The JSON editor: line numbers, syntax highlighting, the error line marked, format/compact."""

from __future__ import annotations

import json
import re

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPainter,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from console.ui.theme import is_dark

TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(?P<key>\s*:)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\b(?:true|false|null)\b')


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers and literals; colours follow the light/dark palette."""

    def __init__(self, document, dark: bool):
        super().__init__(document)
        palette = {
            "key": "#9cdcfe" if dark else "#0b4f8a",
            "string": "#ce9178" if dark else "#a31515",
            "number": "#b5cea8" if dark else "#098658",
            "literal": "#569cd6" if dark else "#0000ff",
        }
        self.formats = {}
        for name, colour in palette.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if name == "key":
                fmt.setFontWeight(QFont.Weight.DemiBold)
            self.formats[name] = fmt

    def highlightBlock(self, text: str) -> None:
        if len(text) > 20000:  # a giant single line: colour nothing rather than stall
            return
        for match in TOKENS.finditer(text):
            token = match.group(0)
            if token.startswith('"'):
                kind = "key" if match.group("key") else "string"
                end = len(token) - (len(match.group("key")) if match.group("key") else 0)
                self.setFormat(match.start(), end, self.formats[kind])
            elif token[0] in "tfn":
                self.setFormat(match.start(), len(token), self.formats["literal"])
            else:
                self.setFormat(match.start(), len(token), self.formats["number"])


class _LineNumbers(QWidget):
    def __init__(self, editor: JsonEditor):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_line_numbers(event)


class JsonEditor(QPlainTextEdit):
    """A plain-text editor for JSON with a line-number gutter and an error marker."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(True)  # keyboard users can leave the editor with Tab
        self.highlighter = JsonHighlighter(self.document(), is_dark(self.palette()))
        self._gutter = _LineNumbers(self)
        self._error_line: int | None = None
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()

    # -- gutter ----------------------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * max(3, digits)

    def _update_gutter_width(self, *_):
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _update_gutter(self, rect, dy):
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        r = self.contentsRect()
        self._gutter.setGeometry(QRect(r.left(), r.top(), self.line_number_width(), r.height()))

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self._gutter)
        painter.fillRect(event.rect(), self.palette().alternateBase())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                if number + 1 == self._error_line:
                    painter.setPen(QColor("#d32f2f"))
                else:
                    painter.setPen(self.palette().placeholderText().color())
                painter.drawText(0, top, self._gutter.width() - 5, height,
                                 Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1

    # -- error marker ----------------------------------------------------------------------
    def mark_error(self, line: int | None) -> None:
        """Underlines the line of a syntax error (1-based), or clears the mark."""
        self._error_line = line
        selections = []
        if line is not None:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(211, 47, 47, 50))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            block = self.document().findBlockByNumber(line - 1)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)
        self._gutter.update()

    def go_to(self, line: int, column: int = 1) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(column - 1, block.length() - 1)))
        self.setTextCursor(cursor)
        self.setFocus()

    def go_to_pointer(self, pointer: str) -> bool:
        """Puts the cursor on the key a JSON Pointer ends with, when it can be found."""
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        names = [p for p in parts if not p.isdigit()]
        text = self.toPlainText()
        if not names:
            self.go_to(1)
            return bool(parts) is False
        index = text.find(json.dumps(names[-1]) + ":")
        if index < 0:
            index = text.find(json.dumps(names[-1]))
        if index < 0:
            return False
        cursor = self.textCursor()
        cursor.setPosition(index)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.setFocus()
        return True

    def replace_all(self, text: str) -> None:
        """Replaces the whole text as one undoable step."""
        if text == self.toPlainText():
            return
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
