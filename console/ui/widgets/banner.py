"""A coloured strip of text across a window (sandbox, keyring, history notices)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from console.ui.widgets.theme import is_dark

COLOURS = {"info": ("#e3f2fd", "#0d47a1"), "warn": ("#fff8e1", "#6d4c00"), "error": ("#ffebee", "#b71c1c")}
DARK_COLOURS = {"info": ("#0d2a45", "#bbdefb"), "warn": ("#3d3000", "#ffe082"), "error": ("#4a1414", "#ffcdd2")}


def banner(text: str, kind: str = "info") -> QLabel:
    label = QLabel(text)
    background, foreground = (DARK_COLOURS if is_dark(label.palette()) else COLOURS)[kind]
    label.setWordWrap(True)
    label.setStyleSheet(f"background: {background}; color: {foreground}; padding: 6px; border-radius: 3px")
    return label
