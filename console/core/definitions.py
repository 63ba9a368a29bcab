"""Vendor and operation definitions: data in resources/vendors/*.json, loaded strictly.

One definition drives validation, the request template, the sandbox, `event-console vendors`
and the README's vendor table. The loader rejects unknown keys, missing keys and references
to settings or secrets that the vendor does not declare, so a typo in a definition fails at
load time (and in the test that loads every definition), not in front of a user.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from console.core.resources import resources_dir


def resolve_ref(node: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its `$ref`s followed into the vendor's $defs, keeping its local
    keywords (description, …); {} for what is not a schema."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        node = {**defs.get(node["$ref"].rsplit("/", 1)[-1], {}), **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node if isinstance(node, dict) else {}


def schema_at(schema: dict[str, Any], defs: dict[str, Any], path: list[Any]) -> dict[str, Any]:
    """The schema of the value at `path` (field names, list indexes as numbers), {} where the
    schema does not say: dynamic values' typing and quick fixes read it."""
    node = resolve_ref(schema, defs)
    for part in path:
        if isinstance(part, int) and isinstance(node.get("items"), dict):
            node = resolve_ref(node["items"], defs)
        else:
            properties = node.get("properties", {})
            node = resolve_ref(properties[str(part)] if str(part) in properties
                               else node.get("additionalProperties", {}), defs)
        if not node:
            return {}
    return node

# The vendors, in the order the window and the command line list them. Their rules are in
# console.vendors, registered in this same order (checked there); the names live here so that
# loading the definitions does not import the rules.
VENDOR_NAMES: tuple[str, ...] = ("vibetrace", "mytracker", "octeth", "synerise")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Placeholders a template may use besides settings and secrets (filled in by the builder).
COMPUTED_PLACEHOLDERS = frozenset({"payload", "random", "event_type", "event_path_type"})
METHODS = frozenset({"GET", "POST", "PUT"})
BODY_KINDS = frozenset({"json", "none"})


class DefinitionError(ValueError):
    """A vendor definition file is malformed."""


# The records below are read-only, so NamedTuples: they are built at import in a fraction of
# the time dataclasses take (which compile their methods), and the window imports them before
# its first paint.
class Setting(NamedTuple):
    """A non-secret value an operation needs (base URL, account ID, …)."""

    name: str
    label: str
    help: str
    default: str | None = None
    optional: bool = False
    kind: str = "text"
    pattern: str | None = None
    pattern_message: str | None = None
    enum: tuple[str, ...] = ()


class Secret(NamedTuple):
    """A credential kept in the OS keyring (or given for one run)."""

    name: str
    label: str
    help: str


class TokenExchange(NamedTuple):
    """Trading one secret for a short-lived token before the real request (Synerise login)."""

    secret: str
    provides: str
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    token_field: str


class RequestTemplate(NamedTuple):
    """How a payload becomes an HTTP request."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    body: str
    body_credentials: dict[str, str]
    token_exchange: TokenExchange | None = None


class EventSpec(NamedTuple):
    """Where a payload's events are and what each is called, as a tracking plan names them:
    `at` is "" (the payload is one event), "[]" (a list of events) or a JSON Pointer to the
    list; `name` is tried in order: "/pointer" within the event, "key:/pointer" (the first key
    of the object there), "payload:/pointer" (in the whole payload), "setting:NAME" or "=text"."""

    at: str
    name: tuple[str, ...]


class Operation(NamedTuple):
    """One thing a vendor's API does: its schema, example, request template and inputs."""

    vendor: str
    name: str
    title: str
    summary: str
    settings: tuple[str, ...]
    defaults: dict[str, str]
    credentials: tuple[str, ...]
    request: RequestTemplate
    schema: dict[str, Any]
    example: Any
    events: EventSpec = EventSpec("", ())

    @property
    def key(self) -> str:
        return f"{self.vendor}/{self.name}"

    def full_schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        """The operation's schema with the vendor's shared $defs attached."""
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs, **self.schema}


