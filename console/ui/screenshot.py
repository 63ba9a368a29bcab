"""Saves a picture of a window once it has painted (the README's screenshot, and a way to
look at the window without a display: `python -m console.ui.screenshot out.png`)."""

from __future__ import annotations

import sys
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


def report_first_paint(window) -> None:
    """Prints time.time() at the window's first paint and ends the process (bench/)."""
    import os
    import time

    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print(f"first-paint {time.time():.6f}", flush=True)
                os._exit(0)
            return False

    window._paint_probe = FirstPaint(window)
    window.installEventFilter(window._paint_probe)


def main(out: str) -> int:
    """Opens the window on $EVENT_CONSOLE_HOME, sends Synerise's custom-event example to the
    sandbox, and saves the window once the answer is shown."""
    from console.app import _application, create_main_window
    from console.core.context import default_home

    app = _application()
    window = create_main_window(default_home())
    window.resize(1360, 880)
    window.show()

    def send():
        window.vendor.setCurrentIndex(window.vendor.findData("synerise"))
        window.operation.setCurrentIndex(window.operation.findData("custom"))
        window.send()
        window.sender.finished.connect(lambda _r: save_when_painted(window, Path(out), 600))

    QTimer.singleShot(600, send)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png"))
