"""Dynamic values in the window: the form's fields offer the tokens, the preview shows what
the next send would use, history keeps what was sent and the editor keeps the tokens."""

import json

from PySide6.QtCore import Qt

from tests.helpers.window import choose, named, payload


def menu_actions(menu):
    """Every token action of the menu, its submenus' included."""
    for action in menu.actions():
        if action.menu() is not None:
            yield from menu_actions(action.menu())
        elif action.data():
            yield action


def menu_action(field, token):
    (action,) = [a for a in menu_actions(field.token_menu()) if a.data() == token]
    return action


def test_a_text_field_offers_every_token_and_inserts_one_at_the_cursor(qtbot, window):
    choose(window, "synerise", "custom")
    window.tabs.setCurrentIndex(0)
    label = named(window, "Form").field("/label")
    menu = label.token_menu()
    assert [a.data() for a in menu.actions() if a.data()] == [
        "{{$guid}}", "{{$randomUUID}}", "{{$timestamp}}", "{{$timestampMs}}", "{{$isoTimestamp}}", "{{$randomInt}}",
        "{{$randomEmail}}"]
    postman = [a.data() for a in menu_actions(menu)][7:]
    assert "{{$randomFirstName}}" in postman and "{{$randomDateFuture}}" in postman and len(postman) == 22
    assert all("—" in a.text() for a in menu_actions(menu))  # each says what it makes
    label.setText("bark-")
    label.setCursorPosition(len("bark-"))
    menu_action(label, "{{$randomInt}}").trigger()
    window.validate_now()
    assert payload(window)["label"] == "bark-{{$randomInt}}"  # the draft keeps the token
    preview = named(window, "Request preview").toPlainText()
    assert "Generated for this send" in preview and "/label = bark-" in preview


def test_a_timestamp_in_a_numeric_field_is_sent_as_a_number(qtbot, window):
    choose(window, "mytracker", "customEvent")
    window.tabs.setCurrentIndex(0)
    field = named(window, "Form").field("/eventTimestamp")
    field.selectAll()
    menu_action(field, "{{$timestamp}}").trigger()
    window.validate_now()
    assert payload(window)["eventTimestamp"] == "{{$timestamp}}"
    issues = named(window, "Validation issues")
    assert issues.item(0).text().startswith("No issues")
    before = window.ctx.history.count()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 1 and window.controller.sending.job is None, timeout=10000)
    sent = json.loads(window.ctx.history.get(window.ctx.history.recent(1)[0].id).request_body)
    assert isinstance(sent["eventTimestamp"], int)  # what was sent, as the schema's type
    assert payload(window)["eventTimestamp"] == "{{$timestamp}}"  # and the editor still has the token


def test_an_unknown_token_is_an_error_at_its_path(qtbot, window):
    choose(window, "synerise", "custom")
    named(window, "Payload").setPlainText(json.dumps(
        {"action": "a.b", "client": {"id": 1}, "label": "x", "eventSalt": "{{$nope}}"}))
    window.validate_now()
    issues = named(window, "Validation issues")
    texts = [issues.item(i).text() for i in range(issues.count())]
    assert any("/eventSalt" in t and "{{$nope}}" in t for t in texts), texts
    assert not named(window, "Send").isEnabled()
