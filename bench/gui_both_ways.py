"""The window, both ways users and programs start it, each against a bare PySide6 window
started the same way, all four interleaved in one run:

- **entry point**: the installed `event-console` script itself (the file pip wrote, run with
  runpy), nothing of Qt imported before it; against a bare script that makes a QApplication and a
  QMainWindow with one label, started the same way;
- **create_main_window**: a fresh interpreter that imports PySide6 and makes its QApplication
  first, then calls `console.app.create_main_window` and shows the window (as tests and embedders
  do); against the same interpreter start making the bare window instead.

For each: first paint (the window's first paint event), ready (the app: history's rows, the
issues and the preview shown; the bare window: its first fully drawn frame), peak memory at ready
(the process's own ru_maxrss), and, for the app, the longest GUI-thread gap (a 5 ms heartbeat)
from the first paint until 2 s after ready. Targets (issue #27): first paint <= 1.5x, ready <=
2.0x, memory <= 1.4x, no gap over 50 ms, on both paths.

The data home holds 2,000 exchanges, as a user's would after some use.

With --instructions, it also counts the instructions each executes up to its first paint
(valgrind's callgrind): the same on every run, where wall times on a shared machine move by tens
of milliseconds.

Run: python bench/gui_both_ways.py [runs] [--instructions]   (QT_QPA_PLATFORM=offscreen unless
set; ~1 min at 7 runs, ~4 more with --instructions)
"""

import compileall
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gui_ready import READY, make_home  # noqa: E402 - bench/, beside this script

# Watches a window: prints "painted" at its first paint event, then beats every 5 ms; prints
# "ready" when `is_ready()` holds, and, `linger` seconds later, the longest gap between beats.
PROBE = """
import os, resource, sys, time
def stamp(what):
    print(what, time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
def probe(window, is_ready, linger):
    from PySide6.QtCore import QEvent, QObject, QTimer
    state = {"painted": None, "ready": None, "last": None, "worst": 0.0}
    def beat():
        now = time.perf_counter()
        state["worst"] = max(state["worst"], now - state["last"])
        state["last"] = now
        if state["ready"] is None and is_ready():
            state["ready"] = now
            stamp("ready")
        if state["ready"] is not None and now - state["ready"] >= linger:
            print("gap", state["worst"] * 1000, flush=True)
            os._exit(0)
    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and state["painted"] is None:
                state["painted"] = state["last"] = time.perf_counter()
                stamp("painted")
                if os.environ.get("BENCH_EXIT_AT_PAINT"):
                    os._exit(0)
                # Once this paint pass has drawn every child: the first full frame.
                QTimer.singleShot(0, beat)
                heartbeat.start()
            return False
    heartbeat = QTimer(interval=5)
    heartbeat.timeout.connect(beat)
    window._probe, window._heartbeat = Painted(), heartbeat
    window.installEventFilter(window._probe)
"""

# The bare window's body; `ready` is its first full frame (the first beat after its first paint).
BARE_WINDOW = """
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication.instance() or QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
probe(window, lambda: True, 0.0)
window.show()
app.exec()
"""

# What an embedder or a test does before it asks for the window: Qt imported, its app made.
QT_FIRST = """
from PySide6.QtWidgets import QApplication
QApplication(sys.argv[:1])
"""

