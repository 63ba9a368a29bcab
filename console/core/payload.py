"""Payload text in, payload value checked: what every front end reads a user's JSON with.

A payload is exactly what the user gave. It must be a JSON object or array; JSON's own
grammar is enforced (no NaN or Infinity, which Python's json module accepts); and it must be
something the wire can carry: valid Unicode (no lone surrogates), numbers Python can write
back (at most 4,300 digits), nesting no deeper than MAX_DEPTH. Each failure is one plain
sentence, never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

# Event payloads are a few levels deep; this leaves room and keeps validation's recursion safe.
MAX_DEPTH = 64
MAX_DIGITS = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
_TOO_MANY_DIGITS = 10 ** MAX_DIGITS
_TYPE_NAMES = {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "a string"}


class PayloadError(ValueError):
    """The text or value cannot be a payload; the message says why in one line."""


class JsonSyntaxError(PayloadError):
    """Not JSON at all: where the parser stopped (1-based line and column)."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"{message} at line {line}, column {column}")
        self.message, self.line, self.column = message, line, column


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (JSON has no NaN or Infinity)")


class BareToken(str):
    """A `{{$name}}` token written where a JSON value goes (`"ts": {{$timestamp}}`, Postman's
    idiom): read as a string so the payload parses, and made into the value's own type (a
    number for `{{$timestamp}}`) when it is resolved (console.core.dynamic)."""


_BARE = "\u0000bare\u0000"  # marks a token that stood bare: no payload's string holds a NUL and this
_BARE_TOKEN = re.compile(r"\{\{\$?[A-Za-z][A-Za-z0-9_.-]*\}\}")


def _quote_bare_tokens(text: str) -> str | None:
    """`text` with each `{{$name}}` that stands outside a JSON string quoted (and marked), or
    None when there is none."""
    out, i, in_string, found = [], 0, False, False
    while i < len(text):
        char = text[i]
        if in_string:
            if char == "\\":
                out.append(text[i:i + 2])
                i += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char == "{" and text.startswith("{{", i):
            match = _BARE_TOKEN.match(text, i)
            if match:
                out.append(json.dumps(_BARE + match.group(0)))
                i = match.end()
                found = True
                continue
        out.append(char)
        i += 1
    return "".join(out) if found else None


def _mark_bare(value: Any) -> Any:
    """The marked strings of _quote_bare_tokens as BareToken values."""
    if isinstance(value, str):
        return BareToken(value[len(_BARE):]) if value.startswith(_BARE) else value
    if isinstance(value, list):
        return [_mark_bare(item) for item in value]
    if isinstance(value, dict):
        return {key: _mark_bare(item) for key, item in value.items()}
    return value


def parse_json_text(text: str, bare_tokens: bool = False) -> Any:
    """Parses JSON strictly; raises JsonSyntaxError (with its position) or PayloadError. With
    `bare_tokens` (a payload a person wrote), a `{{$name}}` where a value goes is read as that
    token (BareToken); the wire's JSON (the sandbox's) is read without."""
    if bare_tokens and "{{" in text:
        quoted = _quote_bare_tokens(text)
        if quoted is not None:
            try:
                return _mark_bare(parse_json_text(quoted))
            except PayloadError:
                pass  # the error is said of the text as written
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        comma = _trailing_comma(text, exc.pos)
        if comma is not None:  # say so, and point at the comma, not at the line after it
            line = text.count("\n", 0, comma) + 1
            raise JsonSyntaxError("a trailing comma: JSON allows no comma before } or ]", line,
                                  comma - (text.rfind("\n", 0, comma) + 1) + 1) from None
        raise JsonSyntaxError(exc.msg, exc.lineno, exc.colno) from None
    except RecursionError:
        raise PayloadError("the JSON is nested too deeply to be read") from None
    except ValueError as exc:  # NaN/Infinity, or a number with too many digits
        message = str(exc)
        if "digits" in message:
            message = f"a number has more than {MAX_DIGITS:,} digits"
        raise PayloadError(message) from None
    return value


def _trailing_comma(text: str, at: int) -> int | None:
    """The offset of a comma that stands right before } or ] where the parser stopped."""
    if at >= len(text) or text[at] not in "}]":
        return None
    before = len(text[:at].rstrip())
    return before - 1 if before and text[before - 1] == "," else None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests lists and objects more than `limit` levels deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def problem(value: Any, top_level: bool = True) -> str | None:
    """Why `value` cannot be sent as a payload, or None. Walks without recursion."""
    if top_level and not isinstance(value, (dict, list)):
        name = _TYPE_NAMES.get(type(value), type(value).__name__)
        return f"the payload must be a JSON object {{…}} or array […], not {name}"
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"the payload is nested more than {MAX_DEPTH} levels deep"
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return f"a field name is not text: {key!r}"
                bad = _text_problem(key)
                if bad:
                    return bad
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            bad = _text_problem(item)
            if bad:
                return bad
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return "NaN and Infinity are not JSON numbers"
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) >= _TOO_MANY_DIGITS:
                return f"a number has more than {MAX_DIGITS:,} digits"
        else:
            return f"{type(item).__name__} is not a JSON value"
    return None


def _text_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return (f"a text holds a lone surrogate \\u{code:04x} (character {exc.start + 1} of {text[:20]!r}), "
                "which is not valid Unicode and cannot be sent as UTF-8")
    return None


def parse_payload(text: str) -> Any:
    """Parses a payload text and checks it (see module docstring); raises PayloadError."""
    value = parse_json_text(text, bare_tokens=True)
    bad = problem(value)
    if bad:
        raise PayloadError(bad)
    return value
