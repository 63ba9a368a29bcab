"""What the first paint may use without paying for the Qt namespace.

PySide6 builds the Python side of the whole `Qt` namespace (about ninety enums, 15-30 ms on these
machines) the first time any of it is touched: naming
`Qt.Orientation.Vertical`, or calling a method that returns a `Qt` enum. Code that runs before
the window's first paint goes through these helpers instead; everything after it uses `Qt`
freely. `bench/gui_startup.py` measures the difference.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

# Qt::Orientation values, set through the property system, which converts them in C++.
_HORIZONTAL, _VERTICAL = 1, 2


def splitter(*, vertical: bool) -> QSplitter:
    """A QSplitter laid out vertically or horizontally."""
    split = QSplitter()
    split.setProperty("orientation", _VERTICAL if vertical else _HORIZONTAL)
    return split
