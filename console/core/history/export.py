"""History out and in: cURL commands, the app's JSON export, and HAR 1.2 (which browsers'
developer tools load). Everything exported is already redacted in the database; imports are
redacted again before they are stored, since a HAR from elsewhere may carry live keys."""

from __future__ import annotations

import base64
import io
import json
import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from console import __version__
from console.core.exchange import RequestSpec
from console.core.history.entry import HistoryEntry
from console.core.history.json_stream import JsonStream, JsonStreamError
from console.core.history.records import HistoryFilter, Record
from console.core.outcomes import Outcome, Source
from console.core.redact import redact_body, redact_headers, redact_json_text, redact_url

if TYPE_CHECKING:
    from console.core.history.store import HistoryStore

JSON_FORMAT = "event-console-history"
JSON_VERSION = 1


class HistoryImportError(ValueError):
    """The file is not an export this app can read; the message says why."""


class ImportStopped(Exception):
    """The user stopped an import while its entries were read: nothing is imported."""


# An import reports how far it read (and asks whether to stop) every this many entries.
PROGRESS_EVERY = 200


class Unknown(Enum):
    """What an import does with a HAR entry that matches no endpoint of the five APIs."""

    SKIP = "skip"  # left out, and counted
    KEEP = "keep"  # kept too, as a plain exchange of vendor "other"
    ONLY = "only"  # only those are kept (a second pass, after the user said to keep them)


@contextmanager
def open_import_file(path: str | Path) -> Iterator[tuple[JsonStream, Callable[[], tuple[int, int]]]]:
    """A HAR or JSON export file a user named, opened to be walked as it is read (so it may be
    of any size): a regular file of UTF-8 text (a byte-order mark allowed); HistoryImportError
    otherwise. Gives the stream and `where()`: (characters walked past, the file's size in
    bytes), for progress."""
    from console.core.files import InputFileError, open_text

    try:
        text = open_text(path, "history file")
    except InputFileError as exc:
        raise HistoryImportError(str(exc)) from None
    with text:
        size = os.fstat(text.fileno()).st_size
        try:
            stream = JsonStream(text.read)
            yield stream, lambda: (stream.position(), size)
        except UnicodeDecodeError:
            raise HistoryImportError(f"{path} is not UTF-8 text, so it is neither HAR nor a JSON export") from None


def import_summary(path: str | Path, imported: int, skipped: int, repeated: int) -> str:
    """The one line an import ends with (the command line's and the window's)."""
    line = f"Imported {imported} exchange(s) from {path}."
    if repeated:
        line += f" {repeated} were in history already (the same time, method and URL) and were not added again."
    if skipped:
        line += (f" {skipped} entr{'y' if skipped == 1 else 'ies'} matched no known endpoint and "
                 "were skipped (--keep-unknown keeps them as vendor 'other').")
    return line


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


# -- export -------------------------------------------------------------------------------------

def _title(e: HistoryEntry) -> str:
    return f"#{e.id} {e.time} {e.vendor}/{e.operation} [{e.profile}] → {e.status_label}"


def curl_block(e: HistoryEntry) -> str:
    """One exchange as a commented curl command that sends its bytes again (keys masked)."""
    from console.core.curl import to_curl

    spec = RequestSpec(e.method, e.url, with_length(e.request_headers, e.request_body), e.request_body or b"")
    return f"# {_title(e)}\n" + to_curl(spec)


def to_curl_commands(entries: list[HistoryEntry]) -> str:
    return render(entries, "curl")


# Fields of an entry that an export leaves out (derived, or only for the list).
_NOT_EXPORTED = ("request_size",)


def json_item(entry: HistoryEntry) -> dict[str, Any]:
    """One exchange as an item of this console's JSON export."""
    row = entry.as_row()
    for key in _NOT_EXPORTED:
        row.pop(key, None)
    item = {k: v for k, v in row.items() if k not in ("request_body", "response_body")}
    item["request_headers"] = with_length(row.get("request_headers"), row.get("request_body"))
    if row.get("response_headers") is not None:
        item["response_headers"] = with_length(row["response_headers"], row.get("response_body"))
    for key in ("request_body", "response_body"):
        data = row.get(key)
        if data is None:
            item[key] = None
            continue
        try:
            item[key] = {"text": data.decode("utf-8")}
        except UnicodeDecodeError:
            item[key] = {"base64": base64.b64encode(data).decode()}
    return item


