"""Quick fixes: an issue that has one obvious fix offers it, as GA4's Event Builder guides a
field. The fix is read from the operation's schema and the value as it stands (never from the
issue's wording): text ↔ number for a type error, a string trimmed to its documented limit,
the documented choice closest to what was typed, and for VibeTrace's track, event 1's type
(the one in the URL path) for an event whose type differs."""

from __future__ import annotations

import difflib
from typing import Any, NamedTuple

from console.core.definitions import Operation, Vendor, schema_at
from console.core.validation import Issue, path_of, value_at

_ABSENT = object()


class QuickFix(NamedTuple):
    """What to put at `path` (a JSON Pointer) to fix an issue, and how to say it."""

    label: str
    path: str
    value: Any


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("type")
    return {kinds} if isinstance(kinds, str) else set(kinds or ())


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return None
        return value if value == value and abs(value) != float("inf") else None


def quick_fix(vendor: Vendor, op: Operation, payload: Any, issue: Issue) -> QuickFix | None:
    """The one obvious fix of `issue` for `payload`, or None when there is none (or several)."""
    if not issue.is_error or not issue.path.startswith("/"):
        return None
    value = value_at(payload, issue.path, _ABSENT)
    if value is _ABSENT:
        return None
    if vendor.name == "vibetrace" and op.name == "track" and issue.path.endswith("/type") and issue.is_error:
        first = value_at(payload, "/0/type", None)
        if isinstance(first, str) and isinstance(value, str) and value != first:
            return QuickFix(f"Use {first!r}, event 1's type (the one in the URL path)", issue.path, first)
    node = schema_at(op.schema, vendor.defs, path_of(issue.path))
    kinds = _types(node)
    if "enum" in node and value not in node["enum"]:
        choices = [c for c in node["enum"] if c is not None]
        shown = {str(c): c for c in choices}
        match = difflib.get_close_matches(str(value), list(shown), n=1, cutoff=0.5)
        if not match and isinstance(value, str):
            lowered = {k.lower(): k for k in shown}
            match = [lowered[value.strip().lower()]] if value.strip().lower() in lowered else []
        if match:
            return QuickFix(f"Use {shown[match[0]]!r}, the documented value closest to {value!r}", issue.path,
                            shown[match[0]])
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kinds == {"string"}:
        return QuickFix(f"Make it text: \"{value}\"", issue.path, str(value))
    if isinstance(value, str) and kinds and kinds <= {"integer", "number"} and "x-number" not in node:
        number = _number(value.strip())
        if number is not None and ("integer" not in kinds or isinstance(number, int) or "number" in kinds):
            return QuickFix(f"Make it a number: {number}", issue.path, number)
    limit = node.get("maxLength")
    if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
        return QuickFix(f"Trim it to its {limit} characters", issue.path, value[:limit])
    return None
