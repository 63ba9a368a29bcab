"""Secrets stay in the keyring: masked in every output, redacted before anything is written,
and never put in a file when there is no keyring."""

import json
import os

import pytest

from console.core.secrets import NO_KEYRING_MESSAGE, SecretStore, mask_bytes, mask_text
from console.engine import pipeline
from tests.memory_keyring import NoKeyring
from tests.servers import Reply

CANARY = "CanAry7secret9XyZ"

SECRET_OPERATIONS = [
    ("vibetrace", "rest-event", "api_key"),
    *[("mytracker", op, "token") for op in ("registration", "registrationBatch", "login", "loginBatch",
                                            "customEvent", "customEventBatch")],
    ("octeth", "event", "api_key"), ("octeth", "event", "session_id"),
    ("octeth", "event-properties", "api_key"), ("octeth", "event-properties", "session_id"),
    ("synerise", "custom", "jwt"), ("synerise", "custom", "api_key"),
    ("synerise", "batch", "jwt"), ("synerise", "batch", "api_key"),
    ("synerise", "ai-event", "tracker_key"), ("synerise", "ai-batch", "tracker_key"),
]


def test_mask_covers_raw_url_and_json_forms():
    secret = 'a b/c+"d'
    text = f'raw {secret} url a%20b%2Fc%2B%22d plus a+b%2Fc%2B%22d json {json.dumps(secret)}'
    masked = mask_text(text, [secret])
    assert "a b" not in masked and "a%20b" not in masked and "a+b" not in masked
    assert masked.count("***") == 4
    assert mask_bytes(b"x " + secret.encode() + b"&y", [secret]) == b"x ***&y"
    assert mask_text("nothing", ["", None or ""]) == "nothing"


def files_under(folder):
    for root, _, names in os.walk(folder):
        for name in names:
            yield os.path.join(root, name)


def assert_nowhere(folder, *texts):
    for path in files_under(folder):
        data = open(path, "rb").read()
        assert CANARY.encode() not in data, path
    for text in texts:
        assert CANARY not in text


@pytest.mark.parametrize("vendor,operation,secret", SECRET_OPERATIONS)
def test_canary_secret_never_reaches_disk_or_output(run_cli, make_ctx, recorder, vendor, operation, secret):
    # The server echoes the request back, so the canary is in the response too.
    recorder.reply = Reply(echo=True)
    result = run_cli("send", vendor, operation, "--base-url", recorder.url, "--set", f"{secret}={CANARY}", "--json")
    assert result.status in (0, 3), result.err
    assert any(CANARY in (r.path + json.dumps(r.headers) + r.body.decode()) for r in recorder.requests)
    data = json.loads(result.out)
    assert "***" in json.dumps(data)
    history = run_cli("history", "--json")
    ctx = make_ctx()
    row = ctx.history.get(data["history_id"])
    ctx.history.close()  # flush nothing more; the WAL and the database are read as they are
    assert_nowhere(ctx.home, result.out, result.err, history.out, json.dumps(row, default=str))


def test_canary_from_the_keyring_never_reaches_disk(run_cli, make_ctx, recorder, keyring_backend):
    recorder.reply = Reply(echo=True)
    assert run_cli("profile", "set", "octeth", "prod", f"base_url={recorder.url}").status == 0
    assert run_cli("secret", "set", "octeth", "prod", "api_key", stdin=CANARY + "\n").status == 0
    result = run_cli("send", "octeth", "event", "--profile", "prod", "--json")
    assert result.status == 0, result.err
    assert CANARY.encode() in recorder.requests[-1].body
    assert_nowhere(make_ctx().home, result.out, run_cli("history", "--json").out)


def test_credential_pasted_into_the_payload_is_redacted(ctx, recorder):
    payload = {"APIKey": CANARY, "ListID": 3}
    prepared = pipeline.prepare(ctx, pipeline.Draft("octeth", "event-properties", payload=payload, base_url=recorder.url))
    # The payload's key is this send's credential (as Octeth's document sends it): said, and masked.
    assert any(i.path == "/APIKey" and "the payload's APIKey is sent" in i.message for i in prepared.issues)
    assert CANARY not in prepared.preview().body_text()
    outcome = pipeline.send(ctx, prepared)
    assert CANARY not in outcome.exchange.request.body_text()
    assert CANARY.encode() in recorder.requests[-1].body  # it went, unmasked, on the wire only
    assert CANARY not in ctx.history.get(outcome.history_id).payload
    ctx.history.close()
    assert_nowhere(ctx.home)


