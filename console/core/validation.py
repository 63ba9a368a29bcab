"""Validation issues and the schema half of validation (the vendor half is in console/vendors).

JSON Schema errors are turned into plain sentences that name the field and the rule.
Definitions may add:
- `x-number` {minimum, maximum, enum, integer}: a number or a numeric string (myTracker's own
  examples send "age": "25"), range-checked on its value;
- `x-warn-unknown`: fields not listed in `properties` give a warning (names are case-sensitive);
- `x-messages` {keyword: sentence}: the sentence for that keyword's failure at that node, with
  {field} (readable path), {name} (last part of the path), {count} and {limit} filled in.
jsonschema is imported on first use: it costs start-up time the command line should not pay.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any, NamedTuple

from console.core.issue_codes import IssueCode, schema_code
from console.core.schema_values import FORMATS, number_failures, numeric_value

ERROR = "error"
WARNING = "warning"
WARNING_KEYWORDS = frozenset({"x-warn-unknown"})

TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
              "object": "an object {…}", "array": "a list […]", "boolean": "true or false",
              "null": "null"}


class Issue(NamedTuple):
    """One finding about a payload: `path` is a JSON Pointer into the payload, or
    `settings/<name>` / `secrets/<name>`; errors block a send unless forced. (A NamedTuple,
    like the definitions' records: the form imports this module before the first paint.)"""

    severity: str
    path: str
    message: str
    code: str  # what kind of finding it is (console.core.issue_codes): decide by this, not by message
    # The history id of an earlier exchange the issue is about (a repeated orderId), so the
    # window can link to it; not part of the issue's JSON (the contract's three keys).
    ref: int | None = None
    plan: str | None = None  # the tracking plan an issue comes from (console.core.plans)

    def to_json(self) -> dict[str, str]:
        data = {"severity": self.severity, "path": self.path, "message": self.message}
        if self.plan is not None:
            data["plan"] = self.plan
        return data

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def pointer(parts: Iterable[Any]) -> str:
    """A JSON Pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_parts(text: str) -> list[str]:
    """pointer's inverse: the path parts of a JSON Pointer (all text; "" is the whole document)."""
    return [p.replace("~1", "/").replace("~0", "~") for p in text.split("/")[1:]]


def path_of(where: str) -> list[Any]:
    """A JSON Pointer's path parts with list indexes as numbers (what field_label and set_at take)."""
    return [int(p) if p.isdigit() else p for p in pointer_parts(where)]


def value_at(data: Any, where: str, missing: Any = None) -> Any:
    """The value at a JSON Pointer in `data`, or `missing` when nothing is there."""
    node = data
    for part in pointer_parts(where):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return missing
    return node


def field_label(parts: Sequence[Any]) -> str:
    """A readable name for a place in the payload: `client.email`, `customUserId (item 2)`."""
    names = [str(p) for p in parts if not isinstance(p, int)]
    items = [p for p in parts if isinstance(p, int)]
    label = ".".join(names) if names else "the payload"
    if items:
        label += f" (item {items[0] + 1}" + "".join(f", {i + 1}" for i in items[1:]) + ")"
    return label


def _x_number(validator: Any, spec: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    """Errors for the documented limits, warnings for `warn`'s (number_failures)."""
    from jsonschema import ValidationError

    value = numeric_value(instance)
    if value is None:
        yield ValidationError(f"{instance!r} is not a number", validator_value=spec)
        return
    for message, limits, warning in number_failures(value, spec):
        error = ValidationError(f"{instance!r} {message}", validator_value=limits)
        error.warning = warning  # type: ignore[attr-defined]  # read by _is_warning
        yield error


def _x_warn_unknown(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    from jsonschema import ValidationError

    if not enabled or not isinstance(instance, dict):
        return
    known = schema.get("properties", {})
    for name in instance:
        if name not in known:
            error = ValidationError(f"{name!r} is not a documented field")
            error.path.append(name)
            yield error


def _required(validator: Any, required: list[str], instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
    # jsonschema's own keyword yields errors that do not say which name is missing in a
    # machine-readable way; this one puts the name at the end of the error's path.
    from jsonschema import ValidationError

    if not isinstance(instance, dict):
        return
    for name in required:
        if name not in instance:
            error = ValidationError(f"{name!r} is a required property")
            error.path.append(name)
            error.missing = name  # type: ignore[attr-defined]  # the name, for _describe
            yield error


@cache
def _validator_class() -> tuple[Any, Any]:
    from jsonschema import Draft202012Validator, FormatChecker, validators

    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)  # type: ignore[type-var]  # jsonschema calls it for strings only
    cls = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {"x-number": _x_number, "x-warn-unknown": _x_warn_unknown, "required": _required},
    )
    return cls, checker


@cache
def _compiled(vendor: str, operation: str) -> Any:
    from console.core.definitions import find_operation

    v, op = find_operation(vendor, operation)
    cls, checker = _validator_class()
    # Not checked against the metaschema here (18-26 ms an operation at every run): the
    # shipped schemas are checked by the tests and the self-test (check_schema).
    return cls(op.full_schema(v.defs), format_checker=checker)


def compile_validator(vendor: str, operation: str) -> None:
    """Imports jsonschema and builds the operation's validator now (once), so that the first
    check does not pay for it; the window calls it on a worker thread at start-up."""
    _compiled(vendor, operation)


def compile_for(vendor: str, operation: str, payload: Any) -> None:
    """Compiles now what checking `payload` against the operation's schema will need: the fast
    validator, and jsonschema's too unless the fast one passes the payload (the window's worker
    calls it at start-up, so that its first check neither waits for jsonschema's import, about
    100 ms, nor has to explain an invalid payload on the GUI thread). The payload is checked as
    it stands, its dynamic values not made yet: where making them changes the answer, the first
    check compiles what it still needs."""
    from console.core.schema_fast_path import compile_fast_validator, fast_validator

    compile_fast_validator(vendor, operation)
    fast = fast_validator(vendor, operation)
    checked, nulls = without_nulls(payload)
    if fast is None or not fast(checked) or (nulls and not fast(payload)):
        compile_validator(vendor, operation)


def check_schema(vendor: str, operation: str) -> None:
    """Raises when the operation's schema is not a valid JSON Schema against the metaschema
    (tests and `--self-test`; a run trusts the shipped definitions)."""
    from console.core.definitions import find_operation

    v, op = find_operation(vendor, operation)
    cls, _checker = _validator_class()
    cls.check_schema(op.full_schema(v.defs))


def _describe(error: Any) -> tuple[str, str]:
    """(JSON Pointer, sentence) for one jsonschema error."""
    parts = list(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    custom = (error.schema.get("x-messages") or {}).get(keyword) if isinstance(error.schema, dict) else None
    field = field_label(parts)
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    limit = value if isinstance(value, (int, float)) else None
    count = len(instance) if isinstance(instance, (list, dict, str)) else None
    if custom:
        name = str(parts[-1]) if parts else "the payload"
        for key, value in (("{field}", field), ("{name}", name), ("{count}", count), ("{limit}", limit)):
            custom = custom.replace(key, str(value))
        return pointer(parts), custom

    if keyword == "required":
        return pointer(parts), f"{field} is required."
    if keyword == "type":
        wanted = [value] if isinstance(value, str) else list(value)
        words = " or ".join(TYPE_WORDS.get(t, t) for t in wanted)
        got = TYPE_WORDS.get(json_type(instance), json_type(instance))
        if isinstance(instance, (int, float, str)) and not isinstance(instance, bool):
            got = f"{got} ({json.dumps(instance)[:40]})"  # "a whole number, not a number" says nothing
        return pointer(parts), f"{field} must be {words}, not {got}."
    if keyword in ("minLength", "maxLength"):
        low = error.schema.get("minLength")
        high = error.schema.get("maxLength")
        n = len(instance)
        if low is not None and low == high:
            return pointer(parts), f"{field} must be exactly {low} characters long (it has {n})."
        if keyword == "minLength":
            if value == 1:
                return pointer(parts), f"{field} must not be empty."
            return pointer(parts), f"{field} is too short: {n} characters, at least {value} needed."
        return pointer(parts), f"{field} is too long: {n} characters, at most {value} allowed."
    if keyword == "minimum":
        return pointer(parts), f"{field} is {instance}, below the minimum of {value}."
    if keyword == "maximum":
        return pointer(parts), f"{field} is {instance}, above the maximum of {value}."
    if keyword == "enum":
        return pointer(parts), f"{field} must be one of {', '.join(map(str, value))} (not {json.dumps(instance)})."
    if keyword == "const":
        return pointer(parts), f"{field} must be {json.dumps(value)}."
    if keyword == "maxItems":
        return pointer(parts), f"{field} has {count} items; at most {value} allowed."
    if keyword == "minItems":
        return pointer(parts), f"{field} needs at least {value} item(s)."
    if keyword == "minProperties":
        return pointer(parts), f"{field} must not be empty."
    if keyword == "format":
        if value == "email":
            return pointer(parts), f"{field} is not a valid email address: {json.dumps(instance)}."
        if value == "date-time":
            return pointer(parts), (f"{field} is not an ISO 8601 date and time "
                                    f"(like 2022-11-28T12:18:27Z): {json.dumps(instance)}.")
        if value == "uuid":
            return pointer(parts), (f"{field} must be a UUID (like e0097757-d1e2-44ac-ba3c-d97979a354c1): "
                                    f"{json.dumps(instance)}.")
        return pointer(parts), f"{field} is not a valid {value}."
    if keyword == "x-number":
        number = numeric_value(instance)
        if number is None:
            return pointer(parts), f"{field} must be a number (or a numeric string), not {json.dumps(instance)}."
        if value.get("integer") and number != int(number):
            return pointer(parts), f"{field} must be a whole number, not {json.dumps(instance)}."
        if "enum" in value and number not in value["enum"]:
            allowed = ", ".join(map(str, value["enum"]))
            meaning = f" ({description})" if description else ""
            return pointer(parts), f"{field} must be one of {allowed}{meaning}, not {json.dumps(instance)}."
        if "minimum" in value and number < value["minimum"]:
            return pointer(parts), f"{field} is {json.dumps(instance)}, below the minimum of {value['minimum']}."
        return pointer(parts), f"{field} is {json.dumps(instance)}, above the maximum of {value.get('maximum')}."
    if keyword == "x-warn-unknown":
        return pointer(parts), (f"{field} is not a documented field here; the vendor may ignore or "
                                f"reject it (field names are case-sensitive).")
    if keyword == "propertyNames":
        return pointer(parts), f"A field name in {field} breaks the rule: {error.message}."
    if keyword in ("anyOf", "oneOf"):
        return pointer(parts), f"{field} does not match any of the allowed forms."
    return pointer(parts), f"{field}: {error.message}."


JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")  # JSON Schema's names


def json_type(instance: Any) -> str:
    """The JSON type of a value, as JSON Schema names it (a float is a number)."""
    if isinstance(instance, bool):
        return "boolean"
    if isinstance(instance, int):
        return "integer"
    if isinstance(instance, float):
        return "number"
    if isinstance(instance, str):
        return "string"
    if isinstance(instance, list):
        return "array"
    if isinstance(instance, dict):
        return "object"
    return "null"


def _is_warning(error: Any) -> bool:
    """A failure of a check that is ours rather than the document's: the x-warn-unknown
    keyword, x-number's `warn` limits, or any keyword of a subschema marked
    `"x-severity": "warning"`."""
    if error.validator in WARNING_KEYWORDS or getattr(error, "warning", False):
        return True
    return isinstance(error.schema, dict) and error.schema.get("x-severity") == "warning"


def without_nulls(payload: Any) -> tuple[Any, list[str]]:
    """`payload` with every object field whose value is null left out, and the JSON Pointers
    of those fields. Real SDKs send `null` for optional fields they were not given (Synerise's
    Python SDK does), which vendors treat as absent: so does validation (a required field that
    is null is missing)."""
    found: list[str] = []

    def walk(node: Any, parts: list[Any]) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if value is None:
                    found.append(pointer([*parts, key]))
                else:
                    out[key] = walk(value, [*parts, key])
            return out
        if isinstance(node, list):
            return [walk(item, [*parts, i]) for i, item in enumerate(node)]
        return node

    if not _has_null_field(payload):
        return payload, found  # the usual case: nothing copied
    return walk(payload, []), found



def _has_null_field(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if any(value is None for value in item.values()):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def schema_issues(vendor: str, operation: str, payload: Any) -> list[Issue]:
    """The issues the operation's JSON Schema finds in `payload`, in document order. A field
    given as null is checked as absent (see without_nulls); where the schema would not take
    null there, a warning says how it is treated."""
    checked, nulls = without_nulls(payload)
    issues = _schema_issues(vendor, operation, checked)
    if nulls:
        refused = {i.path for i in _schema_issues(vendor, operation, payload) if i.is_error} & set(nulls)
        issues += [Issue(WARNING, path, (f"{field_label(path_of(path))} is null: it is checked as absent "
                                         "(vendors treat a null optional field so); the console's advice is to "
                                         "leave it out."), IssueCode.SCHEMA_NULL_OPTIONAL)
                   for path in nulls if path in refused]
    return sorted(issues, key=lambda i: (i.path, i.severity))


def _schema_issues(vendor: str, operation: str, payload: Any) -> list[Issue]:
    from console.core.schema_fast_path import fast_validator

    fast = fast_validator(vendor, operation)
    if fast is not None and fast(payload):  # nothing to find (most payloads): no need to explain
        return []
    return explained_schema_issues(vendor, operation, payload)


def explained_schema_issues(vendor: str, operation: str, payload: Any) -> list[Issue]:
    """Every issue jsonschema finds in `payload`, each explained (the slow way, which the fast
    path only skips when it would find none; nulls are not left out here)."""
    validator = _compiled(vendor, operation)
    issues: list[Issue] = []
    seen = set()
    for error in validator.iter_errors(payload):
        path, message = _describe(error)
        severity = WARNING if _is_warning(error) else ERROR
        if (path, message) in seen:
            continue
        seen.add((path, message))
        issues.append(Issue(severity, path, message, schema_code(error.validator)))
    return sorted(issues, key=lambda i: (i.path, i.severity))
