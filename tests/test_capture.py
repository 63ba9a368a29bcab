"""Capture, as a user runs it: `event-console capture` started as a process and driven by real
HTTP clients (requests, and curl): every operation of the five APIs recognised, validated,
recorded with source `capture` and answered as the sandbox answers; bad payloads keep their
issues; unknown paths get 404 with the known paths; forwarding passes requests on byte for
byte and relays the vendor's answer; many clients at once; clean stop and nothing lost."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from console.core.definitions import vendors
from console.core.history.store import HistoryStore
from console.core.secrets import SecretStore
from console.engine import pipeline
from console.engine.context import AppContext
from tests.memory_keyring import MemoryKeyring
from tests.servers import RecordingServer, Reply
from tests.test_send_accounting import cli_env

ROOT = Path(__file__).resolve().parent.parent
ALL_OPERATIONS = [(v, o) for v, d in vendors().items() for o in d.operations]


class CaptureProcess:
    """`event-console capture --port 0` in its own home; `url` once it listens. Its printed
    lines are collected as they come (`lines`)."""

    def __init__(self, home: Path, *args: str):
        self.home = home
        self.process = subprocess.Popen([sys.executable, "-m", "console", "capture", "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=cli_env(home), cwd=ROOT)
        first = self.process.stdout.readline()
        match = re.search(r"Capturing on (http://127\.0\.0\.1:\d+)", first)
        assert match, first + self.process.stderr.read()
        self.url = match.group(1)
        self.banner = [first] + [self.process.stdout.readline() for _ in vendors()]
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self._reader.start()

    def wait_for(self, text: str, timeout: float = 10) -> str:
        """The first printed line holding `text`, once it is printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if text in line]
            if found:
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f"{text!r} not printed: {self.lines}")

    def recorded(self) -> list[str]:
        """The lines said so far of requests checked and recorded ("#id METHOD path → …")."""
        return [line for line in list(self.lines) if re.match(r"#\d+ ", line)]

    def stop(self, sig=signal.SIGINT) -> tuple[int, str]:
        self.process.send_signal(sig)
        self.process.wait(timeout=15)
        self._reader.join(timeout=5)
        return self.process.returncode, "".join(self.lines)

    def rows(self, count: int | None = None, last: str | None = None):
        """History's rows, once `count` requests were said to be recorded, or the one said
        with `last` in its line (capture answers first, then checks and records each request,
        in the order they came, in its worker)."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not (
                (count is None or len(self.recorded()) >= count)
                and (last is None or any(last in line for line in self.recorded()))):
            time.sleep(0.01)
        assert count is None or len(self.recorded()) == count, self.lines
        assert last is None or any(last in line for line in self.recorded()), self.lines
        store = HistoryStore(self.home)
        try:
            return [store.get(e.id) for e in store.recent(10_000)]
        finally:
            store.close()


@pytest.fixture
def sender(tmp_path):
    """A console of its own that sends (through requests) to the capture's base URLs."""
    ctx = AppContext(home=tmp_path / "sender-home", secrets=SecretStore(MemoryKeyring()))
    yield ctx
    ctx.close()


def send_through(ctx, url, vendor, operation, payload=None, force=False):
    draft = pipeline.Draft(vendor, operation, "sandbox", payload, base_url=f"{url}/{vendor}")
    prepared = pipeline.prepare(ctx, draft)
    return prepared, pipeline.send(ctx, prepared, force=force)


def test_every_operation_is_recognised_checked_recorded_and_answered(capture, sender):
    running = capture()
    assert [line.split()[0] for line in running.banner[1:]] == list(vendors())
    sent = []
    for vendor, operation in ALL_OPERATIONS:
        prepared, outcome = send_through(sender, running.url, vendor, operation)
        assert prepared.errors == []
        answer = outcome.exchange.response
        assert answer is not None and answer.status < 300, (vendor, operation, answer and answer.text())
        sent.append((vendor, operation))
    rows = [r for r in running.rows(last=f"→ {sent[-1][0]}/{sent[-1][1]} ") if (r.vendor, r.operation) != ("synerise", "login")]
    found = sorted((r.vendor, r.operation) for r in rows)
    assert found == sorted(sent), "\n".join(f"{r.vendor} {r.operation} {r.url}" for r in rows)
    assert {r.source for r in rows} == {"capture"} and all(r.issues == () for r in rows)
    assert all(r.status is not None and r.status < 300 and r.outcome == "answered" for r in rows)
    # The keys the sender used never reach the capture's disk.
    secrets = [s for d in vendors().values() for s in d.sandbox_secrets.values() if len(s) > 6]
    for path in running.home.iterdir():
        data = path.read_bytes()
        assert not [s for s in secrets if s.encode() in data], path
    status, out = running.stop()
    assert status == 0 and f"Capture stopped: {len(running.rows())} request(s)" in out
    assert "#1 " in out and "→ vibetrace/track 200, no issues" in out


