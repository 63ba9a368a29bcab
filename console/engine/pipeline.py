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
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from console.core.build import build_request, fill
from console.core.definitions import PLACEHOLDER, Operation, Vendor, find_operation
from console.core.dynamic import Generated, Variables, resolve, unknown_message
from console.core.exchange import Exchange, RequestSpec
from console.core.history.connection import HistoryUnavailable
from console.core.history.records import Record
from console.core.issue_codes import IssueCode
from console.core.outcomes import (
    Outcome as Ended,  # how an exchange ended (this module's Outcome is a send's result)
)
from console.core.outcomes import Source
from console.core.payload import problem as payload_problem
from console.core.profiles import SANDBOX
from console.core.secrets import MASK, keyring_user, mask_text, mask_userinfo
from console.core.validation import ERROR, WARNING, Issue, schema_issues, without_nulls
from console.engine.context import AppContext
from console.engine.first_check import CheckedSchema, resolve_payload
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
    # `{{name}}` values ahead of the profile's: (where from, {name: value}) layers, first wins
    # (a data row's, then a case's `vars`).
    variables: tuple[tuple[str, dict[str, Any]], ...] = ()


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
    scope: str = ""  # where history rules look (see VendorRules.history_scope)
    masked_payload: Any = None  # the payload with its secret fields masked, when it has any
    generated: tuple[Any, ...] = ()  # dynamic values made for this send (console.core.dynamic.Generated)

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
    """What a send produced: the exchange (masked), its history id and a plain explanation.
    `record_error` says why the exchange could not be completed in history after it was sent
    (its row was written before the send, so it is there, marked as sending)."""

    exchange: Exchange
    history_id: int | None
    explanation: str | None
    cancelled: bool = False
    record_error: str | None = None

    @property
    def succeeded(self) -> bool:
        """Answered 2xx with nothing gone wrong on the way (a failed login is a failure even
        when the login itself answered 200)."""
        response = self.exchange.response
        return response is not None and response.ok and self.exchange.error is None


class _ScopedHistory:
    """The HistoryLookup vendor rules see: this vendor, in the scope its rules name (the
    profile, or for VibeTrace the account)."""

    def __init__(self, ctx: AppContext, vendor: str, scope: str):
        self._ctx, self._vendor, self._scope = ctx, vendor, scope

    def find(self, key: str, since: datetime | None = None) -> HistoryHit | None:
        found = self._ctx.history.find_key(self._vendor, self._scope, key, since)
        return HistoryHit(*found) if found else None


def _history_lookup(ctx: AppContext, vendor: str, scope: str) -> _ScopedHistory | None:
    """History for the rules, or None when it cannot be opened (the send itself is refused
    later with the reason; a preview still works)."""
    try:
        ctx.history  # noqa: B018 - opens it
    except HistoryUnavailable:
        return None
    return _ScopedHistory(ctx, vendor, scope)


@cache
def _used_settings(vendor: str, operation: str) -> frozenset[str]:
    """The settings the request itself is built from (others only serve the rules); found
    once for each operation (capture asks for every request it checks)."""
    template = find_operation(vendor, operation)[1].request
    texts = [template.path, *(t for _, t in template.query), *template.headers.values()]
    return frozenset({name for text in texts for name in PLACEHOLDER.findall(text)} | {"base_url"})


