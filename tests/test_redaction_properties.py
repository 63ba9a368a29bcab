"""Property-based: whatever request a backend sends, with a credential wherever one may stand
(a query parameter, a header, a JSON field at any depth, a form field, a body that is broken
JSON or not UTF-8), capture writes no byte of it: not in history, its WAL, or a journal."""

import json
import tempfile
from pathlib import Path
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.definitions import vendors
from console.core.history.store import HistoryStore
from console.core.redact import (
    redact_body,
    redact_headers,
    redact_json_text,
    redact_text,
    redact_url,
)
from console.core.secrets import SecretStore
from console.engine.capture import Capture
from console.engine.context import AppContext
from tests.memory_keyring import MemoryKeyring

# Names a backend really uses for credentials (written out here, not read from the module
# under test, so that a name the module forgets fails the test).
FIELD_NAMES = ["token", "apiKey", "api_key", "access_token", "APIKey", "SessionID", "jwt", "password",
               "tracker_key", "secret", "client_secret", "auth_token", "apikey", "refresh_token", "x-api-key"]
HEADER_NAMES = ["Authorization", "X-Api-Key", "X-Auth-Token", "X-Session-Id", "Cookie", "Api-Key",
                "X-Upstream-Credential", "Proxy-Authorization", "X-Client-Secret", "X-Access-Token"]
PATHS = sorted({f"/{v}{op.request.path}".replace("{account_id}", "5").replace("{event_path_type}", "x")
                .replace("{event_type}", "recommendation.view") for v, d in vendors().items()
                for op in d.operations.values()} | {"/other/place", "/synerise/v9/x", "/"})
CANARY = "K9canary7Q"

secret_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
                        min_size=6, max_size=30).map(lambda s: CANARY + s)
json_leaf = st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none())


@st.composite
def requests_with_a_canary(draw):
    secret = draw(secret_values)
    path = draw(st.sampled_from(PATHS))
    method = draw(st.sampled_from(["GET", "POST"]))
    query, headers, body = [("x", "1")], [("Content-Type", "application/json")], b""
    place = draw(st.sampled_from(["query", "header", "json", "form", "broken-json", "not-utf8"]))
    name = draw(st.sampled_from(FIELD_NAMES))
    if place == "query":
        query.append((name, secret))
    elif place == "header":
        header = draw(st.sampled_from(HEADER_NAMES))
        headers.append((header, draw(st.sampled_from(["", "Bearer ", "Basic "])) + secret))
    elif place == "json":
        node = {name: secret}
        for _ in range(draw(st.integers(0, 4))):
            node = draw(st.sampled_from([lambda n: {"data": n}, lambda n: [n, 1], lambda n: {"params": [n]}]))(node)
        extra = draw(st.dictionaries(st.sampled_from(["event", "ListID", "email", "x"]), json_leaf, max_size=3))
        body = json.dumps({**extra, "wrap": node} if draw(st.booleans()) else node).encode()
    elif place == "form":
        headers = [("Content-Type", "application/x-www-form-urlencoded")]
        body = f"a=1&{quote(name)}={quote(secret)}&b=2".encode()
    elif place == "broken-json":
        body = f'{{"event": "x", "{name}": "{secret}", '.encode()
    else:
        body = f'{{"{name}":"{secret}","x":"'.encode() + b"\xff\xfe\x80" + b'"}'
    target = path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query)
    return method, target, headers, body, secret


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests_with_a_canary())
def test_no_credential_of_a_captured_request_reaches_the_disk(request):
    method, target, headers, body, secret = request
    with tempfile.TemporaryDirectory() as home:
        ctx = AppContext(home=Path(home), secrets=SecretStore(MemoryKeyring()))
        capture = Capture(ctx)
        try:
            answer = capture.handle(method, target, "127.0.0.1:8766", headers, body)
            assert 100 <= answer.status < 500 or answer.status == 502
        finally:
            capture.close()
            ctx.close()
        store = HistoryStore(Path(home))
        try:
            assert len(store.recent(10)) == 1  # recorded, whatever it was
        finally:
            store.close()
        for path in Path(home).rglob("*"):
            if path.is_file():
                assert CANARY.encode() not in path.read_bytes(), (path.name, place_of(request))


def place_of(request):
    method, target, headers, body, _ = request
    return method, target, headers, body[:200]


@given(st.text(max_size=200), st.binary(max_size=200), st.lists(st.tuples(st.text(max_size=20),
                                                                         st.text(max_size=40)), max_size=5))
@settings(max_examples=300, deadline=None)
def test_redaction_never_raises_on_any_input(text, data, headers):
    redact_text(text)
    redact_url(text)
    redact_body(data)
    redact_body(text.encode("utf-8", "surrogatepass"), "application/x-www-form-urlencoded")
    redact_headers(headers)


