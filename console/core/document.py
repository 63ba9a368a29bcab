"""The payload being edited: one document behind both views (the JSON editor and the form).

It holds the text (what the editor shows, what a draft keeps), whether the text parses and
its value, where each value sits in the text (JSON Pointer → line and column, for taking the
user to an issue), and the errors of form fields whose own text is not valid (a `params`
box holding broken JSON is an error at its path, so nothing is sent without it).

Edits from the form are applied to the value of the *current* text, and only while that text
parses: nothing is ever rewritten from a stale copy.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from typing import Any

from console.core.issue_codes import IssueCode
from console.core.payload import JsonSyntaxError, PayloadError, parse_json_text
from console.core.validation import ERROR, Issue, pointer

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]  # the C scanner json uses
_SPACE = re.compile(r"[ \t\n\r]*")


def _space_end(text: str, i: int) -> int:
    """Where the white space at `i` ends (`i` itself when there is none)."""
    found = _SPACE.match(text, i)
    return found.end() if found else i
REMOVE = object()  # set_at's value that removes the member or item


class DocumentNotEditable(ValueError):
    """The form tried to edit a document whose text does not parse."""


class PayloadDocument:
    """See the module docstring. `indent` is how the form's edits lay out the text."""

    def __init__(self, text: str = "", indent: int = 2):
        self.indent = indent
        self.field_errors: dict[str, str] = {}
        self._positions: dict[str, tuple[int, int]] | None = None
        self.set_text(text)

    # -- the text ------------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        """The JSON editor's text changed: parse it again."""
        self.text = text
        self._positions = None
        try:
            self.value, self.error = parse_json_text(text, bare_tokens=True), None
        except PayloadError as exc:
            self.value, self.error = None, exc

    @property
    def parses(self) -> bool:
        return self.error is None

    def error_position(self) -> tuple[int, int]:
        """(line, column) of the syntax error, 1-based ((1, 1) when it has none)."""
        if isinstance(self.error, JsonSyntaxError):
            return self.error.line, self.error.column
        return 1, 1

    def error_message(self) -> str:
        if self.error is None:
            return ""
        if isinstance(self.error, JsonSyntaxError):
            return f"The JSON has an error at line {self.error.line}, column {self.error.column}: {self.error.message}."
        return f"The JSON cannot be sent: {self.error}."

    # -- edits from the form -------------------------------------------------------------------
    def set_at(self, path: list[Any], value: Any) -> str:
        """Sets (or with REMOVE, removes) the value at `path` in the current value and lays
        the text out again; returns the new text. Raises DocumentNotEditable while the text
        does not parse, and KeyError/IndexError/TypeError for a path the value does not have."""
        if not self.parses:
            raise DocumentNotEditable(self.error_message())
        document = set_at(copy.deepcopy(self.value), list(path), value)
        self.set_text(json.dumps(document, indent=self.indent, ensure_ascii=False))
        return self.text

    def set_field_error(self, path: list[Any], message: str | None) -> None:
        """A form field's own text is not valid (message), or is again (None)."""
        key = pointer(path)
        if message:
            self.field_errors[key] = message
        else:
            self.field_errors.pop(key, None)

    def field_issues(self) -> list[Issue]:
        """The form fields' errors as validation issues (they block the send)."""
        return [Issue(ERROR, path, message, IssueCode.FORM_FIELD) for path, message in sorted(self.field_errors.items())]

    # -- where values are ----------------------------------------------------------------------
    def position(self, json_pointer: str) -> tuple[int, int] | None:
        """(line, column), 1-based, of the value at `json_pointer`, or of its nearest
        ancestor that exists (a missing required field points at its object)."""
        if not self.parses:
            return None
        if self._positions is None:
            self._positions = value_positions(self.text)
        parts = json_pointer.split("/") if json_pointer else [""]
        while parts:
            found = self._positions.get("/".join(parts))
            if found is not None:
                return found
            parts = parts[:-1]
        return self._positions.get("")


def set_at(document: Any, path: list[Any], value: Any) -> Any:
    """`document` with the value at `path` replaced (REMOVE removes it; one past the end of
    a list appends)."""
    if not path:
        return value
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if value is REMOVE:
        if isinstance(parent, dict):
            parent.pop(last, None)
        else:
            del parent[last]
    elif isinstance(parent, list) and last == len(parent):
        parent.append(value)
    else:
        parent[last] = value
    return document


def value_positions(text: str) -> dict[str, tuple[int, int]]:
    """Where each value of a (valid) JSON text starts: JSON Pointer → (line, column), 1-based.
    A member's position is its key's (where a reader looks for it). Walks without recursion."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    positions: dict[str, tuple[int, int]] = {}
    decoder = json.JSONDecoder()
    # Each frame: [kind, pointer, next index (arrays)]
    stack: list[list[Any]] = []
    i = _space_end(text, 0)
    pending = ""  # the pointer of the value about to be read
    positions[""] = at(i)
    while i < len(text):
        i = _space_end(text, i)
        if i >= len(text):
            break
        c = text[i]
        if stack and stack[-1][0] == "object-key":
            if c == "}":
                stack.pop()
                i += 1
                i = _after_value(text, i, stack)
                continue
            key, end = _scanstring(text, i + 1)
            frame = stack[-1]
            pending = f"{frame[1]}/{key.replace('~', '~0').replace('/', '~1')}"
            positions[pending] = at(i)
            i = _space_end(text, end) + 1  # past the colon
            frame[0] = "object-value"
            continue
        if stack and stack[-1][0] == "array" and c == "]":
            stack.pop()
            i += 1
            i = _after_value(text, i, stack)
            continue
        if stack and stack[-1][0] == "array":
            frame = stack[-1]
            pending = f"{frame[1]}/{frame[2]}"
            positions[pending] = at(i)
            frame[2] += 1
        if c == "{":
            stack.append(["object-key", pending])
            i = _space_end(text, i + 1)
            continue
        if c == "[":
            stack.append(["array", pending, 0])
            i += 1
            continue
        if c == '"':
            _, i = _scanstring(text, i + 1)
        else:
            match = _NUMBER.match(text, i)
            if match and match.end() > i:
                i = match.end()
            else:
                _, i = decoder.raw_decode(text, i)  # true, false, null
        i = _after_value(text, i, stack)
    return positions


def _after_value(text: str, i: int, stack: list[list[Any]]) -> int:
    """Past the separator that follows a value; an object goes back to expecting a key."""
    i = _space_end(text, i)
    if i < len(text) and text[i] == ",":
        i += 1
    if stack and stack[-1][0] == "object-value":
        stack[-1][0] = "object-key"
    return i
