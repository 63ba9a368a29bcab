"""The one transport: every fault becomes an Exchange with an error; bodies are capped."""

import pytest

from console.core.exchange import RequestSpec, unwrap_jsonp
from console.core.transport import Transport
from tests.servers import Reply, refused_url


@pytest.fixture
def transport():
    t = Transport(connect_timeout=2, read_timeout=2, body_cap=1024 * 1024)
    yield t
    t.close()


def test_answer_is_kept_with_its_details(transport, recorder):
    recorder.reply = Reply(status=201, body=b'{"a": 1}')
    exchange = transport.send(RequestSpec("POST", recorder.url + "/p?q=1", {"X-Test": "1"}, b"{}"))
    assert exchange.error is None and exchange.response.status == 201
    assert exchange.response.json() == {"a": 1}
    assert exchange.response.size == 8 and not exchange.response.truncated
    assert exchange.request.headers["X-Test"] == "1" and exchange.request.body == b"{}"
    assert exchange.elapsed_ms > 0 and exchange.started_at.endswith("+00:00")


def test_large_body_is_capped_and_marked_truncated(transport, recorder):
    recorder.reply = Reply(stream_bytes=3 * 1024 * 1024)
    exchange = transport.send(RequestSpec("GET", recorder.url, {}))
    assert len(exchange.response.body) == 1024 * 1024
    assert exchange.response.size == 3 * 1024 * 1024
    assert exchange.response.truncated


@pytest.mark.parametrize("url,kind", [
    ("http://nonexistent.invalid/x", "dns"),
    ("not a url", "invalid"),
    ("ftp://127.0.0.1/x", "invalid"),
])
def test_faults_become_errors(transport, url, kind):
    exchange = transport.send(RequestSpec("GET", url, {}))
    assert exchange.response is None and exchange.error_kind == kind and exchange.error


def test_refused(transport):
    exchange = transport.send(RequestSpec("GET", refused_url(), {}))
    assert exchange.error_kind == "refused" and "refused" in exchange.error


def test_timeout(transport, recorder):
    recorder.reply = Reply(delay=3)
    exchange = transport.send(RequestSpec("GET", recorder.url, {}), timeout=(1, 0.3))
    assert exchange.error_kind == "timeout" and "0.3 s" in exchange.error


def test_tls_failure(transport, recorder):
    exchange = transport.send(RequestSpec("GET", recorder.url.replace("http:", "https:"), {}))
    assert exchange.error_kind == "tls"


def test_reset(transport, recorder):
    recorder.reply = Reply(reset=True)
    exchange = transport.send(RequestSpec("GET", recorder.url, {}))
    assert exchange.error_kind == "reset"


def test_jsonp_unwrapping():
    assert unwrap_jsonp('vt({"a": 1});') == '{"a": 1}'
    assert unwrap_jsonp("  cb ( [1] )  ") == " [1] "
    assert unwrap_jsonp('{"a": 1}') == '{"a": 1}'
    assert unwrap_jsonp("alert(1) + x") == "alert(1) + x"
