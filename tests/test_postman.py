"""Postman collections both ways, proved with `newman` (Postman's own runner, from npm): the
example suites exported run in newman against the sandbox with every request passing and the
same result per case as `suite run`; variables and data rows reach the wire the same way in
both; a collection as teams have them (folders, variables, an environment, requests that are
not events) imports as cases that run."""

import json
import subprocess
import sys

import pytest

from console.core.resources import resources_dir
from console.sandbox.server import SandboxServer
from tests.helpers.outside import newman, run_newman
from tests.servers import Reply


@pytest.fixture
def sandbox():
    server = SandboxServer()
    server.start()
    yield server
    server.stop()


def base_urls(collection: dict, url: str) -> list[str]:
    """newman's --env-var for every base URL variable of the collection, pointed at `url`."""
    args = []
    for variable in collection["variable"]:
        if variable["key"].endswith("base_url"):
            vendor = variable["key"].split("_")[0]
            args += ["--env-var", f"{variable['key']}={url}/{vendor}"]
    return args


def newman_results(report_path) -> dict[str, bool]:
    """Each request of a newman JSON report: passed (all its assertions) or not."""
    report = json.loads(report_path.read_text())
    results = {}
    for execution in report["run"]["executions"]:
        name = execution["item"]["name"]
        failed = [a for a in execution.get("assertions", []) if a.get("error")]
        results[name] = not failed and "requestError" not in execution
    return results


def test_the_example_suites_run_in_newman_as_in_suite_run(tmp_path, run_cli, sandbox):
    suites = resources_dir() / "suites"
    collection_path = tmp_path / "suites.postman_collection.json"
    done = run_cli("suite", "export-postman", str(suites), "--output", str(collection_path))
    assert done.status == 0, done.err
    collection = json.loads(collection_path.read_text())
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    assert [i["name"] for i in collection["item"][1:]] == ["mytracker", "octeth", "synerise", "vibetrace"]  # folders
    report = tmp_path / "newman.json"
    ran = run_newman(collection_path, *base_urls(collection, sandbox.url), "--reporters", "cli,json",
                     "--reporter-json-export", str(report))
    theirs = newman_results(report)
    ours = {c["name"]: c["passed"] for c in json.loads(run_cli("suite", "run", str(suites), "--json").out)["cases"]}
    login = theirs.pop("Synerise: log in (the token for the requests that follow)")
    assert login and ran.returncode == 0, ran.stdout[-3000:]
    assert theirs == ours and all(ours.values()) and len(ours) == 18


def test_variables_and_data_rows_reach_the_wire_as_newman_sends_them(tmp_path, run_cli, recorder):
    """One case with a row variable, a case variable overridden by a row, a bare number and a
    dynamic value: newman with -d ROWS sends what suite run --data ROWS sends."""
    recorder.reply = Reply(status=200, body=b'{"Status": "OK"}')
    assert run_cli("profile", "set", "octeth", "rec", f"base_url={recorder.url}", "var.source=profile").status == 0
    assert run_cli("secret", "set", "octeth", "rec", "api_key", stdin="k3y\n").status == 0
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.case.json").write_text(json.dumps({
        "name": "per row", "vendor": "octeth", "operation": "event",
        "payload": {"ListID": "{{list}}", "event": "{{event}}", "email": "{{email}}", "id": "{{$guid}}",
                    "properties": {"from": "{{source}}"}},
        "vars": {"event": "signup", "list": 3},
        "expect": {"status": 200, "body": {"/Status": {"$matches": "^OK$"}}}}))
    rows = tmp_path / "rows.csv"
    rows.write_text("email,event\na@example.com,buy\nb@example.com,view\n")
    collection_path = tmp_path / "c.json"
    assert run_cli("suite", "export-postman", str(suite), "--profile", "rec", "--output", str(collection_path)).status == 0
    collection_text = collection_path.read_text()
    assert "k3y" not in collection_text  # a real profile's key never goes into the file
    ran = run_newman(collection_path, "-d", str(rows), "--env-var", "octeth_api_key=k3y")
    assert ran.returncode == 0, ran.stdout[-3000:]
    newman_bodies = [json.loads(r.body) for r in recorder.requests]
    recorder.requests.clear()
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data", str(rows))
    assert done.status == 0, done.out
    our_bodies = [json.loads(r.body) for r in recorder.requests]
    for body in newman_bodies + our_bodies:
        assert len(body.pop("id")) == 36  # a fresh UUID each
    assert newman_bodies == our_bodies == [
        {"APIKey": "k3y", "ListID": 3, "event": "buy", "email": "a@example.com", "properties": {"from": "profile"}},
        {"APIKey": "k3y", "ListID": 3, "event": "view", "email": "b@example.com", "properties": {"from": "profile"}}]


