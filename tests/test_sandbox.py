"""The sandbox answers like the vendors' documents: success bodies, documented errors, and
never a crash on malformed requests."""

import json
import socket

import pytest
import requests

from console.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer()
    server.start()
    yield server
    server.stop()


def post(sandbox, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    return requests.post(sandbox.url + path, data=data, headers=headers or {}, timeout=5)


MT = {"Authorization": "sandbox-mytracker-token"}


def test_mytracker_documented_answers(sandbox):
    ok = post(sandbox, "/mytracker/v1/login/?idApp=666", {"customUserId": "1"}, MT)
    assert (ok.status_code, ok.json()) == (200, {"message": "\u041eK"})
    assert post(sandbox, "/mytracker/v1/login/?idApp=666", {"customUserId": "1"}, {"Authorization": "bad"}).json() == {"error": "Forbidden"}
    assert post(sandbox, "/mytracker/v1/login/?idApp=666", None, MT).json() == {"error": "Empty post data"}
    bad_json = post(sandbox, "/mytracker/v1/login/?idApp=666", raw=b"{nope", headers=MT)
    assert (bad_json.status_code, bad_json.json()) == (400, {"error": "Bad json"})
    invalid = post(sandbox, "/mytracker/v1/login/?idApp=666", {"lvid": "x"}, MT)
    assert (invalid.status_code, invalid.json()) == (400, {"error": "Bad Request"})
    assert post(sandbox, "/mytracker/v1/order/?idApp=666", {}, MT).status_code == 404
    assert post(sandbox, "/mytracker/v2/login/?idApp=666", {}, MT).json() == {"error": "Bad api version"}
    too_big = [{"customUserId": "1", "customEventName": "e" * 255, "customEventParams": {f"k{i}": "v" * 200 for i in range(3)}}] * 15
    assert post(sandbox, "/mytracker/v1/customEventBatch/?idApp=666", too_big, MT).status_code == 400


OC = "sandbox-octeth-api-key"


@pytest.mark.parametrize("body,codes", [
    ({"ListID": "x", "event": "e", "email": "a@b.co"}, [4]),
    ({"ListID": 1, "email": "a@b.co"}, [5]),
    ({"ListID": 1, "event": "e"}, [6]),
    ({"ListID": 1, "event": "e", "email": "nope"}, [7]),
    ({"ListID": 1, "event": "conversion", "email": "a@b.co", "properties": {}}, [8, 9, 10]),
    ({"ListID": 1, "event": "conversion", "email": "a@b.co", "properties": {"conversion-id": "1", "conversion-name": "p"}}, [10]),
])
def test_octeth_event_error_codes(sandbox, body, codes):
    answer = post(sandbox, "/octeth/api/v1/event", {"APIKey": OC, **body})
    assert answer.status_code == 422
    assert [e["Code"] for e in answer.json()["Errors"]] == codes


def test_octeth_success_and_properties(sandbox):
    ok = post(sandbox, "/octeth/api/v1/event", {"APIKey": OC, "ListID": 94, "id": "user-id-2006", "event": "test", "email": "2006@test.com"})
    assert ok.status_code == 200
    assert ok.json()["status"] == "success" and ok.json()["external_id"] == "user-id-2006"
    assert set(ok.json()) == {"status", "uuid", "external_id", "identify_event_sent"}
    for body, code in (({}, 1), ({"ListID": "three"}, 2), ({"ListID": 5000}, 3)):
        answer = post(sandbox, "/octeth/api/v1/website_events.properties", {"APIKey": OC, **body})
        assert (answer.status_code, answer.json()["Errors"][0]["Code"]) == (422, code)
    assert post(sandbox, "/octeth/api/v1/website_events.properties", {"APIKey": OC, "ListID": 3}).json()["ListID"] == "3"
    assert post(sandbox, "/octeth/api/v1/event", {"APIKey": "wrong", "ListID": 1}).status_code == 401


def test_vibetrace_rest_answers(sandbox):
    key = {"Authorization": "sandbox-vibetrace-api-key"}
    ok = post(sandbox, "/vibetrace/v1/event/", {"user": {"email": "a@b.co"}, "event": {"update": {}}}, key)
    assert ok.json() == {"results": {"message": "Event created", "email": "Event was created for the specified user"}}
    missing = post(sandbox, "/vibetrace/v1/event/", {"user": {"email": "a@b.co"}}, key)
    assert missing.status_code == 400
    assert missing.json()["errors"][0] == {"message": "Missing event information",
                                           "description": "Please send event information along with user"}
    unknown = post(sandbox, "/vibetrace/v1/event/", {"user": {"email": "unknown@b.co"}, "event": {"update": {}}}, key)
    assert unknown.status_code == 400 and "exist" in unknown.json()["errors"][0]["description"]
    assert post(sandbox, "/vibetrace/v1/event", {}, key).status_code == 404  # /x is not /x/
    assert post(sandbox, "/vibetrace/v1/event/", {}, {"Authorization": "Bearer sandbox-vibetrace-api-key"}).status_code == 401


def test_vibetrace_track_jsonp(sandbox):
    data = json.dumps([{"type": "login", "email": "a@b.co"}])
    with_cb = requests.get(sandbox.url + "/vibetrace/event/1/login", params={"data": data, "callback": "vt", "ts": 5}, timeout=5)
    assert with_cb.status_code == 200 and with_cb.text.startswith("vt(") and with_cb.text.endswith(");")
    without = requests.get(sandbox.url + "/vibetrace/event/1/login", params={"data": data}, timeout=5)
    assert without.json()["status"] == "ok"
    mismatch = requests.get(sandbox.url + "/vibetrace/event/1/update", params={"data": data}, timeout=5)
    assert mismatch.status_code == 400
    assert requests.get(sandbox.url + "/vibetrace/event/1/login", params={"data": "[{"}, timeout=5).status_code == 400


def test_synerise_login_and_token(sandbox):
    assert post(sandbox, "/synerise/v4/events/custom", {}, {"Api-Version": "4.4"}).status_code == 401
    bad = post(sandbox, "/synerise/uauth/v2/auth/login/profile", {"apiKey": "nope"}, {"Api-Version": "4.4"})
    assert bad.status_code == 401
    token = post(sandbox, "/synerise/uauth/v2/auth/login/profile", {"apiKey": "sandbox-synerise-api-key"}, {"Api-Version": "4.4"}).json()["token"]
    auth = {"Authorization": f"Bearer {token}", "Api-Version": "4.4"}
    event = {"action": "dog.bark", "client": {"id": 1}, "label": "bark"}
    assert post(sandbox, "/synerise/v4/events/custom", event, auth).status_code == 202
    invalid = post(sandbox, "/synerise/v4/events/custom", {"action": "x"}, auth)
    assert invalid.status_code == 400 and invalid.json()["errorCode"].startswith("CON-")
    assert post(sandbox, "/synerise/events/v1/single/recommendation.buy?token=56ba9d02-aaaa-aaaa-aaaa-018564059ea3", {}).status_code == 404
    assert post(sandbox, "/synerise/events/v1/batch?token=wrong", {}).status_code == 401


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"POST /mytracker/v1/login/ HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
    b"POST /octeth/api/v1/event HTTP/1.1\r\nContent-Length: 5\r\n\r\n\xff\xfe\x00\x01\x02",
    b"GET /synerise/\xc3\x28 HTTP/1.1\r\n\r\n",
    b"POST /synerise/v4/events/batch HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
])
def test_malformed_requests_never_kill_the_sandbox(sandbox, raw):
    with socket.create_connection(("127.0.0.1", int(sandbox.url.rsplit(":", 1)[1])), timeout=5) as s:
        s.sendall(raw)
        try:
            s.recv(4096)
        except OSError:
            pass
    # Still alive and answering properly.
    assert post(sandbox, "/mytracker/v1/login/?idApp=666", {"customUserId": "1"}, MT).status_code == 200


