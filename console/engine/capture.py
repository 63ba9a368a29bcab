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
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from console.core.credentials import jwt_problem, key_problem
from console.core.curl import CurlError, CurlImport, CurlRequest, UnknownEndpoint, map_request
from console.core.definitions import Operation, Vendor, vendors
from console.core.exchange import Exchange, RequestSpec
from console.core.history.journal import CaptureJournal, JournalUnavailable, Ticket
from console.core.history.records import Record
from console.core.hosts import host_of
from console.core.issue_codes import IssueCode
from console.core.outcomes import Outcome, Source
from console.core.redact import (
    is_secret_header,
    printable,
    redact_body,
    redact_headers,
    redact_json_text,
    redact_text,
    redact_url,
)
from console.core.schema_fast_path import compile_fast_validator
from console.core.validation import ERROR, WARNING, Issue
from console.engine.context import AppContext
from console.engine.pipeline import Draft, answer_fields, prepare, resolve_settings
from console.sandbox.emulators import EMULATORS, Answer, Incoming, SandboxState, parse_query
from console.sandbox.server import IDLE_TIMEOUT, RunningServer, SandboxHandler, SandboxHTTPServer
from console.vendors import RULES

DEFAULT_PORT = 8766
QUEUE_LIMIT = 10_000  # answered requests waiting to be checked and recorded; past it answers wait
MAX_LAG = 2.0  # seconds a request may wait to be checked while others are being answered
# After requests overlapped (many clients at once), the worker waits this long without any
# before checking: a burst is answered first. One client at a time, it checks between requests.
BURST_QUIET = 0.05
BATCH = 200  # requests checked and then recorded in one transaction, at most
# How long checked requests gather before they are written: one transaction for many (a row
# written alone costs about six times a row in a batch).
GATHER = 0.1
NAP, LONGEST_NAP = 0.0005, 0.05  # the worker's naps when it waits (doubling while idle)
BUSY_NAP = 0.002  # its nap while requests are being answered (each wake-up takes the interpreter)
# The worker's pause after each check: long enough for a request's thread that waits for the
# interpreter to take it (a sleep of 0 gives it back before that thread has run).
HAND_OVER = 0.00005
# What capture does with the keys a backend sends: the start banner and the Capture tab say it.
KEYS_NOTE = ("Keys: your backend's real keys are accepted when present and of the right shape (never compared "
             "with the sandbox's dummies), and masked before anything is written or printed. Only --forward lets "
             "the vendor judge them.")
KEYS_NOTE_FORWARD = ("Keys: your backend's own keys go on to the vendor unchanged, which judges them; they are "
                     "masked before anything is written or printed.")
PROFILE = "capture"  # the profile name captured exchanges are recorded under (when not forwarding)
# Headers that belong to one connection, not to the request or answer passed on.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
                        "upgrade", "host", "content-length", "content-encoding"})


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


class _Pending(NamedTuple):
    """An answered request on its way to history: written to the journal, checked and
    recorded by the worker. `mapped` (its real keys included) is only ever in memory."""

    ticket: Ticket
    record: Record
    mapped: Any  # console.core.curl.MappedRequest, or None when there is nothing to check
    issues: tuple[Issue, ...]
    secrets: tuple[str, ...]
    arrived: float  # time.monotonic() when it was answered


