"""One type for a recorded exchange: one status label everywhere (panel, command line,
exports, diff), the exchange it was, and where it came from."""

import json

from console.core.diff import compare
from console.core.history.entry import HistoryEntry
from console.core.history.export import read_import, to_curl_commands, to_har, to_json_export
from console.engine import pipeline


def cancelled_but_answered(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("mytracker", "login"))
    outcome = pipeline.send(ctx, prepared, cancelled=lambda: True)
    return ctx.history.get(outcome.history_id)


def test_a_cancelled_send_answered_200_is_cancelled_everywhere(ctx, run_cli):
    from console.ui.history.model import describe_row

    entry = cancelled_but_answered(ctx)
    assert entry.status == 200 and entry.status_label == "cancelled"
    assert "cancelled" in describe_row(entry)
    assert "  cancelled  " in run_cli("history").out
    assert json.loads(run_cli("history", "--json").out)[0]["status_label"] == "cancelled"
    assert "→ cancelled" in to_curl_commands([entry])
    other = ctx.history.get(pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("mytracker", "login"))).history_id)
    assert compare(entry, other).status == ("cancelled", "200")


def test_history_json_carries_source_and_issues(run_cli, tmp_path):
    run_cli("send", "mytracker", "login", "--data", "-", stdin='{"customUserId": "1", "customUserID": "x"}')
    (item,) = json.loads(run_cli("history", "--json").out)
    assert item["source"] == "cli"
    assert item["issues"] and item["issues"][0]["severity"] == "warning"
    assert {"id", "time", "vendor", "operation", "profile", "method", "url", "status", "error",
            "elapsed_ms", "source", "issues"} <= set(item)
    export = tmp_path / "h.json"
    run_cli("history", "export", "--format", "json", "--output", str(export))
    from tests.test_send_accounting import run

    other = tmp_path / "other-home"  # imported where it is not already (in its own, it is recognised)
    assert run(other, "history", "import", str(export)).returncode == 0
    newest = json.loads(run(other, "history", "--json", "--limit", "1").stdout)[0]
    assert newest["source"] == "import" and newest["issues"] == item["issues"]


def test_an_entry_is_the_exchange_it_recorded(ctx, recorder):
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, pipeline.Draft("octeth", "event", base_url=recorder.url)))
    exchange = ctx.history.get(outcome.history_id).to_exchange()
    assert (exchange.request.method, exchange.request.url, exchange.request.body) == \
           (outcome.exchange.request.method, outcome.exchange.request.url, outcome.exchange.request.body)
    assert (exchange.response.status, exchange.response.body) == (200, outcome.exchange.response.body)


def test_an_entry_made_from_a_malformed_row_has_the_right_types():
    entry = HistoryEntry.from_row({"id": 3, "time": 5, "vendor": None, "operation": "x", "profile": b"p",
                                   "method": "GET", "url": 1.5, "status": "abc", "elapsed_ms": "slow",
                                   "forced": "yes", "issues": "[{\"severity\": 1}]", "request_headers": "[1]"})
    assert (entry.time, entry.vendor, entry.status, entry.elapsed_ms, entry.forced) == ("5", "", None, None, False)
    assert entry.request_headers == {} and entry.issues == ({"severity": "1", "path": "", "message": ""},)
    assert entry.status_label == "no answer"


def test_exports_carry_the_source(ctx):
    entry = cancelled_but_answered(ctx)
    har = to_har([entry])
    assert har["log"]["entries"][0]["_eventConsole"]["source"] == "cli"
    (record,), _ = read_import(to_json_export([entry]))
    assert record.source == "import"
