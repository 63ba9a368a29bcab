"""Variables, data-driven runs and matchers, as the contract gives them: `{{name}}` from a data
row, the case's `vars` and the profile's `var.NAME`, in that order; `suite run --data` over CSV
or JSON rows read as a stream; a vendor's 429 waited out; `--rate`; `$exists`, `$type`,
`$matches`."""

import json
import time
import tracemalloc

import junitparser
import pytest

from console.core.data_rows import RowsError, read_rows
from tests.servers import Reply

OCTETH_CASE = {"name": "signup", "vendor": "octeth", "operation": "event",
               "payload": {"ListID": "{{list}}", "event": "{{event}}", "email": "{{email}}"},
               "vars": {"event": "signup", "list": 1},
               "expect": {"status": 200}}


def write_case(folder, data, name="a.case.json"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data))
    return folder


@pytest.fixture
def octeth_profile(run_cli, recorder):
    assert run_cli("profile", "set", "octeth", "rec", f"base_url={recorder.url}").status == 0
    assert run_cli("secret", "set", "octeth", "rec", "api_key", stdin="k3y\n").status == 0
    return "rec"


def sent_bodies(recorder):
    return [json.loads(r.body) for r in recorder.requests]


def test_rows_give_variables_typed_by_the_schema_and_results_named_per_row(tmp_path, run_cli, recorder,
                                                                            octeth_profile):
    suite = write_case(tmp_path / "suite", OCTETH_CASE)
    rows = tmp_path / "rows.csv"
    rows.write_text("email,list\na@example.com,7\nb@example.com,8\n\nc@example.com,9\n")
    junit = tmp_path / "out.xml"
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data", str(rows), "--junit", str(junit))
    assert done.status == 0, done.out + done.err
    bodies = sent_bodies(recorder)
    assert [(b["email"], b["ListID"], b["event"]) for b in bodies] == [
        ("a@example.com", 7, "signup"), ("b@example.com", 8, "signup"), ("c@example.com", 9, "signup")]
    assert all(b["APIKey"] == "k3y" for b in bodies)
    assert "pass  signup [row 2]  (octeth.event" in done.out and "3 passed, 0 failed" in done.out
    names = [case.name for case in next(iter(junitparser.JUnitXml.fromfile(str(junit))))]
    assert names == ["signup [row 1]", "signup [row 2]", "signup [row 3]"]


def test_a_row_overrides_the_case_which_overrides_the_profile(tmp_path, run_cli, recorder, octeth_profile):
    assert run_cli("profile", "set", "octeth", "rec", "var.email=profile@example.com", "var.event=from-profile").status == 0
    suite = write_case(tmp_path / "suite", {**OCTETH_CASE, "vars": {"list": 2, "event": "from-case"}})
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps([{"list": 5}, {}]))
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data", str(rows), "--json")
    assert done.status == 0, done.out + done.err
    assert [(b["ListID"], b["event"], b["email"]) for b in sent_bodies(recorder)] == [
        (5, "from-case", "profile@example.com"), (2, "from-case", "profile@example.com")]
    assert [c["name"] for c in json.loads(done.out)["cases"]] == ["signup [row 1]", "signup [row 2]"]


def test_an_unknown_variable_is_an_error_that_says_where_to_give_it(run_cli, recorder):
    done = run_cli("send", "octeth", "event", "--base-url", recorder.url, "--set", "api_key=k", "--data", "-",
                   stdin='{"ListID": 1, "event": "e", "email": "{{who}}"}')
    assert done.status == 1 and not recorder.requests
    assert ("/email: {{who}} is not a variable of this send: give it in a data row, the case's \"vars\", or the "
            "profile (event-console profile set VENDOR PROFILE var.who=VALUE).") in done.err


def test_the_octeth_documents_own_variables_come_from_the_profile(run_cli, recorder, octeth_profile):
    """The Octeth document's example holds {{sessionid}} and {{user_apikey}}, Postman's variables."""
    assert run_cli("profile", "set", "octeth", "rec", "var.user_apikey=doc-k3y").status == 0
    done = run_cli("send", "octeth", "event", "--profile", "rec", "--json", "--data", "-",
                   stdin='{"APIKey": "{{user_apikey}}", "ListID": 94, "event": "test", "email": "2006@test.com"}')
    assert done.status == 0, done.err
    assert sent_bodies(recorder)[0]["APIKey"] == "doc-k3y"
    generated = json.loads(done.out)["generated"]
    assert generated[0]["token"] == "{{user_apikey}}" and generated[0]["source"] == "profile rec"
    assert generated[0]["value"] == "***" and "doc-k3y" not in done.out  # a key, masked as every key is


def test_a_variables_name_is_checked_when_it_is_set(run_cli):
    done = run_cli("profile", "set", "octeth", "rec", "var.9lives=1")
    assert done.status == 2 and "a variable's name is letters, digits" in done.err


def test_bad_data_files_are_usage_errors_naming_the_row(tmp_path, run_cli, recorder, octeth_profile):
    suite = write_case(tmp_path / "suite", OCTETH_CASE)
    cases = {"empty.csv": ("", "is empty"), "dup.csv": ("a,a\n1,2\n", "names each column once"),
             "wide.csv": ("email\nx@example.com,extra\n", "row 1 has 2 values, the header 1 columns"),
             "notobj.json": ('[{"email": "a@example.com"}, 3]', "row 2 is int, not an object"),
             "open.json": ('[{"email": "a@example.com"}', "the array is not closed (after row 1)"),
             "broken.json": ('[{"email": "a@example.com"}, {"email": }]', "row 2 is not JSON")}
    for name, (text, said) in cases.items():
        (tmp_path / name).write_text(text)
        done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data", str(tmp_path / name))
        assert done.status == 2 and said in done.err, (name, done.err)
    done = run_cli("suite", "run", str(suite), "--data", str(tmp_path / "missing.csv"))
    assert done.status == 2 and "cannot read" in done.err


