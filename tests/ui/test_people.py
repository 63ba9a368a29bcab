"""The window as marketers and QA engineers use it: it fits a 1366×768 laptop and a 1024×700
window with every control whole and every action in the menu bar; Tab goes pickers → payload
→ Send → response → history; no message speaks command line; every documented enum is a
choice; typed profile input is never dropped without asking; history rows say the event's
name and local time."""

import json

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QMessageBox, QWidget

from console.core.definitions import vendors
from tests.helpers.window import choose, named

COMMAND_LINE = ("event-console", "--set", "apt ", "secret set", "'vendors'")


@pytest.mark.parametrize("size", [(1366, 768), (1024, 700)])
def test_the_window_fits_with_nothing_cut_off(qtbot, window, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=3000)
    QApplication.processEvents()
    area = QRect(0, 0, window.width(), window.height())
    cut = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QComboBox)) or not widget.isVisible():
            continue
        if widget.window() is not window or _inside_scroll_area(widget):
            continue  # the form scrolls; what is in it is reached by scrolling
        rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if not area.contains(rect) or widget.width() < min(widget.minimumSizeHint().width(), widget.sizeHint().width()):
            cut.append((widget.accessibleName() or getattr(widget, "text", lambda: "")(), rect, widget.width()))
    assert cut == []
    # Every action is in the menu bar (what a panel hides is still one click away).
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Send", "History", "Help"]
    texts = {a.text().replace("&&", "&") for m in window.menus.values() for a in m.actions()}
    assert {"Import cURL…", "Profiles & keys…", "Cookie helper…", "Copy as cURL", "Send", "Cancel",
            "Keyboard shortcuts", "Clear all…", "Save as case…"} <= texts


def _inside_scroll_area(widget):
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def test_the_default_size_fits_the_screen():
    from PySide6.QtCore import QRect

    from console.ui.window.main_window import default_size

    assert default_size(QRect(0, 0, 1366, 728)) == (1280, 691)  # a 1366×768 laptop, minus its panel
    assert default_size(QRect(0, 0, 2560, 1400)) == (1280, 860)
    assert default_size(None) == (1280, 860)


def test_tab_goes_pickers_then_payload_then_send_then_response_then_history(qtbot, window):
    choose(window, "octeth", "event")
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    chain, widget = [], named(window, "Vendor")
    for _ in range(200):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        if widget is named(window, "Vendor"):
            break
    first_field = window.form.focusable_fields()[0]
    order = [named(window, "Vendor"), named(window, "Operation"), named(window, "Profile"), first_field,
             named(window, "Send"), named(window, "Response body"), named(window, "History search"),
             named(window, "History")]
    positions = [chain.index(w) for w in order]
    assert positions == sorted(positions), positions


def test_the_shortcut_sheet_lists_every_shortcut(qtbot, window):
    sheet = window.shortcut_sheet()
    shortcuts = {action: keys for _menu, action, keys in sheet}
    assert shortcuts["Send"].startswith("Ctrl+Return") and shortcuts["Keyboard shortcuts"] == "Ctrl+/"
    assert shortcuts["Import cURL…"] == "Ctrl+I" and shortcuts["Profiles & keys…"] == "Ctrl+P"
    window.show_shortcuts()
    table = named(window.shortcut_dialog, "Keyboard shortcuts")
    assert table.rowCount() == len(sheet) >= 15
    window.shortcut_dialog.close()


def test_no_window_message_speaks_command_line(qtbot, window, monkeypatch):
    # A profile without its key: the issue says where to add it, in window terms.
    window.ctx.profiles.update("mytracker", "production", {"app_id": "1"})
    choose(window, "mytracker", "login", "production")
    issues = named(window, "Validation issues")
    texts = [issues.item(i).text() for i in range(issues.count())]
    assert any("Profiles & keys" in t for t in texts), texts
    # A cURL command of no known endpoint.
    window.open_curl_import()
    dialog = window.controller.actions.curl_dialog
    named(dialog, "cURL command").setPlainText("curl https://example.com/nothing -d '{}'")
    result = named(dialog, "cURL import result").text()
    assert "not an endpoint this app knows" in result
    shown = [result]
    dialog.close()
    for banner in ("Sandbox banner", "Keyring banner"):
        shown.append(named(window, banner).text())
    shown += texts
    assert not [t for t in shown for marker in COMMAND_LINE if marker in t]


