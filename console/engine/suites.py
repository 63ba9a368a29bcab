"""Suites: saved test cases (`*.case.json`, one a file, found under a folder), run through the
pipeline like any send (recorded in history with source `suite`), each checked against its
expectations, reported as lines, JSON or JUnit XML.

A case: {"version" (the file format, 1; optional), "name", "vendor", "operation", "payload" (tokens and variables allowed), "settings"
(optional), "vars" (optional: the case's `{{name}}` values), "expect": {"status": 202 | "2xx" |
[200, 202], "issues": "none" | ["error"|"warning", …], "body": {"<JSON Pointer>": value or
matcher, …}}}. No `expect`: any 2xx with no validation errors passes. Secrets never go into
case files; they come from the profile.

A data-driven run (`rows`) runs every case once per row, the row's columns as variables; a
`rate` paces the sends; a vendor's 429 with Retry-After is waited out and the case sent again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from console.core.definitions import vendors
from console.core.outcomes import Source
from console.core.payload import PayloadError, parse_payload
from console.core.validation import JSON_TYPES, json_type, pointer, value_at
from console.engine.context import AppContext
from console.engine.pipeline import Draft, Outcome, prepare, send

if TYPE_CHECKING:
    from console.core.exchange import Response

CASE_SUFFIX = ".case.json"
CASE_KEYS = {"version", "name", "vendor", "operation", "payload", "settings", "vars", "expect"}
# The case file format this console writes and reads ("version"; a file without one is version 1,
# as written before the key existed). A newer file is refused by name, never misread.
CASE_FORMAT_VERSION = 1
EXPECT_KEYS = {"status", "issues", "body"}
MATCHERS = ("$exists", "$type", "$matches")
RETRIES_AFTER_429 = 3
LONGEST_RETRY_AFTER = 120.0  # seconds: a longer wait is not waited out; the case fails with the answer


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
    vars: dict[str, Any] = {}  # noqa: RUF012 - a NamedTuple's default, never changed


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
    row: int | None = None  # the data row it ran with (1 for the first), in a data-driven run

    @property
    def name(self) -> str:
        """The result's name in reports: the case's, with its data row."""
        return self.case.name if self.row is None else f"{self.case.name} [row {self.row}]"


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
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SuiteError(f"{path}: version must be a whole number from 1 (the case file format)")
    if version > CASE_FORMAT_VERSION:
        raise SuiteError(f"{path}: written by a newer event-console (case format {version}; this one reads "
                         f"{CASE_FORMAT_VERSION}); update event-console to run it")
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
    variables = data.get("vars") or {}
    if not isinstance(variables, dict) or not all(
            isinstance(v, (str, int, float, bool)) or v is None for v in variables.values()):
        raise SuiteError(f"{path}: vars must be an object of text, number or boolean values")
    return Case(data["name"], path, data["vendor"], data["operation"], data["payload"], dict(settings), expect,
                vars=dict(variables))


def _check_expect(path: Path, expect: dict[str, Any]) -> None:
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
    for where, wanted in (body or {}).items():
        problem = matcher_problem(wanted)
        if problem:
            raise SuiteError(f"{path}: expect.body {where or '(the whole answer)'}: {problem}")


def is_matcher(wanted: Any) -> bool:
    """Whether an expected value is a matcher (an object whose keys all begin with `$`)."""
    return isinstance(wanted, dict) and bool(wanted) and all(str(k).startswith("$") for k in wanted)


def matcher_problem(wanted: Any) -> str:
    """Why an expected value is not a valid matcher ("" when it is one, or plain equality)."""
    import re

    if not is_matcher(wanted):
        return ""
    for key, value in wanted.items():
        if key not in MATCHERS:
            return f"{key} is not a matcher; they are {', '.join(MATCHERS)}"
        if key == "$exists" and not isinstance(value, bool):
            return "$exists takes true or false"
        if key == "$type" and value not in JSON_TYPES:
            return f"$type takes one of {', '.join(JSON_TYPES)}"
        if key == "$matches":
            if not isinstance(value, str):
                return "$matches takes a regular expression as text"
            try:
                re.compile(value)
            except re.error as exc:
                return f"$matches {value!r} is not a regular expression ({exc})"
    return ""


def _type_of(value: Any) -> str:
    """A decoded value's JSON type, a whole number written 3.0 an integer as JSON Schema (and
    JavaScript's Number.isInteger, in exported collections) counts it."""
    kind = json_type(value)
    return "integer" if kind == "number" and value.is_integer() else kind


