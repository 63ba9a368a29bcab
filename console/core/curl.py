"""cURL commands: reading one (as the vendors' documents and browsers' "copy as cURL" write
them) into vendor, operation, settings, secrets and payload; and writing a request as one."""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from console.core.curl_options import OPTIONS, SHORT
from console.core.definitions import PLACEHOLDER, Operation, Vendor, vendors
from console.core.exchange import RequestSpec
from console.core.payload import PayloadError, parse_payload
from console.core.shell_words import ShellError, split_command


class CurlError(ValueError):
    """The text is not a cURL command this app can honour; the message says why, in one line.
    `operation` names the operation a request was recognised as, when it was (its contents
    are what could not be read)."""

    operation: str | None = None


class UnknownEndpoint(CurlError):
    """No operation of the five APIs has this method and path."""


@dataclass(frozen=True)
class CurlRequest:
    """What a cURL command would send: `body` is the bytes curl would send (text when they
    are UTF-8), None without a body. `written_url` is the URL as the command wrote it (before
    curl's globbing and normalising); `notes` say what was read generously."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: str | bytes | None
    written_url: str = ""
    notes: tuple[str, ...] = ()

    def body_bytes(self) -> bytes | None:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class CurlImport:
    """A cURL command mapped onto one of the app's operations."""

    vendor: str
    operation: str
    settings: dict[str, str]
    secrets: dict[str, str]
    payload: Any
    notes: list[str] = field(default_factory=list)


# What curl's options do to the request, by long name. Options in none of these sets are ones
# the console cannot reproduce faithfully (a CurlError names them).
_NO_EFFECT = frozenset("""
--silent --show-error --verbose --insecure --location --location-trusted --output --remote-name
--remote-name-all --remote-header-name --include --fail --fail-early --fail-with-body --max-time
--connect-timeout --retry --retry-delay --retry-max-time --retry-all-errors --retry-connrefused
--compressed --http1.1 --http2 --http2-prior-knowledge --http3 --http3-only --http1.0 --http0.9
--ipv4 --ipv6 --cacert --capath --crlfile --trace --trace-ascii --trace-time --trace-ids
--trace-config --stderr --write-out --progress-bar --no-progress-meter --globoff --keepalive-time
--no-keepalive --tcp-nodelay --tcp-fastopen --limit-rate --max-filesize --dump-header --create-dirs
--create-file-mode --raw --cookie-jar --junk-session-cookies --disable --no-buffer --buffer
--styled-output --no-styled-output --proxy --noproxy --proxy-insecure --proxytunnel --max-redirs
--post301 --post302 --post303 --tlsv1 --tlsv1.0 --tlsv1.1 --tlsv1.2 --tlsv1.3 --tls-max --ciphers
--tls13-ciphers --ssl-no-revoke --ssl-revoke-best-effort --cert-status --doh-url --dns-servers
--parallel --parallel-max --parallel-immediate --xattr --remote-time --no-clobber --skip-existing
--remove-on-error --out-null --rate --happy-eyeballs-timeout-ms --expect100-timeout --false-start
--alt-svc --hsts --etag-save --fail-early --output-dir --show-headers --ca-native --mptcp --follow
--sslv2 --sslv3 --pinnedpubkey --ssl-allow-beast --ssl-auto-client-cert --path-as-is --basic
--styled-output --no-sessionid --sessionid --npn --alpn --no-npn --no-alpn --progress-meter
--proxy-cacert --proxy-capath --proxy-ciphers --proxy-tls13-ciphers --proxy-tlsv1 --proxy-ssl-allow-beast
--proxy-pinnedpubkey --proxy-crlfile --proxy-ca-native --socks4 --socks4a --socks5 --socks5-hostname
--socks5-basic --socks5-gssapi --socks5-gssapi-nec --socks5-gssapi-service --preproxy --proxy-user
--proxy-basic --proxy-anyauth --proxy-digest --proxy-ntlm --proxy-negotiate --proxy-header
--proxy-http2 --haproxy-protocol --haproxy-clientip --suppress-connect-headers --manual --help
--version --libcurl --metalink --ignore-content-length --sasl-ir --no-sasl-ir --local-port
--interface --speed-limit --speed-time --ip-tos --vlan-priority --unix-socket --abstract-unix-socket
--dump-ca-embed --proxy-dump-ca-embed --tls-earlydata --sigalgs --curves --ssl-sessions --ech
""".split())
_BOOLEAN_NO_EFFECT_LETTERS = "sSvkLiOJfRNZqg#"
_DATA = {"--data": "data", "--data-ascii": "data", "--data-binary": "binary", "--data-raw": "raw",
         "--data-urlencode": "urlencode", "--json": "json"}
