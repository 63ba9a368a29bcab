"""What a vendor adds to its data definition: rules that need code, and plain-word answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from console.core.definitions import Operation
from console.core.exchange import RequestSpec, Response
from console.core.validation import Issue


@dataclass(frozen=True)
class HistoryHit:
    """An earlier exchange found in history."""

    id: int
    time: str


class HistoryLookup(Protocol):
    """Finds the newest earlier exchange recorded under a key (same vendor and profile),
    answered 2xx, no older than `since` when given."""

    def find(self, key: str, since: datetime | None = None) -> HistoryHit | None: ...


@dataclass(frozen=True)
class CheckContext:
    """What vendor rules may consult: the clock, history, the settings of this send."""

    now: datetime
    history: HistoryLookup | None
    settings: dict[str, str]


class VendorRules:
    """Default: no extra rules. Each vendor module subclasses this."""

    name = ""

    def template_values(self, op: Operation, payload: Any, settings: dict[str, str]) -> dict[str, str]:
        """Values for placeholders that come from the payload (e.g. VibeTrace's event type)."""
        return {}

    def payload_issues(self, op: Operation, payload: Any, ctx: CheckContext) -> list[Issue]:
        """Rules the JSON Schema cannot say: cross-field, clock and history rules."""
        return []

    def request_issues(self, op: Operation, spec: RequestSpec) -> list[Issue]:
        """Rules on the built request: body size, URL length."""
        return []

    def history_scope(self, op: Operation, settings: dict[str, str]) -> str:
        """Where history rules look for earlier sends (the scope of `history_keys`): "" for
        the profile of the send; a vendor whose limits are per account names the account."""
        return ""

    def history_keys(self, op: Operation, payload: Any) -> list[str]:
        """Keys under which this send is recorded, for later history rules to find."""
        return []

    def explain(self, op: Operation, response: Response) -> str | None:
        """The vendor's answer in plain words, or None when there is nothing to add."""
        return None


def json_error_items(body: Any, key: str) -> list[dict[str, Any]]:
    """`body[key]` when it is a list of objects (a vendor's error list), else []."""
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return [e for e in body[key] if isinstance(e, dict)]
    return []
