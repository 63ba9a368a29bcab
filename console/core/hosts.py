"""Which hosts are this computer, and which requests to a local server come from a web page.

One `is_loopback` for everything that asks (the transport's proxy choice, the Environment
label and the live-send question, capture and the sandbox). And one guard for the two local
servers: a server on 127.0.0.1 is reachable by every web page the user opens, so a request
that carries a browser's cross-site marks, or a `Host` that is not this computer's (DNS
rebinding: a page's own name made to point at 127.0.0.1), is refused, as Jupyter's server
and Vite's dev server refuse them.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, bracketed or not) is this computer: `localhost`
    and `*.localhost` (RFC 6761 keeps them here), 127.0.0.0/8 and ::1."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("", "0.0.0.0", "::")


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def host_of(authority: str) -> str | None:
    """The host of a `Host` header (`name:port`, `[::1]:port`); None when it is malformed."""
    authority = authority.strip()
    try:
        host = urlsplit("//" + authority).hostname
        urlsplit("//" + authority).port  # noqa: B018 - a port that is not a number is malformed too
    except ValueError:
        return None
    if host is None or any(c in authority for c in "/?#@ \\"):
        return None
    return host


def allowed_host(host: str, listening: str) -> bool:
    """Whether a request naming `host` may be served by a server listening on `listening`
    (the `--host` given): loopback names, that host itself, and, when the user chose to
    listen on every interface, any address (DNS rebinding needs a name, not an address)."""
    if is_loopback(host) or host.strip("[]").lower() == listening.strip("[]").lower():
        return True
    return _is_wildcard(listening) and _is_address(host)


def browser_refusal(headers: dict[str, str], listening: str) -> str | None:
    """Why a request to a local server must be refused as a web page's or a rebinding's (None:
    serve it). `headers` has lower-case names."""
    if "host" in headers:
        host = host_of(headers["host"])
        if host is None:
            return f"the Host header {headers['host']!r} is malformed"
        if not allowed_host(host, listening):
            return (f"the Host {host!r} is not this computer (a web page's name pointed at it: DNS rebinding); "
                    "use 127.0.0.1 or localhost")
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site == "cross-site":
        return "a web page of another site sent it (Sec-Fetch-Site: cross-site)"
    origin = headers.get("origin")
    if origin is not None:
        origin = origin.strip()
        try:
            origin_host = urlsplit(origin).hostname if origin.lower() != "null" else None
        except ValueError:
            origin_host = None
        if origin_host is None or not allowed_host(origin_host, listening):
            return f"a web page sent it (Origin {origin!r} is another site)"
    return None