_CANNOT = {
    "--form": "-F/--form sends a multipart form, which the console does not build",
    "--form-string": "--form-string sends a multipart form, which the console does not build",
    "--digest": "--digest authentication needs the server's challenge, which a paste cannot carry",
    "--ntlm": "--ntlm authentication cannot be reproduced", "--ntlm-wb": "--ntlm-wb authentication cannot be reproduced",
    "--negotiate": "--negotiate (Kerberos) authentication cannot be reproduced",
    "--anyauth": "--anyauth lets curl pick an authentication method after asking the server",
    "--aws-sigv4": "--aws-sigv4 signs the request, which the console does not do",
    "--upload-file": "-T/--upload-file uploads a file, which the console does not do",
    "--config": "-K/--config reads more options from a file", "--next": "--next starts another request",
    "--netrc": "--netrc reads credentials from ~/.netrc", "--netrc-optional": "--netrc-optional reads credentials from ~/.netrc",
    "--netrc-file": "--netrc-file reads credentials from a file",
    "--resolve": "--resolve sends to another address than the URL's", "--connect-to": "--connect-to sends to another host",
    "--cert": "-E/--cert authenticates with a client certificate", "--key": "--key authenticates with a client key",
    "--variable": "--variable fills in values the console cannot see",
    "--request-target": "--request-target sends another path than the URL's",
    "--range": "-r/--range asks for part of a resource", "--continue-at": "-C/--continue-at resumes a transfer",
    "--time-cond": "-z/--time-cond adds a date condition", "--cookie-jar": None,
}


DATA_FILE_CAP = 64 * 1024 * 1024  # an @file of a pasted command: no event body is larger


def _read_file(name: str) -> bytes:
    """`@file` as curl reads it: relative to the current folder."""
    if name == "-":
        raise CurlError("The command reads standard input (@-), which a paste cannot carry: "
                        "put the data in its place.")
    from console.core.files import InputFileError, read_regular

    try:
        return read_regular(name, DATA_FILE_CAP, "data file")
    except InputFileError as exc:
        raise CurlError(f"The command reads the file {name!r}, which cannot be read: {exc}.") from None


def _long_name(word: str) -> tuple[str, str | None]:
    """(the option's long name, its `=value` if given) for a word starting with --. curl takes
    any unambiguous beginning of a name, and --no-NAME for a switch."""
    name, sep, value = word.partition("=")
    if name in OPTIONS:
        return name, (value if sep else None)
    negated = name.startswith("--no-") and ("--" + name[5:]) in OPTIONS
    if negated and not OPTIONS["--" + name[5:]][1]:
        return name, (value if sep else None)
    if negated:
        raise CurlError(f"{name}: --no- is only for switches, and --{name[5:]} takes a value.")
    matches = [option for option in OPTIONS if option.startswith(name)]
    if len(matches) == 1:
        return matches[0], (value if sep else None)
    if len(matches) > 1:
        raise CurlError(f"curl cannot tell which option {name} means ({', '.join(sorted(matches)[:4])}, …).")
    raise CurlError(f"{name} is not an option curl knows.")


