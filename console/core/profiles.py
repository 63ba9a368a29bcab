"""Profiles: named sets of settings per vendor (`production`, `staging`, …), kept as JSON in
the data home. The built-in `sandbox` profile of every vendor is not stored: it always
points at the embedded sandbox with dummy credentials. Secrets are never kept here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SANDBOX = "sandbox"
FORMAT_VERSION = 1
VARIABLE_PREFIX = "var."  # a profile's setting `var.NAME` is its variable NAME
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


class ProfileError(ValueError):
    """A profile operation that cannot be done; the message says why."""


class ProfileStore:
    """Reads and writes `profiles.json`: {"version": 1, "profiles": {vendor: {name: {"settings": {…},
    "ask_before_send": bool (absent: true)}}}}."""

    def __init__(self, home: Path):
        self.path = Path(home) / "profiles.json"
        # The file's text as last read, by what identifies a version of it: capture reads the
        # settings for every request it checks, and a stat costs a tenth of a read and parse.
        self._seen: tuple[tuple[int, int, int], str] | None = None

    def _read(self) -> dict[str, Any]:
        """The file's content, parsed anew (callers may change it). Read again only when the
        file changed: another inode (it is replaced whole, console.core.files.atomic_write),
        size or modification time."""
        try:
            stat = self.path.stat()
            version = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            if self._seen is None or self._seen[0] != version:
                self._seen = (version, self.path.read_text(encoding="utf-8"))
            data = json.loads(self._seen[1])
        except FileNotFoundError:
            self._seen = None
            return {"version": FORMAT_VERSION, "profiles": {}}
        except (OSError, ValueError) as exc:
            raise ProfileError(f"{self.path} cannot be read ({exc}); fix or move it away.") from exc
        if not isinstance(data, dict) or not isinstance(data.get("profiles"), dict):
            raise ProfileError(f"{self.path} is not a profiles file; fix or move it away.")
        return data

    def names(self, vendor: str) -> list[str]:
        """The vendor's profiles, `sandbox` first."""
        stored = self._read()["profiles"].get(vendor, {})
        return [SANDBOX, *sorted(n for n in stored if n != SANDBOX)]

    def settings(self, vendor: str, profile: str) -> dict[str, str]:
        """The stored settings of a profile ({} for `sandbox` and for unknown profiles)."""
        if profile == SANDBOX:
            return {}
        entry = self._read()["profiles"].get(vendor, {}).get(profile, {})
        return dict(entry.get("settings", {}))

    def variables(self, vendor: str, profile: str) -> dict[str, str]:
        """The profile's variables (`{{name}}` in payloads), kept as its `var.NAME` settings."""
        return {key[len(VARIABLE_PREFIX):]: value for key, value in self.settings(vendor, profile).items()
                if key.startswith(VARIABLE_PREFIX)}

    def asks_before_send(self, vendor: str, profile: str) -> bool:
        """Whether the window asks before each send with this profile to a live host (on unless
        the user turned it off for the profile)."""
        if profile == SANDBOX:
            return False
        entry = self._read()["profiles"].get(vendor, {}).get(profile, {})
        return entry.get("ask_before_send", True) is not False

    def set_asks_before_send(self, vendor: str, profile: str, ask: bool) -> None:
        check_profile_name(profile)
        if profile == SANDBOX:
            raise ProfileError("The sandbox profile is built in and cannot be changed; create another profile.")
        data = self._read()
        entry = data["profiles"].setdefault(vendor, {}).setdefault(profile, {"settings": {}})
        entry["ask_before_send"] = bool(ask)
        data["version"] = FORMAT_VERSION
        self._write(data)

    def exists(self, vendor: str, profile: str) -> bool:
        return profile == SANDBOX or profile in self._read()["profiles"].get(vendor, {})

    def update(self, vendor: str, profile: str, values: dict[str, str]) -> None:
        """Creates the profile if needed and sets these settings (an empty value removes one)."""
        check_profile_name(profile)
        if profile == SANDBOX:
            raise ProfileError("The sandbox profile is built in and cannot be changed; create another profile.")
        data = self._read()
        if data.get("version", FORMAT_VERSION) > FORMAT_VERSION:
            raise ProfileError(f"{self.path} was written by a newer event-console; it is left as it is.")
        entry = data["profiles"].setdefault(vendor, {}).setdefault(profile, {"settings": {}})
        for key, value in values.items():
            if value == "":
                entry["settings"].pop(key, None)
            else:
                entry["settings"][key] = value
        data["version"] = FORMAT_VERSION
        self._write(data)

    def delete(self, vendor: str, profile: str) -> None:
        if profile == SANDBOX:
            raise ProfileError("The sandbox profile is built in and cannot be deleted.")
        data = self._read()
        data["profiles"].get(vendor, {}).pop(profile, None)
        self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        from console.core.files import atomic_write  # a crash leaves the old file or the new one

        atomic_write(self.path, json.dumps(data, indent=2, sort_keys=True), private=True)


def check_profile_name(name: str) -> None:
    if not PROFILE_NAME.match(name or ""):
        raise ProfileError(
            f"{name!r} is not a usable profile name: 1 to 64 letters, digits, spaces, '.', '_' or '-', "
            "starting with a letter or digit."
        )
