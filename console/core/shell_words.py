"""Splitting a pasted command line into the words a program would receive, as the shell it
was written for would: a POSIX shell (bash, zsh; what documents and "Copy as cURL (bash)"
give), Windows cmd (`^` escapes, "Copy as cURL (cmd)") or PowerShell (backtick escapes).

Characters are never rewritten: a typographic dash or quote inside a quoted string stays what
it is. What a shell would do that cannot be reproduced from the text alone (expanding
`$VAR`, running `$(…)`, reading `%VAR%`) is a ShellError naming it.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class ShellError(ValueError):
    """The text cannot be split as its shell would; the message says why in one line."""


class Word(NamedTuple):
    """One word as the program receives it. `quoted` says whether any of it was quoted or
    escaped (an unquoted word may be an option; `-x` written as '-x' is one too, but a word
    beginning with a typographic dash is taken as an option only when it was not quoted)."""

    text: str
    quoted: bool


class Command(NamedTuple):
    """The words of the first command in the text, and where its end came from: "" (end of
    text) or the operator that ended it (`|`, `;`, `&&`, `||`, `&`)."""

    words: list[Word]
    ended_by: str


DIALECTS = ("posix", "cmd", "powershell")


def dialect_of(text: str) -> str:
    """The shell the text was written for, from the marks each leaves."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    first = text.lstrip().split(None, 1)[0].lower() if text.strip() else ""
    if any(line.endswith("`") for line in lines) or (first == "curl.exe" and "^" not in text):
        return "powershell"
    if any(line.endswith("^") for line in lines) or '^"' in text:
        return "cmd"
    return "posix"


def split_command(text: str, dialect: str | None = None) -> Command:
    """The first command of `text`, split into words."""
    dialect = dialect or dialect_of(text)
    if dialect == "cmd":
        return Command(_crt_split(_cmd_unescape(text)), "")
    if dialect == "powershell":
        return _powershell_split(text)
    return _posix_split(text)


