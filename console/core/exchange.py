"""Immutable records of what will be sent (RequestSpec) and what happened (Exchange)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from console.core.secrets import mask_bytes, mask_text


@dataclass(frozen=True)
class RequestSpec:
    """An HTTP request exactly as it will go over the wire.

    `secrets` holds the credential values inside it, so that `masked()` can hide them; it is
    never sent and never written anywhere.
    """

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def masked(self) -> RequestSpec:
        """The same request with every secret value replaced, safe to show or store."""
        return RequestSpec(
            method=self.method,
            url=mask_text(self.url, self.secrets),
            headers={k: mask_text(v, self.secrets) for k, v in self.headers.items()},
            body=mask_bytes(self.body, self.secrets),
        )

    def body_text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def to_json(self) -> dict[str, Any]:
        """The contract's `request` object; call on a masked spec."""
        return {"method": self.method, "url": self.url, "headers": dict(self.headers),
                "body": self.body_text()}


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
        """The body parsed as JSON (JSONP unwrapped), or None when it is not JSON."""
        text = unwrap_jsonp(self.text()).strip()
        try:
            return json.loads(text)
        except ValueError:
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
