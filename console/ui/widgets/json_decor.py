"""The JSON editor's decoration: syntax colours and the line-number gutter.

Kept apart from console.ui.widgets.json_editor because the JSON tab is hidden when the window opens:
these classes (and the Qt text-format and painter types they need) are built after the first
paint, not before it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(?P<key>\s*:)?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\b(?:true|false|null)\b')
ERROR_COLOUR = "#d32f2f"


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers and literals; colours follow the light/dark palette."""

    def __init__(self, document, dark: bool):
        super().__init__(document)
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        """Colours for a light or dark palette (the theme can change while the app runs)."""
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
        self.rehighlight()

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


class LineNumbers(QWidget):
    """The gutter left of the editor's text: line numbers, the error line's number in red."""

    def __init__(self, editor: QPlainTextEdit):
        super().__init__(editor)
        self.editor = editor

    def width_needed(self) -> int:
        digits = len(str(max(1, self.editor.blockCount())))
        return 10 + self.editor.fontMetrics().horizontalAdvance("9") * max(3, digits)

    def sizeHint(self) -> QSize:
        return QSize(self.width_needed(), 0)

    def paintEvent(self, event) -> None:
        editor = self.editor
        painter = QPainter(self)
        painter.fillRect(event.rect(), editor.palette().alternateBase())
        block = editor.firstVisibleBlock()
        number = block.blockNumber()
        top = round(editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top())
        bottom = top + round(editor.blockBoundingRect(block).height())
        height = editor.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                if number + 1 == getattr(editor, "error_line", None):  # a JsonEditor's marked line
                    painter.setPen(QColor(ERROR_COLOUR))
                else:
                    painter.setPen(editor.palette().placeholderText().color())
                painter.drawText(0, top, self.width() - 5, height, Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(editor.blockBoundingRect(block).height())
            number += 1
