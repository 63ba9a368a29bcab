"""Import cURL (the documents' own examples among others) and copy as cURL."""

import json
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.curl import CurlError, import_curl, parse_curl, to_curl
from console.engine import pipeline

MYTRACKER_DOC = """curl https://tracker-s2s.my.com/v1/customEvent/?idApp=666 \\
–k –X POST --header "Authorization: skjdfASFasf03asdffar3asJHB32r" \\
-d '{"customUserId": "1", "customEventName": "levelUp",
"customEventParams": {"level": "2"}, "idGender": "1",
"age": "25", "eventTimestamp": "1580213208",
"instanceId": "00000000-0000-0000-0000-000000000000"}'"""

SYNERISE_CUSTOM_DOC = """curl --location --request POST 'https://{SYNERISE_API_BASE_PATH}/v4/events/custom' \\
--header 'Authorization: Bearer ey...RtH_g' \\
--header 'Api-Version: 4.4' \\
--header 'Content-Type: application/json' \\
--data-raw '{
    "action": "dog.bark",
    "client": {
        "id": 5092159999
    },
    "time": "2022-11-28T12:18:27Z",
    "params": {
        "loudness": 3,
        "mood": "happy",
        "mailmanScared": true
    },
    "label": "bark"
}'"""

SYNERISE_AI_DOC = """curl --location --request POST 'https://{SYNERISE_API_BASE_PATH}/events/v1/single/recommendation.view?token=56ba9d02-aaaa-aaaa-aaaa-018564059ea3' \\
--header 'Content-Type: application/json' \\
--data-raw '{
    "correlationId": "5b0a0fcd-e76b-425c-b9e8-7d6d7bd4a79b",
    "clientUUID": "e0097757-d1e2-44ac-ba3c-d97979a354c1",
    "items": [
        "89435879453"
    ],
    "eventTimestamp": "2022-12-08T13:23:22Z"
}'"""

SYNERISE_AI_BATCH_DOC = """curl --location --request POST 'https://api.synerise.com/events/v1/batch?token=56ba9d02-aaaa-aaaa-aaaa-018564059ea3' \\
--header 'Content-Type: application/json' \\
--data-raw '{"eventType": "recommendation.view", "items": []}'"""


def test_mytracker_document_example():
    imported = import_curl(MYTRACKER_DOC)
    assert (imported.vendor, imported.operation) == ("mytracker", "customEvent")
    assert imported.settings == {"base_url": "https://tracker-s2s.my.com", "app_id": "666"}
    assert imported.secrets == {"token": "skjdfASFasf03asdffar3asJHB32r"}
    assert imported.payload["customEventParams"] == {"level": "2"}


def test_synerise_custom_document_example():
    imported = import_curl(SYNERISE_CUSTOM_DOC)
    assert (imported.vendor, imported.operation) == ("synerise", "custom")
    assert imported.settings["base_url"] == "https://api.synerise.com"
    assert imported.settings["api_version"] == "4.4"
    assert imported.secrets == {}  # "ey...RtH_g" is the document's elided token
    assert any("placeholder" in n for n in imported.notes)
    assert imported.payload["params"]["mailmanScared"] is True


def test_synerise_ai_document_examples():
    single = import_curl(SYNERISE_AI_DOC)
    assert (single.vendor, single.operation) == ("synerise", "ai-event")
    assert single.settings["event_type"] == "recommendation.view"
    assert single.secrets == {"tracker_key": "56ba9d02-aaaa-aaaa-aaaa-018564059ea3"}
    batch = import_curl(SYNERISE_AI_BATCH_DOC)
    assert (batch.vendor, batch.operation) == ("synerise", "ai-batch")
    assert batch.settings["base_url"] == "https://api.synerise.com"


