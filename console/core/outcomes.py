"""How an exchange ended, in one word: the label every list shows (kept apart from
console.core.history so the window can use it before its first paint without loading SQLite)."""

from __future__ import annotations

from typing import Any

OUTCOME_LABELS = {
    "cancelled": "cancelled",
    "not-sent": "not sent",
    "sending": "sending (no answer recorded)",
    "interrupted": "interrupted",
    "login-failed": "login failed",
}


def status_label(row: dict[str, Any]) -> str:
    """The one short word for how an exchange ended, for every list (window, command line,
    exports): an outcome that overrides the status (a cancelled send answered 200 is
    "cancelled"), else the HTTP status, else the kind of error."""
    label = OUTCOME_LABELS.get(row.get("outcome"))
    if label:
        return label
    if row.get("status") is not None:
        return str(row["status"])
    return str(row.get("error_kind") or "no answer")
