"""Capture against a backend with real keys, over the wire: `event-console capture` as a user
starts it, a backend (this test's own console, a real profile with real-looking keys) sending
one valid and one invalid request of every operation; keys checked for presence and shape
only; and no credential of any shape reaching the data home, `history --json`, an export or
capture's own output (canaries in every place of every shape)."""

import json
import re
import subprocess
import sys

import requests

from console.core.definitions import vendors
from console.core.secrets import SecretStore
from console.engine import pipeline
from console.engine.context import AppContext
from tests.memory_keyring import MemoryKeyring
from tests.servers import RecordingServer, Reply
from tests.test_capture import ALL_OPERATIONS, ROOT
from tests.test_send_accounting import cli_env

# Keys as a backend really holds them: nothing like the sandbox's dummies.
REAL_KEYS = {
    ("vibetrace", "api_key"): "vtk_live_4f9a2c7e1b3d",
    ("mytracker", "token"): "mts2s_9d8e7f6a5b4c3d2e",
    ("octeth", "api_key"): "oct-7c1e9b2a-real-api-key",
    ("synerise", "jwt"): "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3Jrc3BhY2UtcmVhbCJ9.c2lnbmF0dXJlLW9mLXRoZS1yZWFsLW9uZQ",
    ("synerise", "tracker_key"): "trk-real-0f9e8d7c6b",
}


def backend(home):
    """The backend's console: profile `prod` with real keys, sending to `url`."""
    ctx = AppContext(home=home, secrets=SecretStore(MemoryKeyring()))
    for (vendor, name), value in REAL_KEYS.items():
        ctx.secrets.set(vendor, "prod", name, value)
    ctx.profiles.update("mytracker", "prod", {"app_id": "731"})
    ctx.profiles.update("vibetrace", "prod", {"account_id": "5521"})
    return ctx


def invalid(vendor, operation):
    """A payload each vendor's document says is wrong (a required field missing)."""
    if (vendor, operation) == ("vibetrace", "track"):
        return [{"type": "login"}]  # nobody said who did it
    example = vendors()[vendor].operations[operation].example
    return [{}] if isinstance(example, list) else {}


DOCUMENTED_ERROR = {"vibetrace": 400, "mytracker": 400, "octeth": 422, "synerise": 400}


def test_a_backend_with_real_keys_gets_the_vendors_answers_for_every_operation(capture, tmp_path):
    running = capture()
    running.wait_for("real keys are accepted")
    ctx = backend(tmp_path / "backend")
    try:
        expected = []
        for vendor, operation in ALL_OPERATIONS:
            for payload in (None, invalid(vendor, operation)):
                draft = pipeline.Draft(vendor, operation, "prod", payload, base_url=f"{running.url}/{vendor}")
                prepared = pipeline.prepare(ctx, draft)
                assert not prepared.missing, prepared.missing
                answer = pipeline.send(ctx, prepared, force=True).exchange.response
                assert answer is not None
                if payload is None:
                    assert 200 <= answer.status < 300, (vendor, operation, answer.status, answer.text())
                else:
                    assert answer.status == DOCUMENTED_ERROR[vendor], (vendor, operation, answer.text())
                expected.append((vendor, operation, payload is None, answer.status))
    finally:
        ctx.close()
    rows = sorted(running.rows(len(expected)), key=lambda r: r.id)
    assert [(r.vendor, r.operation, r.status) for r in rows] == [(v, o, s) for v, o, _, s in expected]
    for row, (_, _, valid, _) in zip(rows, expected, strict=True):
        errors = [i for i in row.issues if i["severity"] == "error"]
        assert (errors == []) is valid, (row.vendor, row.operation, row.issues)
    _, out = running.stop()
    for key in REAL_KEYS.values():
        assert key not in out
        for path in running.home.rglob("*"):
            if path.is_file():
                assert key.encode() not in path.read_bytes(), path


