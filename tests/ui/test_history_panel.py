"""The history panel through its controls: filters, search, pin, resend, compare, export,
import, delete with undo, details, and the link from a history warning."""

import json
import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from console.core.history.export import read_import
from console.engine.history_ops import export_to_file, import_file
from tests.helpers.window import choose, click_item, named, payload
from tests.test_secrets import CANARY


def send(qtbot, window, vendor, operation, body=None):
    choose(window, vendor, operation)
    if body is not None:
        named(window, "Payload").setPlainText(json.dumps(body))
        window.validate_now()
    model = named(window, "History").model()
    before = window.ctx.history.count()
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 1 and window.controller.sending.job is None, timeout=10000)
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and model.rows[0].id == window.ctx.history.recent(1)[0].id, timeout=3000)


def test_filters_narrow_the_list(qtbot, window):
    assert named(window, "History search").isClearButtonEnabled()  # added after the first paint
    send(qtbot, window, "mytracker", "login", {"customUserId": "alpha-1"})
    send(qtbot, window, "octeth", "event")
    window.ctx.sandbox_url()
    choose(window, "octeth", "event")
    named(window, "Payload").setPlainText('{"ListID": 1, "event": "x", "email": "a@b.co", "properties": {}}')
    window.validate_now()
    named(window, "Payload").setPlainText('{"ListID": 1, "event": "conversion", "email": "a@b.co"}')
    window.validate_now()
    qtbot.mouseClick(window.send_anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == 3 and window.controller.sending.job is None, timeout=10000)
    panel = window.history
    panel.refresh()
    model = panel.model
    panel.filter_vendor.setCurrentIndex(panel.filter_vendor.findData("octeth"))
    assert {r.vendor for r in model.rows} == {"octeth"} and model.rowCount() == 2
    panel.filter_status.setCurrentIndex(panel.filter_status.findData("4xx"))
    assert [r.status for r in model.rows] == [422]
    panel.filter_status.setCurrentIndex(0)
    panel.filter_vendor.setCurrentIndex(0)
    qtbot.keyClicks(named(window, "History search"), "alpha")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.rows[0].vendor == "mytracker"
    named(window, "History search").clear()
    panel.filter_time.setCurrentText("Last hour")
    assert model.rowCount() == 3
    # A custom range that ends before the sends finds nothing; one around them finds all.
    from PySide6.QtCore import QDateTime

    panel.filter_time.setCurrentText("From… to…")
    assert named(window, "History from").isVisible()
    named(window, "History from").setDateTime(QDateTime.currentDateTime().addDays(-2))
    named(window, "History to").setDateTime(QDateTime.currentDateTime().addDays(-1))
    panel.apply_filters()
    assert model.rowCount() == 0
    named(window, "History to").setDateTime(QDateTime.currentDateTime().addSecs(60))
    panel.apply_filters()
    assert model.rowCount() == 3
    panel.filter_time.setCurrentText("Any time")
    assert not named(window, "History from").isVisible() and model.rowCount() == 3


def test_pin_delete_undo_and_clear(qtbot, window):
    send(qtbot, window, "mytracker", "login")
    send(qtbot, window, "synerise", "ai-event")
    panel = window.history
    panel.select_ids([1])
    with qtbot.waitSignal(panel.changed):  # changes to history run in the background
        qtbot.mouseClick(panel.pin_button, Qt.MouseButton.LeftButton)
    assert window.ctx.history.get(1).pinned and panel.pin_button.text() == "Unpin"
    assert "📌" in panel.model.data(panel.model.index(1))
    panel.select_ids([2])
    with qtbot.waitSignal(panel.changed) as done:
        panel.delete_selected(confirm=False)
    assert done.args == ["Deleted 1 exchange(s). Undo with “Undo delete” (Ctrl+Z in the list)."]
    assert window.ctx.history.count() == 1
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert window.ctx.history.count() == 2
    with qtbot.waitSignal(panel.changed) as done:
        panel.clear_all(confirm=False)
    assert done.args == ["Cleared 2 exchange(s). Undo with “Undo delete”."] and panel.model.rowCount() == 0
    with qtbot.waitSignal(panel.changed):
        panel.undo_delete()
    assert panel.model.rowCount() == 2


