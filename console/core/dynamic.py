"""Dynamic values: Postman's `{{$name}}` tokens, replaced afresh for every send.

`{{$guid}}` and `{{$randomUUID}}` (a UUID 4), `{{$timestamp}}` (Unix seconds),
`{{$timestampMs}}` (Unix milliseconds), `{{$isoTimestamp}}` (UTC, ISO 8601 with Z),
`{{$randomInt}}` (0 to 1000) and `{{$randomEmail}}`. A string that is exactly one token becomes
a number where the operation's schema expects a number; elsewhere the token's text is put in
its place. An unknown `{{$name}}` is reported (a validation error at its path), never sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from console.core.payload import BareToken

TOKEN = re.compile(r"\{\{\$([A-Za-z][A-Za-z0-9]*)\}\}")
NUMERIC = frozenset({"timestamp", "timestampMs", "randomInt"})
# Every token with what it makes, in the order a menu offers them.
TOKENS: tuple[tuple[str, str], ...] = (
    ("{{$guid}}", "a fresh UUID 4 (ids, order ids, salts)"),
    ("{{$randomUUID}}", "a fresh UUID 4 (Postman's other name for it)"),
    ("{{$timestamp}}", "now, Unix seconds"),
    ("{{$timestampMs}}", "now, Unix milliseconds"),
    ("{{$isoTimestamp}}", "now, UTC, ISO 8601 with Z"),
    ("{{$randomInt}}", "a random integer from 0 to 1000"),
    ("{{$randomEmail}}", "a random address at example.com"),
)


class Generated(NamedTuple):
    """One value made for a send: where (JSON Pointer), from which token, what it became."""

    path: str
    token: str
    value: Any


class Resolution(NamedTuple):
    value: Any
    generated: tuple[Generated, ...]
    unknown: tuple[tuple[str, str], ...]  # (JSON Pointer, token name)


def make_value(name: str, now: datetime, rng) -> Any | None:
    """The fresh value of token `name`, or None when there is no such token."""
    if name in ("guid", "randomUUID"):
        import uuid  # here, not at import: the window's form imports this module at start-up

        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if name == "timestamp":
        return int(now.timestamp())
    if name == "timestampMs":
        return int(now.timestamp() * 1000)
    if name == "isoTimestamp":
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    if name == "randomInt":
        return rng.randint(0, 1000)
    if name == "randomEmail":
        return f"user{rng.randint(10_000, 99_999_999)}@example.com"
    return None


def has_tokens(value: Any) -> bool:
    """Whether any string (or field name) in `value` holds a `{{$name}}` token (walks without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "{{$" in item and TOKEN.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item)  # its field names
        elif isinstance(item, list):
            stack.extend(item)
    return False


def resolve(value: Any, now: datetime, rng, wants_number: Callable[[list], bool] = lambda path: False,
            ) -> Resolution:
    """`value` with every token replaced; `wants_number(path)` says where the schema expects a
    number (a whole-string numeric token is then put in as a number)."""
    generated: list[Generated] = []
    unknown: list[tuple[str, str]] = []

    def walk(item: Any, path: list) -> Any:
        if isinstance(item, dict):
            return {key(k, path): walk(v, path + [k]) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, path + [i]) for i, v in enumerate(item)]
        if not isinstance(item, str) or "{{$" not in item:
            return item
        from console.core.validation import pointer

        where = pointer(path)
        whole = TOKEN.fullmatch(item)
        if whole:
            made = make_value(whole.group(1), now, rng)
            if made is None:
                unknown.append((where, whole.group(1)))
                return item
            if whole.group(1) in NUMERIC and not wants_number(path) and not isinstance(item, BareToken):
                made = str(made)  # a token written bare (`"ts": {{$timestamp}}`) keeps its number
            generated.append(Generated(where, item, made))
            return made

        result = substitute(item, where)
        if result != item:
            generated.append(Generated(where, item, result))
        return result

    def substitute(text: str, where: str) -> str:
        """Each token in `text` as its value's text; an unknown one stays, reported at `where`."""

        def one(match: re.Match) -> str:
            made = make_value(match.group(1), now, rng)
            if made is None:
                unknown.append((where, match.group(1)))
                return match.group(0)
            return str(made)

        return TOKEN.sub(one, text)

    def key(name: str, path: list) -> str:
        """A field name's tokens made too (an unknown one is reported at the field)."""
        if "{{$" not in name:
            return name
        from console.core.validation import pointer

        return substitute(name, pointer(path + [name]))

    if not has_tokens(value):
        return Resolution(value, (), ())
    return Resolution(walk(value, []), tuple(generated), tuple(unknown))


def schema_wants_number(schema: dict, defs: dict) -> Callable[[list], bool]:
    """A `wants_number(path)` for an operation's schema: true where the schema's node for the
    path says integer or number (or x-number, myTracker's numbers that may be strings)."""

    def resolve_ref(node: Any) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 10:
            node = {**defs.get(node["$ref"].rsplit("/", 1)[-1], {}), **{k: v for k, v in node.items() if k != "$ref"}}
            seen += 1
        return node if isinstance(node, dict) else {}

    def wants(path: list) -> bool:
        node = resolve_ref(schema)
        for part in path:
            if isinstance(part, int):
                items = node.get("items", {})
                node = resolve_ref(items if isinstance(items, dict) else {})
            else:
                node = resolve_ref(node.get("properties", {}).get(part, {}))
            if not node:
                return False
        kinds = node.get("type")
        kinds = {kinds} if isinstance(kinds, str) else set(kinds or ())
        return "x-number" in node or ("string" not in kinds and bool(kinds & {"integer", "number"}))

    return wants


def describe(generated) -> str:
    """The values made for a send, for the preview: marked as generated, the token beside."""
    if not generated:
        return ""
    lines = ["", "Generated for this send (fresh every time; the draft keeps the tokens):"]
    lines += [f"  {g.path or '(payload)'} = {g.value}    ← {g.token}" for g in generated]
    return "\n".join(lines) + "\n"
