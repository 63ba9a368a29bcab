"""Whether a credential a request carries could be a real one: present and of the right shape.

Capture receives a backend's real keys, which nobody here can check against the vendor (only
`--forward` lets the vendor judge them), so it checks what the documents say of their form:
myTracker's token and VibeTrace's key are sent raw in `Authorization`; Synerise's v4 events
carry `Authorization: Bearer <JWT>` (a JSON Web Token: three base64url parts) or, where the
key allows it, `Basic base64(workspaceGuid:apiKey)`; its AI events a tracker key in `?token=`
(or a JWT); Octeth an `APIKey` or `SessionID` in the body. The sandbox, whose profile holds
dummies, compares with those instead (console.sandbox.emulators).
"""

from __future__ import annotations

import base64
import binascii
import re

_JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_PRINTABLE = re.compile(r"[\x21-\x7e]+")  # one token of visible ASCII: what a header carries


def key_problem(value: object) -> str | None:
    """Why `value` cannot be an API key or token sent as is (None: it can)."""
    if not isinstance(value, str) or not value.strip():
        return "is empty"
    if not _PRINTABLE.fullmatch(value):
        return "holds spaces or characters a key never has"
    return None


def jwt_problem(token: str) -> str | None:
    """Why `token` cannot be a JSON Web Token (None: it can be one)."""
    problem = key_problem(token)
    if problem:
        return problem
    if not _JWT.fullmatch(token):
        return "is not a JWT (three base64url parts separated by dots)"
    return None


def authorization_problem(header: str | None, scheme: str | None) -> str | None:
    """Why an `Authorization` header cannot carry a real credential: `scheme` "Bearer" wants
    `Bearer <JWT>` (or Synerise's documented `Basic base64(guid:key)`); None wants a raw key."""
    if header is None or not header.strip():
        return "is missing"
    if scheme is None:
        return key_problem(header)
    kind, _, value = header.partition(" ")
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return "is Basic but not base64 of workspaceGuid:apiKey"
        return None if ":" in decoded and all(decoded.split(":", 1)) else "is Basic but not workspaceGuid:apiKey"
    if kind.lower() != scheme.lower():
        return f"does not begin with '{scheme} '"
    problem = jwt_problem(value.strip())
    return f"holds a token that {problem}" if problem else None
