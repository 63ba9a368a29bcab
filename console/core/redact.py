"""What a secret looks like, and hiding it wherever a request or an answer may carry one.

The one owner of the question "is this a credential?": header names (`Authorization`,
`Cookie`, `*-Token`, `*-Key`, `*-Session*`, `*-Credential`…), query and body field names
(`APIKey`, `SessionID`, `apiKey`, `token`, `api_key`, `access_token`…), bearer and basic
credentials and JWTs in free text. Send, capture, forward, import, export and every printed
line ask it; nothing else keeps a list. Masking by *value* (a key the console itself placed)
stays in `console.core.secrets`; this module masks by *name and shape*, which is what a
request nobody here built needs: capture's, an imported one, one that cannot be read.

Everything here is pure and never raises on odd input (any bytes, any text, any depth).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from console.core.secrets import MASK, mask_bytes, mask_text, mask_userinfo

# -- names ----------------------------------------------------------------------------------

# Header names whose value is a credential, exactly (lower case).
_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "token", "api-key",
                      "apikey", "x-api-key", "x-auth", "x-authorization", "x-access-token", "x-csrf-token",
                      "x-xsrf-token", "jwt", "private-token"})
# Words that make a header name a credential's wherever they stand in it ("X-Session-Id",
# "X-Api-Key", "X-Upstream-Credential", "X-Auth-Token").
_HEADER_WORDS = ("token", "key", "session", "credential", "secret", "password", "passwd", "auth", "jwt",
                 "signature", "cookie")
# Field names (query parameters, body fields, form fields) that are credentials: compared with
# "-" and "_" removed and in lower case ("api_key", "apiKey", "API-Key" are one).
_FIELDS = frozenset({"apikey", "token", "accesstoken", "refreshtoken", "idtoken", "authtoken", "sessiontoken",
                     "jwt", "trackerkey", "password", "passwd", "pwd", "secret", "clientsecret", "apisecret",
                     "authorization", "auth", "privatekey", "accesskey", "secretkey", "key", "signature",
                     "credential", "credentials", "bearer", "xapikey"})
# Field names ending so are credentials too ("customerApiKey", "x_auth_token").
_FIELD_ENDINGS = ("token", "secret", "password", "apikey", "accesskey", "privatekey", "secretkey", "credential")
# Octeth's session credential. Exactly these spellings: VibeTrace's `sessionId` (the visitor's
# session in the `_vt_user` cookie) is an identifier the user must see, not a credential.
_SESSION_FIELDS = frozenset({"SessionID", "session_id", "sessionID", "Session-Id", "SESSIONID"})


@lru_cache(maxsize=4096)  # names repeat from request to request; capture asks for each field of each
def is_secret_header(name: str) -> bool:
    """Whether a header of this name carries a credential."""
    low = name.strip().lower()
    return low in _HEADERS or any(word in low for word in _HEADER_WORDS)


@lru_cache(maxsize=4096)
def is_secret_field(name: str) -> bool:
    """Whether a query parameter, JSON field or form field of this name carries a credential."""
    if name in _SESSION_FIELDS:
        return True
    norm = name.strip().lower().replace("-", "").replace("_", "")
    return norm in _FIELDS or norm.endswith(_FIELD_ENDINGS)


# -- headers and URLs -----------------------------------------------------------------------

_SCHEMES = ("bearer ", "basic ", "token ", "digest ")


def mask_header_value(value: str) -> str:
    """A credential header's value as it may be shown: the scheme kept ("Bearer ***")."""
    out = []
    for part in value.split("\n"):  # each value of a repeated header
        low = part.lower()
        scheme = next((part[:len(s)] for s in _SCHEMES if low.startswith(s)), "")
        out.append(scheme + MASK)
    return "\n".join(out)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]], secrets: Iterable[str] = ()
                   ) -> dict[str, str]:
    """Headers with every credential's value masked (by name, and known values anywhere)."""
    secrets = tuple(s for s in secrets if s)
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in pairs:
        value = str(value)
        out[str(name)] = mask_header_value(value) if is_secret_header(str(name)) else redact_text(value, secrets)
    return out


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """A URL with userinfo and every credential-named query parameter masked; the rest is
    kept byte for byte (nothing re-encoded), so a masked URL still reads as it was sent."""
    secrets = tuple(s for s in secrets if s)
    url = mask_text(mask_userinfo(url), secrets)
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/…": not a URL a parser takes; masked as text
        return redact_text(url, secrets)
    if not parts.query:
        return url
    query = _redact_pairs(parts.query)
    return url if query == parts.query else url.replace("?" + parts.query, "?" + query, 1)


