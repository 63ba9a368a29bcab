"""Postman's random values, in Postman's formats: each value this console makes has the shape
of the value `newman` (Postman's own runner) sends for the same token, and `$timestamp` is
rounded as Postman rounds it."""

import json
import random
import re
from datetime import datetime, timezone

import pytest

from console.core.dynamic import all_tokens, resolve
from tests.helpers.outside import run_newman
from tests.servers import RecordingServer

JS_DATE = r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(Coordinated Universal Time\)"
NAME = r"[A-Z][A-Za-z'\-]*( [A-Z][A-Za-z'\-]*)?"  # "O'Kon", "Von Rueden"
SHAPES = {
    "timestamp": r"\d{10}",
    "randomFirstName": NAME, "randomLastName": NAME, "randomFullName": r"([A-Z][A-Za-z'\-]*\.? )+[A-Z][A-Za-z'\-]*\.?",  # "Pam Crona DVM", "Veronica Witting I"
    "randomPhoneNumber": r"(1-)?\d{3}-\d{3}-\d{4}",
    "randomExampleEmail": r"[A-Za-z0-9._'\-]+@example\.(com|net|org)",
    "randomUserName": r"[A-Za-z0-9._'\-]+",
    "randomAlphaNumeric": r"[a-z0-9]", "randomBoolean": r"true|false", "randomPrice": r"\d+\.\d{2}",
    "randomCurrencyCode": r"[A-Z]{3}", "randomCountryCode": r"[A-Z]{2}", "randomCity": r"[A-Z][A-Za-z .'\-]+",
    "randomStreetAddress": r"\d+ [A-Z][A-Za-z'\-]+( [A-Z][A-Za-z]+)+", "randomIP": r"(\d{1,3}\.){3}\d{1,3}",
    "randomUserAgent": r"[A-Za-z]+/[\d.]+ \(.+", "randomUrl": r"https?://[a-z0-9\-]+\.[a-z]+",
    "randomProductName": r"[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+", "randomWord": r"\S+",
    "randomWords": r"\S+( \S+)+",
    "randomDateRecent": JS_DATE, "randomDatePast": JS_DATE, "randomDateFuture": JS_DATE,
}


def test_every_postman_value_the_issue_names_is_known():
    known = {token[3:-2] for token, _ in all_tokens()}
    assert set(SHAPES) <= known


def ours(now=None):
    now = now or datetime.now(timezone.utc)
    tokens = {name: f"{{{{${name}}}}}" for name in SHAPES}
    return resolve(tokens, now, random.Random()).value


def test_our_values_have_newmans_shapes(tmp_path):
    server = RecordingServer()
    try:
        body = json.dumps({name: f"{{{{${name}}}}}" for name in SHAPES})
        collection = {"info": {"name": "shapes", "schema":
                               "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
                      "item": [{"name": "all", "request": {"method": "POST", "url": server.url + "/shapes",
                                                           "header": [{"key": "Content-Type", "value": "application/json"}],
                                                           "body": {"mode": "raw", "raw": body}}}]}
        (tmp_path / "c.json").write_text(json.dumps(collection))
        done = run_newman(tmp_path / "c.json", "-n", "5")
        assert done.returncode == 0, done.stdout + done.stderr
        theirs = [json.loads(r.body) for r in server.requests]
    finally:
        server.stop()
    assert len(theirs) == 5
    for name, shape in SHAPES.items():
        for sent in theirs:
            assert re.fullmatch(shape, sent[name]), f"newman's {name} {sent[name]!r} is not {shape}"
        for _ in range(20):
            made = ours()[name]
            assert re.fullmatch(shape, made), f"our {name} {made!r} is not {shape}"


def test_dates_are_where_postman_puts_them():
    now = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    for _ in range(50):
        made = ours(now)
        recent, past, future = (datetime.strptime(made[n][:24], "%a %b %d %Y %H:%M:%S").replace(tzinfo=timezone.utc)
                                for n in ("randomDateRecent", "randomDatePast", "randomDateFuture"))
        assert now.timestamp() - 86400 <= recent.timestamp() <= now.timestamp()
        assert now.timestamp() - 366 * 86400 <= past.timestamp() <= now.timestamp()
        assert now.timestamp() <= future.timestamp() <= now.timestamp() + 366 * 86400


@pytest.mark.parametrize("fraction, expected", [(0.499, 1796000000), (0.5, 1796000001), (0.999, 1796000001)])
def test_timestamp_rounds_as_postman_does(fraction, expected):
    now = datetime.fromtimestamp(1796000000 + fraction, timezone.utc)
    assert resolve("{{$timestamp}}", now, random.Random(), lambda path: "number").value == expected


def test_a_whole_token_takes_the_schemas_type(ctx):
    from console.engine import pipeline

    p = pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", payload={
        "customUserId": "{{$randomUserName}}", "customEventName": "buy",
        "eventParams": {"price": "{{$randomPrice}}", "member": "{{$randomBoolean}}"}}))
    assert isinstance(p.payload["customUserId"], str)
    assert isinstance(p.payload["eventParams"]["price"], str)  # eventParams values are text
    bare = pipeline.prepare(ctx, pipeline.Draft("octeth", "event", payload={
        "ListID": 1, "event": "e", "email": "a@example.com", "properties": {"paid": "{{$randomPrice}}"}}))
    assert re.fullmatch(r"\d+\.\d{2}", bare.payload["properties"]["paid"])
