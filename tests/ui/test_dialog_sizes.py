"""Dialogs fit their content: at their default size each fits a 1024×700 screen, and no field is
narrower than the text it holds or asks for (a pasted key, a base URL), for every vendor."""

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit

from console.core.definitions import vendors


def squeezed(dialog) -> list[str]:
    """The visible fields narrower than their text (or placeholder), up to 300 px, or than 150."""
    found = []
    for field in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QComboBox):
        if not field.isVisible() or isinstance(field.parent(), QComboBox):
            continue
        if isinstance(field, QPlainTextEdit):
            lines = (field.toPlainText() or field.placeholderText()).splitlines() or [""]
            text = max(lines, key=len)
        elif isinstance(field, QComboBox):
            text = field.currentText()
        else:
            text = field.text() or field.placeholderText()
        needed = min(300, field.fontMetrics().horizontalAdvance(text) + 16)
        if field.width() < max(needed, 150):
            found.append(f"{field.accessibleName() or type(field).__name__}: {field.width()} px < {max(needed, 150)}")
    return found


def fits(dialog) -> bool:
    return dialog.width() <= 1024 and dialog.height() <= 700 and dialog.minimumSizeHint().height() <= 700


@pytest.mark.parametrize("vendor", list(vendors()))
def test_profiles_and_keys_fits_for_every_vendor(qtbot, window, vendor):
    from console.ui.dialogs.profiles import ProfilesDialog

    definition = vendors()[vendor]
    window.ctx.profiles.update(vendor, "production", {"base_url": "https://api.example-vendor-host.com/v1"})
    dialog = ProfilesDialog(window.ctx, definition, "production", window, next(iter(definition.operations.values())))
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert fits(dialog), dialog.size()
    assert squeezed(dialog) == []
    dialog.close()


def test_the_other_dialogs_fit(qtbot, window):
    from tests.helpers.window import choose

    window.open_curl_import()
    window.open_cookie_helper()
    choose(window, "octeth", "event")
    window.save_as_case()
    dialogs = [window.controller.actions.curl_dialog, window.controller.actions.cookie_dialog, window.controller.actions.save_case_dialog]
    QApplication.processEvents()
    for dialog in dialogs:
        assert fits(dialog), (dialog.windowTitle(), dialog.size())
        assert squeezed(dialog) == [], dialog.windowTitle()
        dialog.close()
