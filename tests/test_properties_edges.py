"""Property-based: arbitrary JSON (and what is not JSON: NaN, huge numbers, lone surrogates,
deep nesting), text and bytes fed to `prepare`, the cookie parser, the cURL importer and the
history import give a result or the module's own one-line error, never another exception."""

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.cookies import CookieError, parse_vt_user
from console.core.curl import CurlError, import_curl, parse_curl
from console.core.history.export import HistoryImportError, read_import, to_har, to_json_export
from console.core.payload import PayloadError, parse_payload
from console.engine import pipeline
from tests.test_definitions import ALL_OPERATIONS

EXAMPLES = 2800 // len(ALL_OPERATIONS)  # 2,800 payloads across the operations

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**4299, max_value=10**4400)
           | st.floats() | st.text(max_size=30) | st.sampled_from(["\ud800", "a\udfffb", "confirmation", "custom"]))
anything = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=15), children, max_size=5),
    max_leaves=25,
)
deep = st.integers(min_value=60, max_value=3000).map(lambda n: json.loads("[" * n + "]" * n) if n < 900 else None)


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=anything | deep)
def test_prepare_never_raises(ctx, vendor, operation, payload):
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=payload))
    assert all(i.severity in ("error", "warning") and i.message for i in prepared.issues)
    preview = prepared.preview()
    preview.body.decode("utf-8")  # what is shown can always be shown
    if prepared.missing:
        with pytest.raises(ValueError):
            pipeline.send(ctx, prepared, force=True)


@settings(max_examples=2800, deadline=None)
@given(text=st.text() | st.binary().map(lambda b: b.decode("utf-8", "replace")))
def test_payload_text_is_a_value_or_one_line(text):
    try:
        value = parse_payload(text)
    except PayloadError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        json.dumps(value, ensure_ascii=False).encode("utf-8")


@settings(max_examples=2800, deadline=None)
@given(text=st.text() | st.binary().map(lambda b: b.decode("latin-1"))
       | st.builds(lambda a, b: f"Set-Cookie: _vt_user={a}; {b}", st.text(max_size=40), st.text(max_size=20)))
def test_cookie_parser_never_raises_anything_else(text):
    try:
        parse_vt_user(text)
    except CookieError as exc:
        assert str(exc)


words = st.sampled_from(["curl", "-X", "POST", "-H", "'Content-Type: application/json'", "--data-raw", "-d",
                         "'{\"a\": 1}'", "https://api.synerise.com/v4/events/custom", "-u", "a:b", "--json",
                         "\\\n", "$'x\\ny'", "$'\\xff'", '"', "'", "-sX", "--url", "@file", "-G", "#", "`", "^",
                         "--data-urlencode", "--url-query", "-H", "'X: \u00e9'", "|", "&&", "2>&1", "curl.exe",
                         "^\n", "`\n", "--json", "-b", "a=b", "$'\\ud800'", "$'a\\udfffb'", "$'\\U0001f600'",
                         "'http://[::1/x'", "http://[::1]:99999/"])
commands = st.lists(words | st.text(max_size=12), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=2800, deadline=None)
@given(text=commands | st.text())
def test_curl_reader_never_raises_anything_else(text):
    try:
        parse_curl(text)
    except CurlError as exc:
        assert str(exc)
    try:
        import_curl(text)
    except CurlError as exc:
        assert str(exc)


har_values = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10) | st.lists(st.integers(), max_size=2)


