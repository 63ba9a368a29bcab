"""The installed Qt binding keeps Python's reference counts right. PySide6 6.12.0 drops a
reference to None on every call of a method that returns nothing; before Python 3.12 (where
None became immortal) that kills the app after a few thousand such calls."""

import sys

from PySide6.QtWidgets import QLabel, QPlainTextEdit


def test_calls_that_return_nothing_leave_none_alone(qtbot):
    editor, label = QPlainTextEdit(), QLabel()
    qtbot.addWidget(editor)
    qtbot.addWidget(label)
    cursor = editor.textCursor()
    before = sys.getrefcount(None)
    for _ in range(500):
        cursor.insertText("x")
        editor.setUpdatesEnabled(True)
        label.setText("a")
    # Other objects come and go meanwhile; a leak would be 1,500 references or more.
    assert sys.getrefcount(None) - before > -100