def test_details_and_resend(qtbot, window):
    send(qtbot, window, "mytracker", "customEvent", {"customUserId": "u1", "customEventName": "e", "customUserID": "typo"})
    row_id = window.ctx.history.recent(1)[0].id
    window.show_history_exchange(row_id)
    qtbot.waitUntil(lambda: "Exchange #" in named(window, "Exchange details").toPlainText(), timeout=5000)
    details = named(window, "Exchange details").toPlainText()
    assert f"Exchange #{row_id}" in details and "mytracker / customEvent" in details
    assert "warning /customUserID" in details  # the issues at the time of sending
    before = window.ctx.history.count()
    window.history.select_ids([row_id])
    qtbot.mouseClick(window.history.resend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == before + 1 and window.controller.sending.job is None, timeout=10000)
    again = window.ctx.history.recent(1)[0]
    assert json.loads(window.ctx.history.get(again.id).payload) == json.loads(window.ctx.history.get(row_id).payload)


def test_compare_two_exchanges(qtbot, window):
    send(qtbot, window, "mytracker", "login", {"customUserId": "one"})
    send(qtbot, window, "mytracker", "login", {"customUserId": "two", "age": "30"})
    window.history.select_ids([1, 2])
    qtbot.mouseClick(window.history.compare_button, Qt.MouseButton.LeftButton)
    dialog = window.controller.actions.compare_dialog
    changes = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert '~ /customUserId: "one" → "two"' in changes and '+ /age: "30"' in changes


def test_export_import_round_trip_and_no_canary(qtbot, window, tmp_path):
    window.ctx.profiles.update("mytracker", "prod", {"app_id": "666", "base_url": window.ctx.sandbox_url() + "/mytracker"})
    window.ctx.secrets.set("mytracker", "prod", "token", CANARY)
    window.fill_profiles("prod")
    choose(window, "mytracker", "login", "prod")
    qtbot.mouseClick(named(window, "Send"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.history.count() == 1 and window.controller.sending.job is None, timeout=10000)
    window.history.refresh()
    window.history.select_ids([1])
    for fmt in ("har", "json", "curl"):
        path = tmp_path / f"out.{fmt}"
        assert export_to_file(window.ctx.history, str(path), fmt, ids=[1]) == 1
        assert CANARY not in path.read_text()
    records, _ = read_import((tmp_path / "out.har").read_text())
    assert records[0].operation == "login"
    imported, skipped, repeated = import_file(window.ctx.history, str(tmp_path / "out.har"))
    # Its own export imported back is recognised: the same exchange, not doubled.
    assert (imported, skipped) == (0, 0) and window.ctx.history.count() == 1
    assert repeated == 1
    # Copy as cURL (the main window's) carries no key unless asked.
    text = window.copy_as_curl()
    assert CANARY not in QGuiApplication.clipboard().text() and CANARY not in text
    window.close()  # closes the database; its files are read as they are left
    for path in (tmp_path / "home").iterdir():
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_history_warning_links_to_the_earlier_exchange(qtbot, window):
    order = [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1", "quantity": 1}],
              "generic": {"orderId": "order-7", "total": 3}}]
    send(qtbot, window, "vibetrace", "track", order)
    named(window, "Payload").setPlainText(json.dumps(order))  # the same order again
    window.validate_now()
    issues = named(window, "Validation issues")
    (item,) = [issues.item(i) for i in range(issues.count()) if "history #1" in issues.item(i).text()]
    click_item(qtbot, issues, item)
    qtbot.waitUntil(lambda: "Exchange #1" in named(window, "Exchange details").toPlainText(), timeout=5000)
    assert window.history.selected_ids() == [1]
    assert payload(window)[0]["generic"]["orderId"] == "order-7"


