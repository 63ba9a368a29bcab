"""Capture and the sandbox serve programs on this computer, not web pages: a request with a
browser's cross-site marks, or a Host that is not this computer (DNS rebinding), is refused
with 403 and not recorded. Tested with the headers browsers send, and with headless Chromium
(Debian's) loading a page of another site that posts to capture every way a page can."""

import shutil
import socket
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from console.core.hosts import allowed_host, browser_refusal, is_loopback
from console.core.secrets import SecretStore
from console.engine.capture import CaptureServer
from console.engine.context import AppContext
from console.sandbox.server import SandboxServer
from tests.memory_keyring import MemoryKeyring

EVENT = {"ListID": 1, "event": "signup", "email": "a@example.com", "APIKey": "k-123456"}


def test_loopback_is_answered_once():
    for host in ("localhost", "api.localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]", "LOCALHOST."):
        assert is_loopback(host), host
    for host in ("127.example.com", "localhost.example.com", "10.0.0.1", "example.com", "", "0.0.0.0"):
        assert not is_loopback(host), host
    assert allowed_host("192.168.1.5", "0.0.0.0") and not allowed_host("evil.test", "0.0.0.0")
    assert allowed_host("capture.lan", "capture.lan") and not allowed_host("10.0.0.2", "10.0.0.1")


BROWSER_MARKS = [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
    {"Host": "evil.example:8766"},
    {"Host": "127.0.0.1.nip.io"},
    {"Host": "[::1"},
]


@pytest.mark.parametrize("marks", BROWSER_MARKS, ids=[next(iter(m.values())) for m in BROWSER_MARKS])
def test_capture_refuses_a_browsers_cross_site_request_and_records_nothing(capture, marks):
    running = capture()
    answer = requests.post(f"{running.url}/octeth/api/v1/event", json=EVENT, headers=marks, timeout=10)
    assert answer.status_code == 403 and answer.json()["error"].startswith("Refused")
    ok = requests.post(f"{running.url}/octeth/api/v1/event", json=EVENT, timeout=10,
                       headers={"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"})
    assert ok.status_code == 200  # a page of the user's own on this computer is no other site
    assert len(running.rows(1)) == 1
    _, out = running.stop()
    assert "403 refused" in out and "1 request(s) from web pages" in out


def test_the_sandbox_refuses_them_too():
    sandbox = SandboxServer()
    sandbox.start()
    try:
        url = f"{sandbox.url}/octeth/api/v1/event"
        for marks in BROWSER_MARKS:
            assert requests.post(url, json=EVENT, headers=marks, timeout=10).status_code == 403, marks
        assert sandbox.refused == len(BROWSER_MARKS)
    finally:
        sandbox.stop()


def test_a_host_beyond_this_computer_is_warned_about(tmp_path):
    from tests.test_send_accounting import run

    done = run(tmp_path, "capture", "--host", "256.1.1.1", "--port", "0", timeout=30)
    assert done.returncode == 2 and "cannot listen on 256.1.1.1" in done.stderr  # and no traceback
    assert "Traceback" not in done.stderr


def test_the_refusal_reasons_are_plain():
    assert "DNS rebinding" in browser_refusal({"host": "evil.test"}, "127.0.0.1")
    assert "Sec-Fetch-Site" in browser_refusal({"host": "localhost", "sec-fetch-site": "cross-site"}, "127.0.0.1")
    assert browser_refusal({"host": "localhost:1", "origin": "http://127.0.0.1:5"}, "127.0.0.1") is None
    assert browser_refusal({}, "127.0.0.1") is None  # HTTP/1.0 without Host: no browser sends that


# -- a real browser ---------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

PAGE = """<!doctype html><html><body>
<form id="f" method="POST" action="{capture}/octeth/api/v1/event" enctype="text/plain">
<input name='{{"ListID":1,"event":"signup","email":"form@example.com","APIKey":"k-123456","x":"' value='"}}'>
</form>
<img src="{capture}/vibetrace/event/1/login?data=%5B%7B%22type%22%3A%22login%22%2C%22email%22%3A%22i%40example.com%22%7D%5D">
<script src="{capture}/vibetrace/event/1/login?data=%5B%5D&callback=vt"></script>
<script>
const body = JSON.stringify({{ListID: 1, event: "signup", email: "js@example.com", APIKey: "k-123456"}});
const go = async () => {{
  const url = "{capture}/octeth/api/v1/event";
  try {{ await fetch(url, {{method: "POST", mode: "no-cors", body}}); }} catch (e) {{}}
  try {{ await fetch(url, {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body}}); }} catch (e) {{}}
  try {{ await fetch(url, {{method: "POST", body, headers: {{"Content-Type": "application/json"}}}}); }} catch (e) {{}}
  navigator.sendBeacon(url, body);
  navigator.sendBeacon("{capture}/mytracker/v1/customEvent/?idApp=1", new Blob([body], {{type: "text/plain"}}));
  try {{ await fetch("{rebound}/octeth/api/v1/event", {{method: "POST", mode: "no-cors", body}}); }} catch (e) {{}}
  const x = new XMLHttpRequest(); x.open("POST", url); x.send(body);
  setTimeout(() => document.getElementById("f").submit(), 300);
}};
go();
</script></body></html>"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/test installs it)")
def test_a_page_in_headless_chromium_cannot_plant_records(tmp_path):
    ctx = AppContext(home=tmp_path / "home", secrets=SecretStore(MemoryKeyring()))
    lines: list[str] = []
    server = CaptureServer(ctx, port=0, log=lines.append)
    server.start()
    port = server.url.rsplit(":", 1)[1]
    page = PAGE.format(capture=server.url, rebound=f"http://rebind.test:{port}").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", _free_port()), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    profile = tempfile.mkdtemp()
    try:
        # evil.test and rebind.test are resolved to this computer inside Chromium only: the page
        # is of another site, and rebind.test is a name made to point at 127.0.0.1.
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--host-resolver-rules=MAP evil.test 127.0.0.1, "
                        "MAP rebind.test 127.0.0.1", "--virtual-time-budget=5000", "--dump-dom",
                        f"http://evil.test:{site.server_address[1]}/"],
                       capture_output=True, timeout=90)
        deadline = __import__("time").monotonic() + 5
        while server.refused < 9 and __import__("time").monotonic() < deadline:
            __import__("time").sleep(0.05)
    finally:
        site.shutdown()
        server.stop()
        shutil.rmtree(profile, ignore_errors=True)
    assert server.refused >= 9, lines  # every request the page made
    recorded = [(e.method, e.url) for e in ctx.history.recent(10)]
    assert server.capture.count == 0 and recorded == [], (recorded, lines)
    assert all("403 refused" in line for line in lines), lines
    ctx.close()