def test_octeth_key_in_body_becomes_a_secret():
    imported = import_curl("curl -X POST https://mail.example.com/api/v1/event -H 'Content-Type: application/json' "
                           "--data-raw '{\"APIKey\": \"K-123\", \"ListID\": 94, \"event\": \"test\", \"email\": \"a@b.co\"}'")
    assert (imported.vendor, imported.operation) == ("octeth", "event")
    assert imported.secrets == {"api_key": "K-123"}
    assert "APIKey" not in imported.payload
    assert imported.settings["base_url"] == "https://mail.example.com"


def test_vibetrace_get_with_data_in_query():
    events = [{"type": "login", "email": "a@example.com", "source": "web"}]
    from urllib.parse import urlencode

    url = "https://app.vtcdn.net/event/1234/login?" + urlencode({"data": json.dumps(events), "callback": "vt", "ts": 5})
    imported = import_curl(f"curl '{url}'")
    assert (imported.vendor, imported.operation) == ("vibetrace", "track")
    assert imported.settings == {"base_url": "https://app.vtcdn.net", "account_id": "1234", "callback": "vt"}
    assert imported.payload == events


def test_ansi_c_quoting_and_continuations():
    parsed = parse_curl("curl $'https://api.vtcdn.net/v1/event/' \\\n  -H $'Authorization: K\\'1' \\\n  --data-raw $'{\"user\": {\"email\": \"a@b.co\"}, \"event\": {\"update\": {}}}'")
    assert parsed.method == "POST"
    # curl adds its form Content-Type to --data-raw without one, as the real curl does
    assert parsed.headers == [("Authorization", "K'1"), ("Content-Type", "application/x-www-form-urlencoded")]
    imported = import_curl("curl $'https://api.vtcdn.net/v1/event/' -H $'Authorization: K\\'1' --data-raw $'{\"user\": {\"email\": \"a@b.co\"}, \"event\": {\"update\": {}}}'")
    assert imported.secrets == {"api_key": "K'1"} and imported.operation == "rest-event"


def test_sandbox_urls_import_with_their_prefix():
    imported = import_curl("curl -X POST 'http://127.0.0.1:8765/mytracker/v1/login/?idApp=666' -H 'Authorization: t' -d '{\"customUserId\": \"1\"}'")
    assert imported.settings["base_url"] == "http://127.0.0.1:8765/mytracker"


@pytest.mark.parametrize("text,words", [
    ("", "Paste a cURL"),
    ("wget http://x", "start with 'curl'"),
    ("curl -X POST", "no URL"),
    ("curl 'http://x", "quote .* is not closed"),
    ("curl https://example.com/nothing", "not an endpoint"),
    ("curl -X POST https://api.synerise.com/v4/events/custom --data-raw '{nope'", "not a JSON payload"),
    ("curl -X POST https://api.synerise.com/v4/events/custom", "needs a JSON body"),
    ("curl -H", "needs a value"),
    ("curl -H 'NoColon' http://x", "has no ':'"),
])
def test_bad_pastes_get_a_message(text, words):
    with pytest.raises(CurlError, match=words):
        import_curl(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text() | st.builds(lambda a, b: f"curl {a} -d '{b}'", st.text(max_size=40), st.text(max_size=40)))
def test_arbitrary_text_gives_a_result_or_a_message(text):
    try:
        result = import_curl(text)
    except CurlError as exc:
        assert str(exc)
    else:
        assert result.vendor and result.operation


def test_copy_as_curl_round_trips_and_masks(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", overrides={"token": "TOPSECRET"}))
    masked = to_curl(prepared.preview())
    assert "TOPSECRET" not in masked and "Authorization: ***" in masked
    full = to_curl(prepared.spec)
    assert "TOPSECRET" in full
    assert shlex.split(full.replace("\\\n", ""))[0] == "curl"
    imported = import_curl(full)
    assert (imported.vendor, imported.operation) == ("mytracker", "customEvent")
    assert imported.secrets == {"token": "TOPSECRET"}
    assert imported.payload == prepared.payload