def test_duplicate_keeps_the_current_profile(qtbot, window):
    send(qtbot, window, "mytracker", "login", {"customUserId": "dup-me"})
    window.ctx.profiles.update("mytracker", "staging", {"app_id": "1", "base_url": "https://staging.example.com"})
    window.fill_profiles("staging")
    named(window, "Payload").setPlainText('{"customUserId": "something else"}')
    window.history.select_ids([1])
    qtbot.mouseClick(window.history.duplicate_button, Qt.MouseButton.LeftButton)
    assert named(window, "Operation").currentData() == "login"
    assert named(window, "Profile").currentText() == "staging"
    assert payload(window) == {"customUserId": "dup-me"}
    window.history.select_ids([1])
    qtbot.mouseClick(window.history.open_button, Qt.MouseButton.LeftButton)
    assert named(window, "Profile").currentText() == "sandbox"


def answer_next_question(button):
    """Clicks `button` (e.g. Yes) on the next modal message box, from the event loop."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(20, click)


def test_deleting_several_and_clearing_ask_first(qtbot, window):
    from PySide6.QtWidgets import QMessageBox

    send(qtbot, window, "mytracker", "login")
    send(qtbot, window, "mytracker", "registration")
    panel = window.history
    panel.select_ids([1, 2])
    answer_next_question(QMessageBox.StandardButton.No)
    assert panel.delete_selected(confirm=True) == 0 and window.ctx.history.count() == 2
    answer_next_question(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.changed):
        assert panel.delete_selected(confirm=True) == 2
    assert window.ctx.history.count() == 0
    with qtbot.waitSignal(panel.changed):
        panel.undo_delete()
    answer_next_question(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert window.ctx.history.count() == 0


def test_list_roles_are_qts_item_data_roles():
    from PySide6.QtCore import Qt

    from console.ui.history import model as history_view

    assert (history_view.DISPLAY_ROLE, history_view.TOOLTIP_ROLE, history_view.FOREGROUND_ROLE,
            history_view.ID_ROLE) == (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                      Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.UserRole)


def test_compare_colours_the_body_differences(qtbot, window):
    send(qtbot, window, "octeth", "event", {"ListID": 1, "event": "signup", "email": "a@example.com"})
    send(qtbot, window, "octeth", "event", {"ListID": 1, "event": "signup", "email": "b@example.com"})
    window.history.select_ids([1, 2])
    qtbot.mouseClick(window.history.compare_button, Qt.MouseButton.LeftButton)
    body = named(window.controller.actions.compare_dialog, "Response body differences")
    qtbot.wait(50)  # the highlighter colours on the next turn of the event loop
    colours = {}
    block = body.document().firstBlock()
    while block.isValid():
        text = block.text()
        if text[:1] in "+-" and not text.startswith(("+++", "---")):
            formats = block.layout().formats()
            colours[text[0]] = formats[0].format.foreground().color().name() if formats else None
        block = block.next()
    assert colours.get("+") in ("#2e7d32", "#66bb6a") and colours.get("-") in ("#c62828", "#ef5350"), colours
    window.controller.actions.compare_dialog.close()


def test_today_and_yesterday_are_calendar_days(qtbot, window):
    from datetime import datetime, timedelta

    from tests.history_data import make_records

    noon_yesterday = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    two_days_ago = noon_yesterday - timedelta(days=1)
    window.ctx.history.record_many(make_records(1, start=noon_yesterday) + make_records(1, seed=8, start=two_days_ago))
    send(qtbot, window, "mytracker", "login")
    panel = window.history
    panel.refresh()
    model = panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=3000)
    panel.filter_time.setCurrentText("Yesterday")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert datetime.fromisoformat(model.rows[0].time).astimezone().date() == noon_yesterday.date()
    panel.filter_time.setCurrentText("Today")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
    assert model.rows[0].operation == "login" and model.rows[0].source == "window"


def _import_through_the_button(qtbot, monkeypatch, window, path, answer):
    """Clicks Import…, picks `path`, answers the question about unknown entries with `answer`
    (Yes or No); returns what was asked and warned, and the threads the file was read on,
    once the import is done or refused."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from console.ui.history import transfer

    said = {"asked": [], "warned": [], "read_on": []}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda _parent, _title, text, *a: said["asked"].append(text) or answer))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _parent, _title, text: said["warned"].append(text)))
    importing = transfer.import_file

    def imported(*args, **kwargs):
        said["read_on"].append(threading.current_thread())
        return importing(*args, **kwargs)

    monkeypatch.setattr(transfer, "import_file", imported)
    panel = window.history
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(said["warned"]) or (bool(said["read_on"]) and panel.changes.running == 0),
                    timeout=10000)
    return said


