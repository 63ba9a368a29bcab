"""The one path from a draft to history: resolve settings and credential, validate, build the
request, send it, explain the answer, record the exchange.

`prepare` stops before the wire (it is the preview and `--dry-run`); `send` hands the very
same RequestSpec to the transport. Both front ends (command line and window) use only these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from console.core.build import build_request, fill
from console.core.context import AppContext
from console.core.definitions import Operation, Vendor, find_operation
from console.core.exchange import Exchange, RequestSpec
from console.core.history import Record
from console.core.profiles import SANDBOX
from console.core.secrets import mask_text
from console.core.validation import ERROR, Issue, schema_issues
from console.vendors import RULES
from console.vendors.base import CheckContext, HistoryHit

TOKEN_PLACEHOLDER = "<token from login>"


@dataclass(frozen=True)
class Draft:
    """What the user wants to send. `payload` None means the operation's example;
    `overrides` are settings or secrets given for this run only (never saved)."""

    vendor: str
    operation: str
    profile: str = SANDBOX
    payload: Any = None
    overrides: dict[str, str] = field(default_factory=dict)
    base_url: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A draft checked and built: its issues and the exact request it would send."""

    draft: Draft
    vendor: Vendor
    op: Operation
    payload: Any
    settings: dict[str, str]
    credential: str | None
    credential_value: str | None
    issues: tuple[Issue, ...]
    missing: tuple[Issue, ...]
    spec: RequestSpec

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def can_send(self) -> bool:
        return not self.errors

    def preview(self) -> RequestSpec:
        """The request with secrets masked: what the user may see."""
        return self.spec.masked()


@dataclass(frozen=True)
class Outcome:
    """What a send produced: the exchange (masked), its history id and a plain explanation."""

    exchange: Exchange
    history_id: int | None
    explanation: str | None
    cancelled: bool = False


class _ScopedHistory:
    """The HistoryLookup vendor rules see: this vendor and profile only."""

    def __init__(self, ctx: AppContext, vendor: str, profile: str):
        self._ctx, self._vendor, self._profile = ctx, vendor, profile

    def find(self, key: str, since: datetime | None = None) -> HistoryHit | None:
        found = self._ctx.history.find_key(self._vendor, self._profile, key, since)
        return HistoryHit(*found) if found else None


def _setting_issues(vendor: Vendor, op: Operation, settings: dict[str, str]) -> tuple[list[Issue], list[Issue]]:
    """(issues, missing) for the settings of a send."""
    issues, missing = [], []
    for name in op.settings:
        spec = vendor.settings[name]
        value = settings.get(name, "")
        path = f"settings/{name}"
        if value == "":
            if not spec.optional:
                missing.append(Issue(ERROR, path, f"Setting {name} ({spec.label}) is not set: {spec.help}"))
            continue
        if spec.kind == "url":
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                issues.append(Issue(ERROR, path, f"{name} must be a full http:// or https:// URL, not {value!r}."))
            elif parts.query or parts.fragment:
                issues.append(Issue(ERROR, path, f"{name} must not carry a query or fragment: {value!r}."))
        if spec.pattern:
            if not re.fullmatch(spec.pattern, value):
                issues.append(Issue(ERROR, path, f"{name} {value!r} is not valid: {spec.pattern_message or spec.pattern}."))
        if spec.enum and value not in spec.enum:
            issues.append(Issue(ERROR, path, f"{name} must be one of {', '.join(spec.enum)}, not {value!r}."))
    return issues, missing


def resolve_settings(ctx: AppContext, vendor: Vendor, op: Operation, draft: Draft) -> dict[str, str]:
    """Settings of this send: defaults < sandbox or stored profile < --set < --base-url."""
    settings = {name: vendor.setting_default(op, name) or "" for name in op.settings}
    if draft.profile == SANDBOX:
        settings.update({k: v for k, v in vendor.sandbox_settings.items() if k in settings})
        if not draft.base_url:  # only start the embedded sandbox when it is the target
            settings["base_url"] = f"{ctx.sandbox_url()}/{vendor.name}"
    else:
        stored = ctx.profiles.settings(vendor.name, draft.profile)
        for name in op.settings:
            # An operation-scoped value ("rest-event.base_url") wins over the vendor-wide one.
            for key in (name, f"{op.name}.{name}"):
                if stored.get(key):
                    settings[name] = stored[key]
    settings.update({k: v for k, v in draft.overrides.items() if k in settings})
    if draft.base_url:
        settings["base_url"] = draft.base_url
    return settings


