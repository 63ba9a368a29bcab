"""History out and in: cURL commands, the app's JSON export, and HAR 1.2 (which browsers'
developer tools load). Everything exported is already redacted in the database; imports are
redacted again before they are stored, since a HAR from elsewhere may carry live keys."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

from console import __version__
from console.core.exchange import RequestSpec
from console.core.history import Record
from console.core.outcomes import status_label
from console.core.secrets import MASK, redact_log_text

JSON_FORMAT = "event-console-history"
JSON_VERSION = 1
# Header names whose values are credentials wherever they come from.
SECRET_HEADERS = {"authorization", "cookie", "set-cookie", "x-api-key", "api-key", "token"}
SECRET_QUERY = {"token", "apikey", "api_key", "key", "access_token"}
SECRET_BODY_FIELDS = {"APIKey", "SessionID", "apiKey", "token", "password"}


class HistoryImportError(ValueError):
    """The file is not an export this app can read; the message says why."""


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


# -- export -------------------------------------------------------------------------------------

def to_curl_commands(rows: list[dict]) -> str:
    from console.core.curl import to_curl

    parts = []
    for row in rows:
        spec = RequestSpec(row["method"], row["url"], row["request_headers"] or {}, row["request_body"] or b"")
        status = status_label(row)
        parts.append(f"# #{row['id']} {row['time']} {row['vendor']}/{row['operation']} [{row['profile']}] → {status}\n"
                     + to_curl(spec))
    return "\n\n".join(parts) + "\n"


def to_json_export(rows: list[dict]) -> str:
    items = []
    for row in rows:
        item = {k: v for k, v in row.items() if k not in ("request_body", "response_body")}
        for key in ("request_body", "response_body"):
            data = row.get(key)
            if data is None:
                item[key] = None
                continue
            try:
                item[key] = {"text": data.decode("utf-8")}
            except UnicodeDecodeError:
                item[key] = {"base64": base64.b64encode(data).decode()}
        items.append(item)
    return json.dumps({"format": JSON_FORMAT, "version": JSON_VERSION, "exported": _now(),
                       "exchanges": items}, ensure_ascii=False, indent=1)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _pairs(mapping: dict | None) -> list[dict[str, str]]:
    return [{"name": k, "value": str(v)} for k, v in (mapping or {}).items()]


def to_har(rows: list[dict]) -> dict:
    """A HAR 1.2 log of these exchanges; the app's own fields ride in `_eventConsole`."""
    entries = []
    for row in rows:
        headers = row["request_headers"] or {}
        body = row["request_body"] or b""
        mime = headers.get("Content-Type", "application/json" if body else "")
        request = {
            "method": row["method"], "url": row["url"], "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": _pairs(headers),
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(row["url"]).query, keep_blank_values=True)],
            "headersSize": -1, "bodySize": len(body),
        }
        if body:
            request["postData"] = {"mimeType": mime, "text": _text(body)}
        response_headers = row["response_headers"] or {}
        answer = row["response_body"] or b""
        answered = row["status"] is not None
        response = {
            "status": row["status"] if answered else 0,
            "statusText": row["reason"] or "" if answered else "",
            "httpVersion": "HTTP/1.1" if answered else "", "cookies": [],
            "headers": _pairs(response_headers),
            "content": {"size": row["response_size"] or 0,
                        "mimeType": response_headers.get("Content-Type", response_headers.get("content-type", "")),
                        "text": _text(answer)},
            "redirectURL": "", "headersSize": -1, "bodySize": len(answer) if answered else -1,
        }
        if row.get("response_truncated"):
            response["content"]["comment"] = "truncated: the first 5 MB were kept"
        elapsed = float(row["elapsed_ms"] or 0)
        entries.append({
            "startedDateTime": row["time"], "time": elapsed, "request": request, "response": response,
            "cache": {}, "timings": {"send": 0, "wait": elapsed, "receive": 0},
            "_eventConsole": {k: row.get(k) for k in ("id", "vendor", "operation", "profile", "payload", "settings",
                                                       "credential", "issues", "outcome", "forced", "error",
                                                       "error_kind", "pinned")},
        })
    return {"log": {"version": "1.2", "creator": {"name": "event-console", "version": __version__},
                    "pages": [], "entries": entries}}


# -- import -------------------------------------------------------------------------------------

