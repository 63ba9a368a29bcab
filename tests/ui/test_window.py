"""The real window, driven through its named controls (offscreen)."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from console.app import create_main_window
from console.core.secrets import SecretStore
from tests.helpers.window import choose, click_item, named, payload
from tests.memory_keyring import NoKeyring
from tests.servers import Reply
from tests.test_definitions import ALL_OPERATIONS

CONTRACT_NAMES = ["Vendor", "Operation", "Profile", "Payload", "Send", "Cancel", "Request preview",
                  "Response status", "Response body", "History", "History search", "Validation issues",
                  "Cookie helper", "Import cURL", "Copy as cURL"]


def test_contract_accessible_names(window):
    for name in CONTRACT_NAMES:
        named(window, name)


def test_create_main_window_opens_on_the_sandbox(qtbot, tmp_path):
    window = create_main_window(tmp_path / "home")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.ready, timeout=10000)
    assert named(window, "Profile").currentText() == "sandbox"
    assert "nothing leaves it" in named(window, "Sandbox banner").text()
    assert payload(window) == window.controller.op_def.example
    assert named(window, "Send").isEnabled()
    window.close()


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_every_operation_sends_its_example_from_the_window(qtbot, window, vendor, operation):
    choose(window, vendor, operation)
    history = named(window, "History").model()
    before = history.rowCount()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    status = named(window, "Response status")
    qtbot.waitUntil(lambda: status.text()[:1] == "2", timeout=10000)
    qtbot.waitUntil(lambda: history.rowCount() == before + 1, timeout=3000)
    assert history.rows[0].vendor == vendor and history.rows[0].operation == operation
    assert named(window, "Send").isEnabled()


def test_ctrl_enter_sends(qtbot, window):
    choose(window, "mytracker", "login")
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: named(window, "Response status").text() == "200 OK", timeout=10000)
    assert "not appear at once" in named(window, "Response explanation").text()
    assert json.loads(named(window, "Response body").toPlainText()) == {"message": "\u041eK"}
    assert window.ctx.history.recent(1)[0].source == "window"


def first_text_field(form):
    for pointer, widget in form._fields.items():
        if isinstance(widget, QLineEdit) and widget.text() and not widget.text()[0].isdigit() and widget.isVisible():
            return pointer, widget
    for pointer, widget in form._fields.items():
        if isinstance(widget, QLineEdit) and widget.isVisible():
            return pointer, widget
    raise AssertionError("no text field")


def value_at(document, pointer):
    for part in pointer.split("/")[1:]:
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_form_and_json_round_trip(qtbot, window, vendor, operation):
    choose(window, vendor, operation)
    editor = named(window, "Payload")
    # JSON → form: an unknown field is added in the JSON editor.
    document = payload(window)
    target = document[0] if isinstance(document, list) else document
    target["zzUnknownField"] = {"kept": True}
    editor.setPlainText(json.dumps(document, indent=2))
    window.validate_now()
    window.tabs.setCurrentIndex(0)
    form = window.form
    pointer, field = first_text_field(form)
    before = field.text()
    # Form → JSON: typing in a field shows in the JSON at once.
    qtbot.keyClicks(field, "x")
    after = payload(window)
    assert str(value_at(after, pointer)) == before + "x"
    # The unknown field survives the form edit.
    kept = after[0] if isinstance(after, list) else after
    assert kept["zzUnknownField"] == {"kept": True}
    # JSON → form: an edit in the JSON shows in the form.
    text = editor.toPlainText().replace(json.dumps(before + "x"), json.dumps("fromjson"), 1)
    editor.setPlainText(text)
    window.validate_now()
    window.tabs.setCurrentIndex(1)
    window.tabs.setCurrentIndex(0)
    assert window.form.field(pointer).text() == "fromjson"


def test_form_add_and_remove_batch_items(qtbot, window):
    choose(window, "mytracker", "loginBatch")
    window.tabs.setCurrentIndex(0)
    add = [b for b in window.form.findChildren(type(named(window, "Send"))) if b.accessibleName() == "Add item"][0]
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert len(payload(window)) == 3
    remove = [b for b in window.form.findChildren(type(add)) if b.accessibleName() == "Remove item 1"][0]
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert [e["customUserId"] for e in payload(window)] == ["2222", "1111"]


def test_broken_json_shows_line_and_column_and_blocks_sending(qtbot, window):
    choose(window, "synerise", "custom")
    history = named(window, "History").model()
    before = history.rowCount()
    named(window, "Payload").setPlainText('{\n  "action": "dog.bark",\n  "client": {"id": 1},,\n}')
    window.validate_now()
    issues = named(window, "Validation issues")
    assert "line 3, column 23" in issues.item(0).text()
    assert not named(window, "Send").isEnabled()
    assert not window.send_anyway.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.sending.job is None  # refused at once: nothing to wait for
    assert window.ctx.history.count() == before and history.rowCount() == before
    assert "not valid JSON" in named(window, "Request preview").toPlainText()
    # Clicking the issue puts the cursor on the line.
    click_item(qtbot, issues, issues.item(0))
    assert named(window, "Payload").textCursor().blockNumber() == 2
    # Undo brings the previous text back.
    named(window, "Payload").undo()
    window.validate_now()
    assert named(window, "Payload").toPlainText()


def test_json_editor_colours_numbers_lines_and_marks_the_error_line(qtbot, window):
    choose(window, "synerise", "custom")
    window.tabs.setCurrentIndex(1)
    editor = named(window, "Payload")
    editor.setPlainText('{\n  "action": "dog.bark",\n  "value": 12,\n  "ok": true,,\n}')
    window.validate_now()

    def colours(line):
        block = editor.document().findBlockByNumber(line)
        return {block.text()[r.start:r.start + r.length]: r.format.foreground().color().name()
                for r in block.layout().formats()}

    line = colours(1)
    assert line['"action"'] != line['"dog.bark"']  # a key and a string value differ
    assert colours(2)["12"] not in (line['"action"'], line['"dog.bark"'])
    assert "true" in colours(3)
    # The gutter: room for line numbers left of the text, the broken line remembered for it.
    assert editor.viewportMargins().left() >= editor.fontMetrics().horizontalAdvance("999")
    assert editor.error_line == 4
    assert len(editor.extraSelections()) == 1
    editor.setPlainText("{}")
    window.validate_now()
    assert editor.error_line is None and editor.extraSelections() == []


def test_errors_disable_send_but_send_anyway_shows_the_vendor_answer(qtbot, window):
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText('{"ListID": 1, "event": "conversion", "email": "a@b.co"}')
    window.validate_now()
    texts = [named(window, "Validation issues").item(i).text() for i in range(named(window, "Validation issues").count())]
    assert any("conversion-id" in t for t in texts)
    assert not named(window, "Send").isEnabled()
    assert window.send_anyway.isEnabled()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("422"), timeout=10000)
    assert "error 8" in named(window, "Response explanation").text()
    model = named(window, "History").model()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.rows[0].forced == 1


def test_cancel_frees_the_window_and_history_keeps_the_late_answer(qtbot, window):
    choose(window, "mytracker", "customEvent")
    window.ctx.sandbox.delay = 1.5
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Cancel").isEnabled(), timeout=2000)
    # The send is recorded before it goes out: once its row is there, it is on its way.
    qtbot.waitUntil(lambda: window.ctx.history.count() == 1, timeout=2000)
    qtbot.mouseClick(named(window, "Cancel"), Qt.MouseButton.LeftButton)
    assert named(window, "Send").isEnabled()
    assert named(window, "Response status").text() == "Cancelled"
    model = named(window, "History").model()
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and model.rows[0].outcome == "cancelled", timeout=8000)
    assert model.rows[0].status == 200
    assert named(window, "Response status").text() == "Cancelled"


def test_cancelled_sends_never_hold_up_the_next_one(qtbot, window, recorder):
    """More cancelled sends still waiting for their answers than sends run at once: the next
    send still goes out at once, and every late answer lands in history as cancelled."""
    from console.ui.window.sending import MAX_PARALLEL_SENDS

    window.ctx.profiles.update("mytracker", "slow", {"base_url": recorder.url, "app_id": "1"})
    window.ctx.secrets.set("mytracker", "slow", "token", "t")
    window.fill_profiles("slow")
    choose(window, "mytracker", "customEvent", "slow")
    recorder.reply = Reply(delay=3.0)
    for n in range(1, MAX_PARALLEL_SENDS + 2):
        qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda n=n: len(recorder.requests) == n, timeout=1500)  # it left at once
        qtbot.mouseClick(named(window, "Cancel"), Qt.MouseButton.LeftButton)
    recorder.reply = Reply()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("200"), timeout=1500)
    model = named(window, "History").model()
    qtbot.waitUntil(lambda: sum(r.outcome == "cancelled" for r in model.rows) == MAX_PARALLEL_SENDS + 1,
                    timeout=10000)
    assert window.controller.sending.runner.pool.maxThreadCount() == MAX_PARALLEL_SENDS  # the extra room is given back


def test_cookie_helper_fills_the_payload(qtbot, window):
    choose(window, "vibetrace", "track")
    qtbot.mouseClick(named(window, "Cookie helper"), Qt.MouseButton.LeftButton)
    dialog = window.controller.actions.cookie_dialog
    dialog.input.setPlainText("Cookie: _ga=1; _vt_user=111%5F222%5Ffalse%5Ffalse")
    assert "User ID: 111" in named(dialog, "Cookie result").text() and "Session ID: 222" in named(dialog, "Cookie result").text()
    dialog.input.setPlainText("_vt_user=abc_def")  # read, with a warning: the document shows digits
    assert "usually digits" in named(dialog, "Cookie result").text() and dialog.use_button.isEnabled()
    dialog.input.setPlainText("_vt_user=")
    assert "empty" in named(dialog, "Cookie result").text() and not dialog.use_button.isEnabled()
    dialog.input.setPlainText("111_222_false_false")
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    events = payload(window)
    assert (events[0]["userId"], events[0]["sessionId"]) == ("111", "222")


def test_import_curl_fills_everything_and_offers_the_key(qtbot, window, keyring_backend):
    from tests.test_curl import MYTRACKER_DOC

    qtbot.mouseClick(named(window, "Import cURL"), Qt.MouseButton.LeftButton)
    dialog = window.controller.actions.curl_dialog
    dialog.input.setPlainText("curl nonsense")
    assert "not an endpoint" in dialog.summary.text() and not dialog.import_button.isEnabled()
    dialog.input.setPlainText(MYTRACKER_DOC)
    assert "mytracker → customEvent" in dialog.summary.text()
    named(dialog, "Create a profile").setChecked(True)  # not the sandbox, the default
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert (named(window, "Vendor").currentData(), named(window, "Operation").currentData()) == ("mytracker", "customEvent")
    assert named(window, "Profile").currentText() == "imported"
    assert payload(window)["customEventName"] == "levelUp"
    assert keyring_backend.store[("event-console", "mytracker/imported/token")] == "skjdfASFasf03asdffar3asJHB32r"
    preview = named(window, "Request preview").toPlainText()
    assert "https://tracker-s2s.my.com/v1/customEvent/?idApp=666" in preview
    assert "skjdf" not in preview and "Authorization: ***" in preview


def test_copy_as_curl_masks_unless_asked(window):
    choose(window, "synerise", "ai-event")
    text = window.copy_as_curl()
    assert QGuiApplication.clipboard().text() == text
    assert "token=***" in text and "56ba9d02" not in text
    assert "56ba9d02" in window.copy_as_curl(include_secrets=True)


def test_without_keyring_banner_and_session_keys(qtbot, make_window, tmp_path):
    window = make_window(secrets=SecretStore(NoKeyring()))
    window.ctx.profiles.update("mytracker", "prod", {"app_id": "666", "base_url": window.ctx.sandbox_url() + "/mytracker"})
    window.ctx.secrets.set("mytracker", "prod", "token", "sandbox-mytracker-token")
    window.fill_profiles("prod")
    choose(window, "mytracker", "login", "prod")
    # Looked up after the window is ready (a worker thread), then said for a real profile.
    qtbot.waitUntil(lambda: named(window, "Keyring banner").isVisible(), timeout=10000)
    assert "session only" in named(window, "Keyring banner").text()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text() == "200 OK", timeout=10000)
    window.close()
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            assert b"sandbox-mytracker-token" not in path.read_bytes(), path


def test_remembers_choice_draft_and_geometry(qtbot, make_window, tmp_path):
    window = make_window()
    choose(window, "synerise", "batch")
    named(window, "Payload").setPlainText('[{"type": "custom", "note": "my draft"}]')
    window.resize(1000, 650)
    window.close()
    again = make_window()
    assert (named(again, "Vendor").currentData(), named(again, "Operation").currentData()) == ("synerise", "batch")
    assert payload(again) == [{"type": "custom", "note": "my draft"}]
    # The offscreen screen is 800 px wide, so only the height can come back as it was.
    assert again.height() == 650


def test_draft_with_a_pasted_key_is_redacted_on_disk(qtbot, window, tmp_path):
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText('{"APIKey": "PASTEDSECRET123", "ListID": 1}')
    window.save_state()
    assert b"PASTEDSECRET123" not in (tmp_path / "home" / "window.json").read_bytes()


def test_error_answers_and_large_bodies(qtbot, window, recorder):
    window.ctx.profiles.update("synerise", "rec", {"base_url": recorder.url})
    window.ctx.secrets.set("synerise", "rec", "jwt", "j")
    window.fill_profiles("rec")
    choose(window, "synerise", "custom", "rec")
    recorder.reply = Reply(status=500, body=b"<h1>oops</h1>", content_type="text/html")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("500"), timeout=10000)
    assert named(window, "Response body").toPlainText() == "<h1>oops</h1>"
    recorder.reply = Reply(stream_bytes=6 * 1024 * 1024, content_type="text/plain")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text().startswith("200"), timeout=15000)
    body = named(window, "Response body")
    qtbot.waitUntil(lambda: len(body.toPlainText()) == 64_000, timeout=5000)  # the preview, in slices
    assert "kept the first 5 MB" in named(window, "Response details").text()
    qtbot.mouseClick(window.response.show_all, Qt.MouseButton.LeftButton)
    full = window.response.rendered.full
    assert full.replace("\n", "") == "x" * (5 * 1024 * 1024)
    qtbot.waitUntil(lambda: len(body.toPlainText()) == len(full), timeout=15000)
    assert body.document().characterCount() < 10  # all of it is in the light view, not a QTextDocument
    assert not window.response.show_all.isVisible()


def test_unreachable_host_is_shown_plainly(qtbot, window):
    from tests.servers import refused_url

    window.ctx.profiles.update("mytracker", "down", {"base_url": refused_url(), "app_id": "1"})
    window.ctx.secrets.set("mytracker", "down", "token", "t")
    window.fill_profiles("down")
    choose(window, "mytracker", "login", "down")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text() == "No answer", timeout=10000)
    assert "refused" in named(window, "Response explanation").text()


def test_history_search_and_open_in_editor(qtbot, window):
    choose(window, "mytracker", "login")
    named(window, "Payload").setPlainText('{"customUserId": "find-me-42"}')
    window.validate_now()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    model = named(window, "History").model()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10000)
    choose(window, "octeth", "event")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10000)
    qtbot.keyClicks(named(window, "History search"), "find-me")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    window.open_history_exchange(model.rows[0].id)
    assert named(window, "Operation").currentData() == "login"
    assert payload(window) == {"customUserId": "find-me-42"}


def test_missing_setting_points_to_profiles(window):
    window.ctx.profiles.update("octeth", "mine", {})
    window.fill_profiles("mine")
    choose(window, "octeth", "event", "mine")
    issues = named(window, "Validation issues")
    texts = [issues.item(i).text() for i in range(issues.count())]
    assert any("settings/base_url" in t for t in texts)
    assert not named(window, "Send").isEnabled() and not window.send_anyway.isEnabled()


def test_jsonp_is_unwrapped_and_raw_shows_it_as_received(qtbot, window):
    choose(window, "vibetrace", "track")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Response status").text() == "200 OK", timeout=10000)
    body = named(window, "Response body")
    assert json.loads(body.toPlainText()) == {"status": "ok", "events": 1}
    assert "JSONP unwrapped" in named(window, "Response details").text()
    window.response.raw.setChecked(True)
    assert body.toPlainText().startswith("vt(") and body.toPlainText().endswith(");")


def test_keyboard_shortcuts_open_the_helpers(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.controller.actions.curl_dialog is not None and window.controller.actions.curl_dialog.isVisible(), timeout=3000)
    window.controller.actions.curl_dialog.reject()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.controller.actions.cookie_dialog is not None and window.controller.actions.cookie_dialog.isVisible(), timeout=3000)
    window.controller.actions.cookie_dialog.reject()


def test_import_curl_asks_for_a_file_the_command_sends(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    body = tmp_path / "event.json"
    body.write_text('{"customUserId": "from-file", "customEventName": "levelUp"}')
    qtbot.mouseClick(named(window, "Import cURL"), Qt.MouseButton.LeftButton)
    dialog = window.controller.actions.curl_dialog
    dialog.input.setPlainText("curl -X POST 'https://tracker-s2s.my.com/v1/customEvent/?idApp=1' "
                              "-H 'Authorization: t0k' --data-binary @event.json")
    assert "choose the file" in dialog.summary.text() and not dialog.import_button.isEnabled()
    chooser = named(dialog, "Choose file for cURL")
    assert chooser.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(body), "")))
    qtbot.mouseClick(chooser, Qt.MouseButton.LeftButton)
    assert dialog.import_button.isEnabled() and not chooser.isVisible()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert payload(window)["customUserId"] == "from-file"


def test_cookie_helper_reads_a_vtsid_in_the_same_header(qtbot, window):
    choose(window, "vibetrace", "track")
    qtbot.mouseClick(named(window, "Cookie helper"), Qt.MouseButton.LeftButton)
    dialog = window.controller.actions.cookie_dialog
    dialog.input.setPlainText("Cookie: _ga=1; _vt_user=111%5F222%5Ffalse%5Ffalse; _vtsid=abc%2D123")
    assert "User ID: 111" in named(dialog, "Cookie result").text()
    assert "_vtsid: abc-123 (the web pixel's identifier; a server sends it alone)" in named(dialog, "Cookie result").text()
    dialog.input.setPlainText("_ga=1; _vtsid=abc-123")  # no _vt_user: the _vtsid alone is a reading
    assert named(dialog, "Cookie result").text() == ("No _vt_user cookie in this text.\n"
                                    "_vtsid: abc-123 (the web pixel's identifier; a server sends it alone)")
    assert not dialog.use_button.isEnabled() and named(dialog, "Use _vtsid in payload").isEnabled()
    qtbot.mouseClick(named(dialog, "Use _vtsid in payload"), Qt.MouseButton.LeftButton)
    events = payload(window)
    assert events[0]["_vtsid"] == "abc-123" and "userId" not in events[0] and "sessionId" not in events[0]
    window.validate_now()
    assert not [i for i in window.controller.prepared.issues if "_vtsid" in i.path]  # the document's way: no warning