def resolve_credential(ctx: AppContext, vendor: Vendor, op: Operation, draft: Draft) -> tuple[str | None, str | None]:
    """(secret name, value) of the credential to use: one given for this run wins, then the
    first of the operation's credentials that the profile has."""
    for name in op.credentials:
        if draft.overrides.get(name):
            return name, draft.overrides[name]
    for name in op.credentials:
        if draft.profile == SANDBOX:
            value = vendor.sandbox_secrets.get(name)
        else:
            value = ctx.secrets.get(vendor.name, draft.profile, name)
        if value:
            return name, value
    return None, None


def prepare(ctx: AppContext, draft: Draft, check_history: bool = True) -> Prepared:
    """Validates a draft and builds its request. Raises KeyError for an unknown vendor or
    operation; everything else comes back as issues."""
    vendor, op = find_operation(draft.vendor, draft.operation)
    rules = RULES[vendor.name]
    payload = op.example if draft.payload is None else draft.payload
    settings = resolve_settings(ctx, vendor, op, draft)
    issues, missing = _setting_issues(vendor, op, settings)
    credential, secret = resolve_credential(ctx, vendor, op, draft)
    if op.credentials and credential is None:
        names = " or ".join(op.credentials)
        missing.append(Issue(ERROR, f"secrets/{op.credentials[0]}", (
            f"No {names} for profile {draft.profile!r}: store one with "
            f"'event-console secret set {vendor.name} {draft.profile} {op.credentials[0]}', "
            f"or give it for one run with --set {op.credentials[0]}=…")))

    history = _ScopedHistory(ctx, vendor.name, draft.profile) if check_history else None
    check = CheckContext(now=ctx.clock(), history=history, settings=settings)
    issues += schema_issues(vendor.name, op.name, payload)
    issues += rules.payload_issues(op, payload, check)

    secrets = [secret] if secret else []
    if isinstance(payload, dict):
        secrets += [str(payload[f]) for f in vendor.secret_fields if payload.get(f)]
    values = {**settings, "random": str(ctx.rng.randint(0, 1_000_000)),
              **rules.template_values(op, payload)}
    if credential:
        values[credential] = secret
    exchange = op.request.token_exchange
    if exchange and credential == exchange.secret:
        token = ctx.tokens.get(_token_key(settings, secret))
        values[exchange.provides] = token or TOKEN_PLACEHOLDER
        if token:
            secrets.append(token)
    spec = build_request(op, payload, values, tuple(secrets))
    issues += rules.request_issues(op, spec)
    return Prepared(draft, vendor, op, payload, settings, credential, secret,
                    tuple(missing + issues), tuple(missing), spec)


def _token_key(settings: dict[str, str], secret: str | None) -> tuple[str, str]:
    return settings.get("base_url", ""), secret or ""


def _login(ctx: AppContext, prepared: Prepared) -> tuple[str | None, Exchange]:
    """Trades the API key for a token (Synerise); (token or None, the login exchange)."""
    exchange_def = prepared.op.request.token_exchange
    values = {**prepared.settings, exchange_def.secret: prepared.credential_value}
    body = {k: fill(v, values) if isinstance(v, str) else v for k, v in exchange_def.body.items()}
    spec = RequestSpec(
        method=exchange_def.method,
        url=prepared.settings.get("base_url", "").rstrip("/") + exchange_def.path,
        headers={"Content-Type": "application/json",
                 **{k: fill(v, values) for k, v in exchange_def.headers.items()}},
        body=json.dumps(body, separators=(",", ":")).encode(),
        secrets=(prepared.credential_value,),
    )
    result = ctx.transport.send(spec, (ctx.connect_timeout, ctx.read_timeout))
    token = None
    if result.response is not None and result.response.ok:
        data = result.response.json()
        if isinstance(data, dict) and isinstance(data.get(exchange_def.token_field), str):
            token = data[exchange_def.token_field]
    return token, result


def _with_token(ctx: AppContext, prepared: Prepared, token: str) -> Prepared:
    ctx.tokens[_token_key(prepared.settings, prepared.credential_value)] = token
    return prepare(ctx, prepared.draft, check_history=False)


def send(ctx: AppContext, prepared: Prepared, force: bool = False,
         timeout: tuple[float, float] | None = None,
         cancelled: Callable[[], bool] = lambda: False) -> Outcome:
    """Sends a prepared draft, records the exchange in history and explains the answer.
    Refuses (ValueError) a draft with errors unless forced, or with missing inputs."""
    if prepared.missing:
        raise ValueError(prepared.missing[0].message)
    if prepared.errors and not force:
        raise ValueError("the payload has errors; fix them or force the send")
    timeout = timeout or (ctx.connect_timeout, ctx.read_timeout)
    exchange_def = prepared.op.request.token_exchange
    uses_login = exchange_def is not None and prepared.credential == exchange_def.secret
    extra_secrets: list[str] = []
    current = prepared
    result: Exchange | None = None
    if uses_login:
        token = ctx.tokens.get(_token_key(prepared.settings, prepared.credential_value))
        if token is None:
            token, login = _login(ctx, prepared)
            if token is None:
                result = _login_failed(login)
            else:
                current = _with_token(ctx, prepared, token)
        if token:
            extra_secrets.append(token)
    if result is None:
        result = ctx.transport.send(current.spec, timeout)
        if uses_login and result.response is not None and result.response.status == 401:
            # The cached token may have expired: log in again and retry once.
            ctx.tokens.pop(_token_key(prepared.settings, prepared.credential_value), None)
            token, login = _login(ctx, prepared)
            if token is None:
                result = _login_failed(login)
            else:
                extra_secrets.append(token)
                current = _with_token(ctx, prepared, token)
                result = ctx.transport.send(current.spec, timeout)
    return _finish(ctx, current, result, force, tuple(extra_secrets), cancelled(), prepared.issues)


