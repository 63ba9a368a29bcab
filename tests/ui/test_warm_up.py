"""The window's warm-up, after it is ready: what it leaves behind."""

import gc

import pytest

from console.fast_start import SWITCH


@pytest.mark.parametrize("switch, frozen", [("1", True), ("-gc_freeze", False), ("0", False)])
def test_the_warm_up_freezes_start_ups_objects_out_of_the_collector_as_the_switch_says(
        make_window, qtbot, monkeypatch, switch, frozen):
    """With console.fast_start's gc_freeze on, what start-up made is out of the collector's
    reach once the warm-up is done, so no full collection walks it while the user works."""
    monkeypatch.setenv(SWITCH, switch)
    gc.unfreeze()
    window = make_window()
    assert gc.get_freeze_count() == 0  # ready, not yet warmed up: nothing frozen
    qtbot.waitUntil(lambda: window.controller.startup.warmed_up, timeout=20000)
    assert (gc.get_freeze_count() > 0) is frozen
