"""Suites: saved test cases (`*.case.json`, one a file, found under a folder), run through the
pipeline like any send (recorded in history with source `suite`), each checked against its
expectations, reported as lines, JSON or JUnit XML.

A case: {"name", "vendor", "operation", "payload" (tokens allowed), "settings" (optional),
"expect": {"status": 202 | "2xx" | [200, 202], "issues": "none" | ["error"|"warning", …],
"body": {"<JSON Pointer>": value, …}}}. No `expect`: any 2xx with no validation errors passes.
Secrets never go into case files; they come from the profile.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from console.core.definitions import vendors
from console.core.payload import PayloadError, parse_payload
from console.core.validation import pointer, value_at
from console.engine.context import AppContext
from console.engine.pipeline import Draft, prepare, send

CASE_SUFFIX = ".case.json"
CASE_KEYS = {"name", "vendor", "operation", "payload", "settings", "expect"}
EXPECT_KEYS = {"status", "issues", "body"}


class SuiteError(ValueError):
    """A path or case file that cannot be run; the message names it and its problem."""


class Case(NamedTuple):
    """One case file, checked: what to send and what to expect of the answer."""

    name: str
    path: Path
    vendor: str
    operation: str
    payload: Any
    settings: dict[str, str]
    expect: dict[str, Any]
    problem: str = ""  # a case file that cannot be read: why (the run goes on; the case is an error)


class CaseResult(NamedTuple):
    """How a case went: passed or the reason it did not, and the history id of its send.
    `error`: it could not run at all (a malformed file, no answer), which JUnit tells apart
    from a failed expectation."""

    case: Case
    passed: bool
    reason: str
    history_id: int | None
    seconds: float
    error: bool = False


def load_cases(path: Path, keep_broken: bool = False) -> list[Case]:
    """The cases under `path` (a case file, or a folder searched recursively), sorted by path.
    A malformed case file raises SuiteError, or with `keep_broken` is a case of its own whose
    `problem` says why (a run reports it as an error and goes on)."""
    from console.core.files import InputFileError, files_under

    try:
        files = files_under(path, CASE_SUFFIX)
    except InputFileError as exc:
        raise SuiteError(str(exc)) from None
    cases = []
    for file in files:
        try:
            cases.append(load_case(file))
        except SuiteError as exc:
            if not keep_broken:
                raise
            cases.append(Case(file.name.removesuffix(CASE_SUFFIX), file, "", "", None, {}, {}, str(exc)))
    return cases


CASE_FILE_CAP = 10 * 1024 * 1024  # a case holds one payload: far below this


def load_case(path: Path) -> Case:
    from console.core.files import InputFileError, read_regular

    try:
        data = parse_payload(read_regular(path, CASE_FILE_CAP, "case file").decode("utf-8"))
    except InputFileError as exc:
        raise SuiteError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise SuiteError(f"{path}: cannot be read ({exc})") from None
    except PayloadError as exc:
        raise SuiteError(f"{path}: not a case file ({exc})") from None
    return check_case(data, path)


def check_case(data: Any, path: Path) -> Case:
    """`data` (a case file's JSON) checked as a case; SuiteError names `path` and the problem."""
    if not isinstance(data, dict):
        raise SuiteError(f"{path}: a case is a JSON object")
    unknown = set(data) - CASE_KEYS
    if unknown:
        raise SuiteError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("name", "vendor", "operation"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise SuiteError(f"{path}: {key} must be non-empty text")
    known = vendors()
    if data["vendor"] not in known or data["operation"] not in known[data["vendor"]].operations:
        raise SuiteError(f"{path}: {data['vendor']}/{data['operation']} is not an operation this console knows")
    if "payload" not in data:
        raise SuiteError(f"{path}: payload is missing")
    settings = data.get("settings") or {}
    op = known[data["vendor"]].operations[data["operation"]]
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise SuiteError(f"{path}: settings must be an object of text values")
    secrets = [k for k in settings if k in known[data["vendor"]].secrets]
    if secrets:
        raise SuiteError(f"{path}: {', '.join(secrets)} is a secret: secrets never go into case files, "
                         "they come from the profile")
    bad = [k for k in settings if k not in op.settings]
    if bad:
        raise SuiteError(f"{path}: {', '.join(bad)} is not a setting of {data['vendor']}/{data['operation']}")
    expect = data.get("expect") or {}
    if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
        raise SuiteError(f"{path}: expect takes status, issues and body")
    _check_expect(path, expect)
    return Case(data["name"], path, data["vendor"], data["operation"], data["payload"], dict(settings), expect)


def _check_expect(path: Path, expect: dict) -> None:
    status = expect.get("status")
    if status is not None and not (
            (isinstance(status, int) and not isinstance(status, bool))
            or (isinstance(status, str) and len(status) == 3 and status[0].isdigit() and status[1:] == "xx")
            or (isinstance(status, list) and status and all(isinstance(s, int) for s in status))):
        raise SuiteError(f"{path}: expect.status is a status (202), a class (\"2xx\") or a list ([200, 202])")
    issues = expect.get("issues")
    if issues is not None and issues != "none" and not (
            isinstance(issues, list) and all(i in ("error", "warning") for i in issues)):
        raise SuiteError(f"{path}: expect.issues is \"none\" or a list of \"error\" and \"warning\"")
    body = expect.get("body")
    if body is not None and not (isinstance(body, dict) and all(k == "" or k.startswith("/") for k in body)):
        raise SuiteError(f"{path}: expect.body maps JSON Pointers (\"/field\") to values")


def new_case(name: str, vendor: str, operation: str, payload: Any, settings: dict[str, str] | None = None,
             status: int | None = None, body: dict[str, Any] | None = None,
             issues: list[str] | None = None) -> dict:
    """A case file's content for a payload (its tokens kept), expecting `status` (else any
    2xx), the `body` values (JSON Pointer → value) and `issues` (severities; None: none)."""
    secrets = vendors()[vendor].secrets
    expect: dict[str, Any] = {"status": status if status is not None else "2xx",
                              "issues": sorted(issues) if issues else "none"}
    if body:
        expect["body"] = dict(body)
    case = {"name": name, "vendor": vendor, "operation": operation, "payload": payload}
    kept = {k: v for k, v in (settings or {}).items() if k not in secrets}
    if kept:
        case["settings"] = kept
    case["expect"] = expect
    return case


def save_case(path: Path, data: dict) -> Case:
    """Checks `data` as a case and writes it to `path` (created with its folders; replaced
    whole, never half-written), formatted for review in git."""

    path = Path(path)
    if not path.name.endswith(CASE_SUFFIX):
        raise SuiteError(f"{path}: a case file's name ends in {CASE_SUFFIX}")
    case = check_case(data, path)
    from console.core.files import atomic_write

    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return case


def answer_fields(data: Any, limit: int = 50) -> list[tuple[str, Any]]:
    """The scalar values of an answer's JSON as (JSON Pointer, value), in document order: the
    expectations a user may pick for a case's `expect.body`."""
    found: list[tuple[str, Any]] = []

    def walk(node: Any, pointer_text: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, pointer_text + pointer([key]))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{pointer_text}/{i}")
        else:
            found.append((pointer_text, node))

    walk(data, "")
    return found


def case_file_name(name: str) -> str:
    """A file name for a case called `name`: lower case, dashes, the case suffix."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "case"
    return slug + CASE_SUFFIX


def run_case(ctx: AppContext, case: Case, profile: str,
             cancelled: Callable[[], bool] = lambda: False) -> CaseResult:
    """Sends one case (forced when its expectation allows errors) and checks the outcome."""
    started = time.perf_counter()
    if case.problem:
        return CaseResult(case, False, case.problem, None, 0.0, error=True)
    prepared = prepare(ctx, Draft(case.vendor, case.operation, profile, case.payload, case.settings))
    if prepared.missing:
        return CaseResult(case, False, prepared.missing[0].message, None, time.perf_counter() - started)
    severities = sorted(i.severity for i in prepared.issues)
    wanted = case.expect.get("issues")
    if wanted == "none" and prepared.issues:
        reason = "expected no issues, found: " + "; ".join(f"{i.severity} {i.path or 'payload'}: {i.message}"
                                                           for i in prepared.issues)
        return CaseResult(case, False, reason, None, time.perf_counter() - started)
    if isinstance(wanted, list) and sorted(wanted) != severities:
        return CaseResult(case, False, f"expected issues {sorted(wanted)}, found {severities}: "
                          + "; ".join(f"{i.path or 'payload'}: {i.message}" for i in prepared.issues), None,
                          time.perf_counter() - started)
    if prepared.errors and wanted is None:
        reason = "validation errors: " + "; ".join(f"{i.path or 'payload'}: {i.message}" for i in prepared.errors)
        return CaseResult(case, False, reason, None, time.perf_counter() - started)
    outcome = send(ctx, prepared, force=bool(prepared.errors), source="suite", cancelled=cancelled)
    reason = "cancelled" if outcome.cancelled else _check_answer(case.expect, outcome)
    return CaseResult(case, reason == "", reason, outcome.history_id, time.perf_counter() - started,
                      error=outcome.exchange.response is None and not outcome.cancelled)


def _check_answer(expect: dict, outcome) -> str:
    response = outcome.exchange.response
    if response is None:
        return f"no answer: {(outcome.exchange.error or '').rstrip('.')}"
    status = expect.get("status", "2xx")
    ok = (response.status == status if isinstance(status, int) else
          response.status in status if isinstance(status, list) else
          str(response.status)[0] == status[0])
    if not ok:
        return f"expected status {status}, got {response.status} {response.reason}"
    if outcome.exchange.error:
        return outcome.exchange.error
    body = expect.get("body")
    if body:
        data = response.json()
        for pointer_text, value in body.items():
            found = value_at(data, pointer_text)
            if found != value:
                return f"expected {pointer_text} = {json.dumps(value)}, got {json.dumps(found)}"
    return ""


def junit_xml(results: list[CaseResult], suite_name: str = "event-console") -> str:
    """JUnit XML as CI servers read it: one testsuite, a testcase per case (classname =
    vendor.operation, time in seconds), a failure with the reason; valid against Jenkins'
    junit-10.xsd (tests/test_suites.py)."""
    import socket
    from datetime import datetime
    from xml.etree import ElementTree as ET

    errors = sum(r.error for r in results)
    failures = sum(not r.passed and not r.error for r in results)
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(results)), failures=str(failures),
                       errors=str(errors), skipped="0", time=f"{sum(r.seconds for r in results):.3f}",
                       timestamp=datetime.now().replace(microsecond=0).isoformat(), hostname=socket.gethostname())
    for r in results:
        classname = f"{r.case.vendor}.{r.case.operation}" if r.case.vendor else "unreadable"
        case = ET.SubElement(suite, "testcase", name=r.case.name, classname=classname, time=f"{r.seconds:.3f}")
        if not r.passed:
            kind = "error" if r.error else "failure"
            failure = ET.SubElement(case, kind, message=r.reason[:500],
                                    type=("malformed case file" if r.case.problem else "no answer") if r.error
                                    else "expectation")
            failure.text = r.reason
        # The case file, where Jenkins' schema allows it (a testcase has no `file` attribute there).
        out = ET.SubElement(case, "system-out")
        out.text = f"case file: {r.case.path}" + (f"\nhistory #{r.history_id}" if r.history_id else "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