def _login_failed(login: Exchange) -> Exchange:
    reason = login.error or f"the login answered {login.response.status} {login.response.reason}"
    return replace(login, error=f"Login with the API key failed: {reason}",
                   error_kind=login.error_kind or "login")


def _finish(ctx: AppContext, prepared: Prepared, result: Exchange, forced: bool,
            extra_secrets: tuple[str, ...], cancelled: bool, issues: tuple[Issue, ...]) -> Outcome:
    secrets = tuple(prepared.spec.secrets) + extra_secrets
    masked = result.masked(secrets)
    rules = RULES[prepared.vendor.name]
    explanation = None
    if masked.response is not None and not cancelled:
        try:
            explanation = rules.explain(prepared.op, masked.response)
        except Exception:  # an odd answer must not turn into a crash; the raw body is still shown
            explanation = None
    outcome = "cancelled" if cancelled else ("answered" if masked.response is not None else "no-answer")
    response = masked.response
    record = _record(
        prepared, masked.started_at, masked.request, secrets, issues,
        status=response.status if response else None, reason=response.reason if response else None,
        response_headers=response.headers if response else None,
        response_body=response.body if response else None,
        response_size=response.size if response else None,
        response_truncated=bool(response and response.truncated),
        error=masked.error, error_kind=masked.error_kind, elapsed_ms=masked.elapsed_ms,
        forced=forced, outcome=outcome,
        keys=RULES[prepared.vendor.name].history_keys(prepared.op, prepared.payload),
    )
    history_id = ctx.history.record(record)
    return Outcome(masked, history_id, explanation, cancelled)


def _record(prepared: Prepared, time: str, request: RequestSpec, secrets: tuple[str, ...],
            issues: tuple[Issue, ...], **outcome: Any) -> Record:
    """A history record of this draft: what was (or would have been) sent, already masked,
    plus `outcome` (status, response, error, …)."""
    return Record(
        time=time, vendor=prepared.vendor.name, operation=prepared.op.name, profile=prepared.draft.profile,
        method=request.method, url=request.url, request_headers=request.headers, request_body=request.body,
        payload=mask_text(json.dumps(prepared.payload, ensure_ascii=False), secrets),
        settings=prepared.settings, credential=prepared.credential,
        issues=[i.to_json() for i in issues], **outcome,
    )


def record_not_sent(ctx: AppContext, prepared: Prepared) -> int | None:
    """Records a send that validation stopped (outcome "not sent"), with its issues, so the
    attempt can be found, compared and fixed later."""
    errors = len(prepared.errors)
    record = _record(
        prepared, ctx.clock().isoformat(timespec="milliseconds"), prepared.preview(), prepared.spec.secrets,
        prepared.issues, status=None, reason=None, response_headers=None, response_body=None,
        response_size=None, response_truncated=False,
        error=f"Not sent: {errors} validation error{'s' if errors != 1 else ''}.", error_kind="not-sent",
        elapsed_ms=None, forced=False, outcome="not-sent",
    )
    return ctx.history.record(record)


def check_credentials(ctx: AppContext, vendor: str, operation: str, profile: str) -> str:
    """Checks a profile's credential where the vendor has a way without sending an event
    (Synerise: log in with the API key). Returns a plain sentence."""
    prepared = prepare(ctx, Draft(vendor, operation, profile), check_history=False)
    exchange_def = prepared.op.request.token_exchange
    if prepared.credential is None:
        return "No key is set for this profile."
    if exchange_def is None or prepared.credential != exchange_def.secret:
        return f"{prepared.credential} is set; the vendor checks it when you send."
    token, login = _login(ctx, prepared)
    if token:
        ctx.tokens[_token_key(prepared.settings, prepared.credential_value)] = token
        return "Login worked: the API key is valid and a token was issued (kept in memory only)."
    failed = _login_failed(login).masked((prepared.credential_value,))
    return failed.error or "Login failed."
