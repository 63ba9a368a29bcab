import json

import pytest
from PySide6.QtWidgets import QWidget

from console.core.secrets import SecretStore
from console.engine.context import AppContext
from console.ui.window.main_window import MainWindow


def named(window, name):
    """The control with this accessible name (there must be exactly one visible match)."""
    found = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} controls named {name!r}"
    return found[0]


@pytest.fixture
def make_window(qtbot, tmp_path, keyring_backend):
    made = []

    def make(secrets=None, home=None):
        ctx = AppContext(home=home or tmp_path / "home", secrets=secrets or SecretStore(keyring_backend))
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window._started, timeout=5000)
        made.append(window)
        return window

    yield make
    for window in made:
        if not window._closed:
            window.close()


@pytest.fixture
def window(make_window):
    return make_window()


def choose(window, vendor, operation, profile=None):
    named(window, "Vendor").setCurrentIndex(named(window, "Vendor").findData(vendor))
    named(window, "Operation").setCurrentIndex(named(window, "Operation").findData(operation))
    if profile is not None:
        named(window, "Profile").setCurrentText(profile)
    window.validate_now()


def payload(window):
    return json.loads(named(window, "Payload").toPlainText())
