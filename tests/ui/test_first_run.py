"""A first run that teaches: the window opens on the simplest operation with a first-steps strip
that, once dismissed, stays away; VibeTrace's preview reads the decoded events first; history
gets a fair share of the height and keeps the share the user gives it."""


from PySide6.QtCore import Qt

from tests.helpers.window import choose, named


def test_a_first_run_opens_on_the_simplest_operation_with_first_steps(qtbot, make_window, tmp_path):
    window = make_window(home=tmp_path / "home")
    assert (named(window, "Vendor").currentData(), named(window, "Operation").currentData()) == ("octeth", "event")
    strip = named(window, "First steps")
    assert strip.isVisible() and strip.text().startswith("First steps: 1. Send the example to the sandbox (Ctrl+Enter): nothing leaves")
    assert strip.accessibleDescription() == strip.text()
    qtbot.mouseClick(named(window, "Dismiss first steps"), Qt.MouseButton.LeftButton)
    assert not strip.isVisible()
    window.close()
    again = make_window(home=tmp_path / "home")
    assert not named(again, "First steps").isVisible()  # dismissed once, for good


def test_vibetraces_preview_reads_the_decoded_events_first(qtbot, window):
    choose(window, "vibetrace", "track")
    preview = named(window, "Request preview").toPlainText()
    first, _, rest = preview.partition("\nAs sent:\n")
    assert first.startswith("Query parameters (decoded, for reading):\n  data = [")
    assert '"type": "confirmation"' in first
    assert rest.startswith("GET http://127.0.0.1:") and "data=%5B%7B" in rest


def test_history_gets_a_fair_share_and_keeps_the_one_given(qtbot, make_window, tmp_path):
    window = make_window(home=tmp_path / "home")
    window.resize(1366, 768)
    qtbot.wait(50)
    history_list = named(window, "History")
    assert history_list.height() >= 120, history_list.height()  # rows to read, not a sliver
    sizes = window.right_split.sizes()
    window.right_split.setSizes([sizes[0], sizes[1] - 60, sizes[2] + 60])
    kept = window.right_split.sizes()
    window.close()
    again = make_window(home=tmp_path / "home")
    again.resize(1366, 768)
    qtbot.wait(50)
    assert again.right_split.sizes() == kept
