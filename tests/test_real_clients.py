"""The console against software nobody here wrote: the PyPI Synerise SDK
(`entirius-py-synerise-sdk`) sends its own events, `null` for every optional field it was not
given, through capture and the sandbox; 0 errors, every one accepted."""

import pytest

from console.core.secrets import SecretStore
from console.core.validation import schema_issues
from console.engine.capture import CaptureServer
from console.engine.context import AppContext
from console.sandbox.server import SandboxServer
from tests.memory_keyring import MemoryKeyring

sdk = pytest.importorskip("synerise_sdk.synerise_sdk", reason="the Synerise SDK is a test dependency")
from synerise_sdk.dto.profile import ClientProfileEvent, ProfileEvent  # noqa: E402


def sdk_events() -> list[dict]:
    """Eight events as the SDK's users make them: `asdict()` of its dataclasses."""
    clients = [ClientProfileEvent(customId="c-1"), ClientProfileEvent(email="a@example.com"),
               ClientProfileEvent(uuid="e0097757-d1e2-44ac-ba3c-d97979a354c1"), ClientProfileEvent(id="5092159999")]
    events = []
    for client in clients:
        events.append(ProfileEvent(action="form.submit", client=client, label="Signed up").asdict())
        events.append(ProfileEvent(action="page.visit", client=client, label="Home", time="2026-11-28T12:18:27Z",
                                   eventSalt="s-1").asdict())
    return events


def test_the_sdks_payloads_have_nulls_and_no_errors():
    events = sdk_events()
    assert all(None in e["client"].values() for e in events)  # what made them fail before
    for event in events:
        issues = schema_issues("synerise", "custom", event)
        assert [i for i in issues if i.is_error] == [], issues


@pytest.mark.parametrize("server_kind", ["capture", "sandbox"])
def test_the_real_sdk_sends_through_capture_and_the_sandbox(tmp_path, server_kind):
    ctx = AppContext(home=tmp_path, secrets=SecretStore(MemoryKeyring()))
    seen = []
    if server_kind == "capture":
        server = CaptureServer(ctx, port=0, on_request=seen.append)
        api_key = "a-workspace-key-of-ours"
    else:
        from console.core.definitions import vendors

        server = SandboxServer()
        api_key = vendors()["synerise"].sandbox_secrets["api_key"]
    server.start()
    try:
        client = sdk.SyneriseClient(f"{server.url}/synerise", api_key)
        results = [client.add_profile_to_event(event) for event in sdk_events()]
    finally:
        server.stop()
        ctx.close()
    assert [status for _message, status in results] == [202] * 8, results
    if server_kind == "capture":
        events = [c for c in seen if c.operation == "custom"]
        assert len(events) == 8 and all(c.errors == 0 and c.status == 202 for c in events), events
