"""Dynamic values and variables: Postman's `{{$name}}` tokens, made afresh for every send, and
its `{{name}}` variables, taken from a data row, a case's `vars` or a profile.

The tokens are Postman's names: `{{$guid}}` and `{{$randomUUID}}` (a UUID 4), `{{$timestamp}}`
(Unix seconds, rounded as Postman rounds), `{{$timestampMs}}`, `{{$isoTimestamp}}` (UTC, ISO 8601
with Z), `{{$randomInt}}` (0 to 1000), `{{$randomEmail}}` and Postman's random values of
console.core.fake_data. A string that is exactly one token or variable takes the type the
operation's schema expects there (a number, a boolean); a token written bare in the JSON
(`"ts": {{$timestamp}}`) is read as the JSON its text is, as Postman's text substitution does.
An unknown `{{$name}}` or `{{name}}` is reported (a validation error at its path), never sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import random

from console.core.payload import BareToken

TOKEN = re.compile(r"\{\{(\$?)([A-Za-z_][A-Za-z0-9_.\-]*)\}\}")
# Every built-in token with what it makes, in the order a menu offers them.
TOKENS: tuple[tuple[str, str], ...] = (
    ("{{$guid}}", "a fresh UUID 4 (ids, order ids, salts)"),
    ("{{$randomUUID}}", "a fresh UUID 4 (Postman's other name for it)"),
    ("{{$timestamp}}", "now, Unix seconds"),
    ("{{$timestampMs}}", "now, Unix milliseconds"),
    ("{{$isoTimestamp}}", "now, UTC, ISO 8601 with Z"),
    ("{{$randomInt}}", "a random integer from 0 to 1000"),
    ("{{$randomEmail}}", "a random address at example.com"),
)


def all_tokens() -> tuple[tuple[str, str], ...]:
    """The built-in tokens and Postman's random values, each with what it makes."""
    from console.core.fake_data import MAKERS

    return TOKENS + tuple((f"{{{{${name}}}}}", meaning) for name, (meaning, _) in MAKERS.items())


class Generated(NamedTuple):
    """One value put in for a send: where (JSON Pointer), from which token or variable, what it
    became, and where a variable's value came from ("" for a dynamic value)."""

    path: str
    token: str
    value: Any
    source: str = ""


class Resolution(NamedTuple):
    value: Any
    generated: tuple[Generated, ...]
    unknown: tuple[tuple[str, str], ...]  # (JSON Pointer, the token as written)


class Variables:
    """The `{{name}}` values of a send, in layers looked up in order (the first that has a name
    wins): the data row, the case's `vars`, the profile's variables. Each layer is named, and
    the name is where the preview says a value came from."""

    def __init__(self, *layers: tuple[str, Mapping[str, Any]]):
        self.layers = tuple((source, values) for source, values in layers if values)

    def lookup(self, name: str) -> tuple[str, str] | None:
        """(value as text, where it came from), or None when no layer has `name`."""
        for source, values in self.layers:
            if name in values:
                value = values[name]
                return (value if isinstance(value, str) else json.dumps(value)), source
        return None

    def __bool__(self) -> bool:
        return bool(self.layers)


NO_VARIABLES = Variables()


def make_value(name: str, now: datetime, rng: random.Random) -> Any | None:
    """The fresh value of token `name` (without its `$`), or None when there is no such token."""
    if name in ("guid", "randomUUID"):
        import uuid  # here, not at import: the window's form imports this module at start-up

        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if name == "timestamp":
        return int(now.timestamp() + 0.5)  # Postman: Math.round(Date.now() / 1000)
    if name == "timestampMs":
        return int(now.timestamp() * 1000)
    if name == "isoTimestamp":
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    if name == "randomInt":
        return rng.randint(0, 1000)
    if name == "randomEmail":
        return f"user{rng.randint(10_000, 99_999_999)}@example.com"
    from console.core.fake_data import MAKERS

    maker = MAKERS.get(name)
    return maker[1](now, rng) if maker else None


def as_text(value: Any) -> str:
    """A made value as the text Postman substitutes (`true`, not `True`)."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def typed(text: str, wanted: str | None, bare: bool = False) -> Any:
    """The value a whole-string token or variable becomes: the JSON its text is when it stood
    bare; a number or boolean where the schema (`wanted`) expects one and the text is one; else
    the text."""
    if bare:
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if not isinstance(value, (dict, list)) else text
    if wanted == "number":
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return text
            return number if number == number and abs(number) != float("inf") else text
    if wanted == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def has_tokens(value: Any) -> bool:
    """Whether any string (or field name) in `value` holds a `{{…}}` token (walks without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "{{" in item and TOKEN.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item)  # its field names
        elif isinstance(item, list):
            stack.extend(item)
    return False