def to_json_export(entries: list[HistoryEntry]) -> str:
    return render(entries, "json")


CREATOR = {"name": "event-console", "version": __version__}  # a HAR's creator
PROGRAMS = ("python", "node", "php")  # sent oldest first: a program replays in the order they were sent
FORMATS = ("har", "json", "curl", *PROGRAMS)


def entries_for_export(store: HistoryStore, limit: int | None = None, ids: list[int] | None = None,
                       filters: HistoryFilter | None = None,
                       oldest_first: bool = False, page: int = 500) -> Iterator[HistoryEntry]:
    """The exchanges to export, with their bodies, a page at a time (constant memory whatever
    the history's size): `ids`, or the newest `limit` (all when None) that pass `filters`;
    newest first, or oldest first (then only their ids are held: 8 bytes each). Read through
    store.streaming(): a scan of the whole history maps none of it into memory."""
    with store.streaming():
        if ids is not None:
            chosen = array("q", sorted(ids, reverse=not oldest_first))
        elif oldest_first:
            chosen = array("q", _listed(store, limit, filters, page))
            chosen.reverse()
        else:
            chosen = None
        if chosen is not None:
            for start in range(0, len(chosen), page):
                yield from store.get_many(list(chosen[start:start + page]))
            return
        yield from _listed(store, limit, filters, page, whole=True)


def _listed(store: HistoryStore, limit: int | None, filters: HistoryFilter | None, page: int,
            whole: bool = False) -> Iterator[Any]:
    """The list's rows, newest first, page by page: their ids, or (`whole`) the whole
    exchanges, bodies included."""
    before, seen = None, 0
    while limit is None or seen < limit:
        size = page if limit is None else min(page, limit - seen)
        listed = store.page(before, size, filters=filters, ids_only=not whole, whole=whole)
        if not listed:
            return
        yield from listed
        seen += len(listed)
        before = listed[-1].id if whole else listed[-1]


def write_export(out: TextIO, entries: Iterable[HistoryEntry], fmt: str,
                 progress: Callable[[int], None] | None = None) -> int:
    """Writes the exchanges to `out` in `fmt` as they come (one exchange in memory at a time,
    JSON by the C encoder); returns how many. `progress(count)` is told every 200."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    from console.core import snippets

    item: Callable[[HistoryEntry], str]
    if fmt == "har":
        head = f'{{"log": {{"version": "1.2", "creator": {json.dumps(CREATOR)}, "pages": [], "entries": [\n'
        layout = (head, ",\n", "\n]}}\n")

        def item(e: HistoryEntry) -> str:
            return json.dumps(har_entry(e), ensure_ascii=False)
    elif fmt == "json":
        head = (f'{{"format": {json.dumps(JSON_FORMAT)}, "version": {JSON_VERSION}, "exported": {json.dumps(_now())}, '
                '"exchanges": [\n')
        layout = (head, ",\n", "\n]}\n")

        def item(e: HistoryEntry) -> str:
            return json.dumps(json_item(e), ensure_ascii=False)
    elif fmt == "curl":
        layout, item = ("", "\n\n", "\n"), curl_block
    else:
        layout = (snippets.program_head(fmt), "\n\n", snippets.program_tail(fmt))

        def item(e: HistoryEntry) -> str:
            return snippets.program_part(fmt, _title(e), e.method, e.url, e.request_headers, e.request_body)

    head, separator, tail = layout
    out.write(head)
    count = 0
    for entry in entries:
        out.write((separator if count else "") + item(entry))
        count += 1
        if progress is not None and count % 200 == 0:
            progress(count)
    out.write(tail)
    return count


def render(rows: list[HistoryEntry], fmt: str) -> str:
    """The exchanges as the text of an export file, in the order given: "har", "json",
    "curl", or a program in "python", "node" or "php"."""
    import io

    out = io.StringIO()
    write_export(out, rows, fmt)
    return out.getvalue()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _pairs(mapping: dict[str, Any] | None) -> list[dict[str, str]]:
    """HAR name/value pairs; a header stored with several values (one per line, as imports
    keep repeated headers) becomes one pair per value again."""
    return [{"name": k, "value": part} for k, v in (mapping or {}).items() for part in str(v).split("\n")]


def with_length(headers: dict[str, Any] | None, body: bytes | None) -> dict[str, str]:
    """Headers as they may be sent again: a Content-Length the masking made wrong (a key of
    24 characters became ***) says the body's length now, so curl, Postman or a browser that
    replays the export sends the whole body and no server waits for bytes that never come."""
    out = dict(headers or {})
    for name in list(out):
        if name.lower() == "content-length":
            out[name] = str(len(body or b""))
    return out


def _header(mapping: dict[str, Any] | None, name: str, default: str = "") -> str:
    """A header's value whatever the casing of its name."""
    for key, value in (mapping or {}).items():
        if key.lower() == name:
            return str(value)
    return default


