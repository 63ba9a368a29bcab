"""Tracking plans: a team's own rules for its events, on top of the vendors', kept in git.

A plan folder holds `*.plan.json` files (searched recursively), each
`{"name", "version", "events": [{"vendor", "operation", "event", "description"?, "expected"?,
"properties": {"<JSON Pointer within the event>": {"required"?, "type"?, "enum"?, "pattern"?,
"min"?, "max"?, "description"?}}}]}`, loaded strictly (a PlanError names the file and the
problem). An event's name is the vendor's own (Synerise `action`, myTracker `customEventName`,
VibeTrace `type`, Octeth `event`…; where each lives is the operation's `events` in the vendor
definitions). A payload's events are checked against the plan: one the plan does not list is a
warning ("not in the plan"), a property that breaks its rule an error, each issue marked with
the plan's name. Pure: reading files is all it does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from console.core.definitions import Operation, vendors
from console.core.issue_codes import IssueCode
from console.core.validation import (
    ERROR,
    JSON_TYPES,
    WARNING,
    Issue,
    field_label,
    json_type,
    path_of,
    pointer,
    pointer_parts,
    value_at,
)

PLAN_SUFFIX = ".plan.json"
_PLAN_KEYS = {"name", "version", "events"}
_EVENT_KEYS = {"vendor", "operation", "event", "description", "expected", "properties"}
_RULE_KEYS = {"required", "type", "enum", "pattern", "min", "max", "description"}
PLAN_FILE_CAP = 16 * 1024 * 1024


class PlanError(ValueError):
    """A plan file is malformed; the message names the file and the problem, in one line."""


@dataclass(frozen=True)
class PropertyRule:
    required: bool = False
    type: str | None = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    description: str = ""

    @cached_property
    def compiled(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None


@dataclass(frozen=True)
class PlanEvent:
    vendor: str
    operation: str
    event: str
    description: str = ""
    expected: bool = True
    properties: dict[str, PropertyRule] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.vendor, self.operation, self.event


@dataclass(frozen=True)
class Plan:
    name: str
    version: str
    events: tuple[PlanEvent, ...]
    path: Path | None = None


# -- loading ---------------------------------------------------------------------------------

def load_plan_file(path: Path) -> Plan:
    """One plan file, checked strictly."""
    from console.core.files import InputFileError, read_regular

    where = str(path)
    try:
        data = json.loads(read_regular(path, PLAN_FILE_CAP, "plan file").decode("utf-8"))
    except InputFileError as exc:
        raise PlanError(str(exc)) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PlanError(f"{where}: not JSON ({exc})") from None
    return plan_from_data(data, where, path)


def plan_from_data(data: Any, where: str, path: Path | None = None) -> Plan:
    _object(data, where, _PLAN_KEYS, {"name", "version", "events"})
    name, version = _text(data["name"], f"{where}: name"), _text(data["version"], f"{where}: version")
    if not isinstance(data["events"], list):
        raise PlanError(f"{where}: events must be a list")
    events, seen = [], set()
    for number, raw in enumerate(data["events"], 1):
        event = _event(raw, f"{where}: event {number}")
        if event.key in seen:
            raise PlanError(f"{where}: event {number} ({'/'.join(event.key)}) is listed twice")
        seen.add(event.key)
        events.append(event)
    return Plan(name, version, tuple(events), path)


def _event(raw: Any, where: str) -> PlanEvent:
    _object(raw, where, _EVENT_KEYS, {"vendor", "operation", "event"})
    vendor, operation = _text(raw["vendor"], f"{where}: vendor"), _text(raw["operation"], f"{where}: operation")
    known = vendors()
    if vendor not in known:
        raise PlanError(f"{where}: vendor {vendor!r} is not one of {', '.join(known)}")
    if operation not in known[vendor].operations:
        raise PlanError(f"{where}: {vendor} has no operation {operation!r} (it has {', '.join(known[vendor].operations)})")
    expected = raw.get("expected", True)
    if not isinstance(expected, bool):
        raise PlanError(f"{where}: expected must be true or false")
    properties = raw.get("properties", {})
    if not isinstance(properties, dict):
        raise PlanError(f"{where}: properties must be an object of JSON Pointers")
    rules = {}
    for name, rule in properties.items():
        if not name.startswith("/"):
            raise PlanError(f"{where}: property {name!r} must be a JSON Pointer within the event, like /{name}")
        rules[name] = _rule(rule, f"{where}, property {name}")
    return PlanEvent(vendor, operation, _text(raw["event"], f"{where}: event"),
                     _text(raw.get("description", ""), f"{where}: description", empty=True), expected, rules)


def _rule(raw: Any, where: str) -> PropertyRule:
    _object(raw, where, _RULE_KEYS, set())
    kind = raw.get("type")
    if kind is not None and kind not in JSON_TYPES:
        raise PlanError(f"{where}: type {kind!r} is not one of {', '.join(JSON_TYPES)}")
    enum = raw.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        raise PlanError(f"{where}: enum must be a non-empty list of allowed values")
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            re.compile(_text(pattern, f"{where}: pattern"))
        except re.error as exc:
            raise PlanError(f"{where}: pattern is not a regular expression ({exc})") from None
    bounds = {}
    for bound in ("min", "max"):
        value = raw.get(bound)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise PlanError(f"{where}: {bound} must be a number")
        bounds[bound] = value
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise PlanError(f"{where}: required must be true or false")
    return PropertyRule(required, kind, tuple(enum) if enum is not None else None, pattern, bounds["min"],
                        bounds["max"], _text(raw.get("description", ""), f"{where}: description", empty=True))


def _object(raw: Any, where: str, allowed: set[str], required: set[str]) -> None:
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: must be an object")
    unknown = set(raw) - allowed
    if unknown:
        raise PlanError(f"{where}: unknown key {', '.join(sorted(map(repr, unknown)))} "
                        f"(allowed: {', '.join(sorted(allowed))})")
    missing = required - set(raw)
    if missing:
        raise PlanError(f"{where}: {', '.join(sorted(missing))} is missing")


def _text(value: Any, where: str, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise PlanError(f"{where} must be {'text' if empty else 'non-empty text'}")
    return value


def load_plans(folder: str | Path) -> PlanSet:
    """Every plan under `folder` (or one plan file); PlanError for the first bad one."""
    from console.core.files import InputFileError, files_under

    try:
        files = files_under(folder, PLAN_SUFFIX)
    except InputFileError as exc:
        raise PlanError(str(exc)) from None
    plans = [load_plan_file(path) for path in files]
    seen: dict[tuple[Any, ...], str] = {}
    for plan in plans:
        for event in plan.events:
            if event.key in seen:
                raise PlanError(f"{plan.path}: {'/'.join(event.key)} is in plan {seen[event.key]!r} too")
            seen[event.key] = plan.name
    return PlanSet(tuple(plans))


# -- a payload's events ------------------------------------------------------------------------

def _at(value: Any, where: str) -> Any:
    return value_at(value, where, _MISSING)


_MISSING = object()


def events_of(op: Operation, payload: Any, settings: dict[str, str] | None = None) -> list[tuple[str, str | None, Any]]:
    """(JSON Pointer of the event in the payload, its name or None, the event) of every event
    a payload of `op` sends."""
    spec = op.events
    if spec.at == "":
        found = [("", payload)]
    else:
        items = payload if spec.at == "[]" else _at(payload, spec.at)
        prefix = "" if spec.at == "[]" else spec.at
        found = [(f"{prefix}/{i}", item) for i, item in enumerate(items)] if isinstance(items, list) else []
    out = []
    for where, event in found:
        out.append((where, _name(spec.name, event, payload, settings or {}), event))
    return out


def _name(candidates: tuple[str, ...], event: Any, payload: Any, settings: dict[str, str]) -> str | None:
    for candidate in candidates:
        if candidate.startswith("="):
            return candidate[1:]
        if candidate.startswith("setting:"):
            value = settings.get(candidate[len("setting:"):])
        elif candidate.startswith("payload:"):
            value = _at(payload, candidate[len("payload:"):])
        elif candidate.startswith("key:"):
            holder = _at(event, candidate[len("key:"):])
            value = next(iter(holder), None) if isinstance(holder, dict) and holder else None
        else:
            value = _at(event, candidate)
        if isinstance(value, str) and value:
            return value
    return None


def _type_fits(value: Any, wanted: str) -> bool:
    actual = json_type(value)
    return actual == wanted or (wanted == "number" and actual == "integer") or (
        wanted == "integer" and isinstance(value, float) and value.is_integer())  # 12.0 is a whole number


# -- checking --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanSet:
    """The plans of a folder, looked up by (vendor, operation, event name)."""

    plans: tuple[Plan, ...]

    @cached_property
    def by_key(self) -> dict[tuple[str, str, str], tuple[Plan, PlanEvent]]:
        return {event.key: (plan, event) for plan in self.plans for event in plan.events}

    @cached_property
    def covering(self) -> dict[tuple[str, str], Plan]:
        """The plan that lists events of each (vendor, operation)."""
        return {(event.vendor, event.operation): plan for plan in self.plans for event in plan.events}

    @property
    def name(self) -> str:
        return ", ".join(plan.name for plan in self.plans)

    def events_for(self, vendor: str, operation: str) -> list[PlanEvent]:
        return [event for plan in self.plans for event in plan.events
                if (event.vendor, event.operation) == (vendor, operation)]

    def check(self, op: Operation, payload: Any, settings: dict[str, str] | None = None) -> list[Issue]:
        """The plan's issues of a payload: each event not listed (a warning), each property
        breaking its rule (an error); each issue carries the plan's name."""
        issues: list[Issue] = []
        covering = self.covering.get((op.vendor, op.name))
        for where, name, event in events_of(op, payload, settings):
            found = self.by_key.get((op.vendor, op.name, name or ""))
            if found is None:
                if covering is not None:
                    shown = f"{name!r}" if name else "without a name"
                    issues.append(Issue(WARNING, where, f"The event {shown} is not in the plan {covering.name!r}.",
                                        IssueCode.PLAN_UNKNOWN_EVENT, plan=covering.name))
                continue
            plan, rules = found
            for prop, rule in rules.properties.items():
                issues += _property_issues(plan.name, where, prop, rule, _at(event, prop))
        return issues


