"""Start-up tricks, in one place, behind one switch.

Each trick makes `event-console` (the command line or the window) start or end sooner, at a
cost in how plain the code is; each stays only while bench/fast_start.py shows it pays (at
least 10% of a start-up figure, measured on and off, interleaved). The switch:

- `EVENT_CONSOLE_FAST_START=1` (or unset): every trick on;
- `EVENT_CONSOLE_FAST_START=0`: every trick off, as where one cannot work (no fork on macOS or
  Windows); the whole test suite passes this way too;
- `EVENT_CONSOLE_FAST_START=-os_exit,-gc_freeze`: every trick on but those (the bench's way
  of measuring one trick alone).

This module imports nothing of the app's and nothing heavy: every layer may ask it.
"""

from __future__ import annotations

import os
import sys

SWITCH = "EVENT_CONSOLE_FAST_START"
TRICKS = {
    # The first check of the payload (the schema's part) runs in a child forked before the
    # HTTP library (command line) or Qt (window) is imported, while the parent imports those
    # (console.engine.first_check, console.core.forked). Only where fork exists.
    "fork_first_check": "check the first payload in a forked child while the parent imports",
    # Qt's namespace (its ninety-odd enums, ~14 ms) is named only after the first paint; the
    # list models' roles are Qt's values as numbers until then.
    "late_qt_namespace": "name Qt's enums after the first paint (list roles as numbers)",
    # The process ends with os._exit once the command's output is flushed and history closed:
    # Python's own shutdown would tear down every imported module one by one, for nothing.
    "os_exit": "end the command line with os._exit, skipping the interpreter's teardown",
    # Everything start-up made is moved out of the garbage collector's reach (gc.freeze), so
    # later full collections walk only what the session makes.
    "gc_freeze": "freeze start-up's objects out of the garbage collector's walks",
    # PySide6 reads the source of every module imported after it (inspect.getsource) to see
    # whether it uses `__feature__`, and keeps every line in linecache for good (5.6 MB).
    "feature_check": "check PySide6's __feature__ use without keeping every module's source",
    # Workers share the interpreter lock with the GUI thread; a short switch interval hands it
    # back to the GUI thread sooner.
    "switch_interval": "a 1 ms interpreter switch interval while the window runs",
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


def freeze_startup_objects() -> None:
    """Moves everything start-up made out of the garbage collector's reach: later full
    collections then walk only what the session creates, and stay short (no GUI hiccups)."""
    if not enabled("gc_freeze"):
        return
    import gc

    # No collection first: it took 20-30 ms of the GUI thread; what start-up left as garbage
    # is a few hundred kilobytes, frozen with the rest.
    gc.freeze()


def lighter_feature_check() -> None:
    """PySide6 looks at every module imported after it, to see whether it uses PySide6's
    `__feature__` switches, with inspect.getsource: that reads the whole file and keeps every
    line of it in linecache for good. The window imports some 250 modules after PySide6, so
    start-up kept 5.6 MB of source text it never shows (found with tracemalloc). This does
    the same check, "PySide6" in the source, and keeps nothing. Called by console.ui."""
    if not enabled("feature_check"):
        return
    import shiboken6  # noqa: F401 - installs PySide6's import hook and its feature module

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return  # another PySide6 than the one this was written for: leave it as it is

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py"):
            return False  # no source (compiled only, or in a bundle's archive): as getsource fails
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False

    feature._mod_uses_pyside = uses_pyside


def short_switch_interval() -> None:
    """Hands the interpreter lock back to the GUI thread every millisecond (the default is 5)."""
    if enabled("switch_interval"):
        sys.setswitchinterval(0.001)
