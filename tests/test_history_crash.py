"""Crash safety: a process writing exchanges is killed with SIGKILL at random moments; the
database stays intact and every exchange whose write had returned is there."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys
from console.core.history.store import HistoryStore
from tests.history_data import make_records
store = HistoryStore(sys.argv[1])
records = make_records(400, seed=int(sys.argv[2]))
print("ready", flush=True)
for record in records:
    print(store.record(record), flush=True)
"""


def test_sigkill_at_random_moments_loses_nothing_written(tmp_path):
    rng = random.Random(1234)
    written: set[int] = set()
    for round_number in range(50):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(round_number)],
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, 0.06))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        written |= {int(line) for line in out.split() if line.isdigit()}
    assert len(written) > 50  # the writer really got to write between kills
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    present = {row[0] for row in db.execute("SELECT id FROM exchanges")}
    assert written <= present
    # The search index agrees with the table.
    assert db.execute("SELECT COUNT(*) FROM exchanges_fts").fetchone()[0] == len(present)
