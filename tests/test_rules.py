"""Every rule of the vendor documents blocks the send with a message that names the field and
the rule; documented surprises give warnings that never block."""

import copy
from datetime import timedelta

import pytest

from console.core.definitions import vendors
from console.engine import pipeline
from tests.conftest import FIXED_NOW


def example(vendor, operation):
    return copy.deepcopy(vendors()[vendor].operations[operation].example)


def drop(container, key):
    """Removes a key; returns None so that a change lambda means "edit in place"."""
    del container[key]


def changed(vendor, operation, change):
    payload = example(vendor, operation)
    result = change(payload)
    return payload if result is None else result


LV = "0" * 32
UUID = "00000000-0000-0000-0000-000000000000"

# (id, vendor, operation, change to the example, JSON Pointer, words the message must hold)
ERRORS = [
    # VibeTrace track
    ("vt type missing", "vibetrace", "track", lambda p: drop(p[0], "type"), "/0/type", "type (item 1) is required"),
    ("vt no identity", "vibetrace", "track", lambda p: [{"type": "login", "source": "x"}], "/0", "userId and sessionId"),
    ("vt userId without sessionId", "vibetrace", "track", lambda p: drop(p[0], "sessionId"), "/0", "who did it"),
    ("vt mixed types", "vibetrace", "track", lambda p: p + [{"type": "login", "email": "a@example.com"}], "/1/type", "same type"),
    ("vt bad email", "vibetrace", "track", lambda p: [{"type": "login", "email": "not-an-email"}], "/0/email", "valid email"),
    ("vt whole cookie as userId", "vibetrace", "track", lambda p: p[0].update(userId="8139618027113397_253412802711339765_false_false"), "/0/userId", "_vt_user"),
    # VibeTrace REST
    ("vt rest no event", "vibetrace", "rest-event", lambda p: drop(p, "event"), "/event", "Missing event information"),
    ("vt rest no user", "vibetrace", "rest-event", lambda p: drop(p, "user"), "/user", "user and an event"),
    ("vt rest empty event", "vibetrace", "rest-event", lambda p: p.update(event={}), "/event", "empty"),
    ("vt rest user without id", "vibetrace", "rest-event", lambda p: p.update(user={"name": "x"}), "/user", "email or _id"),
    ("vt rest bad email", "vibetrace", "rest-event", lambda p: p["user"].update(email="x@"), "/user/email", "valid email"),
    # myTracker
    ("mt registration needs customUserId", "mytracker", "registration", lambda p: drop(p, "customUserId"), "/customUserId", "customUserId is required"),
    ("mt login needs customUserId", "mytracker", "login", lambda p: drop(p, "customUserId"), "/customUserId", "customUserId is required"),
    ("mt customUserId max 1024", "mytracker", "login", lambda p: p.update(customUserId="x" * 1025), "/customUserId", "at most 1024"),
    ("mt lvid exactly 32", "mytracker", "login", lambda p: p.update(lvid="0" * 31), "/lvid", "exactly 32"),
    ("mt instanceId exactly 36", "mytracker", "login", lambda p: p.update(instanceId="0" * 35), "/instanceId", "exactly 36"),
    ("mt idfa exactly 36", "mytracker", "login", lambda p: p.update(idfa="x"), "/idfa", "exactly 36"),
    ("mt iosVendorId exactly 36", "mytracker", "login", lambda p: p.update(iosVendorId="x"), "/iosVendorId", "exactly 36"),
    ("mt gaid exactly 36", "mytracker", "login", lambda p: p.update(gaid="x"), "/gaid", "exactly 36"),
    ("mt appSetId exactly 36", "mytracker", "login", lambda p: p.update(appSetId="x"), "/appSetId", "exactly 36"),
    ("mt androidId exactly 16", "mytracker", "login", lambda p: p.update(androidId="0" * 15), "/androidId", "exactly 16"),
    ("mt ipv4 max 15", "mytracker", "login", lambda p: p.update(ipv4="1" * 16), "/ipv4", "at most 15"),
    ("mt ipv6 max 45", "mytracker", "login", lambda p: p.update(ipv6="1" * 46), "/ipv6", "at most 45"),
    ("mt userAgent max 2048", "mytracker", "login", lambda p: p.update(userAgent="u" * 2049), "/userAgent", "at most 2048"),
    ("mt timestamp min", "mytracker", "login", lambda p: p.update(eventTimestamp="946673999"), "/eventTimestamp", "minimum of 946674000"),
    ("mt timestamp max", "mytracker", "login", lambda p: p.update(eventTimestamp=4294967296), "/eventTimestamp", "maximum of 4294967295"),
    ("mt timestamp not a number", "mytracker", "login", lambda p: p.update(eventTimestamp="yesterday"), "/eventTimestamp", "must be a number"),
    ("mt age max 128", "mytracker", "login", lambda p: p.update(age="129"), "/age", "maximum of 128"),
    ("mt gender enum", "mytracker", "login", lambda p: p.update(idGender=3), "/idGender", "one of 0, 1, 2"),
    ("mt connectionType enum", "mytracker", "login", lambda p: p.update(connectionType="7"), "/connectionType", "one of 0, 1, 2"),
    ("mt vkPlatform enum", "mytracker", "login", lambda p: p.update(vkPlatform="tv"), "/vkPlatform", "desktop_web"),
    ("mt customEvent needs a name", "mytracker", "customEvent", lambda p: drop(p, "customEventName"), "/customEventName", "customEventName is required"),
    ("mt customEvent name max 255", "mytracker", "customEvent", lambda p: p.update(customEventName="n" * 256), "/customEventName", "at most 255"),
    ("mt customEvent needs someone", "mytracker", "customEvent", lambda p: [drop(p, "customUserId"), drop(p, "instanceId")] and None, "", "customUserId and/or one device ID"),
    ("mt params value max 255", "mytracker", "customEvent", lambda p: p.update(customEventParams={"level": "v" * 256}), "/customEventParams/level", "at most 255"),
    ("mt params value not empty", "mytracker", "customEvent", lambda p: p.update(customEventParams={"level": ""}), "/customEventParams/level", "not be empty"),
    ("mt params name max 255", "mytracker", "customEvent", lambda p: p.update(customEventParams={"k" * 256: "v"}), "/customEventParams", "1 to 255"),
    ("mt params name not empty", "mytracker", "customEvent", lambda p: p.update(customEventParams={"": "v"}), "/customEventParams", "1 to 255"),
    ("mt batch max 20", "mytracker", "customEventBatch", lambda p: p * 11, "", "at most 20"),
    ("mt batch item rule", "mytracker", "registrationBatch", lambda p: drop(p[1], "customUserId"), "/1/customUserId", "customUserId is required"),
    ("mt batch custom item", "mytracker", "customEventBatch", lambda p: drop(p[0], "customEventName"), "/0/customEventName", "required"),
    ("mt body max 10 KB", "mytracker", "customEvent", lambda p: p.update(customEventParams={f"p{i}": "v" * 250 for i in range(45)}), "", "10 KB"),
    # Octeth
    ("oc ListID required", "octeth", "event", lambda p: drop(p, "ListID"), "/ListID", "ListID is required"),
    ("oc ListID positive", "octeth", "event", lambda p: p.update(ListID=0), "/ListID", "minimum of 1"),
    ("oc event required", "octeth", "event", lambda p: drop(p, "event"), "", "error 5"),
    ("oc email required", "octeth", "event", lambda p: drop(p, "email"), "/email", "email is required"),
    ("oc email valid", "octeth", "event", lambda p: p.update(email="nobody"), "/email", "valid email"),
    ("oc conversion needs properties", "octeth", "event", lambda p: [p.update(event="conversion"), drop(p, "properties")] and None, "", "conversion-id, conversion-name and conversion-value"),
    ("oc conversion-id", "octeth", "event", lambda p: p.update(event="conversion", properties={"conversion-name": "purchase", "conversion-value": 1}), "/properties/conversion-id", "conversion-id"),
    ("oc conversion-name", "octeth", "event", lambda p: p.update(event="conversion", properties={"conversion-id": "1", "conversion-value": 1}), "/properties/conversion-name", "conversion-name"),
    ("oc conversion-value", "octeth", "event", lambda p: p.update(event="conversion", properties={"conversion-id": "1", "conversion-name": "x"}), "/properties/conversion-value", "conversion-value"),
    ("oc identify needs email", "octeth", "event", lambda p: [p.update(event="identify"), drop(p, "email")] and None, "/email", "email is required"),
    ("oc properties ListID", "octeth", "event-properties", lambda p: {}, "/ListID", "ListID is required"),
    ("oc properties ListID valid", "octeth", "event-properties", lambda p: {"ListID": "three"}, "/ListID", "number"),
    # Synerise
    ("sy action required", "synerise", "custom", lambda p: drop(p, "action"), "/action", "action is required"),
    ("sy client required", "synerise", "custom", lambda p: drop(p, "client"), "/client", "client is required"),
    ("sy client identifier", "synerise", "custom", lambda p: p.update(client={"name": "x"}), "/client", "id, customId, uuid or email"),
    ("sy label required", "synerise", "custom", lambda p: drop(p, "label"), "/label", "label is required"),
    ("sy label non-empty", "synerise", "custom", lambda p: p.update(label=""), "/label", "not be empty"),
    ("sy time ISO 8601", "synerise", "custom", lambda p: p.update(time="28/11/2022"), "/time", "ISO 8601"),
    ("sy client email", "synerise", "custom", lambda p: p.update(client={"email": "nope"}), "/client/email", "valid email"),
    ("sy recommendation via AI API", "synerise", "custom", lambda p: p.update(action="recommendation.view"), "/action", "AI events API"),
    ("sy batch item type", "synerise", "batch", lambda p: drop(p[0], "type"), "/0/type", "type (item 1) is required"),
    ("sy batch custom needs action", "synerise", "batch", lambda p: drop(p[0], "action"), "/0/action", "needs action"),
    ("sy batch item client", "synerise", "batch", lambda p: p[1].update(client={}), "/1/client", "at least one identifier"),
    ("sy batch item label", "synerise", "batch", lambda p: drop(p[1], "label"), "/1/label", "label (item 2) is required"),
    ("sy ai correlationId", "synerise", "ai-event", lambda p: drop(p, "correlationId"), "/correlationId", "correlationId is required"),
    ("sy ai clientUUID", "synerise", "ai-event", lambda p: drop(p, "clientUUID"), "/clientUUID", "clientUUID is required"),
    ("sy ai items", "synerise", "ai-event", lambda p: drop(p, "items"), "/items", "items is required"),
    ("sy ai items are strings", "synerise", "ai-event", lambda p: p.update(items=[89435879453]), "/items/0", "text"),
    ("sy ai timestamp", "synerise", "ai-event", lambda p: p.update(eventTimestamp="soon"), "/eventTimestamp", "milliseconds"),
    ("sy ai batch eventType", "synerise", "ai-batch", lambda p: p.update(eventType="recommendation.buy"), "/eventType", "recommendation.view"),
    ("sy ai batch item rule", "synerise", "ai-batch", lambda p: drop(p["items"][1], "clientUUID"), "/items/1/clientUUID", "required"),
]


