"""Turns an operation's request template, its settings, credential and payload into a RequestSpec."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from console import __version__
from console.core.definitions import PLACEHOLDER, Operation
from console.core.exchange import RequestSpec
from console.core.secrets import MASK

USER_AGENT = f"event-console/{__version__}"


def fill(template: str, values: dict[str, str], quote_values: bool = False) -> str:
    """`{name}` placeholders replaced by values (URL-quoted for path segments when asked)."""

    def value(match: re.Match[str]) -> str:
        text = str(values.get(match.group(1), ""))
        return quote(text, safe="") if quote_values else text

    return PLACEHOLDER.sub(value, template)


def payload_json(payload: Any) -> str:
    """The JSON text of a payload as it goes on the wire: compact, UTF-8, key order kept."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def build_request(op: Operation, payload: Any, values: dict[str, str],
                  secrets: tuple[str, ...] = (), secret_names: frozenset[str] = frozenset(),
                  masked_payload: Any = None) -> RequestSpec:
    """The request for `payload`. `values` holds settings, credentials and computed values
    (`random`, the vendor's template values); `secrets` are the credential values and
    `secret_names` the names of the values that are credentials. The request is built twice:
    as sent, and with *** in each credential's place (and `masked_payload`, the payload with
    its secret fields masked, when given), so masking is by place, never by search."""
    spec = _assemble(op, payload, values)
    hidden = {k: (MASK if k in secret_names and v else v) for k, v in values.items()}
    form = _assemble(op, payload if masked_payload is None else masked_payload, hidden, masked=True)
    return RequestSpec(spec.method, spec.url, spec.headers, spec.body, secrets, form)


def _assemble(op: Operation, payload: Any, values: dict[str, str], masked: bool = False) -> RequestSpec:
    template = op.request
    values = {**values, "payload": payload_json(payload)}
    url = values.get("base_url", "").rstrip("/") + fill(template.path, values, quote_values=True)
    query = [(name, fill(t, values)) for name, t in template.query]
    query = [(name, v) for name, v in query if v != ""]
    if query:
        # A masked credential reads *** (not %2A%2A%2A); every other value is encoded as sent.
        url += ("&" if "?" in url else "?") + "&".join(
            urlencode([(name, v)]) if not (masked and v == MASK) else f"{quote_plus(name)}={MASK}"
            for name, v in query)
    headers = {"User-Agent": USER_AGENT}
    for name, t in template.headers.items():
        names = PLACEHOLDER.findall(t)
        # A header made only to carry a credential that is not in use (Synerise AI events take
        # a tracker key in the query or a JWT in Authorization) is left out.
        if names and not any(values.get(n) for n in names):
            continue
        headers[name] = fill(t, values)
    body = b""
    if template.body == "json":
        headers["Content-Type"] = "application/json"
        sent = payload
        injected = {field: values[secret] for secret, field in template.body_credentials.items()
                    if values.get(secret)}
        if injected and isinstance(payload, dict):
            sent = {**injected, **{k: v for k, v in payload.items() if k not in injected}}
        body = payload_json(sent).encode("utf-8")
    return RequestSpec(method=template.method, url=url, headers=headers, body=body)
