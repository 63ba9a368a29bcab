"""The command line's sends as whole processes, interleaved with their baselines, same
interpreter: (a) `event-console send octeth event --dry-run` (sandbox profile) versus
`python -c "import requests"`; (b) a real send to a server on 127.0.0.1 versus a bare
requests script posting the same bytes there. Target: each at most 1.3x.

The real send's figure depends on a second core being free: the payload is checked in a forked
child while the HTTP library loads (console.core.forked), so a busy host moves it more than the
baseline's; it prints the fastest runs beside the medians for that reason.

Run: python bench/cli_send.py [runs]   (31 by default)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline_overhead import Handler  # noqa: E402 - the same small JSON server


def wall(argv, env) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    return (time.perf_counter() - start) * 1000


def main(runs: int = 31) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    home = tempfile.mkdtemp(prefix="bench-cli-send-")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EVENT_CONSOLE_HOME": home,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    payload = json.dumps({"ListID": 1, "event": "signup", "email": "a@example.com"})
    payload_file = Path(home) / "payload.json"
    payload_file.write_text(payload)
    pairs = {
        "dry run": ([sys.executable, "-m", "console", "send", "octeth", "event", "--dry-run"],
                    [sys.executable, "-c", "import requests"]),
        "real send": ([sys.executable, "-m", "console", "send", "octeth", "event", "--base-url", url,
                       "--set", "api_key=k", "--data", str(payload_file)],
                      [sys.executable, "-c", f"import requests; requests.post({url + '/api/v1/event'!r}, "
                                             f"data={json.dumps({**json.loads(payload), 'APIKey': 'k'})!r}.encode(), headers={{'Content-Type': 'application/json'}})"]),
    }
    print(f"runs: {runs}, interleaved")
    for name, (ours, baseline) in pairs.items():
        wall(ours, env), wall(baseline, env)  # warm the file cache
        a, b = [], []
        for _ in range(runs):
            a.append(wall(ours, env))
            b.append(wall(baseline, env))
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:10} event-console {ma:6.1f} ms, baseline {mb:6.1f} ms: {ma / mb:.2f}x (target <= 1.3x); "
              f"fastest {min(a):.1f} vs {min(b):.1f} ms ({min(a) / min(b):.2f}x)")
    server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 31)
