"""Postman collections (v2.1) both ways: a suite exported as a collection that `newman` runs
against the same hosts with the same results, and a collection imported as case files.

Export: one request per case (folders kept), its expectations as the request's tests, its
`vars` as variables that a data row overrides, and the profile's hosts, variables and
credentials as collection variables (`{{synerise_base_url}}`, `{{octeth_api_key}}`): the
sandbox's dummies are filled in; a real profile's credentials are left empty, for
`newman run … --env-var octeth_api_key=…`, so no key reaches the file. A token exchange
(Synerise's API key for a JWT) is a login request first, whose test keeps the token.

Import: each request that is one of the operations (by method and path) becomes a case, its
credentials left out (they come from the profile); every other request is listed with the
reason. `--environment` makes a profile: hosts as settings, values as variables, and values
used as credentials into the keyring.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

from console.core.build import build_request
from console.core.definitions import PLACEHOLDER, Operation, Vendor, vendors
from console.core.dynamic import TOKEN, schema_wants_number
from console.core.payload import PayloadError, parse_payload
from console.core.profiles import SANDBOX
from console.core.validation import path_of
from console.engine.suites import Case, case_file_name, is_matcher

if TYPE_CHECKING:
    from console.engine.context import AppContext

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
SANDBOX_PORT = 8765  # `event-console sandbox`'s default: where the sandbox profile's hosts are
_BARE = "@@bare@@"  # marks a whole-string token that goes into the JSON bare (a number, a boolean)
_ENCODED_TOKEN = re.compile(r"%22%40%40bare%40%40%7B%7B(%24)?([A-Za-z_][A-Za-z0-9_.\-]*)%7D%7D%22"
                            r"|%7B%7B(%24)?([A-Za-z_][A-Za-z0-9_.\-]*)%7D%7D")


class PostmanError(ValueError):
    """A collection or environment that cannot be read; the message says why."""


FILE_CAP = 50 * 1024 * 1024  # a collection or an environment: far below this


def read_file(path: str | Path, what: str) -> str:
    """The text of a collection or environment file (UTF-8, a byte order mark skipped); an
    InputFileError or a PostmanError says why it cannot be read."""
    from console.core.files import read_regular

    try:
        return read_regular(path, FILE_CAP, what).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PostmanError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


# ---------------------------------------------------------------------------------------------
# Export


def variable_name(vendor: str, name: str) -> str:
    """The collection variable that carries a vendor's setting or credential."""
    return f"{vendor}_{name}".replace("-", "_")


def _bare_marked(payload: Any, wants: Callable[[list[Any]], Any]) -> Any:
    """The payload with each whole-string token where the schema wants a number or a boolean
    marked to go in bare, as Postman writes `"ts": {{$timestamp}}`."""

    def walk(item: Any, path: list[Any]) -> Any:
        if isinstance(item, dict):
            return {k: walk(v, path + [k]) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, path + [i]) for i, v in enumerate(item)]
        if isinstance(item, str) and TOKEN.fullmatch(item) and wants(path):
            return _BARE + item
        return item

    return walk(payload, [])


def _unmark(text: str) -> str:
    return re.sub(r'"' + re.escape(_BARE) + r'(\{\{[^"]*?\}\})"', r"\1", text)


def _tokens_restored(url: str) -> str:
    """A URL whose `{{…}}` tokens were percent-encoded, with them written as Postman reads them."""
    def written(match: re.Match[str]) -> str:
        dollar, name = (match.group(1), match.group(2)) if match.group(2) else (match.group(3), match.group(4))
        return "{{" + ("$" if dollar else "") + name + "}}"

    return _ENCODED_TOKEN.sub(written, url)


