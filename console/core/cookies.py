"""The `_vt_user` cookie: VibeTrace's web pixel keeps the visitor's user ID and session ID in it.

Its value looks like `8139618027113397_253412802711339765_false_false`: split on `_`, the
first field is the user ID, the second the session ID, the rest are flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

COOKIE_NAME = "_vt_user"
VTSID_NAME = "_vtsid"  # the web pixel's unique identifier, which a server may send alone


class CookieError(ValueError):
    """The text holds no usable _vt_user value; the message says why in plain words."""


@dataclass(frozen=True)
class VtUser:
    """What a _vt_user cookie says."""

    user_id: str
    session_id: str
    flags: tuple[str, ...]
    raw: str
    # What looks unusual but is not wrong: the document shows digits, it does not require them.
    warnings: tuple[str, ...] = ()


_BARE_NAME = (
    "That is only the cookie's name: paste its value too, what follows _vt_user= "
    "(like 8139618027113397_253412802711339765_false_false).")


def _find_value(text: str) -> str:
    text = text.strip()
    for prefix in ("set-cookie:", "cookie:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip()
            break
    text = text.strip().strip("'\"`").strip()
    if text == COOKIE_NAME:
        raise CookieError(_BARE_NAME)
    if "=" in text or ";" in text:
        for part in text.split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and unquote(name.strip()) == COOKIE_NAME:
                return value.strip().strip('"')
        if re.search(r"(^|;)\s*" + re.escape(COOKIE_NAME) + r"\s*=?\s*(;|$)", text):
            raise CookieError("The _vt_user cookie is there but has no value. " + _BARE_NAME)
        names = [p.split("=", 1)[0].strip() for p in text.split(";") if "=" in p]
        if names:
            raise CookieError(
                "No _vt_user cookie in this text (cookies found: "
                + ", ".join(n for n in names[:8] if n) + ")."
            )
    return text


def parse_vt_user(text: str) -> VtUser:
    """Reads a _vt_user value from the bare value, `_vt_user=…`, a whole `Cookie:` header or
    a `document.cookie` string, URL-encoded or not. Raises CookieError when it cannot."""
    if not isinstance(text, str) or not text.strip():
        raise CookieError("Paste the _vt_user cookie: its value, or a Cookie header that holds it.")
    value = _find_value(text)
    for _ in range(3):  # values are sometimes encoded twice (%255F)
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    value = value.strip()
    if not value:
        raise CookieError("The _vt_user cookie is empty.")
    if any(c.isspace() for c in value):
        raise CookieError(f"A _vt_user value has no spaces; this does not look like one: {value[:60]!r}.")
    fields = value.split("_")
    if len(fields) < 2 or not fields[0] or not fields[1]:
        raise CookieError(
            "A _vt_user value has at least two fields separated by '_' (user ID and session ID), "
            f"like 8139618027113397_253412802711339765_false_false; got {value[:60]!r}."
        )
    user_id, session_id = fields[0], fields[1]
    warnings = []
    for label, part in (("user ID (first field)", user_id), ("session ID (second field)", session_id)):
        if not (part.isascii() and part.isdigit()):  # "١٢٣".isdigit() is True too
            # The document's example is digits; it names no other rule: say so, do not refuse.
            warnings.append(f"The {label} is usually digits (like 8139618027113397); {part[:40]!r} is not. "
                            "Check that this is the right cookie.")
    return VtUser(user_id=user_id, session_id=session_id, flags=tuple(fields[2:]), raw=value,
                  warnings=tuple(warnings))


def find_vtsid(text: str) -> str | None:
    """The `_vtsid` cookie's value in a Cookie header or `document.cookie` text (URL-decoded),
    or None when it holds none."""
    if not isinstance(text, str):
        return None
    body = text.strip()
    for prefix in ("set-cookie:", "cookie:"):
        if body.lower().startswith(prefix):
            body = body[len(prefix):]
            break
    for part in body.strip().strip("'\"`").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and unquote(name.strip()) == VTSID_NAME:
            value = unquote(value.strip().strip('"'))
            return value if value and not any(c.isspace() for c in value) else None
    return None


@dataclass(frozen=True)
class CookieReading:
    """What a pasted cookie text gives: the _vt_user IDs (or why not), and a _vtsid."""

    user: VtUser | None
    vtsid: str | None
    problem: str = ""


def read_cookies(text: str) -> CookieReading:
    """The _vt_user IDs and the _vtsid of a pasted value, Cookie header or document.cookie.
    A text with a _vtsid and no _vt_user is a reading too (no problem said)."""
    vtsid = find_vtsid(text)
    try:
        return CookieReading(parse_vt_user(text), vtsid)
    except CookieError as exc:
        return CookieReading(None, vtsid, "" if vtsid else str(exc))
