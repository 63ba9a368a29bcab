"""Start-up tricks, in one place, behind one switch.

Each trick makes `event-console` start or end sooner, at a cost in how plain the code is; each
stays only while bench/fast_start.py shows it pays (at least 10% of a start-up figure, measured
on and off, interleaved). The switch:

- `EVENT_CONSOLE_FAST_START=1` (or unset): every trick on;
- `EVENT_CONSOLE_FAST_START=0`: every trick off, as where one cannot work (no fork on macOS or
  Windows); the whole test suite passes this way too;
- `EVENT_CONSOLE_FAST_START=-os_exit`: every trick on but those named (the bench's way
  of measuring one trick alone).

This module imports nothing of the app's and nothing heavy: every layer may ask it.
"""

from __future__ import annotations

import os
import sys

SWITCH = "EVENT_CONSOLE_FAST_START"
# Kept because they pay, measured by bench/fast_start.py (paired runs, median of off/on ratios)
# and, for the first paint, bench/gui_startup.py's instruction count (see the README's
# Benchmarks). Tricks measured and removed for gaining less than 10%: a lighter PySide6
# __feature__ check (1.04x, 5% memory), a 1 ms switch interval (1.01x), and the window's forked
# first check (1.02x to ready, and a longer start-up gap).
TRICKS = {
    # The process ends with os._exit once the command's output is flushed and history closed:
    # Python's own shutdown would tear down every imported module one by one, for nothing.
    # Off: a dry run takes 1.13x, a send 1.21x.
    "os_exit": "end the command line with os._exit, skipping the interpreter's teardown",
    # The command line's first check of the payload (the schema's part) runs in a child forked
    # before the HTTP library is imported, while the parent imports it and builds the request
    # (console.engine.first_check, console.core.forked). Only where fork exists.
    # Off: a send takes 1.23x, a dry run 1.07x.
    "fork_first_check": "check the payload in a forked child while the command line imports",
    # Nothing names Qt's namespace before the window's first paint: PySide6 builds its ninety-odd
    # enums in one go (console.ui.window.startup); the history list's roles are Qt's values as
    # numbers. Off: 983 M instead of 866 M instructions to the first paint (1.14x, callgrind).
    "late_qt_namespace": "name Qt's enums only after the window's first paint",
    # Once the window's warm-up has imported what it needs, everything alive is moved out of the
    # garbage collector's reach (gc.freeze): those objects (modules, classes, compiled
    # validators) live as long as the process, and the first full collection after start-up
    # walked them all, 60-90 ms during which the GUI thread stood still.
    "gc_freeze": "freeze the objects of the window's start-up out of the garbage collector",
}


def enabled(trick: str) -> bool:
    """Whether `trick` (a key of TRICKS) is on, as EVENT_CONSOLE_FAST_START says."""
    if trick not in TRICKS:
        raise KeyError(trick)
    value = os.environ.get(SWITCH, "1").strip()
    if value in ("", "1"):
        return True
    if value == "0":
        return False
    off = {part.strip().removeprefix("-") for part in value.split(",") if part.strip().startswith("-")}
    return trick not in off


def exit_now(code: int) -> None:
    """Ends the process with `code` (its output flushed and history closed already)."""
    if enabled("os_exit"):
        os._exit(code)
    sys.exit(code)