class _Hosts:
    """The collection's variables: hosts, credentials, the profile's variables."""

    def __init__(self, profile: str):
        self.profile = profile
        self.values: dict[str, tuple[str, str]] = {}  # name → (value, description)

    def add(self, name: str, value: str, description: str) -> str:
        if name not in self.values:
            self.values[name] = (value, description)
        return name

    def base_url(self, vendor: Vendor, op: Operation, settings: dict[str, str]) -> str:
        """The variable for this operation's base URL: the vendor's, or the operation's own
        where the profile gives it another (VibeTrace's two hosts)."""
        value = settings["base_url"]
        name = variable_name(vendor.name, "base_url")
        if name in self.values and self.values[name][0] != value:
            name = variable_name(vendor.name, f"{op.name}_base_url")
        return self.add(name, value, f"{vendor.title}: base URL ({self.profile} profile)")


def _settings(ctx: AppContext, vendor: Vendor, op: Operation, case: Case, profile: str) -> dict[str, str]:
    """The case's settings with `profile`, without starting anything (the sandbox profile's
    hosts are where `event-console sandbox` listens by default)."""
    from console.engine.pipeline import Draft, resolve_settings

    sandbox = profile == SANDBOX and "base_url" not in case.settings
    return resolve_settings(ctx, vendor, op, Draft(vendor.name, op.name, profile, overrides=dict(case.settings),
                                                   base_url=f"http://127.0.0.1:{SANDBOX_PORT}/{vendor.name}"
                                                   if sandbox else None))


def _credential(ctx: AppContext, vendor: Vendor, op: Operation, profile: str, hosts: _Hosts) -> tuple[str | None, str]:
    """(the credential the case would use, the value the collection carries for it: the
    sandbox's dummy, never a real key)."""
    from console.engine.pipeline import Draft, resolve_credential

    name, value = resolve_credential(ctx, vendor, op, Draft(vendor.name, op.name, profile))
    if name is None:
        return None, ""
    shown = (value or "") if profile == SANDBOX else ""  # a real key never goes into the file
    hosts.add(variable_name(vendor.name, name), shown, f"{vendor.secrets[name].label}" + (
        "" if profile == SANDBOX else f": give it with --env-var {variable_name(vendor.name, name)}=…"))
    return name, shown


_MATCHER_JS = """function at(data, pointer) {
  if (pointer === "") return {found: true, value: data};
  let node = data;
  for (const raw of pointer.slice(1).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node !== null && typeof node === "object" && Object.prototype.hasOwnProperty.call(node, part)) node = node[part];
    else return {found: false};
  }
  return {found: true, value: node};
}
function jsonType(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}"""


def _tests(case: Case) -> list[str]:
    """The case's expectations as a Postman test script."""
    status = case.expect.get("status", "2xx")
    if isinstance(status, int):
        check = f"pm.expect(pm.response.code).to.equal({status});"
    elif isinstance(status, list):
        check = f"pm.expect({json.dumps(status)}).to.include(pm.response.code);"
    else:
        check = f"pm.expect(Math.floor(pm.response.code / 100)).to.equal({int(status[0])});"
    lines = [f"pm.test({json.dumps('status is ' + str(status))}, function () {{ {check} }});"]
    body = case.expect.get("body") or {}
    if body:
        lines.append(_MATCHER_JS)
        # The answer read as the console reads it: a JSONP answer (VibeTrace's `vt({...})`) unwrapped.
        lines.append("let answer; try { const text = pm.response.text().trim().replace(/;$/, '');"
                     " const m = text.match(/^([A-Za-z0-9_.$]+)\\s*\\(([\\s\\S]*)\\)$/);"
                     " answer = JSON.parse(m ? m[2] : text); } catch (e) { answer = undefined; }")
        for where, wanted in body.items():
            name = json.dumps(f"{where or '(answer)'} is {json.dumps(wanted)}")
            got = f"at(answer, {json.dumps(where)})"
            if not is_matcher(wanted):
                checks = [f"const g = {got}; pm.expect(g.found).to.equal(true); "
                          f"pm.expect(g.value).to.deep.equal({json.dumps(wanted)});"]
            else:
                checks = [f"const g = {got};"]
                if "$exists" in wanted:
                    checks.append(f"pm.expect(g.found).to.equal({json.dumps(wanted['$exists'])});")
                if "$type" in wanted:
                    kinds = ["integer", "number"] if wanted["$type"] == "number" else [wanted["$type"]]
                    checks.append(f"pm.expect(g.found).to.equal(true); pm.expect({json.dumps(kinds)})"
                                  ".to.include(jsonType(g.value));")
                if "$matches" in wanted:
                    checks.append(f"pm.expect(g.value).to.be.a('string'); pm.expect(new RegExp("
                                  f"{json.dumps(wanted['$matches'])}).test(g.value)).to.equal(true);")
            lines.append(f"pm.test({name}, function () {{ {' '.join(checks)} }});")
    return lines


