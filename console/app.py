"""The window's composition root: builds the AppContext and the main window.

PySide6 is imported only inside console/ui; this module reaches it through functions, so
importing console.app stays cheap and Qt-free.
"""

from __future__ import annotations

import os
from pathlib import Path


def application():
    """The one QApplication of the process."""
    from console.ui.application import application as make

    return make()


def create_main_window(home: Path):
    """The main window on the data home `home`, built but not shown and without entering the
    event loop (tests and the self-test use it)."""
    return _build_window(*_begin(home))


def _begin(home: Path) -> tuple:
    """What the window is built on: its AppContext and its saved state."""
    from console.core.window_state import load_state
    from console.engine.context import AppContext

    ctx = AppContext(home=Path(home))
    return ctx, load_state(ctx.home)


def _build_window(ctx, state):
    from console.ui.window.main_window import MainWindow

    application()
    return MainWindow(ctx, state=state)


def open_and_close_window(home: Path) -> str:
    """Opens the main window, lets it paint, closes it; returns its title (self-test)."""
    app = application()
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
    from console.engine.context import default_home

    home = default_home()
    begun = _begin(home)  # before Qt is imported
    from console.ui.errors import install_error_dialog

    install_error_dialog(home)
    window = _build_window(*begun)
    window.show()
    from console.ui.application import close_on_ctrl_c

    close_on_ctrl_c(window)
    return application().exec()
