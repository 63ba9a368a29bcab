"""The PyInstaller bundle: size on disk and as an archive, its largest parts, and frozen
start-up (process start to first painted window) as a ratio to starting from source, both
measured here in one run, interleaved. Goals: at most 150 MB on disk; at most 1.5x.

Run after scripts/build:  QT_QPA_PLATFORM=offscreen python bench/bundle.py [runs]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "event-console"


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def first_paint_ms(argv, home) -> float:
    env = {**os.environ, "EVENT_CONSOLE_HOME": home, "PYTHONPATH": str(ROOT)}
    start = time.time()
    out = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, cwd=ROOT).stdout
    stamp = next(line.split()[1] for line in out.splitlines() if line.startswith("first-paint"))
    return (float(stamp) - start) * 1000


def main(runs: int = 7) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not BUNDLE.is_dir():
        sys.exit("no dist/event-console: run scripts/build first")
    total = size_of(BUNDLE)
    print(f"bundle on disk: {total / 2**20:.1f} MB (goal <= 150 MB)")
    for archive in sorted(BUNDLE.parent.glob("event-console-*.tar.gz")):
        print(f"archive {archive.name}: {archive.stat().st_size / 2**20:.1f} MB")
    internal = BUNDLE / "_internal"
    parts = [p for p in internal.iterdir()] + [p for p in (internal / "PySide6" / "Qt" / "lib").iterdir()]
    parts = [p for p in parts if p.name != "PySide6" and not p.is_symlink()]  # links point into PySide6/
    print("largest parts:")
    for part in sorted(parts, key=size_of, reverse=True)[:10]:
        print(f"  {size_of(part) / 2**20:6.1f} MB  {part.relative_to(BUNDLE)}")
    home = tempfile.mkdtemp(prefix="bench-bundle-")
    frozen_cmd = [str(BUNDLE / "event-console"), "diagnostics", "paint-probe"]
    source_cmd = [sys.executable, "-m", "console", "diagnostics", "paint-probe"]
    first_paint_ms(frozen_cmd, home), first_paint_ms(source_cmd, home)  # warm caches
    frozen, source = [], []
    for _ in range(runs):
        frozen.append(first_paint_ms(frozen_cmd, home))
        source.append(first_paint_ms(source_cmd, home))
    f, s = statistics.median(frozen), statistics.median(source)
    print(f"first paint, median of {runs}: frozen {f:.0f} ms, from source {s:.0f} ms, "
          f"ratio {f / s:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
