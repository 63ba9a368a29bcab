"""Start-up to *ready*: from process start until the window is shown with its history's first
rows, its validation issues and its request preview filled, against a bare QMainWindow's first
fully drawn frame (the moment after its first paint pass has drawn every child), in one run,
interleaved; peak memory at those moments; and the longest gap of the GUI thread (a 5 ms
heartbeat) from the first paint until 2 s after ready. Targets: ready ≤ 1.5× the bare frame,
memory ≤ 1.5×, longest gap ≤ 50 ms.

The data home holds 2,000 exchanges, as a user's would after some use.

Run: QT_QPA_PLATFORM=offscreen python bench/gui_ready.py [runs]
"""

import compileall
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMON = """
import resource, sys, time, os
def stamp(what):
    print(what, time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)
"""

BARE = COMMON + """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            # Runs once this paint pass has drawn every child: the first full frame.
            QTimer.singleShot(0, lambda: (stamp("ready"), os._exit(0)))
        return False
watcher = Painted()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

# What "ready" means, for this and bench/fast_start.py: history's rows, issues and preview shown.
READY = """
def ready():
    w = window
    return (w.controller.ready and w.history.list.model().rowCount() > 0 and w.issues.count() > 0
            and bool(w.preview.toPlainText()))
"""

APP = COMMON + """
from console.app import create_main_window
# As `event-console` does: nothing of Qt is imported before the window is made.
window = create_main_window(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
state = {"ready": None, "last": None, "worst": 0.0}
""" + READY + """
def beat():
    now = time.perf_counter()
    if state["last"] is not None:
        state["worst"] = max(state["worst"], now - state["last"])
    state["last"] = now
    if state["ready"] is None and ready():
        state["ready"] = now
        stamp("ready")
    if state["ready"] is not None and now - state["ready"] > 2.0:
        print("gap", state["worst"] * 1000, flush=True)
        os._exit(0)
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and state["last"] is None:
            state["last"] = time.perf_counter()
            heartbeat.start()
        return False
heartbeat = QTimer(interval=5)
heartbeat.timeout.connect(beat)
watcher = Painted()
window.installEventFilter(watcher)
window.show()
from PySide6.QtWidgets import QApplication
QApplication.instance().exec()
"""


def make_home(count: int = 2000) -> str:
    """A data home with `count` exchanges of realistic size (written straight to history)."""
    from console.core.history.store import HistoryStore
    from tests.history_data import fill

    home = tempfile.mkdtemp(prefix="bench-ready-")
    store = HistoryStore(Path(home))
    fill(store, count)
    store.close()
    return home


def run(code: str, home: str) -> tuple[float, float, float | None]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, home], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=True).stdout.split("\n")
    fields = {line.split()[0]: line.split()[1:] for line in out if line.strip()}
    ready_at, rss_kb, child_kb = (float(f) for f in fields["ready"])
    gap = float(fields["gap"][0]) if "gap" in fields else None
    return (ready_at - start) * 1000, rss_kb / 1024, gap, child_kb / 1024


def main(runs: int = 11) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    compileall.compile_dir(ROOT / "console", quiet=1)  # bytecode, as an installed app has it
    home = make_home()
    run(BARE, home), run(APP, home)  # warm the caches
    bare, app = [], []
    order = [(BARE, bare), (APP, app)]
    for _ in range(runs):
        random.shuffle(order)
        for code, results in order:
            results.append(run(code, home))
    bt, bm = statistics.median(r[0] for r in bare), statistics.median(r[1] for r in bare)
    at, am = statistics.median(r[0] for r in app), statistics.median(r[1] for r in app)
    gaps = sorted(r[2] for r in app)
    fastest_bare, fastest_app = min(r[0] for r in bare), min(r[0] for r in app)
    print(f"runs: {runs}, platform: {os.environ['QT_QPA_PLATFORM']}, history: 2,000 exchanges")
    print(f"bare QMainWindow, first full frame: {bt:.0f} ms, peak memory {bm:.1f} MB")
    print(f"Event Console ready (rows, issues, preview): {at:.0f} ms, peak memory {am:.1f} MB")
    print(f"ratios: time {at / bt:.2f}x, memory {am / bm:.2f}x (target <= 1.5x each)")
    print(f"fastest runs (the host's noise least): bare {fastest_bare:.0f} ms, Event Console {fastest_app:.0f} ms "
          f"({fastest_app / fastest_bare:.2f}x)")
    print(f"longest GUI-thread gap, first paint to 2 s after ready: median {statistics.median(gaps):.0f} ms, "
          f"worst {gaps[-1]:.0f} ms (target <= 50 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
