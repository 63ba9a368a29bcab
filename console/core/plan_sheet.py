"""A tracking plan to and from the spreadsheet teams keep it in (saved as CSV): the columns
`vendor, operation, event, property, type, required, allowed values, pattern, description`, one
row per property (a row with no property describes the event). Reading forgives what people
type (a type in capitals, yes/no/x for required, a comma list of allowed values, spaces);
writing gives the same columns back, so a sheet round-trips."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from console.core.plans import Plan, PlanError, plan_from_data
from console.core.validation import JSON_TYPES

COLUMNS = ("vendor", "operation", "event", "property", "type", "required", "allowed values", "pattern",
           "description")
YES = {"yes", "y", "true", "1", "x", "required", "✓", "✔"}
NO = {"", "no", "n", "false", "0", "optional", "-"}
# What people write for a JSON type.
TYPE_WORDS = {"text": "string", "str": "string", "int": "integer", "whole number": "integer", "float": "number",
              "decimal": "number", "bool": "boolean", "list": "array", "dict": "object", "map": "object"}


def read_sheet(text: str, name: str, version: str = "1") -> Plan:
    """A plan from a sheet's CSV text; PlanError naming the row and the column for a cell it
    cannot read."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise PlanError("the sheet is empty")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise PlanError(f"the sheet has no column {', '.join(map(repr, missing))} (its first row must name "
                        f"{', '.join(COLUMNS)})")
    at = {column: header.index(column) for column in COLUMNS}
    events: dict[tuple[str, str, str], dict[str, Any]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cell = {column: (row[at[column]].strip() if at[column] < len(row) else "") for column in COLUMNS}
        if not any(cell.values()):
            continue  # an empty row between groups
        where = f"row {number}"
        key = (cell["vendor"].lower(), cell["operation"], cell["event"])
        if not all(key):
            raise PlanError(f"{where}: vendor, operation and event must be filled")
        event = events.setdefault(key, {"vendor": key[0], "operation": key[1], "event": key[2], "properties": {}})
        if not cell["property"]:
            if cell["description"]:
                event["description"] = cell["description"]
            continue
        prop = cell["property"] if cell["property"].startswith("/") else "/" + cell["property"].replace(".", "/")
        rule: dict[str, Any] = {}
        kind = _type(cell["type"], f"{where}, type")
        if kind:
            rule["type"] = kind
        required = cell["required"].lower()
        if required in YES:
            rule["required"] = True
        elif required not in NO:
            raise PlanError(f"{where}, required: {cell['required']!r} is neither yes nor no")
        if cell["allowed values"]:
            rule["enum"] = [_value(v.strip(), kind) for v in _split(cell["allowed values"])]
        if cell["pattern"]:
            rule["pattern"] = cell["pattern"]
        if cell["description"]:
            rule["description"] = cell["description"]
        event["properties"][prop] = rule
    return plan_from_data({"name": name, "version": version, "events": list(events.values())}, "the sheet")


def _type(text: str, where: str) -> str | None:
    word = text.strip().lower()
    if not word:
        return None
    word = TYPE_WORDS.get(word, word)
    if word not in JSON_TYPES:
        raise PlanError(f"{where}: {text!r} is not a type (one of {', '.join(JSON_TYPES)})")
    return word


def _split(text: str) -> list[str]:
    """A comma list of allowed values; a value with a comma in it is written in double quotes."""
    return next(csv.reader([text], skipinitialspace=True))


def _value(text: str, kind: str | None) -> Any:
    if kind in ("number", "integer"):
        for read in (int, float):
            try:
                return read(text)
            except ValueError:
                continue
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def write_sheet(plans: list[Plan]) -> str:
    """The plans as a sheet's CSV text, in the columns above."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for plan in plans:
        for event in plan.events:
            if event.description or not event.properties:
                writer.writerow([event.vendor, event.operation, event.event, "", "", "", "", "", event.description])
            for prop, rule in event.properties.items():
                allowed = "" if rule.enum is None else _join(rule.enum)
                writer.writerow([event.vendor, event.operation, event.event, prop, rule.type or "",
                                 "yes" if rule.required else "no", allowed, rule.pattern or "", rule.description])
    return out.getvalue()


def _join(values: Iterable[Any]) -> str:
    """_split's inverse: "a, b, c", a value with a comma or a quote in double quotes."""
    texts = [v if isinstance(v, str) else json.dumps(v) for v in values]
    return ", ".join('"' + t.replace('"', '""') + '"' if ("," in t or '"' in t or t != t.strip()) else t for t in texts)


def plan_json(plan: Plan) -> str:
    """A plan as its file's JSON text."""
    events = []
    for event in plan.events:
        item: dict[str, Any] = {"vendor": event.vendor, "operation": event.operation, "event": event.event}
        if event.description:
            item["description"] = event.description
        if not event.expected:
            item["expected"] = False
        item["properties"] = {prop: {k: v for k, v in (
            ("required", rule.required or None), ("type", rule.type), ("enum", list(rule.enum) if rule.enum else None),
            ("pattern", rule.pattern), ("min", rule.min), ("max", rule.max), ("description", rule.description or None))
            if v is not None} for prop, rule in event.properties.items()}
        events.append(item)
    return json.dumps({"name": plan.name, "version": plan.version, "events": events}, indent=2, ensure_ascii=False) + "\n"
