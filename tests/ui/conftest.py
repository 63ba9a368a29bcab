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
