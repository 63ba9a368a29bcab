"""Suites: case files run through the pipeline, every expectation kind passing and failing,
the command line's output, JSON and JUnit XML, and its exit statuses."""

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "suites"


def case(folder: Path, name: str, **fields) -> Path:
    data = {"name": name, "vendor": "octeth", "operation": "event",
            "payload": {"ListID": 1, "event": "signup", "email": "{{$randomEmail}}"}, **fields}
    path = folder / f"{name}.case.json"
    path.write_text(json.dumps(data))
    return path


def test_the_example_suites_pass_against_the_sandbox(run_cli, make_ctx, tmp_path):
    junit = tmp_path / "junit.xml"
    result = run_cli("suite", "run", str(EXAMPLES), "--junit", str(junit))
    assert result.status == 0, result.out
    cases = sorted(EXAMPLES.rglob("*.case.json"))
    assert result.out.strip().endswith(f"{len(cases)} passed, 0 failed")
    covered = {(json.loads(p.read_text())["vendor"], json.loads(p.read_text())["operation"]) for p in cases}
    from console.core.definitions import vendors

    assert covered == {(v, o) for v, vendor in vendors().items() for o in vendor.operations}  # every operation
    assert {e.source for e in make_ctx().history.recent(100)} == {"suite"}
    suite = ElementTree.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == str(len(cases)) and suite.get("failures") == "0"
    assert all(c.get("classname").count(".") == 1 and float(c.get("time")) >= 0 for c in suite.iter("testcase"))


@pytest.mark.parametrize("expect,passes", [
    ({"status": 200}, True), ({"status": 202}, False),
    ({"status": "2xx"}, True), ({"status": "4xx"}, False),
    ({"status": [200, 202]}, True), ({"status": [201, 202]}, False),
    ({"issues": "none"}, True), ({"issues": ["warning"]}, False),
    ({"body": {"/status": "success"}}, True), ({"body": {"/status": "failure"}}, False),
    ({"body": {"/missing": 1}}, False), ({}, True),
])
def test_every_expectation_kind(run_cli, tmp_path, expect, passes):
    case(tmp_path, "one", expect=expect)
    result = run_cli("suite", "run", str(tmp_path), "--json")
    data = json.loads(result.out)
    assert data["passed"] == int(passes) and data["failed"] == int(not passes)
    assert result.status == (0 if passes else 1)
    (item,) = data["cases"]
    assert item["passed"] is passes and (item["reason"] is None) is passes
    assert item["history_id"] or "expected issues" in item["reason"]  # sent, unless its issues already differ


def test_expected_validation_errors_are_sent_to_see_the_vendors_answer(run_cli, tmp_path):
    case(tmp_path, "conversion", payload={"ListID": 1, "event": "conversion", "email": "a@example.com"},
         expect={"status": 422, "issues": ["error"], "body": {"/Errors/0/Code": 8}})
    assert run_cli("suite", "run", str(tmp_path)).status == 0
    case(tmp_path, "unexpected", payload={"ListID": 1, "event": "conversion", "email": "a@example.com"})
    result = run_cli("suite", "run", str(tmp_path))
    assert result.status == 1 and "FAIL  unexpected" in result.out and "validation errors" in result.out


def test_a_failure_is_reported_in_junit(run_cli, tmp_path):
    case(tmp_path, "wrong", expect={"status": 500})
    junit = tmp_path / "out.xml"
    assert run_cli("suite", "run", str(tmp_path), "--junit", str(junit)).status == 1
    (failure,) = ElementTree.parse(junit).getroot().iter("failure")
    assert "expected status 500, got 200" in failure.get("message")


@pytest.mark.parametrize("content,words", [
    ("not json", "not a case file"),
    ('{"name": "x", "vendor": "octeth", "operation": "event", "payload": {}, "extra": 1}', "unknown key"),
    ('{"name": "x", "vendor": "nobody", "operation": "event", "payload": {}}', "not an operation"),
    ('{"name": "x", "vendor": "octeth", "operation": "event", "payload": {}, "settings": {"api_key": "k"}}',
     "secrets never go into case files"),
    ('{"name": "x", "vendor": "octeth", "operation": "event", "payload": {}, "expect": {"status": "two"}}',
     "expect.status"),
    ('{"name": "x", "vendor": "octeth", "operation": "event"}', "payload is missing"),
    ('{"version": 2, "name": "x", "vendor": "octeth", "operation": "event", "payload": {}}',
     "written by a newer event-console (case format 2; this one reads 1); update event-console to run it"),
    ('{"version": "1", "name": "x", "vendor": "octeth", "operation": "event", "payload": {}}',
     "version must be a whole number from 1 (the case file format)"),
])
def test_a_malformed_case_file_is_a_case_that_could_not_run_naming_the_file(run_cli, tmp_path, content, words):
    (tmp_path / "bad.case.json").write_text(content)
    result = run_cli("suite", "run", str(tmp_path))
    # The contract: such a case fails the run (1), named with its problem; the run goes on.
    assert result.status == 1 and "ERROR  bad" in result.out and "bad.case.json" in result.out and words in result.out


