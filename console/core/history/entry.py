"""HistoryEntry: one recorded exchange as every reader sees it (the history list, the command
line, exports, the diff). Built from a stored row with every field of the type readers expect:
rows come from files of other versions and from imports, and a wrong type is shown as text
or left out, never passed on to crash a list, an export or the window.

A NamedTuple, like the definitions' records: the history list imports it before the window's
first paint, and a NamedTuple costs a fraction of a dataclass to build.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from console.core.outcomes import OUTCOME_LABELS, Outcome

if TYPE_CHECKING:
    from console.core.exchange import Exchange

# Columns a list reads (no bodies); the rest come with `HistoryStore.get`.
LIST_FIELDS = ("id", "time", "vendor", "operation", "profile", "method", "url", "status", "reason", "error",
               "error_kind", "elapsed_ms", "outcome", "forced", "pinned", "response_size", "source", "event_name",
               "errors", "warnings")
# The issue filter's choices and the stored count each looks at (see issue_counts): a row with
# at least one.
ISSUE_FILTERS = {"errors": "error", "warnings": "warning"}


def issue_counts(issues: Any) -> tuple[int, int]:
    """(errors, warnings) among a list of issues (dicts with a severity): what history stores
    beside each exchange, so lists show a mark and filters find them without reading issues."""
    errors = warnings = 0
    for issue in issues if isinstance(issues, (list, tuple)) else ():
        severity = issue.get("severity") if isinstance(issue, dict) else None
        errors += severity == "error"
        warnings += severity == "warning"
    return errors, warnings
# Fields that name an event, in the order they are looked for (Synerise's action, myTracker's
# customEventName, Octeth's event, VibeTrace's type, the AI events' eventType, a label).
EVENT_NAME_FIELDS = ("action", "customEventName", "event", "type", "eventType", "label")


def event_name_of(payload: str | None) -> str | None:
    """The name of the event a payload sends (its first event's, for a batch), for lists."""
    if not payload:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict):
        return None
    for name in EVENT_NAME_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value:
            return value[:80]
        if isinstance(value, dict) and value:  # VibeTrace REST: {"event": {"update": …}}
            return str(next(iter(value)))[:80]
    return None


