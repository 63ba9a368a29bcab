"""Secrets: the OS keyring wrapper and the one masking function used for every output.

Only this module imports keyring. Secrets live in the keyring under service `event-console`,
user `<vendor>/<profile>/<name>`; without a usable keyring they are kept in memory for the
session and never written to a file.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

SERVICE = "event-console"
MASK = "***"
NO_KEYRING_MESSAGE = (
    "No OS keyring is available, so keys are kept for this session only. "
    "Install and unlock one to keep them: on Linux, GNOME Keyring or KWallet (the Secret "
    "Service); macOS and Windows have one built in."
)


@lru_cache(maxsize=256)
def _forms(secret: str) -> tuple[str, ...]:
    """The ways a secret can appear in a URL, header or JSON body (ASCII-escaped or not).
    Cached: the same few keys are masked in every exchange (capture masks each request)."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1]}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def _pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """Every form of every secret, matched only as a whole token: not inside a longer run of
    letters, digits and underscores, so that a short secret ("e") never eats into ordinary words."""
    return _compiled(frozenset(s for s in secrets if s))


@lru_cache(maxsize=64)
def _compiled(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms = sorted({f for s in secrets for f in _forms(s)}, key=len, reverse=True)
    if not forms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every whole-token occurrence of every secret (raw, URL- or JSON-encoded)
    replaced by ***. This is the safety net for free text (answers, error messages); requests
    are masked where their secrets were placed (RequestSpec.masked)."""
    secrets = [s for s in secrets if s]
    if not text or not secrets:
        return text
    # A plain substring search first (C speed, even over a 5 MB answer): the regular
    # expression, which holds the interpreter lock, only runs where a secret is there at all.
    if not any(form in text for secret in secrets for form in _forms(secret)):
        return text
    pattern = _pattern(secrets)
    return pattern.sub(MASK, text) if pattern is not None else text


def mask_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """mask_text for bytes: secrets are matched in their UTF-8 encoding."""
    secrets = [s for s in secrets if s]
    if not secrets or not data:
        return data
    if not any(form.encode("utf-8") in data for secret in secrets for form in _forms(secret)):
        return data  # nothing to mask: no decoding, no regular expression over the whole body
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # binary: masked byte for byte, then back
        return mask_text(text, [f.encode("utf-8").decode("latin-1") for f in secrets]).encode("latin-1")
    masked = mask_text(text, secrets)
    return data if masked == text else masked.encode("utf-8")


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*@)")


def mask_userinfo(url: str) -> str:
    """A URL with any user:password@ replaced by ***@."""
    return _USERINFO.sub(lambda m: m.group(1) + MASK + "@", url)


def _read_problem(exc: Exception) -> str:
    """Why the keyring did not give a secret, in words a user can act on."""
    name = type(exc).__name__
    if "Locked" in name or "locked" in str(exc).lower():
        return ("the keyring is locked. Unlock it (your desktop's keyring or password manager, "
                "e.g. the \"login\" keyring) and try again; the key is still stored")
    return f"the keyring could not be read ({name}: {exc})"


def keyring_user(vendor: str, profile: str, name: str) -> str:
    return f"{vendor}/{profile}/{name}"


class SecretStore:
    """Reads and writes secrets in the OS keyring, or in memory when there is none.

    `backend` is a keyring backend object (tests pass an in-memory one); None means the
    keyring library's choice for this machine, looked up on first use.
    """

    def __init__(self, backend: Any = None) -> None:
        self._backend = backend
        self._resolved = backend is not None
        # The window looks the backend up on a worker thread at start-up (it takes 100-250 ms);
        # a lookup from another thread meanwhile waits for that one instead of racing it.
        self._resolving = threading.Lock()
        self._session: dict[str, str] = {}
        # Values read from the keyring, so that live validation does not ask it every keystroke.
        self._cache: dict[str, str | None] = {}
        self.problem: str | None = None
        # Secrets the keyring would not give (locked, broken), by keyring user: why, in words.
        self.unreadable: dict[str, str] = {}

    def _keyring(self) -> Any:
        if not self._resolved:
            with self._resolving:
                if not self._resolved:
                    try:
                        import keyring

                        self._backend = keyring.get_keyring()
                    except Exception as exc:  # a broken keyring configuration must not stop the app
                        self._backend = None
                        self.problem = f"The keyring could not be loaded ({exc}). {NO_KEYRING_MESSAGE}"
                    self._resolved = True
        backend = self._backend
        if backend is None or getattr(backend, "priority", 1) <= 0:
            self.problem = self.problem or NO_KEYRING_MESSAGE
            return None
        return backend

    @property
    def available(self) -> bool:
        """True when a real keyring backend is there to keep secrets across sessions."""
        return self._keyring() is not None

    def backend_name(self) -> str:
        backend = self._keyring()
        if backend is None:
            return "none (session only)"
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def get(self, vendor: str, profile: str, name: str) -> str | None:
        user = keyring_user(vendor, profile, name)
        if user in self._session:
            return self._session[user]
        if user in self._cache:
            return self._cache[user]
        backend = self._keyring()
        if backend is None:
            return None
        try:
            value: str | None = backend.get_password(SERVICE, user)
        except Exception as exc:  # locked or broken keyring: report, do not crash
            self.unreadable[user] = _read_problem(exc)
            self.problem = f"Could not read {user} from the keyring: {self.unreadable[user]}"
            return None
        self.unreadable.pop(user, None)
        self._cache[user] = value
        return value

    def set(self, vendor: str, profile: str, name: str, value: str) -> bool:
        """Stores a secret; returns True when it went to the keyring, False when only the
        session keeps it (see `problem`)."""
        user = keyring_user(vendor, profile, name)
        backend = self._keyring()
        if backend is not None:
            try:
                backend.set_password(SERVICE, user, value)
                self._session.pop(user, None)
                self._cache[user] = value
                return True
            except Exception as exc:
                self.problem = f"Could not write {user} to the keyring ({exc}); kept for this session only."
        self._session[user] = value
        return False

    def remember(self, vendor: str, profile: str, name: str, value: str) -> None:
        """Keeps a secret for this session only, whatever keyring there is."""
        self._session[keyring_user(vendor, profile, name)] = value

    def delete(self, vendor: str, profile: str, name: str) -> None:
        user = keyring_user(vendor, profile, name)
        self._session.pop(user, None)
        self._cache.pop(user, None)
        backend = self._keyring()
        if backend is not None:
            try:
                backend.delete_password(SERVICE, user)
            except Exception:  # not there, or the keyring refused: nothing left to delete
                pass
