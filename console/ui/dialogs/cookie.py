"""The cookie helper: reads a _vt_user cookie and offers its IDs for the payload."""


from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.core.cookies import VtUser, read_cookies
from console.ui.widgets.spoken import SpokenLabel


class CookieDialog(QDialog):
    """Reads a _vt_user cookie and offers its user and session IDs for the payload."""

    use = Signal(object)  # the VtUser whose IDs go into the events
    use_vtsid = Signal(str)  # the _vtsid that goes into the events, alone

    def __init__(self, can_use: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("_vt_user cookie helper")
        self.resize(560, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Paste the _vt_user value, _vt_user=…, a Cookie: header or document.cookie:"))
        self.input = QPlainTextEdit()
        self.input.setAccessibleName("Cookie text")
        self.input.setPlaceholderText("8139618027113397_253412802711339765_false_false")
        layout.addWidget(self.input, 1)
        self.outcome = SpokenLabel("")
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Cookie result")
        self.outcome.setTextInteractionFlags(self.outcome.textInteractionFlags() | self.outcome.textInteractionFlags().TextSelectableByMouse)
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.use_button = buttons.addButton("Use in payload", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setEnabled(False)
        self.use_button.setToolTip("Fill userId and sessionId into every event of the VibeTrace track payload")
        self.vtsid_button = buttons.addButton("Use _vtsid in payload", QDialogButtonBox.ButtonRole.ActionRole)
        self.vtsid_button.setAccessibleName("Use _vtsid in payload")
        self.vtsid_button.setEnabled(False)
        self.vtsid_button.setToolTip("Put the _vtsid into every event, without userId and sessionId: the way a "
                                     "server sends it after the web pixel")
        self.vtsid: str | None = None
        self._can_use = can_use
        # Why "Use in payload" is not offered, said where it is seen (not only in a tooltip).
        self.why_not = QLabel("" if can_use else "“Use in payload” works with VibeTrace → Track (legacy GET), "
                                                  "whose events carry userId and sessionId: choose it in the window.")
        self.why_not.setAccessibleName("Cookie use note")
        self.why_not.setWordWrap(True)
        self.why_not.setVisible(not can_use)
        layout.addWidget(self.why_not)
        buttons.rejected.connect(self.reject)
        self.use_button.clicked.connect(self._use)
        self.vtsid_button.clicked.connect(self._use_vtsid)
        layout.addWidget(buttons)
        self.parsed: VtUser | None = None
        self.input.textChanged.connect(self._parse)

    def _parse(self) -> None:
        text = self.input.toPlainText()
        reading = read_cookies(text)
        self.parsed, self.vtsid = reading.user, reading.vtsid
        if reading.problem:
            self.outcome.setText(f"⚠ {reading.problem}" if text.strip() else "")
            self.outcome.setStyleSheet("color: #c62828")
        else:
            lines = []
            if self.parsed is not None:
                flags = ", ".join(self.parsed.flags) or "none"
                lines += [f"Read: {self.parsed.raw}", f"User ID: {self.parsed.user_id}",
                          f"Session ID: {self.parsed.session_id}", f"Other fields: {flags}"]
                lines += [f"⚠ {w}" for w in self.parsed.warnings]
            else:
                lines.append("No _vt_user cookie in this text.")
            if self.vtsid:
                lines.append(f"_vtsid: {self.vtsid} (the web pixel's identifier; a server sends it alone)")
            self.outcome.setText("\n".join(lines))
            self.outcome.setStyleSheet("color: #8d6e00" if self.parsed and self.parsed.warnings else "")
        self.use_button.setEnabled(self.parsed is not None and self._can_use)
        self.vtsid_button.setEnabled(self.vtsid is not None and self._can_use)

    def _use_vtsid(self) -> None:
        if self.vtsid is not None:
            self.use_vtsid.emit(self.vtsid)
            self.accept()

    def _use(self) -> None:
        if self.parsed is not None:
            self.use.emit(self.parsed)
            self.accept()