def _urlencode_piece(piece: str, read: Callable[[str], str]) -> str:
    """--data-urlencode's forms: content, =content, name=content, @file, name@file."""
    from urllib.parse import quote_plus

    if piece.startswith("="):
        return quote_plus(piece[1:], safe="*-._", errors="surrogateescape")
    equals, at = piece.find("="), piece.find("@")
    if at >= 0 and (equals < 0 or at < equals):
        name, file_name = piece[:at], piece[at + 1:]
        encoded = quote_plus(read(file_name), safe="*-._", errors="surrogateescape")
        return f"{name}={encoded}" if name else encoded
    if equals >= 0:
        return f"{piece[:equals]}={quote_plus(piece[equals + 1:], safe='*-._', errors='surrogateescape')}"
    return quote_plus(piece, safe="*-._", errors="surrogateescape")


# A lone surrogate that is no byte: \udc80-\udcff are the bytes 0x80-0xff of a binary body
# (surrogateescape, as shell words carry them); the rest are characters no bytes can be.
_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def parse_curl(text: str, read_file: Callable[[str], bytes] | None = None) -> CurlRequest:
    """Reads one curl command as curl would (its shell's quoting, curl's options and their
    arguments) into the request curl would send. `@file` arguments are read with `read_file`
    (default: relative to the current folder; `@-`, standard input, only when read_file takes
    it). Raises CurlError with a one-line reason for anything it cannot honour."""
    if not isinstance(text, str) or not text.strip():
        raise CurlError("Paste a cURL command, e.g. curl -X POST 'https://…' -H '…' --data-raw '{…}'.")
    try:
        words = split_command(text.strip()).words
    except ShellError as exc:
        raise CurlError(str(exc)) from None
    for word in words:
        if _SURROGATE.search(word.text):
            raise CurlError(f"The command holds {word.text[:40]!r}, with a lone surrogate (as $'\\ud800' makes): "
                            "no bytes are that character, so curl's request cannot be known.")
    while words and not words[0].quoted and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0].text):
        words = words[1:]  # VAR=value before the command sets its environment only
    if not words or words[0].text.rsplit("/", 1)[-1].lower() not in ("curl", "curl.exe"):
        raise CurlError("This is not a cURL command: it should start with 'curl'.")
    state = _State(read_file or _read_file)
    i = 1
    only_urls = False
    while i < len(words):
        word, i = words[i], i + 1
        text_ = word.text
        if not word.quoted and text_[:1] in "–—−" and len(text_) > 1 and text_[1] != " ":
            # Documents typeset options with a typographic dash (myTracker's "–X POST"); curl
            # would take them as URLs and fail, so they are read as the option meant.
            state.notes.append(f"{text_} is typeset with a typographic dash; read as -{text_[1:]}.")
            text_ = "-" + text_[1:]
        if only_urls or not text_.startswith("-") or text_ == "-":
            state.url(text_)
            continue
        if text_ == "--":
            only_urls = True
            continue
        if text_.startswith("--"):
            name, attached = _long_name(text_)
            takes = OPTIONS.get(name, (None, False))[1]
            if takes:
                if attached is None:
                    if i >= len(words):
                        raise CurlError(f"{name} needs a value.")
                    attached, i = words[i].text, i + 1
                state.option(name, attached)
            else:
                if attached is not None:
                    raise CurlError(f"{name} takes no value, yet it is given one.")
                state.option(name, None)
            continue
        letters = text_[1:]
        k = 0
        while k < len(letters):
            letter = letters[k]
            short = SHORT.get(letter)
            if short is None:
                raise CurlError(f"-{letter} is not an option curl knows.")
            name = short
            if OPTIONS[name][1]:
                value = letters[k + 1:]
                if not value:
                    if i >= len(words):
                        raise CurlError(f"-{letter} needs a value.")
                    value, i = words[i].text, i + 1
                state.option(name, value)
                break
            state.option(name, None)
            k += 1
    return state.request()