def _login_item(vendor: Vendor, op: Operation, settings: dict[str, str], hosts: _Hosts, base: str) -> dict[str, Any]:
    exchange = op.request.token_exchange
    assert exchange is not None  # only operations with a login get a login item
    values = {**settings, exchange.secret: "{{" + variable_name(vendor.name, exchange.secret) + "}}"}
    from console.core.build import fill

    body = {k: fill(v, values) if isinstance(v, str) else v for k, v in exchange.body.items()}
    token = variable_name(vendor.name, exchange.provides)
    hosts.add(token, "", f"{vendor.title}: the token the login request gets")
    script = ["pm.test('logged in', function () { pm.expect(pm.response.code).to.equal(200); });",
              f"pm.collectionVariables.set({json.dumps(token)}, pm.response.json()."
              f"{exchange.token_field});"]
    return {"name": f"{vendor.title}: log in (the token for the requests that follow)",
            "request": {"method": exchange.method, "url": "{{" + base + "}}" + exchange.path,
                        "header": [{"key": "Content-Type", "value": "application/json"}]
                        + [{"key": k, "value": fill(v, values)} for k, v in exchange.headers.items()],
                        "body": {"mode": "raw", "raw": json.dumps(body, separators=(",", ":")),
                                 "options": {"raw": {"language": "json"}}}},
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}]}


