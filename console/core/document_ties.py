"""Where each rule that blocks a send is stated in the vendor's document.

Only what a vendor document states is an error; the console's own checks are warnings. So
every schema node of the definitions that can raise an error names the document line that
states it, in resources/rules/document-ties.json (schema node → document, line, words of
that line); rules written in code name theirs in a `# doc: <file>:<line>` comment beside the
Issue. tests/test_document_ties.py holds both to it, and the README's vendor table lists them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from console.core.resources import resources_dir

if TYPE_CHECKING:
    from console.core.definitions import Operation, Vendor

# The JSON Schema keywords whose failure is an error (unless the node is marked a warning).
ERROR_KEYWORDS = frozenset({"required", "type", "minLength", "maxLength", "minimum", "maximum", "enum", "const",
                            "format", "maxItems", "minItems", "anyOf", "oneOf", "x-number", "propertyNames",
                            "minProperties", "maxProperties", "pattern", "not", "contains"})


class Tie(NamedTuple):
    document: str
    line: int
    says: str


def blocking_nodes(schema: Any, pointer: str, field: str | None = None, warning: bool = False
                   ) -> Iterator[tuple[str, str | None]]:
    """(node pointer, field name) of every node under `schema` whose failure is an error. A
    condition (`if`) raises nothing; a node marked `"x-severity": "warning"`, nor anything in it."""
    if not isinstance(schema, dict):
        return
    warning = warning or schema.get("x-severity") == "warning"
    if not warning and ERROR_KEYWORDS & set(schema):
        yield pointer, field
    for name, sub in (schema.get("properties") or {}).items():
        yield from blocking_nodes(sub, f"{pointer}/properties/{name}", name, warning)
    for key in ("items", "additionalProperties", "propertyNames", "then", "else", "not", "contains"):
        yield from blocking_nodes(schema.get(key), f"{pointer}/{key}", field, warning)
    for key in ("allOf", "anyOf", "oneOf"):
        for index, sub in enumerate(schema.get(key) or []):
            yield from blocking_nodes(sub, f"{pointer}/{key}/{index}", field, warning)
    for name, sub in (schema.get("$defs") or {}).items():
        yield from blocking_nodes(sub, f"{pointer}/$defs/{name}", name, warning)


def definition_nodes(vendor: Vendor) -> list[tuple[str, str | None]]:
    """The blocking nodes of one vendor (a definitions.Vendor): its $defs and every operation's schema."""
    found = list(blocking_nodes({"$defs": vendor.defs}, f"/{vendor.name}"))
    for op in vendor.operations.values():
        found += blocking_nodes(op.schema, f"/{vendor.name}/{op.name}")
    return found


@cache
def ties() -> dict[str, Tie]:
    data = json.loads((resources_dir() / "rules" / "document-ties.json").read_text(encoding="utf-8"))
    return {pointer: Tie(**tie) for pointer, tie in data["ties"].items()}


def ties_of(vendor: Vendor, op: Operation) -> list[Tie]:
    """The document lines of the rules that block a send of `op` (its schema's, and those of
    the $defs it refers to), in document order."""
    used: set[str] = set()
    text = json.dumps(op.schema)
    while True:
        more = {name for name in vendor.defs if f'"#/$defs/{name}"' in text} - used
        if not more:
            break
        used |= more
        text = json.dumps([vendor.defs[name] for name in more])
    prefixes = (f"/{vendor.name}/{op.name}",) + tuple(f"/{vendor.name}/$defs/{name}" for name in used)
    found = {tie for pointer, tie in ties().items()
             if any(pointer == p or pointer.startswith(p + "/") for p in prefixes)}
    return sorted(found, key=lambda t: (t.document, t.line))
