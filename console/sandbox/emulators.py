"""How the sandbox answers, vendor by vendor, as the documents describe.

Each emulator takes a parsed request and returns an Answer. Documented success bodies and
documented error bodies are used where the documents give them; where they are silent the
choice is marked [guess] here and in the README's list of sandbox answers. Payload rules are checked with the same
definitions the console validates with, so "Send anyway" shows what the vendor would say.
"""

from __future__ import annotations

import json
import secrets as random_tokens
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from console.core.credentials import authorization_problem, key_problem
from console.core.definitions import vendors
from console.core.payload import PayloadError, parse_json_text, problem
from console.core.schema_values import is_email, numeric_value
from console.core.validation import schema_issues


@dataclass
class Incoming:
    """A request as the sandbox sees it (path below the vendor prefix)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, data: Any) -> Answer:
        # UTF-8 as written, not \\u-escaped: the documents' answers are given as bytes
        # (myTracker's "OK" is spelled with a Cyrillic О).
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass
class SandboxState:
    """What the sandbox remembers: issued Synerise tokens, known users and lists. `real_keys`
    is capture's: the keys are a backend's real ones, accepted when present and of the right
    shape (console.core.credentials), never compared with the sandbox profile's dummies."""

    token_lifetime: float = 3600.0
    real_keys: bool = False
    tokens: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_token(self) -> str:
        token = "eyJhbGciOiJIUzUxMiJ9." + random_tokens.token_urlsafe(24) + ".sandbox"
        with self.lock:
            self.tokens[token] = time.monotonic() + self.token_lifetime
        return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.monotonic()

    def expire_tokens(self) -> None:
        """Makes every issued token expired (tests use it to see the console log in again)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)


def _sandbox_secret(vendor: str, name: str) -> str:
    return vendors()[vendor].sandbox_secrets.get(name, "")


def _key_accepted(state: SandboxState, vendor: str, name: str, given: Any, sandbox_value: str | None = None) -> bool:
    """Whether a credential is let through: of a key's shape (capture), or the sandbox's dummy."""
    if state.real_keys:
        return key_problem(given) is None
    return bool(given == (sandbox_value if sandbox_value is not None else _sandbox_secret(vendor, name)))


def _parse_json(body: bytes) -> tuple[bool, Any]:
    """(True, value) for a JSON body the rules can check; (False, None) for anything else,
    nesting too deep to check included (answered 400 like malformed JSON, never 500)."""
    try:
        value = parse_json_text(body.decode("utf-8"))
    except (UnicodeDecodeError, PayloadError):
        return False, None
    if problem(value, top_level=False):
        return False, None
    return True, value


def _first_error(vendor: str, operation: str, payload: Any) -> str | None:
    errors = [i for i in schema_issues(vendor, operation, payload) if i.is_error]
    return errors[0].message if errors else None


# --- VibeTrace -------------------------------------------------------------------------------

def vibetrace(req: Incoming, state: SandboxState) -> Answer:
    parts = [p for p in req.path.split("/") if p]
    if req.method == "GET" and parts[:1] == ["event"] and len(parts) in (2, 3):
        # /event/<account_id>/<event_type> as in the example code, or the documented base
        # URL /event/<account_id>/ without the type.
        return _vibetrace_track(req, parts[2] if len(parts) == 3 else None)
    if req.path == "/v1/event/":
        if req.method != "POST":
            return _vt_errors(405, "Method not allowed", "Use POST /v1/event/")  # [guess]
        return _vibetrace_rest(req, state)
    # [guess] the documents give no answer for an unknown path.
    return _vt_errors(404, "Not found", f"No endpoint at {req.path} (paths are case-sensitive; /x is not /x/)")


def _vt_errors(status: int, message: str, description: str) -> Answer:
    return Answer.json(status, {"errors": [{"message": message, "description": description}]})


def _vibetrace_track(req: Incoming, path_type: str | None) -> Answer:
    callback = req.arg("callback")

    def reply(status: int, data: dict[str, Any]) -> Answer:
        # [guess] answers are undocumented; with a callback the body is JSONP.
        text = json.dumps(data)
        if callback:
            return Answer(status, f"{callback}({text});".encode(), "application/javascript")
        return Answer(status, text.encode())

    data = req.arg("data")
    if data is None:
        return reply(400, {"status": "error", "message": "Missing data parameter"})
    ok, events = _parse_json(data.encode())
    if not ok or not isinstance(events, list):
        return reply(400, {"status": "error", "message": "data must be a JSON encoded list of events"})
    error = _first_error("vibetrace", "track", events)
    if error:
        return reply(400, {"status": "error", "message": error})
    if path_type is not None and any(e.get("type") != path_type for e in events):
        return reply(400, {"status": "error", "message": "Event type in the URL differs from type in data"})
    return reply(200, {"status": "ok", "events": len(events)})


def _vibetrace_rest(req: Incoming, state: SandboxState) -> Answer:
    if not _key_accepted(state, "vibetrace", "api_key", req.header("Authorization")):
        # [guess] the document says a key is needed, not how a wrong one is answered.
        return _vt_errors(401, "Unauthorized", "Invalid or missing API key")
    ok, body = _parse_json(req.body)
    if not ok or not isinstance(body, dict):
        return _vt_errors(400, "Invalid JSON", "The request body must be a JSON object")  # [guess]
    if not isinstance(body.get("event"), dict) or not body["event"]:
        return _vt_errors(400, "Missing event information", "Please send event information along with user")
    user = body.get("user")
    if not isinstance(user, dict) or not (user.get("email") or user.get("_id")):
        # [guess] worded like the documented "Missing event information".
        return _vt_errors(400, "Missing user information", "Please send user information (email or _id)")
    email = str(user.get("email", ""))
    # Sandbox convention: addresses starting with "unknown" belong to no existing user.
    if email.lower().startswith("unknown"):
        # [guess] the document says an unknown user gets "an error", not which.
        return _vt_errors(400, "User not found", "The user must exist in the database beforehand")
    return Answer.json(200, {"results": {"message": "Event created",
                                         "email": "Event was created for the specified user"}})


# --- myTracker -------------------------------------------------------------------------------

MYTRACKER_METHODS = ("registration", "registrationBatch", "login", "loginBatch",
                     "customEvent", "customEventBatch")


def mytracker(req: Incoming, state: SandboxState) -> Answer:
    parts = [p for p in req.path.split("/") if p]
    if len(parts) != 2:
        return Answer.json(404, {"error": "Method not found"})
    version, method = parts
    if version != "v1":
        return Answer.json(400, {"error": "Bad api version"})
    if method not in MYTRACKER_METHODS:
        return Answer.json(404, {"error": "Method not found"})
    if req.method != "POST":
        return Answer.json(400, {"error": "Bad Request"})  # [guess] the documents show POST only
    app_id = req.arg("idApp") or ""
    if not _key_accepted(state, "mytracker", "token", req.header("Authorization")) or not app_id.isdigit():
        return Answer.json(403, {"error": "Forbidden"})
    if not req.body.strip():
        return Answer.json(400, {"error": "Empty post data"})
    ok, body = _parse_json(req.body)
    if not ok:
        return Answer.json(400, {"error": "Bad json"})
    if len(req.body) > 10 * 1024 or _first_error("mytracker", method, body):
        return Answer.json(400, {"error": "Bad Request"})
    return Answer.json(200, {"message": "\u041eK"})  # the document's bytes: Cyrillic О, Latin K


# --- Octeth ----------------------------------------------------------------------------------

def _octeth_errors(*codes_and_messages: tuple[int, str]) -> Answer:
    return Answer.json(422, {"Errors": [{"Code": c, "Message": m} for c, m in codes_and_messages]})


# Sandbox convention, one rule for both Octeth operations: lists 1 to 1000 exist.
OCTETH_LISTS = range(1, 1001)


def _octeth_list_id(value: Any) -> int | None:
    number = numeric_value(value)
    if number is None or number != int(number) or number < 1:
        return None
    return int(number)


def octeth(req: Incoming, state: SandboxState) -> Answer:
    if req.path not in ("/api/v1/event", "/api/v1/website_events.properties"):
        return Answer.json(404, {"Errors": [{"Code": 404, "Message": "Unknown API endpoint"}]})  # [guess]
    if req.method != "POST":
        return Answer.json(405, {"Errors": [{"Code": 405, "Message": "Use POST"}]})  # [guess]
    ok, body = _parse_json(req.body)
    if not ok or not isinstance(body, dict):
        # [guess] the documents do not say how a malformed body is answered.
        return Answer.json(400, {"Errors": [{"Code": 400, "Message": "The request body must be a JSON object"}]})
    if not (_key_accepted(state, "octeth", "api_key", body.get("APIKey"))
            or _key_accepted(state, "octeth", "session_id", body.get("SessionID"), "sandbox-octeth-session")):
        # [guess] authentication failures are not in the documents' tables.
        return Answer.json(401, {"Errors": [{"Code": 401, "Message": "Invalid APIKey or SessionID"}]})
    if req.path.endswith("properties"):
        return _octeth_properties(body)
    return _octeth_event(body)


def _octeth_event(body: dict[str, Any]) -> Answer:
    errors = []
    if _octeth_list_id(body.get("ListID")) not in OCTETH_LISTS:
        # The event document has one code for a list that is malformed or does not exist.
        errors.append((4, "Invalid ListID parameter"))
    event = body.get("event", body.get("Event"))
    if not isinstance(event, str) or not event:
        errors.append((5, "Missing event parameter."))
    email = body.get("email", body.get("Email"))
    if not email:
        errors.append((6, "Missing email parameter."))
    elif not is_email(email):
        errors.append((7, "Invalid email parameter."))
    if event == "conversion":
        props = body.get("properties", body.get("Properties"))
        props = props if isinstance(props, dict) else {}
        for code, name in ((8, "conversion-id"), (9, "conversion-name"), (10, "conversion-value")):
            if name not in props:
                errors.append((code, f"Missing {name} event property."))
    if errors:
        return _octeth_errors(*errors)
    given = body.get("id", body.get("ID"))
    return Answer.json(200, {"status": "success", "uuid": str(uuid.uuid4()),
                             "external_id": str(given) if given else uuid.uuid4().hex,
                             "identify_event_sent": True})


# The document's own answer for list 3: the same 78 names for every list of the sandbox.
OCTETH_PROPERTIES = {
    "identify": ["$browser", "$browser_language", "$browser_version", "$current_url", "$device", "$device_type", "$dsn",
        "$host", "$id", "$lib", "$lib_version", "$list_id", "$os", "$pageTitle", "$page_title",
        "$pathname", "$referrer", "$referring_domain", "$screen_height", "$screen_width", "$sent_at",
        "$server", "$uuid", "$viewport_height", "$viewport_width", "emailAddress", "firstName",
        "lastName", "number-of-subscribers-imported"],
    "pageView": ["$browser", "$browser_language", "$browser_version", "$current_url", "$device", "$device_type", "$dsn",
        "$host", "$lib", "$lib_version", "$list_id", "$os", "$pageTitle", "$pathname", "$referrer",
        "$referring_domain", "$screen_height", "$screen_width", "$sent_at", "$server", "$uuid",
        "$viewport_height", "$viewport_width", "url"],
    "test": ["$browser", "$browser_language", "$browser_version", "$current_url", "$device", "$device_type", "$dsn",
        "$host", "$id", "$lib", "$lib_version", "$list_id", "$os", "$page_title", "$pathname",
        "$referrer", "$referring_domain", "$screen_height", "$screen_width", "$sent_at", "$server",
        "$uuid", "$viewport_height", "$viewport_width", "number-of-subscribers-imported"],
}


def _octeth_properties(body: dict[str, Any]) -> Answer:
    if "ListID" not in body or body["ListID"] in ("", None):
        return _octeth_errors((1, "Missing ListID parameter"))
    list_id = _octeth_list_id(body["ListID"])
    if list_id is None:
        return _octeth_errors((2, "Invalid ListID parameter"))
    if list_id not in OCTETH_LISTS:
        return _octeth_errors((3, "List not found"))
    return Answer.json(200, {"ListID": str(list_id), "Properties": OCTETH_PROPERTIES})


# --- Synerise --------------------------------------------------------------------------------

def _synerise_error(status: int, error: str, message: str, code: str) -> Answer:
    return Answer.json(status, {"status": status, "error": error, "message": message,
                                "errorCode": code, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def synerise(req: Incoming, state: SandboxState) -> Answer:
    if req.method != "POST":
        return _synerise_error(405, "Method Not Allowed", "Use POST", "SYN-405")  # [guess]
    routes: dict[str, Callable[[Incoming, SandboxState], Answer]] = {
        "/uauth/v2/auth/login/profile": _synerise_login,
        "/v4/events/custom": lambda r, s: _synerise_v4(r, s, "custom"),
        "/v4/events/batch": lambda r, s: _synerise_v4(r, s, "batch"),
        "/events/v1/batch": lambda r, s: _synerise_ai(r, s, "ai-batch"),
    }
    if req.path in routes:
        return routes[req.path](req, state)
    if req.path.startswith("/events/v1/single/"):
        event_type = req.path.rsplit("/", 1)[-1]
        if event_type not in ("recommendation.view", "recommendation.click", "item.search.click"):
            return _synerise_error(404, "Not Found", f"Unknown AI event type {event_type}", "AI-404")  # [guess]
        return _synerise_ai(req, state, "ai-event")
    return _synerise_error(404, "Not Found", f"No endpoint at {req.path}", "SYN-404")  # [guess]


def _synerise_login(req: Incoming, state: SandboxState) -> Answer:
    # [guess] the document gives the login's request and its token, not its error answers.
    ok, body = _parse_json(req.body)
    if not ok or not isinstance(body, dict):
        return _synerise_error(400, "Bad Request", "Malformed JSON body", "UAUTH-400")
    if not _key_accepted(state, "synerise", "api_key", body.get("apiKey")):
        return _synerise_error(401, "Unauthorized", "Invalid API key", "UAUTH-401")
    return Answer.json(200, {"token": state.issue_token(), "type": "Bearer",
                             "expiration": int(time.time() + state.token_lifetime)})


def _bearer_ok(req: Incoming, state: SandboxState) -> bool:
    auth = req.header("Authorization")
    if state.real_keys:  # a JWT of the backend's own (or the documented Basic guid:key)
        return authorization_problem(auth, "Bearer") is None
    return auth.startswith("Bearer ") and state.token_valid(auth[len("Bearer "):])


def _synerise_v4(req: Incoming, state: SandboxState, operation: str) -> Answer:
    # [guess] error bodies: shaped like Synerise's error catalogue (errorCode such as CON-0001);
    # the document lists no codes for these endpoints.
    if not _bearer_ok(req, state):
        return _synerise_error(401, "Unauthorized", "Full authentication is required: missing, invalid or expired token", "SYN-401")
    if not req.header("Api-Version"):
        return _synerise_error(400, "Bad Request", "Missing Api-Version header", "SYN-400")
    ok, body = _parse_json(req.body)
    if not ok:
        return _synerise_error(400, "Bad Request", "Malformed JSON body", "CON-0001")
    error = _first_error("synerise", operation, body)
    if error:
        return _synerise_error(400, "Bad Request", error, "CON-0002")
    return Answer(202)  # [guess] 202 Accepted, as documented for /v4/transactions


def _synerise_ai(req: Incoming, state: SandboxState, operation: str) -> Answer:
    # [guess] error bodies, as for the v4 endpoints.
    if not _key_accepted(state, "synerise", "tracker_key", req.arg("token")) and not _bearer_ok(req, state):
        return _synerise_error(401, "Unauthorized", "Invalid tracker key or token", "AI-401")
    ok, body = _parse_json(req.body)
    if not ok:
        return _synerise_error(400, "Bad Request", "Malformed JSON body", "AI-400")
    error = _first_error("synerise", operation, body)
    if error:
        return _synerise_error(400, "Bad Request", error, "AI-400")
    return Answer(202)  # [guess] the AI events API's success answer is undocumented


EMULATORS = {"vibetrace": vibetrace, "mytracker": mytracker, "octeth": octeth, "synerise": synerise}


def parse_query(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)