def _setting_issues(vendor: Vendor, op: Operation, settings: dict[str, str]) -> tuple[list[Issue], list[Issue]]:
    """(issues, missing) for the settings of a send. A setting the request is not built from
    (VibeTrace's account_id for REST events) may be left empty."""
    issues, missing = [], []
    used = _used_settings(vendor.name, op.name)
    for name in op.settings:
        spec = vendor.settings[name]
        value = settings.get(name, "")
        path = f"settings/{name}"
        if value == "":
            if not spec.optional and name in used:
                missing.append(Issue(ERROR, path, f"Setting {name} ({spec.label}) is not set: {spec.help}", IssueCode.SETTING_MISSING))
            continue
        if spec.kind == "url":
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                issues.append(Issue(ERROR, path, f"{name} must be a full http:// or https:// URL, not {value!r}.", IssueCode.SETTING_NOT_URL))
            elif parts.query or parts.fragment:
                issues.append(Issue(ERROR, path, f"{name} must not carry a query or fragment: {value!r}.", IssueCode.SETTING_URL_QUERY))
            elif "@" in parts.netloc:
                if any(h.lower() == "authorization" for h in op.request.headers):
                    issues.append(Issue(ERROR, path, (
                        f"{name} carries user:password@, which would be sent as Basic authorization in "
                        f"place of {vendor.title}'s own Authorization header: remove it from the URL."), IssueCode.SETTING_URL_CREDENTIALS))
                else:
                    issues.append(Issue(WARNING, path, (
                        f"{name} carries user:password@: it is sent as HTTP Basic authorization "
                        "(masked in history and output)."), IssueCode.SETTING_URL_BASIC))
        if spec.pattern:
            if not re.fullmatch(spec.pattern, value):
                issues.append(Issue(ERROR, path, f"{name} {value!r} is not valid: {spec.pattern_message or spec.pattern}.", IssueCode.SETTING_PATTERN))
        if spec.enum and value not in spec.enum:
            issues.append(Issue(ERROR, path, f"{name} must be one of {', '.join(spec.enum)}, not {value!r}.", IssueCode.SETTING_ENUM))
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


def send_variables(ctx: AppContext, draft: Draft) -> Variables:
    """The `{{name}}` values of a send: the draft's own layers (a data row, a case's `vars`),
    then the profile's variables."""
    profile = ctx.profiles.variables(draft.vendor, draft.profile) if draft.profile != SANDBOX else {}
    return Variables(*draft.variables, (f"profile {draft.profile}", profile))


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


def payload_credential(op: Operation, payload: Any) -> tuple[str, str, str] | None:
    """(secret name, body field, value) of a credential written into the payload where the
    operation's template puts one (Octeth's APIKey or SessionID), or None."""
    if not isinstance(payload, dict):
        return None
    for name, body_field in op.request.body_credentials.items():
        value = payload.get(body_field)
        if isinstance(value, str) and value.strip():
            return name, body_field, value
    return None