class _Words:
    """The words of a command being split: characters go into the current word, `finish`
    closes it (a word exists once anything, even an empty quote, was put in it)."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.current: list[str] = []
        self.started = self.quoted = False

    def add(self, text: str, quoted: bool = False) -> None:
        self.current.append(text)
        self.started = True
        self.quoted = self.quoted or quoted

    def text(self) -> str:
        return "".join(self.current)

    def finish(self) -> None:
        if self.started:
            self.words.append(Word(self.text(), self.quoted))
        self.current, self.started, self.quoted = [], False, False


# -- POSIX shell ------------------------------------------------------------------------------

_ANSI_C = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9#?@*$!-]|\{|\(")


def _posix_split(text: str) -> Command:
    w = _Words()
    i, n = 0, len(text)

    while i < n:
        c = text[i]
        if c in " \t\r\n":
            w.finish()
            i += 1
        elif c == "#" and not w.started:
            while i < n and text[i] != "\n":  # a comment runs to the end of the line
                i += 1
        elif c == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # line continuation: both characters vanish
                continue
            if i + 1 < n and text[i + 1:i + 3] == "\r\n":
                i += 3
                continue
            if i + 1 < n:
                w.add(text[i + 1], quoted=True)
            i += 2
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ShellError("A single quote (') is not closed.")
            w.add(text[i + 1:end], quoted=True)
            i = end + 1
        elif c == '"' or (c == "$" and text[i + 1:i + 2] == '"'):
            i = _double_quoted(text, i + (2 if c == "$" else 1), w)
        elif c == "$" and text[i + 1:i + 2] == "'":
            i = _ansi_c(text, i + 2, w)
        elif c == "$" and _NAME.match(text, i + 1):
            raise ShellError(_expansion_message(text, i))
        elif c == "`":
            raise ShellError("The command runs a command in backticks (`…`): paste its output instead.")
        elif c in "|;&<>()":
            operator = _operator(text, i)
            if operator in ("<", ">", ">>", "&>", ">&1", ">&2", "<<<"):
                if w.started and not w.quoted and w.text().isdigit():
                    w.current, w.started = [], False  # 2> names a file descriptor, not a word
                w.finish()
                i += len(operator)
                if operator not in (">&1", ">&2"):  # a redirection's target is not the program's
                    while i < n and text[i] in " \t":
                        i += 1
                    i = _skip_word(text, i)
                continue
            if operator == "&" and w.started:
                raise ShellError("An unquoted & inside a word ends the command in a shell "
                                 f"(after {w.text()[:40]!r}): put the URL in quotes.")
            if operator in ("(", ")"):
                raise ShellError("The text has shell parentheses: paste the curl command alone.")
            w.finish()
            return Command(w.words, operator)
        else:
            w.add(c)
            i += 1
    w.finish()
    return Command(w.words, "")


def _operator(text: str, i: int) -> str:
    for operator in ("<<<", "&&", "||", ">>", "&>", ">&1", ">&2"):
        if text.startswith(operator, i):
            return operator
    return text[i]


def _skip_word(text: str, i: int) -> int:
    quote = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in " \t\r\n|;&":
            break
        i += 1
    return i


def _double_quoted(text: str, i: int, w: _Words) -> int:
    """Reads a "…" string from i (after the quote) into `w`; returns the index after its end."""
    w.add("", quoted=True)
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":  # backslash-newline inside "…" is a continuation too
                w.add(text[i + 1])
            i += 2
        elif c == "$" and _NAME.match(text, i + 1):
            raise ShellError(_expansion_message(text, i))
        elif c == "`":
            raise ShellError("The command runs a command in backticks (`…`): paste its output instead.")
        else:
            w.add(c)
            i += 1
    raise ShellError('A double quote (") is not closed.')


def _ansi_c(text: str, i: int, w: _Words) -> int:
    """Reads a bash $'…' string from i (after the quote) into `w`; returns the index after its end."""
    w.add("", quoted=True)
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            return i + 1
        if c != "\\" or i + 1 >= n:
            w.add(c)
            i += 1
            continue
        e = text[i + 1]
        if e in _ANSI_C:
            w.add(_ANSI_C[e])
            i += 2
        elif e == "x":
            digits = re.match(r"[0-9A-Fa-f]{1,2}", text[i + 2:i + 4])
            if not digits:
                w.add("\\x")
                i += 2
                continue
            w.add(_byte(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        elif e in "uU":
            digits = re.match(r"[0-9A-Fa-f]{1,4}" if e == "u" else r"[0-9A-Fa-f]{1,8}", text[i + 2:i + 10])
            if not digits or int(digits.group(), 16) > 0x10FFFF:
                w.add("\\" + e)
                i += 2
                continue
            w.add(chr(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        elif e in "01234567":
            octal = re.match(r"[0-7]{1,3}", text[i + 1:i + 4])
            assert octal is not None  # e is an octal digit
            w.add(_byte(int(octal.group(), 8) & 0xFF))
            i += 1 + len(octal.group())
        elif e == "c" and i + 2 < n:
            w.add(chr(ord(text[i + 2]) & 0x1F))
            i += 3
        else:
            w.add("\\" + e)
            i += 2
    raise ShellError("A $'…' string is not closed.")


def _byte(value: int) -> str:
    """A raw byte written as \\xHH: ASCII as itself, 0x80 and up as a surrogate escape, so the
    word encodes back to that very byte (str.encode("utf-8", "surrogateescape"))."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def _expansion_message(text: str, i: int) -> str:
    found = re.match(r"\$(\{[^}]*\}?|\([^)]*\)?|[A-Za-z_][A-Za-z0-9_]*|.)", text[i:])
    shown = found.group() if found else "$"
    return (f"The command uses the shell's {shown}, which only your shell can fill in: "
            "put its value in its place.")


# -- Windows cmd ------------------------------------------------------------------------------