def test_a_case_file_carries_its_format_version_and_one_without_is_version_1(tmp_path):
    from console.engine.suites import CASE_FORMAT_VERSION, load_case, new_case, save_case

    data = new_case("n", "octeth", "event", {"Event": "x"})
    assert data["version"] == CASE_FORMAT_VERSION == 1 and list(data)[0] == "version"
    save_case(tmp_path / "n.case.json", data)
    assert json.loads((tmp_path / "n.case.json").read_text())["version"] == 1
    del data["version"]
    (tmp_path / "old.case.json").write_text(json.dumps(data))
    assert load_case(tmp_path / "old.case.json").name == "n"


def test_paths_that_hold_no_cases(run_cli, tmp_path):
    assert run_cli("suite", "run", str(tmp_path / "none")).status == 2
    assert run_cli("suite", "run", str(tmp_path)).status == 2


def junit_schema():
    """Jenkins' JUnit schema (junit-10.xsd), fetched by scripts/test (scripts/junit-schema)."""
    import os

    path = Path(os.environ.get("EVENT_CONSOLE_JUNIT_XSD", ROOT / ".venv" / "share" / "junit-10.xsd"))
    if not path.is_file():
        if os.environ.get("EVENT_CONSOLE_JUNIT_XSD"):
            pytest.fail(f"{path} is missing: scripts/junit-schema fetches it")
        pytest.skip("no JUnit schema here (scripts/test fetches it)")
    import xmlschema

    return xmlschema.XMLSchema(str(path))


def test_junit_output_is_valid_against_the_junit_schema(run_cli, tmp_path):
    schema = junit_schema()
    case(tmp_path, "passes")
    case(tmp_path, "fails <&> \"quoted\"", expect={"status": 500})
    junit = tmp_path / "out.xml"
    assert run_cli("suite", "run", str(tmp_path), "--junit", str(junit)).status == 1
    schema.validate(str(junit))  # raises with the offending element and rule
    suite = ElementTree.parse(junit).getroot()
    assert [c.get("classname") for c in suite.iter("testcase")] == ["octeth.event", "octeth.event"]
    # The schema does catch a broken report (so the check above can fail).
    suite.find("testcase").set("file", "x.case.json")  # an attribute Jenkins does not know
    assert not schema.is_valid(ElementTree.tostring(suite, encoding="unicode"))


def test_a_case_saved_from_a_payload_runs_and_keeps_its_tokens(run_cli, tmp_path):
    from console.engine.suites import (
        SuiteError,
        answer_fields,
        case_file_name,
        load_case,
        new_case,
        save_case,
    )

    payload = {"ListID": 1, "event": "signup", "email": "{{$randomEmail}}"}
    data = new_case("Sign-up / new e-mail", "octeth", "event", payload,
                    settings={"base_url": "http://127.0.0.1:1", "api_key": "never-saved"},
                    status=200, body={"/status": "success"})
    assert data["settings"] == {"base_url": "http://127.0.0.1:1"}  # the key is the profile's, never the file's
    path = tmp_path / "octeth" / case_file_name(data["name"])
    assert path.name == "sign-up-new-e-mail.case.json"
    del data["settings"]
    save_case(path, data)
    text = path.read_text()
    assert "{{$randomEmail}}" in text and text.endswith("}\n") and text.count("\n") > 5  # reviewable in git
    assert load_case(path).expect == {"status": 200, "issues": "none", "body": {"/status": "success"}}
    assert run_cli("suite", "run", str(tmp_path)).status == 0
    with pytest.raises(SuiteError, match="ends in .case.json"):
        save_case(tmp_path / "x.json", data)
    with pytest.raises(SuiteError, match="secrets never go into case files"):
        save_case(tmp_path / "y.case.json", {**data, "settings": {"api_key": "k"}})
    assert not (tmp_path / "y.case.json").exists()
    assert answer_fields({"a/b": {"c~": [1, {"d": None}]}, "e": "f"}) == [
        ("/a~1b/c~0/0", 1), ("/a~1b/c~0/1/d", None), ("/e", "f")]


def test_a_malformed_case_or_no_answer_is_an_error_and_the_run_goes_on(run_cli, tmp_path):
    """What CI reads: the run goes on past a malformed case file, which (like a case with no
    answer) is an <error>, not a <failure>; the report says when and where it ran; Jenkins'
    schema and junitparser (software nobody here wrote) both read it."""
    from junitparser import Error, Failure, JUnitXml

    case(tmp_path, "a passes")
    (tmp_path / "b broken.case.json").write_text('{"name": "x", "vendor": ')
    case(tmp_path, "c no answer", settings={"base_url": "http://127.0.0.1:9"})
    case(tmp_path, "d fails", expect={"status": 500})
    junit = tmp_path / "out.xml"
    done = run_cli("suite", "run", str(tmp_path), "--junit", str(junit))
    assert done.status == 1 and "ERROR  b broken  (unreadable" in done.out and "pass  a passes" in done.out
    schema = junit_schema()
    schema.validate(str(junit))
    suite = next(iter(JUnitXml.fromfile(str(junit))))
    assert (suite.tests, suite.failures, suite.errors) == (4, 1, 2)
    assert suite.timestamp and suite.hostname
    results = {c.name: c.result for c in suite}
    assert results["a passes"] == []
    assert isinstance(results["b broken"][0], Error) and results["b broken"][0].type == "malformed case file"
    assert "not a case file" in results["b broken"][0].message
    assert isinstance(results["c no answer"][0], Error) and results["c no answer"][0].type == "no answer"
    assert ".." not in results["c no answer"][0].message
    assert isinstance(results["d fails"][0], Failure)
