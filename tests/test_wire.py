"""What goes over the wire, recorded by a real server on 127.0.0.1 and compared with the
documents' own examples (method, path, query, headers, body bytes)."""

import copy
import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from console.core.definitions import vendors
from console.engine import pipeline


def send(ctx, recorder, vendor, operation, payload=None, overrides=None, profile="sandbox"):
    draft = pipeline.Draft(vendor, operation, profile, payload, overrides or {}, recorder.url)
    prepared = pipeline.prepare(ctx, draft)
    assert prepared.missing == (), prepared.missing
    outcome = pipeline.send(ctx, prepared, force=True)
    assert recorder.requests, outcome.exchange.error
    return recorder.requests[-1], outcome


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_mytracker_custom_event_matches_the_documents_curl(ctx, recorder):
    # curl https://tracker-s2s.my.com/v1/customEvent/?idApp=666 -X POST
    #   --header "Authorization: skjdfASFasf03asdffar3asJHB32r" -d '{...}'
    doc_body = {"customUserId": "1", "customEventName": "levelUp", "customEventParams": {"level": "2"},
                "idGender": "1", "age": "25", "eventTimestamp": "1580213208",
                "instanceId": "00000000-0000-0000-0000-000000000000"}
    seen, _ = send(ctx, recorder, "mytracker", "customEvent", doc_body,
                   {"app_id": "666", "token": "skjdfASFasf03asdffar3asJHB32r"})
    assert seen.method == "POST"
    assert seen.path == "/v1/customEvent/?idApp=666"
    assert seen.headers["Authorization"] == "skjdfASFasf03asdffar3asJHB32r"
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.body == compact(doc_body)
    assert json.loads(seen.body) == doc_body


@pytest.mark.parametrize("operation", ["registration", "registrationBatch", "login", "loginBatch", "customEventBatch"])
def test_mytracker_paths(ctx, recorder, operation):
    seen, _ = send(ctx, recorder, "mytracker", operation, overrides={"app_id": "42"})
    assert seen.path == f"/v1/{operation}/?idApp=42"
    sent = json.loads(seen.body)
    # The example's {{$timestamp}} goes out as a fresh Unix time, a number (the schema's type).
    for event in sent if isinstance(sent, list) else [sent]:
        assert isinstance(event["eventTimestamp"], int) and abs(event["eventTimestamp"] - time.time()) < 60
        event["eventTimestamp"] = "{{$timestamp}}"
    assert sent == vendors()["mytracker"].operations[operation].example


def test_synerise_custom_matches_the_documents_curl(ctx, recorder):
    doc_body = {"action": "dog.bark", "client": {"id": 5092159999}, "time": "2022-11-28T12:18:27Z",
                "params": {"loudness": 3, "mood": "happy", "mailmanScared": True}, "label": "bark"}
    seen, _ = send(ctx, recorder, "synerise", "custom", doc_body, {"jwt": "ey...RtH_g"})
    assert (seen.method, seen.path) == ("POST", "/v4/events/custom")
    assert seen.headers["Authorization"] == "Bearer ey...RtH_g"
    assert seen.headers["Api-Version"] == "4.4"
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.body == compact(doc_body)


def test_synerise_batch_path_and_body(ctx, recorder):
    seen, _ = send(ctx, recorder, "synerise", "batch", overrides={"jwt": "ey...RtH_g", "api_version": "4.4"})
    assert seen.path == "/v4/events/batch"
    body = json.loads(seen.body)
    assert [e["type"] for e in body] == ["custom", "hit-timer"]
    assert "action" not in body[1]


def test_synerise_ai_event_matches_the_documents_curl(ctx, recorder):
    seen, _ = send(ctx, recorder, "synerise", "ai-event",
                   overrides={"tracker_key": "56ba9d02-aaaa-aaaa-aaaa-018564059ea3"})
    assert seen.path == "/events/v1/single/recommendation.view?token=56ba9d02-aaaa-aaaa-aaaa-018564059ea3"
    assert "Authorization" not in seen.headers
    assert json.loads(seen.body)["correlationId"] == "5b0a0fcd-e76b-425c-b9e8-7d6d7bd4a79b"
    seen, _ = send(ctx, recorder, "synerise", "ai-event", overrides={"event_type": "item.search.click"})
    assert seen.path.startswith("/events/v1/single/item.search.click?token=")


def test_synerise_ai_batch(ctx, recorder):
    seen, _ = send(ctx, recorder, "synerise", "ai-batch")
    assert urlsplit(seen.path).path == "/events/v1/batch"
    assert json.loads(seen.body)["eventType"] == "recommendation.view"


def test_vibetrace_track_is_a_get_with_the_events_in_the_query(ctx, recorder):
    seen, _ = send(ctx, recorder, "vibetrace", "track", overrides={"account_id": "4242"})
    parts = urlsplit(seen.path)
    assert seen.method == "GET" and seen.body == b""
    assert parts.path == "/event/4242/confirmation"
    query = parse_qs(parts.query)
    assert list(query) == ["data", "callback", "ts"]
    sent = json.loads(query["data"][0])
    assert uuid.UUID(sent[0]["generic"].pop("orderId")).version == 4  # the example's {{$guid}}
    example = copy.deepcopy(vendors()["vibetrace"].operations["track"].example)
    assert example[0]["generic"].pop("orderId") == "{{$guid}}" and sent == example
    assert query["callback"] == ["vt"]
    assert query["ts"][0].isdigit()


def test_vibetrace_track_without_callback_omits_it(ctx, recorder):
    seen, _ = send(ctx, recorder, "vibetrace", "track", overrides={"callback": ""})
    assert "callback" not in parse_qs(urlsplit(seen.path).query)


def test_vibetrace_rest_sends_the_raw_key(ctx, recorder):
    seen, _ = send(ctx, recorder, "vibetrace", "rest-event", overrides={"api_key": "RAWKEY"})
    assert (seen.method, seen.path) == ("POST", "/v1/event/")
    assert seen.headers["Authorization"] == "RAWKEY"
    assert json.loads(seen.body) == {"user": {"email": "alexandru@example.com"},
                                     "event": {"update": {"firstname": "alexandru"}}}


def test_octeth_puts_the_key_into_the_body(ctx, recorder):
    seen, _ = send(ctx, recorder, "octeth", "event", overrides={"api_key": "KEY-1"})
    assert (seen.method, seen.path) == ("POST", "/api/v1/event")
    body = json.loads(seen.body)
    assert list(body)[0] == "APIKey" and body["APIKey"] == "KEY-1"
    assert {k: v for k, v in body.items() if k != "APIKey"} == vendors()["octeth"].operations["event"].example
    assert "Authorization" not in seen.headers


def test_octeth_session_id_when_no_key(ctx, recorder):
    ctx.profiles.update("octeth", "mine", {"base_url": recorder.url})
    ctx.secrets.set("octeth", "mine", "session_id", "SESSION-9")
    seen, _ = send(ctx, recorder, "octeth", "event-properties", profile="mine")
    assert seen.path == "/api/v1/website_events.properties"
    assert json.loads(seen.body) == {"SessionID": "SESSION-9", "ListID": 3}


def test_exchange_keeps_the_exact_bytes_sent(ctx, recorder):
    seen, outcome = send(ctx, recorder, "mytracker", "login")
    assert outcome.exchange.request.body == seen.body
    assert outcome.exchange.request.method == seen.method
    assert outcome.exchange.request.url.endswith(seen.path)
    assert outcome.exchange.request.headers["Content-Length"] == str(len(seen.body))
