import pytest

from console.core.secrets import SecretStore
from console.engine.context import AppContext
from console.ui.window.main_window import MainWindow


@pytest.fixture
def make_window(qtbot, tmp_path, keyring_backend):
    made = []

    def make(secrets=None, home=None):
        ctx = AppContext(home=home or tmp_path / "home", secrets=secrets or SecretStore(keyring_backend))
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.controller.ready, timeout=10000)
        made.append(window)
        return window

    yield make
    for window in made:
        if not window.controller.closed:
            window.close()


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture(autouse=True)
def no_dialog_left_open(qtbot):
    """A modal dialog nobody answers would stop a test for ever (no Python runs inside its
    loop, so no timeout fires): one still open after 20 s is closed, and the test fails with
    what it said."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    left_open: list[str] = []
    seen: dict[int, int] = {}

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            seen.clear()
            return
        ticks = seen[id(modal)] = seen.get(id(modal), 0) + 1
        if ticks * 500 >= 20000:
            text = modal.text() if isinstance(modal, QMessageBox) else ""
            left_open.append(f"{modal.windowTitle()!r}: {text}")
            modal.reject() if hasattr(modal, "reject") else modal.close()

    watchdog = QTimer()
    watchdog.setInterval(500)
    watchdog.timeout.connect(look)
    watchdog.start()
    yield
    watchdog.stop()
    assert not left_open, f"a dialog was left open and had to be closed: {left_open}"


@pytest.fixture(autouse=True)
def objects_back_to_the_collector():
    """A window's warm-up freezes what is alive out of the garbage collector (console.fast_start's
    gc_freeze), as fits one app in one process; in the tests' process windows come and go, so
    after each test everything goes back to the collector."""
    yield
    import gc

    gc.unfreeze()
