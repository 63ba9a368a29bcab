"""Capture versus the bare sandbox, both as the real command (`event-console capture` and
`event-console sandbox`, each its own process on 127.0.0.1):

(a) latency: the same Octeth event posted alternately to each over a kept-alive connection;
    median and p95 per request, and the ratio capture/sandbox (target ≤ 1.2×);
(b) back to back: each alone, the next request sent the moment the last answer came (capture
    checks and records each request after answering it, so here its worker competes with the
    next request for the interpreter); median and p95;
(c) 200 clients at once, each posting 5 events: requests per second and the median latency of
    each, and their ratios (the median of 5 rounds each, alternated, each round starting with
    both servers idle: capture checks and records a burst just after answering it).

(d) with --wrk (Debian's wrk installed): saturation, `wrk -t2 -c200 -d5s` posting the same
    event to each, twice, alternated: requests per second and median latency. Past capture's
    2 s of waiting, checking and recording share the CPU with answering.

Run: python bench/capture.py [requests] [--wrk]
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from console.core.definitions import vendors  # noqa: E402


def start(*args: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "EVENT_CONSOLE_HOME": tempfile.mkdtemp(prefix="bench-capture-"), "PYTHONPATH": str(ROOT),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    process = subprocess.Popen([sys.executable, "-m", "console", *args, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    first = process.stdout.readline()
    url = re.search(r"(http://127\.0\.0\.1:\d+)", first).group(1)
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # drain its lines
    return process, url


def event() -> bytes:
    key = vendors()["octeth"].sandbox_secrets["api_key"]
    return json.dumps({"APIKey": key, "ListID": 1, "event": "signup", "email": "a@example.com"}).encode()


def latency(urls: dict[str, str], count: int) -> dict[str, list[float]]:
    sessions = {name: requests.Session() for name in urls}
    body = event()
    times: dict[str, list[float]] = {name: [] for name in urls}
    for i in range(count + 20):
        for name, url in urls.items():
            start = time.perf_counter()
            answer = sessions[name].post(f"{url}/octeth/api/v1/event", data=body,
                                         headers={"Content-Type": "application/json"})
            elapsed = (time.perf_counter() - start) * 1000
            assert answer.status_code == 200, answer.text
            if i >= 20:  # warm-up done
                times[name].append(elapsed)
    return times


def throughput(url: str, clients: int, each: int) -> tuple[float, list[float]]:
    """(requests per second, each request's latency in ms) with `clients` posting at once."""
    body = event()
    errors, times = [], []

    def client():
        session = requests.Session()
        for _ in range(each):
            start = time.perf_counter()
            answer = session.post(f"{url}/octeth/api/v1/event", data=body, headers={"Content-Type": "application/json"})
            times.append((time.perf_counter() - start) * 1000)
            if answer.status_code != 200:
                errors.append(answer.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    assert not errors, errors[:5]
    return clients * each / seconds, times


def saturate(urls: dict[str, str]) -> None:
    """(d): wrk at 200 connections for 5 s against each, twice, alternated."""
    import shutil

    if shutil.which("wrk") is None:
        print("saturation: wrk is not installed (apt-get install wrk)")
        return
    script = Path(tempfile.mkdtemp(prefix="bench-capture-wrk-")) / "post.lua"
    script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f"wrk.body = {json.dumps(event().decode())}\n")
    print("saturation: wrk -t2 -c200 -d5s, twice each, alternated:")
    for _ in range(2):
        for name, url in urls.items():
            time.sleep(4)  # idle first: capture records what the last round left
            out = subprocess.run(["wrk", "-t2", "-c200", "-d5s", "--latency", "-s", str(script),
                                  f"{url}/octeth/api/v1/event"], capture_output=True, text=True).stdout
            latency = re.search(r"50%\s+(\S+)", out).group(1)
            rate = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
            print(f"  {name:<8} {float(rate):.0f} requests/s   latency median {latency}")


def main(count: int = 500, wrk: bool = False):
    sandbox, sandbox_url = start("sandbox")
    capture, capture_url = start("capture")
    try:
        times = latency({"sandbox": sandbox_url, "capture": capture_url}, count)
        print(f"latency, {count} requests each, alternating, kept-alive (ms):")
        for name, values in times.items():
            values = sorted(values)
            print(f"  {name:<8} median {statistics.median(values):.2f}   p95 {values[int(len(values) * 0.95)]:.2f}")
        paired = statistics.median(c / s for c, s in zip(times["capture"], times["sandbox"], strict=False))
        for values in times.values():
            values.sort()
        ratio = statistics.median(times["capture"]) / statistics.median(times["sandbox"])
        added = statistics.median(times["capture"]) - statistics.median(times["sandbox"])
        print(f"  capture / sandbox  {ratio:.2f}x   (+{added:.2f} ms; target <= 1.2x); "
              f"median of the {count} paired ratios {paired:.2f}x")
        print(f"back to back, {count} requests to each alone (ms):")
        alone = {name: latency({name: url}, count)[name] for name, url in
                 (("sandbox", sandbox_url), ("capture", capture_url))}
        for name, values in alone.items():
            values.sort()
            print(f"  {name:<8} median {statistics.median(values):.2f}   p95 {values[int(len(values) * 0.95)]:.2f}")
        print(f"  capture / sandbox  {statistics.median(alone['capture']) / statistics.median(alone['sandbox']):.2f}x")
        rounds = 5
        print(f"200 clients at once, 5 requests each ({rounds} rounds each, alternated, each starting idle; medians):")
        runs: dict[str, list[tuple[float, float]]] = {"sandbox": [], "capture": []}
        for _ in range(rounds):
            for name, url in (("sandbox", sandbox_url), ("capture", capture_url)):
                time.sleep(3)  # each round starts idle: capture records a burst after answering it
                rate, values = throughput(url, 200, 5)
                runs[name].append((rate, statistics.median(values)))
        medians = {name: (statistics.median(r for r, _ in got), statistics.median(m for _, m in got))
                   for name, got in runs.items()}
        for name, (rate, latency_ms) in medians.items():
            print(f"  {name:<8} {rate:.0f} requests/s   latency median {latency_ms:.1f} ms   "
                  f"(rounds: {', '.join(f'{m:.1f}' for _, m in runs[name])} ms)")
        print(f"  capture / sandbox  latency {medians['capture'][1] / medians['sandbox'][1]:.2f}x (target <= 1.2x)"
              f"   requests/s {medians['capture'][0] / medians['sandbox'][0]:.2f}x")
        if wrk:
            saturate({"sandbox": sandbox_url, "capture": capture_url})
    finally:
        for process in (sandbox, capture):
            process.terminate()
            process.wait()


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 500, "--wrk" in sys.argv[1:])