class _State:
    """The request a command line builds up, option by option, as curl's tool does."""

    def __init__(self, read: Callable[[str], bytes]):
        self.read = read
        self.urls: list[str] = []
        self.method: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.removed: set[str] = set()
        self.data: bytearray | None = None
        self.json = False
        self.get = False
        self.head = False
        self.user_agent: str | None = None
        self.referer: str | None = None
        self.cookies: list[str] = []
        self.auth: str | None = None
        self.query: list[str] = []
        self.path_as_is = False
        self.notes: list[str] = []

    def url(self, text: str) -> None:
        self.urls.append(text)

    def _text_of(self, name: str) -> str:
        """A file's content as text, its bytes kept (not UTF-8: surrogate escapes)."""
        return self.read(name).decode("utf-8", "surrogateescape")

    def add_data(self, kind: str, value: str) -> None:
        if kind in ("data", "binary", "json") and value.startswith("@"):
            piece = self.read(value[1:])
            if kind == "data":
                piece = piece.replace(b"\r", b"").replace(b"\n", b"")  # as curl does for -d @file
        elif kind == "urlencode":
            piece = _urlencode_piece(value, self._text_of).encode()
        else:
            piece = value.encode("utf-8", "surrogateescape")
        if self.data is None:
            self.data = bytearray(piece)
        elif kind == "json":
            self.data += piece  # --json pieces are joined as they are
        else:
            self.data += b"&" + piece
        if kind == "json":
            self.json = True

    def option(self, name: str, value: str | None) -> None:
        arg = value if value is not None else ""  # None only for options that take no value
        if name in _DATA:
            self.add_data(_DATA[name], arg)
        elif name == "--request":
            self.method = arg
        elif name == "--header":
            self.header(arg)
        elif name == "--url":
            self.url(arg)
        elif name == "--get":
            self.get = True
        elif name == "--head":
            self.head = True
        elif name == "--user-agent":
            self.user_agent = arg
        elif name == "--referer":
            self.referer = arg[:-5] if arg.endswith(";auto") else arg
        elif name == "--cookie":
            if "=" not in arg:
                raise CurlError(f"-b {arg!r} names a cookie file, which the console does not read; "
                                "give the cookies as name=arg.")
            self.cookies.append(arg)
        elif name == "--user":
            if ":" not in arg:
                raise CurlError(f"-u {arg!r} has no password, so curl would ask for one: give user:password.")
            self.auth = "Basic " + base64.b64encode(arg.encode("utf-8")).decode()
        elif name == "--oauth2-bearer":
            self.auth = "Bearer " + arg
        elif name == "--url-query":
            self.query.append(arg[1:] if arg.startswith("+") else _urlencode_piece(arg, self._text_of))
        elif name == "--path-as-is":
            self.path_as_is = True
        elif name in _CANNOT:
            if _CANNOT[name]:
                raise CurlError(f"This command cannot be reproduced faithfully: {_CANNOT[name]}.")
        elif name.startswith("--no-") or name in _NO_EFFECT:
            pass  # output, connection and TLS settings: the request itself is the same
        else:
            raise CurlError(f"The console cannot reproduce what {name} does to the request.")

    def header(self, value: str) -> None:
        if value.startswith("@"):
            for line in self._text_of(value[1:]).splitlines():
                if line.strip():
                    self.header(line.strip())
            return
        name, sep, rest = value.partition(":")
        if sep:
            if rest.strip() == "":
                self.removed.add(name.strip().lower())  # "Name:" removes curl's own header
                return
            self.headers.append((name.strip(), rest.lstrip(" \t")))  # curl keeps trailing spaces
            return
        if value.endswith(";"):
            self.headers.append((value[:-1].strip(), ""))  # "Name;" sends it empty
            return
        raise CurlError(f"The header {value!r} has no ':' (curl would not send it).")

    def request(self) -> CurlRequest:
        if not self.urls:
            raise CurlError("The command has no URL.")
        if len(self.urls) > 1:
            raise CurlError(f"The command names {len(self.urls)} URLs; curl would make a request to each. "
                            "Paste one at a time.")
        written = self.urls[0]
        for text in [written, *(f"{k}: {v}" for k, v in self.headers)]:
            if any(0xDC80 <= ord(c) <= 0xDCFF for c in text):
                raise CurlError(f"{text[:40]!r}… holds bytes that are not UTF-8 text; the console sends "
                                "URLs and headers as text.")
        url = _curl_url(written, self.path_as_is)
        body = bytes(self.data) if self.data is not None else None
        if self.head and body is not None:
            raise CurlError("-I (HEAD) cannot send data; curl refuses this command.")
        query = list(self.query)
        if self.get and body is not None:
            query.append(body.decode("utf-8", "surrogateescape"))
            body = None
        if query:
            base, sep, fragment = url.partition("#")
            url = base + ("&" if "?" in base else "?") + "&".join(query)
        method = self.method or ("HEAD" if self.head else "POST" if body is not None else "GET")
        given = {name.lower() for name, _ in self.headers}
        headers: list[tuple[str, str]] = []
        if self.auth and "authorization" not in given and "authorization" not in self.removed:
            headers.append(("Authorization", self.auth))
        if self.user_agent and "user-agent" not in given and "user-agent" not in self.removed:
            headers.append(("User-Agent", self.user_agent))
        if self.referer and "referer" not in given:
            headers.append(("Referer", self.referer))
        if self.cookies and "cookie" not in given:
            headers.append(("Cookie", ";".join(self.cookies)))
        headers += self.headers
        if body is not None:
            if self.json:
                if "content-type" not in given and "content-type" not in self.removed:
                    headers.append(("Content-Type", "application/json"))
                if "accept" not in given and "accept" not in self.removed:
                    headers.append(("Accept", "application/json"))
            elif "content-type" not in given and "content-type" not in self.removed:
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        body_value: str | bytes | None = None
        if body is not None:
            try:
                body_value = body.decode("utf-8")
            except UnicodeDecodeError:
                body_value = body
        return CurlRequest(method, url, headers, body_value, written, tuple(self.notes))


