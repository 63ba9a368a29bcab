"""History at scale: the same operations at 1,000 and at 100,000 exchanges of realistic size
(about 1.5 KB of payload each), in one run. Targets at 100,000: opening the panel at most
150 ms to first rows shown; a full-text search at most 50 ms to first results; recording one
exchange at most 5 ms; and ratios 100,000 / 1,000 near 1.

Run: QT_QPA_PLATFORM=offscreen python bench/history.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.core.history.store import HistoryStore  # noqa: E402
from console.ui.application import application  # noqa: E402
from console.ui.history.panel import HistoryPanel  # noqa: E402
from tests.history_data import fill, make_records  # noqa: E402

SEARCHES = ["checkout", "levelUp", "newsletter", "purchase", "person1", "user-4"]


def measure(size: int) -> dict:
    app = application()
    home = Path(tempfile.mkdtemp(prefix=f"bench-history-{size}-"))
    store = HistoryStore(home)
    fill(store, size)
    store.close()
    opens = []
    for _ in range(5):
        start = time.perf_counter()
        store = HistoryStore(home)
        panel = HistoryPanel()
        panel.set_store(store)
        panel.show()
        app.processEvents()
        assert panel.model.rowCount() > 0
        opens.append((time.perf_counter() - start) * 1000)
        panel.close()
        panel.deleteLater()
        app.processEvents()
        store.close()
    store = HistoryStore(home)
    panel = HistoryPanel()
    panel.set_store(store)
    searches = []
    for word in SEARCHES * 3:
        start = time.perf_counter()
        panel.search.setText(word)
        panel.apply_filters()
        app.processEvents()
        assert panel.model.rowCount() > 0, word
        searches.append((time.perf_counter() - start) * 1000)
    records = make_records(200, seed=99)
    writes = []
    for record in records:
        start = time.perf_counter()
        store.record(record)
        writes.append((time.perf_counter() - start) * 1000)
    store.close()
    db_bytes = sum(p.stat().st_size for p in home.glob("history.sqlite3*"))
    return {"open": statistics.median(opens), "search": statistics.median(searches),
            "search_worst": max(searches), "record": statistics.median(writes),
            "mb_per_1000": db_bytes / 2**20 / ((size + 200) / 1000), "fts": store.fts}


def main() -> None:
    small, large = measure(1_000), measure(100_000)
    print(f"full-text index: {'FTS5' if large['fts'] else 'none (LIKE fallback)'}")
    print(f"{'':34}{'1,000':>10}{'100,000':>10}{'ratio':>8}   target at 100,000")
    rows = [("open panel to first rows (ms)", "open", "<= 150 ms"),
            ("full-text search, median (ms)", "search", "<= 50 ms"),
            ("full-text search, worst (ms)", "search_worst", ""),
            ("record one exchange, median (ms)", "record", "<= 5 ms"),
            ("database MB per 1,000 exchanges", "mb_per_1000", "")]
    for label, key, target in rows:
        print(f"{label:34}{small[key]:10.2f}{large[key]:10.2f}{large[key] / small[key]:8.2f}   {target}")


if __name__ == "__main__":
    main()
