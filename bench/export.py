"""History export at scale: `event-console history export --format har --output F` over a
history of N exchanges (100,000 by default) against a plain Python script that reads the same
rows with sqlite3 and writes them as JSON lines (the floor: no HAR shaping), interleaved;
peak memory from /usr/bin/time (each process alone), and the time.

Run: python bench/export.py [N] [rounds]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.core.history.store import HistoryStore  # noqa: E402
from tests.history_data import make_records  # noqa: E402

PLAIN = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for row in db.execute("SELECT e.id, e.time, e.method, e.url, e.status, b.request_headers, b.request_body, "
                          "b.response_headers, b.response_body FROM exchanges e JOIN exchange_bodies b ON b.id = e.id "
                          "ORDER BY e.id DESC"):
        out.write(json.dumps([row[0], row[1], row[2], row[3], row[4], row[5],
                              (row[6] or b"").decode("utf-8", "replace"), row[7],
                              (row[8] or b"").decode("utf-8", "replace")]) + "\\n")
"""


def timed(command, env):
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return seconds, int(done.stderr.strip().splitlines()[-1])


def main(count: int = 100_000, rounds: int = 3) -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-export-"))
    store = HistoryStore(home)
    for start in range(0, count, 10_000):
        store.record_many(make_records(min(10_000, count - start), seed=start))
    store.close()
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(home)}
    ours = [sys.executable, "-m", "console", "history", "export", "--format", "har", "--output", str(home / "out.har")]
    plain = [sys.executable, "-c", PLAIN, str(home / "history.sqlite3"), str(home / "out.jsonl")]
    figures = {"ours": [], "plain": []}
    for _ in range(rounds):
        figures["ours"].append(timed(ours, env))
        figures["plain"].append(timed(plain, env))
    size = (home / "out.har").stat().st_size
    print(f"history export to HAR, {count:,} exchanges ({size / 1e6:.0f} MB written), {rounds} interleaved rounds:")
    for name, label in (("ours", "event-console history export --format har"), ("plain", "plain sqlite3 + json script")):
        seconds = statistics.median(v[0] for v in figures[name])
        peak = statistics.median(v[1] for v in figures[name]) / 1024
        print(f"  {label:<45} {seconds:6.1f} s   peak {peak:6.1f} MB")
    ratio = statistics.median(v[0] for v in figures["ours"]) / statistics.median(v[0] for v in figures["plain"])
    print(f"  time ratio {ratio:.2f}x (target <= 1.5x); peak memory target <= 40 MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