def _property_issues(plan: str, where: str, prop: str, rule: PropertyRule, value: Any) -> list[Issue]:
    path = where + prop
    label = field_label(path_of(path))
    said = f"(plan {plan!r})"

    def issue(message: str) -> list[Issue]:
        return [Issue(ERROR, path, f"{label} {message} {said}.", IssueCode.PLAN_PROPERTY, plan=plan)]

    if value is _MISSING:
        return issue("is required") if rule.required else []
    if rule.type and not _type_fits(value, rule.type):
        return issue(f"must be {rule.type}, not {json_type(value)}")
    if rule.enum is not None and value not in rule.enum:
        return issue(f"must be one of {', '.join(json.dumps(v) for v in rule.enum)}, not {json.dumps(value)}")
    if rule.compiled is not None and isinstance(value, str) and not rule.compiled.search(value):
        return issue(f"{json.dumps(value)} does not match the pattern {rule.pattern}")
    measure, unit = _measure(value)
    if measure is not None and rule.min is not None and measure < rule.min:
        return issue(f"is {measure:g}{unit}, below the minimum of {rule.min:g}")
    if measure is not None and rule.max is not None and measure > rule.max:
        return issue(f"is {measure:g}{unit}, above the maximum of {rule.max:g}")
    return []


def _measure(value: Any) -> tuple[float | None, str]:
    """What min and max bound: a number's value, a text's length, a list's items."""
    if isinstance(value, bool):
        return None, ""
    if isinstance(value, (int, float)):
        return float(value), ""
    if isinstance(value, str):
        return float(len(value)), " characters long"
    if isinstance(value, list):
        return float(len(value)), " items"
    return None, ""


