"""The window's Tracking plan control, by accessible name: open a plan folder (remembered),
its issues beside the vendor's marked with the plan's name, the plan's rules for the current
event (required first), and the Capture tab's live checklist filling as events arrive."""

import json

import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.helpers.window import choose, named
from tests.test_plans import SHOP, event, plan_folder


def open_plan(qtbot, window, monkeypatch, folder):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kw: str(folder))
    qtbot.mouseClick(named(window, "Tracking plan"), Qt.MouseButton.LeftButton)


def issue_texts(window):
    issues = named(window, "Validation issues")
    return [issues.item(i).text() for i in range(issues.count())]


def test_a_plan_checks_the_payload_and_shows_its_rules(qtbot, window, monkeypatch, tmp_path):
    folder = plan_folder(tmp_path)
    choose(window, "synerise", "custom")
    open_plan(qtbot, window, monkeypatch, folder)
    assert named(window, "Tracking plan").text() == "Plan: Shop"
    assert named(window, "Tracking plan").accessibleDescription() == f"Checking against Shop ({folder})."
    named(window, "Payload").setPlainText(event("checkout.completed", orderValue="12", source="tv"))
    window.validate_now()
    texts = issue_texts(window)
    assert "error    /params/orderValue: params.orderValue must be number, not string (plan 'Shop')." in texts
    assert any("params.source must be one of" in t and "(plan 'Shop')" in t for t in texts)
    rules = named(window, "Tracking plan rules")
    lines = [rules.item(i).text() for i in range(rules.count())]
    assert lines == ["checkout.completed (Shop): An order is paid",
                     "    /params/orderValue (required, number, at least 0)",
                     "    /params/source (optional; one of web | app | pos)"]
    named(window, "Payload").setPlainText(event("page.visit"))
    window.validate_now()
    assert "warning  payload: The event 'page.visit' is not in the plan 'Shop'." in issue_texts(window)
    qtbot.mouseClick(named(window, "Close tracking plan"), Qt.MouseButton.LeftButton)
    assert not any("plan" in t for t in issue_texts(window)) and named(window, "Tracking plan").text() == "Tracking plan…"


def test_the_plan_is_remembered_and_a_broken_one_is_said(qtbot, make_window, monkeypatch, tmp_path):
    folder = plan_folder(tmp_path)
    first = make_window()
    open_plan(qtbot, first, monkeypatch, folder)
    first.close()
    again = make_window()
    qtbot.waitUntil(lambda: named(again, "Tracking plan").text() == "Plan: Shop", timeout=5000)
    again.close()
    (folder / "shop.plan.json").write_text(json.dumps({**SHOP, "events": "none"}))
    third = make_window()
    qtbot.waitUntil(lambda: "could not be opened" in named(third, "Tracking plan status").text(), timeout=5000)
    assert "events must be a list" in named(third, "Tracking plan status").text()
    assert third.ctx.plans is None


def test_the_capture_tab_ticks_the_plans_events_as_they_arrive(qtbot, window, monkeypatch, tmp_path):
    from tests.ui.test_capture_control import start_capture

    open_plan(qtbot, window, monkeypatch, plan_folder(tmp_path))
    urls = start_capture(qtbot, window)
    checklist = named(window, "Plan coverage")
    assert [checklist.item(i).text() for i in range(checklist.count())] == [
        "✖ checkout.completed: seen 0 time(s)", "✖ cart.viewed: seen 0 time(s)"]
    headers = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "Api-Version": "4.4"}
    for body in (event("checkout.completed", orderValue=3, source="web"), event("page.visit")):
        requests.post(f"{urls['synerise']}/v4/events/custom", data=body, headers=headers, timeout=10)
    qtbot.waitUntil(lambda: checklist.item(0).text() == "✔ checkout.completed: seen 1 time(s)", timeout=5000)
    texts = [checklist.item(i).text() for i in range(checklist.count())]
    assert texts == ["✔ checkout.completed: seen 1 time(s)", "✖ cart.viewed: seen 0 time(s)",
                     "? page.visit: not in the plan"]


def test_the_form_shows_the_plans_properties_of_the_event(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QComboBox, QLabel

    choose(window, "synerise", "custom")
    named(window, "Payload").setPlainText(event("checkout.completed", orderValue=12))
    open_plan(qtbot, window, monkeypatch, plan_folder(tmp_path))
    window.tabs.setCurrentIndex(0)
    window.validate_now()
    form = named(window, "Form")
    source = form.field("/params/source")  # not in the payload, not in Synerise's schema: the plan's
    assert isinstance(source, QComboBox)
    assert [source.itemData(i) for i in range(source.count())][-3:] == ["web", "app", "pos"]
    labels = [label.text() for label in form.findChildren(QLabel)]
    assert "orderValue *" in labels  # required by the plan
    assert labels.index("orderValue *") < labels.index("source")  # required first
    named(window, "Payload").setPlainText(event("page.visit"))
    window.validate_now()
    assert form.field("/params/source") is None  # another event: the vendor's own form again