def _redact_headers(headers: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            value = "Bearer " + MASK if value.lower().startswith("bearer ") else MASK
        out[name] = value
    return out


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    from urllib.parse import urlencode

    query = [(k, MASK if k.lower() in SECRET_QUERY else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return parts._replace(query=urlencode(query, safe="*")).geturl()


def _redact_body(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return redact_log_text(text)
    found = SECRET_BODY_FIELDS & data.keys() if isinstance(data, dict) else set()
    found = {name for name in found if data[name] != MASK}
    if not found:
        return text  # unchanged, byte for byte
    for name in found:
        data[name] = MASK
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _guess_operation(method: str, url: str) -> tuple[str, str] | None:
    from console.core.curl import CurlRequest, _candidates

    found = _candidates(CurlRequest(method, url, [], None))
    return (found[0][0].name, found[0][1].name) if found else None


def from_json_export(text: str) -> list[Record]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise HistoryImportError(f"The file is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise HistoryImportError("This JSON is not an Event Console history export.")
    if data.get("version", 0) > JSON_VERSION:
        raise HistoryImportError("This export was written by a newer Event Console.")
    def body(item, key):
        value = item.get(key)
        if value is None:
            return None
        return value["text"].encode() if "text" in value else base64.b64decode(value["base64"])

    records = []
    for number, item in enumerate(data.get("exchanges", []), start=1):
        try:
            records.append(_record_from_export(item, body))
        except (KeyError, TypeError, ValueError) as exc:
            raise HistoryImportError(f"Exchange {number} of the file is incomplete ({exc}).") from None
    return records


def _record_from_export(item: dict, body) -> Record:
    request_body = body(item, "request_body")
    payload = item.get("payload")
    return Record(
        time=item["time"], vendor=item["vendor"], operation=item["operation"], profile=item["profile"],
        method=item["method"], url=_redact_url(item["url"]),
        request_headers=_redact_headers(item.get("request_headers") or {}),
        request_body=_redact_body(_text(request_body)).encode() if request_body else b"",
        payload=_redact_body(payload) if payload else payload, settings=item.get("settings") or {},
        credential=item.get("credential"), status=item.get("status"), reason=item.get("reason"),
        response_headers=item.get("response_headers"), response_body=body(item, "response_body"),
        response_size=item.get("response_size"), response_truncated=bool(item.get("response_truncated")),
        error=item.get("error"), error_kind=item.get("error_kind"), elapsed_ms=item.get("elapsed_ms"),
        issues=item.get("issues") or [], forced=bool(item.get("forced")), outcome=item.get("outcome") or "answered",
    )


def from_har(text: str) -> tuple[list[Record], int]:
    """Records from a HAR file, and how many entries were skipped (not a known endpoint)."""
    try:
        data = json.loads(text)
        entries = data["log"]["entries"]
    except (ValueError, KeyError, TypeError):
        raise HistoryImportError("This is not a HAR file (no log.entries).") from None
    records, skipped = [], 0
    for entry in entries:
        try:
            request, response = entry["request"], entry.get("response") or {}
            own = entry.get("_eventConsole") or {}
            vendor, operation = own.get("vendor"), own.get("operation")
            if not vendor:
                guess = _guess_operation(request["method"], request["url"])
                if guess is None:
                    skipped += 1
                    continue
                vendor, operation = guess
            body_text = (request.get("postData") or {}).get("text", "")
            status = response.get("status") or None
            content = response.get("content") or {}
            payload = own.get("payload")
            if payload is None and body_text:
                payload = body_text
            records.append(Record(
                time=entry.get("startedDateTime") or _now(), vendor=vendor, operation=operation,
                profile=own.get("profile") or "imported", method=request["method"],
                url=_redact_url(request["url"]),
                request_headers=_redact_headers({h["name"]: h["value"] for h in request.get("headers", [])}),
                request_body=_redact_body(body_text).encode() if body_text else b"",
                payload=_redact_body(payload) if payload else payload, settings=own.get("settings") or {},
                credential=own.get("credential"), status=status,
                reason=response.get("statusText") if status else None,
                response_headers=_redact_headers({h["name"]: h["value"] for h in response.get("headers", [])}) if status else None,
                response_body=content.get("text", "").encode() if status else None,
                response_size=content.get("size") if status else None,
                response_truncated="truncated" in content.get("comment", ""),
                error=own.get("error") or (None if status else "No answer (imported from HAR)."),
                error_kind=own.get("error_kind"), elapsed_ms=float(entry.get("time") or 0),
                issues=own.get("issues") or [], forced=bool(own.get("forced")),
                outcome=own.get("outcome") or ("answered" if status else "no-answer"),
            ))
        except (KeyError, TypeError, AttributeError):
            skipped += 1
    return records, skipped


def read_import(text: str) -> tuple[list[Record], int]:
    """Records from either kind of file (HAR or the app's JSON export)."""
    stripped = text.lstrip()
    if stripped.startswith("{") and '"log"' in stripped[:200]:
        return from_har(text)
    try:
        return from_json_export(text), 0
    except HistoryImportError:
        try:
            return from_har(text)
        except HistoryImportError:
            raise HistoryImportError("This file is neither a HAR file nor an Event Console JSON export.") from None

