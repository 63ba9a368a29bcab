"""The README screenshot script works: a real window under Xvfb, saved as a PNG."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_screenshot_script_saves_the_window(tmp_path):
    out = tmp_path / "shot.png"
    venv = Path(sys.executable).parent.parent
    env = {**os.environ, "EVENT_CONSOLE_VENV": str(venv)}
    subprocess.run([str(ROOT / "scripts" / "screenshot"), str(out)], env=env, check=True, timeout=120,
                   capture_output=True)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a real window, not a blank image
