"""Dynamic values: fresh per send, typed by the schema, checked as sent, recorded as sent,
kept as tokens in drafts, and an unknown token an error at its path."""

import json

from console.core.definitions import vendors
from console.core.dynamic import resolve, schema_wants_number
from console.engine import pipeline
from tests.servers import RecordingServer, Reply


def prepared(ctx, vendor, operation, payload, **overrides):
    return pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=payload, overrides=overrides))


def test_a_whole_token_becomes_a_number_where_the_schema_wants_one(ctx):
    p = prepared(ctx, "mytracker", "customEvent", {"customUserId": "u-{{$randomInt}}", "customEventName": "{{$timestamp}}",
                                                   "eventTimestamp": "{{$timestamp}}"})
    assert isinstance(p.payload["eventTimestamp"], int)
    assert isinstance(p.payload["customEventName"], str) and p.payload["customEventName"].isdigit()
    assert p.payload["customUserId"].startswith("u-") and p.payload["customUserId"][2:].isdigit()
    assert {g.path for g in p.generated} == {"/customUserId", "/customEventName", "/eventTimestamp"}


def test_every_token_and_its_freshness(ctx):
    import random
    from datetime import datetime, timezone

    now = datetime(2026, 11, 22, 12, 0, 0, 123000, tzinfo=timezone.utc)
    tokens = {n: f"{{{{${n}}}}}" for n in ("guid", "randomUUID", "timestamp", "timestampMs", "isoTimestamp",
                                            "randomInt", "randomEmail")}
    rng = random.Random(1)
    first = resolve(tokens, now, rng, lambda path: path[-1] in ("timestamp", "timestampMs", "randomInt")).value
    assert first["timestamp"] == 1795348800 and first["timestampMs"] == 1795348800123
    assert first["isoTimestamp"] == "2026-11-22T12:00:00.123Z"
    assert 0 <= first["randomInt"] <= 1000 and first["randomEmail"].endswith("@example.com")
    assert len(first["guid"]) == 36 and first["guid"][14] == "4"
    second = resolve(tokens, now, rng).value
    assert second["guid"] != first["guid"] and second["randomUUID"] != first["randomUUID"]
    a = prepared(ctx, "synerise", "custom", {**vendors()["synerise"].operations["custom"].example, "eventSalt": "{{$guid}}"})
    b = prepared(ctx, "synerise", "custom", {**vendors()["synerise"].operations["custom"].example, "eventSalt": "{{$guid}}"})
    assert a.payload["eventSalt"] != b.payload["eventSalt"]


def test_rules_check_the_values_that_will_be_sent(ctx):
    ok = prepared(ctx, "octeth", "event", {"ListID": 1, "event": "e", "email": "{{$randomEmail}}"})
    assert not [i for i in ok.issues if i.path == "/email"]
    too_big = prepared(ctx, "mytracker", "customEvent", {"customUserId": "1", "customEventName": "e",
                                                         "eventTimestamp": "{{$timestampMs}}"})
    assert any(i.path == "/eventTimestamp" and i.is_error for i in too_big.issues)  # milliseconds exceed the maximum


def test_an_unknown_token_is_an_error_at_its_path(ctx):
    p = prepared(ctx, "mytracker", "login", {"customUserId": "{{$nope}}"})
    (issue,) = [i for i in p.issues if i.path == "/customUserId"]
    assert issue.is_error and "{{$nope}}" in issue.message and "{{$guid}}" in issue.message
    assert not p.can_send


def test_history_and_json_hold_the_values_sent(run_cli, make_ctx, recorder):
    result = run_cli("send", "octeth", "event", "--base-url", recorder.url, "--json", "--data", "-",
                     stdin='{"ListID": 1, "event": "signup", "email": "{{$randomEmail}}", "id": "{{$guid}}"}')
    assert result.status == 0, result.err
    data = json.loads(result.out)
    sent = json.loads(recorder.requests[0].body)
    assert "{{$" not in recorder.requests[0].body.decode()
    assert json.loads(data["request"]["body"])["id"] == sent["id"]
    assert [g["token"] for g in data["generated"]] == ["{{$randomEmail}}", "{{$guid}}"]
    (entry,) = make_ctx().history.recent(1)
    stored = make_ctx().history.get(entry.id)
    assert json.loads(stored.payload)["id"] == sent["id"]


def test_the_values_shown_are_the_values_sent_after_a_login(ctx):
    server = RecordingServer(routes={"/uauth/": Reply(status=200, body=b'{"token": "t0k3n"}'),
                                     "/v4/": Reply(status=202, body=b"")})
    try:
        payload = {**vendors()["synerise"].operations["custom"].example, "eventSalt": "{{$guid}}",
                   "time": "{{$isoTimestamp}}"}
        p = pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", payload=payload,
                                                 overrides={"api_key": "k"}, base_url=server.url))
        pipeline.send(ctx, p)
        sent = json.loads(server.requests[-1].body)
        assert sent["eventSalt"] == p.payload["eventSalt"] and sent["time"] == p.payload["time"]
    finally:
        server.stop()


def test_the_schema_says_where_numbers_go():
    op = vendors()["mytracker"].operations["customEventBatch"]
    wants = schema_wants_number(op.schema, vendors()["mytracker"].defs)
    assert wants([0, "eventTimestamp"]) and not wants([0, "customUserId"]) and not wants([0, "nope"])
