"""History read the ways a user reads it, against the floor on the same file:

(a) `event-console history --limit 50 --json` against a plain Python script that opens the
    same SQLite file and prints the newest 50 exchanges (the same columns and their issues) as
    JSON; each a process, interleaved, median wall time (target <= 1.2x);
(b) a search in the history list (`HistoryStore.page` with a search filter, the window's
    search box, first page of 50) against sqlite3's FTS5 alone on the same file (the same
    MATCH, newest 50 ids), in one process, warm, the median over several words (target <= 3x).

Run: python bench/history_cli.py [rows] [runs]   (rows: 100,000 by default; the file is kept
in $BENCH_HISTORY_DIR, /tmp/bench-history-cli by default, and reused)
"""

import compileall
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.core.history.queries import fts_query  # noqa: E402
from console.core.history.records import HistoryFilter  # noqa: E402
from console.core.history.store import HistoryStore  # noqa: E402
from tests.history_data import make_records  # noqa: E402

PLAIN = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
rows = db.execute("SELECT e.id, e.time, e.vendor, e.operation, e.profile, e.method, e.url, e.status, e.reason, "
                  "e.error, e.error_kind, e.elapsed_ms, e.outcome, e.source, e.issues, e.pinned, e.forced "
                  "FROM exchanges e WHERE e.deleted IS NULL ORDER BY e.id DESC LIMIT 50").fetchall()
print(json.dumps([{**dict(r), "issues": json.loads(r["issues"] or "[]")} for r in rows], ensure_ascii=False, indent=2))
"""
WORDS = ["checkout", "levelUp", "newsletter", "purchase", "person1", "user-4", "signup", "octeth"]


def history(rows: int) -> Path:
    home = Path(os.environ.get("BENCH_HISTORY_DIR", "/tmp/bench-history-cli")) / str(rows)
    if not (home / "history.sqlite3").exists():
        home.mkdir(parents=True, exist_ok=True)
        store = HistoryStore(home)
        for start in range(0, rows, 10_000):
            store.record_many(make_records(min(10_000, rows - start), seed=start))
        store.close()
    return home


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    return (time.perf_counter() - start) * 1000


def main(rows: int = 100_000, runs: int = 15) -> None:
    compileall.compile_dir(ROOT / "console", quiet=1)  # bytecode, as an installed app has it
    home = history(rows)
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    ours = [sys.executable, "-m", "console", "history", "--limit", "50", "--json"]
    plain = [sys.executable, "-c", PLAIN, str(home / "history.sqlite3")]
    wall(ours, env), wall(plain, env)  # warm: the file in the page cache, the bytecode compiled
    times: dict[str, list[float]] = {"ours": [], "plain": []}
    for _ in range(runs):
        times["ours"].append(wall(ours, env))
        times["plain"].append(wall(plain, env))
    a, b = statistics.median(times["ours"]), statistics.median(times["plain"])
    print(f"history of {rows:,} exchanges; {runs} runs each, interleaved, median wall time:")
    print(f"  event-console history --limit 50 --json  {a:.1f} ms   plain sqlite3 + json script  {b:.1f} ms   "
          f"{a / b:.2f}x (target <= 1.2x)")

    store = HistoryStore(home)
    db = sqlite3.connect(home / "history.sqlite3")
    ratios = []
    print("  search, first page of 50, warm, median of 7 (ms):")
    for word in WORDS:
        def search(word: str = word) -> None:
            store.page(None, 50, filters=HistoryFilter(search=word))

        def floor(word: str = word) -> None:
            db.execute("SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ? ORDER BY rowid DESC LIMIT 50",
                       (fts_query(word),)).fetchall()

        search(), floor()
        got = {}
        for name, run in (("ours", search), ("fts5", floor)):
            samples = []
            for _ in range(7):
                start = time.perf_counter()
                run()
                samples.append((time.perf_counter() - start) * 1000)
            got[name] = statistics.median(samples)
        ratios.append(got["ours"] / got["fts5"])
        print(f"    {word:<12} list search {got['ours']:7.2f}   FTS5 alone {got['fts5']:7.2f}   {ratios[-1]:.2f}x")
    print(f"  search / FTS5 alone, median over {len(WORDS)} words: {statistics.median(ratios):.2f}x "
          f"(worst {max(ratios):.2f}x; target <= 3x)")
    store.close()


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(*numbers)