_NOT_HTTP = ("ftp.", "dict.", "ldap.", "imap.", "smtp.", "pop3.")


def _curl_url(written: str, path_as_is: bool) -> str:
    """The URL curl would request: its globbing ({a} → a; several → an error), its default
    scheme (http://), dot segments removed (unless --path-as-is), no fragment, the path's
    non-ASCII characters percent-encoded (lowercase, as curl writes them)."""
    url = _unglob(written)
    if any(c in url for c in " \t\r\n"):
        raise CurlError(f"The URL {written[:60]!r} has a space in it; curl refuses it ('Malformed input').")
    if "://" not in url.split("?", 1)[0]:
        if url.lower().startswith(_NOT_HTTP):
            raise CurlError(f"curl would guess another protocol than HTTP for {written[:60]!r}.")
        url = "http://" + url
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise CurlError(f"{scheme}:// is not HTTP; the console sends HTTP and HTTPS only.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise CurlError(f"The URL {written[:60]!r} cannot be read: {exc}.") from None
    if not parts.hostname:
        raise CurlError(f"The URL {written[:60]!r} has no host.")
    path = parts.path or "/"
    if not path_as_is:
        path = _remove_dot_segments(path)
    path = "".join(c if ord(c) < 128 else "".join(f"%{b:02x}" for b in c.encode("utf-8", "surrogateescape"))
                   for c in path)
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def _unglob(url: str) -> str:
    r"""curl's URL globbing: {one} is one, {a,b} and [1-3] are several URLs (an error here).
    \{ and \[ are literal."""
    out, i = [], 0
    while i < len(url):
        c = url[i]
        if c == "\\" and i + 1 < len(url) and url[i + 1] in "{}[]":
            out.append(url[i + 1])
            i += 2
            continue
        if c == "{":
            end = url.find("}", i)
            if end < 0:
                raise CurlError("The URL has an unclosed { (curl's globbing): escape it as \\{ or use -g.")
            choices = url[i + 1:end]
            if "," in choices:
                raise CurlError(f"The URL's {{{choices}}} makes curl request several URLs; paste one.")
            out.append(choices)
            i = end + 1
            continue
        if c == "[" and re.match(r"\[([0-9]+-[0-9]+|[a-z]-[a-z]|[A-Z]-[A-Z])(:[0-9]+)?\]", url[i:]):
            raise CurlError("The URL's [..] range makes curl request several URLs; paste one.")
        out.append(c)
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986's remove_dot_segments, which curl applies to every URL's path."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        elif segment == ".":
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


@cache  # one per operation: capture matches every request against them
def _path_regex(template: str, optional_last: bool = False) -> re.Pattern[str]:
    """A path template as a regular expression; with `optional_last`, a placeholder that ends
    the template may be empty (VibeTrace's documented `/event/<account_id>/`, type in the data)."""
    parts = PLACEHOLDER.split(template)
    # split gives literal, name, literal, name, …
    last = len(parts) - 2 if optional_last and len(parts) > 1 and parts[-1] == "" else -1
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/?#]{'*' if i == last else '+'})"
                    for i, p in enumerate(parts))
    return re.compile(r"^(?P<_prefix>.*?)" + regex + "$")


