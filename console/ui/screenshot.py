"""Saves a picture of a window once it has painted (for the README and for looking at it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def save_when_painted(window, path: Path, delay_ms: int = 800, quit_after: bool = True) -> None:
    def save():
        window.grab().save(str(path))
        if quit_after:
            window.close()
            QApplication.instance().quit()

    QTimer.singleShot(delay_ms, save)