def test_import_reads_the_file_off_the_gui_thread_then_asks_about_unknown_entries(qtbot, monkeypatch, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from tests.test_interchange import entry, har

    path = tmp_path / "chrome.har"
    path.write_text(json.dumps(har(entry(), entry(url="https://example.com/elsewhere", method="GET"))))
    said = _import_through_the_button(qtbot, monkeypatch, window, path, QMessageBox.StandardButton.No)
    assert threading.main_thread() not in said["read_on"]  # the window kept its GUI thread free
    assert said["asked"] and said["asked"][0].startswith("1 entry of this file match no endpoint")
    qtbot.waitUntil(lambda: window.ctx.history.count() == 1, timeout=5000)
    assert window.ctx.history.recent(1)[0].vendor == "synerise"
    assert len(said["read_on"]) == 1  # No: the file is not read again
    assert "Imported 1 exchange(s)" in window.statusBar().currentMessage()

    other = tmp_path / "other.har"
    other.write_text(json.dumps(har(entry(url="https://api.synerise.com/v4/events/custom?n=2"),
                                    entry(url="https://example.com/one", method="GET"))))
    said = _import_through_the_button(qtbot, monkeypatch, window, other, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: window.ctx.history.count() == 3 and window.history.changes.running == 0, timeout=5000)
    assert sorted(r.vendor for r in window.ctx.history.recent(2)) == ["other", "synerise"]
    assert len(said["read_on"]) == 2  # Yes: read again for the unknown entry alone (the known one is not doubled)
    assert "Imported 1 exchange(s)" in window.statusBar().currentMessage()


def test_a_file_that_cannot_be_imported_is_said_and_changes_nothing(qtbot, monkeypatch, window, tmp_path):
    path = tmp_path / "broken.har"
    path.write_text('{"log": {"entries": "not a list"}}')
    said = _import_through_the_button(qtbot, monkeypatch, window, path, None)
    assert said["warned"] and "log.entries must be a list" in said["warned"][0]
    assert not said["asked"] and window.ctx.history.count() == 0
    assert "History was not changed" in window.statusBar().currentMessage()


def test_a_long_import_shows_its_bar_and_stop_leaves_history_as_it_was(qtbot, monkeypatch, window, tmp_path):
    import time

    from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressBar

    from console.core.history import export
    from tests.test_interchange import entry, har

    path = tmp_path / "long.har"
    path.write_text(json.dumps(har(*[entry(url=f"https://api.synerise.com/v4/events/custom?n={n}")
                                     for n in range(600)])))
    reading = export._record_from_har
    monkeypatch.setattr(export, "_record_from_har", lambda *a, **k: time.sleep(0.005) or reading(*a, **k))
    # Reading the file is slowed: Stop comes while its entries are read.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.No))
    panel = window.history
    qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
    stop = named(window, "Stop history change")
    qtbot.waitUntil(lambda: stop.isVisible() and 0 < panel.findChild(QProgressBar).value(), timeout=10000)
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.changes.running == 0, timeout=10000)
    assert window.ctx.history.count() == 0 and not stop.isVisible()
    assert "Stopped. Nothing was imported" in window.statusBar().currentMessage()
