"""Heard, not only seen: walking Qt's accessibility interface over the whole window, for every
operation in the form and the JSON view, every control that takes focus has a name; what a label
shows (a status, where sends go) reaches a screen reader as its description; the form's `{$}`
buttons are named and in the Tab order."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

from console.core.definitions import vendors
from tests.helpers.window import choose, named


def unnamed_focusable(window) -> list[str]:
    found = []
    for widget in window.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isVisibleTo(window):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            found.append(f"{type(widget).__name__} {widget.objectName()!r} {widget.toolTip()[:40]!r}")
    return found


def test_every_focusable_control_has_a_name_for_every_operation(qtbot, window):
    window.resize(1366, 768)
    for vendor in vendors().values():
        for op in vendor.operations.values():
            choose(window, vendor.name, op.name)
            for tab in (0, 1):
                window.tabs.setCurrentIndex(tab)
                qtbot.wait(1)
                assert unnamed_focusable(window) == [], (vendor.name, op.name, tab)


def test_the_dynamic_value_buttons_are_named_and_in_the_tab_order(qtbot, window):
    choose(window, "synerise", "custom")
    window.tabs.setCurrentIndex(0)
    label = named(window, "Form").field("/label")
    button = named(window, "Insert dynamic value in label")
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    order = named(window, "Form").focusable_fields()
    assert order.index(button) == order.index(label) + 1  # right after its field
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_Tab)
    assert button.hasFocus()


def test_what_a_label_shows_is_its_description(qtbot, window, recorder):
    status = named(window, "Response status")
    assert status.accessibleName() == "Response status"
    choose(window, "octeth", "event")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.text().startswith("200"), timeout=10000)
    interface = QAccessible.queryAccessibleInterface(status)
    assert interface.text(QAccessible.Text.Description) == status.text() == "200 OK"
    window.ctx.profiles.update("octeth", "production", {"base_url": "https://octeth.example.com"})
    window.fill_profiles("production")
    choose(window, "octeth", "event", "production")
    environment = named(window, "Environment")
    description = QAccessible.queryAccessibleInterface(environment).text(QAccessible.Text.Description)
    assert description == environment.text() and description.startswith("LIVE: octeth.example.com")