def _content(data: bytes) -> dict[str, str]:
    """HAR content text: the body as text, or base64 (with "encoding") when it is not UTF-8."""
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"text": base64.b64encode(data).decode("ascii"), "encoding": "base64"}


def to_har(history: list[HistoryEntry]) -> dict[str, Any]:
    """A HAR 1.2 log of these exchanges; the app's own fields ride in `_eventConsole`."""
    return {"log": {"version": "1.2", "creator": CREATOR, "pages": [], "entries": [har_entry(e) for e in history]}}


def har_entry(entry: HistoryEntry) -> dict[str, Any]:
    """One exchange as a HAR 1.2 entry."""
    row = entry.as_row()
    body = row["request_body"] or b""
    headers = with_length(row["request_headers"], body)
    mime = _header(headers, "content-type", "application/json" if body else "")
    request = {
        "method": row["method"], "url": row["url"], "httpVersion": "HTTP/1.1", "cookies": [],
        "headers": _pairs(headers),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(row["url"]).query, keep_blank_values=True)],
        "headersSize": -1, "bodySize": len(body),
    }
    if body:
        request["postData"] = {"mimeType": mime, "text": _text(body)}
        if _content(body).get("encoding"):  # HAR's postData has no base64 form
            request["postData"]["comment"] = "not UTF-8: shown with replacement characters"
    answer = row["response_body"] or b""
    response_headers = with_length(row["response_headers"], answer)
    answered = row["status"] is not None
    content: dict[str, Any] = {"size": row["response_size"] or 0,
                               "mimeType": _header(response_headers, "content-type"), **_content(answer)}
    response = {
        "status": row["status"] if answered else 0,
        "statusText": row["reason"] or "" if answered else "",
        "httpVersion": "HTTP/1.1" if answered else "", "cookies": [],
        "headers": _pairs(response_headers),
        "content": content,
        "redirectURL": "", "headersSize": -1, "bodySize": len(answer) if answered else -1,
    }
    if row.get("response_truncated"):
        content["comment"] = "truncated: the first 5 MB were kept"
    elapsed = float(row["elapsed_ms"] or 0)
    return {
        "startedDateTime": row["time"], "time": elapsed, "request": request, "response": response,
        "cache": {}, "timings": {"send": 0, "wait": elapsed, "receive": 0},
        "_eventConsole": {k: row.get(k) for k in ("id", "vendor", "operation", "profile", "payload", "settings",
                                                   "credential", "issues", "outcome", "forced", "error",
                                                   "error_kind", "pinned", "source")},
    }


# -- import -------------------------------------------------------------------------------------
#
# An imported file may come from anywhere: every field is checked for its type before it is
# stored (a row the window cannot show must never get in), and credentials are masked on the
# way in, wherever they sit (headers, query, nested body fields, answers).

OUTCOMES = frozenset(o.value for o in Outcome)


def _guess_operation(method: str, url: str) -> tuple[str, str] | None:
    from console.core.curl import CurlRequest, _candidates

    found = _candidates(CurlRequest(method, url, [], None))
    return (found[0][0].name, found[0][1].name) if found else None


