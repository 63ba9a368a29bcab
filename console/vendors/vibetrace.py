"""VibeTrace: legacy GET tracking and REST v1 events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from console.core.cookies import CookieError, parse_vt_user
from console.core.definitions import Operation
from console.core.exchange import RequestSpec, Response
from console.core.issue_codes import IssueCode
from console.core.validation import ERROR, WARNING, Issue
from console.vendors.base import CheckContext, VendorRules, json_error_items

NAME = "vibetrace"
# The documents name an "email open" event without giving its type string; these are the
# spellings treated as one. [guess]: the type string of an email open is not documented.
EMAIL_OPEN_TYPES = frozenset({"email_open", "emailOpen", "emailopen", "email.open", "open"})
EMAIL_OPEN_WINDOW = timedelta(minutes=20)
URL_WARN_BYTES = 8 * 1024
PATH_UNSAFE = set("/\\?#% \t\r\n")


def _events(payload: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(payload, list):
        return []
    return [(i, e) for i, e in enumerate(payload) if isinstance(e, dict)]


def _who(event: dict[str, Any]) -> str | None:
    for key in ("email", "userId", "_vtsid"):
        if isinstance(event.get(key), (str, int)) and str(event[key]):
            return f"{key}={event[key]}"
    return None


def _order_id(event: dict[str, Any]) -> str | None:
    generic = event.get("generic")
    if event.get("type") == "confirmation" and isinstance(generic, dict):
        order = generic.get("orderId")
        if isinstance(order, (str, int)) and str(order):
            return str(order)
    return None


def _rest_events(payload: Any) -> list[tuple[str, dict[str, Any]]]:
    """REST v1 events as (type, body): the JavaScript event format names the type as the key,
    e.g. {"confirmation": {"items": […], "generic": {"orderId": …}}}."""
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict):
        return []
    return [(name, body) for name, body in event.items() if isinstance(body, dict)]


def _rest_who(payload: Any) -> str | None:
    user = payload.get("user") if isinstance(payload, dict) else None
    if isinstance(user, dict):
        for key in ("email", "_id"):
            if isinstance(user.get(key), str) and user[key]:
                return f"{'email' if key == 'email' else 'userId'}={user[key]}"
    return None


def _restricted(op: Operation, payload: Any) -> list[tuple[str, str | None, str | None, str | None]]:
    """(JSON Pointer, orderId or None, event type, who) of each event the "Events
    restrictions" apply to, for either API."""
    found: list[tuple[str, str | None, str | None, str | None]] = []
    if op.name == "track":
        for i, event in _events(payload):
            found.append((f"/{i}", _order_id(event), event.get("type"), _who(event)))
    elif op.name == "rest-event":
        who = _rest_who(payload)
        for name, body in _rest_events(payload):
            order = _order_id({"type": name, **body}) if name == "confirmation" else None
            found.append((f"/event/{name}", order, name, who))
    return found


