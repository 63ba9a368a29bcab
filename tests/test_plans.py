"""Tracking plans through the command line: plan files checked strictly, a realistic sheet in
and out (typos and all, round-tripping), `--plan` on send, suite run and capture, coverage,
and a release-to-release walk-through: capture a backend's traffic, save the report, change
the backend, and the diff is the regression list."""

import json
import shutil
from pathlib import Path

import requests

from tests.test_send_accounting import run

ROOT = Path(__file__).resolve().parent.parent
SHEET = ROOT / "tests" / "data" / "tracking-plan.csv"
EXAMPLES = ROOT / "resources" / "plans"

SHOP = {"name": "Shop", "version": "3", "events": [
    {"vendor": "synerise", "operation": "custom", "event": "checkout.completed", "description": "An order is paid",
     "properties": {"/params/orderValue": {"required": True, "type": "number", "min": 0},
                    "/params/source": {"enum": ["web", "app", "pos"]}}},
    {"vendor": "synerise", "operation": "custom", "event": "cart.viewed", "properties": {}}]}


def plan_folder(tmp_path, data=SHOP) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / "shop.plan.json").write_text(json.dumps(data))
    return folder


def event(action, **params):
    return json.dumps({"action": action, "label": "x", "client": {"customId": "c-1"}, "params": params})


def test_plan_check_names_the_file_and_the_problem(tmp_path):
    folder = plan_folder(tmp_path)
    assert run(tmp_path / "h", "plan", "check", str(folder)).stdout == "1 plan file(s), 2 event(s): valid.\n"
    bad = json.loads(json.dumps(SHOP))
    bad["events"][0]["properties"]["/params/source"]["type"] = "text"
    (folder / "bad.plan.json").write_text(json.dumps(bad))
    done = run(tmp_path / "h", "plan", "check", str(folder))
    assert done.returncode == 2
    assert done.stderr.strip() == (f"event-console: {folder / 'bad.plan.json'}: event 1, property /params/source: "
                                   "type 'text' is not one of string, number, integer, boolean, object, array, null")


def test_a_realistic_sheet_imports_with_its_typos_and_round_trips(tmp_path):
    out = tmp_path / "plans"
    done = run(tmp_path / "h", "plan", "import", str(SHEET), "--output", str(out))
    assert done.returncode == 0, done.stderr
    plan = json.loads((out / "tracking-plan.plan.json").read_text())
    checkout = next(e for e in plan["events"] if e["event"] == "checkout.completed")
    assert checkout["properties"]["/params/currency"] == {"required": True, "type": "string",
                                                          "enum": ["PLN", "EUR", "USD"], "description": "ISO 4217"}
    renewed = next(e for e in plan["events"] if e["event"] == "subscription.renewed")
    assert renewed["properties"]["/customEventParams/plan"]["enum"] == ["basic", "pro", "team, annual"]
    assert any(e["vendor"] == "octeth" for e in plan["events"])  # "Octeth" in the sheet
    sheet = tmp_path / "again.csv"
    assert run(tmp_path / "h", "plan", "export", str(out), "--output", str(sheet)).returncode == 0
    again = tmp_path / "again"
    assert run(tmp_path / "h", "plan", "import", str(sheet), "--output", str(again)).returncode == 0
    reread = json.loads((again / "again.plan.json").read_text())
    assert reread["events"] == plan["events"]  # plan → sheet → plan: the same plan
    sheet2 = tmp_path / "again2.csv"
    run(tmp_path / "h", "plan", "export", str(again), "--output", str(sheet2))
    assert sheet2.read_text() == sheet.read_text()  # and the sheet the same sheet
    rows = sheet.read_text().splitlines()
    assert rows[0] == "vendor,operation,event,property,type,required,allowed values,pattern,description"


def test_send_checks_the_plan_and_marks_its_issues(tmp_path):
    folder = plan_folder(tmp_path)
    done = run(tmp_path / "h", "send", "synerise", "custom", "--plan", str(folder), "--data", "-", "--dry-run",
               "--json", input=event("checkout.completed", orderValue="12", source="tv"))
    assert done.returncode == 1
    issues = json.loads(done.stdout)["issues"]
    assert {(i["path"], i["plan"]) for i in issues if i["severity"] == "error"} == {
        ("/params/orderValue", "Shop"), ("/params/source", "Shop")}
    assert any(i["message"] == "params.orderValue must be number, not string (plan 'Shop')." for i in issues)
    other = run(tmp_path / "h", "send", "synerise", "custom", "--plan", str(folder), "--data", "-", "--dry-run",
                "--json", input=event("page.visit"))
    assert other.returncode == 0
    assert json.loads(other.stdout)["issues"] == [{"severity": "warning", "path": "",
                                                   "message": "The event 'page.visit' is not in the plan 'Shop'.",
                                                   "plan": "Shop"}]
    missing = run(tmp_path / "h", "send", "synerise", "custom", "--plan", str(tmp_path / "nowhere"), "--dry-run")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_suite_run_checks_the_plan(tmp_path):
    folder = plan_folder(tmp_path)
    case = tmp_path / "suite" / "checkout.case.json"
    case.parent.mkdir()
    case.write_text(json.dumps({"name": "checkout", "vendor": "synerise", "operation": "custom",
                                "payload": json.loads(event("checkout.completed", source="web"))}))
    assert run(tmp_path / "h", "suite", "run", str(case.parent)).returncode == 0
    done = run(tmp_path / "h", "suite", "run", str(case.parent), "--plan", str(folder))
    assert done.returncode == 1 and "params.orderValue is required (plan 'Shop')" in done.stdout