class _Checked:
    """Typed reads from one imported object; a wrong type is a HistoryImportError that names
    the entry and the field."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise HistoryImportError(f"{where} must be an object, not {_kind(data)}.")
        self.data, self.where = data, where

    def get(self, name: str, kinds: tuple[Any, ...], required: bool = False, default: Any = None) -> Any:
        value = self.data.get(name)
        if value is None:
            if required:
                raise HistoryImportError(f"{self.where}: {name} is missing.")
            return default
        if type(value) in kinds and type(value) is not float:  # the usual case, in one test
            return value
        if isinstance(value, bool) and bool not in kinds:
            raise HistoryImportError(f"{self.where}: {name} must be {_words(kinds)}, not true/false.")
        if not isinstance(value, kinds):
            raise HistoryImportError(f"{self.where}: {name} must be {_words(kinds)}, not {_kind(value)}.")
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise HistoryImportError(f"{self.where}: {name} must be a finite number.")
        return value

    def child(self, name: str) -> _Checked | None:
        value = self.get(name, (dict,))
        return None if value is None else _Checked(value, f"{self.where}, {name}")

    def need(self, name: str) -> _Checked:
        """The object `name`, which must be there."""
        return _Checked(self.get(name, (dict,), required=True), f"{self.where}, {name}")

    def strings(self, name: str) -> dict[str, str] | None:
        """A {name: text} object (headers, settings)."""
        value = self.get(name, (dict,))
        if value is None:
            return None
        for key, item in value.items():
            if not isinstance(item, str):
                raise HistoryImportError(f"{self.where}: {name}.{key} must be text, not {_kind(item)}.")
        return dict(value)


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _words(kinds: tuple[Any, ...]) -> str:
    names = {str: "text", int: "a number", float: "a number", dict: "an object", list: "a list",
             bool: "true/false"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _status(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not 100 <= value <= 999:
        raise HistoryImportError(f"{where}: status must be an HTTP status (100 to 999), not {value}.")
    return int(value)


def _time(value: str, where: str) -> str:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HistoryImportError(f"{where}: time must be an ISO 8601 date and time, not {value[:40]!r}.") from None
    return value


def _known(vendor: str, operation: str, where: str) -> None:
    from console.core.definitions import vendors

    known = vendors()
    if vendor == OTHER:
        return
    if vendor not in known or operation not in known[vendor].operations:
        raise HistoryImportError(f"{where}: {vendor}/{operation} is not an operation this console knows.")


def _issues(value: Any, where: str) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise HistoryImportError(f"{where}: issues must be a list, not {_kind(value)}.")
    issues = []
    for number, item in enumerate(value, start=1):
        issue = _Checked(item, f"{where}, issue {number}")
        severity = issue.get("severity", (str,), required=True)
        if severity not in ("error", "warning"):
            raise HistoryImportError(f"{where}, issue {number}: severity must be error or warning.")
        issues.append({"severity": severity, "path": issue.get("path", (str,), default=""),
                       "message": issue.get("message", (str,), required=True)})
    return issues


def _export_body(item: _Checked, key: str) -> bytes | None:
    holder = item.child(key)
    if holder is None:
        return None
    if "text" in holder.data:
        return bytes(holder.get("text", (str,), required=True).encode("utf-8", "surrogatepass"))
    encoded = holder.get("base64", (str,), required=True)
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise HistoryImportError(f"{item.where}: {key}.base64 is not base64.") from None


def _record_from_export(item: _Checked) -> Record:
    where = item.where
    vendor = item.get("vendor", (str,), required=True)
    operation = item.get("operation", (str,), required=True)
    _known(vendor, operation, where)
    outcome = item.get("outcome", (str,), default=Outcome.ANSWERED.value)
    if outcome not in OUTCOMES:
        raise HistoryImportError(f"{where}: outcome {outcome!r} is not one of {', '.join(sorted(OUTCOMES))}.")
    payload = item.get("payload", (str,))
    elapsed = item.get("elapsed_ms", (int, float))
    size = item.get("response_size", (int,))
    if (elapsed is not None and elapsed < 0) or (size is not None and size < 0):
        raise HistoryImportError(f"{where}: elapsed_ms and response_size cannot be negative.")
    return Record(
        time=_time(item.get("time", (str,), required=True), where), vendor=vendor, operation=operation,
        profile=item.get("profile", (str,), required=True), method=item.get("method", (str,), required=True),
        url=redact_url(item.get("url", (str,), required=True)),
        request_headers=redact_headers(item.strings("request_headers") or {}),
        request_body=redact_body(_export_body(item, "request_body")) or b"",
        payload=redact_json_text(payload) if payload else payload, settings=item.strings("settings") or {},
        credential=item.get("credential", (str,)), status=_status(item.get("status", (int,)), where),
        reason=item.get("reason", (str,)),
        response_headers=redact_headers(headers) if (headers := item.strings("response_headers")) is not None else None,
        response_body=redact_body(_export_body(item, "response_body")),
        response_size=size, response_truncated=bool(item.get("response_truncated", (bool, int), default=False)),
        error=item.get("error", (str,)), error_kind=item.get("error_kind", (str,)), elapsed_ms=elapsed,
        issues=_issues(item.data.get("issues"), where), forced=bool(item.get("forced", (bool, int), default=False)),
        outcome=outcome, source=Source.IMPORT,
    )


def _har_headers(holder: _Checked, where: str) -> dict[str, str]:
    value = holder.get("headers", (list,), default=[])
    headers: dict[str, str] = {}
    for number, pair in enumerate(value, start=1):
        header = _Checked(pair, f"{where} header {number}")
        name = header.get("name", (str,), required=True)
        if name.startswith(":"):
            continue  # HTTP/2's pseudo-headers (:authority, :method, :path, :scheme): the request line, as curl reads them
        text = header.get("value", (str,), default="").replace("\n", " ")
        # A repeated name (Set-Cookie) keeps every value, one per line; exports split them again.
        headers[name] = f"{headers[name]}\n{text}" if name in headers else text
    return headers


def _har_content(content: _Checked | None) -> bytes:
    """A HAR content object's bytes (base64 decoded where it says so)."""
    if content is None:
        return b""
    text = content.get("text", (str,), default="")
    encoding = content.get("encoding", (str,), default="")
    if encoding.lower() == "base64":
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except ValueError:
            raise HistoryImportError(f"{content.where}: text is not valid base64.") from None
    return bytes(text.encode("utf-8", "surrogatepass"))