class VibeTraceRules(VendorRules):
    name = NAME

    def template_values(self, op: Operation, payload: Any, settings: dict[str, str]) -> dict[str, str]:
        if op.name != "track":
            return {}
        events = _events(payload)
        event_type = events[0][1].get("type") if events else None
        event_type = event_type if isinstance(event_type, str) else ""
        in_path = settings.get("type_in_path", "yes") != "no"
        return {"event_type": event_type, "event_path_type": event_type if in_path else ""}

    def history_scope(self, op: Operation, settings: dict[str, str]) -> str:
        # The documents limit confirmations and email opens per VibeTrace account, whichever
        # profile (or API) sends them.
        account = settings.get("account_id", "")
        return f"account:{account}" if account else ""

    def payload_issues(self, op: Operation, payload: Any, ctx: CheckContext) -> list[Issue]:
        issues: list[Issue] = []
        if op.name == "track":
            issues += self._track_issues(payload)
        if ctx.history is None:
            return issues
        for where, order, event_type, who in _restricted(op, payload):
            order_path = f"{where}/generic/orderId"
            type_path = f"{where}/type" if op.name == "track" else where
            if order is not None:
                hit = ctx.history.find(f"order/{order}")
                if hit:
                    issues.append(Issue(WARNING, order_path, (
                        f"A confirmation with orderId {order!r} was already sent (history #{hit.id}, {hit.time}): "
                        "VibeTrace keeps only the first one per orderId and discards this one."), IssueCode.VIBETRACE_ORDER_REPEATED, hit.id))
            if isinstance(event_type, str) and event_type in EMAIL_OPEN_TYPES and who:
                hit = ctx.history.find(f"email-open/{who}", since=ctx.now - EMAIL_OPEN_WINDOW)
                if hit:
                    issues.append(Issue(WARNING, type_path, (
                        f"An email open for {who} was already sent within 20 minutes (history #{hit.id}, {hit.time}): "
                        "VibeTrace keeps one email open per 20 minutes and discards this one."), IssueCode.VIBETRACE_EMAIL_OPEN_REPEATED,
                        hit.id))
        return issues

    def _track_issues(self, payload: Any) -> list[Issue]:
        issues: list[Issue] = []
        events = _events(payload)
        first_type = events[0][1].get("type") if events else None
        for i, event in events:
            event_type = event.get("type")
            if isinstance(event_type, str):
                if i and isinstance(first_type, str) and event_type != first_type:  # doc: vibetrace-track-get.txt:41
                    issues.append(Issue(ERROR, f"/{i}/type", (
                        f"All events of one request must have the same type (it is part of the URL): "
                        f"event 1 is {first_type!r}, event {i + 1} is {event_type!r}. Send them separately."), IssueCode.VIBETRACE_MIXED_TYPES))
                if PATH_UNSAFE & set(event_type):
                    # Percent-encoded in the path, so sent faithfully; the document's types are words.
                    issues.append(Issue(WARNING, f"/{i}/type", (
                        f"type {event_type!r} goes into the URL path percent-encoded ({quote(event_type, safe='')}); "
                        "the document's types are single words (confirmation, login), so check the name."), IssueCode.VIBETRACE_TYPE_ENCODED))
                elif event_type in (".", ".."):
                    # not a vendor rule: no HTTP client keeps a path segment of . or .. (the request cannot be built)
                    issues.append(Issue(ERROR, f"/{i}/type", (
                        f"type {event_type!r} goes into the URL path, where {event_type!r} means "
                        f"{'this' if event_type == '.' else 'the parent'} folder: the request would lose its "
                        "account and type. Use the event's real type."), IssueCode.VIBETRACE_TYPE_DOT_SEGMENT))
            for key in ("userId", "sessionId"):
                value = event.get(key)
                if isinstance(value, str) and "_" in value:
                    try:
                        parsed = parse_vt_user(value)
                        hint = f" use {parsed.user_id} as userId and {parsed.session_id} as sessionId."
                    except CookieError:
                        hint = " use only the first (userId) and second (sessionId) fields."
                    # doc: vibetrace-track-get.txt:21
                    issues.append(Issue(ERROR, f"/{i}/{key}",
                                        f"{key} looks like a whole _vt_user cookie value:{hint}",
                                        IssueCode.VIBETRACE_WHOLE_COOKIE))
            if "_vtsid" in event and ("userId" in event or "sessionId" in event):
                issues.append(Issue(WARNING, f"/{i}/_vtsid", (
                    "_vtsid is sent from the server alone: the web pixel already tied it to userId and "
                    "sessionId, so they are not needed here."), IssueCode.VIBETRACE_VTSID_WITH_IDS))
        return issues

    def request_issues(self, op: Operation, spec: RequestSpec) -> list[Issue]:
        if op.name == "track" and len(spec.url.encode()) > URL_WARN_BYTES:
            return [Issue(WARNING, "", (
                f"The URL is {len(spec.url.encode()):,} bytes long; the events ride in the query string and "
                "servers often refuse URLs over about 8 KB. Send fewer events per request."), IssueCode.VIBETRACE_URL_TOO_LONG)]
        return []

    def history_keys(self, op: Operation, payload: Any) -> list[str]:
        keys = []
        for _, order, event_type, who in _restricted(op, payload):
            if order is not None:
                keys.append(f"order/{order}")
            if isinstance(event_type, str) and event_type in EMAIL_OPEN_TYPES and who:
                keys.append(f"email-open/{who}")
        return keys

    def explain(self, op: Operation, response: Response) -> str | None:
        body = response.json()
        errors = json_error_items(body, "errors")
        if errors:
            parts = [" — ".join(str(e.get(k)) for k in ("message", "description") if e.get(k)) for e in errors]
            text = "VibeTrace refused the request: " + "; ".join(parts) + "."
            if any("user" in p.lower() and "not" in p.lower() for p in parts):
                text += " The user must already exist in VibeTrace."
            return text
        if response.status in (401, 403):
            return ("VibeTrace refused the API key: copy it from the account profile (sent raw, without "
                    "'Bearer'); your account manager must enable API access.")
        if response.status == 404:
            return "VibeTrace has no such path: paths are case-sensitive and /x is not /x/."
        if response.ok and op.name == "track":
            return "Received. VibeTrace does not document its tracking answers: check the user's profile to see the event."
        if response.ok:
            return "Event created. Check the user's profile in a little while to see it."
        return None


RULES = VibeTraceRules()
