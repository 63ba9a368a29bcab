"""History at 1,000,000 exchanges (realistic payloads of about 1.5 KB and answers), through
the store the window's list uses: the first page (100 rows) of the list with every filter alone
and combined, and searches, warm (run twice, the second counted) and cold (the database's
pages dropped from the OS cache first); opening; recording one exchange; then clear of half
a million rows, undo, retention and delete in the background while the "GUI thread" (this
one) reads a page every 5 ms: its longest wait, the time taken, and the files' size before and
after. Targets: first page ≤ 50 ms warm, ≤ 500 ms cold; record ≤ 5 ms; GUI wait ≤ 50 ms;
files no larger after.

The database is generated once (a few minutes) and kept in $BENCH_HISTORY_DIR
(default /tmp/bench-history-1m); later runs copy it.

Run: python bench/history_1m.py [rows]
"""

import os
import shutil
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.core.history.connection import FILE_NAME
from console.core.history.records import HistoryFilter, Retention
from console.core.history.store import HistoryStore  # noqa: E402
from tests.history_data import fill, make_records  # noqa: E402

FILTERS = {
    "no filter": HistoryFilter(),
    "vendor": HistoryFilter(vendor="octeth"),
    "vendor + operation": HistoryFilter(vendor="synerise", operation="ai-event"),
    "profile": HistoryFilter(profile="staging"),
    "status 2xx": HistoryFilter(status_class="2xx"),
    "status 3xx (few)": HistoryFilter(status_class="3xx"),
    "status 4xx": HistoryFilter(status_class="4xx"),
    "no answer": HistoryFilter(status_class="no answer"),
    "not sent (few)": HistoryFilter(status_class="not sent"),
    "source suite": HistoryFilter(source="suite"),
    "pinned (few)": HistoryFilter(pinned_only=True),
    "time: one old day": HistoryFilter(since="2026-03-01T00:00:00", until="2026-03-02T00:00:00"),
    "search one word": HistoryFilter(search="checkout"),
    "search two words": HistoryFilter(search="levelUp person1"),
    "vendor + 4xx": HistoryFilter(vendor="mytracker", status_class="4xx"),
    "vendor + 3xx + day": HistoryFilter(vendor="octeth", status_class="3xx", since="2026-03-01T00:00:00",
                                        until="2026-03-09T00:00:00"),
    "vendor + search": HistoryFilter(vendor="synerise", search="cart"),
    "4xx + search + profile": HistoryFilter(status_class="4xx", search="purchase", profile="sandbox"),
}


def database_files(home: Path) -> list[Path]:
    return [p for p in home.iterdir() if p.name.startswith(FILE_NAME)]


def size_mb(home: Path) -> float:
    return sum(p.stat().st_size for p in database_files(home)) / 2**20


def drop_cache(home: Path) -> None:
    """Evicts the database's pages from the OS cache (as after a reboot), without root."""
    for path in database_files(home):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd) if os.access(path, os.W_OK) else None
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def generated(rows: int) -> Path:
    """The kept database of `rows` exchanges (made now when missing): a few pinned, some from
    suites and captures, profiles sandbox and staging."""
    keep = Path(os.environ.get("BENCH_HISTORY_DIR", "/tmp/bench-history-1m")) / str(rows)
    if (keep / FILE_NAME).exists():
        return keep
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    store = HistoryStore(keep)
    started = time.perf_counter()
    fill(store, rows, batch=20_000)
    with store.transaction() as db:  # a realistic spread of the rarer fields
        db.execute("UPDATE exchanges SET profile = 'staging' WHERE id % 7 = 0")
        db.execute("UPDATE exchanges SET source = 'suite' WHERE id % 11 = 0")
        db.execute("UPDATE exchanges SET pinned = 1 WHERE id % 50000 = 0")
    store.compact()
    store.close()
    print(f"generated {rows:,} exchanges in {time.perf_counter() - started:.0f} s: {size_mb(keep):.0f} MB")
    return keep


def first_page_ms(store: HistoryStore, f: HistoryFilter) -> float:
    start = time.perf_counter()
    store.page(None, 100, filters=f)
    return (time.perf_counter() - start) * 1000


def reads_while(store: HistoryStore, work) -> tuple[float, float]:
    """Runs `work()` on a thread while this thread reads the list's first page every 5 ms:
    (longest wait between reads in ms, seconds the work took)."""
    done = threading.Event()
    took = []

    def run():
        start = time.perf_counter()
        work()
        took.append(time.perf_counter() - start)
        done.set()

    thread = threading.Thread(target=run)
    worst, last = 0.0, time.perf_counter()
    thread.start()
    while not done.is_set():
        store.page(None, 100)
        now = time.perf_counter()
        worst = max(worst, now - last)
        last = now
        time.sleep(0.005)
    thread.join()
    return worst * 1000, took[0]


def main(rows: int = 1_000_000) -> None:
    source = generated(rows)
    home = Path(str(source) + "-run")
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(source, home)
    print(f"history: {rows:,} exchanges, {size_mb(home):.0f} MB "
          f"({size_mb(home) * 2**20 / (rows / 1000) / 1024:.0f} KB per 1,000 exchanges)")
    drop_cache(home)
    start = time.perf_counter()
    store = HistoryStore(home)
    store.page(None, 100)
    cold_open = (time.perf_counter() - start) * 1000
    store.close()
    start = time.perf_counter()
    store = HistoryStore(home)
    store.page(None, 100)
    warm_open = (time.perf_counter() - start) * 1000
    print(f"open and first page: cold {cold_open:.0f} ms, warm {warm_open:.1f} ms (targets 500 / 50 ms)")
    print(f"{'first page of 100, ms':28}{'cold':>8}{'warm':>8}")
    worst_cold = worst_warm = 0.0
    for name, f in FILTERS.items():
        store.close()
        drop_cache(home)
        store = HistoryStore(home)
        cold = first_page_ms(store, f)
        first_page_ms(store, f)
        warm = first_page_ms(store, f)
        worst_cold, worst_warm = max(worst_cold, cold), max(worst_warm, warm)
        print(f"  {name:26}{cold:8.1f}{warm:8.1f}")
    print(f"  {'worst':26}{worst_cold:8.1f}{worst_warm:8.1f}   (targets 500 / 50 ms)")
    writes = []
    for record in make_records(200, seed=4242):
        start = time.perf_counter()
        store.record(record)
        writes.append((time.perf_counter() - start) * 1000)
    print(f"record one exchange: median {statistics.median(writes):.2f} ms, worst {max(writes):.1f} ms (target 5 ms)")

    before = size_mb(home)
    half = rows // 2
    ids = list(range(1, half + 1))
    steps = [
        ("delete half (500,000 ids)", lambda: store.delete(ids)),
        ("undo that delete", lambda: store.undo_delete()),
        ("clear all", lambda: store.delete(None)),
        ("undo clear all", lambda: store.undo_delete()),
        ("retention: keep the last half", lambda: (store.set_retention(Retention(keep_last=rows - half)),
                                                    store.apply_retention(datetime.now(timezone.utc)))),
        ("delete a quarter (purges the last)", lambda: store.delete(list(range(half + 1, half + rows // 4)))),
    ]
    print(f"{'change in the background':38}{'took s':>8}{'GUI wait ms':>13}{'files MB':>10}")
    for name, work in steps:
        wait, took = reads_while(store, work)
        print(f"  {name:36}{took:8.1f}{wait:13.1f}{size_mb(home):10.0f}")
    store.set_retention(Retention())
    print(f"files: {before:.0f} MB before, {size_mb(home):.0f} MB after (target: no larger)")
    store.close()
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
