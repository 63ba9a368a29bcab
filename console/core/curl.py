"""cURL commands: reading one (as the vendors' documents and browsers' "copy as cURL" write
them) into vendor, operation, settings, secrets and payload; and writing a request as one."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from console.core.definitions import PLACEHOLDER, Operation, Vendor, vendors
from console.core.exchange import RequestSpec


class CurlError(ValueError):
    """The text is not a cURL command this app can use; the message says why."""


@dataclass(frozen=True)
class CurlRequest:
    """What a cURL command would send."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: str | None


@dataclass(frozen=True)
class CurlImport:
    """A cURL command mapped onto one of the app's operations."""

    vendor: str
    operation: str
    settings: dict[str, str]
    secrets: dict[str, str]
    payload: Any
    notes: list[str] = field(default_factory=list)


# Options that take a value and that this reader ignores (they do not change the payload).
_IGNORED_WITH_VALUE = {"-o", "--output", "-m", "--max-time", "--connect-timeout", "-A", "--user-agent",
                       "-e", "--referer", "-b", "--cookie", "-x", "--proxy", "--retry", "-w", "--write-out",
                       "--cacert", "--cert", "--key", "-c", "--cookie-jar"}
_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _ansi_c(text: str) -> str:
    """Rewrites bash $'…' strings as ordinary single-quoted ones that shlex understands."""

    def replace(match):
        inner = match.group(1)
        value = inner.encode("latin-1", "backslashreplace").decode("unicode_escape")
        return shlex.quote(value)

    return re.sub(r"\$'((?:[^'\\]|\\.)*)'", replace, text)


def parse_curl(text: str) -> CurlRequest:
    """Reads a cURL command line (multi-line with `\\`, quoted with ', " or $'…')."""
    if not isinstance(text, str) or not text.strip():
        raise CurlError("Paste a cURL command, e.g. curl -X POST 'https://…' -H '…' --data-raw '{…}'.")
    cleaned = re.sub(r"\\\r?\n", " ", text.strip()).translate(_DASHES)
    cleaned = re.sub(r"\^\r?\n", " ", cleaned)  # Windows cmd continuation
    try:
        words = shlex.split(_ansi_c(cleaned), posix=True)
    except ValueError as exc:
        raise CurlError(f"The command cannot be read: {exc} (a quote is not closed?).") from None
    if not words or words[0].lower() not in ("curl", "curl.exe"):
        raise CurlError("This is not a cURL command: it should start with 'curl'.")
    method, url, headers, data, get = None, None, [], [], False
    i = 1

    def value() -> str:
        """The value of the option at words[i]: `--name=value`, or the next word."""
        nonlocal i
        option = words[i]
        if "=" in option and option.startswith("--"):
            return option.split("=", 1)[1]
        i += 1
        if i >= len(words):
            raise CurlError(f"{option} needs a value.")
        return words[i]

    while i < len(words):
        word = words[i]

        name = word.split("=", 1)[0] if word.startswith("--") else word
        if name in ("-X", "--request"):
            method = value().upper()
        elif word.startswith("-X") and len(word) > 2:
            method = word[2:].upper()
        elif name in ("-H", "--header"):
            header = value()
            key, sep, val = header.partition(":")
            if not sep:
                raise CurlError(f"Header {header!r} has no ':'.")
            headers.append((key.strip(), val.strip()))
        elif name in _DATA:
            data.append(value())
            if name == "--json":
                headers.append(("Content-Type", "application/json"))
        elif name == "--url":
            url = value()
        elif name in ("-G", "--get"):
            get = True
        elif name in ("-u", "--user"):
            user = value()
            import base64

            headers.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
        elif name in _IGNORED_WITH_VALUE:
            value()
        elif word.startswith("-") and word != "-":
            pass  # flags such as -L, -k, -s, -v, -i, --compressed change nothing we send
        elif url is None:
            url = word
        i += 1
    if not url:
        raise CurlError("The command has no URL.")
    if "://" not in url:
        url = "https://" + url
    try:
        urlsplit(url)
    except ValueError as exc:
        raise CurlError(f"The URL {url!r} cannot be read: {exc}.") from None
    body = "&".join(data) if data else None
    if get and body:
        url += ("&" if "?" in url else "?") + body
        body = None
    method = method or ("POST" if body is not None else "GET")
    return CurlRequest(method=method, url=url, headers=headers, body=body)


def _path_regex(template: str) -> re.Pattern:
    parts = PLACEHOLDER.split(template)
    # split gives literal, name, literal, name, …
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/?#]+)" for i, p in enumerate(parts))
    return re.compile(r"^(?P<_prefix>.*?)" + regex + "$")


def _template_capture(template: str, actual: str) -> dict[str, str] | None:
    """Values of the placeholders of `template` in `actual` (e.g. "Bearer {jwt}")."""
    parts = PLACEHOLDER.split(template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*)" for i, p in enumerate(parts))
    match = re.fullmatch(regex, actual)
    return match.groupdict() if match else None


def _candidates(request: CurlRequest) -> list[tuple[Vendor, Operation, re.Match]]:
    path = urlsplit(request.url).path or "/"
    found = []
    for vendor in vendors().values():
        for op in vendor.operations.values():
            if op.request.method != request.method:
                continue
            match = _path_regex(op.request.path).match(path)
            if match:
                found.append((vendor, op, match))
    # The most specific template (most literal characters) first.
    found.sort(key=lambda f: len(PLACEHOLDER.sub("", f[1].request.path)), reverse=True)
    return found


def import_curl(text: str) -> CurlImport:
    """Maps a cURL command onto an operation. Raises CurlError with a plain message."""
    request = parse_curl(text)
    candidates = _candidates(request)
    if not candidates:
        raise CurlError(f"{request.method} {urlsplit(request.url).path} is not an endpoint this app knows "
                        "(see 'event-console vendors').")
    vendor, op, match = candidates[0]
    notes: list[str] = []
    parts = urlsplit(request.url)
    settings: dict[str, str] = {}
    secrets: dict[str, str] = {}
    known = set(op.settings)
    for name, captured in match.groupdict().items():
        if name in known:
            settings[name] = captured
    base = f"{parts.scheme}://{parts.netloc}{match.group('_prefix')}"
    if "{" in parts.netloc or "<" in parts.netloc:
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
            payload = json.loads(request.body)
        except ValueError as exc:
            raise CurlError(f"The body is not valid JSON: {exc}") from None
        if isinstance(payload, dict):
            for secret, field_name in op.request.body_credentials.items():
                if field_name in payload:
                    value = payload.pop(field_name)
                    if isinstance(value, str) and value and not value.startswith("{{"):
                        secrets[secret] = value
                    else:
                        notes.append(f"{field_name} in the body was a placeholder ({value}); set the real key in the profile.")
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
        lines.append(f"  --data-raw {shlex.quote(spec.body_text())}")
    return " \\\n".join(lines)
