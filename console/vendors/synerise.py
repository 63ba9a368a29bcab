"""Synerise: v4 custom and batch events, and the AI (recommendation) events."""

from __future__ import annotations

from typing import Any

from console.core.definitions import Operation
from console.core.exchange import Response
from console.core.issue_codes import IssueCode
from console.core.schema_values import parse_iso_datetime
from console.core.validation import ERROR, WARNING, Issue
from console.vendors.base import CheckContext, VendorRules

NAME = "synerise"
AI_EVENT_TYPES = ("recommendation.view", "recommendation.click", "item.search.click")


def _is_transaction(name: Any) -> bool:
    return isinstance(name, str) and (
        name.lower().startswith("transaction") or name.lower() in {"product.buy", "transactions"}
    )


def _event_issues(prefix: str, event: dict[str, Any], ctx: CheckContext, in_batch: bool) -> list[Issue]:
    issues = []
    action = event.get("action")
    kind = event.get("type")
    if action in AI_EVENT_TYPES or kind in AI_EVENT_TYPES:  # doc: synerise-sending-events.txt:20
        issues.append(Issue(ERROR, f"{prefix}/action" if action in AI_EVENT_TYPES else f"{prefix}/type", (
            f"{action or kind} is a recommendation event: it must be sent to the AI events API "
            "(operation ai-event or ai-batch), not to /v4/events."), IssueCode.SYNERISE_AI_EVENT_ENDPOINT))
    if _is_transaction(action) or _is_transaction(kind):
        issues.append(Issue(WARNING, f"{prefix}/action" if _is_transaction(action) else f"{prefix}/type", (
            "This looks like a transaction: send transactions to /v4/transactions. Sent as a custom "
            "event, no product.buy sub-events are generated and the transaction is not handled."), IssueCode.SYNERISE_TRANSACTION))
    if in_batch and isinstance(kind, str) and kind != "custom" and "action" in event:
        # The document: for an event with a dedicated endpoint, "remove the action parameter".
        # doc: synerise-sending-events.txt:94
        issues.append(Issue(ERROR, f"{prefix}/action", (
            f"A {kind!r} event has its own endpoint, so in a batch it takes no action: remove action "
            "(only \"type\": \"custom\" events carry one)."), IssueCode.SYNERISE_BATCH_ACTION))
    stated = event.get("time")
    when = parse_iso_datetime(stated) if isinstance(stated, str) else None
    if when is not None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=ctx.now.tzinfo)
        if when > ctx.now:
            issues.append(Issue(WARNING, f"{prefix}/time", (
                f"time {event['time']} is in the future: Synerise rejects it and records the time it "
                "receives the event instead."), IssueCode.SYNERISE_TIME_FUTURE))
    return issues


# Unix time in milliseconds passed 10^11 in 1973; in seconds it will not reach it for
# thousands of years. A value below this is seconds sent where milliseconds are documented.
MILLISECONDS_FROM = 10**11


def _ai_time_issue(prefix: str, event: dict[str, Any], ctx: CheckContext) -> list[Issue]:
    stamp = event.get("eventTimestamp")
    when = None
    if isinstance(stamp, int) and not isinstance(stamp, bool):
        if 0 < stamp < MILLISECONDS_FROM:
            return [Issue(WARNING, f"{prefix}/eventTimestamp", (
                f"eventTimestamp {stamp} looks like Unix time in seconds; the document says milliseconds "
                f"(that would be {stamp * 1000}). As sent it means a moment in 1970."), IssueCode.SYNERISE_TIMESTAMP_SECONDS)]
        when = ctx.now.timestamp() * 1000 < stamp
    elif isinstance(stamp, str):
        parsed = parse_iso_datetime(stamp)
        if parsed is not None:
            when = (parsed if parsed.tzinfo else parsed.replace(tzinfo=ctx.now.tzinfo)) > ctx.now
    if when:
        return [Issue(WARNING, f"{prefix}/eventTimestamp", (
            "eventTimestamp is in the future: AI events keep it as given, so the event is saved with a "
            "future occurrence time (Unix time is in milliseconds here, not seconds)."), IssueCode.SYNERISE_TIMESTAMP_FUTURE)]
    return []


class SyneriseRules(VendorRules):
    name = NAME

    def payload_issues(self, op: Operation, payload: Any, ctx: CheckContext) -> list[Issue]:
        if op.name == "custom" and isinstance(payload, dict):
            return _event_issues("", payload, ctx, in_batch=False)
        if op.name == "batch" and isinstance(payload, list):
            return [issue for i, e in enumerate(payload) if isinstance(e, dict)
                    for issue in _event_issues(f"/{i}", e, ctx, in_batch=True)]
        if op.name == "ai-event" and isinstance(payload, dict):
            return _ai_time_issue("", payload, ctx)
        if op.name == "ai-batch" and isinstance(payload, dict) and isinstance(payload.get("items"), list):
            return [issue for i, e in enumerate(payload["items"]) if isinstance(e, dict)
                    for issue in _ai_time_issue(f"/items/{i}", e, ctx)]
        return []

    def explain(self, op: Operation, response: Response) -> str | None:
        body = response.json()
        if response.status == 401:
            return ("Synerise refused the authorization: the JWT is missing, wrong or expired, or the "
                    "API key / tracker key is wrong.")
        if response.status == 403:
            return "Synerise: this key is not allowed to do that (check the API key's permissions)."
        if isinstance(body, dict) and not response.ok:
            code = body.get("errorCode") or body.get("error")
            message = body.get("message") or body.get("error_description")
            if code or message:
                return f"Synerise refused the request ({code}): {message}"
        if response.status == 202:
            return "Accepted: Synerise queued the event for processing."
        return None


RULES = SyneriseRules()
