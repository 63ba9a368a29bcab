"""What the definitions' own words mean for a value, where the schema check's two ways (the
fast path, console/core/schema_fast_path.py, and jsonschema's, console/core/validation.py) and
the vendors' rules ask: the formats checked (`email`, `date-time`, `uuid`) and `x-number`'s
limits on a number or a numeric string."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

# An address as RFC 5322's dot-atom (no leading, trailing or doubled dot in the local part),
# with the non-ASCII letters of internationalised addresses (RFC 6531) allowed on both sides:
# is_email stands each non-ASCII character in for a letter and matches this ASCII pattern
# (a class spanning all of Unicode took ~30 ms to compile, at every run that checked an email).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


@cache
def _email_pattern() -> re.Pattern[str]:
    return re.compile(rf"^(?={_ATEXT.replace('[', '[.', 1)}{{1,64}}@){_ATEXT}+(?:\.{_ATEXT}+)*@{_LABEL}(?:\.{_LABEL})+$")


def is_iso_datetime(value: str) -> bool:
    """ISO 8601 date and time, e.g. 2022-05-23T09:00:00-04:00 or 2022-05-23T13:00:00.176Z."""
    if not isinstance(value, str) or "T" not in value.upper():
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def parse_iso_datetime(value: str) -> datetime | None:
    if not is_iso_datetime(value):
        return None
    return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))


def is_email(value: str) -> bool:
    if not isinstance(value, str) or len(value) > 254 or any(c.isspace() for c in value):
        return False
    if not value.isascii():
        value = "".join(c if c.isascii() else "a" for c in value)  # a non-ASCII letter counts as one
    return bool(_email_pattern().match(value))


def is_uuid(value: str) -> bool:
    return isinstance(value, str) and bool(UUID.match(value))


def numeric_value(value: Any) -> float | None:
    """The value of a number or a numeric string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        return float(value)
    return None


def number_failures(value: float, spec: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    """The `x-number` limits that `value` fails: (what is wrong, the limits it failed, whether
    they are only a warning's). `spec` holds the documented limits; its `warn`, limits of ours
    (a whole number, a minimum the document does not give). The one place this rule lives:
    the jsonschema keyword and the fast path (console.core.schema_fast_path) both ask it."""
    failed = []
    for limits, warning in ((spec, False), (spec.get("warn") or {}, True)):
        for failing, message in (
                (limits.get("integer") and value != int(value), "is not a whole number"),
                ("enum" in limits and value not in limits["enum"], "not allowed"),
                ("minimum" in limits and value < limits["minimum"], "below minimum"),
                ("maximum" in limits and value > limits["maximum"], "above maximum")):
            if failing:
                failed.append((message, limits, warning))
    return failed


# The formats checked, and how: every other `format` in a definition is not checked.
FORMATS = {"email": is_email, "date-time": is_iso_datetime, "uuid": is_uuid}
