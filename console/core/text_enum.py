"""TextEnum: an enum whose members are their text (the project's words: outcomes, sources,
issue codes, where a send goes). A member compares equal to its text, hashes as it, and prints
as it, so a word read back from JSON or SQL is the same member."""

from __future__ import annotations

from enum import Enum


class TextEnum(str, Enum):
    """A member is its text (Python 3.11's StrEnum, for 3.10 as well)."""

    def __str__(self) -> str:
        return str(self.value)
