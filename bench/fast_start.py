"""Every start-up trick on and off (console.fast_start), on the real entry point, interleaved.

Configurations: every trick on (the default), every trick off (EVENT_CONSOLE_FAST_START=0), and
each trick alone off (EVENT_CONSOLE_FAST_START=-name). For each, the median of:
- `event-console send octeth event --dry-run`: wall time of the whole process;
- `event-console send octeth event` to the built-in sandbox: wall time of the whole process;
- `event-console` (the window, QT_QPA_PLATFORM=offscreen): from process start to the first paint
  and to ready (history's rows, the issues and the preview shown), the longest GUI-thread gap
  (5 ms heartbeat) from the first paint until 2 s after ready, and the peak memory at ready.
The window is the installed `event-console` script itself, with bench/gui_both_ways.py's probe
(it wraps console.app's Qt-free window builder to watch paint events and stops the process once
measured).

A trick stays where turning it off costs at least 10% of one of these figures.

Run: python bench/fast_start.py [runs]   (about 2 minutes at 7 runs)
"""

import compileall
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gui_both_ways import ENTRY, script  # noqa: E402 - bench/, beside this script
from gui_ready import make_home  # noqa: E402

from console.fast_start import SWITCH, TRICKS  # noqa: E402


def _env(home: str, switch: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVENT_CONSOLE_HOME": home, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env[SWITCH] = switch
    return env


def cli(home: str, switch: str, *argv: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "console", *argv], env=_env(home, switch), cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return (time.perf_counter() - start) * 1000


def window(home: str, switch: str) -> tuple[float, float, float, float]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", ENTRY, script()], env=_env(home, switch), cwd=ROOT,
                         capture_output=True, text=True, timeout=60).stdout
    fields = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    painted = (float(fields["painted"][0]) - start) * 1000
    ready = (float(fields["ready"][0]) - start) * 1000
    return painted, ready, float(fields["gap"][0]), float(fields["ready"][1]) / 1024


def main(runs: int = 7) -> None:
    compileall.compile_dir(ROOT / "console", quiet=1)  # bytecode, as an installed app has it
    home = make_home()
    configs = {"all on": "1", "all off": "0", **{f"{name} off": f"-{name}" for name in TRICKS}}
    figures: dict[str, dict[str, list[float]]] = {c: {} for c in configs}
    for switch in configs.values():  # warm the caches
        cli(home, switch, "send", "octeth", "event", "--dry-run"), window(home, switch)
    for _ in range(runs):
        order = list(configs.items())
        random.shuffle(order)
        for name, switch in order:
            got = figures[name]
            got.setdefault("dry run", []).append(cli(home, switch, "send", "octeth", "event", "--dry-run"))
            got.setdefault("send", []).append(cli(home, switch, "send", "octeth", "event"))
            painted, ready, gap, memory = window(home, switch)
            for key, value in (("first paint", painted), ("ready", ready), ("worst gap", gap),
                               ("memory", memory)):
                got.setdefault(key, []).append(value)
    load = os.getloadavg()
    print(f"runs: {runs} (interleaved, medians), load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"history: 2,000 exchanges, window on QT_QPA_PLATFORM=offscreen")
    keys = ("dry run", "send", "first paint", "ready", "worst gap", "memory")
    units = {"memory": "MB"}
    print(f"{'configuration':24}" + "".join(f"{k + ' (' + units.get(k, 'ms') + ')':>17}" for k in keys))
    base = {k: statistics.median(figures["all on"][k]) for k in keys}
    for name in configs:
        row = [statistics.median(figures[name][k]) for k in keys]
        print(f"{name:24}" + "".join(f"{v:>10.1f} {v / base[k]:>5.2f}x" for v, k in zip(row, keys, strict=True)))
    print("(ratios against every trick on: above 1.10x means the trick, turned off, costs 10% or more)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
