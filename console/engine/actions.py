"""What the window's buttons do, decided here so that any front end does the same and tests
can check it without a window: a draft from a history entry (open, duplicate, resend), a
pasted cURL command applied (settings, keys, payload), a parsed `_vt_user` cookie put into a
payload, and an answer explained."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from console.core.cookies import VtUser
from console.core.definitions import vendors
from console.core.history.entry import HistoryEntry
from console.core.outcomes import Source
from console.core.profiles import SANDBOX
from console.engine.context import AppContext
from console.engine.pipeline import Draft, Prepared, prepare

if TYPE_CHECKING:
    from console.core.curl import CurlImport
    from console.core.exchange import Response


class ActionError(ValueError):
    """The action cannot be done; the message says why in words for the window."""


def draft_from_history(ctx: AppContext, entry: HistoryEntry, profile: str | None = None) -> Draft:
    """The draft that sends `entry` again: its vendor, operation, payload and settings, in its
    profile (or `profile`, to send the same payload elsewhere). The key comes from the keyring
    now; it was never stored."""
    if entry.vendor not in vendors():
        raise ActionError(f"Exchange #{entry.id} is not an operation of the five APIs; it can be viewed, not sent.")
    if entry.operation not in vendors()[entry.vendor].operations:
        raise ActionError(f"Exchange #{entry.id} names an operation this version does not know: {entry.operation}.")
    try:
        payload = json.loads(entry.payload) if entry.payload is not None else None
    except ValueError:
        payload = None
    if payload is None:
        raise ActionError(f"Exchange #{entry.id} has no payload to send again.")
    target = profile or entry.profile
    if entry.source == Source.CAPTURE and not ctx.profiles.exists(entry.vendor, target):
        target = SANDBOX  # captured while answering as the sandbox: fix it and send it there
    if not ctx.profiles.exists(entry.vendor, target):
        raise ActionError(f"Profile {target!r} no longer exists.")
    settings = {} if profile else dict(entry.settings or {})
    if target == SANDBOX:
        settings.pop("base_url", None)  # the embedded sandbox listens on a new port each run
    # Masked values (a userinfo "***@") are not settings to send with.
    settings = {k: v for k, v in settings.items() if "***" not in v}
    return Draft(entry.vendor, entry.operation, target, payload, settings)


def resend(ctx: AppContext, exchange_id: int) -> Prepared:
    """The prepared request that sends exchange `exchange_id` again as it was (forced by the
    caller: it was sent once). Raises ActionError when it cannot be."""
    entry = ctx.history.get(exchange_id)
    if entry is None:
        raise ActionError(f"Exchange #{exchange_id} is no longer in history.")
    prepared = prepare(ctx, draft_from_history(ctx, entry))
    if prepared.missing:
        raise ActionError(prepared.missing[0].message)
    return prepared


class AppliedImport(NamedTuple):
    """Where an applied cURL import leaves the user: what to select and the payload text."""

    vendor: str
    operation: str
    profile: str
    payload_text: str
    kept_in_keyring: tuple[str, ...]
    kept_for_session: tuple[str, ...]


def apply_curl_import(ctx: AppContext, imported: CurlImport, profile: str, store_keys: bool) -> AppliedImport:
    """Saves an imported command's settings in `profile` and its keys in the keyring (or for
    the session only when asked, or when there is no keyring). With `profile` "sandbox" (try it
    on the sandbox first) nothing is saved: only the operation and the payload are taken."""
    from console.core.profiles import check_profile_name

    text = json.dumps(imported.payload, indent=2, ensure_ascii=False)
    if profile == SANDBOX:
        return AppliedImport(imported.vendor, imported.operation, SANDBOX, text, (), ())
    check_profile_name(profile)
    ctx.profiles.update(imported.vendor, profile, {k: v for k, v in imported.settings.items() if v})
    kept, session = [], []
    for name, value in imported.secrets.items():
        if store_keys and ctx.secrets.set(imported.vendor, profile, name, value):
            kept.append(name)
        else:
            ctx.secrets.remember(imported.vendor, profile, name, value)
            session.append(name)
    return AppliedImport(imported.vendor, imported.operation, profile, text, tuple(kept), tuple(session))


# The operations whose payload carries a _vt_user cookie's IDs (VibeTrace's legacy tracking).
COOKIE_OPERATIONS = frozenset({("vibetrace", "track")})


def takes_cookie(vendor: str, operation: str) -> bool:
    """Whether a parsed _vt_user cookie can go into this operation's payload."""
    return (vendor, operation) in COOKIE_OPERATIONS


def put_cookie_in_payload(payload: Any, user: VtUser | None, vtsid: str | None = None) -> list[Any]:
    """VibeTrace `track` events with the cookie's user ID and session ID in each, or with
    `vtsid` (the _vtsid a server sends alone: then without userId and sessionId, as the document
    says); a payload that is not a list of events becomes one event (an update)."""
    if isinstance(payload, dict):
        events = [dict(payload)]
    elif isinstance(payload, list) and payload:
        events = [dict(e) if isinstance(e, dict) else e for e in payload]
    else:
        events = [{"type": "update"}]
    for event in events:
        if not isinstance(event, dict):
            continue
        if vtsid is not None:
            event.pop("userId", None)
            event.pop("sessionId", None)
            event["_vtsid"] = vtsid
        elif user is not None:
            event.pop("_vtsid", None)
            event["userId"] = user.user_id
            event["sessionId"] = user.session_id
    return events


def explain(vendor: str, operation: str, response: Response | None) -> str | None:
    """The vendor's answer in plain words (None for an exchange of no known operation, or an
    answer the rules cannot read)."""
    from console.vendors import RULES

    known = vendors().get(vendor)
    op = known.operations.get(operation) if known else None
    if op is None or response is None:
        return None
    try:
        return RULES[vendor].explain(op, response)
    except Exception:  # an odd answer must not stop it being shown; the raw body still is
        return None

