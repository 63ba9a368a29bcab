"""The window's decisions, made in the engine: drafts from history, resend, applying a cURL
import, a cookie into a payload, explanations."""

import json

import pytest

from console.core.cookies import parse_vt_user
from console.core.curl import import_curl
from console.core.exchange import Response
from console.engine import pipeline
from console.engine.actions import (
    ActionError,
    apply_curl_import,
    draft_from_history,
    explain,
    put_cookie_in_payload,
    resend,
)
from tests.test_curl import MYTRACKER_DOC


def sent(ctx, vendor="mytracker", operation="login", **draft):
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft(vendor, operation, **draft)))
    return ctx.history.get(outcome.history_id)


def test_a_draft_from_history_is_the_exchange_as_sent(ctx):
    entry = sent(ctx)
    draft = draft_from_history(ctx, entry)
    assert (draft.vendor, draft.operation, draft.profile) == ("mytracker", "login", "sandbox")
    assert draft.payload == json.loads(entry.payload)
    assert "base_url" not in draft.overrides  # the sandbox's port changes every run


def test_a_duplicate_goes_to_another_profile_without_the_old_settings(ctx, run_cli):
    run_cli("profile", "set", "mytracker", "prod", "app_id=5")
    draft = draft_from_history(ctx, sent(ctx), profile="prod")
    assert draft.profile == "prod" and draft.overrides == {}


@pytest.mark.parametrize("change,words", [
    (lambda e: e._replace(vendor="other"), "not an operation of the five APIs"),
    (lambda e: e._replace(payload=None), "no payload"),
    (lambda e: e._replace(profile="gone"), "no longer exists"),
])
def test_drafts_that_cannot_be_made_say_why(ctx, change, words):
    with pytest.raises(ActionError, match=words):
        draft_from_history(ctx, change(sent(ctx)))


def test_resend_sends_the_same_payload_again(ctx):
    first = sent(ctx, "octeth", "event")
    prepared = resend(ctx, first.id)
    again = ctx.history.get(pipeline.send(ctx, prepared, force=True).history_id)
    assert json.loads(again.payload) == json.loads(first.payload) and again.id != first.id
    with pytest.raises(ActionError, match="no longer in history"):
        resend(ctx, 999)


def test_a_curl_import_is_applied_to_a_profile_and_the_keyring(ctx, keyring_backend):
    applied = apply_curl_import(ctx, import_curl(MYTRACKER_DOC), "from-docs", store_keys=True)
    assert (applied.vendor, applied.operation, applied.profile) == ("mytracker", "customEvent", "from-docs")
    assert ctx.profiles.settings("mytracker", "from-docs")["app_id"] == "666"
    assert keyring_backend.store[("event-console", "mytracker/from-docs/token")] == "skjdfASFasf03asdffar3asJHB32r"
    assert applied.kept_in_keyring == ("token",) and json.loads(applied.payload_text)["customEventName"] == "levelUp"
    session = apply_curl_import(ctx, import_curl(MYTRACKER_DOC), "session-only", store_keys=False)
    assert session.kept_for_session == ("token",)
    assert ("event-console", "mytracker/session-only/token") not in keyring_backend.store
    assert ctx.secrets.get("mytracker", "session-only", "token") == "skjdfASFasf03asdffar3asJHB32r"
    # On the sandbox (the window's first offer): the operation and payload only, nothing saved.
    tried = apply_curl_import(ctx, import_curl(MYTRACKER_DOC), "sandbox", store_keys=True)
    assert (tried.profile, tried.kept_in_keyring, tried.kept_for_session) == ("sandbox", (), ())
    assert ("event-console", "mytracker/sandbox/token") not in keyring_backend.store
    assert ctx.profiles.names("mytracker") == ["sandbox", "from-docs", "session-only"]


def test_a_cookie_goes_into_every_event():
    user = parse_vt_user("_vt_user=111_222_false_false")
    events = put_cookie_in_payload([{"type": "login", "email": "a@b.co"}, {"type": "login"}], user)
    assert [(e["userId"], e["sessionId"]) for e in events] == [("111", "222"), ("111", "222")]
    assert put_cookie_in_payload({"type": "x"}, user) == [{"type": "x", "userId": "111", "sessionId": "222"}]
    assert put_cookie_in_payload(None, user) == [{"type": "update", "userId": "111", "sessionId": "222"}]


def test_explanations():
    ok = Response(200, "OK", {}, b'{"message": "OK"}', 16)
    assert "myTracker answered OK" in explain("mytracker", "login", ok)
    assert explain("other", "POST", ok) is None
    odd = explain("octeth", "event", Response(422, "", {}, b'{"Errors": "not a list"}', 5))
    assert odd is None or isinstance(odd, str)  # an answer of any shape: words or nothing, never a crash



def test_the_sandbox_environment_is_said_without_loading_the_engine():
    """The window shows it at start-up: no pipeline (and no jsonschema) for it."""
    import subprocess
    import sys

    code = ("import sys; from console.engine.environment import environment; "
            "e = environment(None, 'octeth', 'event', 'sandbox'); "
            "print(e.kind, e.text, 'console.engine.pipeline' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "sandbox Sandbox: nothing leaves this computer False"