# What the documents do not state is the console's advice: a warning, never a block.
ADVICE = [
    ("vt empty list", "vibetrace", "track", lambda p: [], "", "empty"),
    ("mt batch empty", "mytracker", "loginBatch", lambda p: [], "", "empty"),
    ("sy ai batch empty", "synerise", "ai-batch", lambda p: p.update(items=[]), "/items", "no events"),
    ("vt type unsafe in path", "vibetrace", "track", lambda p: [{"type": "a/b", "email": "a@example.com"}], "/0/type", "URL path"),
    ("vt confirmation without orderId", "vibetrace", "track", lambda p: drop(p[0]["generic"], "orderId"), "/0/generic/orderId", "orderId"),
    ("vt item quantity", "vibetrace", "track", lambda p: p[0]["items"][0].update(quantity=0), "/0/items/0/quantity", "minimum of 1"),
]


@pytest.mark.parametrize("name,vendor,operation,change,path,words", ADVICE, ids=[e[0] for e in ADVICE])
def test_advice_warns_and_does_not_block(ctx, name, vendor, operation, change, path, words):
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=changed(vendor, operation, change)))
    assert prepared.errors == [] and prepared.can_send, [i.to_json() for i in prepared.issues]
    assert any(i.path == path and words.lower() in i.message.lower() for i in prepared.issues), \
        [i.to_json() for i in prepared.issues]


