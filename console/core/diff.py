"""Comparing two exchanges: payloads key by key, headers, status and response bodies."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from console.core.history.entry import HistoryEntry
from console.core.validation import pointer

MISSING = object()


@dataclass(frozen=True)
class Change:
    """One difference: `kind` is added, removed or changed; `path` a JSON Pointer."""

    kind: str
    path: str
    before: Any
    after: Any

    def describe(self) -> str:
        if self.kind == "added":
            return f"+ {self.path or '/'}: {json.dumps(self.after, ensure_ascii=False)}"
        if self.kind == "removed":
            return f"- {self.path or '/'}: {json.dumps(self.before, ensure_ascii=False)}"
        return (f"~ {self.path or '/'}: {json.dumps(self.before, ensure_ascii=False)} → "
                f"{json.dumps(self.after, ensure_ascii=False)}")


def json_changes(before: Any, after: Any, path: tuple[Any, ...] = ()) -> list[Change]:
    """Key-by-key (and item-by-item) differences between two JSON values."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in list(before) + [k for k in after if k not in before]:
            a, b = before.get(key, MISSING), after.get(key, MISSING)
            if a is MISSING:
                changes.append(Change("added", pointer(path + (key,)), None, b))
            elif b is MISSING:
                changes.append(Change("removed", pointer(path + (key,)), a, None))
            else:
                changes += json_changes(a, b, path + (key,))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for i in range(max(len(before), len(after))):
            if i >= len(before):
                changes.append(Change("added", pointer(path + (i,)), None, after[i]))
            elif i >= len(after):
                changes.append(Change("removed", pointer(path + (i,)), before[i], None))
            else:
                changes += json_changes(before[i], after[i], path + (i,))
        return changes
    if before != after or type(before) is not type(after):
        return [Change("changed", pointer(path), before, after)]
    return []


def _json_or_none(text: str | None) -> Any:
    if text is None:
        return MISSING
    try:
        return json.loads(text)
    except ValueError:
        return MISSING


def text_diff(before: str, after: str, a_name: str, b_name: str) -> str:
    """A unified diff of two texts (JSON is pretty-printed first so the lines line up)."""
    def lines(text: str) -> list[str]:
        value = _json_or_none(text)
        if value is not MISSING:
            text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
        return text.splitlines()

    return "\n".join(difflib.unified_diff(lines(before), lines(after), a_name, b_name, lineterm=""))


@dataclass(frozen=True)
class ExchangeDiff:
    payload: list[Change]
    request_headers: list[Change]
    response_headers: list[Change]
    status: tuple[Any, Any]
    response_body: str

    @property
    def same(self) -> bool:
        return (not self.payload and not self.request_headers and not self.response_headers
                and self.status[0] == self.status[1] and not self.response_body)


def compare(first: HistoryEntry, second: HistoryEntry) -> ExchangeDiff:
    """Differences between two recorded exchanges (as HistoryStore.get returns them)."""
    a, b = first.as_row(), second.as_row()
    pa, pb = _json_or_none(a.get("payload")), _json_or_none(b.get("payload"))
    payload = json_changes(pa, pb) if pa is not MISSING and pb is not MISSING else (
        [] if a.get("payload") == b.get("payload") else [Change("changed", "", a.get("payload"), b.get("payload"))])
    volatile = {"Content-Length", "Date", "date", "content-length"}

    def headers(row: dict[str, Any], key: str) -> dict[str, Any]:
        return {k: v for k, v in (row.get(key) or {}).items() if k not in volatile}

    body_a = (a.get("response_body") or b"").decode("utf-8", errors="replace")
    body_b = (b.get("response_body") or b"").decode("utf-8", errors="replace")
    return ExchangeDiff(
        payload=payload,
        request_headers=json_changes(headers(a, "request_headers"), headers(b, "request_headers")),
        response_headers=json_changes(headers(a, "response_headers"), headers(b, "response_headers")),
        status=(first.status_label, second.status_label),
        response_body=text_diff(body_a, body_b, f"#{a['id']}", f"#{b['id']}"),
    )
