"""Octeth (self-hosted): event tracking and the event properties of a list."""

from __future__ import annotations

from console.core.definitions import Operation
from console.core.exchange import Response
from console.vendors.base import VendorRules, json_error_items

NAME = "octeth"
# The documented 422 error codes, in plain words.
TRACK_ERRORS = {
    4: "ListID is not a valid list ID.",
    5: "The event parameter is missing: say what happened (pageView, conversion, identify, …).",
    6: "The email parameter is missing: every event belongs to a subscriber's email.",
    7: "The email parameter is not a valid email address.",
    8: "A conversion event needs the property conversion-id (e.g. \"my-order-234\").",
    9: "A conversion event needs the property conversion-name (e.g. \"purchase\").",
    10: "A conversion event needs the property conversion-value (e.g. 290.50).",
}
PROPERTY_ERRORS = {
    1: "ListID is missing.",
    2: "ListID is not a valid list ID.",
    3: "There is no list with this ListID on the installation.",
}


class OctethRules(VendorRules):
    name = NAME

    def explain(self, op: Operation, response: Response) -> str | None:
        body = response.json()
        errors = json_error_items(body, "Errors") or json_error_items(body, "errors")
        if errors:
            table = TRACK_ERRORS if op.name == "event" else PROPERTY_ERRORS
            parts = []
            for e in errors:
                code = e.get("Code", e.get("code"))
                meaning = table.get(code) if isinstance(code, int) else None
                message = e.get("Message", e.get("message", ""))
                parts.append(f"error {code}: {meaning or message}")
            return "Octeth refused the request — " + "; ".join(parts)
        if response.status in (401, 403):
            return "Octeth refused the credential: check the API key (or session ID) of this profile."
        if response.ok and op.name == "event" and isinstance(body, dict) and body.get("status") == "success":
            return f"Tracked (uuid {body.get('uuid')})."
        return None


RULES = OctethRules()