def prepare(ctx: AppContext, draft: Draft, check_history: bool = True, now: datetime | None = None,
            checked: CheckedSchema | None = None) -> Prepared:
    """Validates a draft and builds its request. Raises KeyError for an unknown vendor or
    operation; everything else comes back as issues.

    `now` is the time dynamic values are made at (the clock's by default); `checked`, the
    schema's answer from a forked child (console.engine.first_check), used when it is for
    exactly the payload this makes."""
    vendor, op = find_operation(draft.vendor, draft.operation)
    rules = RULES[vendor.name]
    payload = op.example if draft.payload is None else draft.payload
    unsendable = payload_problem(payload)
    if unsendable:
        # Not a rule a forced send could overrule: there are no bytes that would be this payload.
        return _unsendable(ctx, vendor, op, draft, payload, unsendable)
    # Dynamic values ({{$guid}}, {{$timestamp}}, …) are made now, before validation, so the
    # rules check what is sent; the draft keeps its tokens.
    now = ctx.clock() if now is None else now
    variables = send_variables(ctx, draft)
    made = resolve_payload(vendor, op, payload, now, ctx.rng, variables)
    payload = made.value
    settings = resolve_settings(ctx, vendor, op, draft)
    made_settings = resolve(settings, now, ctx.rng, variables=variables)
    settings = made_settings.value
    issues, missing = _setting_issues(vendor, op, settings)
    for where, token in made.unknown + tuple((f"settings{p}", n) for p, n in made_settings.unknown):
        issues.append(Issue(ERROR, where, unknown_message(token), IssueCode.DYNAMIC_UNKNOWN))
    credential, secret = resolve_credential(ctx, vendor, op, draft)
    given = payload_credential(op, payload)
    if given is not None:  # a key written into the body, as Octeth's document sends it: it is this send's
        name, body_field, value = given
        if credential and secret != value:
            issues.append(Issue(WARNING, f"/{body_field}", (
                f"{body_field} is in the payload, and profile {draft.profile!r} has its own "
                f"{vendor.secrets[credential].label} too: the payload's {body_field} is sent, not the profile's."), IssueCode.SECRET_IN_PAYLOAD))
        credential, secret = name, value
    if op.credentials and credential is None:
        names = " or ".join(op.credentials)
        unreadable = [ctx.secrets.unreadable.get(keyring_user(vendor.name, draft.profile, n)) for n in op.credentials]
        reason = next((r for r in unreadable if r), None)
        if reason:
            missing.append(Issue(ERROR, f"secrets/{op.credentials[0]}", (
                f"The {names} of profile {draft.profile!r} could not be read: {reason}."), IssueCode.SECRET_UNREADABLE))
        else:
            # Said in no front end's terms: the command line and the window each add where to
            # store one (missing_key_hint, the window's Profiles & keys).
            missing.append(Issue(ERROR, f"secrets/{op.credentials[0]}", (
                f"No {names} for profile {draft.profile!r} yet."), IssueCode.SECRET_MISSING))

    scope = rules.history_scope(op, settings) or draft.profile
    history = _history_lookup(ctx, vendor.name, scope) if check_history else None
    check = CheckContext(now=now, history=history, settings=settings)
    if checked is not None and checked.answers(vendor.name, op.name, payload):
        issues += checked.issues
    else:
        issues += schema_issues(vendor.name, op.name, payload)
    issues += rules.payload_issues(op, without_nulls(payload)[0], check)  # a null field counts as absent
    if ctx.plans is not None:  # the team's tracking plan, on top of the vendor's rules
        issues += ctx.plans.check(op, without_nulls(payload)[0], settings)

    secrets = [secret] if secret else []
    masked_payload = None
    if isinstance(payload, dict) and any(payload.get(f) for f in vendor.secret_fields):
        secrets += [str(payload[f]) for f in vendor.secret_fields if payload.get(f)]
        masked_payload = {k: (MASK if k in vendor.secret_fields and v else v) for k, v in payload.items()}
    values = {**settings, "random": str(ctx.rng.randint(0, 1_000_000)),
              **rules.template_values(op, payload, settings)}
    if credential and secret is not None:  # a credential found always has its value
        values[credential] = secret
    exchange = op.request.token_exchange
    if exchange and credential == exchange.secret:
        kept_token = ctx.tokens.get(_token_key(settings, secret))
        values[exchange.provides] = kept_token or TOKEN_PLACEHOLDER
        if kept_token:
            secrets.append(kept_token)
    spec = build_request(op, payload, values, tuple(secrets), frozenset(vendor.secrets), masked_payload)
    issues += rules.request_issues(op, spec)
    return Prepared(draft, vendor, op, payload, settings, credential, secret,
                    tuple(missing + issues), tuple(missing), spec, scope, masked_payload,
                    _masked_generated(made.generated + made_settings.generated, secrets))


def _masked_generated(generated: tuple[Any, ...], secrets: list[str]) -> tuple[Any, ...]:
    """The values put in for a send, as the preview, `--json` and the terminal show them: a key
    (a variable that filled a credential field, or whose text is a key of this send) masked."""
    from console.core.redact import is_secret_field
    from console.core.validation import pointer_parts

    hidden = {s for s in secrets if s}

    def secret(made: Generated) -> bool:
        parts = pointer_parts(made.path) if made.path.startswith("/") else [made.path.rpartition("/")[2]]
        return (bool(parts) and is_secret_field(str(parts[-1]))) or any(h in str(made.value) for h in hidden)

    return tuple(made._replace(value=MASK) if secret(made) else made for made in generated)