def _enum_pointers(schema, defs, value, path=""):
    """JSON Pointers of the documented enums present in the form of `value`."""
    from console.core.definitions import resolve_ref as resolve
    from console.ui.widgets.form_fields import kind_of

    schema = resolve(schema, defs)
    kind = kind_of(schema, defs)
    if kind == "enum":
        yield path
    elif kind == "object":
        for name, sub in schema.get("properties", {}).items():
            yield from _enum_pointers(sub, defs, (value or {}).get(name) if isinstance(value, dict) else None,
                                      f"{path}/{name}")
    elif kind == "array-objects" and isinstance(value, list) and value:
        yield from _enum_pointers(schema.get("items", {}), defs, value[0], f"{path}/0")


@pytest.mark.parametrize("vendor,operation", [(v, o) for v, d in vendors().items() for o in d.operations])
def test_every_documented_enum_is_a_choice(qtbot, window, vendor, operation):
    choose(window, vendor, operation)
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    definition = vendors()[vendor]
    op = definition.operations[operation]
    document = json.loads(named(window, "Payload").toPlainText())
    top = op.schema
    pointers = list(_enum_pointers(top, definition.defs, document))
    for pointer in pointers:
        field = window.form.field(pointer)
        assert isinstance(field, QComboBox), (pointer, type(field))
    if (vendor, operation) == ("mytracker", "customEvent"):
        gender = window.form.field("/idGender")
        assert [gender.itemText(i) for i in range(gender.count())] == [
            "(not set)", "0 — unknown", "1 — man", "2 — woman"]
        gender.setCurrentIndex(3)
        window.validate_now()
        assert json.loads(named(window, "Payload").toPlainText())["idGender"] == "2"  # the document's type kept


def test_typed_profile_input_is_kept_until_saved_or_dropped(qtbot, window, monkeypatch):
    from console.ui.dialogs.profiles import ProfilesDialog

    window.ctx.profiles.update("octeth", "staging", {})
    choose(window, "octeth", "event")
    dialog = ProfilesDialog(window.ctx, vendors()["octeth"], "staging", window, vendors()["octeth"].operations["event"])
    qtbot.addWidget(dialog)
    dialog.show()
    base = named(dialog, "Setting base_url")
    assert base.placeholderText().startswith("default: ") or base.placeholderText()
    qtbot.keyClicks(base, "https://octeth.example.com")
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers[0])
    dialog.close()
    assert dialog.isVisible() and base.text() == "https://octeth.example.com"  # Cancel: still there
    answers[0] = QMessageBox.StandardButton.Save
    dialog.close()
    assert not dialog.isVisible()
    assert window.ctx.profiles.settings("octeth", "staging")["base_url"] == "https://octeth.example.com"


def test_the_key_the_operation_needs_is_marked(qtbot, window):
    from PySide6.QtWidgets import QLabel

    from console.ui.dialogs.profiles import ProfilesDialog

    synerise = vendors()["synerise"]
    dialog = ProfilesDialog(window.ctx, synerise, "sandbox", window, synerise.operations["ai-event"])
    qtbot.addWidget(dialog)
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert any("needs this" in t for t in labels), labels  # a JWT, or an API key: either will do
    dialog.close()


def test_history_rows_say_the_event_and_local_time(qtbot, window):
    choose(window, "synerise", "custom")
    before = window.ctx.history.count()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 1 and window.controller.sending.job is None, timeout=10000)
    model = named(window, "History").model()
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=3000)
    text = model.data(model.index(0, 0))
    assert "“dog.bark”" in text
    from datetime import datetime

    zone = datetime.now().astimezone().tzname()
    assert f" {zone} " in text and "(forced)" not in text
    # A search says what matched.
    named(window, "History search").setText("bark")
    window.history.apply_filters()
    assert "[bark]" in model.data(model.index(0, 0))


def test_a_resend_of_a_valid_exchange_is_not_marked_forced(qtbot, window):
    choose(window, "octeth", "event")
    before = window.ctx.history.count()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 1 and window.controller.sending.job is None, timeout=10000)
    first = window.ctx.history.recent(1)[0].id
    window.resend_history_exchange(first)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 2 and window.controller.sending.job is None, timeout=10000)
    assert not window.ctx.history.recent(1)[0].forced


