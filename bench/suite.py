"""Suites: (a) a suite of 1,000 cases (the 18 example cases, repeated, through run_case with
fresh dynamic values) against the sandbox: time per case versus a single prepare+send of the
same draft through the pipeline, interleaved in the same process (target ≤ 1.2×); (b) the
window's worst GUI-thread gap while its Suites panel runs 1,000 cases (a 10 ms heartbeat;
target ≤ 50 ms).

Run: QT_QPA_PLATFORM=offscreen python bench/suite.py [cases]
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.core.resources import resources_dir  # noqa: E402
from console.core.secrets import SecretStore  # noqa: E402
from console.engine import pipeline  # noqa: E402
from console.engine.context import AppContext  # noqa: E402
from console.engine.suites import load_case, load_cases, run_case  # noqa: E402
from tests.memory_keyring import MemoryKeyring  # noqa: E402


def make_suite(folder: Path, count: int) -> Path:
    """`count` case files, the example cases in turn (their tokens keep every send fresh)."""
    examples = sorted((resources_dir() / "suites").rglob("*.case.json"))
    for i in range(count):
        data = json.loads(examples[i % len(examples)].read_text())
        data["name"] = f"{i:04d} {data['name']}"
        (folder / f"{i:04d}.case.json").write_text(json.dumps(data))
    return folder


def per_case(ctx, folder: Path, count: int) -> tuple[float, float]:
    """Median ms per case through run_case (reading the file, as the panel does) and per
    prepare+send of the same draft, interleaved."""
    cases = load_cases(folder)
    case_ms, send_ms = [], []
    for case in cases[:count]:
        start = time.perf_counter()
        result = run_case(ctx, load_case(case.path), "sandbox")
        case_ms.append((time.perf_counter() - start) * 1000)
        assert result.passed, result.reason
        start = time.perf_counter()
        prepared = pipeline.prepare(ctx, pipeline.Draft(case.vendor, case.operation, "sandbox", case.payload))
        pipeline.send(ctx, prepared, force=bool(prepared.errors), source="suite")
        send_ms.append((time.perf_counter() - start) * 1000)
    return statistics.median(case_ms), statistics.median(send_ms)


def gui_gap(folder: Path, count: int) -> tuple[float, float]:
    from PySide6.QtCore import QTimer

    from console.ui.application import application
    from console.ui.window.main_window import MainWindow

    app = application()
    ctx = AppContext(home=Path(tempfile.mkdtemp(prefix="bench-suite-gui-")), secrets=SecretStore(MemoryKeyring()))
    window = MainWindow(ctx)
    window.show()
    end = time.monotonic() + 10
    while not window.controller.ready and time.monotonic() < end:
        app.processEvents()
    settle = time.monotonic() + 2  # the start-up warm-up finishes, as for a user
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    window.bottom_tabs.setCurrentWidget(window.suites)
    window.suites.open_folder(folder)
    worst, last = [0.0], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        worst[0] = max(worst[0], (now - last[0]) * 1000)
        last[0] = now

    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(tick)
    started = time.perf_counter()
    window.suites.run(window.suites.cases[:count])
    last[0] = time.perf_counter()
    heartbeat.start()
    while window.suites.running:
        app.processEvents()
        time.sleep(0.001)
    heartbeat.stop()
    seconds = time.perf_counter() - started
    failed = [r for r in window.suites.results.values() if not r.passed]
    assert not failed, failed[0].reason
    window.close()
    return worst[0], seconds


def main(count: int = 1000):
    folder = make_suite(Path(tempfile.mkdtemp(prefix="bench-suite-")), count)
    ctx = AppContext(home=Path(tempfile.mkdtemp(prefix="bench-suite-")), secrets=SecretStore(MemoryKeyring()))
    try:
        case_ms, send_ms = per_case(ctx, folder, count)
    finally:
        ctx.close()
    print(f"suite of {count} cases against the sandbox (in process, interleaved):")
    print(f"  per case (run_case, file read)   median {case_ms:.2f} ms")
    print(f"  baseline: prepare + send         median {send_ms:.2f} ms")
    print(f"  ratio                            {case_ms / send_ms:.2f}x   (target <= 1.2x)")
    worst, seconds = gui_gap(folder, count)
    print(f"window: Suites panel ran {count} cases in {seconds:.1f} s ({seconds / count * 1000:.1f} ms/case)")
    print(f"  worst GUI-thread gap             {worst:.1f} ms   (target <= 50 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
