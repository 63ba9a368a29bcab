"""The Suites panel and "Save as case…", driven by accessible names: cases listed, run with
progress (sends in history with source `suite`), failures with their reason, re-run of the
failed ones, cancel, a case opened in the editor, and a case saved from the current payload."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from console.core.resources import resources_dir
from tests.helpers.window import choose, named, payload


def suites_tab(window):
    panel = named(window, "Suites")
    window.bottom_tabs.setCurrentWidget(panel)
    return panel


def results(window):
    cases = named(window, "Suite cases")
    return {cases.topLevelItem(i).text(0): (cases.topLevelItem(i).text(2), cases.topLevelItem(i).text(3))
            for i in range(cases.topLevelItemCount())}


def wait_run(qtbot, window, timeout=60000):
    qtbot.waitUntil(lambda: not window.suites.running, timeout=timeout)


def write_case(folder, name, **fields):
    data = {"name": name, "vendor": "octeth", "operation": "event",
            "payload": {"ListID": 1, "event": "signup", "email": "{{$randomEmail}}"}, **fields}
    path = folder / f"{name}.case.json"
    path.write_text(json.dumps(data))
    return path


def test_the_example_suites_are_listed_and_all_pass(qtbot, window):
    panel = suites_tab(window)
    cases = sorted((resources_dir() / "suites").rglob("*.case.json"))
    qtbot.waitUntil(lambda: named(window, "Suite cases").topLevelItemCount() == len(cases), timeout=5000)
    assert named(window, "Suite folder").text() == str(resources_dir() / "suites")
    qtbot.mouseClick(named(window, "Run all cases"), Qt.MouseButton.LeftButton)
    assert panel.running and named(window, "Cancel suite run").isEnabled()
    assert not named(window, "Run all cases").isEnabled()
    wait_run(qtbot, window)
    assert {result for result, _reason in results(window).values()} == {"passed"}
    assert named(window, "Suite summary").text() == f"{len(cases)} passed, 0 failed"
    rows = window.ctx.history.recent(100)
    assert len(rows) == len(cases) and {r.source for r in rows} == {"suite"}
    qtbot.waitUntil(lambda: named(window, "History").model().rowCount() == len(cases), timeout=5000)


def test_a_failure_shows_its_reason_and_only_failures_run_again(qtbot, window, tmp_path):
    write_case(tmp_path, "a-passes")
    wrong = write_case(tmp_path, "b-wrong-status", expect={"status": 500})
    panel = suites_tab(window)
    panel.open_folder(tmp_path)
    assert not named(window, "Re-run failed cases").isEnabled()
    qtbot.mouseClick(named(window, "Run all cases"), Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    found = results(window)
    assert found["a-passes"] == ("passed", "")
    assert found["b-wrong-status"][0] == "FAILED" and "expected status 500, got 200" in found["b-wrong-status"][1]
    assert named(window, "Suite summary").text() == "1 passed, 1 failed"
    # Fixed on disk, the failed case alone runs again, as the file now says.
    wrong.write_text(wrong.read_text().replace("500", "200"))
    before = window.ctx.history.count()
    assert named(window, "Re-run failed cases").isEnabled()
    qtbot.mouseClick(named(window, "Re-run failed cases"), Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    assert window.ctx.history.count() == before + 1  # only the failed case was sent
    assert results(window)["b-wrong-status"] == ("passed", "")
    assert named(window, "Suite summary").text() == "2 passed, 0 failed"
    assert not named(window, "Re-run failed cases").isEnabled()


def test_selected_cases_run_alone_and_a_case_opens_in_the_editor(qtbot, window, tmp_path):
    write_case(tmp_path, "one")
    write_case(tmp_path, "two", payload={"ListID": 2, "event": "signup", "email": "x@example.com"})
    panel = suites_tab(window)
    panel.open_folder(tmp_path)
    cases = named(window, "Suite cases")
    cases.topLevelItem(1).setSelected(True)
    qtbot.mouseClick(named(window, "Run selected cases"), Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    assert results(window) == {"one": ("", ""), "two": ("passed", "")}
    cases.itemActivated.emit(cases.topLevelItem(0), 0)
    assert named(window, "Vendor").currentData() == "octeth" and named(window, "Operation").currentData() == "event"
    assert payload(window)["email"] == "{{$randomEmail}}"  # the case's tokens, as written


def test_a_run_can_be_cancelled(qtbot, window, tmp_path):
    for i in range(6):
        write_case(tmp_path, f"case-{i}")
    window.ctx.sandbox.delay = 0.3
    panel = suites_tab(window)
    panel.open_folder(tmp_path)
    qtbot.mouseClick(named(window, "Run all cases"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(window, "Suite progress").value() >= 1, timeout=10000)
    qtbot.mouseClick(named(window, "Cancel suite run"), Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    states = [state for state, _ in results(window).values()]
    assert "not run" in states and named(window, "Suite summary").text().startswith("Cancelled.")
    assert named(window, "Run all cases").isEnabled()


def test_a_malformed_case_file_is_named_with_its_problem(qtbot, window, tmp_path):
    (tmp_path / "broken.case.json").write_text('{"name": "x"')
    panel = suites_tab(window)
    assert panel.open_folder(tmp_path) is False
    assert "broken.case.json" in named(window, "Suite summary").text()
    assert not named(window, "Run all cases").isEnabled()


def save_dialog(qtbot, window):
    qtbot.mouseClick(named(window, "Save as case"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.actions.save_case_dialog is not None
                    and window.controller.actions.save_case_dialog.isVisible(), timeout=3000)
    return window.controller.actions.save_case_dialog


def test_save_as_case_keeps_tokens_and_the_last_answer_as_expectation(qtbot, window, tmp_path):
    choose(window, "octeth", "event")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.sending.job is None and "octeth/event" in window.controller.last_answers, timeout=10000)
    dialog = save_dialog(qtbot, window)
    assert named(dialog, "Expected status").text() == "200"
    fields = named(dialog, "Expected answer fields")
    (status_field,) = [fields.item(i) for i in range(fields.count()) if fields.item(i).text().startswith("/status =")]
    status_field.setCheckState(Qt.CheckState.Checked)
    named(dialog, "Case name").setText("Octeth sign-up")
    assert named(dialog, "Case file").text().endswith("octeth/octeth-sign-up.case.json")
    assert str(window.ctx.home / "suites") in named(dialog, "Case file").text()  # not the bundled examples
    target = tmp_path / "mine" / "octeth" / "sign-up.case.json"
    named(dialog, "Case file").setText(str(target))
    named(dialog, "Expected status").setText("two hundred")
    qtbot.mouseClick(named(dialog, "Save case"), Qt.MouseButton.LeftButton)
    assert "Expected status" in named(dialog, "Save problem").text() and dialog.isVisible()  # nothing lost
    named(dialog, "Expected status").setText("200")
    qtbot.mouseClick(named(dialog, "Save case"), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = json.loads(target.read_text())
    assert saved["payload"]["email"] == payload(window)["email"]
    assert saved["expect"] == {"status": 200, "issues": "none", "body": {"/status": "success"}}
    assert "APIKey" not in saved["payload"] or saved["payload"]["APIKey"] in ("", "***")
    # It is listed in the Suites panel, and passes.
    assert window.bottom_tabs.currentWidget() is named(window, "Suites")
    assert "Octeth sign-up" in results(window)
    qtbot.mouseClick(named(window, "Run all cases"), Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    assert results(window)["Octeth sign-up"] == ("passed", "")


def test_save_as_case_with_broken_json_says_why(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText('{"ListID": ')
    window.validate_now()
    window.save_as_case()
    # The whole message: a substring once let "<bound method …>" through.
    assert shown == ["The JSON has an error at line 1, column 12: Expecting value. Fix it first: a case holds a "
                     "payload that parses."]
    QApplication.processEvents()


def test_save_as_case_expects_the_kind_of_a_field_that_changes_every_send(qtbot, window, tmp_path):
    """Octeth answers a fresh /uuid every send: the case expects a UUID there, not that one."""
    choose(window, "octeth", "event")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.sending.job is None and "octeth/event" in window.controller.last_answers, timeout=10000)
    dialog = save_dialog(qtbot, window)
    fields = named(dialog, "Expected answer fields")
    (uuid_field,) = [fields.item(i) for i in range(fields.count()) if fields.item(i).text().startswith("/uuid ")]
    assert uuid_field.text() == "/uuid any UUID (it changes every send)"
    uuid_field.setCheckState(Qt.CheckState.Checked)
    target = tmp_path / "uuid.case.json"
    named(dialog, "Case file").setText(str(target))
    qtbot.mouseClick(named(dialog, "Save case"), Qt.MouseButton.LeftButton)
    saved = json.loads(target.read_text())
    assert saved["expect"]["body"] == {"/uuid": {"$matches": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                                             "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"}}
    for _ in range(2):  # passes run after run
        qtbot.mouseClick(named(window, "Run all cases"), Qt.MouseButton.LeftButton)
        wait_run(qtbot, window)
        assert set(results(window).values()) == {("passed", "")}


def test_the_file_label_is_a_mnemonic_not_an_ampersand(qtbot, window):
    from PySide6.QtWidgets import QLabel

    choose(window, "octeth", "event")
    dialog = save_dialog(qtbot, window)
    labels = {w.text(): w for w in dialog.findChildren(QLabel)}
    assert labels["&File"].buddy() is named(dialog, "Case file")
    dialog.reject()


def test_a_chosen_suites_folder_is_remembered_and_cases_are_saved_there(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    repository = tmp_path / "qa-repo" / "suites"
    repository.mkdir(parents=True)
    first = make_window(home=tmp_path / "home")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(repository)))
    first.bottom_tabs.setCurrentWidget(named(first, "Suites"))
    qtbot.mouseClick(named(first, "Open suite folder"), Qt.MouseButton.LeftButton)
    assert named(first, "Suite folder").text() == str(repository)
    first.close()
    again = make_window(home=tmp_path / "home")
    again.bottom_tabs.setCurrentWidget(named(again, "Suites"))
    assert named(again, "Suite folder").text() == str(repository)
    choose(again, "octeth", "event")
    dialog = save_dialog(qtbot, again)
    assert named(dialog, "Case file").text().startswith(str(repository))  # the QA engineer's repository
    dialog.reject()
