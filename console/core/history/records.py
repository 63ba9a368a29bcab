"""What history stores and how it is asked: Record (one exchange to store, secrets masked
already), HistoryFilter (what a list shows), Retention (how much is kept), Progress.

NamedTuples, not dataclasses: every command that reads history imports these, and building three
dataclasses (and importing their module) cost more than the rest of the history store's import
(bench/history_cli.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from console.core.history.entry import event_name_of, issue_counts
from console.core.outcomes import Source, status_class

# progress(done, total): how far a long change is (total None when not known ahead).
Progress = Callable[[int, "int | None"], None]


class Record(NamedTuple):
    """One exchange to store, secrets already masked."""

    time: str
    vendor: str
    operation: str
    profile: str
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    payload: str | None
    settings: dict[str, str]
    credential: str | None
    status: int | None
    reason: str | None
    response_headers: dict[str, str] | None
    response_body: bytes | None
    response_size: int | None
    response_truncated: bool
    error: str | None
    error_kind: str | None
    elapsed_ms: float | None
    issues: list[dict[str, str]]
    forced: bool
    outcome: str
    keys: list[str] = []  # noqa: RUF012 - shared by records made without keys, and never changed in place
    # Where the keys count (vendor rules say; the profile when empty): VibeTrace's dedupe is
    # per account, so two profiles for one account share it.
    scope: str = ""
    source: str = Source.CLI

    def row(self) -> tuple[Any, ...]:
        """The list row's values, in _ROW_COLUMNS order."""
        return (
            self.time, self.vendor, self.operation, self.profile, self.method, self.url, self.credential,
            self.status, self.reason, self.response_size, int(self.response_truncated), self.error,
            self.error_kind, self.elapsed_ms, json.dumps(self.issues), int(self.forced), self.outcome,
            self.source, status_class(self.status, self.outcome), len(self.request_body or b""),
            event_name_of(self.payload), *issue_counts(self.issues),
        )

    def bodies(self) -> tuple[Any, ...]:
        """The bodies' values, in _BODY_COLUMNS order."""
        return (
            json.dumps(self.request_headers), self.request_body, self.payload, json.dumps(self.settings),
            None if self.response_headers is None else json.dumps(self.response_headers), self.response_body,
        )


class HistoryFilter(NamedTuple):
    """What the list shows: every field empty means everything."""

    vendor: str = ""
    operation: str = ""
    profile: str = ""
    status_class: str = ""  # a key of STATUS_CLASS_WHERE (a StatusClass)
    since: str = ""  # ISO 8601, inclusive
    until: str = ""  # ISO 8601, exclusive
    search: str = ""
    pinned_only: bool = False
    source: str = ""  # window, cli, suite, capture or import
    issues: str = ""  # a key of ISSUE_FILTERS: "errors" or "warnings"


class Retention(NamedTuple):
    """Keep the last `keep_last` exchanges and those of the last `keep_days` days (0: no
    limit); pinned exchanges are always kept."""

    keep_last: int = 0
    keep_days: int = 0

    @property
    def keeps_everything(self) -> bool:
        """No limit set: retention has nothing to remove."""
        return not self.keep_last and not self.keep_days
