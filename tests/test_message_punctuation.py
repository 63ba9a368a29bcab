"""Messages read as sentences: no doubled stop where one sentence is put inside another
("nothing is listening there.. The event"), whatever went wrong."""

import re

import pytest

from console.engine import pipeline

DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)|\.\s\.")


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:9", "http://no-such-host.invalid"])
def test_a_failed_login_says_one_stop(ctx, base_url):
    ctx.secrets.set("synerise", "dev", "api_key", "k-123456")
    prepared = pipeline.prepare(ctx, pipeline.Draft("synerise", "custom", "dev", base_url=base_url))
    outcome = pipeline.send(ctx, prepared)
    error = outcome.exchange.error
    assert error.startswith("Login with the API key failed:") and not DOUBLED.search(error), error


def test_no_validation_message_of_the_rule_tables_doubles_a_stop(ctx):
    from tests.test_rules import ADVICE, ERRORS, changed

    for _name, vendor, operation, change, _path, _words in ERRORS + ADVICE:
        prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation, payload=changed(vendor, operation, change)))
        for issue in prepared.issues:
            assert not DOUBLED.search(issue.message), issue.message
