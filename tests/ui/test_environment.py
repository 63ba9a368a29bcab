"""Safe by default: the always-visible Environment label (the sandbox, a local host, a live
one, and whether it asks), the question before a send to a live host (each send, unless the
profile turned it off; a forced send always), and no silent switch to a live profile: not by
Profiles & keys, not by Import cURL (the sandbox first), not when the window reopens."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.helpers.window import choose, named


def test_the_label_says_sandbox_local_or_live(qtbot, window):
    choose(window, "synerise", "custom")
    label = named(window, "Environment")
    assert label.isVisible() and label.text().startswith("Sandbox")
    window.ctx.profiles.update("synerise", "prod", {})
    window.ctx.profiles.update("synerise", "dev", {"base_url": "http://127.0.0.1:9"})
    window.fill_profiles("prod")
    window.validate_now()
    assert label.text() == "LIVE: api.synerise.com — asks before each send"  # the vendor's default host
    assert "c62828" in label.styleSheet()
    window.fill_profiles("dev")
    window.validate_now()
    assert label.text() == "Local: 127.0.0.1:9"
    window.fill_profiles("sandbox")
    window.validate_now()
    assert label.text().startswith("Sandbox")


def answering(monkeypatch, answer, asked, tick_dont_ask=False):
    """Every question box answers `answer[0]` (its text goes to `asked`)."""
    def exec_(box):
        asked.append(box.text())
        if tick_dont_ask and box.checkBox() is not None:
            box.checkBox().setChecked(True)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_a_forced_send_to_a_live_host_asks_first(qtbot, window, monkeypatch):
    asked = []
    answer = [QMessageBox.StandardButton.No]
    answering(monkeypatch, answer, asked)
    window.ctx.profiles.update("octeth", "prod", {"base_url": "http://octeth.invalid"})
    window.ctx.secrets.set("octeth", "prod", "api_key", "k-123456")
    choose(window, "octeth", "event", "prod")
    named(window, "Payload").setPlainText(json.dumps({"ListID": 1, "event": "conversion", "email": "a@example.com"}))
    window.validate_now()
    assert named(window, "Environment").text() == "LIVE: octeth.invalid — asks before each send"
    # A screen reader hears what the label shows, not only its name.
    assert named(window, "Environment").accessibleDescription() == "LIVE: octeth.invalid — asks before each send"
    assert window.send_anyway.isEnabled()
    before = window.ctx.history.count()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("This goes to octeth.invalid, a real account") and window.controller.sending.job is None
    assert window.ctx.history.count() == before  # declined: nothing sent
    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.sending.job is None and window.ctx.history.count() == before + 1, timeout=20000)


def test_the_sandbox_never_asks(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked")))
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText(json.dumps({"ListID": 1, "event": "conversion", "email": "a@example.com"}))
    window.validate_now()
    before = window.ctx.history.count()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.sending.job is None and window.ctx.history.count() == before + 1, timeout=10000)


def live_profile(window, recorder_url="http://octeth.invalid"):
    window.ctx.profiles.update("octeth", "prod", {"base_url": recorder_url})
    window.ctx.secrets.set("octeth", "prod", "api_key", "k-123456")


def test_a_valid_send_to_a_live_host_asks_until_the_profile_says_not_to(qtbot, window, monkeypatch):
    """A host that is live by name (not this computer), served here by a test server the
    transport reaches through a proxy-less loopback: the question is the window's alone."""
    from tests.servers import RecordingServer

    server = RecordingServer()
    try:
        live_profile(window, "http://octeth.invalid")
        asked, answer = [], [QMessageBox.StandardButton.No]
        answering(monkeypatch, answer, asked, tick_dont_ask=True)
        choose(window, "octeth", "event", "prod")
        assert window.send_button.isEnabled()
        before = window.ctx.history.count()
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        assert asked == ["This goes to octeth.invalid, a real Octeth account (profile 'prod'), and is recorded "
                         "there.\n\nSend it?"]
        assert window.controller.sending.job is None and window.ctx.history.count() == before  # No: nothing sent
        assert window.ctx.profiles.asks_before_send("octeth", "prod")  # and "don't ask" not taken on a No
        answer[0] = QMessageBox.StandardButton.Yes
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)  # Yes, and don't ask again
        qtbot.waitUntil(lambda: window.controller.sending.job is None and window.ctx.history.count() == before + 1, timeout=20000)
        assert not window.ctx.profiles.asks_before_send("octeth", "prod")
        assert named(window, "Environment").text() == "LIVE: octeth.invalid — sends without asking"
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.controller.sending.job is None and window.ctx.history.count() == before + 2, timeout=20000)
        assert len(asked) == 2  # not asked the third time
    finally:
        server.stop()