def _cmd_unescape(text: str) -> str:
    """What cmd passes on: ^ escapes (outside its own quotes) removed, ^-newline joined."""
    out: list[str] = []
    in_quote = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "^" and not in_quote:
            if text[i + 1:i + 3] == "\r\n":
                i += 3
            elif text[i + 1:i + 2] == "\n":
                i += 2
            elif i + 1 < n:
                out.append(text[i + 1])
                i += 2
            else:
                i += 1
            continue
        if c == '"':
            in_quote = not in_quote
        elif c == "%" and not in_quote and (variable := re.match(r"%[A-Za-z_][A-Za-z0-9_]*%", text[i:])):
            name = variable.group()
            raise ShellError(f"The command uses cmd's {name}, which only cmd can fill in: put its value in its place.")
        elif c in "&|" and not in_quote:
            break  # cmd's command separators end the curl command
        elif c == "\n" and not in_quote:
            break  # without ^, a new line is a new command
        out.append(c)
        i += 1
    return "".join(out)


def _crt_split(text: str) -> list[Word]:
    """Splits as the Microsoft C runtime builds argv: "…" groups, \\" is a quote, 2n
    backslashes before a quote are n, "" inside quotes is a quote."""
    w = _Words()
    in_quote = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n" and not in_quote:
            w.finish()
            i += 1
        elif c == "\\":
            j = i
            while j < n and text[j] == "\\":
                j += 1
            count = j - i
            if j < n and text[j] == '"':
                w.add("\\" * (count // 2))
                if count % 2:
                    w.add('"')
                    i = j + 1
                else:
                    i = j
            else:
                w.add("\\" * count)
                i = j
        elif c == '"':
            if in_quote and text[i + 1:i + 2] == '"':
                w.add('"')
                i += 2
            else:
                in_quote = not in_quote
                i += 1
            w.add("", quoted=True)
        else:
            w.add(c)
            i += 1
    if in_quote:
        raise ShellError('A double quote (") is not closed.')
    w.finish()
    return w.words


# -- PowerShell -------------------------------------------------------------------------------

_BACKTICK = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _powershell_split(text: str) -> Command:
    w = _Words()
    i, n = 0, len(text)

    while i < n:
        c = text[i]
        if c in " \t":
            w.finish()
            i += 1
        elif c in "\r\n":
            w.finish()
            break  # without a backtick, a new line is a new statement
        elif c == "`":
            if text[i + 1:i + 3] == "\r\n":
                i += 3
            elif text[i + 1:i + 2] == "\n":
                i += 2
            elif i + 1 < n:
                w.add(_BACKTICK.get(text[i + 1], text[i + 1]), quoted=True)
                i += 2
            else:
                i += 1
        elif c == "'":
            i += 1
            while True:
                end = text.find("'", i)
                if end < 0:
                    raise ShellError("A single quote (') is not closed.")
                w.add(text[i:end], quoted=True)
                if text[end + 1:end + 2] == "'":
                    w.add("'")
                    i = end + 2
                    continue
                i = end + 1
                break
        elif c == '"':
            i += 1
            while True:
                if i >= n:
                    raise ShellError('A double quote (") is not closed.')
                d = text[i]
                if d == '"' and text[i + 1:i + 2] == '"':
                    w.add('"')
                    i += 2
                elif d == '"':
                    i += 1
                    break
                elif d == "`" and i + 1 < n:
                    w.add(_BACKTICK.get(text[i + 1], text[i + 1]))
                    i += 2
                elif d == "$" and re.match(r"\$[A-Za-z_{(]", text[i:]):
                    name = re.match(r"\$(\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_:]*)", text[i:])
                    raise ShellError(f"The command uses PowerShell's {name.group() if name else '$…'}, which only "
                                     "PowerShell can fill in: put its value in its place.")
                else:
                    w.add(d)
                    i += 1
            w.add("", quoted=True)
        elif c == "$" and re.match(r"\$[A-Za-z_{(]", text[i:]):
            raise ShellError("The command uses a PowerShell variable: put its value in its place.")
        elif c in "|;":
            w.finish()
            return Command(w.words, c)
        elif c == "#" and not w.started:
            while i < n and text[i] != "\n":
                i += 1
        else:
            w.add(c)
            i += 1
    w.finish()
    return Command(w.words, "")
