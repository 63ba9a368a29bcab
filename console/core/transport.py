"""The one HTTP transport: every request of the app goes through `Transport.send`.

It never raises on network faults: refused connections, DNS and TLS failures, timeouts and
resets come back as an Exchange with `error` set. Only this module imports requests (lazily).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from console.core.exchange import Exchange, RequestSpec, Response

DEFAULT_BODY_CAP = 5 * 1024 * 1024
CHUNK = 256 * 1024


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def classify(exc: BaseException, spec: RequestSpec, connect: float, read: float) -> tuple[str, str]:
    """(error kind, plain sentence) for a requests exception."""
    import requests

    host = spec.url.split("//", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    text = str(exc)
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

    Timeouts are (connect, read) seconds; response bodies are kept up to `body_cap` bytes and
    marked truncated beyond it (reading stops there; the full size comes from Content-Length).
    """

    def __init__(self, connect_timeout: float, read_timeout: float, body_cap: int = DEFAULT_BODY_CAP):
        import requests

        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.body_cap = body_cap
        self._session = requests.Session()

    def send(self, spec: RequestSpec, timeout: tuple[float, float] | None = None) -> Exchange:
        import requests

        connect, read = timeout or (self.connect_timeout, self.read_timeout)
        started_at = _now_iso()
        start = time.perf_counter()
        request = requests.Request(spec.method, spec.url, headers=spec.headers,
                                   data=spec.body if spec.body else None)
        try:
            prepared = self._session.prepare_request(request)
        except Exception as exc:  # malformed URL or header: an answerless exchange, not a crash
            kind, message = classify(exc, spec, connect, read)
            return Exchange(spec, None, message, kind, 0.0, started_at)
        sent = RequestSpec(spec.method, prepared.url, dict(prepared.headers), spec.body, spec.secrets)
        try:
            answer = self._session.send(prepared, timeout=(connect, read), stream=True,
                                        allow_redirects=False)
            try:
                kept = bytearray()
                read = 0
                for chunk in answer.iter_content(CHUNK):
                    read += len(chunk)
                    kept += chunk[: self.body_cap - len(kept)]
                    if read > self.body_cap:
                        break  # the rest would only be thrown away: stop reading, drop the connection
            finally:
                answer.close()
            # The full size: Content-Length when the server gave it (and the body was cut), else what came.
            declared = answer.headers.get("Content-Length", "")
            size = int(declared) if read > self.body_cap and declared.isdigit() else read
        except Exception as exc:  # every network fault becomes data
            kind, message = classify(exc, sent, connect, read)
            elapsed = (time.perf_counter() - start) * 1000
            return Exchange(sent, None, message, kind, elapsed, started_at)
        elapsed = (time.perf_counter() - start) * 1000
        response = Response(
            status=answer.status_code, reason=answer.reason or "",
            headers=dict(answer.headers), body=bytes(kept), size=max(size, read),
            truncated=read > len(kept),
        )
        return Exchange(sent, response, None, None, elapsed, started_at)

    def close(self) -> None:
        self._session.close()