ABSENT = object()


def mismatch(where: str, wanted: Any, found: Any) -> str:
    """Why the answer's value `found` at `where` does not meet `wanted` ("" when it does);
    `found` is ABSENT when nothing is there."""
    import re

    shown = "nothing" if found is ABSENT else json.dumps(found)
    if not is_matcher(wanted):
        return "" if found is not ABSENT and found == wanted else f"expected {where} = {json.dumps(wanted)}, got {shown}"
    for key, value in wanted.items():
        if key == "$exists" and (found is not ABSENT) != value:
            return f"expected {where} to {'exist' if value else 'be absent'}, got {shown}"
        if key == "$type" and found is not ABSENT and not (
                _type_of(found) == value or (value == "number" and _type_of(found) == "integer")):
            return f"expected {where} to be {value}, got {shown} ({_type_of(found)})"
        if key == "$type" and found is ABSENT:
            return f"expected {where} to be {value}, got nothing"
        if key == "$matches" and not (isinstance(found, str) and re.search(value, found)):
            return f"expected {where} to match {value!r}, got {shown}"
    return ""


def new_case(name: str, vendor: str, operation: str, payload: Any, settings: dict[str, str] | None = None,
             status: int | None = None, body: dict[str, Any] | None = None,
             issues: list[str] | None = None) -> dict[str, Any]:
    """A case file's content for a payload (its tokens kept), expecting `status` (else any
    2xx), the `body` values (JSON Pointer → value) and `issues` (severities; None: none)."""
    secrets = vendors()[vendor].secrets
    expect: dict[str, Any] = {"status": status if status is not None else "2xx",
                              "issues": sorted(issues) if issues else "none"}
    if body:
        expect["body"] = dict(body)
    case = {"version": CASE_FORMAT_VERSION, "name": name, "vendor": vendor, "operation": operation,
            "payload": payload}
    kept = {k: v for k, v in (settings or {}).items() if k not in secrets}
    if kept:
        case["settings"] = kept
    case["expect"] = expect
    return case


def save_case(path: Path, data: dict[str, Any]) -> Case:
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