def _unsendable(ctx: AppContext, vendor: Vendor, op: Operation, draft: Draft, payload: Any,
                reason: str) -> Prepared:
    """A Prepared that can never be sent: its one issue says why the payload cannot be."""
    settings = resolve_settings(ctx, vendor, op, draft)
    issue = Issue(ERROR, "", f"This cannot be sent: {reason}.", IssueCode.REQUEST_UNBUILDABLE)
    stand_in: list[Any] | dict[str, Any] = [] if isinstance(op.example, list) else {}
    values = {**settings, "random": "0", **RULES[vendor.name].template_values(op, stand_in, settings)}
    spec = build_request(op, stand_in, values)
    return Prepared(draft, vendor, op, payload, settings, None, None, (issue,), (issue,), spec,
                    draft.profile, stand_in)


def _token_key(settings: dict[str, str], secret: str | None) -> tuple[str, str]:
    return settings.get("base_url", ""), secret or ""


def _login(ctx: AppContext, prepared: Prepared) -> tuple[str | None, Exchange]:
    """Trades the API key for a token (Synerise); (token or None, the login exchange)."""
    exchange_def = prepared.op.request.token_exchange
    assert exchange_def is not None and prepared.credential_value is not None  # a login needs both
    values = {**prepared.settings, exchange_def.secret: prepared.credential_value}
    def build(values: dict[str, str]) -> RequestSpec:
        body = {k: fill(v, values) if isinstance(v, str) else v for k, v in exchange_def.body.items()}
        return RequestSpec(
            method=exchange_def.method,
            url=prepared.settings.get("base_url", "").rstrip("/") + exchange_def.path,
            headers={"Content-Type": "application/json",
                     **{k: fill(v, values) for k, v in exchange_def.headers.items()}},
            body=json.dumps(body, separators=(",", ":")).encode())

    spec = build(values)
    spec = replace(spec, secrets=(prepared.credential_value,),
                   masked_form=build({**values, exchange_def.secret: MASK}))
    result = ctx.transport.send(spec, (ctx.connect_timeout, ctx.read_timeout))
    token = None
    if result.response is not None and result.response.ok:
        data = result.response.json()
        if isinstance(data, dict) and isinstance(data.get(exchange_def.token_field), str) \
                and data[exchange_def.token_field]:
            token = data[exchange_def.token_field]
    return token, result


def _with_token(ctx: AppContext, prepared: Prepared, token: str) -> Prepared:
    ctx.tokens[_token_key(prepared.settings, prepared.credential_value)] = token
    # The values already made (and shown) are the ones sent: no token is made again.
    draft = replace(prepared.draft, payload=prepared.payload,
                    overrides={k: prepared.settings.get(k, v) for k, v in prepared.draft.overrides.items()})
    again = prepare(ctx, draft, check_history=False)
    return replace(again, generated=prepared.generated)


def send(ctx: AppContext, prepared: Prepared, force: bool = False,
         timeout: tuple[float, float] | None = None,
         cancelled: Callable[[], bool] = lambda: False, deadline: float | None = None,
         source: str = Source.CLI) -> Outcome:
    """Sends a prepared draft, records the exchange in history and explains the answer.

    The exchange is written to history *before* anything goes to the network (outcome
    "sending"), and completed afterwards: a send that cannot be recorded is not made
    (HistoryUnavailable), and one interrupted by Ctrl+C stays recorded as "interrupted".
    Refuses (ValueError) a draft with errors unless forced, or with missing inputs.
    `deadline` bounds the whole answer in seconds (see Transport.send); `source` says which
    front end sent it (window, cli, suite, capture)."""
    if prepared.missing:
        raise ValueError(prepared.missing[0].message)
    if prepared.errors and not force:
        raise ValueError("the payload has errors; fix them or force the send")
    # "Forced" means rules were overruled: a resend (always allowed) of a valid payload is not.
    force = force and bool(prepared.errors)
    timeout = timeout or (ctx.connect_timeout, ctx.read_timeout)
    history = ctx.history
    history.check_writable()
    ctx.ensure_sandbox_for(prepared.spec.url)
    history_id = history.record(_unanswered(ctx, prepared, Ended.SENDING, "Sending: no answer yet.", force, source))
    try:
        current, result, extra_secrets = _exchange(ctx, prepared, timeout, deadline)
    except KeyboardInterrupt:
        try:
            history.complete(history_id, _unanswered(
                ctx, prepared, Ended.INTERRUPTED, "Interrupted (Ctrl+C) while waiting for the answer: the request "
                "may have reached the vendor.", force, source))
        finally:
            raise
    return _finish(ctx, current, result, force, tuple(extra_secrets), cancelled(), prepared.issues, history_id,
                   source)


