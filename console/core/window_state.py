"""What the window remembers across restarts (geometry, last choices, unsent drafts), as JSON
in the data home. Drafts are redacted before writing: a credential pasted into a payload
never reaches the disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from console.core.definitions import Operation, vendors
from console.core.secrets import MASK, mask_text

FILE_NAME = "window.json"
# The operation a first run opens on: the simplest one (a flat event of four fields, the
# document's own example), not the most nested.
FIRST_CHOICE = ("octeth", "event")
FORMAT_VERSION = 1


class WindowState:
    """The remembered state; the window changes it in place and saves it now and then.
    (A plain class: the window loads it before its first paint, and a dataclass would bring in
    the dataclasses module and compile its methods there.)"""

    FIELDS = ("geometry", "splitters", "vendor", "operation", "profiles", "drafts", "suites_folder", "plan_folder",
              "first_steps_done")

    def __init__(self, geometry: str = "", splitters: dict[str, str] | None = None, vendor: str = FIRST_CHOICE[0],
                 operation: str = FIRST_CHOICE[1], profiles: dict[str, str] | None = None,
                 drafts: dict[str, str] | None = None, suites_folder: str = "", plan_folder: str = "",
                 first_steps_done: bool = False):
        self.geometry = geometry
        self.splitters = splitters or {}  # splitter name → saved state (base64)
        self.vendor = vendor
        self.operation = operation
        self.profiles = profiles or {}  # vendor → last profile
        self.drafts = drafts or {}  # "vendor/operation" → JSON text
        self.suites_folder = suites_folder  # the Suites panel's folder
        self.plan_folder = plan_folder  # the tracking plan in use ("" for none)
        self.first_steps_done = bool(first_steps_done)  # the first-steps strip was dismissed

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}


def load_state(home: Path) -> WindowState:
    """The saved state, or a fresh one when there is none or it cannot be read."""
    try:
        data = json.loads((Path(home) / FILE_NAME).read_text(encoding="utf-8"))
        data.pop("version", None)
        return WindowState(**{k: v for k, v in data.items() if k in WindowState.FIELDS})
    except (OSError, ValueError, TypeError):
        return WindowState()


def draft_text(drafts: dict[str, str], vendor: str, op: Operation) -> str:
    """The editor's text for an operation: the draft kept for it, else its example."""
    return drafts.get(f"{vendor}/{op.name}") or json.dumps(op.example, indent=2, ensure_ascii=False)


def redact_draft(vendor: str, text: str, secrets: list[str]) -> str:
    """A draft with known secret values and credential fields (Octeth's APIKey) masked."""
    text = mask_text(text, [s for s in secrets if s])
    fields = vendors()[vendor].secret_fields if vendor in vendors() else ()
    if fields:
        try:
            payload = json.loads(text)
        except ValueError:
            return text
        if isinstance(payload, dict) and any(payload.get(f) for f in fields):
            for name in fields:
                if payload.get(name):
                    payload[name] = MASK
            return json.dumps(payload, indent=2, ensure_ascii=False)
    return text


def save_state(home: Path, state: WindowState) -> None:
    from console.core.files import atomic_write  # here, not at import: read before the first paint

    data = {"version": FORMAT_VERSION, **state.to_json()}
    atomic_write(Path(home) / FILE_NAME, json.dumps(data, indent=1), private=True)
