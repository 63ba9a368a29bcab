"""A coloured strip of text across a window (sandbox, keyring, history notices)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

COLOURS = {"info": ("#e3f2fd", "#0d47a1"), "warn": ("#fff8e1", "#6d4c00"), "error": ("#ffebee", "#b71c1c")}


def banner(text: str, kind: str = "info") -> QLabel:
    background, foreground = COLOURS[kind]
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"background: {background}; color: {foreground}; padding: 6px; border-radius: 3px")
    return label
