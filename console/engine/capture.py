"""Capture: the console as the endpoint a backend sends its events to.

It serves the five APIs under `/<vendor>` followed by the vendor's own path (the sandbox's
layout). Each request is recognised (vendor and operation from method and path, as a pasted
cURL command is: console.core.curl.map_request), validated with the same rules as a send
(history-based ones included: captured requests count for each other), recorded in history
with source `capture` *before* it is answered, and answered as the sandbox answers, or, when
forwarding, passed on unchanged to a profile's base URL and answered with the vendor's answer.
A request for no known operation gets 404 with the known paths, and is recorded too.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from console.core.curl import CurlError, CurlRequest, UnknownEndpoint, map_request
from console.core.definitions import vendors
from console.core.exchange import CREDENTIAL_HEADERS, Exchange, RequestSpec
from console.core.history import Record
from console.core.secrets import MASK, mask_bytes, mask_text, mask_userinfo
from console.core.validation import Issue
from console.engine.context import AppContext
from console.engine.pipeline import Draft, answer_fields, prepare, resolve_settings
from console.sandbox.emulators import EMULATORS, Answer, Incoming, SandboxState, parse_query
from console.sandbox.server import IDLE_TIMEOUT, RunningServer, SandboxHandler, SandboxHTTPServer
from console.vendors import RULES

DEFAULT_PORT = 8766
PROFILE = "capture"  # the profile name captured exchanges are recorded under (when not forwarding)
# Headers that belong to one connection, not to the request or answer passed on.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
                        "upgrade", "host", "content-length", "content-encoding"})
# Field names in an unrecognised request's JSON body whose values are masked before recording.
SECRET_NAME = re.compile(r"key|token|secret|passw|jwt|auth", re.IGNORECASE)


class Captured(NamedTuple):
    """One captured request's outcome, for the command line's line and the window's list."""

    history_id: int | None
    method: str
    path: str
    vendor: str
    operation: str
    status: int
    issues: int
    errors: int


def known_paths() -> list[str]:
    """Every operation as `METHOD /<vendor><path template>`, for the 404's body and the start."""
    return [f"{op.request.method} /{vendor.name}{op.request.path}"
            for vendor in vendors().values() for op in vendor.operations.values()]


def login_paths() -> dict[str, tuple[str, str]]:
    """Token-exchange (login) endpoints by vendor: answered too, as part of a vendor's flow."""
    found = {}
    for vendor in vendors().values():
        for op in vendor.operations.values():
            exchange = op.request.token_exchange
            if exchange is not None:
                found[vendor.name] = (exchange.method, exchange.path)
    return found