def _redact_pairs(query: str) -> str:
    """`a=1&token=x` → `a=1&token=***`: each pair kept as written unless its name is a credential's."""
    out = []
    for pair in re.split(r"([&;])", query):
        if pair in ("&", ";"):
            out.append(pair)
            continue
        name, sep, _value = pair.partition("=")
        decoded = next(iter(parse_qsl(name + "=", keep_blank_values=True)), (name, ""))[0]
        out.append(f"{name}={MASK}" if sep and is_secret_field(decoded) else pair)
    return "".join(out)


# -- free text --------------------------------------------------------------------------------

# name = value, name: value, "name": "value" (JSON that does not parse, logs, form bodies);
# the name is checked with is_secret_field in the replacement (one list, not a second one here).
_ASSIGNMENT = re.compile(r"""(?P<name>[A-Za-z_][\w.-]{0,63})(?P<sep>["']?\s*(?:=|:(?!//))\s*["']?)(?P<value>[^\s"'&,;)}\]<>]+)""")
_SCHEME_VALUE = re.compile(r"\b([Bb]earer|BEARER|Basic)(\s+)([A-Za-z0-9._~+/=-]{6,})")
# A JSON Web Token (three base64url parts, the first two JSON objects): whatever names it.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")


def _may_hold_credential(text: str) -> bool:
    """Whether the patterns above could match: none can without a separator (=, :), a scheme's
    name or a JWT's start. Most header values have none, and these scans cost a twentieth of
    running the three patterns."""
    return ("=" in text or ":" in text or "eyJ" in text or "earer" in text or "EARER" in text
            or "Basic" in text)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text (an unreadable body, an error, a log line) with known secret values masked and
    anything shaped like a credential masked too: `token=…`, `"APIKey": "…"`, `Bearer …`, JWTs."""
    if not text:
        return text
    text = mask_text(text, secrets)
    if not _may_hold_credential(text):
        return text

    def assignment(match: re.Match[str]) -> str:
        if not is_secret_field(match["name"]) or match["value"].startswith(MASK):
            return str(match[0])
        return str(match["name"]) + str(match["sep"]) + MASK

    text = _ASSIGNMENT.sub(assignment, text)
    text = _SCHEME_VALUE.sub(lambda m: m[1] + m[2] + (m[3] if m[3] == MASK else MASK), text)
    return _JWT.sub(MASK, text)


# -- bodies -----------------------------------------------------------------------------------

MAX_DEPTH = 200  # deeper JSON is no event's body: it is masked as text, never walked


def redact_json_value(value: Any) -> tuple[Any, bool]:
    """A JSON value with every credential-named field's value masked, however it nests (up to
    MAX_DEPTH; below that, strings are masked as text); and whether anything was masked."""
    found = False

    def walk(item: Any, depth: int) -> Any:
        nonlocal found
        if isinstance(item, dict):
            out: dict[Any, Any] = {}
            for key, child in item.items():
                already = child in ("", None) or (isinstance(child, str) and child.endswith(MASK))
                if is_secret_field(str(key)) and not already and not isinstance(child, (dict, list, bool)):
                    found = True
                    out[key] = MASK
                else:
                    out[key] = walk(child, depth + 1)
            return out
        if isinstance(item, list):
            return [walk(child, depth + 1) for child in item]
        if isinstance(item, str) and (depth > MAX_DEPTH or _JWT.search(item)):
            masked = redact_text(item)
            found = found or masked != item
            return masked
        return item

    result = _iterative(value, walk)
    return result, found


def _iterative(value: Any, walk: Callable[[Any, int], Any]) -> Any:
    """walk(value), unless the value nests deeper than Python may recurse: then as text."""
    try:
        return walk(value, 0)
    except RecursionError:
        text = json.dumps(value, ensure_ascii=False, check_circular=False) if _dumpable(value) else str(value)
        return redact_text(text)


def _dumpable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (RecursionError, ValueError, TypeError):
        return False


def _nothing_to_mask(text: str, keys: Iterable[str]) -> bool:
    """Whether a JSON text, read with these object keys, certainly holds nothing that
    redact_json_value would mask: no credential-named key, no JWT in a string, no string nested
    deeper than MAX_DEPTH. Most bodies are so, and asking it costs a third of walking a copy of
    the value; any doubt (a \\u escape, many brackets) answers False, and the walk decides."""
    if "eyJ" in text or "\\u" in text or text.count("{") + text.count("[") > MAX_DEPTH:
        return False
    return not any(map(is_secret_field, set(keys)))


def redact_json_text(text: str, secrets: Iterable[str] = ()) -> str:
    """A JSON text with credential fields masked; kept byte for byte when there is nothing to
    mask; text that is not JSON (or too deep to read) is masked as free text."""
    text = mask_text(text, secrets)
    keys: list[str] = []

    def collect(obj: dict[str, Any]) -> dict[str, Any]:
        keys.extend(obj)
        return obj

    try:
        data = json.loads(text, object_hook=collect)
    except (ValueError, RecursionError):
        return redact_text(text)
    if _nothing_to_mask(text, keys):
        return text
    redacted, found = redact_json_value(data)
    if not found:
        return text
    if isinstance(redacted, str) and not isinstance(data, str):  # too deep: masked as text
        return redacted
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))


def redact_body(body: bytes | None, content_type: str = "", secrets: Iterable[str] = ()) -> bytes | None:
    """A request's or answer's body with every credential masked, whatever its shape: JSON by
    field, a form by field, anything else (broken JSON, text, bytes that are not UTF-8) as text.
    Returns the same bytes object when nothing was masked."""
    if not body:
        return body
    secrets = tuple(s for s in secrets if s)
    body = mask_bytes(body, secrets)
    try:
        text = body.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = body.decode("latin-1"), "latin-1"  # masked byte for byte, then back
    if "x-www-form-urlencoded" in content_type.lower() or _looks_like_form(text):
        redacted = _redact_pairs(text)
        redacted = redact_text(redacted) if redacted == text else redacted
    else:
        redacted = redact_json_text(text)
    return body if redacted == text else redacted.encode(encoding, "surrogatepass" if encoding == "utf-8" else "strict")


_FORM = re.compile(r"^[\w.%+*~-]+=[^\s{}\[\]\"]*(?:&[\w.%+*~-]+=[^\s{}\[\]\"]*)*$")


def _looks_like_form(text: str) -> bool:
    return len(text) < 1_000_000 and bool(_FORM.match(text.strip()))


# -- for a terminal ---------------------------------------------------------------------------

# C0 and C1 controls but tab and newline, DEL, and the bidi controls that reorder what follows.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, secrets: Iterable[str] = ()) -> str:
    """A line for a terminal or a log: credentials masked, and control characters (escape
    codes a request's path may carry, which would move the cursor or retitle the terminal)
    shown as \\x1b-style escapes instead of acted on."""
    return escape_controls(redact_text(text, secrets))


def escape_controls(text: str) -> str:
    """Text for a terminal with its control and bidi characters (but tab and newline) shown as
    \\x1b / \\u202e escapes: for the console's own sentences, which hold no secret to look for."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