def test_unknown_vendor_path(sandbox):
    answer = requests.get(sandbox.url + "/nope", timeout=5)
    assert answer.status_code == 404 and "/mytracker" in answer.json()["vendors"]


def test_standalone_sandbox_command_serves_and_stops_on_ctrl_c(tmp_path):
    """`event-console sandbox --port N` in the foreground; the command line can send to it."""
    import os
    import signal
    import subprocess
    import sys

    from tests.servers import refused_url

    port = int(refused_url().rsplit(":", 1)[1])
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    server = subprocess.Popen([sys.executable, "-m", "console", "sandbox", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = server.stdout.readline()
        assert f"127.0.0.1:{port}" in first
        urls = [server.stdout.readline().split() for _ in range(4)]
        assert [u[0] for u in urls] == ["vibetrace", "mytracker", "octeth", "synerise"]
        sent = subprocess.run([sys.executable, "-m", "console", "send", "octeth", "event", "--base-url", urls[2][1],
                               "--set", "api_key=sandbox-octeth-api-key", "--profile", "sandbox"],
                              capture_output=True, text=True, env=env, timeout=60)
        assert sent.returncode == 0, sent.stderr
        assert '"status": "success"' in sent.stdout
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=10) == 0
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        busy = subprocess.run([sys.executable, "-m", "console", "sandbox", "--port", str(taken.getsockname()[1])],
                              capture_output=True, text=True, env=env, timeout=30)
    finally:
        taken.close()
    assert busy.returncode == 2 and "cannot listen" in busy.stderr
