"""The rows of a data-driven run (`suite run --data ROWS`): a CSV file with a header row, or a
JSON array of objects. Rows are read one at a time, so a file of any number of rows runs in
constant memory; each row is a dict of column → value (text from a CSV; JSON's own values
from a JSON file)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from console.core.files import InputFileError, open_text

CHUNK = 64 * 1024


class RowsError(ValueError):
    """The data file cannot be read as rows; the message names it, the row and the problem."""


def read_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of `path`, in order. The file is opened and its start checked at once (so a
    wrong file is said before anything runs); the rows follow as they are read. Raises
    RowsError (a usage error) naming the row that is wrong."""
    path = Path(path)
    try:
        stream = open_text(path, "data file")
    except InputFileError as exc:
        raise RowsError(str(exc)) from None
    try:
        first = stream.read(1)
        while first.isspace():
            first = stream.read(1)
    except (OSError, UnicodeDecodeError) as exc:
        stream.close()
        raise RowsError(f"{path} cannot be read: {exc}") from None
    if not first:
        stream.close()
        raise RowsError(f"{path} is empty: a data file is a CSV file with a header row or a JSON array of objects")
    rows = _json_rows(path, stream) if first == "[" else _csv_rows(path, stream, first)
    return _closing(stream, rows)


def _closing(stream: TextIO, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    with stream:
        try:
            yield from rows
        except UnicodeDecodeError as exc:
            raise RowsError(f"{stream.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _csv_rows(path: Path, stream: TextIO, first: str) -> Iterator[dict[str, Any]]:
    import itertools

    reader = csv.reader(itertools.chain([first + stream.readline()], stream))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise RowsError(f"{path}: the header row cannot be read ({exc})") from None
    names = [name.strip() for name in header]
    if not all(names) or len(set(names)) != len(names):
        raise RowsError(f"{path}: the header row names each column once, none empty (it reads {header})")
    return _csv_body(path, reader, names)


def _csv_body(path: Path, reader: Iterator[list[str]], names: list[str]) -> Iterator[dict[str, Any]]:
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RowsError(f"{path}: row {number + 1} cannot be read ({exc})") from None
        if not values:
            continue  # a blank line
        number += 1
        if len(values) > len(names):
            raise RowsError(f"{path}: row {number} has {len(values)} values, the header {len(names)} columns")
        yield dict(zip(names, values + [""] * (len(names) - len(values)), strict=True))


def _json_rows(path: Path, stream: TextIO) -> Iterator[dict[str, Any]]:
    """The objects of a JSON array, decoded one at a time from a window of the text."""
    decoder = json.JSONDecoder()
    text, at, number, ended = "", 0, 0, False

    def more() -> bool:
        nonlocal text, at, ended
        chunk = stream.read(CHUNK)
        if not chunk:
            ended = True
            return False
        text, at = text[at:] + chunk, 0
        return True

    def skip_space() -> str:
        """The next character that is not white space ("" at the end of the file)."""
        nonlocal at
        while True:
            while at < len(text) and text[at].isspace():
                at += 1
            if at < len(text):
                return text[at]
            if not more():
                return ""

    expect_comma = False
    while True:
        char = skip_space()
        if char == "]":
            if skip_space_after_end(stream, text[at + 1:]):
                raise RowsError(f"{path}: text follows the array's end")
            return
        if char == "":
            raise RowsError(f"{path}: the array is not closed (after row {number})")
        if expect_comma:
            if char != ",":
                raise RowsError(f"{path}: row {number + 1} is not separated by a comma")
            at += 1
            char = skip_space()
        while True:
            try:
                value, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError as exc:
                if not ended and more():
                    continue
                raise RowsError(f"{path}: row {number + 1} is not JSON ({exc.msg})") from None
            if end == len(text) and not ended and more():
                continue  # a number may go on in the next chunk
            break
        at = end
        number += 1
        if not isinstance(value, dict):
            raise RowsError(f"{path}: row {number} is {type(value).__name__}, not an object of column values")
        yield value
        expect_comma = True


def skip_space_after_end(stream: TextIO, rest: str) -> bool:
    """Whether anything but white space follows the array's closing bracket."""
    if rest.strip():
        return True
    while chunk := stream.read(CHUNK):
        if chunk.strip():
            return True
    return False
