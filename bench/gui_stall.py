"""GUI-thread stalls: a 10 ms heartbeat timer measures the worst gap between its ticks
(a) while 20 sends wait on a sandbox that answers after 2 s, and (b) while a 50 MB response
arrives and is shown, "Show all" included. Target: no gap over 50 ms.

Run: QT_QPA_PLATFORM=offscreen python bench/gui_stall.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402

from console.core.context import AppContext  # noqa: E402
from console.core.secrets import SecretStore  # noqa: E402
from console.ui.application import application  # noqa: E402
from console.ui.main_window import MainWindow  # noqa: E402
from tests.memory_keyring import MemoryKeyring  # noqa: E402
from tests.servers import RecordingServer, Reply  # noqa: E402


class Heartbeat:
    def __init__(self):
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self.tick)
        self.last = None
        self.worst = 0.0

    def start(self):
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()

    def tick(self):
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self.last) * 1000)
        self.last = now


def pump(app, until, timeout):
    end = time.monotonic() + timeout
    while not until() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    return until()


def main():
    app = application()
    ctx = AppContext(home=Path(tempfile.mkdtemp(prefix="bench-stall-")), secrets=SecretStore(MemoryKeyring()))
    window = MainWindow(ctx)
    window.show()
    pump(app, lambda: window._started, 5)
    # Let the start-up warm-up (schemas, the HTTP library) finish, as it has for a user who
    # has had the window open for a moment.
    pump(app, lambda: False, 2)
    beat = Heartbeat()

    # (a) 20 sends waiting on a slow sandbox.
    window.vendor.setCurrentIndex(window.vendor.findData("mytracker"))
    window.validate_now()
    ctx.sandbox_url()
    ctx._sandbox.delay = 2.0
    done = []
    window.sender.finished.connect(lambda result: done.append(result))
    beat.start()
    for _ in range(20):
        window.sender.start(window.prepared)
    window.send()  # one through the window itself, with its busy indicator
    pump(app, lambda: len(done) >= 21, 30)
    slow_worst = beat.worst
    ctx._sandbox.delay = 0.0

    # (b) a 50 MB answer.
    server = RecordingServer(reply=Reply(stream_bytes=50 * 1024 * 1024, content_type="application/json"))
    ctx.profiles.update("mytracker", "big", {"base_url": server.url, "app_id": "1"})
    ctx.secrets.set("mytracker", "big", "token", "t")
    window._fill_profiles("big")
    window.validate_now()
    beat.start()
    window.send()
    pump(app, lambda: window.job is None and window.response.status.text().startswith("200"), 60)
    arrive_worst = beat.worst
    beat.start()
    window.response.show_all.click()
    pump(app, lambda: not window.response._slicer.isActive(), 60)
    all_worst = beat.worst
    shown = len(window.response.body.toPlainText())

    print(f"(a) 21 sends waiting 2 s on the sandbox: worst GUI gap {slow_worst:.1f} ms (target <= 50 ms)")
    print(f"(b) 50 MB answer received (5 MB kept) and shown: worst GUI gap {arrive_worst:.1f} ms (target <= 50 ms)")
    print(f"(c) 'Show all' loading {shown:,} characters: worst GUI gap {all_worst:.1f} ms (target <= 50 ms)")
    window.close()
    server.stop()


if __name__ == "__main__":
    main()