def test_profiles_and_keys_never_switches_the_window_to_the_profile_made_there(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QDialog, QInputDialog

    choose(window, "octeth", "event")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("production", True))

    def exec_(dialog):
        dialog.new_button.click()  # the user makes a profile, and closes the dialog on it
        return QDialog.DialogCode.Accepted

    from console.ui.dialogs.profiles import ProfilesDialog

    monkeypatch.setattr(ProfilesDialog, "exec", exec_)
    window.open_profiles()
    assert named(window, "Profile").currentText() == "sandbox"
    assert named(window, "Environment").text().startswith("Sandbox")
    assert window.statusBar().currentMessage() == ("Profile 'production' is ready; the window still sends with "
                                                   "'sandbox'. Choose it under Profile to use it.")


def test_import_curl_tries_the_command_on_the_sandbox_first(qtbot, window):
    command = ("curl -X POST https://octeth.example.com/api/v1/event -H 'Content-Type: application/json' "
               "-d '{\"APIKey\": \"k-live-key\", \"ListID\": 3, \"event\": \"signup\", \"email\": \"a@example.com\"}'")
    window.open_curl_import()
    dialog = window.controller.actions.curl_dialog
    named(dialog, "cURL command").setPlainText(command)
    assert named(dialog, "Try on the sandbox").isChecked()  # the default
    assert not named(dialog, "Profile for the imported settings").isEnabled()
    dialog.import_button.click()
    assert named(window, "Profile").currentText() == "sandbox"
    assert json.loads(named(window, "Payload").toPlainText())["ListID"] == 3
    assert window.ctx.profiles.names("octeth") == ["sandbox"]  # nothing saved
    assert window.ctx.secrets.get("octeth", "imported", "api_key") is None
    # Choosing to make a profile makes it, switches to it, and says where sends now go.
    window.open_curl_import()
    dialog = window.controller.actions.curl_dialog
    named(dialog, "cURL command").setPlainText(command)
    named(dialog, "Create a profile").setChecked(True)
    dialog.import_button.click()
    assert named(window, "Profile").currentText() == "imported"
    assert window.statusBar().currentMessage() == ("Now sending with profile 'imported': LIVE: octeth.example.com "
                                                   "— asks before each send.")


def test_the_window_reopens_on_a_live_profile_only_when_it_asks(qtbot, make_window, tmp_path):
    first = make_window(home=tmp_path / "home")
    first.ctx.profiles.update("octeth", "prod", {"base_url": "https://octeth.example.com"})
    first.fill_profiles("sandbox")
    choose(first, "octeth", "event", "prod")  # chosen as a user does: under Profile
    first.close()
    again = make_window(home=tmp_path / "home")
    assert named(again, "Profile").currentText() == "prod"  # it asks: reopened on it
    again.ctx.profiles.set_asks_before_send("octeth", "prod", False)
    again.close()
    third = make_window(home=tmp_path / "home")
    assert named(third, "Profile").currentText() == "sandbox"
    assert third.sandbox_banner.text().startswith(
        "Profile 'prod' sends to a live host without asking, so the window opened on the sandbox.")