class Capture:
    """What a captured request becomes: checked, recorded, answered. Thread-safe (one call
    per connection thread); `forward` is a profile name or None (answer as the sandbox)."""

    def __init__(self, ctx: AppContext, forward: str | None = None,
                 on_request: Callable[[Captured], None] | None = None):
        self.ctx = ctx
        self.forward = forward
        self.on_request = on_request
        self.state = SandboxState()
        self.logins = login_paths()
        self.count = 0
        self._lock = threading.Lock()

    def forward_base(self, vendor: str, operation: str | None = None) -> str:
        """The base URL a request of `vendor` is forwarded to (the profile's, or the default)."""
        definition = vendors()[vendor]
        op = definition.operations[operation] if operation else next(iter(definition.operations.values()))
        return resolve_settings(self.ctx, definition, op, Draft(vendor, op.name, self.forward or PROFILE)).get(
            "base_url", "").rstrip("/")

    def handle(self, method: str, target: str, host: str, headers: list[tuple[str, str]],
               body: bytes) -> tuple[Answer | Exchange, Captured]:
        """Checks, records and answers one request (`target` is the path and query as sent)."""
        parts = urlsplit(target)
        segments = parts.path.split("/", 2)
        vendor = segments[1] if len(segments) > 1 else ""
        rest = "/" + (segments[2] if len(segments) > 2 else "")
        url = f"http://{host}{target}"
        lowered = {k.lower(): v for k, v in headers}
        if vendor in self.logins and (method, rest) == self.logins[vendor]:
            return self._answer(vendor, "login", method, url, rest, parts.query, lowered, headers, body, (), None)
        if vendor not in EMULATORS:
            return self._unknown(method, url, headers, body)
        try:
            mapped = map_request(CurlRequest(method, url, headers, body), only_vendor=vendor)
        except UnknownEndpoint:
            return self._unknown(method, url, headers, body)
        except CurlError as exc:  # the operation is known, its request is not readable
            issue = Issue("error", "", f"The request cannot be read as {vendor}/{exc.operation}: {exc}")
            return self._answer(vendor, exc.operation, method, url, rest, parts.query, lowered, headers, body,
                                (issue,), None)
        return self._answer(vendor, mapped.operation, method, url, rest, parts.query, lowered, headers, body,
                            None, mapped)

    def _check(self, mapped) -> tuple[tuple[Issue, ...], Any, str, list[str], tuple[str, ...]]:
        """(issues, payload as checked, scope, history keys, secret values) of a mapped request."""
        draft = Draft(mapped.vendor, mapped.operation, PROFILE, mapped.payload,
                      {**mapped.settings, **mapped.secrets}, mapped.settings.get("base_url"))
        prepared = prepare(self.ctx, draft)
        issues = [i for i in prepared.issues if i not in prepared.missing]
        for missing in prepared.missing:
            names = " or ".join(prepared.op.credentials)
            issues.insert(0, Issue("error", missing.path, f"The request carries no {names}: "
                                                          f"{prepared.vendor.title} refuses it."))
        keys = RULES[mapped.vendor].history_keys(prepared.op, prepared.payload)
        return tuple(issues), prepared.payload, prepared.scope, keys, tuple(v for v in mapped.secrets.values() if v)

    def _answer(self, vendor, operation, method, url, rest, query, lowered, headers, body, issues, mapped):
        payload, scope, keys, secrets, credential = None, "", [], (), None
        if mapped is not None:
            issues, payload, scope, keys, secrets = self._check(mapped)
            credential = next(iter(mapped.secrets), None)
        if operation == "login":
            # The login body carries the API key: it is kept whole nowhere.
            secrets = tuple(_json_secrets(body))
        issues = tuple(issues or ())
        record = self._record(vendor, operation, method, url, headers, body, payload, secrets, issues,
                              scope, keys, credential)
        if self.forward:
            # Recorded before it goes on (a vendor that never answers leaves a row), completed after.
            history_id = self.ctx.history.record(record)
            exchange = self._forward(vendor, operation, method, rest, query, headers, body)
            answer: Answer | Exchange = exchange
            masked = exchange.masked(secrets)
            response = masked.response
            self.ctx.history.complete(history_id, replace(
                record, **answer_fields(masked), outcome="answered" if response is not None else "no-answer"))
            status = response.status if response is not None else 502
        else:
            # The sandbox's answer is made in memory; the exchange is written once, whole, before
            # the answer leaves (one write instead of two: capture's latency is mostly the disk).
            incoming = Incoming(method=method, path=rest, query=parse_query(query), headers=lowered, body=body)
            try:
                answer = EMULATORS[vendor](incoming, self.state)
            except Exception as exc:  # the sandbox's own fault is its 500, never a dropped request
                answer = Answer.json(500, {"error": "Internal Server Error", "detail": type(exc).__name__})
            history_id = self.ctx.history.record(replace(record,
                status=answer.status, reason=_reason(answer.status),
                response_headers={"Content-Type": answer.content_type + "; charset=utf-8"},
                response_body=mask_bytes(answer.body, secrets), response_size=len(answer.body),
                response_truncated=False, error=None, error_kind=None, elapsed_ms=0.0, outcome="answered"))
            status = answer.status
        return answer, self._captured(history_id, method, url, vendor, operation, status, issues)

    def _forward(self, vendor, operation, method, rest, query, headers, body) -> Exchange:
        base = self.forward_base(vendor, operation if operation in vendors()[vendor].operations else None)
        target = base + rest + (f"?{query}" if query else "")
        kept = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}
        secrets = tuple(v for k, v in headers if k.lower() in CREDENTIAL_HEADERS)
        return self.ctx.transport.send(RequestSpec(method, target, kept, body, secrets))

    def _unknown(self, method, url, headers, body) -> tuple[Answer, Captured]:
        answer = Answer.json(404, {"error": "No known operation at this path",
                                   "known": known_paths() + [f"{m} /{v}{p}" for v, (m, p) in self.logins.items()]})
        secrets = tuple(_json_secrets(body))
        issues = (Issue("error", "", f"{method} {urlsplit(url).path} is no operation of the five APIs (see the "
                                     "answer for the known paths)."),)
        record = self._record("other", "unknown", method, url, headers, body, None, secrets, issues, "", [], None)
        record = replace(record, status=404, reason="Not Found",
                                         response_headers={"Content-Type": "application/json; charset=utf-8"},
                                         response_body=answer.body, response_size=len(answer.body),
                                         response_truncated=False, error=None, error_kind=None, elapsed_ms=0.0,
                                         outcome="answered")
        history_id = self.ctx.history.record(record)
        return answer, self._captured(history_id, method, url, "other", "unknown", 404, issues)

    def _record(self, vendor, operation, method, url, headers, body, payload, secrets, issues, scope, keys,
                credential) -> Record:
        masked_headers = {k: (MASK if k.lower() in CREDENTIAL_HEADERS or SECRET_NAME.search(k) else
                              mask_text(v, secrets)) for k, v in headers}
        payload_text = None if payload is None else mask_text(json.dumps(payload, ensure_ascii=False), secrets)
        return Record(
            time=self.ctx.clock().isoformat(timespec="milliseconds"), vendor=vendor, operation=operation,
            profile=self.forward or PROFILE, method=method, url=mask_text(mask_userinfo(url), secrets),
            request_headers=masked_headers, request_body=mask_bytes(body, secrets), payload=payload_text,
            settings={}, credential=credential, status=None, reason=None, response_headers=None,
            response_body=None, response_size=None, response_truncated=False,
            error="Captured: not answered yet.", error_kind="sending", elapsed_ms=None,
            issues=[i.to_json() for i in issues], forced=False, outcome="sending", keys=keys, scope=scope,
            source="capture")

    def _captured(self, history_id, method, url, vendor, operation, status, issues) -> Captured:
        with self._lock:
            self.count += 1
        captured = Captured(history_id, method, urlsplit(url).path, vendor, operation, status, len(issues),
                            sum(1 for i in issues if i.is_error))
        if self.on_request is not None:
            self.on_request(captured)
        return captured


