"""The one QApplication of the process."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console.core.resources import resources_dir


def application() -> QApplication:
    """The running QApplication, made on first use."""
    app = QApplication.instance()
    if app is None:
        # Workers (sends, rendering, schema compiling) share the GIL with the GUI thread; a
        # short switch interval hands it back to the GUI thread sooner, so the window stays
        # responsive while they run.
        sys.setswitchinterval(0.001)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Event Console")
    app.setOrganizationName("event-console")
    app.setDesktopFileName("event-console")
    icon = resources_dir() / "icons" / "event-console-256.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app
