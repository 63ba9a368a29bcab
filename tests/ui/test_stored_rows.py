"""No stored row may crash the window: a row with every field of the wrong type (as a foreign
tool or an older bug could leave it) is listed and shown."""

from tests.helpers.window import named
from tests.test_send_accounting import insert_bad_row


def test_window_starts_and_shows_a_malformed_stored_row(make_window, tmp_path, qtbot):
    home = tmp_path / "home"
    home.mkdir()
    insert_bad_row(home)
    window = make_window(home=home)
    history = named(window, "History")
    qtbot.waitUntil(lambda: history.model().rowCount() == 1, timeout=5000)
    history.setCurrentIndex(history.model().index(0, 0))
    qtbot.waitUntil(lambda: "mytracker" in named(window, "Response status").text()
                    or window.isVisible(), timeout=2000)
    assert "mytracker/login" in history.model().index(0, 0).data()


def test_window_says_when_a_damaged_history_was_set_aside(make_window, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "history.sqlite3").write_bytes(b"not a database" * 300)
    window = make_window(home=home)
    banner = window.history_banner
    assert banner.isVisible() and "damaged" in banner.text() and "history.sqlite3.damaged-" in banner.text()
    assert list(home.glob("history.sqlite3.damaged-*"))
