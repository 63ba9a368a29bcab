"""Two exchanges side by side: payload changes key by key, headers, status, response bodies."""

from __future__ import annotations

import json

from PySide6.QtGui import QColor, QFontDatabase, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.diff import compare
from console.core.history.entry import HistoryEntry


def _pretty(text: str | None) -> str:
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class DiffHighlighter(QSyntaxHighlighter):
    """Colours a unified diff: removed lines red, added green, hunk headers blue."""

    def __init__(self, document, dark: bool):
        super().__init__(document)
        self.formats = {}
        for mark, (light, dark_colour) in {"-": ("#c62828", "#ef5350"), "+": ("#2e7d32", "#66bb6a"),
                                           "@": ("#1565c0", "#64b5f6")}.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(dark_colour if dark else light))
            self.formats[mark] = fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if text.startswith(("---", "+++")):
            return
        fmt = self.formats.get(text[:1])
        if fmt is not None:
            self.setFormat(0, len(text), fmt)


class CompareDialog(QDialog):
    def __init__(self, a: HistoryEntry, b: HistoryEntry, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Compare #{a.id} and #{b.id}")
        self.resize(1100, 720)
        self.diff = compare(a, b)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QVBoxLayout(self)
        status_a, status_b = self.diff.status
        summary = QLabel(f"#{a.id} {a.vendor}/{a.operation} → {status_a}     vs     "
                         f"#{b.id} {b.vendor}/{b.operation} → {status_b}"
                         + ("     (identical)" if self.diff.same else ""))
        summary.setAccessibleName("Comparison summary")
        layout.addWidget(summary)
        tabs = QTabWidget()

        payload = QWidget()
        payload_layout = QVBoxLayout(payload)
        self.changes = QListWidget()
        self.changes.setAccessibleName("Payload changes")
        self.changes.addItems([c.describe() for c in self.diff.payload] or ["No differences in the payload."])
        payload_layout.addWidget(self.changes, 1)
        sides = QHBoxLayout()
        for row in (a, b):
            text = QPlainTextEdit(_pretty(row.payload))
            text.setReadOnly(True)
            text.setFont(mono)
            text.setAccessibleName(f"Payload of #{row.id}")
            sides.addWidget(text)
        payload_layout.addLayout(sides, 2)
        tabs.addTab(payload, f"Payload ({len(self.diff.payload)})")

        headers = QListWidget()
        headers.setAccessibleName("Header changes")
        lines = [f"request  {c.describe()}" for c in self.diff.request_headers]
        lines += [f"response {c.describe()}" for c in self.diff.response_headers]
        headers.addItems(lines or ["No differences in headers."])
        tabs.addTab(headers, f"Headers ({len(lines)})")

        body = QPlainTextEdit(self.diff.response_body or "The response bodies are the same.")
        body.setReadOnly(True)
        body.setFont(mono)
        body.setAccessibleName("Response body differences")
        from console.ui.widgets.theme import is_dark

        self.body_colours = DiffHighlighter(body.document(), is_dark(self.palette()))
        tabs.addTab(body, "Response body")
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