TEAM_COLLECTION = {
    "info": {"name": "Tracking", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "variable": [{"key": "app", "value": "666"}],
    "item": [
        {"name": "Octeth", "item": [{
            "name": "Track an event (the document's example)",
            "request": {"method": "POST", "url": "{{octeth_url}}/api/v1/event",
                        "header": [{"key": "Content-Type", "value": "application/json"}],
                        "body": {"mode": "raw", "raw": '{"SessionID": "{{sessionid}}", "ListID": 94, "event": "test", '
                                                       '"email": "2006@test.com", "properties": {"ts": {{$timestamp}}}}'}},
            "event": [{"listen": "test", "script": {"exec": ["pm.response.to.have.status(200);"]}}]}]},
        {"name": "myTracker login", "request": {
            "method": "POST", "url": {"raw": "{{mt_url}}/v1/login/?idApp={{app}}", "host": ["{{mt_url}}"],
                                      "path": ["v1", "login", ""], "query": [{"key": "idApp", "value": "{{app}}"}]},
            "header": [{"key": "Authorization", "value": "{{mt_token}}"}],
            "body": {"mode": "raw", "raw": '{"customUserId": "{{user}}"}'}}},
        {"name": "Health check", "request": {"method": "GET", "url": "{{octeth_url}}/health"}},
        {"name": "Literal key", "request": {
            "method": "POST", "url": "https://tracker-s2s.my.com/v1/customEvent/?idApp=7",
            "header": [{"key": "Authorization", "value": "a-real-token-in-the-collection"}],
            "body": {"mode": "raw", "raw": '{"customUserId": "1", "customEventName": "buy"}'}}},
    ]}


def test_a_teams_collection_imports_as_cases_and_a_profile_that_run(tmp_path, run_cli, make_ctx, recorder):
    (tmp_path / "team.json").write_text(json.dumps(TEAM_COLLECTION))
    (tmp_path / "env.json").write_text(json.dumps({"name": "Staging", "values": [
        {"key": "octeth_url", "value": recorder.url, "enabled": True},
        {"key": "mt_url", "value": recorder.url, "enabled": True},
        {"key": "sessionid", "value": "s3ss10n", "type": "secret", "enabled": True},
        {"key": "mt_token", "value": "t0k3n", "type": "secret", "enabled": True},
        {"key": "user", "value": "u-1", "enabled": True},
        {"key": "unused_secret", "value": "x", "type": "secret", "enabled": True}]}))
    out = tmp_path / "cases"
    done = run_cli("suite", "import-postman", str(tmp_path / "team.json"), "--environment", str(tmp_path / "env.json"),
                   "--output", str(out))
    assert done.status == 0, done.err
    assert "skipped Health check: GET /health is none of the operations this console knows" in done.out
    assert ("note Literal key: imported; its token was not copied (secrets never go into case files): store it "
            "with event-console secret set mytracker PROFILE token") in done.out
    assert "left out unused_secret: marked secret and not a credential of these requests, so not kept" in done.out
    assert ("note Octeth/Track an event (the document's example): imported; {{$timestamp}} stands bare (unquoted) "
            "at /properties/ts; a case file keeps it as text, so it is sent as text where the schema does not ask "
            "for a number") in done.out
    assert "3 case(s) written" in done.out
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.case.json"))
    assert files == ["Octeth/track-an-event-the-document-s-example.case.json", "literal-key.case.json",
                     "mytracker-login.case.json"]
    octeth = json.loads((out / files[0]).read_text())
    assert "SessionID" not in octeth["payload"] and octeth["expect"] == {"status": 200}
    assert octeth["payload"]["properties"]["ts"] == "{{$timestamp}}"
    on_disk = "".join(p.read_text() for p in list(out.rglob("*.json")) + [make_ctx().profiles.path])
    assert "s3ss10n" not in on_disk and "t0k3n" not in on_disk and "a-real-token" not in on_disk
    ctx = make_ctx()
    assert ctx.secrets.get("octeth", "Staging", "session_id") == "s3ss10n"
    assert ctx.secrets.get("mytracker", "Staging", "token") == "t0k3n"
    assert ctx.profiles.variables("mytracker", "Staging") == {"user": "u-1"}
    run = run_cli("suite", "run", str(out / "Octeth"), "--profile", "Staging")
    assert run.status == 0, run.out
    sent = json.loads(recorder.requests[-1].body)
    assert sent["SessionID"] == "s3ss10n" and sent["properties"]["ts"].isdigit()
    login = run_cli("suite", "run", str(out / "mytracker-login.case.json"), "--profile", "Staging")
    assert login.status == 0, login.out
    assert recorder.requests[-1].path == "/v1/login/?idApp=666" and recorder.requests[-1].headers["Authorization"] == "t0k3n"
    assert json.loads(recorder.requests[-1].body) == {"customUserId": "u-1"}


def test_an_export_imports_back_as_the_same_cases(tmp_path, run_cli):
    suites = resources_dir() / "suites"
    assert run_cli("suite", "export-postman", str(suites), "--output", str(tmp_path / "c.json")).status == 0
    done = run_cli("suite", "import-postman", str(tmp_path / "c.json"), "--output", str(tmp_path / "back"))
    assert done.status == 0, done.out
    assert "skipped Synerise: log in (the token for the requests that follow): POST /synerise/uauth/v2/auth/login/profile" \
           in done.out
    original = {json.loads(p.read_text())["name"]: json.loads(p.read_text()) for p in suites.rglob("*.case.json")}
    back = {json.loads(p.read_text())["name"]: json.loads(p.read_text()) for p in (tmp_path / "back").rglob("*.case.json")}
    assert set(back) == set(original)
    for name, case in original.items():
        assert back[name]["payload"] == case["payload"], name
        assert (back[name]["vendor"], back[name]["operation"]) == (case["vendor"], case["operation"])


@pytest.mark.parametrize("text, said", [
    ("not json", "the collection is not JSON"),
    ("[]", "the collection is not a JSON object"),
    ('{"item": []}', "this is not a Postman collection (v2.1): it has no info and item"),
])
def test_an_unreadable_collection_is_a_usage_error(tmp_path, run_cli, text, said):
    (tmp_path / "c.json").write_text(text)
    done = run_cli("suite", "import-postman", str(tmp_path / "c.json"), "--output", str(tmp_path / "out"))
    assert done.status == 2 and said in done.err and not (tmp_path / "out").exists()


def test_newman_is_the_real_one():
    """The runner these tests trust is npm's newman, not something of this project."""
    version = subprocess.run([newman(), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.strip().split(".")[0].isdigit(), version
    assert sys.executable not in newman()
