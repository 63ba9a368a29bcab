"""Issue counts beside every exchange (schema 5): counted when written, counted by the
migration for rows written before (the SQL and the Python agree, whatever a row's issues
hold), shown as a mark on every list and found by the "with errors / with warnings" filter."""

import json
import sqlite3

from console.core.history.entry import issue_counts
from console.core.history.records import HistoryFilter
from console.core.history.schema import MIGRATIONS
from console.core.history.store import HistoryStore
from tests.test_send_accounting import run

E = {"severity": "error", "path": "/x", "message": "m"}
W = {"severity": "warning", "path": "", "message": "w"}
SAMPLES = [[], [E], [W], [E, E, W], [W, W], "not json", '{"severity": "error"}', [{"severity": 5}], [1, "x"]]


def old_history(home):
    """A version-4 history file with a row per sample of `issues`."""
    home.mkdir()
    db = sqlite3.connect(home / "history.sqlite3")
    for version, script in enumerate(MIGRATIONS[:4], 1):
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version={version}")
    for n, issues in enumerate(SAMPLES, 1):
        text = issues if isinstance(issues, str) else json.dumps(issues)
        db.execute("INSERT INTO exchanges (id, time, vendor, operation, profile, method, url, issues, outcome) "
                   "VALUES (?, '2026-01-01T00:00:00', 'octeth', 'event', 'p', 'POST', 'http://x', ?, 'answered')",
                   (n, text))
        db.execute("INSERT INTO exchange_bodies (id, request_headers, request_body, settings) VALUES (?, '{}', x'', '{}')",
                   (n,))
    db.commit()
    db.close()


def test_the_migration_counts_as_python_does(tmp_path):
    old_history(tmp_path / "home")
    store = HistoryStore(tmp_path / "home")
    try:
        rows = {e.id: e for e in store.page(None, 100)}
        for n, issues in enumerate(SAMPLES, 1):
            expected = issue_counts(issues if isinstance(issues, list) else [])
            assert (rows[n].errors, rows[n].warnings) == expected, issues
        with_errors = {e.id for e in store.page(None, 100, filters=HistoryFilter(issues="errors"))}
        with_warnings = {e.id for e in store.page(None, 100, filters=HistoryFilter(issues="warnings"))}
        assert with_errors == {2, 4} and with_warnings == {3, 4, 5}
    finally:
        store.close()


def test_the_command_line_shows_the_marks(tmp_path):
    old_history(tmp_path / "old")
    listed = run(tmp_path / "old", "history")
    assert listed.returncode == 0
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "✖ 2 errors, ⚠ 1 warning" in lines["#4"] and "✖" not in lines["#1"] and "⚠ 2 warnings" in lines["#5"]
