"""The first check of a payload against its schema, begun in a forked child before the rest.

Checking a payload against its schema first imports jsonschema and builds the validator
(~60-85 ms here). The window and the command line begin that check in a forked child
(console.core.forked) as early as they know the payload, and do their other start-up work
meanwhile, on the other core:
- the window, before Qt comes up: the payload it will restore (the last session's vendor,
  operation and draft, or the example), while it builds itself;
- `event-console send`, right after reading its arguments: while it loads the pipeline, the
  profiles, history and the HTTP library.

The child makes the payload's dynamic values ({{$guid}}, …) with a clock reading and a random
seed that the caller's AppContext then uses for its own prepare(), so both make the same values;
prepare() takes the child's answer (a CheckedSchema) only when it is for exactly the payload
prepare() made. Otherwise, or where forking is not safe, the caller checks as it always did.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any, NamedTuple

from console import fast_start
from console.core.definitions import Operation, Vendor, find_operation, vendors
from console.core.dynamic import NO_VARIABLES, resolve, schema_wants_number
from console.core.forked import Pending, can_fork
from console.core.validation import Issue, schema_issues


class CheckedSchema(NamedTuple):
    """The schema's issues for one payload, found in a forked child. `payload` is the JSON
    text of the payload as checked, its dynamic values made."""

    vendor: str
    operation: str
    payload: str
    issues: tuple[Issue, ...]

    def answers(self, vendor: str, operation: str, payload: Any) -> bool:
        # Compared as JSON text: as Python values, true == 1 and 1.0 == 1, which the schema tells apart.
        return (self.vendor, self.operation) == (vendor, operation) and self.payload == _as_json(payload)


def _as_json(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False)


def resolve_payload(vendor: Vendor, op: Operation, payload: Any, now: datetime, rng, variables=NO_VARIABLES):
    """The payload with its dynamic values made ({{$guid}}, …) and its variables put in: a
    console.core.dynamic.Resolution."""
    return resolve(payload, now, rng, schema_wants_number(op.schema, vendor.defs), variables)


class FirstCheck:
    """The check running in a child: for `vendor`/`operation` and the editor text `text` (None
    when it was begun from a payload), with dynamic values made at `now`."""

    def __init__(self, vendor: str, operation: str, text: str | None, now: datetime, pending: Pending):
        self.vendor, self.operation, self.text, self.now = vendor, operation, text, now
        self._pending = pending

    @property
    def pid(self) -> int | None:
        """The child's process id (None where none was forked)."""
        return self._pending.pid

    def fileno(self) -> int:
        """Readable when the child has answered (or died): for a QSocketNotifier."""
        return self._pending.fileno()

    def answer(self) -> CheckedSchema | None:
        """The child's answer, or None when it gave none (waits for it)."""
        try:
            return self._pending.answer()
        except Exception:  # noqa: BLE001 - whatever went wrong there, the caller checks by itself
            return None

    def discard(self) -> None:
        """The caller will not use the answer: the child is ended and reaped."""
        self._pending.discard()


def restored_choice(state) -> tuple[str, str, str]:
    """(vendor, operation, editor text) the window restores from `state` (a WindowState), as
    its controller does: the last ones used when they still exist, else the first of each; the draft kept for
    them, else the example."""
    from console.core.window_state import draft_text  # the window's alone

    all_vendors = vendors()
    vendor = all_vendors.get(state.vendor) or next(iter(all_vendors.values()))
    op = vendor.operations.get(state.operation) or next(iter(vendor.operations.values()))
    return vendor.name, op.name, draft_text(state.drafts, vendor.name, op)


def begin_restored(ctx, state) -> FirstCheck | None:
    """The window's: the check of the payload it will restore from `state` (a WindowState)."""
    vendor, operation, text = restored_choice(state)
    return _begin(ctx, vendor, operation, text, None)


def begin(ctx, vendor: str, operation: str, payload: Any) -> FirstCheck | None:
    """The command line's: the check of `payload` (None: the operation's example)."""
    return _begin(ctx, vendor, operation, None, payload)


def _begin(ctx, vendor: str, operation: str, text: str | None, payload: Any) -> FirstCheck | None:
    """Starts the check in a child; None where forking is not safe now, or switched off."""
    if not fast_start.enabled("fork_first_check") or not can_fork():
        return None
    now = ctx.clock()
    seed = int.from_bytes(os.urandom(16), "big")
    if not ctx.seed_rng(seed):
        return None  # the generator exists already: the child could not make the same values
    pending = Pending(_check, vendor, operation, text, payload, now, seed)
    if not pending.forked:
        return None
    return FirstCheck(vendor, operation, text, now, pending)


def _check(vendor: str, operation: str, text: str | None, payload: Any, now: datetime,
           seed: int) -> CheckedSchema | None:
    """In the child: the schema's answer for the payload (read from `text` when given; None
    when that does not parse, as the window then shows the syntax error and checks nothing)."""
    import random

    v, op = find_operation(vendor, operation)
    if text is not None:
        from console.core.document import PayloadDocument

        document = PayloadDocument(text)
        if not document.parses:
            return None
        payload = document.value
    elif payload is None:
        payload = op.example
    made = resolve_payload(v, op, payload, now, random.Random(seed)).value
    return CheckedSchema(vendor, operation, _as_json(made), tuple(schema_issues(vendor, operation, made)))