def test_a_bad_payload_is_answered_as_the_sandbox_does_and_keeps_its_issues(capture, sender):
    running = capture()
    batch = [{"customUserId": str(i), "customEventName": "e"} for i in range(21)]
    _, outcome = send_through(sender, running.url, "mytracker", "customEventBatch", batch, force=True)
    assert outcome.exchange.response.status == 400
    order = [{"type": "confirmation", "email": "a@example.com", "items": [{"id": "1", "quantity": 1}],
              "generic": {"orderId": "same", "total": 3}}]
    for _ in range(2):  # a repeated orderId across captured requests: the history rule applies
        send_through(sender, running.url, "vibetrace", "track", order, force=True)
    rows = {r.id: r for r in running.rows(3)}
    batch_row = next(r for r in rows.values() if r.operation == "customEventBatch")
    assert batch_row.status == 400 and any(i["severity"] == "error" for i in batch_row.issues)
    first, second = sorted((r for r in rows.values() if r.operation == "track"), key=lambda r: r.id)
    assert first.issues == ()
    assert any("already sent" in i["message"] and f"#{first.id}" in i["message"] for i in second.issues)
    _, out = running.stop()
    assert re.search(r"customEventBatch 400, \d+ issues? \(\d+ errors?\)", out)


def test_an_unknown_path_gets_404_with_the_known_paths_and_is_recorded(capture):
    running = capture()
    answer = requests.post(f"{running.url}/synerise/v5/nowhere", json={"apiKey": "leak-me-not-123"}, timeout=10)
    assert answer.status_code == 404
    known = answer.json()["known"]
    assert "POST /synerise/v4/events/custom" in known and len(known) >= 14
    assert requests.get(f"{running.url}/", timeout=10).status_code == 404
    rows = running.rows(2)
    assert len(rows) == 2 and {r.status for r in rows} == {404} and {r.vendor for r in rows} == {"other"}
    assert all(r.issues and r.issues[0]["severity"] == "error" for r in rows)
    for path in running.home.iterdir():
        assert b"leak-me-not-123" not in path.read_bytes()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_as_a_client(capture):
    running = capture()
    key = vendors()["octeth"].sandbox_secrets["api_key"]
    body = json.dumps({"APIKey": key, "ListID": 1, "event": "signup", "email": "a@example.com"})
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                           "--data-binary", body, f"{running.url}/octeth/api/v1/event"],
                          capture_output=True, text=True, timeout=30)
    text, status = done.stdout.rsplit("\n", 1)
    assert status == "200" and json.loads(text)["status"] == "success"
    (row,) = running.rows(1)
    assert (row.vendor, row.operation, row.source, row.status) == ("octeth", "event", "capture", 200)
    assert key.encode() not in row.request_body and "***" in row.request_body.decode()


def test_forwarding_passes_the_request_on_byte_for_byte_and_relays_the_answer(capture, tmp_path):
    vendor_server = RecordingServer()
    try:
        vendor_server.reply = Reply(status=201, body=b'{"status": "success", "from": "the vendor"}')
        home = tmp_path / "capture-home"
        ctx = AppContext(home=home, secrets=SecretStore(MemoryKeyring()))
        ctx.profiles.update("octeth", "staging", {"base_url": vendor_server.url})
        ctx.close()
        running = capture("--forward", "staging", home=home)
        assert any(vendor_server.url in line for line in running.banner)
        body = b'{"APIKey":"caller-own-key-42",  "ListID": 7, "event": "signup", "email": "a@example.com"}'
        answer = requests.post(f"{running.url}/octeth/api/v1/event?x=1", data=body,
                               headers={"Content-Type": "application/json", "X-Trace": "t-1"}, timeout=10)
        assert answer.status_code == 201 and answer.json() == {"status": "success", "from": "the vendor"}
        (seen,) = vendor_server.requests
        assert seen.method == "POST" and seen.path == "/api/v1/event?x=1"
        assert seen.body == body and seen.headers["X-Trace"] == "t-1"
        (row,) = running.rows(1)
        assert (row.status, row.profile, row.source) == (201, "staging", "capture")
        assert b"the vendor" in row.response_body and b"caller-own-key-42" not in row.request_body
    finally:
        vendor_server.stop()


