"""Profiles and keys through the dialog: settings to the profiles file, keys to the keyring,
the sandbox read-only, Synerise's credential test."""

from PySide6.QtCore import Qt

from console.core.definitions import vendors
from console.ui.dialogs.profiles import ProfilesDialog
from tests.helpers.window import choose, named


def test_edit_profile_and_store_key(qtbot, window, keyring_backend):
    window.ctx.profiles.update("mytracker", "production", {})
    dialog = ProfilesDialog(window.ctx, vendors()["mytracker"], "production", window)
    qtbot.addWidget(dialog)
    assert dialog.profile == "production"
    dialog.settings["app_id"].setText("4242")
    dialog.secrets["token"].setText("tok-123")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert window.ctx.profiles.settings("mytracker", "production") == {"app_id": "4242"}
    assert keyring_backend.store[("event-console", "mytracker/production/token")] == "tok-123"
    assert dialog.secrets["token"].text() == "" and "stored in the keyring" in dialog.secrets["token"].placeholderText()
    assert "tok-123" not in (window.ctx.home / "profiles.json").read_text()
    qtbot.mouseClick(dialog.forget["token"], Qt.MouseButton.LeftButton)
    assert ("event-console", "mytracker/production/token") not in keyring_backend.store
    # The sandbox cannot be edited or deleted.
    dialog.list.setCurrentRow(0)
    assert dialog.profile == "sandbox"
    assert not dialog.save_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert not dialog.settings["app_id"].isEnabled()


def test_synerise_test_credentials(qtbot, window):
    window.ctx.profiles.update("synerise", "live", {"base_url": window.ctx.sandbox_url() + "/synerise"})
    dialog = ProfilesDialog(window.ctx, vendors()["synerise"], "live", window)
    qtbot.addWidget(dialog)
    dialog.secrets["api_key"].setText("wrong-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "failed" in dialog.test_result.text(), timeout=10000)
    assert "wrong-key" not in dialog.test_result.text()
    dialog.secrets["api_key"].setText("sandbox-synerise-api-key")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Login worked" in dialog.test_result.text(), timeout=10000)
    # The window now sends with that profile without asking for a key again.
    window.fill_profiles("live")
    choose(window, "synerise", "custom", "live")
    assert named(window, "Send").isEnabled()
