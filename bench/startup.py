"""Start-up of `event-console vendors` versus `python -c "import json"`, same interpreter,
runs interleaved. Target: at most 3x.

Run: python bench/startup.py [runs]
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(argv) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return (time.perf_counter() - t) * 1000


def main(runs: int = 30) -> None:
    baseline_cmd = [sys.executable, "-c", "import json"]
    vendors_cmd = [sys.executable, "-m", "console", "vendors"]
    wall(baseline_cmd), wall(vendors_cmd)  # warm the file cache
    baseline, vendors = [], []
    for _ in range(runs):
        baseline.append(wall(baseline_cmd))
        vendors.append(wall(vendors_cmd))
    b, v = statistics.median(baseline), statistics.median(vendors)
    print(f"runs: {runs}")
    print(f"python -c 'import json'   median {b:.1f} ms")
    print(f"event-console vendors     median {v:.1f} ms")
    print(f"ratio: {v / b:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
