"""Exports that replay: every exported request (HAR, JSON, cURL), sent again with real curl
to a recording server, arrives whole and in time: a Content-Length that masking made wrong
(a key of 24 characters became ***) would leave the server waiting for bytes that never come."""

import json
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import pytest

from console.core.definitions import vendors
from console.core.history.export import to_curl_commands, to_har, to_json_export
from console.engine import pipeline
from tests.servers import RecordingServer

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
ALL = [(v, o) for v, d in vendors().items() for o in d.operations]


@pytest.fixture
def rows(make_ctx):
    """One exchange of every operation, sent to the sandbox with its keys (masked in history)."""
    ctx = make_ctx()
    ids = [pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft(v, o))).history_id for v, o in ALL]
    return ctx.history.get_many(ids)


def moved(url: str, to: str) -> str:
    parts = urlsplit(url)
    return to + url[len(f"{parts.scheme}://{parts.netloc}"):]


def replay(target: RecordingServer, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> float:
    args = ["curl", "-s", "-o", "/dev/null", "--max-time", "4", "-X", method, moved(url, target.url)]
    for name, value in headers:
        if name.lower() not in ("host",):
            args += ["-H", f"{name}: {value}"]
    if body:
        args += ["--data-binary", "@-"]
    started = time.monotonic()
    done = subprocess.run(args, input=body, capture_output=True, timeout=20)
    assert done.returncode == 0, (url, done.returncode, done.stderr)  # 28: curl gave up waiting
    return time.monotonic() - started


def test_every_har_entry_replays_whole_with_curl(rows):
    target = RecordingServer()
    try:
        for entry in to_har(rows)["log"]["entries"]:
            request = entry["request"]
            body = request.get("postData", {}).get("text", "").encode()
            took = replay(target, request["method"], request["url"],
                          [(h["name"], h["value"]) for h in request["headers"]], body)
            assert target.requests[-1].body == body and took < 3, (request["url"], took)
        assert len(target.requests) == len(ALL)
        assert any(b'"APIKey":"***"' in r.body for r in target.requests)  # a masked key, shorter than the real
    finally:
        target.stop()


def test_every_json_export_entry_replays_whole_with_curl(rows):
    target = RecordingServer()
    try:
        for item in json.loads(to_json_export(rows))["exchanges"]:
            body = (item["request_body"] or {}).get("text", "").encode()
            took = replay(target, item["method"], item["url"], list(item["request_headers"].items()), body)
            assert target.requests[-1].body == body and took < 3
    finally:
        target.stop()


def test_every_curl_export_command_replays_whole(rows):
    target = RecordingServer()
    try:
        for command in to_curl_commands(rows).strip().split("\n\n"):
            lines = command.splitlines()[1:]  # the comment line first
            url = lines[0].split()[3].strip("'")  # curl -X METHOD URL \\
            script = "\n".join(lines).replace(url, moved(url, target.url), 1) + " --max-time 4 -s -o /dev/null"
            before = len(target.requests)
            done = subprocess.run(["bash", "-c", script], capture_output=True, timeout=20)
            assert done.returncode == 0 and len(target.requests) == before + 1, (script, done.stderr)
    finally:
        target.stop()
