"""Every issue carries a stable code, and the front ends decide by it: an issue reworded
tomorrow still gets the window's "Add it in Profiles & keys" and the command line's hint."""

import re

from console.core.issue_codes import IssueCode, schema_code
from console.core.validation import Issue
from console.engine import pipeline

CODE = re.compile(r"^[a-z]+(\.[a-z_A-Z]+)+$")


def _all_issues(ctx):
    from tests.test_rules import ADVICE, ERRORS, changed

    for _name, vendor, operation, change, _path, _words in ERRORS + ADVICE:
        prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=changed(vendor, operation, change)))
        yield from prepared.issues


def test_every_issue_of_the_rule_tables_has_a_known_code(ctx):
    codes = {issue.code for issue in _all_issues(ctx)}
    assert codes, "the rule tables found no issues"
    known = {member.value for member in IssueCode}
    for code in codes:
        assert CODE.match(code), code
        assert code in known or code.startswith("schema."), code
    # The tables reach vendor rules and schema keywords alike.
    assert any(c.startswith("schema.") for c in codes) and any(c.split(".")[0] in ("synerise", "vibetrace", "mytracker")
                                                             for c in codes)


def test_codes_are_unique_and_their_text():
    values = [member.value for member in IssueCode]
    assert len(values) == len(set(values))
    assert IssueCode.SECRET_MISSING == "secret.missing" and str(IssueCode.SECRET_MISSING) == "secret.missing"
    assert schema_code("x-number") == "schema.number" and schema_code("maxItems") == "schema.maxItems"


def test_a_missing_key_is_told_by_its_code_not_its_words(ctx):
    prepared = pipeline.prepare(ctx, pipeline.Draft("octeth", "event", "dev", base_url="http://127.0.0.1:9"))
    assert [i.code for i in prepared.missing] == [IssueCode.SECRET_MISSING]
    # The hint depends on the code: the same issue in other words still gets it.
    reworded = prepared.missing[0]._replace(message="Key absent.")
    assert reworded.code == IssueCode.SECRET_MISSING


def test_an_issue_cannot_be_made_without_a_code():
    import pytest

    with pytest.raises(TypeError):
        Issue("error", "/x", "no code")  # type: ignore[call-arg]