def export_collection(ctx: AppContext, cases: list[Case], root: Path, profile: str = SANDBOX, name: str = "") -> dict[str, Any]:
    """A Postman v2.1 collection of `cases` (found under `root`, whose folders become the
    collection's), for `profile`'s hosts."""
    hosts = _Hosts(profile)
    top: dict[str, Any] = {"item": []}
    logins: list[dict[str, Any]] = []
    logged_in: set[str] = set()
    known = vendors()
    for case in cases:
        if case.problem:
            continue
        vendor = known[case.vendor]
        op = vendor.operations[case.operation]
        settings = _settings(ctx, vendor, op, case, profile)
        base = hosts.base_url(vendor, op, settings)
        credential, _ = _credential(ctx, vendor, op, profile, hosts)
        values = {**settings, "base_url": "{{" + base + "}}", "random": "{{$randomInt}}"}
        exchange = op.request.token_exchange
        if credential and exchange and credential == exchange.secret:
            if base not in logged_in:
                logged_in.add(base)
                logins.append(_login_item(vendor, op, settings, hosts, base))
            values[exchange.provides] = "{{" + variable_name(vendor.name, exchange.provides) + "}}"
        elif credential:
            values[credential] = "{{" + variable_name(vendor.name, credential) + "}}"
        payload = _bare_marked(case.payload, schema_wants_number(op.schema, vendor.defs))
        from console.vendors import RULES

        values.update(RULES[vendor.name].template_values(op, case.payload, settings))
        spec = build_request(op, payload, values)
        url = _tokens_restored(spec.url)
        request: dict[str, Any] = {
            "method": spec.method, "url": url,
            "header": [{"key": k, "value": v} for k, v in spec.headers.items() if k.lower() != "user-agent"]}
        if spec.body:
            request["body"] = {"mode": "raw", "raw": _unmark(spec.body.decode("utf-8")),
                               "options": {"raw": {"language": "json"}}}
        events = [{"listen": "test", "script": {"type": "text/javascript", "exec": _tests(case)}}]
        if case.vars:
            # The case's vars, unless a data row (newman -d) gives the same name: a row wins.
            script = [f"if (!pm.iterationData.has({json.dumps(k)})) pm.variables.set({json.dumps(k)}, "
                      f"{json.dumps(v if isinstance(v, str) else json.dumps(v))});" for k, v in case.vars.items()]
            events.insert(0, {"listen": "prerequest", "script": {"type": "text/javascript", "exec": script}})
        item = {"name": case.name, "request": request, "event": events}
        folder = top
        try:
            parts = case.path.parent.relative_to(root).parts if root.is_dir() else ()
        except ValueError:
            parts = ()
        for part in parts:
            found = next((i for i in folder["item"] if i.get("name") == part and "item" in i), None)
            if found is None:
                found = {"name": part, "item": []}
                folder["item"].append(found)
            folder = found
        folder["item"].append(item)
    if profile != SANDBOX:
        for vendor_name in sorted({c.vendor for c in cases if not c.problem}):
            for key, value in ctx.profiles.variables(vendor_name, profile).items():
                hosts.add(key, value, f"variable of profile {profile}")
    variables = [{"key": k, "value": v, "type": "string", "description": d} for k, (v, d) in hosts.values.items()]
    return {"info": {"name": name or f"event-console suite {root.name}", "schema": SCHEMA,
                     "description": "Exported by event-console from the case files under "
                                    f"{root.name}, for profile {profile!r}. Credentials left empty are "
                                    "given with newman's --env-var NAME=VALUE."},
            "item": logins + top["item"], "variable": variables}


# ---------------------------------------------------------------------------------------------
# Import


class Imported(NamedTuple):
    """What a collection holds for this console: case files (relative path → content), the
    requests skipped with why, and the profile an environment makes."""

    cases: list[tuple[Path, dict[str, Any]]]
    skipped: list[tuple[str, str]]
    profile: ImportedProfile | None


class ImportedProfile(NamedTuple):
    name: str
    settings: dict[str, dict[str, str]]  # vendor → settings (var.NAME for variables)
    secrets: dict[str, dict[str, str]]  # vendor → secret name → value (for the keyring)
    left_out: list[str]  # values not kept, with why


