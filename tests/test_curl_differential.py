"""The cURL reader against real curl: every command of the corpus is run by Debian's curl
(through bash, as a user would paste it) against a recording server on 127.0.0.1, and read by
`parse_curl`. Each must come out the same (method, path and query, the headers that matter,
the body's bytes) or be refused by the reader with a CurlError. No command may yield a request
different from curl's."""

import json
import os
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest

from console.core.curl import CurlError, parse_curl, to_curl
from console.core.exchange import RequestSpec
from tests.curl_corpus import COMMANDS, FILES
from tests.servers import RecordingServer

pytestmark = pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None,
                                reason="needs curl and bash (Debian's packages)")

# Headers curl adds by itself: compared only when the command itself sets them.
CURL_OWN = {"user-agent", "accept", "accept-encoding"}
NEVER_COMPARED = {"host", "content-length", "expect"}


@pytest.fixture(scope="module")
def server():
    recording = RecordingServer()
    yield recording
    recording.stop()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    place = tmp_path_factory.mktemp("curl")
    for name, data in FILES.items():
        (place / name).write_bytes(data)
    return place


def what_curl_sent(command: str, server: RecordingServer, folder) -> tuple[int, list]:
    before = len(server.requests)
    done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, timeout=30,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
                               "LANG": "C.UTF-8"})  # a terminal's UTF-8 locale: bash writes \u as UTF-8
    return done.returncode, server.requests[before:]


def what_the_reader_sends(command: str, folder):
    cwd = os.getcwd()
    os.chdir(folder)  # @file is read relative to the current folder, as curl does
    try:
        return parse_curl(command)
    finally:
        os.chdir(cwd)


def headers_of(pairs, own: set[str]) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in pairs if k.lower() not in NEVER_COMPARED
                  and not (k.lower() in CURL_OWN and k.lower() not in own))


def target(url: str) -> bytes:
    parts = urlsplit(url)
    return (parts.path + ("?" + parts.query if parts.query else "")).encode("utf-8")


RESULTS = {"equal": [], "refused": [], "refused by curl too": []}


@pytest.mark.parametrize("template", COMMANDS, ids=range(len(COMMANDS)))
def test_reader_matches_curl_or_refuses(template, server, folder):
    host = server.url.split("//", 1)[1]
    command = template.format(U=server.url, H=host)
    status, sent = what_curl_sent(command, server, folder)
    try:
        parsed = what_the_reader_sends(command, folder)
    except CurlError as exc:
        assert "\n" not in str(exc)
        RESULTS["refused by curl too" if status != 0 and not sent else "refused"].append(template)
        return
    assert sent, f"the reader accepted what curl did not send (exit {status}): {command!r}"
    assert len(sent) == 1
    got = sent[0]
    own = {k.lower() for k, _ in parsed.headers}
    assert parsed.method == got.method, command
    assert target(parsed.url) == got.path.encode("latin-1"), command
    assert headers_of(parsed.headers, own) == headers_of(got.header_list, own), command
    assert (parsed.body_bytes() or b"") == got.body, command
    RESULTS["equal"].append(template)


def test_corpus_figures():
    """Prints the figures the closing note quotes (run after the corpus)."""
    total = len(COMMANDS)
    print(f"\ncurl corpus: {total} commands; equal to curl: {len(RESULTS['equal'])}; refused by the reader: "
          f"{len(RESULTS['refused'])} (curl refuses {len(RESULTS['refused by curl too'])} of the others too)")
    if sum(map(len, RESULTS.values())) == total:
        assert len(RESULTS["equal"]) >= total * 0.6


AWKWARD = [
    {"label": "O\u2019Brien \u2013 \u2212 \u201chi\u201d \u2014 caf\u00e9 \U0001f600"},
    {"shell": "$HOME `id` $(date) \\ \\\\ ' \" '\"'\"' ! * ? [a] {b,c} ~ # & | ; < >"},
    {"lines": "one\ntwo\r\nthree\ttab"},
    {"nul-ish": "\u0001\u001f\u007f\u00a0\u2028\u2029"},
]


@pytest.mark.parametrize("payload", AWKWARD, ids=range(len(AWKWARD)))
def test_copy_as_curl_round_trips_and_curl_agrees(payload, server, folder):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    spec = RequestSpec("POST", f"{server.url}/v4/events/custom?x=\u00e9",
                       {"Content-Type": "application/json", "Authorization": "Bearer a'b\"c$d"}, body)
    command = to_curl(spec)
    parsed = parse_curl(command)
    assert (parsed.method, parsed.body_bytes()) == ("POST", body)
    assert ("Authorization", "Bearer a'b\"c$d") in parsed.headers
    assert urlsplit(parsed.url).query == "x=\u00e9"
    status, sent = what_curl_sent(command, server, folder)
    assert status == 0 and sent[0].body == body
    assert sent[0].headers["Authorization"] == "Bearer a'b\"c$d"


@pytest.mark.parametrize("posix,other", [
    # Chrome's "Copy as cURL (cmd)" and a PowerShell paste of the same request.
    ("curl 'https://api.synerise.com/v4/events/custom' -H 'content-type: application/json' "
     "--data-raw '{\"label\":\"a & b | c\",\"q\":\"x\\\"y\"}'",
     'curl ^"https://api.synerise.com/v4/events/custom^" ^\n  -H ^"content-type: application/json^" ^\n'
     '  --data-raw ^"^{^\\^"label^\\^":^\\^"a ^& b ^| c^\\^",^\\^"q^\\^":^\\^"x^\\^\\^\\^"y^\\^"^}^"'),
    ("curl 'https://api.synerise.com/v4/events/custom' -H 'content-type: application/json' "
     "--data-raw '{\"label\":\"it'\"'\"'s\"}'",
     "curl.exe 'https://api.synerise.com/v4/events/custom' `\n  -H 'content-type: application/json' `\n"
     "  --data-raw '{\"label\":\"it''s\"}'"),
])
def test_windows_shells_read_like_posix(posix, other):
    assert parse_curl(other) == parse_curl(posix)


def test_long_option_with_equals_reads_like_two_words():
    # Newer curl accepts --name=value; it means the same as --name value.
    assert parse_curl("curl --url=https://x.example/a --data-raw={}") == parse_curl(
        "curl --url https://x.example/a --data-raw {}").__class__(
        "POST", "https://x.example/a", [("Content-Type", "application/x-www-form-urlencoded")], "{}",
        "https://x.example/a")


def test_stdin_is_not_read_without_a_reader():
    with pytest.raises(CurlError, match="standard input"):
        parse_curl("curl https://x.example/ --data-binary @-")
    parsed = parse_curl("curl https://x.example/ --data-binary @-", read_file=lambda name: b"from stdin")
    assert parsed.body == "from stdin"


def test_copy_as_curl_of_a_binary_body_sends_the_same_bytes(server, folder):
    body = bytes(range(1, 256))  # every byte a shell word can carry (a NUL cannot be in one)
    command = to_curl(RequestSpec("POST", f"{server.url}/binary", {"Content-Type": "application/octet-stream"}, body))
    assert parse_curl(command).body_bytes() == body
    status, sent = what_curl_sent(command, server, folder)
    assert status == 0 and sent[0].body == body