def test_forwarding_to_a_missing_profile_is_a_usage_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "console", "capture", "--port", "0", "--forward", "nobody"],
                          capture_output=True, text=True, env=cli_env(tmp_path), cwd=ROOT, timeout=30)
    assert done.returncode == 2 and "no profile 'nobody'" in done.stderr


def test_two_hundred_clients_at_once(capture):
    running = capture()
    key = vendors()["octeth"].sandbox_secrets["api_key"]

    def one(i):
        return requests.post(f"{running.url}/octeth/api/v1/event", timeout=60,
                             json={"APIKey": key, "ListID": 1, "event": "signup", "email": f"u{i}@example.com"}
                             ).status_code

    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
    assert len(running.rows(200)) == 200
    assert running.process.poll() is None  # still serving


def test_a_body_over_the_limit_is_refused_and_the_server_goes_on(capture):
    running = capture()
    big = b"x" * (33 * 1024 * 1024)
    try:
        answer = requests.post(f"{running.url}/octeth/api/v1/event", data=big, timeout=60)
        assert answer.status_code == 413
    except requests.ConnectionError:
        pass  # the server may close before reading it all; it must still be up
    assert requests.get(f"{running.url}/nowhere", timeout=10).status_code == 404


def test_killed_capture_loses_nothing_answered(capture):
    """Killed the moment the last of 100 answers arrives (checking and recording follow the
    answer): every answered request is in history when it is next opened, none twice."""
    running = capture()
    key = vendors()["octeth"].sandbox_secrets["api_key"]

    def one(i):
        return requests.post(f"{running.url}/octeth/api/v1/event", timeout=30, json={
            "APIKey": key, "ListID": 1, "event": "signup", "email": f"k{i}@example.com"}).status_code

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(one, range(100))) == [200] * 100
    running.process.kill()
    running.process.wait()
    rows = running.rows()
    assert sorted(json.loads(r.payload)["email"] for r in rows) == sorted(f"k{i}@example.com" for i in range(100))
    assert all(r.status == 200 and r.outcome == "answered" and r.source == "capture" for r in rows)
    assert not list(running.home.glob("capture-*.journal"))  # recovered, then removed
    assert all(key.encode() not in r.request_body for r in rows)


def test_sigterm_stops_cleanly(capture):
    running = capture()
    status, out = running.stop(signal.SIGTERM)
    assert status == 0 and "Capture stopped: 0 request(s)" in out
    assert os.path.exists(running.home / "history.sqlite3")


def test_the_window_default_port_is_captures():
    from console.engine.capture import DEFAULT_PORT
    from console.ui.capture import panel

    assert panel.DEFAULT_PORT == DEFAULT_PORT == 8766


def test_a_bad_payload_of_every_operation_is_recorded_with_its_errors(capture, sender):
    running = capture()
    sent = []
    for vendor, operation in ALL_OPERATIONS:
        example = vendors()[vendor].operations[operation].example
        bad = [{"type": "login"}] if (vendor, operation) == ("vibetrace", "track") else (
            [{}] if isinstance(example, list) else {})
        prepared, outcome = send_through(sender, running.url, vendor, operation, bad, force=True)
        assert prepared.errors, (vendor, operation)
        assert outcome.exchange.response is not None, (vendor, operation, outcome.exchange.error)
        sent.append((vendor, operation))
    rows = [r for r in running.rows(last=f"→ {sent[-1][0]}/{sent[-1][1]} ") if (r.vendor, r.operation) != ("synerise", "login")]
    assert sorted((r.vendor, r.operation) for r in rows) == sorted(sent)
    for row in rows:
        assert any(i["severity"] == "error" for i in row.issues), (row.vendor, row.operation, row.issues)
        assert row.status is not None and row.source == "capture"


def test_an_idle_connection_is_closed(tmp_path):
    import socket

    from console.engine.capture import CaptureServer

    ctx = AppContext(home=tmp_path / "home", secrets=SecretStore(MemoryKeyring()))
    server = CaptureServer(ctx, port=0, idle_timeout=0.5)
    server.start()
    try:
        host, port = server.url.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)), timeout=5)
        start = time.monotonic()
        assert client.recv(1) == b""  # the server hung up on a client that said nothing
        assert time.monotonic() - start < 4
        client.close()
    finally:
        server.stop()
        ctx.close()


def test_a_known_endpoint_with_an_unreadable_body_is_recorded_as_that_operation(capture):
    running = capture()
    answer = requests.post(f"{running.url}/octeth/api/v1/event", data=b"not json at all", timeout=10)
    assert answer.status_code >= 400
    (row,) = running.rows(1)
    assert (row.vendor, row.operation) == ("octeth", "event")
    assert "cannot be read as octeth/event" in row.issues[0]["message"]