# -- the text check before the walk: the same answer as the walk alone ----------------------------

json_keys = st.one_of(st.sampled_from([*FIELD_NAMES, "event", "data", "p\\u0061ssword", "a\"b", "sessionId", ""]),
                      st.text(max_size=6))
json_strings = st.one_of(st.text(max_size=10), st.sampled_from(["eyJhbGciOi.eyJzdWIiOi.sig", "***", "a\"b:c",
                                                                 '"token": "x"', "\\", "Bearer abcdefgh"]))
json_values = st.recursive(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), json_strings),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(json_keys, inner, max_size=4)),
                           max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(json_values, st.booleans(), st.booleans())
def test_the_text_check_changes_no_answer(value, ascii_only, spaced):
    """redact_json_text asks the text first whether anything could be masked; whatever the JSON
    (keys and strings with escapes, JWTs, masks, nesting), it answers what walking the value answers."""
    from console.core import redact

    text = json.dumps(value, ensure_ascii=ascii_only, separators=(", ", " : ") if spaced else (",", ":"))
    walked, found = redact.redact_json_value(json.loads(text))
    expected = text if not found else json.dumps(walked, ensure_ascii=False, separators=(",", ":"))
    assert redact.redact_json_text(text) == expected
    keys: list[str] = []
    json.loads(text, object_hook=lambda obj: keys.extend(obj) or obj)
    if redact._nothing_to_mask(text, keys):
        assert not found


def test_the_text_check_sees_what_the_walk_masks():
    """A credential-named key however it is written, a JWT, and deep nesting are left to the walk."""
    from console.core.redact import _nothing_to_mask

    assert _nothing_to_mask('{"event": "x", "params": {"a": [1, "b"]}}', ["event", "params", "a"])
    assert not _nothing_to_mask('{"event": "x", "params": {"apiKey" : "k"}}', ["event", "params", "apiKey"])
    assert not _nothing_to_mask('{"a": "eyJhbGciOi.eyJzdWIiOi.sig"}', ["a"])
    escaped_jwt = '{"a": "\\u0065yJhbGciOi.\\u0065yJzdWIiOi.sig"}'
    assert not _nothing_to_mask(escaped_jwt, ["a"])
    assert redact_text("eyJhbGciOi.eyJzdWIiOi.sig") in json.loads(redact_json_text(escaped_jwt))["a"]
    assert not _nothing_to_mask("[" * 201 + "]" * 201, [])
    assert redact_json_text('{"p\\u0061ssword": "k", "token-like": "\\"apiKey\\": 1"}') == '{"password":"***","token-like":"\\"apiKey\\": 1"}'


def test_free_text_skips_its_patterns_only_when_none_could_match(monkeypatch):
    """redact_text looks for a separator, a scheme or a JWT's start before running its patterns;
    over texts made of what the patterns look for, it answers what running them answers."""
    from hypothesis import given as given_
    from hypothesis import settings as settings_

    from console.core import redact

    pieces = st.sampled_from(["token", "=", ":", " ", "Bearer ", "basic ", "BEARER ", "Basic ", "eyJhbGciOi.eyJzdWIiOi.s",
                              "abcdefgh", "apiKey", '"', "://", "&", "x"])

    @settings_(max_examples=500, deadline=None)
    @given_(st.lists(pieces, max_size=8).map("".join))
    def check(text):
        with monkeypatch.context() as patched:
            patched.setattr(redact, "_may_hold_credential", lambda _text: True)
            expected = redact.redact_text(text)
        assert redact.redact_text(text) == expected

    check()


har_bodies = st.one_of(json_values.map(json.dumps), st.sampled_from(
    ["a=1&token=abc", "a=1&b=2", '{"apiKey": "k"}', '{"x": "\udcff", "token": "t"}', '{"x": "\udcff"}', "not json",
     '{"p": "eyJhbGciOi.eyJzdWIiOi.sig"}', "Bearer abcdefgh", "\udcff=1&secret=2"]))


@settings(max_examples=300, deadline=None)
@given(har_bodies)
def test_an_imported_payload_is_masked_as_if_read_alone(body):
    """An imported HAR request's payload is its body's text: masked once with the body when the
    body needed nothing, and always as redact_json_text would mask it alone."""
    from console.core.history.export import _Checked, _record_from_har

    entry = {"request": {"method": "POST", "url": "https://api.synerise.com/v4/events/custom",
                         "headers": [], "postData": {"mimeType": "application/json", "text": body}}}
    record = _record_from_har(_Checked(entry, "Entry 1"))
    assert record.payload == redact_json_text(body)
    assert record.request_body == redact_body(body.encode("utf-8", "surrogatepass"))
