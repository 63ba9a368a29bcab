"""Immutable records of what will be sent (RequestSpec) and what happened (Exchange)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from console.core.redact import is_secret_header
from console.core.secrets import MASK, mask_bytes, mask_text, mask_userinfo


@dataclass(frozen=True)
class RequestSpec:
    """An HTTP request exactly as it will go over the wire.

    `secrets` holds the credential values inside it, and `masked_form` the same request built
    with *** where each credential was placed (header, query parameter, body field); neither
    is ever sent nor written anywhere.
    """

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    secrets: tuple[str, ...] = field(default=(), repr=False)
    masked_form: RequestSpec | None = field(default=None, repr=False, compare=False)

    def masked(self) -> RequestSpec:
        """The same request with every secret hidden, safe to show or store: the form built
        with *** in the credentials' places, then whole-token masking of the secret values
        as a safety net (a key the user also typed into the payload), userinfo in the URL and
        credential headers the builder did not place masked too."""
        base = self.masked_form or self
        headers = {}
        for name, value in base.headers.items():
            if self.masked_form is None and is_secret_header(name):
                value = MASK  # no built form says where the credential sits: hide the header
            headers[name] = mask_text(value, self.secrets)
        return RequestSpec(method=self.method, url=mask_text(mask_userinfo(base.url), self.secrets),
                           headers=headers, body=mask_bytes(base.body, self.secrets))

    def as_sent(self, url: str, headers: dict[str, str], normalise: Callable[[str], str]) -> RequestSpec:
        """This request as the HTTP library put it on the wire (its URL normalised by
        `normalise`, headers such as Content-Length added); the masked form follows, so
        masking stays by place."""
        form = self.masked_form
        if form is not None:
            # Headers the library added; a credential among them (Authorization from a
            # user:password@ in the URL) is masked here, as nobody placed it.
            extra = {k: (MASK if is_secret_header(k) else v)
                     for k, v in headers.items() if k not in self.headers}
            form = RequestSpec(form.method, form.url if url == self.url else normalise(form.url),
                               {**{k: form.headers.get(k, v) for k, v in headers.items() if k not in extra},
                                **extra}, form.body)
        return RequestSpec(self.method, url, headers, self.body, self.secrets, form)

    def body_text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def to_json(self) -> dict[str, Any]:
        """The contract's `request` object; call on a masked spec."""
        return {"method": self.method, "url": self.url, "headers": dict(self.headers),
                "body": self.body_text()}


_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass(frozen=True)
class Response:
    """What the server answered. `body` holds at most the transport's cap; `size` is the
    full number of bytes received."""

    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    size: int
    truncated: bool = False

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (JSONP unwrapped), or None when it is not JSON. A trailing
        comma is read past, for explaining only: VibeTrace's documented 400 body has one."""
        text = unwrap_jsonp(self.text()).strip()
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            pass
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", text)) if "," in text else None
        except (ValueError, RecursionError):
            return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def unwrap_jsonp(text: str) -> str:
    """`vt({...});` → `{...}`; anything else is returned unchanged."""
    stripped = text.strip()
    if stripped.endswith(";"):
        stripped = stripped[:-1].rstrip()
    open_at = stripped.find("(")
    if open_at > 0 and stripped.endswith(")"):
        name = stripped[:open_at].strip()
        if name.replace("_", "a").replace(".", "a").replace("$", "a").isalnum():
            return stripped[open_at + 1:-1]
    return text


@dataclass(frozen=True)
class Exchange:
    """One request and what came of it: an answer, or an error (never both missing)."""

    request: RequestSpec
    response: Response | None
    error: str | None
    error_kind: str | None
    elapsed_ms: float
    started_at: str

    @property
    def answered(self) -> bool:
        return self.response is not None

    def masked(self, extra_secrets: tuple[str, ...] = ()) -> Exchange:
        """Secrets of the request (and any extra ones, such as a fresh token) hidden
        everywhere, the response included."""
        secrets = tuple(self.request.secrets) + tuple(extra_secrets)
        request = replace(self.request, secrets=secrets).masked()
        response = self.response
        if response is not None:
            response = replace(
                response,
                headers={k: mask_text(v, secrets) for k, v in response.headers.items()},
                body=mask_bytes(response.body, secrets),
            )
        error = mask_text(self.error, secrets) if self.error else self.error
        return replace(self, request=request, response=response, error=error)


PREVIEW_BODY_CAP = 200_000
BODY_HEADING = "Body, formatted for reading:"


def preview_text(spec: RequestSpec) -> str:
    """What the request preview shows: the request line, the headers and the body exactly as
    they go on the wire (the masked spec's bytes), then, for reading only, the query decoded
    and a JSON body formatted."""
    lines = [f"{spec.method} {spec.url}", *(f"{k}: {v}" for k, v in spec.headers.items())]
    query = _readable_query(spec.url)
    # Events that ride in the query (VibeTrace's data=) are read first, decoded; the URL-encoded
    # request line they make follows.
    events_first = "\n  data = [" in query or "\n  data = {" in query
    text = (query.lstrip("\n") + "\nAs sent:\n" if events_first else "") + "\n".join(lines) + "\n"
    body = spec.body_text()
    if spec.body:
        text += "\n" + _capped(body) + "\n"
    if not events_first:
        text += query
    if spec.body:
        formatted = _pretty(body)
        if formatted != body:
            text += "\n" + BODY_HEADING + "\n" + _capped(formatted) + "\n"
    return text


def _capped(text: str) -> str:
    if len(text) > PREVIEW_BODY_CAP:
        return text[:PREVIEW_BODY_CAP] + f"\n… (preview cut at {PREVIEW_BODY_CAP:,} characters)"
    return text


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return text


def _readable_query(url: str) -> str:
    """The query string decoded, one parameter a line (VibeTrace's events ride there)."""
    from urllib.parse import parse_qsl, urlsplit

    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    if not query:
        return ""
    lines = ["", "Query parameters (decoded, for reading):"]
    for name, value in query:
        shown = _capped(_pretty(value)).replace("\n", "\n  ") if value[:1] in "[{" else value
        lines.append(f"  {name} = {shown}")
    return "\n".join(lines) + "\n"