def _load(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PostmanError(f"the {what} is not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PostmanError(f"the {what} is not a JSON object")
    return data


def _items(items: Any, folders: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every request item with the folders it is in."""
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("item"), list):
            yield from _items(item["item"], folders + (str(item.get("name") or "folder"),))
        elif isinstance(item.get("request"), (dict, str)):
            yield folders, item


def _url_text(url: Any) -> str:
    if isinstance(url, str):
        return url
    if not isinstance(url, dict):
        return ""
    if isinstance(url.get("raw"), str):
        return str(url["raw"])
    host = url.get("host", "")
    host = ".".join(host) if isinstance(host, list) else str(host)
    path = url.get("path", "")
    path = "/".join(str(p) for p in path) if isinstance(path, list) else str(path)
    query = "&".join(f"{q.get('key', '')}={q.get('value', '')}" for q in url.get("query") or []
                     if isinstance(q, dict) and not q.get("disabled"))
    return f"{url.get('protocol', 'https')}://{host}/{path.lstrip('/')}" + (f"?{query}" if query else "")


def _template_regex(op: Operation) -> re.Pattern[str]:
    pattern = re.escape(op.request.path.rstrip("/"))
    pattern = re.sub(r"\\\{([a-z_]+)\\\}", lambda m: f"(?P<{m.group(1)}>[^/]*)", pattern)
    return re.compile(f"(?P<prefix>.*?){pattern}/?$")


def recognise(method: str, path: str) -> tuple[Vendor, Operation, dict[str, str], str] | str:
    """(vendor, operation, the path's values, the prefix before the operation's path) for a
    request, or the reason it is none of the operations."""
    found = []
    for vendor in vendors().values():
        for op in vendor.operations.values():
            match = _template_regex(op).match(path)
            if match and op.request.method == method.upper():
                values = {k: v for k, v in match.groupdict().items() if k != "prefix"}
                found.append((len(op.request.path), vendor, op, values, match.group("prefix")))
    if not found:
        return f"{method.upper()} {path} is none of the operations this console knows"
    found.sort(key=lambda f: -f[0])
    if len(found) > 1 and found[0][0] == found[1][0]:
        return f"{method.upper()} {path} could be {found[0][1].name}/{found[0][2].name} or {found[1][1].name}/{found[1][2].name}"
    return found[0][1:]


_VARIABLE = re.compile(r"^\{\{([A-Za-z_][A-Za-z0-9_.\-]*)\}\}$")


def import_collection(text: str, environment: str | None = None) -> Imported:
    """The cases of a Postman collection (v2.1) and, with an environment's text, its profile."""
    data = _load(text, "collection")
    if not isinstance(data.get("item"), list) or not isinstance(data.get("info"), dict):
        raise PostmanError("this is not a Postman collection (v2.1): it has no info and item")
    env = _load(environment, "environment") if environment is not None else None
    env_values = {}
    if env is not None:
        if not isinstance(env.get("values"), list):
            raise PostmanError("this is not a Postman environment: it has no values")
        env_values = {v["key"]: v for v in env["values"]
                      if isinstance(v, dict) and isinstance(v.get("key"), str) and v.get("enabled", True)}
    collection_vars = {v.get("key"): str(v.get("value", "")) for v in data.get("variable") or []
                       if isinstance(v, dict) and isinstance(v.get("key"), str)}
    cases: list[tuple[Path, dict[str, Any]]] = []
    skipped: list[tuple[str, str]] = []
    used_names: set[Path] = set()
    # What the environment's values are used as: vendor → {value key → setting or secret name}.
    roles: dict[str, dict[str, str]] = {}

    def known_value(text: str) -> str:
        """`text` with variables the collection or the environment define put in (to read hosts)."""
        return re.sub(r"\{\{([A-Za-z_][A-Za-z0-9_.\-]*)\}\}",
                      lambda m: str(env_values.get(m.group(1), {}).get("value", collection_vars.get(m.group(1), m.group(0)))),
                      text)

    for folders, item in _items(data["item"]):
        name = str(item.get("name") or "request")
        label = "/".join(folders + (name,))
        request = item["request"]
        if isinstance(request, str):
            request = {"method": "GET", "url": request}
        method = str(request.get("method") or "GET")
        raw_url = _url_text(request.get("url"))
        parts = urlsplit(known_value(raw_url))
        result = recognise(method, parts.path)
        if isinstance(result, str):
            skipped.append((label, result))
            continue
        vendor, op, path_values, prefix = result
        headers = {str(h.get("key", "")).lower(): str(h.get("value", "")) for h in request.get("header") or []
                   if isinstance(h, dict) and not h.get("disabled")}
        query = dict(parse_qsl(urlsplit(raw_url).query, keep_blank_values=True))
        settings: dict[str, str] = {}
        role = roles.setdefault(vendor.name, {})
        base_raw = raw_url.split("?")[0]
        base_raw = base_raw[: len(base_raw) - len(parts.path) + len(prefix)] if parts.path else base_raw
        base_var = _VARIABLE.match(base_raw)
        if base_var:
            role[base_var.group(1)] = "base_url"
        elif "{{" not in base_raw and base_raw and base_raw != vendor.setting_default(op, "base_url"):
            settings["base_url"] = base_raw
        template_values = dict(path_values)
        for qname, qtemplate in op.request.query:
            if qname in query:
                for placeholder in PLACEHOLDER.findall(qtemplate):
                    template_values[placeholder] = query[qname]
        for hname, htemplate in op.request.headers.items():
            got = headers.get(hname.lower())
            if got is None:
                continue
            names = PLACEHOLDER.findall(htemplate)
            if len(names) == 1:
                prefix_text = htemplate.split("{")[0]
                template_values[names[0]] = got[len(prefix_text):] if got.startswith(prefix_text) else got
        payload_text = None
        if op.request.body == "json":
            body = request.get("body") or {}
            payload_text = body.get("raw") if isinstance(body, dict) and body.get("mode", "raw") == "raw" else None
            if not isinstance(payload_text, str) or not payload_text.strip():
                skipped.append((label, f"{vendor.name}/{op.name} needs a raw JSON body, and this request has none"))
                continue
        else:
            payload_text = template_values.pop("payload", None)
            if payload_text is None:
                skipped.append((label, f"{vendor.name}/{op.name} carries its events in the query (data=), "
                                       "and this request has none"))
                continue
        try:
            payload = parse_payload(payload_text)
        except PayloadError as exc:
            skipped.append((label, f"its body is not JSON a case can hold ({exc})"))
            continue
        notes = [f"{token} stands bare (unquoted) at {where or '(payload)'}; a case file keeps it as text, so it "
                 "is sent as text where the schema does not ask for a number" for where, token in _bare_tokens(payload)
                 if not schema_wants_number(op.schema, vendor.defs)(path_of(where))]
        for secret, body_field in op.request.body_credentials.items():
            if isinstance(payload, dict) and body_field in payload:
                template_values[secret] = str(payload.pop(body_field))
        for key, value in template_values.items():
            var = _VARIABLE.match(value)
            if key in vendor.secrets or key == (op.request.token_exchange.provides if op.request.token_exchange else None):
                if var:
                    role[var.group(1)] = key
                elif value:
                    notes.append(f"its {key} was not copied (secrets never go into case files): "
                                 f"store it with event-console secret set {vendor.name} PROFILE {key}")
            elif key in op.settings and key != "base_url" and value:
                if var and env is None and var.group(1) in collection_vars:
                    settings[key] = collection_vars[var.group(1)]  # no profile is made: the case keeps it
                elif var:
                    role[var.group(1)] = key
                elif value != (vendor.setting_default(op, key) or ""):
                    settings[key] = value
        case: dict[str, Any] = {"name": name, "vendor": vendor.name, "operation": op.name, "payload": payload}
        if settings:
            case["settings"] = settings
        status = _expected_status(item)
        if status is not None:
            case["expect"] = {"status": status}
        folder = Path(*[_slug(f) for f in folders]) if folders else Path()
        path = folder / case_file_name(name)
        count = 2
        while path in used_names:
            path = folder / case_file_name(f"{name} {count}")
            count += 1
        used_names.add(path)
        cases.append((path, case))
        for note in notes:
            skipped.append((label, f"imported; {note}"))
    profile = None
    if env is not None:
        # The collection's own variables count too; the environment's win.
        values = {k: {"key": k, "value": v} for k, v in collection_vars.items()} | env_values
        profile = _profile_of(env, values, roles)
    return Imported(cases, skipped, profile)


def _bare_tokens(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(JSON Pointer, token) of each token written bare in a parsed body."""
    from console.core.payload import BareToken
    from console.core.validation import pointer

    if isinstance(value, BareToken):
        yield path, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _bare_tokens(item, path + pointer([key]))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bare_tokens(item, f"{path}/{index}")


def save_imported(ctx: AppContext | None, imported: Imported, out: Path) -> list[str]:
    """Writes the imported cases under `out` (an existing file is left as it is) and, when the
    import has a profile, saves it (credentials to the keyring; none when the keyring cannot
    take them). Returns what was done, a line each, the summary last. Raises ProfileError."""
    from console.engine.suites import SuiteError, save_case

    lines = []
    written = 0
    for relative, case in imported.cases:
        target = out / relative
        if target.exists():
            lines.append(f"kept    {target}: it exists (left as it is)")
            continue
        try:
            save_case(target, case)
        except (SuiteError, OSError) as exc:
            lines.append(f"skipped {case['name']}: {exc}")
            continue
        written += 1
        lines.append(f"wrote   {target}  ({case['vendor']}.{case['operation']})")
    for label, reason in imported.skipped:
        lines.append(f"{'note' if reason.startswith('imported;') else 'skipped'} {label}: {reason}")
    profile = imported.profile
    if profile is not None:
        assert ctx is not None  # the caller gives a context when the import has a profile
        kept = []
        for vendor, settings in profile.settings.items():
            ctx.profiles.update(vendor, profile.name, settings)
        for vendor, secrets in profile.secrets.items():
            ctx.profiles.update(vendor, profile.name, {})
            for name, value in secrets.items():
                if not ctx.secrets.available or not ctx.secrets.set(vendor, profile.name, name, value):
                    lines.append(f"not kept {vendor}/{profile.name}/{name}: {ctx.secrets.problem}")
                else:
                    kept.append(f"{vendor}/{name}")
        lines.append(f"Profile {profile.name!r}: settings and variables saved"
                     + (f"; {', '.join(kept)} stored in the keyring" if kept else "") + ".")
        lines += [f"left out {note}" for note in profile.left_out]
    skipped = sum(not reason.startswith("imported;") for _, reason in imported.skipped)
    lines.append(f"{written} case(s) written to {out}, {skipped} request(s) skipped.")
    return lines


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ -]+", "-", text).strip(" .-")[:60] or "folder"


def _expected_status(item: dict[str, Any]) -> int | None:
    """The status a request's Postman test expects (`pm.response.to.have.status(202)`), if one."""
    for event in item.get("event") or []:
        script = (event or {}).get("script") or {}
        lines = script.get("exec") or []
        text = "\n".join(lines) if isinstance(lines, list) else str(lines)
        match = re.search(r"to\.have\.status\((\d{3})\)|response\.code\)\.to\.(?:equal|eql)\((\d{3})\)", text)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def _profile_of(env: dict[str, Any], env_values: dict[str, dict[str, Any]], roles: dict[str, dict[str, str]]) -> ImportedProfile:
    from console.core.profiles import PROFILE_NAME, VARIABLE_NAME, VARIABLE_PREFIX

    name = re.sub(r"[^A-Za-z0-9 ._-]+", "-", str(env.get("name") or "imported")).strip(" .-")[:64] or "imported"
    if not PROFILE_NAME.match(name) or name == SANDBOX:
        name = "imported"
    settings: dict[str, dict[str, str]] = {}
    secrets: dict[str, dict[str, str]] = {}
    left_out = []
    for vendor_name, role in roles.items():
        vendor = vendors()[vendor_name]
        for key, entry in env_values.items():
            value = str(entry.get("value", ""))
            if not value:
                continue
            what = role.get(key)
            if what is None:
                continue
            if what in vendor.secrets:
                secrets.setdefault(vendor_name, {})[what] = value
            elif what in vendor.settings:
                settings.setdefault(vendor_name, {})[what] = value
    used = {key for role in roles.values() for key in role}
    for key, entry in env_values.items():
        if key in used:
            continue
        if entry.get("type") == "secret":
            left_out.append(f"{key}: marked secret and not a credential of these requests, so not kept")
            continue
        if not VARIABLE_NAME.match(key):
            left_out.append(f"{key}: not a name a variable can have")
            continue
        for vendor_name in roles:
            settings.setdefault(vendor_name, {})[VARIABLE_PREFIX + key] = str(entry.get("value", ""))
    return ImportedProfile(name, settings, secrets, left_out)
