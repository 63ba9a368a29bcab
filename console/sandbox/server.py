"""The sandbox's HTTP side: one server on 127.0.0.1, each vendor under its own prefix
(`/vibetrace`, `/mytracker`, `/octeth`, `/synerise`). Runs in a thread for the `sandbox`
profile, or in the foreground with `event-console sandbox`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from console import __version__
from console.core.hosts import browser_refusal
from console.core.redact import printable
from console.sandbox.emulators import EMULATORS, Answer, Incoming, SandboxState, parse_query

if TYPE_CHECKING:
    import socket

MAX_BODY = 32 * 1024 * 1024
IDLE_TIMEOUT = 15.0
# Connections waiting to be accepted: room for 200 clients arriving at once.
BACKLOG = 256


class SandboxHandler(BaseHTTPRequestHandler):
    """Reads a request (bounded) and answers it with the vendor's emulator; capture
    (console.engine.capture) reuses its reading and writing."""

    server_version = f"event-console-sandbox/{__version__}"
    protocol_version = "HTTP/1.1"
    # A connection that says nothing for this long is closed (its thread is freed).
    timeout = IDLE_TIMEOUT
    # Buffer the answer so headers and body leave in one write (no Nagle/delayed-ACK stall).
    wbufsize = -1
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # the sandbox is quiet unless asked
        if self.server.log is not None:
            self.server.log(f"{self.command} {self.path} → " + (str(args[1]) if len(args) > 1 else ""))

    def _read_body(self) -> bytes:
        """The request body, chunked or not, refused (ValueError) past MAX_BODY either way."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailer fields
                    return b"".join(chunks)
                total += size
                if size < 0 or total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY or length < 0:
            raise ValueError("body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _body_or_refuse(self) -> bytes | None:
        """The request's body; None when it was refused (413 sent, connection to close)."""
        try:
            return self._read_body()
        except (ValueError, OSError):
            self._send(Answer.json(413, {"error": "Request body too large or malformed"}))
            self.close_connection = True
            return None

    def _handle(self) -> None:
        body = self._body_or_refuse()
        if body is None:
            return
        parts = urlsplit(self.path)
        segments = parts.path.split("/", 2)
        vendor = segments[1] if len(segments) > 1 else ""
        emulator = EMULATORS.get(vendor)
        if emulator is None:
            self._send(Answer.json(404, {"error": "Unknown sandbox path", "vendors": [
                f"/{name}" for name in EMULATORS]}))
            return
        incoming = Incoming(
            method=self.command, path="/" + (segments[2] if len(segments) > 2 else ""),
            query=parse_query(parts.query),
            headers={k.lower(): v for k, v in self.headers.items()}, body=body,
        )
        if self.server.delay:
            time.sleep(self.server.delay)
        try:
            answer = emulator(incoming, self.server.state)
        except Exception as exc:  # a sandbox bug must look like the vendor's 500, not a dead socket
            answer = Answer.json(500, {"error": "Internal Server Error", "detail": type(exc).__name__})
        self._send(answer)

    def _send(self, answer: Answer, retry_after: int | None = None) -> None:
        self.send_response(answer.status)
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        if answer.body or answer.status != 202:
            self.send_header("Content-Type", answer.content_type + "; charset=utf-8")
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.body and self.command != "HEAD":
            self.wfile.write(answer.body)

    def _dispatch(self) -> None:
        refusal = browser_refusal({k.lower(): v for k, v in self.headers.items()}, str(self.server.listening))
        if refusal is not None:
            self._refuse(refusal)
            return
        self._handle()  # looked up on the instance: a subclass (capture) answers its own way

    def _refuse(self, why: str) -> None:
        """A web page's request (or a rebinding's): 403, the body left unread, the connection
        closed, nothing recorded; one line to the log."""
        self.server.refused += 1
        self.close_connection = True
        self._send(Answer.json(403, {"error": "Refused: this server serves programs on this computer, "
                                              "not web pages", "detail": why}))
        if self.server.log is not None:
            self.server.log(printable(f"{self.command} {self.path} → 403 refused: {why}"))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch


class SandboxHTTPServer(ThreadingHTTPServer):
    """A thread per connection, room for 200 clients arriving at once, idle ones closed."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], state: SandboxState, log: Callable[[str], None] | None,
                 idle_timeout: float = IDLE_TIMEOUT, handler: type = SandboxHandler, sock: socket.socket | None = None):
        handler = type(handler.__name__, (handler,), {"timeout": idle_timeout})
        if sock is None:
            super().__init__(address, handler)
        else:  # a socket already listening (its port was handed out before the server started)
            super().__init__(sock.getsockname()[:2], handler, bind_and_activate=False)
            self.socket.close()
            self.socket = sock
            self.server_address = sock.getsockname()
        self.state = state
        self.log = log
        self.delay = 0.0
        self.listening = address[0] if sock is None else self.server_address[0]  # the --host given
        self.refused = 0  # requests refused as a web page's

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up or sends garbage is the client's problem: note it, go on.
        if self.log is not None:
            import sys

            self.log(printable(f"connection from {client_address[0]} dropped: {sys.exc_info()[1]!r}"))


class RunningServer:
    """An HTTP server on `_server`, run in a thread (`start`) or in the foreground
    (`serve_forever`); the sandbox and capture both are one."""

    thread_name = "server"
    _server: SandboxHTTPServer
    _thread: threading.Thread | None = None
    _foreground = False  # serve_forever runs in the caller's thread

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}"

    @property
    def refused(self) -> int:
        """How many requests were refused as a web page's (console.core.hosts.browser_refusal)."""
        return self._server.refused

    def base_urls(self) -> dict[str, str]:
        return {name: f"{self.url}/{name}" for name in EMULATORS}

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=self.thread_name,
                                        daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        try:
            self._foreground = True  # in here: an interrupt before the loop still resets it
            self._server.serve_forever()
        finally:
            self._foreground = False

    def stop(self) -> None:
        # shutdown() waits for the serving loop to end: only when one runs (Ctrl+C can come
        # before it started, and one that Ctrl+C ended has ended already).
        if self._thread is not None or self._foreground:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class SandboxServer(RunningServer):
    """The sandbox on 127.0.0.1 (port 0: a free one). `delay` makes every answer wait, for
    trying out timeouts and cancelling."""

    thread_name = "sandbox"

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 log: Callable[[str], None] | None = None, idle_timeout: float = IDLE_TIMEOUT,
                 sock: socket.socket | None = None):
        self.state = SandboxState()
        self._server = SandboxHTTPServer((host, port), self.state, log, idle_timeout, sock=sock)

    @property
    def delay(self) -> float:
        return self._server.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._server.delay = seconds