def test_memory_keyring_round_trip(keyring_backend):
    store = SecretStore(keyring_backend)
    assert store.available
    assert store.set("mytracker", "prod", "token", "t1") is True
    assert keyring_backend.store[("event-console", "mytracker/prod/token")] == "t1"
    assert store.get("mytracker", "prod", "token") == "t1"
    store.delete("mytracker", "prod", "token")
    assert store.get("mytracker", "prod", "token") is None


def test_without_a_keyring_keys_live_for_the_session_only(make_ctx, tmp_path):
    store = SecretStore(NoKeyring())
    assert not store.available
    assert store.problem == NO_KEYRING_MESSAGE and "GNOME Keyring" in store.problem
    assert store.set("mytracker", "prod", "token", CANARY) is False
    assert store.get("mytracker", "prod", "token") == CANARY
    ctx = make_ctx(secrets=store)
    ctx.profiles.update("mytracker", "prod", {"app_id": "666", "base_url": ctx.sandbox_url() + "/mytracker"})
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "login", "prod"))
    assert prepared.credential_value == CANARY
    pipeline.send(ctx, prepared)
    ctx.history.close()
    assert_nowhere(ctx.home)
    assert SecretStore(NoKeyring()).get("mytracker", "prod", "token") is None


def test_secret_set_without_a_keyring_says_what_to_install(tmp_path):
    import io

    from console import cli
    from console.engine.context import AppContext

    err = io.StringIO()
    status = cli.main(["secret", "set", "mytracker", "prod", "token"], stdin=io.StringIO("x\n"),
                      stdout=io.StringIO(), stderr=err,
                      make_context=lambda: AppContext(home=tmp_path, secrets=SecretStore(NoKeyring())))
    assert status == 2
    assert "No OS keyring" in err.getvalue() and "GNOME Keyring" in err.getvalue()
    assert len(err.getvalue().strip().splitlines()) == 1
    assert list(files_under(tmp_path)) == []


def test_real_secret_service():
    """Against gnome-keyring under dbus-run-session (scripts/test starts one)."""
    from keyring.backends import SecretService

    required = os.environ.get("EVENT_CONSOLE_REQUIRE_SECRET_SERVICE") == "1"
    try:
        viable = SecretService.Keyring.priority > 0
        reason = ""
    except Exception as exc:  # keyring says why the Secret Service is not usable
        viable, reason = False, str(exc)
    if not viable:
        if required:
            pytest.fail(f"a Secret Service was expected: {reason}")
        pytest.skip(f"no Secret Service on this machine (run through scripts/test): {reason}")
    # The test process also registers the in-memory backend, so keyring's own choice here is a
    # chain of both; the Secret Service is asked directly.
    store = SecretStore(SecretService.Keyring())
    assert store.available and "SecretService" in store.backend_name()
    assert store.set("synerise", "test-run", "api_key", CANARY) is True
    assert SecretStore(SecretService.Keyring()).get("synerise", "test-run", "api_key") == CANARY
    assert SecretService.Keyring().get_password("event-console", "synerise/test-run/api_key") == CANARY
    store.delete("synerise", "test-run", "api_key")
    assert SecretStore(SecretService.Keyring()).get("synerise", "test-run", "api_key") is None


def test_default_keyring_in_a_fresh_process_is_the_secret_service():
    """What the app itself picks, outside the test process (no test backends registered)."""
    import subprocess
    import sys

    if os.environ.get("EVENT_CONSOLE_REQUIRE_SECRET_SERVICE") != "1":
        pytest.skip("no Secret Service started for this run")
    code = "from console.core.secrets import SecretStore; print(SecretStore().backend_name())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "SecretService" in out
