"""The one HTTP transport: every request of the app goes through `Transport.send`.

It never raises on network faults: refused connections, DNS and TLS failures, timeouts and
resets come back as an Exchange with `error` set. Only this module imports requests (lazily).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from console.core.exchange import Exchange, RequestSpec, Response
from console.core.hosts import is_loopback

DEFAULT_BODY_CAP = 5 * 1024 * 1024
CHUNK = 256 * 1024


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def classify(exc: BaseException, spec: RequestSpec, connect: float, read: float) -> tuple[str, str]:
    """(error kind, plain sentence) for a requests exception."""
    import requests

    host = _host(spec.url)
    text = mask_userinfo_in_text(str(exc))
    low = text.lower()
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "timeout", f"Timed out after {connect:g} s while connecting to {host}."
    if isinstance(exc, requests.exceptions.ReadTimeout) or "read timed out" in low:
        return "timeout", f"No answer from {host} within {read:g} s."
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls", f"Secure connection to {host} failed (TLS): {text[:300]}"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema, requests.exceptions.InvalidHeader)):
        return "invalid", f"The request cannot be sent as built: {text[:300]}"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "reset", f"The connection to {host} broke while the answer was arriving."
    if isinstance(exc, requests.exceptions.ConnectionError):
        if any(s in low for s in ("name or service not known", "nodename nor servname", "getaddrinfo",
                                  "nameresolution", "failed to resolve", "no address associated",
                                  "temporary failure in name resolution")):
            return "dns", f"The host name {host} could not be found (DNS)."
        if "refused" in low:
            return "refused", f"{host} refused the connection: nothing is listening there."
        if any(s in low for s in ("reset", "aborted", "remotedisconnected", "broken pipe",
                                  "connection closed", "without response")):
            return "reset", f"{host} closed the connection without a complete answer."
        return "other", f"Could not reach {host}: {text[:300]}"
    return "other", f"The request failed: {text[:300]}"


class Transport:
    """Sends RequestSpecs over one shared requests.Session.

    Timeouts are (connect, read) seconds, and a deadline bounds the whole answer (a server
    that drips bytes cannot hold a send longer); response bodies are kept up to `body_cap`
    bytes and marked truncated beyond it (reading stops there; the full size comes from
    Content-Length).

    The environment is not trusted for credentials: ~/.netrc is never read (it would add an
    Authorization header nobody asked for). Proxies from the environment (HTTP_PROXY, …,
    NO_PROXY) and a CA bundle (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) are still honoured, except
    that loopback addresses (the embedded sandbox) are never sent through a proxy.
    """

    def __init__(self, connect_timeout: float, read_timeout: float, body_cap: int = DEFAULT_BODY_CAP):
        import requests

        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.body_cap = body_cap
        self._session = requests.Session()
        self._session.trust_env = False

    def send(self, spec: RequestSpec, timeout: tuple[float, float] | None = None,
             deadline: float | None = None) -> Exchange:
        """Sends `spec`; never raises for network faults. `deadline` is the most seconds the
        whole exchange may take (default: connect + read timeout)."""
        import requests

        connect, read = timeout or (self.connect_timeout, self.read_timeout)
        deadline = deadline if deadline is not None else connect + read
        started_at = _now_iso()
        start = time.perf_counter()
        request = requests.Request(spec.method, spec.url, headers=spec.headers,
                                   data=spec.body if spec.body else None)
        try:
            prepared = self._session.prepare_request(request)
        except Exception as exc:  # malformed URL or header: an answerless exchange, not a crash
            kind, message = classify(exc, spec, connect, read)
            return Exchange(spec, None, message, kind, 0.0, started_at)
        url = prepared.url or spec.url
        sent = spec.as_sent(url, dict(prepared.headers), _normalise_url)
        timer = None
        expired = threading.Event()
        try:
            answer = self._session.send(prepared, timeout=(connect, read), stream=True,
                                        allow_redirects=False, proxies=_proxies(url),
                                        verify=_ca_bundle())
            try:
                remaining = deadline - (time.perf_counter() - start)
                sock = _socket_of(answer)
                if remaining <= 0:
                    expired.set()
                elif sock is not None:
                    timer = threading.Timer(remaining, _cut, (sock, expired))
                    timer.daemon = True
                    timer.start()
                kept = bytearray()
                received = 0
                if not expired.is_set():
                    for chunk in answer.iter_content(CHUNK):
                        received += len(chunk)
                        kept += chunk[: self.body_cap - len(kept)]
                        if received > self.body_cap or expired.is_set():
                            break  # the rest would only be thrown away: stop reading, drop the connection
            finally:
                if timer is not None:
                    timer.cancel()
                answer.close()
            if expired.is_set():
                return self._too_late(sent, spec, deadline, start, started_at)
            # The full size: Content-Length when the server gave it (and the body was cut), else what came.
            declared = answer.headers.get("Content-Length", "")
            size = int(declared) if received > self.body_cap and declared.isdigit() else received
        except Exception as exc:  # every network fault becomes data
            if expired.is_set():  # the cut at the deadline broke the read
                return self._too_late(sent, spec, deadline, start, started_at)
            kind, message = classify(exc, sent, connect, read)
            return Exchange(sent, None, message, kind, (time.perf_counter() - start) * 1000, started_at)
        elapsed = (time.perf_counter() - start) * 1000
        response = Response(
            status=answer.status_code, reason=answer.reason or "",
            headers=dict(answer.headers), body=bytes(kept), size=max(size, received),
            truncated=received > len(kept),
        )
        return Exchange(sent, response, None, None, elapsed, started_at)

    @staticmethod
    def _too_late(sent: RequestSpec, spec: RequestSpec, deadline: float, start: float, started_at: str) -> Exchange:
        return Exchange(sent, None, f"No complete answer from {_host(spec.url)} within {deadline:g} s "
                        "(the time allowed for the whole answer).", "timeout",
                        (time.perf_counter() - start) * 1000, started_at)

    def close(self) -> None:
        self._session.close()


def _host(url: str) -> str:
    """host[:port] of a URL, without any user:password@."""
    return url.split("//", 1)[-1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]


def mask_userinfo_in_text(text: str) -> str:
    """An exception's text with any URL's user:password@ masked."""
    return re.sub(r"(//)[^/\s@]*@", r"\1***@", text)


def _socket_of(answer: Any) -> socket.socket | None:
    """The socket an answer is read from (to cut it at the deadline), or None."""
    connection = getattr(answer.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        fp = getattr(answer.raw, "_fp", None)
        sock = getattr(getattr(getattr(fp, "fp", None), "raw", None), "_sock", None)
    return sock


def _cut(sock: socket.socket, expired: threading.Event) -> None:
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed: nothing to cut
        pass


def _normalise_url(url: str) -> str:
    """A URL as requests would put it on the wire (for the masked copy of a sent request)."""
    from requests.models import PreparedRequest

    prepared = PreparedRequest()
    try:
        prepared.prepare_url(url, None)
    except Exception:  # the real URL was accepted; keep the masked one as it is
        return url
    return prepared.url or url


def _proxies(url: str) -> dict[str, str]:
    """The environment's proxy for this URL (NO_PROXY honoured); none for loopback."""
    from requests.utils import get_environ_proxies

    host = urlsplit(url).hostname or ""
    if is_loopback(host):
        return {}
    return get_environ_proxies(url)


def _ca_bundle() -> str | bool:
    """A CA bundle named in the environment (as requests would read it), else True."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
