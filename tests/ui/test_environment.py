"""The always-visible Environment label (the sandbox, a local host, a live one) and the
confirmation before a forced send to a live host."""

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
    assert label.text() == "LIVE: api.synerise.com"  # the vendor's default host, not "not set"
    assert "c62828" in label.styleSheet()
    window.fill_profiles("dev")
    window.validate_now()
    assert label.text() == "Local: 127.0.0.1:9"
    window.fill_profiles("sandbox")
    window.validate_now()
    assert label.text().startswith("Sandbox")


def test_a_forced_send_to_a_live_host_asks_first(qtbot, window, monkeypatch):
    asked = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: (asked.append(args[2]), answer[0])[1])
    window.ctx.profiles.update("octeth", "prod", {"base_url": "http://octeth.invalid"})
    window.ctx.secrets.set("octeth", "prod", "api_key", "k-123456")
    choose(window, "octeth", "event", "prod")
    named(window, "Payload").setPlainText(json.dumps({"ListID": 1, "event": "conversion", "email": "a@example.com"}))
    window.validate_now()
    assert named(window, "Environment").text() == "LIVE: octeth.invalid"
    # A screen reader hears what the label shows, not only its name.
    assert named(window, "Environment").accessibleDescription() == "LIVE: octeth.invalid"
    assert window.send_anyway.isEnabled()
    before = window.ctx.history.count()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("This goes to octeth.invalid, a real account") and window.job is None
    assert window.ctx.history.count() == before  # declined: nothing sent
    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None and window.ctx.history.count() == before + 1, timeout=20000)


def test_the_sandbox_never_asks(qtbot, window, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked")))
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText(json.dumps({"ListID": 1, "event": "conversion", "email": "a@example.com"}))
    window.validate_now()
    before = window.ctx.history.count()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None and window.ctx.history.count() == before + 1, timeout=10000)
