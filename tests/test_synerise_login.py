"""Synerise with an API key: log in, keep the JWT in memory, log in again once on 401."""

from console.engine import pipeline


def sandbox_of(ctx):
    return ctx.sandbox  # started already by the send


def test_api_key_logs_in_once_and_reuses_the_token(ctx):
    draft = pipeline.Draft("synerise", "custom")
    first = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert first.exchange.response.status == 202
    tokens = dict(sandbox_of(ctx).state.tokens)
    assert len(tokens) == 1
    token = next(iter(tokens))
    # The token never shows: the stored request carries a mask.
    assert token not in first.exchange.request.headers["Authorization"]
    assert first.exchange.request.headers["Authorization"] == "Bearer ***"
    second = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert second.exchange.response.status == 202
    assert len(sandbox_of(ctx).state.tokens) == 1


def test_expired_token_is_refreshed_once(ctx):
    draft = pipeline.Draft("synerise", "batch")
    pipeline.send(ctx, pipeline.prepare(ctx, draft))
    sandbox_of(ctx).state.expire_tokens()
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert outcome.exchange.response.status == 202
    assert len(sandbox_of(ctx).state.tokens) == 2


def test_wrong_api_key_reports_the_failed_login(ctx):
    draft = pipeline.Draft("synerise", "custom", overrides={"api_key": "wrong"})
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert outcome.exchange.response.status == 401
    assert outcome.exchange.error.startswith("Login with the API key failed")
    assert "wrong" not in outcome.exchange.request.body.decode()
    row = ctx.history.get(outcome.history_id)
    assert row.status == 401 and "Login" in row.error


def test_a_given_jwt_is_used_as_is_and_not_refreshed(ctx):
    draft = pipeline.Draft("synerise", "custom", overrides={"jwt": "not-a-valid-token"})
    outcome = pipeline.send(ctx, pipeline.prepare(ctx, draft))
    assert outcome.exchange.response.status == 401
    assert sandbox_of(ctx).state.tokens == {}
    assert "expired" in outcome.explanation
