"""Outside software the tests run: `newman` (npm) and PHP's command line. scripts/test installs
them and says where (EVENT_CONSOLE_NEWMAN); there a missing one fails the test, elsewhere it
is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def newman() -> str:
    """The newman command to run, or the test is skipped (failed where scripts/test installed it)."""
    path = os.environ.get("EVENT_CONSOLE_NEWMAN") or shutil.which("newman")
    if path and os.access(path, os.X_OK):
        return path
    if os.environ.get("EVENT_CONSOLE_NEWMAN"):
        pytest.fail(f"EVENT_CONSOLE_NEWMAN={os.environ['EVENT_CONSOLE_NEWMAN']} is not a command")
    pytest.skip("newman (npm) is not installed: scripts/test installs it")


def run_newman(collection, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    import os

    # Postman's dates are JavaScript's local time: UTC here, as the console writes them.
    return subprocess.run([newman(), "run", str(collection), "--reporters", "cli", "--color", "off",
                           "--disable-unicode", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "TZ": "UTC"})


def php() -> str:
    """PHP's command line, or the test is skipped (Debian's php-cli, where it can be installed)."""
    path = shutil.which("php")
    if path:
        return path
    pytest.skip("php (Debian's php-cli) is not installed")
