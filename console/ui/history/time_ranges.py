"""The history time filter's choices and the UTC range each one means now."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CUSTOM_RANGE = "From… to…"
# A choice → how far back it reaches from now (None: no limit, a calendar day, or custom).
TIME_RANGES = {"Any time": None, "Last hour": timedelta(hours=1), "Today": None, "Yesterday": None,
               "Last 24 hours": timedelta(days=1), "Last 7 days": timedelta(days=7), "Last 30 days": timedelta(days=30),
               CUSTOM_RANGE: None}


def calendar_day(name: str, now: datetime) -> tuple[str, str]:
    """(since, until) in UTC ISO text for "Today" or "Yesterday" on the local calendar."""
    midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight if name == "Today" else midnight - timedelta(days=1)
    end = start + timedelta(days=1)
    since, until = (t.astimezone(timezone.utc).isoformat(timespec="milliseconds") for t in (start, end))
    return since, until


def time_range(choice: str, now: datetime) -> tuple[str, str]:
    """(since, until) in UTC ISO text ("" for open) of a choice other than the custom range."""
    span = TIME_RANGES.get(choice)
    if span is not None:
        return (now - span).isoformat(timespec="milliseconds"), ""
    if choice in ("Today", "Yesterday"):
        return calendar_day(choice, now)
    return "", ""