class Capture:
    """What a captured request becomes: answered, then checked and recorded. `handle` is
    thread-safe (one call per connection thread) and does only what the answer needs: it
    recognises the request, makes the answer and writes the request to the journal (masked)
    before the answer leaves, so nothing answered is lost. One worker then checks each request
    against the vendor's rules and records it in history, in the order they came (a repeated
    orderId is found against every earlier one). `forward` is a profile name or None (answer
    as the sandbox); `close` waits for the worker to record everything."""

    def __init__(self, ctx: AppContext, forward: str | None = None,
                 on_request: Callable[[Captured], None] | None = None,
                 log: Callable[[str], None] | None = None, listening: str = "127.0.0.1"):
        self.ctx = ctx
        self.forward = forward
        self.on_request = on_request
        self.log = log
        self.listening = listening
        # A backend's real keys: checked for presence and shape, never against the sandbox's dummies.
        self.state = SandboxState(real_keys=True)
        self.logins = login_paths()
        self.count = 0
        self.unrecorded = 0  # requests answered 503 because the journal could not be written
        # After close: journals kept because history could not take their requests, and how many wait.
        self.left_in_journal: dict[Path, int] = {}
        self._failing = False  # a write to history failed, and was said; said again once it works
        ctx.history  # noqa: B018 - opened (what a killed capture left recovered) before this journal exists
        self.journal = CaptureJournal(ctx.home)
        self._journal_closed = False
        # Answered requests waiting for the worker, and the threads answering one right now.
        # Neither takes a lock: a deque's append and a set's add are each one step for the
        # interpreter, and a lock that 200 threads contend for lets go of the interpreter lock.
        self._pending: deque[_Pending] = deque()
        # Checked, not yet recorded (the worker's alone), and the history keys among them.
        self._checked_batch: list[tuple[_Pending, Record, tuple[Issue, ...]]] = []
        self._batch_keys: set[tuple[str, str, str]] = set()
        self._batch_since = 0.0  # when the batch's first was checked
        self._answering: set[int] = set()
        self._overlapped_at = float("-inf")  # when two requests were last being answered at once
        self._closed = False
        self._closing = threading.Lock()
        self._worker = threading.Thread(target=self._work, name="capture-check", daemon=True)
        self._worker.start()

    def begin(self) -> None:
        """This thread is answering a request (its handler calls `end` once it is sent)."""
        self._answering.add(threading.get_ident())
        if len(self._answering) > 1:
            self._overlapped_at = time.monotonic()

    def end(self) -> None:
        self._answering.discard(threading.get_ident())

    def forward_base(self, vendor: str, operation: str | None = None) -> str:
        """The base URL a request of `vendor` is forwarded to (the profile's, or the default)."""
        definition = vendors()[vendor]
        op = definition.operations[operation] if operation else next(iter(definition.operations.values()))
        return resolve_settings(self.ctx, definition, op, Draft(vendor, op.name, self.forward or PROFILE)).get(
            "base_url", "").rstrip("/")

    def handle(self, method: str, target: str, host: str, headers: list[tuple[str, str]],
               body: bytes) -> Answer | Exchange:
        """Answers one request (`target` is the path and query as sent), having written it
        to the journal; the worker checks and records it next. A request capture cannot read
        at all is recorded as unreadable (masked by shape) and answered 400, never a 500."""
        try:
            return self._handle(method, target, host, headers, body)
        except JournalUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a request holds, it is recorded
            return self.unreadable(method, target, host, headers, body, f"{type(exc).__name__}: {exc}")

    def _handle(self, method: str, target: str, host: str, headers: list[tuple[str, str]], body: bytes) -> Answer | Exchange:
        parts = urlsplit(target)
        if parts.path == "/favicon.ico":  # a browser asks it of every page it shows; no backend does
            return Answer.json(404, {"error": "No icon here: capture serves your backend, not a browser"})
        segments = parts.path.split("/", 2)
        vendor = segments[1] if len(segments) > 1 else ""
        rest = "/" + (segments[2] if len(segments) > 2 else "")
        url = self._url(host, target)
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
            issue = Issue(ERROR, "", f"The request cannot be read as {vendor}/{exc.operation}: {exc}",
                          IssueCode.CAPTURE_UNREADABLE_OPERATION)
            return self._answer(vendor, exc.operation or "unknown", method, url, rest, parts.query, lowered,
                                headers, body, (issue,), None)
        return self._answer(vendor, mapped.operation, method, url, rest, parts.query, lowered, headers, body,
                            (), mapped)

    def _url(self, host: str, target: str) -> str:
        """The request's URL as recorded: the Host it named (the guard let only this
        computer's names through), or the address capture listens on."""
        return f"http://{host if host and host_of(host) else self.listening}{target}"

    def _answer(self, vendor: str, operation: str, method: str, url: str, rest: str, query: str,
                lowered: dict[str, str], headers: list[tuple[str, str]], body: bytes, issues: tuple[Issue, ...],
                mapped: CurlImport | None) -> Answer | Exchange:
        secrets: tuple[str, ...] = ()
        credential: str | None = None
        if mapped is not None:
            secrets = tuple(v for v in mapped.secrets.values() if v)
            credential = next(iter(mapped.secrets), None)
        if self.forward:
            # Written before it goes on (a vendor that never answers leaves a record), and again
            # with the vendor's answer before that is relayed.
            record = self._record(vendor, operation, method, url, headers, body, secrets, issues, credential)
            ticket = self.journal.write(record)
            forwarded = self._forward(vendor, operation, method, rest, query, headers, body)
            answer: Answer | Exchange = forwarded
            fields = answer_fields(forwarded.masked(secrets))
            response = forwarded.response
            if response is not None:  # masked by shape too: the login's token, a key the vendor echoes
                fields.update(response_headers=redact_headers(response.headers, secrets),
                              response_body=redact_body(response.body, response.headers.get("Content-Type", ""), secrets))
            record = record._replace(**fields, outcome=Outcome.ANSWERED if response is not None else Outcome.NO_ANSWER)
            self.journal.write(record, ticket)
        else:
            incoming = Incoming(method=method, path=rest, query=parse_query(query), headers=lowered, body=body)
            try:
                answer = EMULATORS[vendor](incoming, self.state)
            except Exception as exc:  # the sandbox's own fault is its 500, never a dropped request
                answer = Answer.json(500, {"error": "Internal Server Error", "detail": type(exc).__name__})
            record = self._record(vendor, operation, method, url, headers, body, secrets, issues, credential,
                                  answer)
            ticket = self.journal.write(record)
        self._queue_up(_Pending(ticket, record, mapped, tuple(issues), secrets, time.monotonic()))
        return answer

    def _unknown(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        answer = Answer.json(404, {"error": "No known operation at this path",
                                   "known": known_paths() + [f"{m} /{v}{p}" for v, (m, p) in self.logins.items()]})
        issues = (Issue(ERROR, "", f"{method} {urlsplit(url).path} is no operation of the five APIs (see the "
                                     "answer for the known paths).", IssueCode.CAPTURE_UNKNOWN_PATH),)
        return self._keep_unchecked("other", "unknown", method, url, headers, body, issues, answer)

    def unreadable(self, method: str, target: str, host: str, headers: list[tuple[str, str]], body: bytes, why: str,
                   status: int = 400) -> Answer:
        """A request capture could not read: kept, masked by shape, as unreadable; answered
        `status` (400; 413 for a body too large to read)."""
        vendor = target.split("/", 2)[1] if target.count("/") >= 1 else ""
        vendor = vendor if vendor in EMULATORS else "other"
        answer = Answer.json(status, {"error": "The request could not be read", "detail": redact_text(why)})
        issues = (Issue(ERROR, "", f"The request could not be read ({redact_text(why)}); it was answered "
                                     f"{status} and kept as it came, credentials masked.", IssueCode.CAPTURE_UNREADABLE),)
        url = self._url(host, target if target.startswith("/") else "/" + target)
        return self._keep_unchecked(vendor, "unknown", method, url, headers, body, issues, answer)

    def _keep_unchecked(self, vendor: str, operation: str, method: str, url: str, headers: list[tuple[str, str]], body: bytes,
                        issues: tuple[Issue, ...], answer: Answer) -> Answer:
        record = self._record(vendor, operation, method, url, headers, body, (), issues, None, answer)
        self._queue_up(_Pending(self.journal.write(record), record, None, issues, (), time.monotonic()))
        return answer

    # -- the worker: check, record, tell ------------------------------------------------------
    def _queue_up(self, item: _Pending) -> None:
        while len(self._pending) >= QUEUE_LIMIT and not self._closed:
            time.sleep(NAP)  # checking fell that far behind: answers wait, memory does not grow
        self._pending.append(item)

    def _work(self) -> None:
        """Checks the answered requests one at a time, in the order they came, and records
        them in batches. Checking competes with answering for the interpreter (one thread runs
        at a time), so a request is checked only between answers: when none is being answered
        and requests did not overlap within BURST_QUIET (a burst is answered first), or once
        the oldest waited MAX_LAG. After each check the worker lets go of the interpreter, so a
        request that arrived meanwhile waits for one check at most, never for a batch. What is
        checked is written in one transaction once the first of it was checked GATHER ago (or
        BATCH are checked). Once closed, it checks and records what is left and ends."""
        # Every operation's fast validator, before the first check: one request of each kind
        # does not wait for its compiling, and the window (which compiles none) gets them too.
        for vendor in vendors().values():
            for op in vendor.operations.values():
                compile_fast_validator(vendor.name, op.name)
        nap = NAP
        while True:
            if self._checked_batch and self._write_due():
                self._write_batch()
            elif self._pending and self._may_check():
                self._check_next()
                time.sleep(HAND_OVER)
                nap = NAP
            elif self._closed and not self._pending and not self._checked_batch:
                return
            else:
                # Not the shortest nap while requests wait: each wake-up takes the interpreter lock.
                time.sleep(BUSY_NAP if self._pending else nap)
                nap = min(nap * 2, LONGEST_NAP)

    def _may_check(self) -> bool:
        """Whether the next waiting request is checked now: closing, the oldest came MAX_LAG
        ago, or no request is being answered and requests did not overlap within BURST_QUIET."""
        now = time.monotonic()
        if self._closed or now - self._pending[0].arrived >= MAX_LAG:
            return True
        return not self._answering and now - self._overlapped_at >= BURST_QUIET

    def _write_due(self) -> bool:
        """Whether what is checked is written now: BATCH of them, the first was checked GATHER
        ago (one write for many: a row alone costs six times a row in a batch), or closing
        with nothing left to check."""
        return (len(self._checked_batch) >= BATCH or time.monotonic() - self._batch_since >= GATHER
                or (self._closed and not self._pending))

    def _check_next(self) -> None:
        """Checks the oldest waiting request into the batch. One whose history keys (a
        VibeTrace orderId) one already in the batch has is checked again once the batch is
        written, so a repeat within a batch is found as it would be one at a time."""
        item = self._pending.popleft()
        record, issues = self._checked(item)
        scoped = {(record.vendor, record.scope, key) for key in record.keys}
        if scoped & self._batch_keys:
            self._write_batch()
            record, issues = self._checked(item)
        if not self._checked_batch:
            self._batch_since = time.monotonic()
        self._checked_batch.append((item, record, issues))
        self._batch_keys |= scoped

    def _write_batch(self) -> None:
        """Records the checked requests in one transaction. When history cannot take them, they
        stay in the journal (recorded when history is next opened), and that is said once."""
        batch, self._checked_batch, self._batch_keys = self._checked_batch, [], set()
        try:
            self._write(batch)
        except Exception as exc:  # noqa: BLE001 - a failed write never stops the recording
            if self.log is not None and not self._failing:
                self.log(printable(f"Captured requests not recorded yet ({type(exc).__name__}: {exc}); they stay "
                                   "in the capture journal and are recorded when history is next opened."))
            self._failing = True
        else:
            if self._failing and self.log is not None:
                self.log("History can be written again: captured requests are recorded as they come.")
            self._failing = False

    def _checked(self, item: _Pending) -> tuple[Record, tuple[Issue, ...]]:
        record, issues = item.record, item.issues
        checked: dict[str, Any] = {}  # what the check adds to the record: one copy of it made, not two
        if item.mapped is not None:
            try:
                authorization = next((v for k, v in record.request_headers.items() if k.lower() == "authorization"),
                                     None)  # masked, its scheme kept ("Basic ***")
                issues, payload, scope, keys = self._check(item.mapped, authorization)
                checked = dict(payload=redact_json_text(json.dumps(payload, ensure_ascii=False), item.secrets),
                               scope=scope, keys=keys)
            except Exception as exc:  # noqa: BLE001 - recorded with what went wrong, never dropped
                issues = (Issue(ERROR, "", f"The request could not be checked ({type(exc).__name__}: {exc}).",
                                IssueCode.CAPTURE_CHECK_FAILED),)
        return record._replace(**checked, issues=[i.to_json() for i in issues]), issues

    def _write(self, batch: list[tuple[_Pending, Record, tuple[Issue, ...]]]) -> None:
        if not batch:
            return
        ids = self.ctx.history.record_many([record for _, record, _ in batch])
        for (item, record, issues), history_id in zip(batch, ids, strict=True):
            self.journal.done(item.ticket)
            self.count += 1  # only this worker counts
            if self.on_request is not None:
                self.on_request(Captured(
                    history_id, record.method, urlsplit(record.url).path, record.vendor, record.operation,
                    record.status if record.status is not None else 502, len(issues),
                    sum(1 for i in issues if i.is_error)))

    def _check(self, mapped: CurlImport, authorization: str | None) -> tuple[tuple[Issue, ...], Any, str, list[str]]:
        """(issues, payload as checked, scope, history keys) of a mapped request."""
        draft = Draft(mapped.vendor, mapped.operation, PROFILE, mapped.payload,
                      {**mapped.settings, **mapped.secrets}, mapped.settings.get("base_url"))
        prepared = prepare(self.ctx, draft)
        issues = [i for i in prepared.issues if i not in prepared.missing]
        issues[:0] = [m for m in prepared.missing if not m.path.startswith("secrets/")]
        issues[:0] = credential_issues(prepared.vendor, prepared.op, mapped.secrets, authorization,
                                       any(m.path.startswith("secrets/") for m in prepared.missing))
        keys = RULES[mapped.vendor].history_keys(prepared.op, prepared.payload)
        return tuple(issues), prepared.payload, prepared.scope, keys

    def waiting(self) -> int:
        """How many answered requests are still to be checked and recorded."""
        return len(self._pending) + len(self._checked_batch)

    def close(self) -> None:
        """Waits until every answered request is checked and recorded, then ends the worker
        and removes the journal. Any thread may call it, more than once: each call returns
        once that is done."""
        self._closed = True
        self._worker.join()
        with self._closing:
            if not self._journal_closed:
                self.left_in_journal.update(self.journal.close())
                self._journal_closed = True

    def _forward(self, vendor: str, operation: str, method: str, rest: str, query: str, headers: list[tuple[str, str]],
                 body: bytes) -> Exchange:
        base = self.forward_base(vendor, operation if operation in vendors()[vendor].operations else None)
        target = base + rest + (f"?{query}" if query else "")
        kept = {k: v for k, v in headers if k.lower() not in HOP_BY_HOP}
        secrets = tuple(v for k, v in headers if is_secret_header(k))
        return self.ctx.transport.send(RequestSpec(method, target, kept, body, secrets))

    def _record(self, vendor: str, operation: str, method: str, url: str, headers: list[tuple[str, str]], body: bytes,
                secrets: tuple[str, ...], issues: tuple[Issue, ...], credential: str | None,
                answer: Answer | None = None) -> Record:
        """The request as the journal and history keep it, every key masked, with the sandbox's
        answer (None: not answered yet). The worker adds the payload as checked."""
        masked_headers = redact_headers(headers, secrets)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if answer is None:
            reply: dict[str, Any] = dict(status=None, reason=None, response_headers=None, response_body=None, response_size=None,
                         error="Captured: not answered yet.", error_kind="sending", elapsed_ms=None,
                         outcome=Outcome.SENDING)
        else:
            reply = dict(status=answer.status, reason=_reason(answer.status),
                         response_headers={"Content-Type": answer.content_type + "; charset=utf-8"},
                         response_body=redact_body(answer.body, answer.content_type, secrets),
                         response_size=len(answer.body),
                         error=None, error_kind=None, elapsed_ms=0.0, outcome=Outcome.ANSWERED)
        return Record(
            time=self.ctx.clock().isoformat(timespec="milliseconds"), vendor=vendor, operation=operation,
            profile=self.forward or PROFILE, method=method, url=redact_url(url, secrets),
            request_headers=masked_headers, request_body=redact_body(body, content_type, secrets) or b"", payload=None,
            settings={},
            credential=credential, response_truncated=False, issues=[i.to_json() for i in issues], forced=False,
            source=Source.CAPTURE, **reply)


def credential_places(op: Operation) -> list[str]:
    """Where a request of `op` carries its credential, in words ("Authorization header",
    "token query parameter", "APIKey in the body")."""
    request = op.request
    places = [f"{name} header" for name, template in request.headers.items()
              if any("{" + c + "}" in template for c in op.credentials)]
    places += [f"{name} query parameter" for name, template in request.query
               if any("{" + c + "}" in template for c in op.credentials)]
    places += [f"{field} in the body" for field in request.body_credentials.values()]
    return places


def credential_issues(vendor: Vendor, op: Operation, secrets: dict[str, str], authorization: str | None, missing: bool) -> list[Issue]:
    """What capture says of a request's credentials: missing, or not of a real one's shape
    (console.core.credentials). The vendor alone can say whether a key is right (--forward)."""
    issues = []
    bearer = {c for name, template in op.request.headers.items() for c in op.credentials
              if template.startswith("Bearer {" + c + "}")}
    if missing:
        if authorization and authorization.lower().startswith("basic ") and bearer:
            issues.append(Issue(WARNING, f"secrets/{op.credentials[0]}", (
                f"Authorization is Basic (workspaceGuid:apiKey): {vendor.title} accepts it only where the key allows "
                "it; the console itself sends Bearer <JWT>."), IssueCode.CAPTURE_BASIC_AUTH))
        else:
            labels = " or ".join(vendor.secrets[c].label for c in op.credentials if c in vendor.secrets)
            issues.append(Issue(ERROR, f"secrets/{op.credentials[0]}", (
                f"No {' or '.join(credential_places(op))}: {vendor.title} needs the {labels}."), IssueCode.CAPTURE_NO_CREDENTIAL))
    for name, value in secrets.items():
        problem = jwt_problem(value) if name in bearer else key_problem(value)
        if problem:
            label = vendor.secrets[name].label if name in vendor.secrets else name
            issues.append(Issue(ERROR, f"secrets/{name}", f"The {label} {problem}: {vendor.title} refuses it.",
                                IssueCode.CAPTURE_BAD_CREDENTIAL))
    return issues


@cache
def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _CaptureHTTPServer(SandboxHTTPServer):
    """The sandbox's server, answering through a Capture."""

    capture: Capture


class _CaptureHandler(SandboxHandler):
    server_version = "event-console-capture"
    server: _CaptureHTTPServer

    def _handle(self) -> None:
        capture: Capture = self.server.capture
        headers = list(self.headers.items())
        capture.begin()
        try:
            try:
                try:
                    body = self._read_body()
                except (ValueError, OSError) as exc:  # too large or malformed: recorded without its body
                    self.close_connection = True
                    answer: Answer | Exchange = capture.unreadable(self.command, self.path, self.headers.get("Host", ""), headers,
                                                b"", f"the body could not be read ({exc or 'malformed'})", 413)
                else:
                    answer = capture.handle(self.command, self.path, self.headers.get("Host", ""), headers, body)
            except JournalUnavailable as exc:  # nothing can be kept: say so, never pretend to be the vendor
                capture.unrecorded += 1
                self.close_connection = True
                self._send(Answer.json(503, {"error": "Capture cannot record requests right now",
                                             "detail": str(exc)}), retry_after=5)
                if self.server.log is not None:
                    self.server.log(printable(f"{self.command} {self.path} → 503 not recorded: {exc}"))
                return
            if isinstance(answer, Exchange):
                self._relay(answer)
            else:
                self._send(answer)
        finally:
            capture.end()

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

    def log_message(self, format: str, *args: Any) -> None:  # one line per request comes from _handle
        pass


def describe(captured: Captured) -> str:
    """The command line's line for one captured request."""
    issues = "no issues" if not captured.issues else (
        f"{captured.issues} issue{'s' if captured.issues != 1 else ''}"
        + (f" ({captured.errors} error{'s' if captured.errors != 1 else ''})" if captured.errors else ""))
    number = f"#{captured.history_id} " if captured.history_id else ""
    return printable(f"{number}{captured.method} {captured.path} → {captured.vendor}/{captured.operation} "
                     f"{captured.status}, {issues}")


class CaptureServer(RunningServer):
    """Capture on HOST:PORT (port 0: a free one), in a thread (`start`) or the foreground.
    `on_request` hears of each request once it is checked and recorded (on the worker's
    thread); `log` of what went wrong."""

    thread_name = "capture"

    def __init__(self, ctx: AppContext, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 forward: str | None = None, log: Callable[[str], None] | None = None,
                 on_request: Callable[[Captured], None] | None = None, idle_timeout: float = IDLE_TIMEOUT):
        server = _CaptureHTTPServer((host, port), SandboxState(), log, idle_timeout, _CaptureHandler)
        try:
            self.capture = Capture(ctx, forward, on_request, log, host)
        except OSError as exc:
            server.server_close()
            raise JournalUnavailable(ctx.home, exc) from None
        server.state = self.capture.state
        server.capture = self.capture
        self._server = server

    def stop(self) -> None:
        """Stops listening, then waits until every answered request is recorded."""
        self.stop_listening()
        self.capture.close()

    def stop_listening(self) -> None:
        """Stops taking requests; what was answered is still being recorded (capture.close)."""
        super().stop()