def _path_match(op: Operation, path: str) -> re.Match[str] | None:
    """The operation's path template matched against `path`. A placeholder that ends the path
    and is no setting (derived from the payload, as VibeTrace's event type is) may be left out,
    as the document's base URL leaves it out."""
    names = PLACEHOLDER.findall(op.request.path)
    optional = bool(names) and op.request.path.endswith("}") and names[-1] not in op.settings
    return _path_regex(op.request.path, optional).match(path)


def _template_capture(template: str, actual: str) -> dict[str, str] | None:
    """Values of the placeholders of `template` in `actual` (e.g. "Bearer {jwt}")."""
    match = _template_regex(template).fullmatch(actual)
    return match.groupdict() if match else None


@cache
def _template_regex(template: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*)" for i, p in enumerate(parts)))


def _candidates(request: CurlRequest, only_vendor: str | None = None) -> list[tuple[Vendor, Operation, re.Match[str]]]:
    path = urlsplit(request.url).path or "/"
    found = []
    for vendor in vendors().values():
        if only_vendor is not None and vendor.name != only_vendor:
            continue
        for op in vendor.operations.values():
            if op.request.method != request.method:
                continue
            match = _path_match(op, path)
            if match:
                found.append((vendor, op, match))
    # The most specific template (most literal characters) first.
    found.sort(key=lambda f: len(PLACEHOLDER.sub("", f[1].request.path)), reverse=True)
    return found


# Headers the console's own request carries (or that describe the body): not worth a note.
_SENT_ANYWAY = frozenset({"content-type", "content-length", "host", "accept", "accept-encoding", "connection"})


def import_curl(text: str, read_file: Callable[[str], bytes] | None = None) -> CurlImport:
    """Maps a cURL command onto an operation. Raises CurlError with a plain message."""
    return map_request(parse_curl(text, read_file))


def map_request(request: CurlRequest, only_vendor: str | None = None) -> CurlImport:
    """Maps an HTTP request (from a cURL command, or one captured) onto the operation its
    method and path name (of `only_vendor` when given): its settings, keys and payload.
    Raises CurlError with a plain message."""
    candidates = _candidates(request, only_vendor)
    if not candidates:
        raise UnknownEndpoint(f"{request.method} {urlsplit(request.url).path} is not an endpoint this app knows "
                              "(the Vendor and Operation lists show those it does).")
    vendor, op, match = candidates[0]
    try:
        return _read_request(request, vendor, op, match)
    except CurlError as exc:
        exc.operation = op.name
        raise


