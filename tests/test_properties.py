"""Property-based: arbitrary JSON never makes a validator raise; arbitrary text never makes
the cookie parser raise anything but its own error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.cookies import CookieError, parse_vt_user
from console.core.validation import Issue, schema_issues
from console.engine import pipeline
from tests.test_definitions import ALL_OPERATIONS

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=20), children, max_size=6),
    max_leaves=30,
)
# Payloads shaped like the real ones (known field names), so the rules' deeper paths run too.
FIELDS = ["type", "userId", "sessionId", "email", "_vtsid", "generic", "orderId", "items", "id", "quantity",
          "customUserId", "customEventName", "customEventParams", "lvid", "age", "eventTimestamp", "ListID",
          "event", "Event", "properties", "APIKey", "action", "client", "label", "time", "params",
          "correlationId", "clientUUID", "eventType", "user", "conversion-id"]
shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30) | st.sampled_from(["confirmation", "custom", "conversion", "2099-01-01T00:00:00Z", "a@b.co"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(FIELDS), children, max_size=6),
    max_leaves=25,
)


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=json_values | shaped)
def test_validation_returns_issues_never_raises(ctx, vendor, operation, payload):
    issues = schema_issues(vendor, operation, payload)
    assert all(isinstance(i, Issue) and i.severity in ("error", "warning") and i.message for i in issues)
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=payload))
    for issue in prepared.issues:
        assert issue.path == "" or issue.path.startswith(("/", "settings/", "secrets/"))


@settings(max_examples=400, deadline=None)
@given(text=st.text() | st.builds(lambda a, b, c: f"{a}_vt_user={b}; {c}", st.text(max_size=20), st.text(max_size=40), st.text(max_size=20)))
def test_cookie_parser_gives_a_result_or_a_message(text):
    try:
        user = parse_vt_user(text)
    except CookieError as exc:
        assert str(exc)
    else:
        # Both IDs are there; IDs that are not digits are read, with a warning for each.
        assert user.user_id and user.session_id
        unusual = [i for i in (user.user_id, user.session_id) if not (i.isascii() and i.isdigit())]
        assert len(user.warnings) == len(unusual)


@settings(max_examples=200, deadline=None)
@given(user=st.integers(0, 10**18), session=st.integers(0, 10**18),
       flags=st.lists(st.sampled_from(["true", "false"]), max_size=3))
def test_cookie_round_trip(user, session, flags):
    value = "_".join([str(user), str(session), *flags])
    parsed = parse_vt_user(f"other=1; _vt_user={value}; x=y")
    assert (parsed.user_id, parsed.session_id, list(parsed.flags)) == (str(user), str(session), flags)
