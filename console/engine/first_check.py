"""The window's first check of the payload, begun before the window exists.

The window is ready when it shows its history, and the issues and preview of the payload it
restored. Checking a payload against its schema first imports jsonschema and builds the
validator (~55 ms), which on the window's thread would come after everything else start-up
does. So, before Qt comes up, the payload the window will restore (the last session's vendor,
operation and draft, or the example) is checked in a forked child (console.core.forked), on the
other core, while this process builds the window. The child makes the dynamic values with the
clock reading and random seed the window's first prepare() will use, and the window takes the
child's answer only when it is for exactly the payload that prepare() makes (see
pipeline.CheckedSchema); otherwise, or when forking is not safe, the window checks as it
always does.
"""

from __future__ import annotations

import os
from datetime import datetime

from console.core.definitions import vendors
from console.core.forked import Pending, can_fork
from console.core.window_state import WindowState, draft_text


class FirstCheck:
    """The check running in a child: for `vendor`/`operation` and the editor text `text`,
    with dynamic values made at `now`."""

    def __init__(self, vendor: str, operation: str, text: str, now: datetime, pending: Pending):
        self.vendor, self.operation, self.text, self.now = vendor, operation, text, now
        self._pending = pending

    def fileno(self) -> int:
        """Readable when the child has answered (or died): for a QSocketNotifier."""
        return self._pending.fileno()

    def discard(self) -> None:
        """The window will not use the answer: the child is ended and reaped."""
        self._pending.discard()

    def answer(self):
        """The child's pipeline.CheckedSchema, or None when it gave none (waits for it)."""
        try:
            return self._pending.answer()
        except Exception:  # noqa: BLE001 - whatever went wrong there, the window checks here
            return None


def restored_choice(state: WindowState) -> tuple[str, str, str]:
    """(vendor, operation, editor text) the window restores from `state`, as its controller
    does: the last ones used when they still exist, else the first of each; the draft kept for
    them, else the example."""
    all_vendors = vendors()
    vendor = all_vendors.get(state.vendor) or next(iter(all_vendors.values()))
    op = vendor.operations.get(state.operation) or next(iter(vendor.operations.values()))
    return vendor.name, op.name, draft_text(state.drafts, vendor.name, op)


def begin(ctx, state: WindowState) -> FirstCheck | None:
    """Starts the check in a child, or None where forking is not safe now."""
    if not can_fork():
        return None
    vendor, operation, text = restored_choice(state)
    now = ctx.clock()
    seed = int.from_bytes(os.urandom(16), "big")
    if not ctx.seed_rng(seed):
        return None  # the generator exists already: the child could not make the same values
    pending = Pending(_check, vendor, operation, text, now, seed)
    if not pending.forked:
        return None
    return FirstCheck(vendor, operation, text, now, pending)


def _check(vendor: str, operation: str, text: str, now: datetime, seed: int):
    """In the child: the schema's answer for the text's payload (None when it does not parse:
    the window shows the syntax error, no check)."""
    import random

    from console.core.document import PayloadDocument
    from console.engine.pipeline import checked_schema

    document = PayloadDocument(text)
    if not document.parses:
        return None
    return checked_schema(vendor, operation, document.value, now, random.Random(seed))
