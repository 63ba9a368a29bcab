"""Pipeline overhead: `send` of a small event through the core (validate, build, send, record
in history) against a loopback server, versus a bare requests.Session.post of the same bytes,
in the same process, interleaved. Target: at most 2 ms added per request at the median.

Run: python bench/pipeline_overhead.py [rounds]
"""

import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from console.core.secrets import SecretStore  # noqa: E402
from console.engine import pipeline  # noqa: E402
from console.engine.context import AppContext  # noqa: E402


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffer the answer so headers and body leave in one write (no Nagle/delayed-ACK stall).
    wbufsize = -1

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"message": "OK"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main(rounds: int = 400) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    ctx = AppContext(home=home, secrets=SecretStore(backend=None))
    draft = pipeline.Draft("mytracker", "customEvent", base_url=url)
    first = pipeline.prepare(ctx, draft)
    spec = first.spec
    session = requests.Session()
    # Warm up both paths (imports, schema compilation, connection pool, database).
    for _ in range(20):
        _ = session.post(spec.url, data=spec.body, headers=spec.headers, timeout=5).content
        pipeline.send(ctx, pipeline.prepare(ctx, draft))
    bare, core = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        _ = session.post(spec.url, data=spec.body, headers=spec.headers, timeout=5).content
        bare.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        pipeline.send(ctx, pipeline.prepare(ctx, draft))
        core.append((time.perf_counter() - t) * 1000)
    b, c = statistics.median(bare), statistics.median(core)
    print(f"rounds: {rounds}")
    print(f"bare requests.Session.post  median {b:.3f} ms")
    print(f"core prepare+send+history   median {c:.3f} ms")
    print(f"added at the median: {c - b:.3f} ms (target <= 2 ms)")
    print(f"history rows written: {ctx.history.count()}")
    ctx.close()
    server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
