"""Reading a large JSON document a piece at a time: the members of its objects one by one,
and the items of a long array one by one, so that a 1 GB HAR file's entries pass through in
bounded memory. Each value is decoded by the json module's own decoder (raw_decode), so what is
read is exactly what `json.loads` would read: NaN, lone surrogates written as `\\udcxx`, huge
numbers. (ijson, the streaming parser on PyPI, refuses the first two, which browsers' HAR files
hold.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

# Characters read at a time; a value longer than the text at hand is read again with twice as
# much (so a 50 MB body costs a few re-reads, not one per chunk).
CHUNK = 1 << 20
_WHITESPACE = " \t\n\r"
# How near the end of the text at hand a value's end, or a decoding error, may stand and still
# mean "the value goes on past it" ("tru", "-1e", "\\ud8"), rather than a mistake in the file.
_NEAR_END = 8


class JsonStreamError(ValueError):
    """The text is not JSON, or not of the shape the reader expected, at `pos`."""

    def __init__(self, message: str, pos: int):
        # json's own words, some of which end "… starting at" / "… character at"
        super().__init__(f"{message}{'' if message.endswith(' at') else ' at'} character {pos + 1:,}")
        self.pos = pos


class JsonStream:
    """A JSON text read from `read(n)` (a text file's read) as it is walked. `members()` walks
    an object, `items()` an array, `value()` reads one value whole; `position()` says how far
    into the text the walk is, for progress."""

    def __init__(self, read: Callable[[int], str]):
        self._read = read
        self._decoder = json.JSONDecoder()
        self._text = ""
        self._pos = 0  # in _text
        self._dropped = 0  # characters read and let go before _text
        self._eof = False

    def position(self) -> int:
        """Characters of the text walked past so far."""
        return self._dropped + self._pos

    def _more(self, at_least: int = 0) -> bool:
        """Reads on (at least `at_least` characters unless the text ends); False at its end.
        What was walked past is let go."""
        if self._eof:
            return False
        got = self._read(max(at_least, CHUNK))
        if not got:
            self._eof = True
            return False
        self._dropped += self._pos
        self._text = self._text[self._pos:] + got
        self._pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace (not consumed); "" at the end."""
        while True:
            text, pos = self._text, self._pos
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(text):
                return text[pos]
            if not self._more():
                return ""

    def _expect(self, chars: str, what: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            raise JsonStreamError(f"Expecting {what}", self._dropped + self._pos)
        self._pos += 1
        return char

    def value(self) -> Any:
        """The next value, decoded whole."""
        self.peek()
        want = CHUNK
        while True:
            try:
                value, end = self._decoder.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self._text) - _NEAR_END
                if cut and self._more(want):
                    want *= 2
                    continue
                raise JsonStreamError(exc.msg, self._dropped + exc.pos) from None
            except RecursionError:  # nested deeper than Python may recurse: no entry of a HAR
                raise JsonStreamError("Nested too deeply", self._dropped + self._pos) from None
            # A number near the end may go on ("12" of "125", "1" of "1e5"): read on and again.
            if len(self._text) - end < _NEAR_END and self._more(want):
                want *= 2
                continue
            self._pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next, in order. After each key, the caller reads
        its value (with value(), members() or items()) before asking for the next key."""
        self._expect("{", "'{'")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise JsonStreamError("Expecting property name enclosed in double quotes", self._dropped + self._pos)
            key = self.value()
            self._expect(":", "':' delimiter")
            yield key
            if self._expect(",}", "',' delimiter") == "}":
                return

    def items(self) -> Iterator[Any]:
        """The items of the array that comes next, each decoded whole, in order."""
        self._expect("[", "'['")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self._expect(",]", "',' delimiter") == "]":
                return

    def end(self) -> None:
        """Checks that nothing but whitespace follows what was read."""
        if self.peek():
            raise JsonStreamError("Extra data", self._dropped + self._pos)
