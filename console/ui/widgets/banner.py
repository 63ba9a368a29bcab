"""A coloured strip of text across a window (sandbox, keyring, history notices), with a small
✕ that dismisses it for the rest of the session."""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton

from console.ui.widgets.spoken import SpokenLabel
from console.ui.widgets.theme import is_dark

COLOURS = {"info": ("#e3f2fd", "#0d47a1"), "warn": ("#fff8e1", "#6d4c00"), "error": ("#ffebee", "#b71c1c")}
DARK_COLOURS = {"info": ("#0d2a45", "#bbdefb"), "warn": ("#3d3000", "#ffe082"), "error": ("#4a1414", "#ffcdd2")}


class Banner(SpokenLabel):
    """A notice; once dismissed (its ✕), it stays hidden whatever asks to show it again. What it
    says is its accessible description too."""

    def __init__(self, text: str, kind: str, name: str):
        super().__init__(text)
        self.kind = kind
        self.dismissed = False
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(f"Dismiss {name.lower()}")
        self.close_button.setToolTip("Hide this notice for this session")
        self.close_button.clicked.connect(self.dismiss)
        self.restyle()

    def restyle(self) -> None:
        """Colours for the current palette (called again when the theme changes)."""
        background, foreground = (DARK_COLOURS if is_dark(self.palette()) else COLOURS)[self.kind]
        # Room on the right for the ✕.
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; padding: 4px 28px 4px 6px; "
                           f"border-radius: 3px }}")

    def dismiss(self) -> None:
        self.dismissed = True
        super().setVisible(False)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        super().setVisible(visible and not self.dismissed)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        size = self.close_button.sizeHint()
        self.close_button.move(self.width() - size.width() - 2, 2)


def banner(text: str, kind: str = "info", name: str = "Notice") -> Banner:
    return Banner(text, kind, name)
