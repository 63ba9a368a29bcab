"""An unexpected exception shows a dialog and goes to a log in the data home, redacted."""

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from console.core.redact import redact_text
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
    out = redact_text(text, ["also-this"])
    for secret in ("abc", "rawkey", "K1", "K2", "S1", "ey.x.y", "=T"):
        assert secret not in out, secret
    assert "x=1" in out
    assert redact_text("plain also-this", ["also-this"]) == "plain ***"


def test_ctrl_c_in_the_terminal_closes_the_window_as_quit_does(tmp_path):
    """`event-console` (the window) started from a terminal: Ctrl+C closes it, saves its state,
    and prints no traceback, even while the window sits idle."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EVENT_CONSOLE_HOME": str(tmp_path),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    window = subprocess.Popen([sys.executable, "-m", "console"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "history.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # idle: nothing of Python runs until something wakes the event loop
        assert not (tmp_path / "window.json").exists()
        window.send_signal(signal.SIGINT)
        _, stderr = window.communicate(timeout=30)
    finally:
        window.kill()
    assert window.returncode == 0, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert (tmp_path / "window.json").exists()  # saved on the way out
