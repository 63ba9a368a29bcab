"""Capture versus the bare sandbox, both as the real command (`event-console capture` and
`event-console sandbox`, each its own process on 127.0.0.1), driven by wrk (Debian's; nobody
here wrote it) posting the same Octeth event, the two servers alternated, each round starting
with both idle:

(a) one client back to back (`wrk -t1 -c1`, the next request the moment the last answer
    came): CPU per request of the server process (its user + system time from /proc, counted
    until capture has checked and recorded everything it answered), ratio capture/sandbox
    (target <= 1.5x); and the p99 latency wrk saw, ratio (target <= 2x);
(b) 50 and 200 connections at once (`wrk -t2 -cN`): requests per second, ratio (target >=
    0.9x), and the median latency.

Run: python bench/capture.py [seconds per round] [rounds]
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.core.definitions import vendors  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float:
    """User + system time of the process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def settled(pid: int) -> float:
    """The process's CPU time once it stopped using any (capture: everything answered is
    checked and recorded)."""
    last = cpu_seconds(pid)
    while True:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.02:
            return now
        last = now


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    threads = 1 if connections == 1 else 2
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"{url}/octeth/api/v1/event"], capture_output=True, text=True, check=True).stdout

    def ms(name: str) -> float:
        value = re.search(rf"{name}\s+([\d.]+)(us|ms|s)\b", out)
        return float(value.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[value.group(2)]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms("50%"), "p99": ms("99%"), "errors": int(errors.group(1)) if errors else 0}


def main(seconds: int = 4, rounds: int = 3) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    script = Path(tempfile.mkdtemp(prefix="bench-capture-wrk-")) / "post.lua"
    script.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f"wrk.body = {json.dumps(event().decode())}\n")
    servers = {"sandbox": start("sandbox"), "capture": start("capture")}
    try:
        for _process, url in servers.values():  # warm: validators compiled, history opened
            wrk(url, script, 1, 1)
        one: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
        for _ in range(rounds):
            for name, (process, url) in servers.items():
                before = settled(process.pid)
                got = wrk(url, script, 1, seconds)
                got["cpu_ms"] = (settled(process.pid) - before) / got["requests"] * 1000
                one[name].append(got)
        print(f"one client back to back (wrk -t1 -c1 -d{seconds}s), {rounds} rounds alternated, medians:")
        medians = {name: {key: statistics.median(r[key] for r in runs) for key in ("cpu_ms", "p50", "p99", "rps")}
                   for name, runs in one.items()}
        for name, m in medians.items():
            print(f"  {name:<8} CPU {m['cpu_ms']:.3f} ms a request   latency median {m['p50']:.2f} ms   "
                  f"p99 {m['p99']:.2f} ms   {m['rps']:.0f} requests/s")
        cpu = medians["capture"]["cpu_ms"] / medians["sandbox"]["cpu_ms"]
        p99 = medians["capture"]["p99"] / medians["sandbox"]["p99"]
        print(f"  capture / sandbox  CPU a request {cpu:.2f}x (target <= 1.5x)   p99 {p99:.2f}x (target <= 2x)")
        for connections in (50, 200):
            many: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
            for _ in range(rounds):
                for name, (process, url) in servers.items():
                    settled(process.pid)
                    many[name].append(wrk(url, script, connections, seconds))
            print(f"{connections} connections (wrk -t2 -c{connections} -d{seconds}s), {rounds} rounds alternated, medians:")
            rates = {}
            for name, runs in many.items():
                rates[name] = statistics.median(r["rps"] for r in runs)
                print(f"  {name:<8} {rates[name]:.0f} requests/s   latency median "
                      f"{statistics.median(r['p50'] for r in runs):.1f} ms   p99 {statistics.median(r['p99'] for r in runs):.1f} ms"
                      f"   non-2xx {sum(r['errors'] for r in runs)}")
            print(f"  capture / sandbox  requests/s {rates['capture'] / rates['sandbox']:.2f}x (target >= 0.9x)")
    finally:
        for process, _url in servers.values():
            process.terminate()
            process.wait()


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    main(*numbers)