def resolve(value: Any, now: datetime, rng: random.Random, wants: Callable[[list[Any]], Any] = lambda path: None,
            variables: Variables = NO_VARIABLES) -> Resolution:
    """`value` with every token and variable replaced; `wants(path)` says what the schema expects
    at a path ("number", "boolean", or None; True means "number")."""
    generated: list[Generated] = []
    unknown: list[tuple[str, str]] = []

    def text_of(match: re.Match[str], where: str) -> tuple[str, str] | None:
        """(the value's text, its source) for one token, or None (reported) when unknown."""
        if match.group(1):
            made = make_value(match.group(2), now, rng)
            if made is not None:
                return as_text(made), ""
        else:
            found = variables.lookup(match.group(2))
            if found is not None:
                return found
        unknown.append((where, match.group(0)))
        return None

    def walk(item: Any, path: list[Any]) -> Any:
        if isinstance(item, dict):
            return {key(k, path): walk(v, path + [k]) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, path + [i]) for i, v in enumerate(item)]
        if not isinstance(item, str) or "{{" not in item:
            return item
        from console.core.validation import pointer

        where = pointer(path)
        whole = TOKEN.fullmatch(item)
        if whole:
            found = text_of(whole, where)
            if found is None:
                return item
            wanted = wants(path)
            made = typed(found[0], "number" if wanted is True else wanted or None, isinstance(item, BareToken))
            generated.append(Generated(where, str(item), made, found[1]))
            return made
        result, sources = substitute(item, where)
        if result != item:
            generated.append(Generated(where, item, result, ", ".join(sources)))
        return result

    def substitute(text: str, where: str) -> tuple[str, list[str]]:
        """Each token in `text` as its value's text; an unknown one stays, reported at `where`."""
        sources: list[str] = []

        def one(match: re.Match[str]) -> str:
            found = text_of(match, where)
            if found is None:
                return match.group(0)
            if found[1] and found[1] not in sources:
                sources.append(found[1])
            return found[0]

        return TOKEN.sub(one, text), sources

    def key(name: str, path: list[Any]) -> str:
        """A field name's tokens made too (an unknown one is reported at the field)."""
        if "{{" not in name:
            return name
        from console.core.validation import pointer

        return substitute(name, pointer(path + [name]))[0]

    if not has_tokens(value):
        return Resolution(value, (), ())
    return Resolution(walk(value, []), tuple(generated), tuple(unknown))


def unknown_message(token: str) -> str:
    """What an unknown token or variable is told with, naming what is known instead."""
    if token.startswith("{{$"):
        return (f"{token} is not a dynamic value this console knows; it knows "
                + ", ".join(t for t, _ in TOKENS) + " and Postman's random values ({{$randomFirstName}}, …).")
    return (f"{token} is not a variable of this send: give it in a data row, the case's \"vars\", or the "
            f"profile (event-console profile set VENDOR PROFILE var.{token[2:-2]}=VALUE).")


def schema_wants_number(schema: dict[str, Any], defs: dict[str, Any]) -> Callable[[list[Any]], str | None]:
    """A `wants(path)` for an operation's schema: "number" where the schema's node for the path
    says integer or number (or x-number, myTracker's numbers that may be strings), "boolean"
    where it says boolean only, else None."""
    from console.core.definitions import schema_at

    def wants(path: list[Any]) -> str | None:
        node = schema_at(schema, defs, path)
        kinds = node.get("type")
        kinds = {kinds} if isinstance(kinds, str) else set(kinds or ())
        if "x-number" in node or ("string" not in kinds and bool(kinds & {"integer", "number"})):
            return "number"
        return "boolean" if kinds == {"boolean"} else None

    return wants


def describe(generated: Sequence[Generated]) -> str:
    """The values put in for a send, for the preview: marked as generated, the token beside, and
    where a variable's value came from."""
    if not generated:
        return ""
    lines = ["", "Generated for this send (fresh every time; the draft keeps the tokens):"]
    lines += [f"  {g.path or '(payload)'} = {g.value}    ← {g.token}" + (f" from {g.source}" if g.source else "")
              for g in generated]
    return "\n".join(lines) + "\n"
