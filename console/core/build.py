"""Turns an operation's request template, its settings, credential and payload into a RequestSpec."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from console import __version__
from console.core.definitions import PLACEHOLDER, Operation
from console.core.exchange import RequestSpec

USER_AGENT = f"event-console/{__version__}"


def fill(template: str, values: dict[str, str], quote_values: bool = False) -> str:
    """`{name}` placeholders replaced by values (URL-quoted for path segments when asked)."""

    def value(match):
        text = str(values.get(match.group(1), ""))
        return quote(text, safe="") if quote_values else text

    return PLACEHOLDER.sub(value, template)


def payload_json(payload: Any) -> str:
    """The JSON text of a payload as it goes on the wire: compact, UTF-8, key order kept."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def build_request(op: Operation, payload: Any, values: dict[str, str],
                  secrets: tuple[str, ...] = ()) -> RequestSpec:
    """The request for `payload`. `values` holds settings, credentials and computed values
    (`random`, the vendor's template values); `secrets` are the values to mask later."""
    template = op.request
    values = {**values, "payload": payload_json(payload)}
    url = values.get("base_url", "").rstrip("/") + fill(template.path, values, quote_values=True)
    query = [(name, fill(t, values)) for name, t in template.query]
    query = [(name, v) for name, v in query if v != ""]
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    headers = {"User-Agent": USER_AGENT}
    headers.update({name: fill(t, values) for name, t in template.headers.items()})
    body = b""
    if template.body == "json":
        headers["Content-Type"] = "application/json"
        sent = payload
        injected = {field: values[secret] for secret, field in template.body_credentials.items()
                    if values.get(secret)}
        if injected and isinstance(payload, dict):
            sent = {**injected, **{k: v for k, v in payload.items() if k not in injected}}
        body = payload_json(sent).encode("utf-8")
    return RequestSpec(method=template.method, url=url, headers=headers, body=body, secrets=secrets)