def _har_post_text(request: _Checked) -> str:
    post = request.child("postData")
    if post is None:
        return ""
    if "params" in post.data and not post.data.get("text"):
        from urllib.parse import urlencode

        params = post.get("params", (list,), default=[])
        pairs = []
        for number, param in enumerate(params, start=1):
            checked = _Checked(param, f"{post.where} param {number}")
            pairs.append((checked.get("name", (str,), required=True), checked.get("value", (str,), default="")))
        return urlencode(pairs)
    return str(post.get("text", (str,), default=""))


OTHER = "other"  # the vendor of an imported exchange that matches no operation this app knows


def _record_from_har(entry: _Checked, unknown: Unknown = Unknown.SKIP) -> Record | None:
    where = entry.where
    request = entry.need("request")
    response = entry.child("response")
    own = entry.child("_eventConsole")
    method = request.get("method", (str,), required=True)
    url = request.get("url", (str,), required=True)
    try:
        urlsplit(url).port  # noqa: B018 - "http://[::1/…" or a port that is no number: said, not raised
    except ValueError as exc:
        raise HistoryImportError(f"{where}: request.url is not a URL ({exc}): {url[:80]!r}.") from None
    vendor = own.get("vendor", (str,)) if own else None
    operation = own.get("operation", (str,)) if own else None
    if vendor or operation:
        if not (vendor and operation):
            raise HistoryImportError(f"{where}: _eventConsole needs both vendor and operation.")
        _known(vendor, operation, where)
        if unknown is Unknown.ONLY:
            return None
    else:
        guess = _guess_operation(method, url)
        if (guess is None and unknown is Unknown.SKIP) or (guess is not None and unknown is Unknown.ONLY):
            return None
        vendor, operation = guess or (OTHER, method.upper())
    body_text = _har_post_text(request)
    status = _status(response.get("status", (int,)) or None, where) if response else None
    content = response.child("content") if response else None
    answer = _har_content(content) if status else None
    payload = own.get("payload", (str,)) if own else None
    if payload is None and body_text:
        payload = body_text
    if payload is None and vendor != OTHER:  # a GET's payload rides in its query (VibeTrace's data=)
        payload = _payload_from_query(method, url, vendor)
    outcome = own.get("outcome", (str,)) if own else None
    if outcome is not None and outcome not in OUTCOMES:
        raise HistoryImportError(f"{where}: _eventConsole.outcome {outcome!r} is not known.")
    elapsed = entry.get("time", (int, float), default=0)
    if elapsed < 0:
        elapsed = 0  # HAR's -1: not known
    comment = content.get("comment", (str,), default="") if content else ""
    started = entry.get("startedDateTime", (str,))
    sent = body_text.encode("utf-8", "surrogatepass") if body_text else b""
    request_body = redact_body(sent) or b""
    if payload and not (payload == body_text and request_body is sent):
        payload = redact_json_text(payload)  # (the body's own text, found clean just now, is not read again)
    return Record(
        time=_time(started, where) if started else _now(), vendor=vendor, operation=operation,
        profile=(own.get("profile", (str,)) if own else None) or "imported", method=method,
        url=redact_url(url),
        request_headers=redact_headers(_har_headers(request, f"{where} request")),
        request_body=request_body,
        payload=payload,
        settings=(own.strings("settings") if own else None) or {},
        credential=own.get("credential", (str,)) if own else None, status=status,
        reason=response.get("statusText", (str,)) if response and status else None,
        response_headers=redact_headers(_har_headers(response, f"{where} response")) if response and status else None,
        response_body=redact_body(answer) if status else None,
        response_size=(content.get("size", (int,)) if content else None) if status else None,
        response_truncated="truncated" in comment,
        error=(own.get("error", (str,)) if own else None) or (None if status else "No answer (imported from HAR)."),
        error_kind=own.get("error_kind", (str,)) if own else None, elapsed_ms=float(elapsed),
        issues=_issues(own.data.get("issues"), where) if own else [],
        forced=bool(own.get("forced", (bool, int), default=False)) if own else False,
        outcome=outcome or (Outcome.ANSWERED if status else Outcome.NO_ANSWER), source=Source.IMPORT,
    )


