"""Small real HTTP servers on 127.0.0.1 for tests: one that records requests and answers as
told, including the bad ways (slow, reset, non-JSON, huge)."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str  # path with query, exactly as received
    headers: dict[str, str]
    body: bytes
    header_list: list[tuple[str, str]] = field(default_factory=list)  # repeated names kept


@dataclass
class Reply:
    status: int = 200
    body: bytes = b'{"ok": true}'
    content_type: str = "application/json"
    delay: float = 0.0
    reset: bool = False  # close the socket without answering
    stream_bytes: int = 0  # send this many bytes of filler as the body instead
    echo: bool = False  # answer with the request itself (path, headers, body) as JSON
    drip: float = 0.0  # send the body one byte at a time, this many seconds apart
    headers: dict[str, str] = field(default_factory=dict)  # more headers of the answer


@dataclass
class RecordingServer:
    reply: Reply = field(default_factory=Reply)
    requests: list[Recorded] = field(default_factory=list)
    # Replies by path prefix (the longest matching prefix wins); `reply` for every other path.
    routes: dict[str, Reply] = field(default_factory=dict)
    # Replies for the next requests, in order, before `routes` and `reply` are asked.
    queue: list[Reply] = field(default_factory=list)

    def reply_for(self, path: str) -> Reply:
        if self.queue:
            return self.queue.pop(0)
        matches = [prefix for prefix in self.routes if path.startswith(prefix)]
        return self.routes[max(matches, key=len)] if matches else self.reply

    def __post_init__(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Buffer the answer so headers and body leave in one write (no Nagle/delayed-ACK stall).
            wbufsize = -1

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body_in = self.rfile.read(length) if length else b""
                outer.requests.append(Recorded(self.command, self.path, dict(self.headers), body_in,
                                               list(self.headers.items())))
                reply = outer.reply_for(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    self.close_connection = True
                    return
                body = reply.body
                if reply.echo:
                    body = json.dumps({"path": self.path, "headers": dict(self.headers),
                                       "body": body_text(body_in)}).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("X-Echo-Path", self.path if reply.echo else "")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                size = reply.stream_bytes or len(body)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                try:
                    if reply.drip:
                        self.wfile.flush()
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    elif reply.stream_bytes:
                        chunk = b"x" * 65536
                        left = reply.stream_bytes
                        while left > 0:
                            self.wfile.write(chunk[:left])
                            left -= len(chunk)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = handle_one

            def do_HEAD(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append(Recorded(self.command, self.path, dict(self.headers),
                                               self.rfile.read(length) if length else b"",
                                               list(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def __getattr__(self, name):
                if name.startswith("do_"):  # any other method (curl -X post, -X PURGE): record it
                    return self.handle_one
                raise AttributeError(name)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A client that hangs up early (the transport stops reading past its cap) is expected.
        self._server.handle_error = lambda request, address: None
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def body_text(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def refused_url() -> str:
    """A loopback URL where nothing listens."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
