"""Suites: (c) per case, `event-console suite run` with and without `--data` against `newman`
running the exported collection the same ways (200 cases; 200 rows), all against one
`event-console sandbox` process, interleaved, with each run's peak memory (/usr/bin/time);
(a) a suite of 1,000 cases (the 18 example cases, repeated, through run_case with
fresh dynamic values) against the sandbox: time per case versus a single prepare+send of the
same draft through the pipeline, interleaved in the same process (target ≤ 1.2×); (b) the
window's worst GUI-thread gap while its Suites panel runs 1,000 cases (a 10 ms heartbeat;
target ≤ 50 ms).

Run: QT_QPA_PLATFORM=offscreen python bench/suite.py [cases]   (newman: EVENT_CONSOLE_NEWMAN, or
.venv/node/node_modules/.bin/newman as scripts/test installs it)
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


def _timed(command: list[str], env: dict) -> tuple[float, int]:
    """(seconds, peak resident KB) of one run of `command`, which must succeed."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}… failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1])


def versus_newman(count: int = 200, repeats: int = 5) -> None:
    """(c): per-case time and peak memory, the console's suite run against newman's."""
    import socket
    import subprocess

    root = Path(__file__).resolve().parent.parent
    newman = os.environ.get("EVENT_CONSOLE_NEWMAN") or str(root / ".venv/node/node_modules/.bin/newman")
    if not os.access(newman, os.X_OK):
        print(f"(c) skipped: no newman at {newman} (scripts/test installs it)")
        return
    work = Path(tempfile.mkdtemp(prefix="bench-newman-"))
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(work / "home")}
    console = [sys.executable, "-m", "console"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sandbox = subprocess.Popen([*console, "sandbox", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=root)  # a line a request: never read, never a full pipe
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        key = "sandbox-octeth-api-key"
        subprocess.run([*console, "profile", "set", "octeth", "bench", f"base_url={url}/octeth"], env=env,
                       check=True, capture_output=True, cwd=root)
        # The sandbox's dummy key in the body, as Octeth's document sends it: no keyring is needed here.
        case = {"name": "signup", "vendor": "octeth", "operation": "event",
                "payload": {"APIKey": key, "ListID": 1, "event": "{{event}}", "email": "{{email}}", "id": "{{$guid}}"},
                "vars": {"event": "signup", "email": "someone@example.com"}, "expect": {"status": 200}}
        one, many = work / "one", work / "many"
        one.mkdir()
        many.mkdir()
        (one / "signup.case.json").write_text(json.dumps(case))
        for i in range(count):
            (many / f"{i:04d}.case.json").write_text(json.dumps({**case, "name": f"signup {i}"}))
        rows = work / "rows.csv"
        rows.write_text("email,event\n" + "".join(f"user{i}@example.com,signup\n" for i in range(count)))
        collections = {}
        for name, folder in (("one", one), ("many", many)):
            collections[name] = work / f"{name}.json"
            subprocess.run([*console, "suite", "export-postman", str(folder), "--profile", "bench", "--output",
                            str(collections[name])], env=env, check=True, capture_output=True, cwd=root)
        newman_args = ["--env-var", f"octeth_base_url={url}/octeth", "--reporters", "cli", "--color", "off"]
        runs = {
            "console suite run, 200 cases": [*console, "suite", "run", str(many), "--profile", "bench"],
            "console suite run --data, 1 case x 200 rows": [*console, "suite", "run", str(one), "--profile", "bench",
                                                              "--data", str(rows)],
            "newman run, 200 requests": [newman, "run", str(collections["many"]), *newman_args],
            "newman run -d, 1 request x 200 rows": [newman, "run", str(collections["one"]), "-d", str(rows),
                                                    *newman_args],
        }
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in runs}
        for _ in range(repeats):  # interleaved: each round runs every command once
            for name, command in runs.items():
                figures[name].append(_timed(command, env))
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    print(f"(c) per case against one sandbox process ({count} sends a run, {repeats} interleaved rounds, medians):")
    medians = {}
    for name, values in figures.items():
        ms = statistics.median(v[0] for v in values) / count * 1000
        kb = statistics.median(v[1] for v in values)
        medians[name] = (ms, kb)
        print(f"  {name:<45} {ms:6.2f} ms/case   peak {kb / 1024:6.1f} MB")
    plain, data = medians["console suite run, 200 cases"], medians["console suite run --data, 1 case x 200 rows"]
    theirs, theirs_data = medians["newman run, 200 requests"], medians["newman run -d, 1 request x 200 rows"]
    print(f"  console/newman without --data: time {plain[0] / theirs[0]:.2f}x, memory {plain[1] / theirs[1]:.2f}x")
    print(f"  console/newman with --data:    time {data[0] / theirs_data[0]:.2f}x, memory {data[1] / theirs_data[1]:.2f}x")
    print(f"  --data / no --data (console):  time {data[0] / plain[0]:.2f}x")


def rows_memory(sizes=(1_000, 10_000)) -> None:
    """(d): peak memory of `suite run --data` over 1,000 and 10,000 rows (the embedded sandbox)."""
    work = Path(tempfile.mkdtemp(prefix="bench-rows-"))
    env = {**os.environ, "EVENT_CONSOLE_HOME": str(work / "home")}
    (work / "suite").mkdir()
    (work / "suite" / "a.case.json").write_text(json.dumps({
        "name": "signup", "vendor": "octeth", "operation": "event",
        "payload": {"ListID": "{{list}}", "event": "signup", "email": "{{email}}"}, "expect": {"status": 200}}))
    print("(d) suite run --data, one case, peak memory by rows (/usr/bin/time):")
    peaks = {}
    for size in sizes:
        rows = work / f"rows-{size}.csv"
        rows.write_text("email,list\n" + "".join(f"user{i}@example.com,{i % 50 + 1}\n" for i in range(size)))
        seconds, kb = _timed([sys.executable, "-m", "console", "suite", "run", str(work / "suite"), "--data",
                              str(rows)], env)
        peaks[size] = kb
        print(f"  {size:>6} rows: {seconds:6.1f} s ({seconds / size * 1000:.2f} ms/row), peak {kb / 1024:.1f} MB")
    print(f"  peak at {sizes[-1]:,} rows / at {sizes[0]:,} rows: {peaks[sizes[-1]] / peaks[sizes[0]]:.2f}x")


def main(count: int = 1000):
    versus_newman()
    rows_memory()
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