class HistoryEntry(NamedTuple):
    """A recorded exchange. Bodies, headers, payload, settings and issues are None (or
    empty) when the entry was read for a list."""

    id: int
    time: str
    vendor: str
    operation: str
    profile: str
    method: str
    url: str
    status: int | None = None
    reason: str | None = None
    error: str | None = None
    error_kind: str | None = None
    elapsed_ms: float | None = None
    outcome: str = Outcome.ANSWERED
    forced: bool = False
    pinned: bool = False
    response_size: int | None = None
    source: str | None = None
    request_headers: dict[str, str] | None = None
    request_body: bytes | None = None
    payload: str | None = None
    settings: dict[str, str] | None = None
    credential: str | None = None
    response_headers: dict[str, str] | None = None
    response_body: bytes | None = None
    response_truncated: bool = False
    issues: tuple[dict[str, str], ...] = ()
    request_size: int | None = None  # the request body's size, when read without bodies
    event_name: str | None = None  # the event's own name (action, customEventName, type, …)
    matched: str | None = None  # for a search: the text that matched, [marked]
    errors: int = 0  # how many of its issues are errors (stored: lists read no issues)
    warnings: int = 0

    @property
    def issue_mark(self) -> str:
        """Its issues at a glance, for every list: "✖ 2 errors, ⚠ 1 warning", or ""."""
        parts = []
        if self.errors:
            parts.append(f"✖ {self.errors} error{'s' if self.errors != 1 else ''}")
        if self.warnings:
            parts.append(f"⚠ {self.warnings} warning{'s' if self.warnings != 1 else ''}")
        return ", ".join(parts)

    @property
    def status_label(self) -> str:
        """How it ended, in one word, for every list (window, command line, exports): an
        outcome that overrides the status, else the HTTP status, else the kind of error."""
        label = OUTCOME_LABELS.get(self.outcome)  # type: ignore[call-overload]  # a stored text, or an Outcome
        if label:
            return str(label)
        if self.status is not None:
            return str(self.status)
        return str(self.error_kind or "no answer")

    @property
    def answered(self) -> bool:
        return self.status is not None

    def to_exchange(self) -> Exchange:
        """The exchange as the pipeline produced it (masked, as it was stored)."""
        from console.core.exchange import Exchange, RequestSpec, Response

        request = RequestSpec(self.method, self.url, dict(self.request_headers or {}), self.request_body or b"")
        response = None
        if self.status is not None:
            response = Response(self.status, self.reason or "", dict(self.response_headers or {}),
                                self.response_body or b"", self.response_size or 0, self.response_truncated)
        return Exchange(request, response, self.error, self.error_kind, self.elapsed_ms or 0.0, self.time)

    def to_json(self) -> dict[str, Any]:
        """`history --json`'s object for it (see the contract)."""
        return {"id": self.id, "time": self.time, "vendor": self.vendor, "operation": self.operation,
                "profile": self.profile, "method": self.method, "url": self.url, "status": self.status,
                "reason": self.reason, "status_label": self.status_label, "error": self.error,
                "error_kind": self.error_kind, "elapsed_ms": self.elapsed_ms, "outcome": self.outcome,
                "source": self.source, "issues": [dict(i) for i in self.issues], "pinned": self.pinned,
                "forced": self.forced}

    def as_row(self) -> dict[str, Any]:
        """A plain dict of every field (exports write these)."""
        row = self._asdict()
        row["issues"] = [dict(i) for i in self.issues]
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> HistoryEntry:
        """An entry from a stored row (list columns, or every column), types made right.
        Tested the usual way first (a type check that passes), since lists, searches and
        exports make one for every row they read."""
        values: dict[str, Any] = {name: row[name] for name in cls._fields if name in row}
        get = values.get
        for name in _TEXT:
            value = get(name)
            if type(value) is not str:
                values[name] = "" if value is None else str(value)
        values["outcome"] = values["outcome"] or Outcome.ANSWERED
        for name in _OPTIONAL_TEXT:
            value = get(name)
            if value is not None and type(value) is not str:
                values[name] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        status = get("status")
        if not (type(status) is int and 100 <= status <= 999):
            values["status"] = None
        for name in _SIZES:
            if not isinstance(get(name), int):
                values[name] = None
        if not isinstance(get("elapsed_ms"), (int, float)):
            values["elapsed_ms"] = None
        for name in _FLAGS:
            value = get(name)
            values[name] = bool(value) if isinstance(value, (int, float)) else False
        for name in _BODIES:
            value = get(name)
            if type(value) is str:
                values[name] = value.encode("utf-8", "replace")
        for name in _OBJECTS:
            if name in values:
                values[name] = _json_object(values[name])
        issues = values["issues"] = _issues(get("issues"))
        for name in ("errors", "warnings"):  # NULL in a file older than the counts: counted from its issues
            value = get(name)
            if type(value) is not int:
                values[name] = issue_counts(issues)[name == "warnings"] if issues else 0
        identity = get("id")
        values["id"] = identity if isinstance(identity, int) else 0
        return cls(**values)


# Columns from_row makes text (empty when missing), text or None, a size, a flag, bytes, and
# a {name: text} object.
_TEXT = ("time", "vendor", "operation", "profile", "method", "url", "outcome")
_OPTIONAL_TEXT = ("reason", "error", "error_kind", "credential", "payload", "source", "event_name", "matched")
_SIZES = ("response_size", "request_size")
_FLAGS = ("forced", "pinned", "response_truncated")
_BODIES = ("request_body", "response_body")
_OBJECTS = ("request_headers", "settings", "response_headers")


def _json_object(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    parsed = isinstance(value, (str, bytes))
    if parsed:
        try:
            value = json.loads(value)
        except (TypeError, ValueError, RecursionError):
            return {}
    if not isinstance(value, dict):
        return {}
    if parsed and all(type(v) is str for v in value.values()):  # as stored (a new dict, JSON's keys text)
        return value
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def _issues(value: Any) -> tuple[dict[str, str], ...]:
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except (TypeError, ValueError, RecursionError):
            return ()
    if not isinstance(value, list):
        return ()
    return tuple({k: str(i.get(k, "")) for k in ("severity", "path", "message", "plan") if k != "plan" or "plan" in i}
                 for i in value if isinstance(i, dict))