@pytest.mark.parametrize("name,vendor,operation,change,path,words", ERRORS, ids=[e[0] for e in ERRORS])
def test_rule_blocks_the_send(ctx, name, vendor, operation, change, path, words):
    payload = changed(vendor, operation, change)
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=payload))
    matching = [i for i in prepared.errors if i.path == path and words.lower() in i.message.lower()]
    assert matching, [i.to_json() for i in prepared.issues]
    assert not prepared.can_send
    before = ctx.history.count()
    with pytest.raises(ValueError):
        pipeline.send(ctx, prepared)
    assert ctx.history.count() == before


SETTING_ERRORS = [
    ("synerise", "ai-event", {"event_type": "recommendation.buy"}, "settings/event_type", "one of"),
    ("mytracker", "login", {"app_id": "abc"}, "settings/app_id", "number"),
    ("vibetrace", "track", {"account_id": "a/b"}, "settings/account_id", "URL path"),
]


@pytest.mark.parametrize("vendor,operation,overrides,path,words", SETTING_ERRORS)
def test_setting_rules_block_the_send(ctx, vendor, operation, overrides, path, words):
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, overrides=overrides))
    assert any(i.path == path and words in i.message for i in prepared.errors), prepared.issues


def test_base_url_must_be_http(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("octeth", "event", base_url="ftp://mail.example.com"))
    assert any(i.path == "settings/base_url" for i in prepared.errors)


