"""myTracker S2S: registration, login and custom events, single and in batches."""

from __future__ import annotations

import re
from typing import Any

from console.core.definitions import Operation, vendors
from console.core.exchange import RequestSpec, Response
from console.core.issue_codes import IssueCode
from console.core.validation import ERROR, WARNING, Issue, pointer
from console.vendors.base import CheckContext, VendorRules

NAME = "mytracker"
ERRORS = {
    "bad request": "myTracker did not accept the parameters: a rule of the parameter table is broken.",
    "forbidden": "myTracker refused the token: it is wrong, or not for this app (idApp).",
    "empty post data": "The request body was empty.",
    "bad json": "The body is not valid JSON.",
    "bad api version": "The API version in the path is not supported (use /v1/).",
    "method not found": "No such method: use registration, login, customEvent or their …Batch forms.",
    "internal server error": "myTracker failed internally; try again later.",
}


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class MyTrackerRules(VendorRules):
    name = NAME

    def payload_issues(self, op: Operation, payload: Any, ctx: CheckContext) -> list[Issue]:
        """The console's advice (a warning): a custom event parameter holding an email address,
        personal data that myTracker keeps as it is and shows in reports."""
        if op.name not in ("customEvent", "customEventBatch"):
            return []
        events = list(enumerate(payload)) if isinstance(payload, list) else [(None, payload)]
        issues = []
        for index, event in events:
            params = event.get("customEventParams") if isinstance(event, dict) else None
            if not isinstance(params, dict):
                continue
            for key, value in params.items():
                if isinstance(value, str) and EMAIL.fullmatch(value.strip()):
                    where = ([] if index is None else [index]) + ["customEventParams", key]
                    issues.append(Issue(WARNING, pointer(where), (
                        f"customEventParams {key!r} holds an email address ({value.strip()}). myTracker keeps "
                        "event parameters as they are and shows them in reports: send a person's email only if "
                        "you mean to (customUserId says who it was). This is the console's advice."), IssueCode.MYTRACKER_EMAIL_IN_PARAMS))
        return issues

    def request_issues(self, op: Operation, spec: RequestSpec) -> list[Issue]:
        limit = vendors()[NAME].limits["max_body_bytes"]  # "10Kb" in the document
        size = len(spec.body)
        if size > limit:  # doc: mytracker-s2s-import-events.txt:135
            return [Issue(ERROR, "", (
                f"The body is {size:,} bytes; myTracker imports at most 10 KB ({limit:,} bytes) "
                "per request. Send fewer events or shorter values."), IssueCode.MYTRACKER_BODY_TOO_LARGE)]
        return []

    def explain(self, op: Operation, response: Response) -> str | None:
        if response.ok:
            return ("Accepted: myTracker answered OK. Imported data is processed before it shows in reports, "
                    "so it may not appear at once.")
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, str) and error.strip().lower() in ERRORS:
            said = f"{error}: {ERRORS[error.strip().lower()]}"
            if error.strip().lower() == "bad request" and op.name.endswith("Batch"):
                said += " In a batch, one bad event fails the whole batch."
            return said
        if response.status == 403:
            return ERRORS["forbidden"]
        if response.status == 404:
            return ERRORS["method not found"]
        return None


RULES = MyTrackerRules()