class Vendor(NamedTuple):
    """A vendor: its settings, secrets, sandbox credentials and operations."""

    name: str
    title: str
    doc: str
    settings: dict[str, Setting]
    secrets: dict[str, Secret]
    sandbox_settings: dict[str, str]
    sandbox_secrets: dict[str, str]
    secret_fields: tuple[str, ...]
    limits: dict[str, int]
    defs: dict[str, Any]
    operations: dict[str, Operation]

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError:
            raise KeyError(
                f"unknown operation {name!r} for {self.name}; "
                f"known: {', '.join(self.operations)}"
            ) from None

    def setting_default(self, operation: Operation, name: str) -> str | None:
        if name in operation.defaults:
            return operation.defaults[name]
        return self.settings[name].default


def _keys(obj: Any, where: str, required: set[str], optional: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise DefinitionError(f"{where}: expected an object, got {type(obj).__name__}")
    missing = required - obj.keys()
    unknown = obj.keys() - required - optional
    if missing:
        raise DefinitionError(f"{where}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise DefinitionError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return obj


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise DefinitionError(f"{where}: expected a string")
    return value


def _load_setting(name: str, raw: Any, where: str) -> Setting:
    raw = _keys(raw, where, {"label", "help"},
                {"default", "optional", "kind", "pattern", "pattern_message", "enum"})
    if raw.get("kind", "text") not in {"text", "url"}:
        raise DefinitionError(f"{where}: kind must be text or url")
    if "pattern" in raw:
        re.compile(raw["pattern"])
    return Setting(
        name=name, label=_str(raw["label"], where), help=_str(raw["help"], where),
        default=raw.get("default"), optional=bool(raw.get("optional", False)),
        kind=raw.get("kind", "text"), pattern=raw.get("pattern"),
        pattern_message=raw.get("pattern_message"), enum=tuple(raw.get("enum", ())),
    )


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _load_request(raw: Any, where: str, known: set[str]) -> RequestTemplate:
    raw = _keys(raw, where, {"method", "path", "query", "headers", "body"},
                {"body_credentials", "token_exchange"})
    if raw["method"] not in METHODS:
        raise DefinitionError(f"{where}: method must be one of {sorted(METHODS)}")
    if raw["body"] not in BODY_KINDS:
        raise DefinitionError(f"{where}: body must be one of {sorted(BODY_KINDS)}")
    if not raw["path"].startswith("/"):
        raise DefinitionError(f"{where}: path must start with /")
    query = raw["query"]
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in query):
        raise DefinitionError(f"{where}: query must be a list of [name, template] pairs")
    texts = [raw["path"], *(v for _, v in query), *raw["headers"].values()]
    exchange = None
    if "token_exchange" in raw:
        ex = _keys(raw["token_exchange"], f"{where}.token_exchange",
                   {"secret", "provides", "method", "path", "headers", "body", "token_field"})
        exchange = TokenExchange(**{k: ex[k] for k in ex})
        texts += [ex["path"], *ex["headers"].values(), *map(str, ex["body"].values())]
        known = known | {ex["provides"]}
    unknown = set().union(*map(_placeholders, texts)) - known - COMPUTED_PLACEHOLDERS
    if unknown:
        raise DefinitionError(f"{where}: template uses undeclared {', '.join(sorted(unknown))}")
    return RequestTemplate(
        method=raw["method"], path=raw["path"], query=tuple((k, v) for k, v in query),
        headers=dict(raw["headers"]), body=raw["body"],
        body_credentials=dict(raw.get("body_credentials", {})), token_exchange=exchange,
    )


def load_vendor(path: Path) -> Vendor:
    """Loads and checks one vendor file; raises DefinitionError on anything malformed."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DefinitionError(f"{path.name}: {exc}") from exc
    where = path.name
    raw = _keys(raw, where, {"vendor", "title", "doc", "settings", "secrets", "sandbox",
                             "secret_fields", "$defs", "operations"}, {"limits"})
    name = _str(raw["vendor"], where)
    if path.stem != name:
        raise DefinitionError(f"{where}: file name and vendor name differ")
    settings = {k: _load_setting(k, v, f"{where}.settings.{k}") for k, v in raw["settings"].items()}
    secrets = {}
    for k, v in raw["secrets"].items():
        v = _keys(v, f"{where}.secrets.{k}", {"label", "help"})
        secrets[k] = Secret(name=k, label=v["label"], help=v["help"])
    sandbox = _keys(raw["sandbox"], f"{where}.sandbox", {"settings", "secrets"})
    if set(sandbox["settings"]) - set(settings) or set(sandbox["secrets"]) - set(secrets):
        raise DefinitionError(f"{where}.sandbox: names a setting or secret the vendor lacks")
    operations = {}
    for op_name, op in raw["operations"].items():
        w = f"{where}.operations.{op_name}"
        op = _keys(op, w, {"title", "summary", "events", "settings", "defaults", "credentials",
                           "request", "schema", "example"})
        events = _keys(op["events"], f"{w}.events", {"at", "name"})
        if not (events["at"] in ("", "[]") or str(events["at"]).startswith("/")) or not events["name"] or not all(
                isinstance(n, str) and n.startswith(("/", "key:/", "payload:/", "setting:", "=")) for n in events["name"]):
            raise DefinitionError(f"{w}.events: at is \"\", \"[]\" or a pointer; name a list of /pointer, key:/pointer, "
                                  "payload:/pointer, setting:NAME or =text")
        bad = (set(op["settings"]) - set(settings)) | (set(op["defaults"]) - set(op["settings"]))
        bad |= set(op["credentials"]) - set(secrets)
        if bad:
            raise DefinitionError(f"{w}: undeclared setting or secret {', '.join(sorted(bad))}")
        if not isinstance(op["schema"], dict):
            raise DefinitionError(f"{w}.schema: expected an object")
        request = _load_request(op["request"], f"{w}.request", set(op["settings"]) | set(op["credentials"]))
        operations[op_name] = Operation(
            vendor=name, name=op_name, title=_str(op["title"], w), summary=_str(op["summary"], w),
            settings=tuple(op["settings"]), defaults=dict(op["defaults"]),
            credentials=tuple(op["credentials"]), request=request,
            schema=op["schema"], example=op["example"], events=EventSpec(events["at"], tuple(events["name"])),
        )
    if not operations:
        raise DefinitionError(f"{where}: no operations")
    return Vendor(
        name=name, title=_str(raw["title"], where), doc=_str(raw["doc"], where),
        settings=settings, secrets=secrets,
        sandbox_settings=dict(sandbox["settings"]), sandbox_secrets=dict(sandbox["secrets"]),
        secret_fields=tuple(raw["secret_fields"]), limits=dict(raw.get("limits", {})),
        defs=raw["$defs"], operations=operations,
    )


@cache
def vendors() -> dict[str, Vendor]:
    """Every vendor of the registry, in registry order, loaded from resources/vendors."""
    folder = resources_dir() / "vendors"
    on_disk = {p.stem for p in folder.glob("*.json")}
    if on_disk != set(VENDOR_NAMES):
        raise DefinitionError(
            f"vendor files {sorted(on_disk)} do not match the registry {list(VENDOR_NAMES)}"
        )
    return {name: load_vendor(folder / f"{name}.json") for name in VENDOR_NAMES}


def find_operation(vendor: str, operation: str) -> tuple[Vendor, Operation]:
    """The vendor and operation by name; KeyError with a readable message otherwise."""
    all_vendors = vendors()
    if vendor not in all_vendors:
        raise KeyError(f"unknown vendor {vendor!r}; known: {', '.join(all_vendors)}")
    v = all_vendors[vendor]
    return v, v.operation(operation)
