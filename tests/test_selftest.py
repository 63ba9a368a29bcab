"""`event-console --self-test` from source: every check passes, and the user's data home is
not touched (it works in a temporary one)."""

import os
import subprocess
import sys


def test_self_test_passes_and_leaves_the_data_home_alone(tmp_path):
    home = tmp_path / "real-home"
    home.mkdir()
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    run = subprocess.run([sys.executable, "-m", "console", "--self-test"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1] == "all checks passed"
    assert sum(line.startswith("ok") for line in lines) == 1 + 14 + 1 + 1  # definitions, operations, keyring, window
    assert any("keyring: none available" in line for line in lines)
    assert any(line.startswith("ok    window: opened and closed") for line in lines)
    assert list(home.iterdir()) == []
