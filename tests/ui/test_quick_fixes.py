"""Quick fixes: an issue with one obvious fix offers it in place (under the field, in the issues
list, Ctrl+.), read from the schema and the value: text ↔ number, a string trimmed to its
limit, the documented value closest to what was typed, VibeTrace's type from the path; and
every field of the payload, unknown ones included, is editable in the form."""

import json

from PySide6.QtCore import Qt

from tests.helpers.window import choose, named, payload


def set_payload(window, value):
    named(window, "Payload").setPlainText(json.dumps(value))
    window.validate_now()
    window.tabs.setCurrentIndex(0)


def test_a_number_where_text_goes_is_made_text_in_place(qtbot, window):
    choose(window, "mytracker", "customEvent")
    set_payload(window, {"customUserId": 12345, "customEventName": "buy"})
    fix = named(window, "Quick fix for customUserId")
    assert fix.isVisible() and fix.text() == 'Quick fix: Make it text: "12345"'
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert payload(window)["customUserId"] == "12345"
    assert not [i for i in window.controller.prepared.issues if i.path == "/customUserId"]
    assert not named(window, "Quick fix for customUserId").isVisible()


def test_ctrl_dot_applies_the_fix_of_the_issue_chosen_in_the_list(qtbot, window):
    choose(window, "mytracker", "customEvent")
    set_payload(window, {"customUserId": 7, "customEventName": 42})
    issues = named(window, "Validation issues")
    (row,) = [i for i in range(issues.count()) if issues.item(i).text().startswith("error    /customEventName")]
    assert issues.item(row).text().endswith('Quick fix (Ctrl+.): Make it text: "42"')
    issues.setCurrentRow(row)
    issues.setFocus()
    qtbot.keyClick(issues, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    assert payload(window) == {"customUserId": 7, "customEventName": "42"}  # that issue's, not the first


def test_a_string_over_its_limit_is_trimmed_and_a_near_enum_is_chosen(qtbot, window):
    choose(window, "mytracker", "customEvent")
    name = "x" * 300
    set_payload(window, {"customUserId": "u1", "customEventName": name})
    assert window.apply_fix()
    assert payload(window)["customEventName"] == "x" * 255
    choose(window, "vibetrace", "track")
    events = payload(window)
    events.append({**events[0], "type": "confirmaton"})
    set_payload(window, events)
    fix = named(window, "Quick fix for type (item 2)")
    assert fix.text() == "Quick fix: Use 'confirmation', event 1's type (the one in the URL path)"
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert payload(window)[1]["type"] == "confirmation"


def test_a_documented_value_typed_nearly_right(qtbot, window):
    choose(window, "mytracker", "registration")
    example = payload(window)
    set_payload(window, {**example, "idGender": "woman"})
    issues = [i for i in window.controller.prepared.issues if i.path == "/idGender"]
    assert issues  # not a documented value
    assert window.controller.fixes.get(issues[0]) is None  # "woman" is a label, not near "0", "1" or "2": no guess


def test_a_field_the_schema_lacks_is_edited_in_the_form(qtbot, window):
    choose(window, "octeth", "event")
    set_payload(window, {"ListID": 1, "event": "e", "email": "a@example.com", "campaign": "winter",
                         "extra": {"a": 1}})
    field = named(window, "Form").field("/campaign")
    assert field is not None and field.text() == "winter"
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "spring")
    assert payload(window)["campaign"] == "spring" and payload(window)["extra"] == {"a": 1}
    assert named(window, "Form").field("/extra").text() == '{"a": 1}'
