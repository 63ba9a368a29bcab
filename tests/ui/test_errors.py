"""An unexpected exception shows a dialog and goes to a log in the data home, redacted."""

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from console.core.secrets import redact_log_text
from console.ui.errors import LOG_NAME, install_error_dialog


def test_unexpected_error_is_logged_and_shown(qtbot, tmp_path):
    old = sys.excepthook
    try:
        install_error_dialog(tmp_path)
        try:
            raise RuntimeError("boom while sending to https://x/events?token=SECRET123 with Bearer eyJabc.def")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        box = QApplication.instance()._error_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "RuntimeError" in box.text() and str(tmp_path / LOG_NAME) in box.text()
        assert "SECRET123" not in box.text()
        log = (tmp_path / LOG_NAME).read_text()
        assert "Traceback" in log and "boom" in log
        assert "SECRET123" not in log and "eyJabc" not in log
        box.close()
    finally:
        sys.excepthook = old


def test_log_redaction_patterns():
    text = ('token=abc&x=1 Authorization: rawkey "APIKey": "K1", "apiKey":"K2" SessionID=S1 '
            "Bearer ey.x.y tracker_key=T")
    out = redact_log_text(text, ["also-this"])
    for secret in ("abc", "rawkey", "K1", "K2", "S1", "ey.x.y", "=T"):
        assert secret not in out, secret
    assert "x=1" in out
    assert redact_log_text("plain also-this", ["also-this"]) == "plain ***"