# The real entry point: console.app's window builder (Qt-free) is wrapped so the probe sees the
# window; then the script pip installed runs as `event-console` would.
ENTRY = PROBE + READY.replace("def ready():", "def ready(window):") + """
import runpy
import console.app as app
build = app._build_window
def probed(*args):
    window = build(*args)
    probe(window, lambda: ready(window), 2.0)
    return window
app._build_window = probed
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

EMBEDDED = PROBE + QT_FIRST + READY.replace("def ready():", "def ready(window):") + """
from console.app import create_main_window
window = create_main_window(os.environ["EVENT_CONSOLE_HOME"])
probe(window, lambda: ready(window), 2.0)
window.show()
from PySide6.QtWidgets import QApplication
QApplication.instance().exec()
"""

CONFIGS = {
    "entry point: bare": PROBE + BARE_WINDOW,
    "entry point: event-console": ENTRY,
    "create_main_window: bare": PROBE + QT_FIRST + BARE_WINDOW,
    "create_main_window: Event Console": EMBEDDED,
}


def script() -> str:
    """The `event-console` script pip installed beside this interpreter."""
    found = Path(sys.executable).with_name("event-console")
    if not found.exists():
        found = Path(shutil.which("event-console") or "")
    if not found.is_file():
        sys.exit("bench/gui_both_ways.py: no `event-console` script beside this Python; "
                 "install the project (pip install -e .) first")
    return str(found)


def run(code: str, home: str, entry: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVENT_CONSOLE_HOME": home,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, entry], capture_output=True, text=True, cwd=ROOT,
                         env=env, timeout=60, check=True).stdout
    fields = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    return {"first paint": (float(fields["painted"][0]) - start) * 1000,
            "ready": (float(fields["ready"][0]) - start) * 1000,
            "memory": float(fields["ready"][1]) / 1024, "gap": float(fields["gap"][0])}


def instructions(code: str, home: str, entry: str) -> int | None:
    """Instructions executed from process start to the first paint, counted by valgrind's
    callgrind: the same on every run, however busy the machine. None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVENT_CONSOLE_HOME": home, "BENCH_EXIT_AT_PAINT": "1",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          "-c", code, entry], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900,
                         check=True).stderr
    first_pid = re.search(r"==(\d+)==", out)  # the process started here, not a child it forks
    found = {pid: int(n) for pid, n in re.findall(r"==(\d+)== Collected\s*:\s*(\d+)", out)}
    return found.get(first_pid.group(1)) if first_pid else None


def main(runs: int = 7, count_instructions: bool = False) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    compileall.compile_dir(ROOT / "console", quiet=1)  # bytecode, as an installed app has it
    home, entry = make_home(), script()
    for code in CONFIGS.values():  # warm the caches
        run(code, home, entry)
    got: dict[str, list[dict[str, float]]] = {name: [] for name in CONFIGS}
    for _ in range(runs):
        order = list(CONFIGS.items())
        random.shuffle(order)
        for name, code in order:
            got[name].append(run(code, home, entry))
    load = os.getloadavg()
    print(f"runs: {runs} (interleaved, medians), platform: {os.environ['QT_QPA_PLATFORM']}, "
          f"history: 2,000 exchanges, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in got[name])

    for path in ("entry point", "create_main_window"):
        bare, app = f"{path}: bare", next(n for n in CONFIGS if n.startswith(path) and not n.endswith("bare"))
        print(f"{path}:")
        for key, unit, target in (("first paint", "ms", 1.5), ("ready", "ms", 2.0), ("memory", "MB", 1.4)):
            a, b = median(app, key), median(bare, key)
            mark = "ok" if a / b <= target else "over"
            print(f"  {key:12} bare {b:7.1f} {unit}   Event Console {a:7.1f} {unit}   {a / b:.2f}x "
                  f"(target <= {target}x: {mark})")
        gaps = sorted(r["gap"] for r in got[app])
        print(f"  longest GUI-thread gap, first paint to 2 s after ready: median {statistics.median(gaps):.0f} ms, "
              f"worst {gaps[-1]:.0f} ms (target <= 50 ms: {'ok' if gaps[-1] <= 50 else 'over'})")
        if count_instructions:
            counts = [instructions(CONFIGS[name], home, entry) for name in (bare, app)]
            if None not in counts:
                print(f"  instructions to first paint (callgrind): bare {counts[0] / 1e6:.0f} M, "
                      f"Event Console {counts[1] / 1e6:.0f} M ({counts[1] / counts[0]:.2f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 7, "--instructions" in sys.argv)