def har_entry():
    header = st.fixed_dictionaries({"name": har_values | st.sampled_from([":authority", ":path", "Content-Length"]),
                                    "value": har_values})
    request = st.fixed_dictionaries({
        "method": st.sampled_from(["POST", "GET"]) | har_values,
        "url": st.sampled_from(["https://tracker-s2s.my.com/v1/login/?idApp=1", "https://api.synerise.com/v4/events/custom",
                                "https://example.com/x", "http://[::1/x", "http://h:99999/", "http://[::1]:x/",
                                "https://app.vtcdn.net/event/1/login?data=%5B%7B%22type%22%3A%22login%22%7D%5D",
                                "https://app.vtcdn.net/event/1/?data=%5B"]) | har_values,
    }, optional={"headers": st.lists(header, max_size=3) | har_values,
                 "postData": st.fixed_dictionaries({}, optional={"text": har_values, "mimeType": har_values,
                                                                 "params": st.lists(header, max_size=2) | har_values})})
    response = st.fixed_dictionaries({}, optional={
        "status": st.integers(-5, 1000) | har_values, "statusText": har_values,
        "headers": st.lists(header, max_size=3) | har_values,
        "content": st.fixed_dictionaries({}, optional={"text": har_values, "encoding": st.just("base64") | har_values,
                                                       "size": har_values, "comment": har_values})})
    own = st.fixed_dictionaries({}, optional={"vendor": st.just("mytracker") | har_values,
                                              "operation": st.just("login") | har_values,
                                              "issues": st.lists(st.dictionaries(st.sampled_from(["severity", "path", "message"]), har_values)) | har_values,
                                              "outcome": har_values, "settings": har_values, "payload": har_values})
    return st.fixed_dictionaries({"request": request | har_values}, optional={
        "response": response | har_values, "time": har_values, "startedDateTime": har_values | st.just("2026-01-01T00:00:00Z"),
        "_eventConsole": own | har_values})


hars = st.builds(lambda entries: {"log": {"version": "1.2", "entries": entries}},
                 st.lists(har_entry(), max_size=3) | har_values)


@settings(max_examples=2800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=hars)
def test_har_import_never_raises_anything_else(data):
    text = json.dumps(data)
    try:
        records, skipped = read_import(("\ufeff" if len(text) % 2 else "") + text)
    except HistoryImportError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        for record in records:
            assert isinstance(record.status, (int, type(None))) and isinstance(record.elapsed_ms, (float, type(None)))


export_fields = st.fixed_dictionaries({}, optional={
    k: har_values | st.just(v) for k, v in {
        "time": "2026-01-01T00:00:00Z", "vendor": "mytracker", "operation": "login", "profile": "p", "method": "POST",
        "url": "https://x/?token=abc", "status": 200, "elapsed_ms": 1.5, "outcome": "answered",
        "request_body": {"text": "{}"}, "response_body": {"base64": base64.b64encode(b"\xff").decode()},
        "request_headers": {"Authorization": "k"}, "issues": [], "forced": False}.items()})


@settings(max_examples=2800, deadline=None)
@given(exchanges=st.lists(export_fields, max_size=3) | har_values, raw=st.binary(max_size=30))
def test_json_export_import_never_raises_anything_else(exchanges, raw):
    for text in (json.dumps({"format": "event-console-history", "version": 1, "exchanges": exchanges}),
                 raw.decode("utf-8", "replace")):
        try:
            read_import(text)
        except HistoryImportError as exc:
            assert str(exc)


def test_imported_rows_export_again(ctx):
    """What an import accepts can be exported again (a row that cannot be would be stuck)."""
    pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login")))
    rows = ctx.history.get_many([r.id for r in ctx.history.recent(1)])
    records, _ = read_import(to_json_export(rows))
    ids = ctx.history.record_many(records)
    again = ctx.history.get_many(ids)
    json.dumps(to_har(again))


case_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=8)
case_files = st.fixed_dictionaries({}, optional={
    "name": case_values, "vendor": st.sampled_from(["mytracker", "octeth", "nope"]) | case_values,
    "operation": st.sampled_from(["login", "event", "x"]) | case_values, "payload": case_values,
    "settings": case_values, "vars": case_values,
    "expect": st.fixed_dictionaries({}, optional={"status": case_values | st.sampled_from(["2xx", 202, [200, 202]]),
                                                  "issues": case_values | st.just("none"),
                                                  "body": st.dictionaries(st.text(max_size=6), case_values, max_size=2)
                                                  | case_values})})


@settings(max_examples=2000, deadline=None)
@given(data=case_files, raw=st.binary(max_size=40))
def test_case_files_give_a_case_or_one_line(data, raw):
    import tempfile
    from pathlib import Path

    from console.engine.suites import SuiteError, load_case

    with tempfile.TemporaryDirectory() as folder:
        for content in (json.dumps(data).encode(), raw):
            path = Path(folder) / "x.case.json"
            path.write_bytes(content)
            try:
                load_case(path)
            except SuiteError as exc:
                assert str(exc) and "\n" not in str(exc)
