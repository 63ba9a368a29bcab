""""Show all" of a 5 MB answer in the main window's response view (the real window, ready, on
an empty data home): time from the click until all of it is in and drawn, the memory it took (resident set, against the body's size), the memory after the view
moves on to the next answer, and the longest GUI-thread turn meanwhile. Targets: ≤ 200 ms,
≤ 3× the body, given back, no turn over 50 ms.

Run: QT_QPA_PLATFORM=offscreen python bench/show_all.py
"""

import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402

from console.app import create_main_window  # noqa: E402
from console.core.exchange import Exchange, RequestSpec, Response  # noqa: E402
from console.ui.application import application  # noqa: E402
from console.ui.widgets.rendering import render_body  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def exchange(body: bytes) -> Exchange:
    response = Response(200, "OK", {"Content-Type": "application/json"}, body, len(body))
    return Exchange(RequestSpec("POST", "http://127.0.0.1/x", {}), response, None, None, 5.0, "2026-11-23T00:00:00Z")


def main() -> None:
    app = application()
    window = create_main_window(Path(tempfile.mkdtemp(prefix="bench-show-all-")))
    window.show()
    deadline = time.monotonic() + 30
    while not window.controller.ready and time.monotonic() < deadline:
        app.processEvents()
    view = window.response
    items = [{"id": i, "name": f"item-{i}", "tags": ["a", "b", "c"], "price": i * 1.5} for i in range(70_000)]
    body = json.dumps({"items": items}).encode()[: 5 * 2**20]  # 5 MB (cut: shown as text)
    big = exchange(body)
    rendered = render_body(big.response)
    for _ in range(3):
        app.processEvents()
    gc.collect()
    before = rss_mb()
    view.show_exchange(big, rendered, None)
    while view._slicer.isActive():
        app.processEvents()
    worst, last = [0.0], [time.perf_counter()]

    def beat():
        now = time.perf_counter()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    heartbeat = QTimer(interval=5)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    start = time.perf_counter()
    view.show_all.click()
    while view.show_all.isVisible():
        app.processEvents()
    app.processEvents()  # drawn
    took = (time.perf_counter() - start) * 1000
    assert view.body.toPlainText() == rendered.full
    heartbeat.stop()
    shown = rss_mb()
    view.show_exchange(exchange(b'{"next": "answer"}'), render_body(exchange(b'{"next": "answer"}').response), None)
    for _ in range(5):
        app.processEvents()
    gc.collect()
    after = rss_mb()
    size = len(body) / 2**20
    print(f"body {size:.1f} MB, characters shown {len(view.body.toPlainText()):,} after moving on")
    print(f"show all: {took:.0f} ms (target <= 200 ms), worst GUI turn {worst[0] * 1000:.0f} ms (target <= 50 ms)")
    print(f"memory: +{shown - before:.1f} MB while shown ({(shown - before) / size:.1f}x the body; target <= 3x), "
          f"+{after - before:.1f} MB after the next answer")


if __name__ == "__main__":
    main()
