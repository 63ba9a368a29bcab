"""A label whose text is a value (a status, where sends go, a count): what it shows reaches a
screen reader too, as its accessible description, every time it changes. Its accessible name
stays what it is (a name is a label, not a value: the contract's Window section)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


class SpokenLabel(QLabel):
    """A QLabel whose text is also its accessible description."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setAccessibleDescription(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setAccessibleDescription(text)
