"""HAR both ways as browsers write it, and the command line's history export and import."""

import base64
import json
from pathlib import Path

import jsonschema
import pytest

from console.core.curl import parse_curl
from console.core.history.export import HistoryImportError, read_import, to_har
from console.core.history.store import HistoryStore
from console.engine import pipeline
from tests.servers import Reply

HAR_SCHEMA = json.loads((Path(__file__).parent / "har-1.2.schema.json").read_text())


def entry(url="https://api.synerise.com/v4/events/custom", method="POST", **parts):
    base = {
        "startedDateTime": "2026-11-22T10:00:00.000Z", "time": 12.5,
        "request": {"method": method, "url": url, "httpVersion": "HTTP/2", "headers": [], "queryString": [],
                    "cookies": [], "headersSize": -1, "bodySize": 2,
                    "postData": {"mimeType": "application/json", "text": "{}"}},
        "response": {"status": 202, "statusText": "Accepted", "httpVersion": "HTTP/2", "headers": [],
                     "cookies": [], "content": {"size": 0, "mimeType": "", "text": ""}, "redirectURL": "",
                     "headersSize": -1, "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 12.5, "receive": 0},
    }
    for key, value in parts.items():
        where, _, name = key.partition("__")
        base[where][name] = value
    return base


def har(*entries):
    return {"log": {"version": "1.2", "creator": {"name": "Chrome", "version": "140"}, "pages": [],
                    "entries": list(entries)}}


def test_a_byte_order_mark_is_read(tmp_path, run_cli):
    path = tmp_path / "chrome.har"
    path.write_bytes("\ufeff".encode() + json.dumps(har(entry())).encode())
    result = run_cli("history", "import", str(path))
    assert result.status == 0, result.err
    assert "Imported 1 exchange" in result.out


def test_base64_answers_are_decoded_and_binary_answers_exported_as_base64(ctx):
    binary = bytes(range(256))
    content = {"size": 256, "mimeType": "application/octet-stream", "encoding": "base64",
               "text": base64.b64encode(binary).decode()}
    (record,), _ = read_import(json.dumps(har(entry(response__content=content))))
    assert record.response_body == binary
    (exchange_id,) = ctx.history.record_many([record])
    exported = to_har(ctx.history.get_many([exchange_id]))
    jsonschema.validate(exported, HAR_SCHEMA)
    out = exported["log"]["entries"][0]["response"]["content"]
    assert out["encoding"] == "base64" and base64.b64decode(out["text"]) == binary
    (again,), _ = read_import(json.dumps(exported))
    assert again.response_body == binary


def test_form_bodies_given_as_params_are_kept():
    post = {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a", "value": "1 2"},
                                                                        {"name": "b", "value": "&"}]}
    (record,), _ = read_import(json.dumps(har(entry(request__postData=post))))
    assert record.request_body == b"a=1+2&b=%26"


def test_repeated_headers_keep_every_value(ctx):
    headers = [{"name": "Set-Cookie", "value": "a=1"}, {"name": "Set-Cookie", "value": "b=2"},
               {"name": "Vary", "value": "Origin"}]
    (record,), _ = read_import(json.dumps(har(entry(response__headers=headers))))
    (exchange_id,) = ctx.history.record_many([record])
    out = to_har(ctx.history.get_many([exchange_id]))["log"]["entries"][0]["response"]["headers"]
    # Cookie values are credentials: masked on the way in, but both still there.
    assert [h["name"] for h in out] == ["Set-Cookie", "Set-Cookie", "Vary"]


def test_post_data_mime_type_from_any_header_casing(ctx, recorder):
    draft = pipeline.Draft("mytracker", "login", base_url=recorder.url)
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    row = ctx.history.get(outcome.history_id)
    row = row._replace(request_headers={k.lower(): v for k, v in row.request_headers.items()})
    exported = to_har([row])
    assert exported["log"]["entries"][0]["request"]["postData"]["mimeType"] == "application/json"


