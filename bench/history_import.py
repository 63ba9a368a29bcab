"""History import at scale: `event-console history import FILE` of a HAR file of N entries
(written by `event-console history export --format har` from a generated history) into an empty
data home, against the floor: a plain script that hands the same file's text to SQLite, which
takes the entries apart itself (`json_each` over `$.log.entries`, `json_extract` for the columns)
into a table with an FTS5 index of the URL and the bodies. Rounds interleaved; the time of each
process, and its peak memory from /usr/bin/time (%M, the process alone). Targets (issue #27):
at most 2x the floor's time; memory bounded (a 100,000-entry file imported in bounded memory).

Run: python bench/history_import.py [N ...] [--rounds R]   (N: 10,000 and 100,000 by default;
the histories the files are exported from are kept in $BENCH_HISTORY_DIR, /tmp/bench-history-cli
by default, and shared with bench/history_cli.py)
"""

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from history_cli import history  # noqa: E402 - bench/, beside this script

FLOOR = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.executescript('''
CREATE TABLE exchanges(id INTEGER PRIMARY KEY, time TEXT, method TEXT, url TEXT, status INTEGER,
                       request_headers TEXT, request_body TEXT, response_headers TEXT, response_body TEXT);
CREATE VIRTUAL TABLE search USING fts5(url, request_body, response_body);
''')
with open(sys.argv[1], encoding="utf-8-sig") as f:
    text = f.read()
with db:
    db.execute('''INSERT INTO exchanges(time, method, url, status, request_headers, request_body, response_headers,
                                        response_body)
                  SELECT json_extract(value, '$.startedDateTime'), json_extract(value, '$.request.method'),
                         json_extract(value, '$.request.url'), json_extract(value, '$.response.status'),
                         json_extract(value, '$.request.headers'), json_extract(value, '$.request.postData.text'),
                         json_extract(value, '$.response.headers'), json_extract(value, '$.response.content.text')
                  FROM json_each(?, '$.log.entries')''', (text,))
    db.execute("INSERT INTO search(rowid, url, request_body, response_body) "
               "SELECT id, url, request_body, response_body FROM exchanges")
print(db.execute("SELECT count(*) FROM exchanges").fetchone()[0])
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak memory in MB) of one process."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def har_file(entries: int, folder: Path) -> Path:
    """A HAR file of `entries` entries, exported from a generated history of that size."""
    path = folder / f"history-{entries}.har"
    if not path.exists():
        env = {**os.environ, "EVENT_CONSOLE_HOME": str(history(entries)), "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "console", "history", "export", "--format", "har", "--output",
                        str(path)], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return path


def main(sizes: list[int], rounds: int) -> None:
    if not shutil.which("time", path="/usr/bin"):
        sys.exit("bench/history_import.py needs /usr/bin/time (apt-get install time)")
    compileall.compile_dir(ROOT / "console", quiet=1)  # bytecode, as an installed app has it
    folder = Path(os.environ.get("BENCH_HISTORY_DIR", "/tmp/bench-history-cli"))
    folder.mkdir(parents=True, exist_ok=True)
    for entries in sizes:
        har = har_file(entries, folder)
        figures: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
                home = Path(scratch) / "home"
                env = {**os.environ, "EVENT_CONSOLE_HOME": str(home), "PYTHONPATH": str(ROOT)}
                figures["ours"].append(timed([sys.executable, "-m", "console", "history", "import", str(har)], env))
                figures["floor"].append(timed([sys.executable, "-c", FLOOR, str(har), str(Path(scratch) / "floor.db")],
                                              env))
        print(f"history import of a HAR file of {entries:,} entries ({har.stat().st_size / 1e6:.0f} MB), "
              f"{rounds} interleaved rounds, medians:")
        for name, label in (("ours", "event-console history import"), ("floor", "sqlite3 json_each + FTS5")):
            seconds = statistics.median(s for s, _ in figures[name])
            peak = statistics.median(m for _, m in figures[name])
            print(f"  {label:<32} {seconds:6.2f} s   peak {peak:7.1f} MB")
        ours = statistics.median(s for s, _ in figures["ours"])
        floor = statistics.median(s for s, _ in figures["floor"])
        print(f"  time ratio {ours / floor:.2f}x (target <= 2x)")


if __name__ == "__main__":
    args = sys.argv[1:]
    rounds = 3
    if "--rounds" in args:
        at = args.index("--rounds")
        rounds = int(args[at + 1])
        del args[at:at + 2]
    main([int(a) for a in args] or [10_000, 100_000], rounds)
