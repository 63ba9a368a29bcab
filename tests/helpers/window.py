"""Driving the real window as a user would: finding controls by accessible name, choosing
vendor, operation and profile, reading the payload, clicking an item of a list."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def named(window, name):
    """The control with this accessible name (there must be exactly one)."""
    found = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} controls named {name!r}"
    return found[0]


def choose(window, vendor, operation, profile=None):
    named(window, "Vendor").setCurrentIndex(named(window, "Vendor").findData(vendor))
    named(window, "Operation").setCurrentIndex(named(window, "Operation").findData(operation))
    if profile is not None:
        if named(window, "Profile").findText(profile) < 0:  # made since the list was filled
            window.fill_profiles(profile)
        named(window, "Profile").setCurrentText(profile)
    window.validate_now()


def payload(window):
    return json.loads(named(window, "Payload").toPlainText())


def click_item(qtbot, view, item):
    """Clicks a QListWidget item where it is drawn."""
    view.scrollToItem(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(item).center())