@pytest.mark.parametrize("change,words", [
    (lambda h: h["log"].update(entries=None), "log.entries must be a list"),
    (lambda h: h["log"]["entries"][0].update(time="abc"), "Entry 1: time must be a number"),
    (lambda h: h["log"]["entries"][0]["request"].update(headers=[{"name": "A", "value": ["x"]}]), "value must be text"),
    (lambda h: h["log"]["entries"][0]["request"].update(url=42), "url must be text"),
    (lambda h: h["log"]["entries"][0]["response"].update(status="abc"), "status must be a number"),
    (lambda h: h["log"]["entries"][0].update(request=None), "request is missing"),
    (lambda h: h["log"]["entries"][0]["response"]["content"].update(encoding="base64", text="%%%"), "not valid base64"),
])
def test_malformed_fields_are_named(change, words):
    data = har(entry())
    change(data)
    with pytest.raises(HistoryImportError, match=words):
        read_import(json.dumps(data))


def test_entries_of_no_known_endpoint_are_counted_and_can_be_kept(tmp_path, run_cli):
    path = tmp_path / "site.har"
    path.write_text(json.dumps(har(entry(), entry("https://www.google-analytics.com/g/collect?v=2", "POST"),
                                   entry("https://shop.example/cart", "GET"))))
    skipped = run_cli("history", "import", str(path))
    assert skipped.status == 0 and "Imported 1 exchange" in skipped.out and "2 entries matched no known" in skipped.out
    kept = run_cli("history", "import", str(path), "--keep-unknown")
    # The entry imported before is recognised, not doubled.
    assert "Imported 2 exchange" in kept.out and "1 were in history already" in kept.out
    listed = json.loads(run_cli("history", "--json").out)
    assert sorted(r["vendor"] for r in listed[:3]) == ["other", "other", "synerise"]
    exported = json.loads(run_cli("history", "export", "--format", "har").out)
    urls = [e["request"]["url"] for e in exported["log"]["entries"]]
    assert "https://shop.example/cart" in urls
    jsonschema.validate(exported, HAR_SCHEMA)


def test_export_and_import_on_the_command_line(tmp_path, run_cli, make_ctx, recorder):
    recorder.reply = Reply(body=b'{"token": "answer-token", "ok": 1}')
    run_cli("send", "mytracker", "login")
    run_cli("send", "octeth", "event", "--base-url", recorder.url)
    run_cli("send", "synerise", "ai-batch")
    for fmt in ("har", "json", "curl"):
        out = tmp_path / f"history.{fmt}"
        result = run_cli("history", "export", "--format", fmt, "--output", str(out))
        assert result.status == 0 and "Exported 3 exchange" in result.err
    assert len(json.loads((tmp_path / "history.json").read_text())["exchanges"]) == 3
    limited = run_cli("history", "export", "--format", "json", "--limit", "1")
    assert [e["vendor"] for e in json.loads(limited.out)["exchanges"]] == ["synerise"]
    # The cURL export reads back as the same requests.
    commands = [c for c in (tmp_path / "history.curl").read_text().split("\n\n") if c.strip()]
    assert len(commands) == 3 and parse_curl(commands[0]).method == "POST"
    # Into another data home: the same exchanges.
    other = HistoryStore(tmp_path / "other")
    for fmt in ("json", "har"):
        before = other.count()
        from console.core.history.export import read_import as load

        records, _ = load((tmp_path / f"history.{fmt}").read_text())
        other.record_many(records)
        assert other.count() == before + 3
    other.close()


def test_import_errors_are_one_line_usage_errors(tmp_path, run_cli):
    (tmp_path / "bad.har").write_text('{"log": {"entries": [{"request": {"method": 1, "url": "x"}}]}}')
    result = run_cli("history", "import", str(tmp_path / "bad.har"))
    assert result.status == 2 and "Entry 1" in result.err and "method must be text" in result.err
    (tmp_path / "latin1.har").write_bytes(b"\xff\xfe\x00")
    assert run_cli("history", "import", str(tmp_path / "latin1.har")).status == 2
    assert run_cli("history", "import", str(tmp_path / "none.har")).status == 2
    assert run_cli("history", "export", "--format", "xml").status == 2