def test_capture_coverage_and_the_regression_between_releases(capture, tmp_path):
    """The README's walk-through: release N is captured, its report saved; release N+1 drops an
    event and changes a property's type; the diff names both, and exits 1."""
    folder = plan_folder(tmp_path)
    home = tmp_path / "capture-home"

    def release(events):
        running = capture("--plan", str(folder), home=home)
        headers = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "Api-Version": "4.4",
                   "Content-Type": "application/json"}
        for body in events:
            assert requests.post(f"{running.url}/synerise/v4/events/custom", data=body, headers=headers,
                                 timeout=10).status_code == 202
        running.rows(len(events))
        return running.stop()

    release([event("checkout.completed", orderValue=12.5, source="web"), event("cart.viewed", items=3)])
    first = run(home, "plan", "coverage", "--plan", str(folder), "--source", "capture", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["seen"] == {"checkout.completed": 1, "cart.viewed": 1} and report["missing"] == []
    baseline = tmp_path / "release-n.json"
    baseline.write_text(first.stdout)
    text = run(home, "plan", "coverage", "--plan", str(folder))
    assert "✔ checkout.completed: seen 1 time(s)" in text.stdout
    # Release N+1: orderValue became text, cart.viewed is gone; a plan issue rides with the capture.
    shutil.rmtree(home)
    release([event("checkout.completed", orderValue="12.50", source="web")])
    rows = json.loads(run(home, "history", "--json").stdout)
    assert any(i.get("plan") == "Shop" for i in rows[0]["issues"])
    second = run(home, "plan", "coverage", "--plan", str(folder), "--json", "--baseline", str(baseline))
    assert second.returncode == 1
    assert json.loads(second.stdout)["missing"] == ["cart.viewed"]  # expected, not seen: exit 1 on its own too
    alone = run(home, "plan", "coverage", "--plan", str(folder), "--json")
    assert alone.returncode == 1 and json.loads(alone.stdout)["missing"] == ["cart.viewed"]
    later = run(home, "plan", "coverage", "--plan", str(folder), "--json", "--since", "2999-01-01T00:00:00")
    assert json.loads(later.stdout)["seen"] == {"checkout.completed": 0, "cart.viewed": 0}  # a span with nothing
    diff = json.loads(second.stdout)["baseline"]
    assert diff["events_disappeared"] == ["cart.viewed"]
    assert diff["types_changed"] == {"checkout.completed": {"/params/orderValue": ["number", "string"]}}
    assert diff["new_issues"] == {"checkout.completed": 1} and diff["regression"] is True
    said = run(home, "plan", "coverage", "--plan", str(folder), "--baseline", str(baseline)).stdout
    assert "events that disappeared: cart.viewed" in said
    assert "checkout.completed: /params/orderValue changed type from number to string" in said


def test_the_example_plans_are_valid_and_cover_the_examples(tmp_path):
    assert run(tmp_path, "plan", "check", str(EXAMPLES)).returncode == 0
    from console.core.definitions import vendors
    from console.core.plans import events_of, load_plans

    plans = load_plans(EXAMPLES)
    for vendor in vendors().values():
        for op in vendor.operations.values():
            names = {name for _, name, _ in events_of(op, op.example, {"event_type": "recommendation.view"})}
            if (vendor.name, op.name) in plans.covering:
                assert names <= {e.event for e in plans.events_for(vendor.name, op.name)}, (op.key, names)


def test_a_sheet_cell_that_cannot_be_read_is_named(tmp_path):
    sheet = tmp_path / "plan.csv"
    sheet.write_text("vendor,operation,event,property,type,required,allowed values,pattern,description\n"
                     "synerise,custom,a.b,/params/x,string,perhaps,,,\n")
    done = run(tmp_path / "h", "plan", "import", str(sheet), "--output", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"event-console: {sheet}: row 2, required: 'perhaps' is neither yes nor no"
    sheet.write_text("vendor,event\nsynerise,a.b\n")
    done = run(tmp_path / "h", "plan", "import", str(sheet), "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and "the sheet has no column 'operation'" in done.stderr