def properties_of(event: Any, prefix: str = "") -> dict[str, str]:
    """Every JSON Pointer in an event with its value's type (for coverage and baselines)."""
    found: dict[str, str] = {}
    stack = [(prefix, event)]
    while stack:
        where, value = stack.pop()
        if where:
            found[where] = json_type(value)
        if isinstance(value, dict) and len(found) < 10_000:
            stack += [(f"{where}/{pointer([k])[1:]}", v) for k, v in value.items()]
    return found


def schema_with_plan(schema: dict[str, Any], defs: dict[str, Any], event: PlanEvent, at: str) -> dict[str, Any]:
    """The operation's schema with a plan event's properties laid over it, for the form: each
    property shown (even one the vendor's schema does not name), its description and allowed
    values (as choices), required ones marked and first. `at` is the operation's events' place
    ("" the payload, "[]" each item of the list)."""
    import copy

    merged = copy.deepcopy(schema)
    root = merged if at == "" else merged.setdefault("items", {}) if at == "[]" else None
    if root is None:
        return merged
    for prop, rule in event.properties.items():
        parts = pointer_parts(prop)
        node = root
        for part in parts[:-1]:
            node = _inline(node, defs).setdefault("properties", {}).setdefault(part, {"type": "object"})
        holder = _inline(node, defs)
        sub = _inline(holder.setdefault("properties", {}).setdefault(parts[-1], {}), defs)
        if rule.enum is not None:
            sub["enum"] = list(rule.enum)
        if rule.type and "type" not in sub and "x-number" not in sub:
            sub["type"] = rule.type
        if rule.description:
            sub["description"] = f"{rule.description} (plan {event.event})"
        if rule.required and parts[-1] not in holder.get("required", []):
            holder["required"] = [*holder.get("required", []), parts[-1]]
    return merged


def _inline(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """`node` with a `$ref` replaced by a copy of what it points to (local keywords kept), so
    that what is laid over it stays in this operation's schema."""
    import copy

    while isinstance(node, dict) and "$ref" in node:
        target = copy.deepcopy(defs.get(node["$ref"].rsplit("/", 1)[-1], {}))
        del node["$ref"]
        for key, value in target.items():
            node.setdefault(key, value)
    return node
