"""One walk over every operation: example → validation → sandbox → 2xx → history."""

import json

import pytest

from console.engine import pipeline
from tests.test_definitions import ALL_OPERATIONS


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_example_goes_through_the_whole_pipeline(ctx, vendor, operation):
    before = ctx.history.count()
    prepared = pipeline.prepare(ctx, pipeline.Draft(vendor, operation))
    assert prepared.missing == ()
    assert prepared.errors == []
    outcome = pipeline.send(ctx, prepared)
    exchange = outcome.exchange
    assert exchange.error is None
    assert 200 <= exchange.response.status < 300, exchange.response.text()
    assert ctx.history.count() == before + 1
    row = ctx.history.get(outcome.history_id)
    assert (row.vendor, row.operation, row.profile) == (vendor, operation, "sandbox")
    assert row.status == exchange.response.status
    assert json.loads(row.payload) == prepared.payload
