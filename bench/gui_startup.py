"""Start-up of the window: time from process start to the first painted main window, and
peak memory at that moment, for Event Console and for a bare PySide6 window (a QMainWindow
with one label), in one run, interleaved. Target: each at most 1.5x the bare window.

Run: QT_QPA_PLATFORM=offscreen python bench/gui_startup.py [runs]   (or under xvfb-run)

Wall-clock times on a shared machine move by tens of milliseconds from run to run, so it also
prints the fastest runs and, where valgrind is installed, the instructions each script executes
up to its first paint (the same on every run).
"""

import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAINTED = """
import resource, sys, time
from PySide6.QtCore import QEvent, QObject
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
            sys.stdout.flush()
            import os; os._exit(0)
        return False
"""

BARE = PAINTED + """
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
watcher = Painted()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

# The same kinds and numbers of widgets as the app's window, with none of its logic: how much
# of the start-up is PySide6 itself building the Python side of those classes and enums. Like
# the app (console/ui/window/startup.py), it leaves the Qt namespace's enums unbuilt.
WIDGETS = PAINTED + """
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (QApplication, QMainWindow, QWidget, QVBoxLayout, QHBoxLayout, QComboBox,
    QPushButton, QPlainTextEdit, QTabWidget, QSplitter, QListView, QListWidget, QLineEdit, QLabel,
    QProgressBar, QToolButton, QCheckBox, QScrollArea, QFormLayout)
app = QApplication(sys.argv[:1])
w = QMainWindow(); c = QWidget(); v = QVBoxLayout(c); bar = QHBoxLayout()
for _ in range(3): bar.addWidget(QComboBox())
for t in ("Profiles", "Cookie", "Import"): bar.addWidget(QPushButton(t))
bar.addWidget(QToolButton()); v.addLayout(bar)
for _ in range(3): v.addWidget(QLabel("banner"))
s = QSplitter(); left = QSplitter(); left.setProperty("orientation", 2)
tabs = QTabWidget(); sa = QScrollArea(); f = QWidget(); fl = QFormLayout(f)
for i in range(8): fl.addRow(QLabel(f"field{i}"), QLineEdit())
sa.setWidget(f); tabs.addTab(sa, "Form"); e = QPlainTextEdit(); e.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)); tabs.addTab(e, "JSON")
left.addWidget(tabs); left.addWidget(QListWidget()); s.addWidget(left)
right = QSplitter(); right.setProperty("orientation", 2); p = QPlainTextEdit(); right.addWidget(p)
rv = QWidget(); rl = QVBoxLayout(rv); rl.addWidget(QLabel("status")); rt = QTabWidget()
for t in ("Body", "Headers", "Sent", "Details"): rt.addTab(QPlainTextEdit(), t)
rl.addWidget(rt); right.addWidget(rv)
hv = QWidget(); hl = QVBoxLayout(hv); hl.addWidget(QLineEdit())
hb = QHBoxLayout()
for _ in range(5): hb.addWidget(QComboBox())
hb.addWidget(QCheckBox("Pinned")); hl.addLayout(hb); hl.addWidget(QListView())
b2 = QHBoxLayout()
for t in range(10): b2.addWidget(QPushButton(f"b{t}"))
hl.addLayout(b2); right.addWidget(hv); s.addWidget(right); v.addWidget(s)
pb = QProgressBar(); v.addWidget(pb)
for k in ("Ctrl+Return", "Escape", "Ctrl+I"): QShortcut(QKeySequence(k), w)
w.setCentralWidget(c); w.resize(1280, 860)
watcher = Painted()
w.installEventFilter(watcher)
w.show()
app.exec()
"""

APP = """
# As `event-console` does: nothing of Qt is imported before the window is made.
from console.app import create_main_window
import sys
window = create_main_window(sys.argv[1])
""" + PAINTED + """
watcher = Painted()
window.installEventFilter(watcher)
window.show()
from PySide6.QtWidgets import QApplication
QApplication.instance().exec()
"""


def run(code: str, home: str) -> tuple[float, float]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, home], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=True).stdout.split()
    painted, rss_kb = float(out[0]), float(out[1])
    return (painted - start) * 1000, rss_kb / 1024


def instructions(code: str, home: str) -> int | None:
    """CPU instructions of the process from its start to the first paint, counted by valgrind's
    callgrind: the same count on every run, however busy the machine is. None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code, home], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600, check=True).stderr
    # valgrind follows any forked child too: the count wanted is the process
    # started here (the first pid valgrind names), not the child's.
    first_pid = re.search(r"==(\d+)==", out)
    found = {pid: int(n) for pid, n in re.findall(r"==(\d+)== Collected\s*:\s*(\d+)", out)}
    return found.get(first_pid.group(1)) if first_pid else None


def main(runs: int = 15) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Bytecode as an installed wheel or the bundle has it (these machines set
    # PYTHONDONTWRITEBYTECODE, so an editable checkout would otherwise compile at every start).
    compileall.compile_dir(ROOT / "console", quiet=1)
    home = tempfile.mkdtemp(prefix="bench-gui-")
    run(BARE, home), run(WIDGETS, home), run(APP, home)  # warm caches, create the data home
    bare, widgets, app = [], [], []
    order = [(BARE, bare), (WIDGETS, widgets), (APP, app)]
    for _ in range(runs):
        random.shuffle(order)  # no script always runs right after another one
        for code, times in order:
            times.append(run(code, home))
    wt, wm = statistics.median(t for t, _ in widgets), statistics.median(m for _, m in widgets)
    bt, bm = statistics.median(t for t, _ in bare), statistics.median(m for _, m in bare)
    at, am = statistics.median(t for t, _ in app), statistics.median(m for _, m in app)
    print(f"runs: {runs}, platform: {os.environ['QT_QPA_PLATFORM']}")
    print(f"bare QMainWindow: first paint {bt:.0f} ms, peak memory {bm:.1f} MB")
    print(f"same widgets, no logic: first paint {wt:.0f} ms ({wt / bt:.2f}x), peak memory {wm:.1f} MB ({wm / bm:.2f}x)")
    print(f"Event Console:    first paint {at:.0f} ms, peak memory {am:.1f} MB")
    print(f"ratios: time {at / bt:.2f}x, memory {am / bm:.2f}x (target <= 1.5x each)")
    counts = [instructions(code, home) for code in (BARE, APP)]
    if None not in counts:
        print(f"instructions to first paint (callgrind, not affected by machine noise): bare "
              f"{counts[0] / 1e6:.0f} M, Event Console {counts[1] / 1e6:.0f} M ({counts[1] / counts[0]:.2f}x)")
    fastest = [min(t for t, _ in times) for times in (bare, widgets, app)]
    print(f"fastest runs: bare {fastest[0]:.0f} ms, same widgets {fastest[1]:.0f} ms "
          f"({fastest[1] / fastest[0]:.2f}x), Event Console {fastest[2]:.0f} ms ({fastest[2] / fastest[0]:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