def _read_request(request: CurlRequest, vendor: Vendor, op: Operation, match: re.Match[str]) -> CurlImport:
    """The settings, keys and payload of a request already matched to `op`."""
    notes: list[str] = list(request.notes)
    parts = urlsplit(request.url)
    written_host = urlsplit(request.written_url if "://" in request.written_url else "http://" + request.written_url).netloc
    settings: dict[str, str] = {}
    secrets: dict[str, str] = {}
    known = set(op.settings)
    for name, captured in match.groupdict().items():
        if name in known:
            settings[name] = captured
    base = f"{parts.scheme}://{parts.netloc}{match.group('_prefix')}"
    derived = [n for n in PLACEHOLDER.findall(op.request.path) if n not in known]
    if "type_in_path" in known and derived and not match.groupdict().get(derived[-1]):
        settings["type_in_path"] = "no"  # the documents' base URL: the type rides in the data only
    if "{" in written_host or "<" in written_host:
        default = vendor.setting_default(op, "base_url")
        notes.append(f"The host {parts.netloc} is a placeholder; using {default or 'no base URL'} instead.")
        base = default or ""
    settings["base_url"] = base.rstrip("/")

    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    payload: Any = None
    for name, template in op.request.query:
        if name not in query:
            continue
        captured = _template_capture(template, query[name])
        for key, val in (captured or {}).items():
            if key == "payload":
                try:
                    payload = json.loads(val)
                except ValueError as exc:
                    raise CurlError(f"The {name} parameter is not JSON: {exc}") from None
            elif key in vendor.secrets:
                secrets[key] = val
            elif key in known:
                settings[key] = val
    headers = {k.lower(): v for k, v in request.headers}
    exchange = op.request.token_exchange
    for name, template in op.request.headers.items():
        if name.lower() not in headers:
            continue
        captured = _template_capture(template, headers[name.lower()])
        if captured is None and name.lower() == "authorization" and headers[name.lower()].startswith("Basic "):
            notes.append("Basic authorization is not supported by this app; give a JWT or an API key instead.")
        for key, val in (captured or {}).items():
            if key in vendor.secrets:
                secrets[key] = val
            elif key in known:
                settings[key] = val
            elif exchange and key == exchange.provides:
                secrets[key] = val
    if op.request.body == "json":
        if request.body is None:
            raise CurlError(f"{vendor.title} {op.title} needs a JSON body, and the command sends none.")
        try:
            payload = parse_payload(request.body if isinstance(request.body, str) else request.body.decode("utf-8"))
        except (UnicodeDecodeError, PayloadError) as exc:
            raise CurlError(f"The body is not a JSON payload: {exc}") from None
        if isinstance(payload, dict):
            for secret, field_name in op.request.body_credentials.items():
                if field_name in payload:
                    value = payload.pop(field_name)
                    if isinstance(value, str) and value and not value.startswith("{{"):
                        secrets[secret] = value
                    else:
                        notes.append(f"{field_name} in the body was a placeholder ({value}); set the real key in the profile.")
    template_headers = {name.lower() for name in op.request.headers}
    unsent = [name for name in dict.fromkeys(k for k, _ in request.headers)
              if name.lower() not in template_headers and name.lower() not in _SENT_ANYWAY and not name.startswith(":")]
    if unsent:
        notes.append(f"The console does not send these headers of the command (it sends what {vendor.title}'s "
                     f"document asks for): {', '.join(unsent)}.")
    for secret, value in list(secrets.items()):
        if value.startswith("{{") or value in ("ey...RtH_g",):
            notes.append(f"The {secret} in the command looks like a placeholder; it was not kept.")
            del secrets[secret]
    return CurlImport(vendor.name, op.name, settings, secrets, payload, notes)


def to_curl(spec: RequestSpec) -> str:
    """The request as a cURL command (pass a masked spec unless secrets are wanted)."""
    lines = [f"curl -X {spec.method} {shlex.quote(spec.url)}"]
    for name, value in spec.headers.items():
        if name.lower() in ("content-length", "accept-encoding", "connection", "user-agent", "accept"):
            continue
        lines.append(f"  -H {shlex.quote(f'{name}: {value}')}")
    if spec.body:
        try:
            lines.append(f"  --data-raw {shlex.quote(spec.body.decode('utf-8'))}")
        except UnicodeDecodeError:  # not text: every byte written out, so curl sends the same bytes
            escaped = "".join(f"\\x{b:02x}" for b in spec.body)
            lines.append(f"  --data-binary $'{escaped}'")
    return " \\\n".join(lines)