def _unanswered(ctx: AppContext, prepared: Prepared, outcome: str, error: str, forced: bool,
                source: str) -> Record:
    """The record of a send without an answer (yet): sending, interrupted or not sent."""
    return _record(prepared, ctx.clock().isoformat(timespec="milliseconds"), prepared.preview(),
                   prepared.spec.secrets, prepared.issues, status=None, reason=None, response_headers=None,
                   response_body=None, response_size=None, response_truncated=False, elapsed_ms=None,
                   error=error, error_kind=outcome, outcome=outcome, forced=forced, source=source)


def _exchange(ctx: AppContext, prepared: Prepared, timeout: tuple[float, float],
              deadline: float | None) -> tuple[Prepared, Exchange, list[str]]:
    """The network part of a send: log in first where the credential needs it (Synerise's
    API key), send, and on a 401 with a cached token log in again and retry once. A failed
    login ends it: the event endpoint is never called without a token."""
    exchange_def = prepared.op.request.token_exchange
    uses_login = exchange_def is not None and prepared.credential == exchange_def.secret
    extra_secrets: list[str] = []
    if not uses_login:
        return prepared, ctx.transport.send(prepared.spec, timeout, deadline), extra_secrets
    key = _token_key(prepared.settings, prepared.credential_value)
    cached = ctx.tokens.get(key)
    current = prepared
    for retry in (False, True):
        token = None if retry else cached
        if token is None:
            ctx.tokens.pop(key, None)
            token, login = _login(ctx, prepared)
            if token is None:
                return current, _login_failed(login), extra_secrets
        extra_secrets.append(token)
        current = _with_token(ctx, prepared, token)
        result = ctx.transport.send(current.spec, timeout, deadline)
        # Only a cached token may have expired: on its 401, log in again and retry once.
        expired = cached is not None and result.response is not None and result.response.status == 401
        if retry or not expired:
            break
    return current, result, extra_secrets


def _login_failed(login: Exchange) -> Exchange:
    if login.error or login.response is None:
        reason = login.error or "no answer"
    elif login.response.ok:
        reason = f"the login answered {login.response.status} {login.response.reason} but gave no token"
    else:
        reason = f"the login answered {login.response.status} {login.response.reason}"
    # The transport's own sentence ends with a stop already ("…nothing is listening there.").
    return replace(login, error=f"Login with the API key failed: {reason.rstrip('.')}. The event was not sent.",
                   error_kind="login")


def _finish(ctx: AppContext, prepared: Prepared, result: Exchange, forced: bool,
            extra_secrets: tuple[str, ...], cancelled: bool, issues: tuple[Issue, ...],
            history_id: int, source: str) -> Outcome:
    secrets = tuple(prepared.spec.secrets) + extra_secrets
    masked = result.masked(secrets)
    rules = RULES[prepared.vendor.name]
    explanation = None
    login_failed = result.error_kind == "login"
    if masked.response is not None and not cancelled and not login_failed:
        try:
            explanation = rules.explain(prepared.op, masked.response)
        except Exception:  # an odd answer must not turn into a crash; the raw body is still shown
            explanation = None
        errors = [i for i in issues if i.is_error]
        if errors and masked.response.status >= 400:
            # The vendor's words are generic ("a rule … is broken"); the rule the console found
            # before the send is the likely one: name it.
            found = f"{errors[0].path or 'payload'}: {errors[0].message}"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            explanation = ((explanation + " ") if explanation else "") + \
                f"The console found before sending: {found}{more}"
    if cancelled:
        outcome = Ended.CANCELLED
    elif login_failed:
        outcome = Ended.LOGIN_FAILED
    else:
        outcome = Ended.ANSWERED if masked.response is not None else Ended.NO_ANSWER
    record = _record(
        prepared, masked.started_at, masked.request, secrets, issues, **answer_fields(masked),
        forced=forced, outcome=outcome, source=source,
        keys=[] if login_failed else rules.history_keys(prepared.op, prepared.payload),
    )
    try:
        ctx.history.complete(history_id, record)
        record_error = None
    except HistoryUnavailable as exc:
        record_error = str(exc).replace(" Nothing was sent.", "")
    return Outcome(masked, history_id, explanation, cancelled, record_error)


