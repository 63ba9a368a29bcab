"""The window's composition root: builds the AppContext and the main window.

PySide6 is imported only inside console/ui; this module reaches it through functions, so
importing console.app stays cheap and Qt-free.
"""

from __future__ import annotations

import os
from pathlib import Path


def _application():
    from console.ui.application import application

    return application()


def create_main_window(home: Path):
    """The main window on the data home `home`, built but not shown and without entering the
    event loop (tests and the self-test use it)."""
    from console.core.context import AppContext
    from console.ui.main_window import MainWindow

    _application()
    return MainWindow(AppContext(home=Path(home)))


def open_and_close_window(home: Path) -> str:
    """Opens the main window, lets it paint, closes it; returns its title (self-test)."""
    app = _application()
    window = create_main_window(home)
    window.show()
    app.processEvents()
    title = window.windowTitle()
    window.close()
    app.processEvents()
    return title


def main() -> int:
    """`event-console` without arguments: the desktop window."""
    import sys

    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM")):
        # Qt would abort with a core dump; say what is wrong instead.
        print("event-console: no display to open the window on (DISPLAY is not set). "
              "The command line works without one: event-console --help", file=sys.stderr)
        return 2
    from console.core.context import default_home
    from console.ui.errors import install_error_dialog

    app = _application()
    home = default_home()
    install_error_dialog(home)
    window = create_main_window(home)
    window.show()
    if os.environ.get("EVENT_CONSOLE_SCREENSHOT"):
        # Diagnostics for CI and the README: save a picture once painted, then quit.
        from console.ui.screenshot import save_when_painted

        save_when_painted(window, Path(os.environ["EVENT_CONSOLE_SCREENSHOT"]))
    if os.environ.get("EVENT_CONSOLE_PAINT_PROBE"):
        # Diagnostics for bench/: print the wall-clock time of the first paint, then quit.
        from console.ui.screenshot import report_first_paint

        report_first_paint(window)
    return app.exec()