def _json_secrets(body: bytes) -> list[str]:
    """Values of fields named like keys, tokens or passwords in a JSON body (to mask them)."""
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return []
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and value and SECRET_NAME.search(str(key)):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _CaptureHandler(SandboxHandler):
    server_version = "event-console-capture"

    def _handle(self) -> None:
        capture: Capture = self.server.capture
        body = self._body_or_refuse()
        if body is None:
            return
        try:
            answer, captured = capture.handle(self.command, self.path, self.headers.get("Host", ""),
                                              list(self.headers.items()), body)
        except Exception as exc:  # noqa: BLE001 - a bug answers 500 and the server goes on
            self._send(Answer.json(500, {"error": "Capture failed", "detail": f"{type(exc).__name__}: {exc}"}))
            if self.server.log is not None:
                self.server.log(f"{self.command} {self.path} → capture failed: {type(exc).__name__}: {exc}")
            return
        if isinstance(answer, Exchange):
            self._relay(answer)
        else:
            self._send(answer)
        if self.server.log is not None:
            self.server.log(describe(captured))

    def _relay(self, exchange: Exchange) -> None:
        response = exchange.response
        if response is None:
            self._send(Answer.json(502, {"error": "The vendor did not answer", "detail": exchange.error}))
            return
        self.send_response(response.status, response.reason)
        for name, value in response.headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format, *args):  # one line per request comes from _handle
        pass


def describe(captured: Captured) -> str:
    """The command line's line for one captured request."""
    issues = "no issues" if not captured.issues else (
        f"{captured.issues} issue{'s' if captured.issues != 1 else ''}"
        + (f" ({captured.errors} error{'s' if captured.errors != 1 else ''})" if captured.errors else ""))
    number = f"#{captured.history_id} " if captured.history_id else ""
    return (f"{number}{captured.method} {captured.path} → {captured.vendor}/{captured.operation} "
            f"{captured.status}, {issues}")


class CaptureServer(RunningServer):
    """Capture on HOST:PORT (port 0: a free one), in a thread (`start`) or the foreground."""

    thread_name = "capture"

    def __init__(self, ctx: AppContext, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 forward: str | None = None, log: Callable[[str], None] | None = None,
                 on_request: Callable[[Captured], None] | None = None, idle_timeout: float = IDLE_TIMEOUT):
        self.capture = Capture(ctx, forward, on_request)
        self._server = SandboxHTTPServer((host, port), self.capture.state, log, idle_timeout, _CaptureHandler)
        self._server.capture = self.capture
