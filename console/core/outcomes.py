"""The words history keeps about an exchange, each named once: how it ended (Outcome), where it
came from (Source) and the class the status filter sorts it into (StatusClass). The SQL that
history stores and filters by is generated here from the same tables, so Python and SQL agree.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.core.text_enum import TextEnum


class Outcome(TextEnum):
    """How an exchange ended, better than its HTTP status says (a cancelled send answered 200
    is "cancelled")."""

    ANSWERED = "answered"
    NO_ANSWER = "no-answer"  # refused, DNS, TLS, timeout, reset
    CANCELLED = "cancelled"
    NOT_SENT = "not-sent"  # validation errors: recorded, not sent
    SENDING = "sending"  # recorded before the send; replaced by what it came to
    INTERRUPTED = "interrupted"  # Ctrl+C, or a capture stopped before its answer was recorded
    LOGIN_FAILED = "login-failed"  # Synerise: the key's login failed, the event was not sent


class Source(TextEnum):
    """Where an exchange came from (the contract's `source`)."""

    WINDOW = "window"
    CLI = "cli"
    SUITE = "suite"
    CAPTURE = "capture"
    IMPORT = "import"


class StatusClass(TextEnum):
    """The history filter's classes (their text is the filter's choice)."""

    S2XX = "2xx"
    S3XX = "3xx"
    S4XX = "4xx"
    S5XX = "5xx"
    NO_ANSWER = "no answer"
    CANCELLED = "cancelled"
    NOT_SENT = "not sent"


# Outcomes whose exchange got no answer worth its status.
UNANSWERED = (Outcome.NO_ANSWER, Outcome.INTERRUPTED, Outcome.SENDING, Outcome.LOGIN_FAILED)
# The outcome that decides the class whatever the status; the rest go by status.
_BY_OUTCOME = {Outcome.CANCELLED: StatusClass.CANCELLED, Outcome.NOT_SENT: StatusClass.NOT_SENT,
               **{outcome: StatusClass.NO_ANSWER for outcome in UNANSWERED}}
# Labels for outcomes that say more than a status would.
OUTCOME_LABELS = {
    Outcome.CANCELLED: "cancelled",
    Outcome.NOT_SENT: "not sent",
    Outcome.SENDING: "sending (no answer recorded)",
    Outcome.INTERRUPTED: "interrupted",
    Outcome.LOGIN_FAILED: "login failed",
}


def status_class(status: int | None, outcome: str) -> str | None:
    """The filter's class of an exchange (STATUS_CLASS_SQL says the same in SQL)."""
    by_outcome = _BY_OUTCOME.get(outcome)  # type: ignore[call-overload]
    if by_outcome is not None:
        return str(by_outcome.value)
    if isinstance(status, int) and 100 <= status <= 599:
        return f"{status // 100}xx"
    return None


def _in(outcomes: Iterable[Outcome]) -> str:
    return "outcome IN (" + ", ".join(f"'{o.value}'" for o in outcomes) + ")"


def _outcomes_of(klass: StatusClass) -> list[Outcome]:
    return [outcome for outcome, k in _BY_OUTCOME.items() if k is klass]


# A row's class in SQL (stored, so it is indexed): status_class, generated from its table.
STATUS_CLASS_SQL = "CASE\n" + "".join(
    f"    WHEN {_in(_outcomes_of(klass))} THEN '{klass.value}'\n"
    for klass in (StatusClass.CANCELLED, StatusClass.NOT_SENT, StatusClass.NO_ANSWER)
) + "    WHEN status BETWEEN 100 AND 599 THEN (status / 100) || 'xx'\n    END"

# The filter's WHERE for each class.
STATUS_CLASS_WHERE = {
    **{f"{n}xx": f"status BETWEEN {n}00 AND {n}99" for n in (2, 3, 4, 5)},
    **{klass.value: _in(_outcomes_of(klass))
       for klass in (StatusClass.NO_ANSWER, StatusClass.CANCELLED, StatusClass.NOT_SENT)},
}