def _payload_from_query(method: str, url: str, vendor: str) -> str | None:
    """The payload a request of a known operation carries in its URL (JSON text), or None."""
    from console.core.curl import CurlError, CurlRequest, map_request

    try:
        mapped = map_request(CurlRequest(method, url, [], None), only_vendor=vendor)
    except (CurlError, ValueError, RecursionError):
        return None
    return None if mapped.payload is None else json.dumps(mapped.payload, ensure_ascii=False)


NEITHER = "This file is neither a HAR file nor an Event Console JSON export"
_ABSENT = object()  # a member the file does not have


class EntryReader:
    """One reading of a HAR file or the app's JSON export, entry by entry: `records()` gives
    each exchange to import as it is read and checked (one entry in memory at a time), and
    raises HistoryImportError, naming the entry and the field, at the first thing malformed (so
    a caller that stores them as they come must be able to take them back). Afterwards `read`
    says how many entries there were and `skipped` how many HAR entries `unknown` left out.
    `every(read, last)` is called every PROGRESS_EVERY entries and after the last: a progress
    report, or a Stop (it may raise ImportStopped)."""

    def __init__(self, stream: JsonStream, unknown: Unknown = Unknown.SKIP,
                 every: Callable[[int, bool], None] | None = None):
        self.stream, self.unknown, self.every = stream, unknown, every
        self.read = self.skipped = 0

    def records(self) -> Iterator[Record]:
        stream = self.stream
        first = stream.peek()
        if first != "{":
            try:
                if first != "[":  # an array is no export either way, however long: not read
                    stream.value()
                    stream.end()
            except JsonStreamError:
                raise HistoryImportError(f"{NEITHER} (it is not JSON).") from None
            raise HistoryImportError(f"{NEITHER}.")
        kind: str | None = None  # "har" or "json", once a member says which
        version: Any = _ABSENT
        held: Any = _ABSENT  # exchanges written before the export's format and version: read whole
        streamed = False
        try:
            for key in stream.members():
                if key == "log" and kind != "json":
                    if kind == "har":
                        raise HistoryImportError("This HAR file has two log objects.")
                    kind = "har"
                    yield from self._har_log()
                elif key == "format" and kind != "har":
                    kind = "json" if stream.value() == JSON_FORMAT else None
                elif key == "version":
                    version = stream.value()
                elif key == "exchanges" and kind != "har":
                    if streamed or held is not _ABSENT:
                        raise HistoryImportError("This export has two lists of exchanges.")
                    if kind == "json" and version is not _ABSENT:
                        self._check_version(version)
                        yield from self._exchanges()
                        streamed = True
                    else:
                        held = stream.value()
                else:
                    stream.value()
            stream.end()
        except JsonStreamError as exc:
            what = {"har": "This HAR file", "json": "This export"}.get(kind or "", NEITHER)
            raise HistoryImportError(f"{what} is not JSON: {exc}.") from None
        if kind is None:
            raise HistoryImportError(f"{NEITHER}.")
        if kind == "json" and not streamed:
            self._check_version(0 if version is _ABSENT else version)
            held = None if held is _ABSENT else held
            if not isinstance(held, list):
                raise HistoryImportError(f"The export's exchanges must be a list, not {_kind(held)}.")
            for item in held:
                yield self._counted(_record_from_export(_Checked(item, f"Exchange {self.read + 1}")))
            self._report()

    @staticmethod
    def _check_version(version: Any) -> None:
        if not isinstance(version, int) or isinstance(version, bool):
            raise HistoryImportError("The export's version must be a number.")
        if version > JSON_VERSION:
            raise HistoryImportError("This export was written by a newer Event Console.")

    def _counted(self, record: Record) -> Record:
        self._tick()
        return record

    def _tick(self) -> None:
        self.read += 1
        if self.every is not None and self.read % PROGRESS_EVERY == 0:
            self.every(self.read, False)

    def _report(self) -> None:
        """The last report, after the last entry."""
        if self.every is not None:
            self.every(self.read, True)

    def _har_log(self) -> Iterator[Record]:
        stream = self.stream
        if stream.peek() != "{":
            stream.value()
            raise HistoryImportError("This is not a HAR file (no log object).")
        entries = False
        for key in stream.members():
            if key != "entries":
                stream.value()
                continue
            if entries:
                raise HistoryImportError("This HAR file's log has two lists of entries.")
            entries = True
            if stream.peek() != "[":
                raise HistoryImportError(f"This HAR file's log.entries must be a list, not {_kind(stream.value())}.")
            for raw in stream.items():
                number = self.read + 1
                record = _record_from_har(_Checked(raw, f"Entry {number}"), self.unknown)
                self._tick()
                if record is None:
                    self.skipped += 1
                else:
                    yield record
        if not entries:
            raise HistoryImportError("This HAR file's log.entries must be a list, not null.")
        self._report()

    def _exchanges(self) -> Iterator[Record]:
        stream = self.stream
        if stream.peek() != "[":
            raise HistoryImportError(f"The export's exchanges must be a list, not {_kind(stream.value())}.")
        for item in stream.items():
            yield self._counted(_record_from_export(_Checked(item, f"Exchange {self.read + 1}")))
        self._report()


def read_import(text: str, keep_unknown: bool = False) -> tuple[list[Record], int]:
    """Records from the text of either kind of file (HAR or the app's JSON export), and how many
    HAR entries matched no known endpoint and were skipped (kept as vendor "other" with
    `keep_unknown`). Raises HistoryImportError, naming the entry and the field, for anything
    malformed. (A file is read as it is walked instead: console.engine.history_ops.)"""
    if not isinstance(text, str):
        raise HistoryImportError("The file is not text.")
    reader = EntryReader(JsonStream(io.StringIO(text.lstrip("\ufeff")).read),  # a BOM, as some browsers write
                         Unknown.KEEP if keep_unknown else Unknown.SKIP)
    return list(reader.records()), reader.skipped
