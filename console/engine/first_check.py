"""The command line's first check of a payload against its schema, in a forked child.

Checking a payload against its schema first imports jsonschema and builds the validator
(~60-85 ms here). `event-console send` begins that check in a forked child (console.core.forked)
right after reading its arguments, and meanwhile loads the pipeline, the profiles, history and
the HTTP library on the other core. A start-up trick (console.fast_start's fork_first_check):
a send takes 1.23x as long without it. (The window did the same before Qt came up; measured,
it gained 2% to ready and lengthened a start-up gap, so it was removed.)

The child makes the payload's dynamic values ({{$guid}}, …) with a clock reading and a random
seed that the caller's AppContext then uses for its own prepare(), so both make the same values;
prepare() takes the child's answer (a CheckedSchema) only when it is for exactly the payload
prepare() made. Otherwise, or where forking is not safe, the caller checks as it always did.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from console import fast_start
from console.core.definitions import Operation, Vendor, find_operation
from console.core.dynamic import NO_VARIABLES, Resolution, Variables, resolve, schema_wants_number
from console.core.forked import Pending, can_fork
from console.core.validation import Issue, schema_issues

if TYPE_CHECKING:
    import random

    from console.engine.context import AppContext


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


def resolve_payload(vendor: Vendor, op: Operation, payload: Any, now: datetime, rng: random.Random,
                    variables: Variables = NO_VARIABLES) -> Resolution:
    """The payload with its dynamic values made ({{$guid}}, …) and its variables put in: a
    console.core.dynamic.Resolution."""
    return resolve(payload, now, rng, schema_wants_number(op.schema, vendor.defs), variables)


class FirstCheck:
    """The check running in a child: for `vendor`/`operation`, with dynamic values made at `now`."""

    def __init__(self, vendor: str, operation: str, now: datetime, pending: Pending):
        self.vendor, self.operation, self.now = vendor, operation, now
        self._pending = pending

    def answer(self) -> CheckedSchema | None:
        """The child's answer, or None when it gave none (waits for it)."""
        try:
            checked: CheckedSchema | None = self._pending.answer()
            return checked
        except Exception:  # noqa: BLE001 - whatever went wrong there, the caller checks by itself
            return None

    def discard(self) -> None:
        """The caller will not use the answer: the child is ended and reaped."""
        self._pending.discard()


def begin(ctx: AppContext, vendor: str, operation: str, payload: Any) -> FirstCheck | None:
    """Starts the check of `payload` (None: the operation's example) in a child; None where
    forking is not safe now, or the trick is switched off."""
    if not fast_start.enabled("fork_first_check") or not can_fork():
        return None
    now = ctx.clock()
    seed = int.from_bytes(os.urandom(16), "big")
    if not ctx.seed_rng(seed):
        return None  # the generator exists already: the child could not make the same values
    pending = Pending(check_in_child, vendor, operation, payload, now, seed)
    if not pending.forked:
        return None
    return FirstCheck(vendor, operation, now, pending)


def check_in_child(vendor: str, operation: str, payload: Any, now: datetime, seed: int) -> CheckedSchema:
    """In the child: the schema's answer for the payload, its dynamic values made as the
    parent's prepare() will make them (the same clock reading and random seed)."""
    import random

    v, op = find_operation(vendor, operation)
    if payload is None:
        payload = op.example
    made = resolve_payload(v, op, payload, now, random.Random(seed)).value
    return CheckedSchema(vendor, operation, _as_json(made), tuple(schema_issues(vendor, operation, made)))