def test_credentials_are_checked_for_presence_and_shape(capture):
    running = capture()
    base = running.url
    body = {"customUserId": "u1", "customEventName": "paid"}
    no_token = requests.post(f"{base}/mytracker/v1/customEvent/?idApp=731", json=body, timeout=10)
    assert no_token.status_code == 403 and no_token.json() == {"error": "Forbidden"}  # the document's answer
    event = {"action": "page.visit", "label": "x", "client": {"customId": "c1"}}
    not_a_jwt = requests.post(f"{base}/synerise/v4/events/custom", json=event, timeout=10,
                              headers={"Authorization": "Bearer not-a-token", "Api-Version": "4.4"})
    assert not_a_jwt.status_code == 401
    basic = requests.post(f"{base}/synerise/v4/events/custom", json=event, timeout=10,
                          headers={"Authorization": "Basic Z3VpZC0xOmtleS0y", "Api-Version": "4.4"})
    assert basic.status_code == 202  # the document's other way in, where the key allows it
    rows = {r.id: r for r in running.rows(3)}
    first, second, third = (rows[k] for k in sorted(rows))
    assert first.issues[0] == {"severity": "error", "path": "secrets/token",
                               "message": "No Authorization header: myTracker needs the API token."}
    assert {"severity": "error", "path": "secrets/jwt",
            "message": "The JWT is not a JWT (three base64url parts separated by dots): Synerise refuses it."} \
        in second.issues
    assert [i["severity"] for i in third.issues] == ["warning"] and "Basic" in third.issues[0]["message"]


# -- canaries: every place of every shape ---------------------------------------------------------

CANARY = "CANARY{}zq7"


def canary_requests(base: str):
    """(method, url, headers, body) of every shape a credential reaches capture in; each
    carries its own canary."""
    n = iter(range(1000))

    def c():
        return CANARY.format(next(n))

    octeth = f"{base}/octeth/api/v1/event"
    event = {"ListID": 1, "event": "signup", "email": "a@example.com"}
    shapes = [
        ("GET", f"{base}/elsewhere?token={c()}", {}, b""),
        ("GET", f"{base}/synerise/nowhere?apiKey={c()}", {}, b""),
        ("POST", f"{base}/x?access_token={c()}&api_key={c()}", {}, b"{}"),
        ("POST", f"{base}/synerise/events/v1/single/recommendation.view?token={c()}", {}, b"this is not json"),
        ("POST", octeth, {"Content-Type": "application/json"}, f'{{"APIKey": "{c()}", "ListID": 1,'.encode()),
        ("POST", octeth, {"Content-Type": "application/json"},
         f'{{"APIKey":"{c()}","email":"\xff\xfe"}}'.encode("latin-1")),
        ("POST", octeth, {"Content-Type": "application/x-www-form-urlencoded"},
         f"APIKey={c()}&ListID=1&event=signup".encode()),
        ("POST", octeth, {"Content-Type": "application/json"}, json.dumps({**event, "APIKey": c()}).encode()),
        ("POST", octeth, {"Content-Type": "application/json"}, json.dumps({**event, "SessionID": c()}).encode()),
        ("POST", f"{base}/octeth/api/v2/unknown", {}, json.dumps({"SessionID": c()}).encode()),
        ("POST", f"{base}/unknown/path", {"X-Session-Id": c()}, b""),
        ("POST", f"{base}/unknown/path", {"Authorization": f"Bearer {c()}"}, b""),
        ("POST", f"{base}/mytracker/v1/customEvent/?idApp=1", {"Authorization": c(), "X-Api-Key": c(),
                                                               "Cookie": f"sid={c()}"},
         json.dumps({"customUserId": "u", "customEventName": "e"}).encode()),
        ("POST", f"{base}/vibetrace/v1/event/", {"Authorization": c(), "X-Upstream-Credential": c()},
         json.dumps({"user": {"email": "a@example.com"}, "event": {"type": "x"}}).encode()),
        ("POST", f"{base}/synerise/uauth/v2/auth/login/profile", {"Api-Version": "4.4"},
         json.dumps({"apiKey": c()}).encode()),
        ("POST", f"{base}/synerise/events/v1/batch?token={c()}", {}, b"[1, 2"),
        ("POST", f"{base}/octeth/api/v1/website_events.properties", {},
         json.dumps({"ListID": 3, "APIKey": c(), "nested": [{"password": c()}]}).encode()),
        ("GET", f"{base}/vibetrace/event/1/x?data=%5B%7B%22type%22:%22x%22%7D%5D&apiKey={c()}", {}, b""),
        ("GET", f"{base}/\x1b]0;pwned\x07/x?token={c()}", {}, b""),
    ]
    return shapes


