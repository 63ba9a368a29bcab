"""The light view "Show all" uses for answers of megabytes: it finds every line, selects and
copies by character with mouse and keys, scrolls to the end, and keeps only a small index
beside the text."""

import random

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from console.ui.widgets.large_text import CHUNK, MARGIN, LargeTextView


def make(qtbot, text):
    view = LargeTextView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    view.setPlainText(text)
    qtbot.waitExposed(view)
    return view


def point(view, line, column):
    """Where (line, column) is drawn, with the view scrolled to the top-left."""
    width, height = view.cell()
    top = view.verticalScrollBar().value()
    return QPoint(MARGIN + column * width, (line - top) * height + height // 2)


def test_every_line_is_found_where_it_begins(qtbot):
    rng = random.Random(7)
    lines = ["x" * rng.randrange(0, 300) + str(i) for i in range(20_000)]
    text = "\n".join(lines)
    view = make(qtbot, text)
    assert view.line_count() == len(lines) and view.toPlainText() is text
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for number in [0, 1, 2, 999, len(lines) // 2, len(lines) - 1, *rng.sample(range(len(lines)), 200)]:
        assert view.start_of(number) == starts[number]
        assert view.line_from(starts[number]) == lines[number]
    # The index is a few numbers per 16 KB, not an object per line.
    assert view.index_size == len(text) // CHUNK + 3


def test_drag_selects_by_character_and_ctrl_c_copies_it(qtbot):
    text = "\n".join(f"line {i:03d} with some text" for i in range(100))
    view = make(qtbot, text)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, 2, 5))
    qtbot.mouseMove(view.viewport(), point(view, 4, 8))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, 4, 8))
    view.select_to(view.position_at(point(view, 4, 8)))  # offscreen platforms drop moves with no buttons held
    expected = text[text.index("line 002") + 5:text.index("line 004") + 8]
    assert view.selected_text() == expected
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == expected
    # Shift+click extends from where the selection began.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, point(view, 3, 0))
    assert view.selected_text() == text[text.index("line 002") + 5:text.index("line 003")]


def test_select_all_copies_everything_and_keys_scroll_to_the_end(qtbot):
    text = "\n".join(str(i) for i in range(50_000))
    view = make(qtbot, text)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == text
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 49_000
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert bar.value() == bar.maximum() - bar.pageStep()
    # The last line is where the mouse finds it.
    assert view.position_at(point(view, 49_999, 0)) == (49_999, 0)


def test_a_line_of_megabytes_is_drawn_a_screen_at_a_time(qtbot):
    text = "y" * (3 * 1024 * 1024)
    view = make(qtbot, text)
    view.viewport().update()  # draws only the columns in sight; the widest line drawn sets the range
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() > 3 * 1024 * 1024, timeout=5000)
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    view.viewport().repaint()
    assert view.position_at(QPoint(view.viewport().width() - 1, 5))[1] >= len(text) - 3
