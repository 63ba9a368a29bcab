"""Diagnostics for CI, benchmarks and the README, kept out of the app's entry points:

- `screenshot OUT`: opens the window on the data home, sends Synerise's custom-event example
  to the sandbox and saves a picture of the window once the answer is shown;
- `plan-screenshot OUT PLANS`: the Capture tab's live tracking-plan checklist after a few sends;
- `paint-probe`: opens the window and prints the wall-clock time of its first paint, then ends.

Run as `python -m console.ui.diagnostics …`, or in the frozen app as `event-console diagnostics …`.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _window(dark: bool = False):
    from console.engine.context import AppContext
    from console.ui.application import application
    from console.ui.window.main_window import MainWindow

    app = application()
    if dark:  # the system's dark scheme, as a user with a dark desktop sees the app
        from console.ui.widgets.theme import dark_palette

        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    return app, MainWindow(AppContext())


def screenshot(out: Path, example: bool = True, dark: bool = False, size: tuple[int, int] = (1366, 768)) -> int:
    from PySide6.QtCore import QTimer

    app, window = _window(dark)
    window.resize(*size)
    window.show()

    def save():
        window.grab().save(str(out))
        window.close()
        app.quit()

    def send():
        if not window.controller.ready:  # the first check has not run yet: nothing to send
            QTimer.singleShot(100, send)
            return
        window.vendor.setCurrentIndex(window.vendor.findData("synerise"))
        window.operation.setCurrentIndex(window.operation.findData("custom"))
        window.controller.sending.ensure_sender().finished.connect(lambda _result: QTimer.singleShot(600, save))
        window.send()

    QTimer.singleShot(600, send if example else save)
    return app.exec()


def plan_screenshot(out: Path, plans: Path, size: tuple[int, int] = (1366, 1060)) -> int:
    """The Capture tab's live checklist for the README: the window with the plans under `plans`,
    capturing, after the examples of some planned operations (and one event the plan lacks)
    were sent to capture the way a backend would."""
    from PySide6.QtCore import QTimer

    from console.core.definitions import find_operation
    from console.engine import pipeline

    app, window = _window()
    window.resize(*size)
    window.show()

    def save():
        window.grab().save(str(out))
        window.capture.stop(wait=True)
        window.close()
        app.quit()

    def capture():
        window.controller.actions.open_plan(str(plans), quiet=True)
        window.bottom_tabs.setCurrentWidget(window.capture)
        window.capture.port.setValue(0)
        window.capture.start()
        url = window.capture.server.url
        for vendor, operation, payload in (("synerise", "custom", None), ("mytracker", "customEvent", None),
                                           ("vibetrace", "track", None), ("synerise", "custom", {
                                               "action": "page.visit", "label": "Home", "client": {"customId": "c-9"}})):
            _, op = find_operation(vendor, operation)
            draft = pipeline.Draft(vendor, operation, payload=payload, base_url=f"{url}/{vendor}")
            pipeline.send(window.ctx, pipeline.prepare(window.ctx, draft))
        QTimer.singleShot(1500, save)

    QTimer.singleShot(600, capture)
    return app.exec()


def paint_probe() -> int:
    """Prints time.time() at the window's first paint and ends the process (bench/)."""
    import os
    import time

    from PySide6.QtCore import QEvent, QObject

    app, window = _window()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print(f"first-paint {time.time():.6f}", flush=True)
                os._exit(0)
            return False

    probe = FirstPaint(window)
    window.installEventFilter(probe)
    window.show()
    return app.exec()


def main(argv: list[str]) -> int:
    if argv[:1] == ["screenshot"]:
        return screenshot(Path(argv[1] if len(argv) > 1 else "screenshot.png"), example="--plain" not in argv,
                          dark="--dark" in argv)
    if argv[:1] == ["plan-screenshot"]:
        return plan_screenshot(Path(argv[1]), Path(argv[2]))
    if argv[:1] == ["paint-probe"]:
        return paint_probe()
    print("usage: diagnostics screenshot OUT.png [--plain] [--dark] | paint-probe", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