_CHANGING = (  # (what a value that changes every send looks like, the matcher that expects it, said as)
    (r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
     {"$matches": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"}, "any UUID"),
    (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?",
     {"$matches": "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}"}, "any date and time"),
    (r"[0-9a-f]{24,}", {"$matches": "^[0-9a-f]{24,}$"}, "any long hexadecimal id"),
)


def expectation_for(value: Any) -> tuple[Any, str]:
    """What a case should expect of an answer's value: the value itself, or, for one that
    changes every send (an id, a time), a matcher; and how to say it."""
    import re

    if isinstance(value, str):
        for shape, matcher, said in _CHANGING:
            if re.fullmatch(shape, value):
                return matcher, f"{said} (it changes every send)"
    if isinstance(value, int) and not isinstance(value, bool) and 1_000_000_000 <= value < 10_000_000_000_000:
        return {"$type": "integer"}, "any integer (a time: it changes every send)"
    return value, f"= {json.dumps(value, ensure_ascii=False)}"


def case_file_name(name: str) -> str:
    """A file name for a case called `name`: lower case, dashes, the case suffix."""
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "case"
    return slug + CASE_SUFFIX


def run_case(ctx: AppContext, case: Case, profile: str,
             cancelled: Callable[[], bool] = lambda: False, row: tuple[int, dict[str, Any]] | None = None,
             pace: Callable[[], None] = lambda: None) -> CaseResult:
    """Sends one case (forced when its expectation allows errors) and checks the outcome.
    `row`: (its number, its columns) in a data-driven run; `pace()` is called before each send."""
    started = time.perf_counter()
    number = row[0] if row else None
    if case.problem:
        return CaseResult(case, False, case.problem, None, 0.0, error=True, row=number)
    layers = ((f"row {row[0]}", row[1]),) if row else ()
    draft = Draft(case.vendor, case.operation, profile, case.payload, case.settings,
                  variables=layers + (("the case's vars", case.vars),))
    result = _run_prepared(ctx, case, draft, cancelled, pace, started)
    return result._replace(row=number)


def _run_prepared(ctx: AppContext, case: Case, draft: Draft, cancelled: Callable[[], bool],
                  pace: Callable[[], None], started: float) -> CaseResult:
    prepared = prepare(ctx, draft)
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
    for attempt in range(RETRIES_AFTER_429 + 1):
        pace()
        outcome = send(ctx, prepared, force=bool(prepared.errors), source=Source.SUITE, cancelled=cancelled)
        wait = retry_after(outcome.exchange.response)
        if wait is None or attempt == RETRIES_AFTER_429 or cancelled():
            break
        _sleep(wait, cancelled)  # the vendor asked to wait: the same case again, with fresh dynamic values
        prepared = prepare(ctx, draft)
    reason = "cancelled" if outcome.cancelled else _check_answer(case.expect, outcome)
    return CaseResult(case, reason == "", reason, outcome.history_id, time.perf_counter() - started,
                      error=outcome.exchange.response is None and not outcome.cancelled)


def retry_after(response: Response | None) -> float | None:
    """Seconds to wait before sending again, when `response` is a 429 that says (Retry-After as
    seconds or as an HTTP date) and the wait is not over LONGEST_RETRY_AFTER; else None."""
    if response is None or response.status != 429:
        return None
    value = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), "").strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds or seconds > LONGEST_RETRY_AFTER:
        return None
    return max(0.0, seconds)


def _sleep(seconds: float, cancelled: Callable[[], bool]) -> None:
    """Waits `seconds`, ending early when the run is cancelled."""
    until = time.monotonic() + seconds
    while not cancelled() and (left := until - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))


class Pacer:
    """Keeps sends at most `rate` a second (`--rate N`): each call waits for its slot."""

    def __init__(self, rate: float | None, cancelled: Callable[[], bool] = lambda: False):
        self.interval = 1.0 / rate if rate else 0.0
        self.cancelled = cancelled
        self.next = 0.0

    def __call__(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next > now:
            _sleep(self.next - now, self.cancelled)
        self.next = max(now, self.next) + self.interval


def run_suite(ctx: AppContext, cases: list[Case], profile: str, rows: Iterable[dict[str, Any]] | None = None,
              rate: float | None = None, cancelled: Callable[[], bool] = lambda: False) -> Iterator[CaseResult]:
    """Every case, or with `rows` (an iterator of data rows) every case once per row, as
    CaseResults in the order they ran. Rows are read as the run goes (constant memory)."""
    pace = Pacer(rate, cancelled)
    for number, row in enumerate([None] if rows is None else rows, 1):
        for case in cases:
            if cancelled():
                return
            yield run_case(ctx, case, profile, cancelled, row=None if row is None else (number, row), pace=pace)


def _check_answer(expect: dict[str, Any], outcome: Outcome) -> str:
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
        return str(outcome.exchange.error)
    body = expect.get("body")
    if body:
        data = response.json()
        for pointer_text, wanted in body.items():
            problem = mismatch(pointer_text or "(the answer)", wanted, value_at(data, pointer_text, ABSENT))
            if problem:
                return problem
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
        case = ET.SubElement(suite, "testcase", name=r.name, classname=classname, time=f"{r.seconds:.3f}")
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