def test_banners_can_be_dismissed(qtbot, window):
    banner = named(window, "Sandbox banner")
    assert not banner.isVisible() and named(window, "First steps").isVisible()  # the first steps say it
    qtbot.mouseClick(named(window, "Dismiss first steps"), Qt.MouseButton.LeftButton)
    assert banner.isVisible()
    qtbot.mouseClick(named(window, "Dismiss sandbox banner"), Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    choose(window, "octeth", "event", "sandbox")
    assert not banner.isVisible()  # stays dismissed for the session


def test_no_keyring_banner_for_sandbox_only_use(qtbot, make_window):
    from console.core.secrets import SecretStore
    from tests.memory_keyring import NoKeyring

    window = make_window(secrets=SecretStore(NoKeyring()))
    qtbot.wait(300)
    assert not named(window, "Keyring banner").isVisible()
    window.ctx.profiles.update("octeth", "prod", {"base_url": "http://127.0.0.1:9"})
    window.fill_profiles("prod")
    choose(window, "octeth", "event", "prod")
    qtbot.waitUntil(lambda: named(window, "Keyring banner").isVisible(), timeout=10000)


def test_the_cookie_helper_shows_what_it_read_and_warns_instead_of_refusing(qtbot, window):
    choose(window, "vibetrace", "track")
    window.open_cookie_helper()
    dialog = window.controller.actions.cookie_dialog
    named(dialog, "Cookie text").setPlainText("_vt_user=12345_abcdef_false_false")
    result = named(dialog, "Cookie result").text()
    assert "Read: 12345_abcdef_false_false" in result and "Session ID: abcdef" in result and "⚠" in result
    assert dialog.use_button.isEnabled() and not named(dialog, "Cookie use note").isVisible()
    dialog.close()
    choose(window, "octeth", "event")
    window.open_cookie_helper()
    note = named(window.controller.actions.cookie_dialog, "Cookie use note")
    assert note.isVisible() and "VibeTrace" in note.text()
    window.controller.actions.cookie_dialog.close()


def test_no_red_send_anyway_before_the_first_check(qtbot, tmp_path):
    from console.app import create_main_window

    window = create_main_window(tmp_path / "home")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.send_anyway.isVisible()  # nothing to force yet
    qtbot.waitUntil(lambda: window.controller.ready, timeout=10000)
    assert not window.send_anyway.isVisible()  # the example is valid
    window.close()


def test_forms_read_for_people(qtbot, window):
    from PySide6.QtWidgets import QLabel

    choose(window, "octeth", "event")
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    form = window.form
    labels = [w.text() for w in form.findChildren(QLabel)]
    # One field for Octeth's id/ID, event/Event, properties/Properties; the other spelling named.
    assert form.field("/id") is not None and form.field("/ID") is None
    assert any(t.startswith("id") and "(or ID)" in t for t in labels), labels
    assert any("(or Event)" in t for t in labels)
    # Help under the field, not only in a tooltip; required fields first.
    assert any(t.startswith("Subscriber list ID") or "list" in t.lower() for t in labels if not t.endswith("*"))
    field_order = [t.split(" ")[0] for t in labels if t and t.split(" ")[0] in ("ListID", "id", "email", "event")]
    assert field_order.index("ListID") < field_order.index("email")


def test_a_full_batch_says_why_no_more_items(qtbot, window):
    from PySide6.QtWidgets import QPushButton

    batch = [{"customUserId": str(i), "customEventName": "e"} for i in range(20)]
    choose(window, "mytracker", "customEventBatch")
    named(window, "Payload").setPlainText(json.dumps(batch))
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    add = [b for b in window.form.findChildren(QPushButton) if b.accessibleName() == "Add item"][0]
    assert not add.isEnabled()
    assert "the most one request takes (20)" in named(window, "Items limit").text()


def test_true_false_and_json_fields_read_for_people(qtbot, window):
    choose(window, "octeth", "event")
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    silent = window.form.field("/isSilent")
    assert isinstance(silent, QComboBox)
    assert [silent.itemText(i) for i in range(silent.count())] == ["(not set)", "true", "false"]
    silent.setCurrentIndex(2)
    window.validate_now()
    assert json.loads(named(window, "Payload").toPlainText())["isSilent"] is False
    silent.setCurrentIndex(0)
    window.validate_now()
    assert "isSilent" not in json.loads(named(window, "Payload").toPlainText())
    properties = window.form.field("/properties")
    assert properties.height() > properties.fontMetrics().lineSpacing() * 2  # room for more than a line


def test_a_custom_time_range_goes_in_the_second_row_of_filters(qtbot, window):
    panel = window.history
    width = window.left_split.width()
    time_filter = named(window, "History time filter")
    time_filter.setCurrentIndex(time_filter.findText("From… to…"))
    panel.apply_filters()
    QApplication.processEvents()
    assert panel.more_filters.indexOf(named(window, "History from")) >= 0
    assert window.left_split.width() >= width * 0.9  # the editor keeps its room
