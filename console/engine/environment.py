"""Where sends go: the window's always-visible Environment label. Kept apart from the
pipeline, which it imports only for a real profile: the window says "sandbox" at start-up
without loading the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from console.core.definitions import vendors
from console.core.hosts import is_loopback
from console.core.profiles import SANDBOX
from console.core.text_enum import TextEnum

if TYPE_CHECKING:
    from console.engine.context import AppContext


class Where(TextEnum):
    """Where sends go: the built-in sandbox, a host on this computer, or a real account."""

    SANDBOX = "sandbox"
    LOCAL = "local"
    LIVE = "live"


class Environment(NamedTuple):
    """Where sends of an operation go with a profile: `kind` is "sandbox" (the built-in one),
    "local" (a host on this computer) or "live" (anywhere else); `host` names it."""

    kind: Where
    host: str

    @property
    def text(self) -> str:
        if self.kind is Where.SANDBOX:
            return "Sandbox: nothing leaves this computer"
        if self.kind is Where.LOCAL:
            return f"Local: {self.host}"
        return f"LIVE: {self.host}"


def environment(ctx: AppContext, vendor: str, operation: str, profile: str) -> Environment:
    """Where a send would go (the window's always-visible Environment label)."""
    if profile == SANDBOX:
        return Environment(Where.SANDBOX, "sandbox")
    from urllib.parse import urlsplit

    from console.engine.pipeline import Draft, resolve_settings

    definition = vendors()[vendor]
    settings = resolve_settings(ctx, definition, definition.operations[operation], Draft(vendor, operation, profile))
    try:
        parts = urlsplit(settings.get("base_url", ""))
        host = parts.hostname or ""
        shown = parts.netloc.rpartition("@")[2] or "no host set"
    except ValueError:
        host, shown = "", settings.get("base_url", "") or "no host set"
    return Environment(Where.LOCAL if is_loopback(host) else Where.LIVE, shown)
