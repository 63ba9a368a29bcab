"""Bringing work in and taking it out, in the window: File › Import Postman collection…, File ›
Export suite as Postman collection…, the Suites tab's data rows, and Copy as Python / Node.js /
PHP, each driven from the menus and controls a user has."""

import json

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from console.core.resources import resources_dir
from tests.helpers.window import choose, named
from tests.test_postman import TEAM_COLLECTION


def menu_action(window, menu, text):
    (action,) = [a for a in window.actions_by_menu[menu] if a.text() == text]
    return action


def box_titled(title):
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
             and w.windowTitle() == title]
    return found[0] if found else None


def test_import_a_postman_collection_from_the_file_menu(qtbot, window, tmp_path, monkeypatch, recorder):
    (tmp_path / "team.json").write_text(json.dumps(TEAM_COLLECTION))
    (tmp_path / "env.json").write_text(json.dumps({"name": "Staging", "values": [
        {"key": "octeth_url", "value": recorder.url}, {"key": "mt_url", "value": recorder.url},
        {"key": "sessionid", "value": "s3ss10n", "type": "secret"}, {"key": "mt_token", "value": "t0k3n"},
        {"key": "user", "value": "u-1"}]}))
    chosen = iter([str(tmp_path / "team.json"), str(tmp_path / "env.json")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (next(chosen), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path / "cases")))
    menu_action(window, "File", "Import Postman collection…").trigger()
    qtbot.waitUntil(lambda: box_titled("Postman collection imported") is not None, timeout=10000)
    box = box_titled("Postman collection imported")
    assert box.text() == f"3 case(s) written to {tmp_path / 'cases'}, 1 request(s) skipped."
    assert "skipped Health check: GET /health is none of the operations" in box.detailedText()
    box.close()
    assert named(window, "Suite cases").topLevelItemCount() == 3
    assert window.bottom_tabs.currentWidget() is named(window, "Suites")
    choose(window, "octeth", "event")
    assert [named(window, "Profile").itemText(i) for i in range(named(window, "Profile").count())] == ["sandbox", "Staging"]
    assert window.ctx.secrets.get("octeth", "Staging", "session_id") == "s3ss10n"


def test_a_collection_that_is_not_one_is_said_plainly(qtbot, window, tmp_path, monkeypatch):
    (tmp_path / "bad.json").write_text("{not json")
    chosen = iter([str(tmp_path / "bad.json"), ""])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (next(chosen), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path / "cases")))
    menu_action(window, "File", "Import Postman collection…").trigger()
    qtbot.waitUntil(lambda: box_titled("Postman collection not imported") is not None, timeout=10000)
    box = box_titled("Postman collection not imported")
    assert box.text().startswith(f"{tmp_path / 'bad.json'} could not be imported: the collection is not JSON")
    box.close()
    assert not (tmp_path / "cases").exists()


def test_export_the_open_suite_folder_as_a_collection(qtbot, window, tmp_path, monkeypatch):
    window.bottom_tabs.setCurrentWidget(named(window, "Suites"))
    named(window, "Suites").open_folder(resources_dir() / "suites")
    out = tmp_path / "suites.postman_collection.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    menu_action(window, "File", "Export suite as Postman collection…").trigger()
    qtbot.waitUntil(lambda: box_titled("Suite exported") is not None, timeout=10000)
    assert box_titled("Suite exported").text() == f"Exported 18 case(s) to {out}. Run it with: newman run {out.name}"
    box_titled("Suite exported").close()
    collection = json.loads(out.read_text())
    assert len([i for folder in collection["item"][1:] for i in folder["item"]]) == 18


def test_the_suites_tab_runs_every_case_once_per_data_row(qtbot, window, tmp_path, monkeypatch):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.case.json").write_text(json.dumps({
        "name": "signup per row", "vendor": "octeth", "operation": "event",
        "payload": {"ListID": 1, "event": "{{event}}", "email": "{{email}}"}, "expect": {"status": 200}}))
    rows = tmp_path / "rows.csv"
    rows.write_text("email,event\na@example.com,signup\nb@example.com,\nc@example.com,buy\n")
    panel = named(window, "Suites")
    window.bottom_tabs.setCurrentWidget(panel)
    panel.open_folder(suite)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(rows), "")))
    named(window, "Suite data file").click()
    assert named(window, "Suite data rows").text() == "Rows from rows.csv"
    named(window, "Run all cases").click()
    qtbot.waitUntil(lambda: not panel.running, timeout=20000)
    item = named(window, "Suite cases").topLevelItem(0)
    assert item.text(2) == "FAILED 2/3 rows"
    assert item.text(3) == "row 2: validation errors: /event: event must not be empty."
    history = window.ctx.history.recent(10)
    assert len([e for e in history if e.source == "suite"]) == 2  # the row with no event was not sent
    named(window, "Clear suite data file").click()
    assert named(window, "Suite data rows").text() == "No data rows"


def test_copy_as_python_node_and_php(qtbot, window):
    choose(window, "mytracker", "customEvent")
    copy = named(window, "Copy as cURL")
    actions = {a.text(): a for a in copy.menu().actions()}
    for label, expected in (("Copy as Python (requests)", "requests.request('POST', url, headers=headers, data=body"),
                            ("Copy as Node.js (fetch)", "await fetch(url, { method: \"POST\", headers, body })"),
                            ("Copy as PHP (curl)", "curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'POST');")):
        actions[label].trigger()
        text = QGuiApplication.clipboard().text()
        assert expected in text and "sandbox-mytracker-token" not in text and "***" in text, label


def test_a_profiles_variables_are_edited_beside_its_settings_and_the_preview_says_where_they_came_from(
        qtbot, window, recorder, monkeypatch):
    from PySide6.QtCore import Qt

    from console.core.definitions import vendors
    from console.ui.dialogs.profiles import ProfilesDialog

    octeth = vendors()["octeth"]
    window.ctx.profiles.update("octeth", "staging", {"base_url": recorder.url})
    window.ctx.secrets.set("octeth", "staging", "api_key", "k3y")
    dialog = ProfilesDialog(window.ctx, octeth, "staging", window, octeth.operations["event"])
    qtbot.addWidget(dialog)
    dialog.show()
    variables = named(dialog, "Profile variables")
    variables.setFocus()
    qtbot.keyClicks(variables, "9bad=1")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    dialog.save_button.click()
    assert warned == ["Variables, line 1: '9bad=1' is not NAME=VALUE (a name is letters, digits, _, . and -, "
                      "beginning with a letter or _)."]
    variables.selectAll()
    qtbot.keyClicks(variables, "user_apikey=doc-k3y")
    qtbot.keyClick(variables, Qt.Key.Key_Return)
    qtbot.keyClicks(variables, "list=94")
    dialog.save_button.click()
    assert window.ctx.profiles.variables("octeth", "staging") == {"user_apikey": "doc-k3y", "list": "94"}
    dialog.close()
    window.fill_profiles("staging")
    choose(window, "octeth", "event", "staging")
    named(window, "Payload").setPlainText('{"APIKey": "{{user_apikey}}", "ListID": "{{list}}", "event": "test", '
                                          '"email": "2006@test.com"}')
    window.validate_now()
    preview = named(window, "Request preview").toPlainText()
    assert "/ListID = 94    ← {{list}} from profile staging" in preview
    assert '"ListID":94' in preview.replace(" ", "")  # typed by the schema: a number
    assert "doc-k3y" not in preview  # the body's APIKey is a key: masked in the preview
