"""The one QApplication of the process."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console.core.resources import resources_dir


def application() -> QApplication:
    """The running QApplication, made on first use."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Event Console")
    app.setOrganizationName("event-console")
    app.setDesktopFileName("event-console")
    icon = resources_dir() / "icons" / "event-console-256.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def close_on_ctrl_c(window) -> None:
    """Ctrl+C in the terminal the window was started from closes it as Quit does (drafts and
    state saved, no traceback). While Qt's event loop waits, no Python code runs to notice the
    signal, so the signal also writes to a pipe that Qt watches, which wakes the loop."""
    import signal

    from PySide6.QtCore import QSocketNotifier

    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    try:
        signal.set_wakeup_fd(write)
    except (ValueError, OSError):  # not the main thread, or a platform that wants a socket
        os.close(read)
        os.close(write)
        return
    signal.signal(signal.SIGINT, lambda *_: window.close())
    notifier = QSocketNotifier(read, QSocketNotifier.Type.Read, window)
    notifier.activated.connect(lambda *_: _drain(read))


def _drain(fd: int) -> None:
    """Empties the wake-up pipe (the signal's handler has run by then)."""
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass
