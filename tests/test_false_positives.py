"""Only the documents' rules block: each payload here is one the vendor documents allow (or
one a real client sends), refused before; now `send … --data - --dry-run` exits 0 and shows
the console's advice as a warning where it has some."""

import json

import pytest

from tests.test_send_accounting import run

CASES = [
    # (vendor, operation, payload, words of the warning shown, or None for no issue at all)
    ("octeth", "event", {"APIKey": "user-own-key-7788", "ListID": 94, "event": "test", "email": "2006@test.com"},
     "the payload's APIKey is sent, not the profile's"),
    ("vibetrace", "track", [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1", "quantity": 1.5}],
                             "generic": {"orderId": "o1", "total": 3}}], "must be a whole number, not 1.5"),
    ("vibetrace", "track", [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1", "quantity": "2"}],
                             "generic": {"orderId": "o2", "total": 3}}], None),
    ("vibetrace", "track", [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1"}],
                             "generic": {"orderId": "o3", "total": 3}}], "items carry id and quantity"),
    ("vibetrace", "track", [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1", "quantity": 1}],
                             "generic": {"total": 3}}], "usually carries generic.orderId"),
    ("vibetrace", "rest-event", {"user": {"_id": 12345}, "event": {"update": {"firstname": "Ann"}}}, None),
    ("vibetrace", "track", [{"type": "add to cart", "email": "a@example.com"}], "percent-encoded (add%20to%20cart)"),
    ("vibetrace", "track", [{"type": "what?", "email": "a@example.com"}], "percent-encoded (what%3F)"),
    ("synerise", "custom", {"action": "form.submit", "label": "x", "time": None, "eventSalt": None, "params": None,
                            "client": {"customId": "c-1", "id": None, "uuid": None, "email": None}},
     "is null: it is checked as absent"),
]


@pytest.mark.parametrize("vendor,operation,payload,warning", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_documented_payload_is_not_blocked(tmp_path, vendor, operation, payload, warning):
    done = run(tmp_path, "send", vendor, operation, "--data", "-", "--dry-run", "--json", input=json.dumps(payload))
    assert done.returncode == 0, done.stdout + done.stderr
    issues = json.loads(done.stdout)["issues"]
    assert [i for i in issues if i["severity"] == "error"] == []
    if warning is None:
        assert issues == []
    else:
        assert any(warning in i["message"] for i in issues), issues


def test_a_key_in_the_octeth_payload_is_the_credential_and_is_masked(tmp_path):
    payload = {"APIKey": "user-own-key-7788", "ListID": 94, "event": "test", "email": "2006@test.com"}
    done = run(tmp_path, "send", "octeth", "event", "--data", "-", "--json", input=json.dumps(payload))
    result = json.loads(done.stdout)
    assert "user-own-key-7788" not in done.stdout and '"APIKey":"***"' in result["request"]["body"]
    assert result["response"]["status"] == 401  # the sandbox knows only its dummy: the payload's key went


def test_postmans_bare_token_is_read_as_its_value(tmp_path):
    text = '{"action": "a.b", "label": "x", "client": {"customId": "c"}, "params": {"ts": {{$timestamp}}}}'
    done = run(tmp_path, "send", "synerise", "custom", "--data", "-", "--dry-run", "--json", input=text)
    assert done.returncode == 0, done.stderr
    sent = json.loads(json.loads(done.stdout)["request"]["body"])
    assert isinstance(sent["params"]["ts"], int) and sent["params"]["ts"] > 1_700_000_000


def test_an_unknown_token_in_a_field_name_is_an_error(tmp_path):
    text = '{"action": "a.b", "label": "x", "client": {"customId": "c"}, "params": {"{{$nope}}": 1}}'
    done = run(tmp_path, "send", "synerise", "custom", "--data", "-", "--dry-run", input=text)
    assert done.returncode == 1 and "{{$nope}} is not a dynamic value" in done.stderr


def test_a_type_error_names_the_value():
    from console.core.validation import schema_issues

    (issue,) = [i for i in schema_issues("mytracker", "customEvent", {"customUserId": 12345, "customEventName": "x"})
                if i.path == "/customUserId"]
    assert issue.message == "customUserId must be text, not a whole number (12345)."


VT_DATA = "%5B%7B%22type%22%3A%22login%22%2C%22email%22%3A%22a%40example.com%22%7D%5D"


def test_the_documents_base_url_is_recognised_by_the_curl_import():
    from console.core.curl import import_curl

    found = import_curl(f"curl 'https://app.vtcdn.net/event/77/?data={VT_DATA}&callback=vt&ts=3'")
    assert (found.vendor, found.operation, found.settings["type_in_path"]) == ("vibetrace", "track", "no")
    assert found.payload == [{"type": "login", "email": "a@example.com"}]


def test_the_documents_base_url_is_recognised_by_capture(capture):
    import requests

    running = capture()
    answer = requests.get(f"{running.url}/vibetrace/event/77/?data={VT_DATA}&callback=vt&ts=3", timeout=10)
    assert answer.status_code == 200
    (row,) = running.rows(1)
    assert (row.vendor, row.operation, row.issues) == ("vibetrace", "track", ())


def test_the_sandbox_answers_octeths_properties_as_the_document_shows(tmp_path):
    done = run(tmp_path, "send", "octeth", "event-properties", "--json")
    answer = json.loads(json.loads(done.stdout)["response"]["body"])
    assert {k: len(v) for k, v in answer["Properties"].items()} == {"identify": 29, "pageView": 24, "test": 25}


def test_the_documents_own_400_body_is_explained_in_plain_words():
    from console.core.definitions import find_operation
    from console.core.exchange import Response
    from console.vendors import RULES

    body = (b'{\n  "errors": [\n    {\n      "message": "Missing event information",\n'
            b'      "description": "Please send event information along with user",\n    }\n  ]\n}')
    _, op = find_operation("vibetrace", "rest-event")
    said = RULES["vibetrace"].explain(op, Response(400, "Bad Request", {}, body, len(body)))
    assert said == "VibeTrace refused the request: Missing event information — Please send event information along with user."


def test_the_curl_import_names_the_browser_headers_it_does_not_send():
    from console.core.curl import import_curl

    found = import_curl("curl 'https://api.synerise.com/v4/events/custom' -H 'origin: https://shop.example' "
                        "-H 'referer: https://shop.example/' -H 'sec-ch-ua: \"Chromium\"' -H 'user-agent: Mozilla/5.0' "
                        "-H 'Authorization: Bearer eyJa.eyJb.c' -H 'Api-Version: 4.4' -H 'content-type: application/json' "
                        "--data-raw '{\"action\": \"a.b\", \"label\": \"x\", \"client\": {\"customId\": \"c\"}}'")
    assert ("The console does not send these headers of the command (it sends what Synerise's document asks "
            "for): origin, referer, sec-ch-ua, user-agent.") in found.notes


def test_an_email_in_mytracker_params_is_the_consoles_advice_not_an_error(ctx):
    from console.engine import pipeline

    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEventBatch", payload=[
        {"customUserId": "u1", "customEventName": "buy", "customEventParams": {"contact": " jane@example.com ",
                                                                               "level": "2"}}]))
    (issue,) = [i for i in prepared.issues if i.path == "/0/customEventParams/contact"]
    assert issue.severity == "warning" and "console's advice" in issue.message and prepared.can_send