def answer_fields(masked: Exchange) -> dict[str, Any]:
    """A history record's fields for what came back (an answer, or the error instead)."""
    response = masked.response
    return dict(
        status=response.status if response else None, reason=response.reason if response else None,
        response_headers=response.headers if response else None,
        response_body=response.body if response else None,
        response_size=response.size if response else None,
        response_truncated=bool(response and response.truncated),
        error=masked.error, error_kind=masked.error_kind, elapsed_ms=masked.elapsed_ms)


def _record(prepared: Prepared, time: str, request: RequestSpec, secrets: tuple[str, ...],
            issues: tuple[Issue, ...], **outcome: Any) -> Record:
    """A history record of this draft: what was (or would have been) sent, already masked,
    plus `outcome` (status, response, error, …)."""
    payload = prepared.payload if prepared.masked_payload is None else prepared.masked_payload
    return Record(
        time=time, vendor=prepared.vendor.name, operation=prepared.op.name, profile=prepared.draft.profile,
        method=request.method, url=request.url, request_headers=request.headers, request_body=request.body,
        payload=mask_text(json.dumps(payload, ensure_ascii=False), secrets),
        settings={k: mask_userinfo(v) for k, v in prepared.settings.items()}, credential=prepared.credential,
        issues=[i.to_json() for i in issues], scope=prepared.scope, **outcome,
    )


def missing_key_hint(prepared: Prepared) -> str:
    """The command line's way to give a missing key (a window says Profiles & keys)."""
    name = prepared.op.credentials[0] if prepared.op.credentials else "key"
    return (f" Store one with 'event-console secret set {prepared.vendor.name} {prepared.draft.profile} {name}', "
            f"or give it for one run with --set {name}=…")


def record_not_sent(ctx: AppContext, prepared: Prepared, source: str = Source.CLI) -> int | None:
    """Records a send that validation stopped (outcome "not sent"), with its issues, so the
    attempt can be found, compared and fixed later."""
    errors = len(prepared.errors)
    return ctx.history.record(_unanswered(
        ctx, prepared, Ended.NOT_SENT, f"Not sent: {errors} validation error{'s' if errors != 1 else ''}.", False,
        source))


def check_credentials(ctx: AppContext, vendor: str, operation: str, profile: str) -> str:
    """Checks a profile's credential where the vendor has a way without sending an event
    (Synerise: log in with the API key). Returns a plain sentence."""
    prepared = prepare(ctx, Draft(vendor, operation, profile), check_history=False)
    ctx.ensure_sandbox_for(prepared.spec.url)
    exchange_def = prepared.op.request.token_exchange
    if prepared.credential is None:
        return "No key is set for this profile."
    if exchange_def is None or prepared.credential != exchange_def.secret:
        return f"{prepared.credential} is set; the vendor checks it when you send."
    token, login = _login(ctx, prepared)
    if token:
        ctx.tokens[_token_key(prepared.settings, prepared.credential_value)] = token
        return "Login worked: the API key is valid and a token was issued (kept in memory only)."
    failed = _login_failed(login).masked((prepared.credential_value or "",))
    return failed.error or "Login failed."
