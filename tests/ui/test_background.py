"""The GUI thread never waits for history's write lock: while another thread runs a long
write, the window keeps listing, searching and updating its buttons without a pause."""

import gc
import threading
import time

from PySide6.QtCore import QTimer

from tests.history_data import make_records


def test_a_long_write_elsewhere_never_holds_up_the_window(make_window, tmp_path, qtbot):
    from console.core.history import HistoryStore

    home = tmp_path / "home"
    seed = HistoryStore(home)
    seed.record_many(make_records(30_000, seed=7))
    seed.close()
    window = make_window(home=home)
    store = window.ctx.history
    panel = window.history
    writing = threading.Event()
    done = threading.Event()

    def long_write():
        writing.set()
        started = time.perf_counter()
        store.delete(None)  # every row copied to the undo area and deleted: one long transaction
        store.undo_delete()
        done.took = time.perf_counter() - started
        done.set()

    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        panel.apply_filters()  # reads the list's first page, the undo state, the buttons

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    writer = threading.Thread(target=long_write)
    # The garbage collector's pauses (the test suite leaves many objects) are not waits for
    # the write lock, which is what this measures: keep them out of the figures.
    gc.collect()
    gc.disable()
    try:
        timer.start()
        writer.start()
        qtbot.waitUntil(done.is_set, timeout=60_000)
        timer.stop()
        writer.join()
    finally:
        gc.enable()
    during = gaps[1:]
    assert len(during) > 20, "the write was too short to measure anything"
    assert done.took > 0.3, f"the write took only {done.took:.3f} s"
    assert max(during) <= 0.050, f"the GUI thread waited {max(during) * 1000:.0f} ms (writer took {done.took:.2f} s)"
