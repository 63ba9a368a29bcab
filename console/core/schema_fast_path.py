"""The schema check's fast path: a compiled validator (fastjsonschema) that says whether a
payload is valid, so that jsonschema's `iter_errors` runs only to explain one that is not.

Most payloads a backend sends are valid, and `iter_errors` (an interpreter walking the
schema) costs most of a check. fastjsonschema turns the schema into Python code once. It
speaks draft-07, not the definitions' Draft 2020-12 with the console's own keywords, so each
operation's schema is translated into a *stricter or equal* draft-07 schema:

- `x-number` becomes "a number within every limit, `warn`'s included, or a numeric string
  that number_failures finds nothing wrong with";
- `x-warn-unknown` becomes `additionalProperties: false` (a warning is not "valid" here);
- `x-severity` and `x-messages` are dropped: a warning's failure fails here too;
- the keywords beside a `$ref` (Draft 2020-12 applies them, draft-07 would not) go in an
  `allOf` with it;
- the formats are console.core.validation.FORMATS, and no other.

So "valid" here means jsonschema finds nothing at all (no error, no warning); anything else,
a keyword this translation does not know, or an exception in the compiled code, goes the
slow way. tests/core/test_schema_fast_path.py holds both to the same answers over every
operation's examples, the hostile-input corpus and generated payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.core.schema_values import FORMATS, number_failures, numeric_value

# Keywords copied as they are (draft-07 checks them as Draft 2020-12 does).
PLAIN = frozenset({"type", "enum", "const", "required", "minLength", "maxLength", "minimum", "maximum",
                   "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems",
                   "minProperties", "maxProperties", "pattern", "$ref"})
# Keywords whose value is a schema, a list of schemas or a map of names to schemas.
ONE_SCHEMA = frozenset({"items", "additionalProperties", "propertyNames", "if", "then", "else", "not", "contains"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
SCHEMA_MAPS = frozenset({"properties", "$defs", "patternProperties"})
# Said for people (or read only when explaining an invalid payload): no bearing on "valid".
DROPPED = frozenset({"description", "title", "examples", "default", "$schema", "$comment", "x-messages",
                     "x-severity", "$id"})


class Untranslatable(ValueError):
    """The schema has a keyword the fast path does not know: its payloads go the slow way."""


def strict_schema(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Callable[[str], bool]]]:
    """(a draft-07 schema that passes only what `schema` passes without an error or a warning,
    the formats it uses). Raises Untranslatable."""
    formats: dict[str, Callable[[str], bool]] = {}
    translated = _node(schema, formats)
    assert isinstance(translated, dict)
    translated["$schema"] = "http://json-schema.org/draft-07/schema#"
    return translated, formats


def _node(node: Any, formats: dict[str, Callable[[str], bool]]) -> Any:
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        raise Untranslatable(f"a schema that is a {type(node).__name__}")
    out: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []  # what must hold too (x-number), beside the node's own keywords
    for key, value in node.items():
        if key in DROPPED:
            continue
        if key in PLAIN:
            out[key] = value
        elif key in ONE_SCHEMA:
            out[key] = _node(value, formats)
        elif key in SCHEMA_LISTS:
            out[key] = [_node(item, formats) for item in value]
        elif key in SCHEMA_MAPS:
            out[key] = {name: _node(item, formats) for name, item in value.items()}
        elif key == "format":
            if value in FORMATS:
                formats[value] = FORMATS[value]
                out[key] = value
        elif key == "x-warn-unknown":
            if value:
                extra.append({"properties": {name: True for name in node.get("properties", {})},
                              "additionalProperties": False})
        elif key == "x-number":
            extra.append(_number(value, formats))
        else:
            raise Untranslatable(f"keyword {key!r}")
    if "$ref" in out and len(out) > 1:  # draft-07 would ignore the $ref's siblings
        defs = out.pop("$defs", None)
        out = {"allOf": [{"$ref": out.pop("$ref")}, out]}
        if defs is not None:  # left where the $refs' pointers find them
            out["$defs"] = defs
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    return out


def _number(spec: dict[str, Any], formats: dict[str, Callable[[str], bool]]) -> dict[str, Any]:
    """`x-number` as draft-07: a number within the limits and `warn`'s, or a numeric string
    whose value number_failures passes (a format of its own, one for each spec)."""
    limits = []
    for part in (spec, spec.get("warn") or {}):
        kept: dict[str, Any] = {k: part[k] for k in ("enum", "minimum", "maximum") if k in part}
        if part.get("integer"):
            kept["multipleOf"] = 1
        limits.append(kept)
    name = f"x-number {len(formats)}"

    def numeric(text: str) -> bool:
        value = numeric_value(text)
        return value is not None and not number_failures(value, spec)

    formats[name] = numeric
    return {"anyOf": [{"type": "number", "allOf": limits}, {"type": "string", "format": name}]}


# Compiled fast validators by (vendor, operation); None where the schema has no fast path.
_validators: dict[tuple[str, str], Callable[[Any], bool] | None] = {}
# Whether a check compiles an operation's fast path when it has none yet. Compiling takes 5-50
# ms, most of it in compile(), which holds the interpreter throughout: it pays on the command
# line (a valid payload is checked without importing jsonschema, which costs more) and in
# capture (compiled once, then thousands of checks), not in the window, whose GUI thread
# would wait for the interpreter meanwhile; there a check uses a fast validator only once
# capture compiled it (see compile_on_demand).
_on_demand = True


def compile_on_demand(on: bool) -> None:
    """Whether checks compile the fast path they need (True by default; the window: False)."""
    global _on_demand
    _on_demand = on


def fast_validator(vendor: str, operation: str) -> Callable[[Any], bool] | None:
    """A function saying True when the operation's schema finds nothing at all in a payload
    (False: it may find something, ask jsonschema); None when the schema cannot be translated,
    or it is not compiled and compile_on_demand is off."""
    key = (vendor, operation)
    if key not in _validators:
        if not _on_demand:
            return None
        compile_fast_validator(vendor, operation)
    return _validators[key]


def compile_fast_validator(vendor: str, operation: str) -> None:
    """Compiles the operation's fast validator now, once (capture does, for every operation,
    before it checks the first request)."""
    key = (vendor, operation)
    if key in _validators:
        return
    import fastjsonschema

    from console.core.definitions import find_operation

    v, op = find_operation(vendor, operation)
    try:
        schema, formats = strict_schema(op.full_schema(v.defs))
    except Untranslatable:
        _validators[key] = None
        return
    check = fastjsonschema.compile(schema, formats=formats, use_default=False)

    def valid(payload: Any) -> bool:
        try:
            check(payload)
        except Exception:  # noqa: BLE001 - invalid, or the compiled code's own trouble: the slow way decides
            return False
        return True

    _validators[key] = valid