def warnings_of(prepared):
    return [i for i in prepared.issues if i.severity == "warning"]


def test_future_synerise_time_warns_but_does_not_block(make_ctx):
    ctx = make_ctx(clock=lambda: FIXED_NOW)
    payload = changed("synerise", "custom", lambda p: p.update(time="2026-11-22T12:00:01Z"))
    prepared = pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", payload=payload))
    assert prepared.can_send
    assert [w.path for w in warnings_of(prepared)] == ["/time"]
    assert "future" in warnings_of(prepared)[0].message
    # Same instant in another zone is not in the future.
    payload["time"] = "2026-11-22T08:00:00-04:00"
    assert warnings_of(pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", payload=payload))) == []


def test_transaction_as_custom_event_warns(ctx):
    payload = changed("synerise", "custom", lambda p: p.update(action="transaction.charge"))
    prepared = pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", payload=payload))
    assert prepared.can_send and "/v4/transactions" in warnings_of(prepared)[0].message


def test_dedicated_event_with_action_in_batch_is_an_error(ctx):
    # The document: for an event with a dedicated endpoint, "remove the action parameter".
    payload = changed("synerise", "batch", lambda p: p[1].update(action="client.hitTimer"))
    prepared = pipeline.prepare(ctx, pipeline.Draft("synerise", "batch", payload=payload))
    assert not prepared.can_send and prepared.errors[0].path == "/1/action"
    assert "remove action" in prepared.errors[0].message


def test_unknown_mytracker_field_warns(ctx):
    payload = changed("mytracker", "login", lambda p: p.update(customUserID="x"))
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", payload=payload))
    assert prepared.can_send
    assert warnings_of(prepared)[0].path == "/customUserID"
    assert "case-sensitive" in warnings_of(prepared)[0].message


def test_numbers_as_strings_are_accepted_and_range_checked(ctx):
    payload = changed("mytracker", "customEvent", lambda p: p.update(age=25, idGender="2", eventTimestamp=1580213208))
    assert pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", payload=payload)).can_send


def test_vibetrace_long_url_warns(ctx):
    events = [{"type": "update", "email": f"user{i}@example.com", "note": "n" * 200} for i in range(40)]
    prepared = pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track", payload=events))
    assert prepared.can_send
    assert any("8 KB" in w.message for w in warnings_of(prepared))


def test_vtsid_alone_or_warned(ctx):
    alone = [{"type": "login", "_vtsid": "abc123"}]
    assert pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track", payload=alone)).issues == ()
    both = [{"type": "login", "_vtsid": "abc123", "userId": "1", "sessionId": "2"}]
    prepared = pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track", payload=both))
    assert prepared.can_send and warnings_of(prepared)[0].path == "/0/_vtsid"


def test_repeated_confirmation_order_id_warns_from_history(ctx):
    payload = changed("vibetrace", "track", lambda p: p[0]["generic"].update(orderId="order-1"))
    draft = pipeline.Draft("vibetrace", "track", payload=payload)
    first = pipeline.prepare(ctx, draft)
    assert warnings_of(first) == []
    outcome = pipeline.send(ctx, first)
    second = pipeline.prepare(ctx, draft)
    assert second.can_send
    (warning,) = warnings_of(second)
    assert warning.path == "/0/generic/orderId"
    assert f"#{outcome.history_id}" in warning.message and "discards" in warning.message
    # Another order id is fine; another profile's history does not count.
    other = changed("vibetrace", "track", lambda p: p[0]["generic"].update(orderId="order-2"))
    assert warnings_of(pipeline.prepare(ctx, pipeline.Draft("vibetrace", "track", payload=other))) == []


def test_email_open_within_20_minutes_warns(make_ctx):
    now = [FIXED_NOW]
    ctx = make_ctx(clock=lambda: now[0])
    event = [{"type": "email_open", "email": "jane@example.com"}]
    draft = pipeline.Draft("vibetrace", "track", payload=event)
    pipeline.send(ctx, pipeline.prepare(ctx, draft))
    # The exchange is stamped with the real time; look 20 minutes around it.
    sent_at = ctx.history.recent(1)[0].time
    from datetime import datetime

    now[0] = datetime.fromisoformat(sent_at) + timedelta(minutes=19)
    (warning,) = warnings_of(pipeline.prepare(ctx, draft))
    assert "20 minutes" in warning.message
    now[0] = datetime.fromisoformat(sent_at) + timedelta(minutes=21)
    assert warnings_of(pipeline.prepare(ctx, draft)) == []


def test_messages_name_the_field_in_plain_words(ctx):
    payload = changed("mytracker", "customEvent", lambda p: p.update(age="200"))
    (issue,) = pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", payload=payload)).issues
    assert issue.message == 'age is "200", above the maximum of 128.'


def test_an_explanation_names_the_rule_the_console_found(ctx):
    batch = [{"customUserId": str(i), "customEventName": "e"} for i in range(21)]
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEventBatch", payload=batch))
    outcome = pipeline.send(ctx, prepared, force=True)
    assert outcome.exchange.response.status == 400
    assert "one bad event fails the whole batch" in outcome.explanation
    assert "The console found before sending" in outcome.explanation and "at most 20" in outcome.explanation
    single = changed("mytracker", "customEvent", lambda p: p.update(age="-3"))
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "customEvent", payload=single)),
                            force=True)
    if outcome.exchange.response.status >= 400:
        assert "batch" not in outcome.explanation.split("The console found")[0]
