"""Finds the shipped data folder (`resources/`) from a checkout, a wheel or a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding vendors/*.json, icons and styles.

    A wheel installs it as the package `console.resources`; a checkout (and an editable
    install) keeps it beside the package; PyInstaller puts it under sys._MEIPASS.
    """
    package = Path(__file__).resolve().parent.parent
    candidates = [package / "resources", package.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "resources")
    for candidate in candidates:
        if (candidate / "vendors").is_dir():
            return candidate
    raise FileNotFoundError(
        "event-console's resources folder is missing; looked in: "
        + ", ".join(str(c) for c in candidates)
    )
