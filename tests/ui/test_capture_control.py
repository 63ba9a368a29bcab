"""The window's Capture control, driven by accessible names: start, the base URLs to copy,
captured exchanges streaming into history (filter "Captured") with their issues, a captured
exchange opened in the editor, stop; a port in use is said plainly."""

import socket

import requests
from PySide6.QtCore import Qt

from console.core.definitions import vendors
from tests.helpers.window import named, payload


def start_capture(qtbot, window):
    window.bottom_tabs.setCurrentWidget(window.capture)
    named(window, "Capture port").setValue(0)  # any free port
    qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "synerise" in named(window, "Capture URLs").toPlainText(), timeout=5000)
    return {line.split()[0]: line.split()[1] for line in named(window, "Capture URLs").toPlainText().splitlines()}


def test_capture_streams_requests_into_history_with_their_issues(qtbot, window):
    urls = start_capture(qtbot, window)
    assert set(urls) == set(vendors()) and all(u.startswith("http://127.0.0.1:") for u in urls.values())
    assert named(window, "Capture").isChecked() and named(window, "Capture").text() == "Stop capturing"
    key = vendors()["octeth"].sandbox_secrets["api_key"]
    good = requests.post(f"{urls['octeth']}/api/v1/event", timeout=10,
                         json={"APIKey": key, "ListID": 1, "event": "signup", "email": "a@example.com"})
    bad = requests.post(f"{urls['octeth']}/api/v1/event", timeout=10,
                        json={"APIKey": key, "ListID": 1, "event": "signup", "email": "not-an-address"})
    assert good.status_code == 200 and bad.status_code != 200
    history = named(window, "History")
    qtbot.waitUntil(lambda: history.model().rowCount() == 2, timeout=5000)
    assert "2 request(s)" in named(window, "Capture status").text()
    rows = window.ctx.history.recent(10)
    assert {r.source for r in rows} == {"capture"}
    bad_row = window.ctx.history.get(rows[0].id)
    assert any(i["path"] == "/email" for i in bad_row.issues)
    # The "Captured" filter, and a captured exchange opened in the editor to fix and resend.
    source = named(window, "History source filter")
    source.setCurrentIndex(source.findData("capture"))
    qtbot.waitUntil(lambda: history.model().rowCount() == 2, timeout=5000)
    source.setCurrentIndex(source.findData("window"))
    qtbot.waitUntil(lambda: history.model().rowCount() == 0, timeout=5000)
    window.open_history_exchange(rows[0].id)
    assert named(window, "Vendor").currentData() == "octeth" and payload(window)["email"] == "not-an-address"
    # Stopped, it no longer listens.
    qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
    assert not named(window, "Capture").isChecked() and "Stopped: 2 request(s)" in named(window, "Capture status").text()
    try:
        requests.get(urls["octeth"], timeout=2)
        listening = True
    except requests.ConnectionError:
        listening = False
    assert not listening


def test_a_port_in_use_is_said_plainly(qtbot, window):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        window.bottom_tabs.setCurrentWidget(window.capture)
        named(window, "Capture port").setValue(taken.getsockname()[1])
        qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
        assert not named(window, "Capture").isChecked()
        assert "Choose another port" in named(window, "Capture status").text()
    finally:
        taken.close()


def test_stopping_during_a_burst_records_the_rest_without_holding_the_window(qtbot, window, monkeypatch):
    import threading

    from console.engine.capture import Capture

    release = threading.Event()
    original = Capture._check_next

    def held(self):
        release.wait(10)  # the worker is behind: the answered requests wait to be checked and recorded
        original(self)

    monkeypatch.setattr(Capture, "_check_next", held)
    urls = start_capture(qtbot, window)
    key = vendors()["octeth"].sandbox_secrets["api_key"]
    for i in range(3):
        assert requests.post(f"{urls['octeth']}/api/v1/event", timeout=10, json={
            "APIKey": key, "ListID": 1, "event": "signup", "email": f"b{i}@example.com"}).status_code == 200
    qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
    status = named(window, "Capture status")
    assert "Stopping: recording the last 3 request(s)" in status.text()  # said at once, nothing waited
    assert not named(window, "Capture").isEnabled()
    release.set()
    qtbot.waitUntil(lambda: status.text().startswith("Stopped"), timeout=10000)
    assert "Stopped: 3 request(s)" in status.text() and named(window, "Capture").isEnabled()
    assert len(window.ctx.history.recent(10)) == 3


def test_no_room_for_the_journal_is_said_in_the_panel(qtbot, window, monkeypatch):
    import errno

    from console.core.history import journal as capture_journal

    def full(fd, size):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_journal, "_allocate", full)
    window.bottom_tabs.setCurrentWidget(window.capture)
    named(window, "Capture port").setValue(0)
    qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
    assert not named(window, "Capture").isChecked()
    assert "Cannot capture: Cannot keep a capture journal" in named(window, "Capture status").text()
    assert "No space left on device" in named(window, "Capture status").text()


def test_the_capture_tab_lists_each_request_with_its_verdict_and_opens_one(qtbot, window):
    urls = start_capture(qtbot, window)
    assert "real keys are accepted" in named(window, "Capture status").text()
    event = {"APIKey": "a-real-key-of-the-backend", "ListID": 1, "event": "signup"}
    assert requests.post(f"{urls['octeth']}/api/v1/event", timeout=10,
                         json={**event, "email": "good@example.com"}).status_code == 200
    assert requests.post(f"{urls['octeth']}/api/v1/event", timeout=10,
                         json={**event, "email": "broken"}).status_code == 422
    listed = named(window, "Captured requests")
    qtbot.waitUntil(lambda: listed.count() == 2, timeout=5000)
    good, bad = (listed.item(i).text() for i in range(2))
    assert good.startswith("✔ no issues") and "octeth/event 200" in good
    assert bad.startswith("✖ 1 error") and "octeth/event 422" in bad
    assert "2 request(s), 1 with errors" in named(window, "Capture status").text()
    # The broken one opens in the editor, not the valid one.
    listed.setCurrentRow(1)
    qtbot.mouseClick(named(window, "Open captured request"), Qt.MouseButton.LeftButton)
    assert named(window, "Vendor").currentData() == "octeth" and payload(window)["email"] == "broken"
    qtbot.mouseClick(named(window, "Capture"), Qt.MouseButton.LeftButton)
    assert "Stopped: 2 request(s) captured, 1 with errors." == named(window, "Capture status").text()


def test_history_rows_carry_their_issue_marks_and_filter_by_them(qtbot, window):
    urls = start_capture(qtbot, window)
    event = {"APIKey": "k-123456", "ListID": 1}
    for body in ({"event": "signup", "email": "a@example.com"}, {"event": "signup", "email": "bad"},
                 {"event": "conversion", "email": "c@example.com"}):
        requests.post(f"{urls['octeth']}/api/v1/event", json={**event, **body}, timeout=10)
    history = named(window, "History")
    qtbot.waitUntil(lambda: history.model().rowCount() == 3, timeout=5000)
    texts = [history.model().index(i, 0).data() for i in range(3)]
    assert sum("✖" in t for t in texts) == 2 and sum("✖" not in t and "⚠" not in t for t in texts) == 1
    issues = named(window, "History issues filter")
    issues.setCurrentIndex(issues.findData("errors"))
    qtbot.waitUntil(lambda: history.model().rowCount() == 2, timeout=5000)
    assert all("✖ " in history.model().index(i, 0).data() for i in range(2))
    issues.setCurrentIndex(issues.findData(""))
    qtbot.waitUntil(lambda: history.model().rowCount() == 3, timeout=5000)