def scan(home, texts) -> list[str]:
    """Where a canary (or the login's token) is found: files under the data home, and texts."""
    found = []
    pattern = re.compile(rb"CANARY\d+zq7|eyJhbGciOiJIUzUxMiJ9\.[\w-]+\.sandbox")
    for path in home.rglob("*"):
        if path.is_file() and pattern.search(path.read_bytes()):
            found.append(str(path))
    for name, text in texts.items():
        if pattern.search(text.encode("utf-8", "surrogateescape")):
            found.append(name)
    return found


def raw_request(method: str, url: str, headers: dict, body: bytes) -> int:
    """Sends exactly these bytes over a socket (HTTP clients refuse or re-encode an odd path)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = url.split(parts.netloc, 1)[1]
    head = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
            f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall("\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_no_canary_of_any_shape_reaches_disk_history_exports_or_output(capture):
    running = capture()
    shapes = canary_requests(running.url)
    statuses = [raw_request(*shape) for shape in shapes]
    assert 500 not in statuses and 403 not in statuses, statuses
    rows = running.rows(len(shapes))
    assert len(rows) == len(shapes)
    _, out = running.stop()
    assert "\x1b" not in out and "\\x1b" in out  # the escape code is shown, not acted on
    texts = {"capture output": out}
    env = cli_env(running.home)
    for args in (["history", "--json"], ["history"], *(["history", "export", "--format", f] for f in
                                                      ("har", "json", "curl"))):
        done = subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=60)
        assert done.returncode == 0, done.stderr
        texts[" ".join(args)] = done.stdout + done.stderr
    assert scan(running.home, texts) == []


def test_forwarding_masks_the_vendors_login_token(capture, tmp_path):
    vendor = RecordingServer()
    try:
        token = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ2ZW5kb3IifQ.sandbox"
        vendor.reply = Reply(status=200, body=json.dumps({"token": token, "type": "Bearer"}).encode())
        home = tmp_path / "capture-home"
        ctx = AppContext(home=home, secrets=SecretStore(MemoryKeyring()))
        ctx.profiles.update("synerise", "live", {"base_url": vendor.url})
        ctx.close()
        running = capture("--forward", "live", home=home)
        for _ in range(3):
            answer = requests.post(f"{running.url}/synerise/uauth/v2/auth/login/profile",
                                   json={"apiKey": "CANARY900zq7"}, headers={"Api-Version": "4.4"}, timeout=10)
            assert answer.json()["token"] == token  # the backend gets the vendor's answer whole
        running.rows(3)
        _, out = running.stop()
        assert scan(home, {"out": out}) == []
    finally:
        vendor.stop()


def test_what_capture_cannot_read_is_answered_400_and_recorded(capture):
    running = capture()
    deep = "[" * 3000 + "]" * 3000
    answer = requests.get(f"{running.url}/vibetrace/event/1/x", params={"data": deep, "token": "CANARY77zq7"},
                          timeout=10)
    assert answer.status_code == 400
    not_json = requests.post(f"{running.url}/synerise/events/v1/batch?token=CANARY78zq7", data=b"\x00\xff",
                             timeout=10)
    assert not_json.status_code == 400
    rows = running.rows(2)
    assert all(any(i["severity"] == "error" for i in r.issues) for r in rows)
    _, out = running.stop()
    assert scan(running.home, {"out": out}) == []


def test_listening_beyond_this_computer_is_warned_about(tmp_path):
    import signal

    process = subprocess.Popen([sys.executable, "-m", "console", "capture", "--host", "0.0.0.0", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(tmp_path),
                               cwd=ROOT)
    try:
        banner = [process.stdout.readline() for _ in range(1 + len(vendors()) + 2)]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert banner[-1].startswith("Warning: listening on 0.0.0.0") and "anyone on that network" in banner[-1]
    assert process.returncode == 0