def test_rows_are_read_in_constant_memory(tmp_path):
    def peak(count: int, suffix: str) -> int:
        path = tmp_path / f"rows-{count}{suffix}"
        with path.open("w") as out:
            if suffix == ".csv":
                out.write("email,list\n")
                out.writelines(f"user{i}@example.com,{i}\n" for i in range(count))
            else:
                out.write("[" + ",".join(json.dumps({"email": f"user{i}@example.com", "list": i})
                                         for i in range(count)) + "]")
        tracemalloc.start()
        seen = sum(1 for _ in read_rows(path))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert seen == count
        return top

    for suffix in (".csv", ".json"):
        small, large = peak(10_000, suffix), peak(200_000, suffix)
        assert large < small * 1.2 + 16 * 1024, (suffix, small, large)  # not twenty times the memory


def test_a_json_row_split_across_reads_is_read_whole(tmp_path, monkeypatch):
    import console.core.data_rows as data_rows

    monkeypatch.setattr(data_rows, "CHUNK", 7)
    path = tmp_path / "rows.json"
    rows = [{"email": f"long-address-{i}@example.com", "n": 12345678 + i, "nested": {"a": [1, 2]}} for i in range(20)]
    path.write_text(" [\n" + ",\n".join(json.dumps(r) for r in rows) + "\n] \n")
    assert list(read_rows(path)) == rows
    (tmp_path / "tail.json").write_text('[{"a": 1}] x')
    with pytest.raises(RowsError, match="text follows the array's end"):
        list(read_rows(tmp_path / "tail.json"))


def test_a_429_with_retry_after_is_waited_out_and_sent_again(tmp_path, run_cli, recorder, octeth_profile):
    recorder.queue = [Reply(status=429, body=b'{"error": "slow down"}', headers={"Retry-After": "1"})]
    suite = write_case(tmp_path / "suite", OCTETH_CASE)
    started = time.monotonic()
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data",
                   str(_rows(tmp_path, [{"email": "a@example.com"}])), "--json")
    took = time.monotonic() - started
    assert done.status == 0, done.out + done.err
    assert len(recorder.requests) == 2 and took >= 0.9
    history = json.loads(run_cli("history", "--json").out)
    assert [h["status"] for h in history] == [200, 429]  # both sends are in history


def test_a_long_retry_after_is_not_waited_and_the_case_fails_with_it(tmp_path, run_cli, recorder, octeth_profile):
    recorder.reply = Reply(status=429, body=b"{}", headers={"Retry-After": "3600"})
    suite = write_case(tmp_path / "suite", OCTETH_CASE)
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data",
                   str(_rows(tmp_path, [{"email": "a@example.com"}])))
    assert done.status == 1 and len(recorder.requests) == 1
    assert "expected status 200, got 429" in done.out


def test_rate_paces_the_sends(tmp_path, run_cli, recorder, octeth_profile):
    suite = write_case(tmp_path / "suite", OCTETH_CASE)
    rows = _rows(tmp_path, [{"email": f"u{i}@example.com"} for i in range(6)])
    started = time.monotonic()
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--data", str(rows), "--rate", "10")
    assert done.status == 0, done.out
    assert time.monotonic() - started >= 0.5  # six sends, a tenth of a second apart
    for bad in ("0", "-1", "fast", "inf"):
        refused = run_cli("suite", "run", str(suite), "--rate", bad)
        assert refused.status == 2 and "is not a rate" in refused.err


def _rows(tmp_path, rows):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows))
    return path


@pytest.mark.parametrize("matcher, passes, reason", [
    ({"/Status": {"$exists": True}}, True, ""),
    ({"/Nothing": {"$exists": False}}, True, ""),
    ({"/Nothing": {"$exists": True}}, False, "expected /Nothing to exist, got nothing"),
    ({"/Status": {"$type": "string"}}, True, ""),
    ({"/Status": {"$type": "integer"}}, False, 'expected /Status to be integer, got "OK" (string)'),
    ({"/Count": {"$type": "number"}}, True, ""),
    ({"/Status": {"$matches": "^O"}}, True, ""),
    ({"/Status": {"$matches": "^X"}}, False, "expected /Status to match '^X', got \"OK\""),
    ({"/Status": "OK"}, True, ""),
])
def test_matchers(tmp_path, run_cli, recorder, octeth_profile, matcher, passes, reason):
    recorder.reply = Reply(status=200, body=b'{"Status": "OK", "Count": 3}')
    suite = write_case(tmp_path / "suite", {**OCTETH_CASE, "payload": {**OCTETH_CASE["payload"], "email": "a@example.com"},
                                            "expect": {"status": 200, "body": matcher}})
    done = run_cli("suite", "run", str(suite), "--profile", "rec", "--json")
    (case,) = json.loads(done.out)["cases"]
    assert case["passed"] is passes and (case["reason"] or "") == reason


@pytest.mark.parametrize("matcher, said", [
    ({"$exist": True}, "$exist is not a matcher; they are $exists, $type, $matches"),
    ({"$type": "text"}, "$type takes one of string, number, integer, boolean, object, array, null"),
    ({"$matches": "("}, "$matches '(' is not a regular expression"),
    ({"$exists": "yes"}, "$exists takes true or false"),
])
def test_a_malformed_matcher_is_a_malformed_case(tmp_path, run_cli, matcher, said):
    suite = write_case(tmp_path / "suite", {**OCTETH_CASE, "expect": {"body": {"/Status": matcher}}})
    done = run_cli("suite", "run", str(suite))
    assert done.status == 1 and said in done.out
