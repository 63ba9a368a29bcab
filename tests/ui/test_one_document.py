"""One document behind both views: the form never rewrites the JSON from stale values, a
field's broken JSON blocks the send, answers stay with their requests, and issues take the
user to the right place in the editor and in the form."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.helpers.window import choose, click_item, named


def test_a_syntax_error_is_never_overwritten_from_the_form(qtbot, window):
    choose(window, "synerise", "custom")
    form, editor = named(window, "Form"), named(window, "Payload")
    window.tabs.setCurrentIndex(1)
    text = editor.toPlainText().replace('"label": "bark"', '"label": "barking"')
    broken = text.replace('"eventSalt": "{{$guid}}"', '"eventSalt": "{{$guid}}",')  # trailing comma
    assert broken != text
    editor.setPlainText(broken)
    window.validate_now()
    window.tabs.setCurrentIndex(0)  # to the form
    unavailable = named(window, "Form unavailable")
    assert "line" in unavailable.text() and "trailing comma" in unavailable.text()
    assert not [w for w in form.findChildren(QLineEdit) if w.isVisible()]  # nothing to edit
    window.validate_now()
    assert editor.toPlainText() == broken  # the edit and its error are still there
    issues = named(window, "Validation issues")
    assert "trailing comma" in issues.item(0).text()
    assert not named(window, "Send").isEnabled() and not window.send_anyway.isEnabled()
    # Fixed in the editor, the form comes back with the new value.
    editor.setPlainText(text)
    window.validate_now()
    assert form.field("/label").text() == "barking"


def test_invalid_json_in_a_form_field_is_an_error_at_its_path(qtbot, window, recorder):
    choose(window, "synerise", "custom")
    window.tabs.setCurrentIndex(0)
    params = named(window, "Form").field("/params")
    params.setFocus()
    params.selectAll()
    qtbot.keyClicks(params, '{"loudness": 3,')
    window.validate_now()
    issues = named(window, "Validation issues")
    texts = [issues.item(i).text() for i in range(issues.count())]
    assert any(t.startswith("error") and "/params" in t and "not valid JSON" in t for t in texts), texts
    assert not named(window, "Send").isEnabled()
    assert params.property("issue") == "error"  # marked in place
    # The JSON keeps the last valid params; nothing goes out without them.
    assert json.loads(named(window, "Payload").toPlainText())["params"]["loudness"] == 3
    qtbot.keyClicks(params, ' "mood": "ok"}')
    window.validate_now()
    assert named(window, "Send").isEnabled()
    assert json.loads(named(window, "Payload").toPlainText())["params"] == {"loudness": 3, "mood": "ok"}


def test_an_answer_stays_with_its_request(qtbot, window):
    choose(window, "synerise", "custom")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("202"), timeout=10000)
    about = named(window, "Response of")
    assert about.text().startswith("Answer to synerise/custom [sandbox] — history #")
    choose(window, "mytracker", "login")
    assert about.text().startswith("Earlier request, not mytracker/login: Answer to synerise/custom")
    choose(window, "synerise", "custom")
    assert about.text().startswith("Answer to synerise/custom")


def test_an_issue_of_item_21_goes_to_item_21(qtbot, window):
    choose(window, "mytracker", "customEventBatch")
    events = [{"customUserId": str(i), "lvid": "0" * 32, "customEventName": "e"} for i in range(21)]
    events[20]["lvid"] = "short"
    named(window, "Payload").setPlainText(json.dumps(events, indent=2))
    window.validate_now()
    issues = named(window, "Validation issues")
    item = next(issues.item(i) for i in range(issues.count()) if "/20/lvid" in issues.item(i).text())
    # In the editor: the line of item 21's lvid, not item 1's.
    window.tabs.setCurrentIndex(1)
    click_item(qtbot, issues, item)
    editor = named(window, "Payload")
    line = editor.textCursor().blockNumber() + 1
    assert editor.document().findBlockByNumber(line - 1).text().strip() == '"lvid": "short",'
    # In the form: scrolled to, focused and marked.
    window.tabs.setCurrentIndex(0)
    click_item(qtbot, issues, item)
    field = named(window, "Form").field("/20/lvid")
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    assert field.property("issue") == "error" and "32" in field.toolTip()
    viewport = named(window, "Form").viewport().rect()
    top_left = field.mapTo(named(window, "Form").viewport(), field.rect().topLeft())
    assert viewport.contains(top_left)


def test_the_bytes_sent_are_the_bytes_the_preview_shows_for_every_operation(qtbot, window, recorder):
    from console.core.definitions import vendors
    from tests.servers import Reply

    recorder.reply = Reply(status=200, body=b'{"ok": true}')
    preview = named(window, "Request preview")
    for vendor in vendors().values():
        for op in vendor.operations.values():
            window.ctx.profiles.update(vendor.name, "wire", {"base_url": recorder.url, "account_id": "7",
                                                               "app_id": "9"})
            window.ctx.secrets.set(vendor.name, "wire", op.credentials[0], "k3y") if op.credentials else None
            window.fill_profiles("wire")
            choose(window, vendor.name, op.name, "wire")
            shown = preview.toPlainText()
            before = len(recorder.requests)
            if named(window, "Send").isEnabled():
                qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
            else:
                qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda n=before: len(recorder.requests) > n and window.controller.sending.job is None, timeout=10000)
            got = recorder.requests[-1]
            body = got.body.decode().replace('"k3y"', '"***"')
            # The request line; VibeTrace's events (data=) are shown decoded above it.
            request_line = next(line for line in shown.split("\n") if line.startswith(f"{got.method} "))
            assert request_line == f"{got.method} {recorder.url}{got.path.replace('k3y', '***')}", op.key
            if body:
                assert "\n\n" + body + "\n" in shown, op.key  # byte for byte, before the formatted copy


def test_dynamic_values_are_shown_as_generated_and_the_draft_keeps_its_tokens(qtbot, window):
    choose(window, "octeth", "event")
    editor = named(window, "Payload")
    editor.setPlainText('{"ListID": 1, "event": "signup", "email": "a@example.com", "id": "{{$guid}}"}')
    window.validate_now()
    preview = named(window, "Request preview").toPlainText()
    assert "Generated for this send" in preview and "← {{$guid}}" in preview
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("200"), timeout=10000)
    assert '"{{$guid}}"' in editor.toPlainText()  # the draft keeps the token
    sent = json.loads(window.ctx.history.get(window.ctx.history.recent(1)[0].id).payload)
    assert len(sent["id"]) == 36 and "{{" not in sent["id"]  # history keeps the value sent
