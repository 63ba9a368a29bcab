"""The schema check's fast path (console.core.schema_fast_path) changes no answer: wherever
the compiled validator says "valid", jsonschema finds nothing (no error, no warning), over
every operation's example, the payloads the documents allow (test_false_positives), the
hostile corpus of the property tests and payloads made from the examples by changing one
field at a time; and it does say "valid" for the examples, so the fast path is taken."""

import copy
import json
import random
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.core.definitions import find_operation
from console.core.dynamic import Variables
from console.core.schema_fast_path import (
    Untranslatable,
    compile_fast_validator,
    fast_validator,
    strict_schema,
)
from console.core.validation import explained_schema_issues
from console.engine.first_check import resolve_payload
from tests.test_definitions import ALL_OPERATIONS
from tests.test_false_positives import CASES
from tests.test_properties import json_values, shaped


def slow_issues(vendor, operation, payload):
    """jsonschema's answer alone (the fast path not asked)."""
    return explained_schema_issues(vendor, operation, payload)


def example(vendor, operation):
    """The operation's example as sent: its dynamic values ({{$timestamp}}, …) made."""
    v, op = find_operation(vendor, operation)
    return resolve_payload(v, op, op.example, datetime(2026, 12, 7, tzinfo=timezone.utc), random.Random(1),
                           Variables()).value


def compiled(vendor, operation):
    """The operation's fast validator (compiled here: a window made by an earlier test turns
    compiling on demand off)."""
    compile_fast_validator(vendor, operation)
    return fast_validator(vendor, operation)


def agrees(vendor, operation, payload):
    fast = compiled(vendor, operation)
    if fast(payload):
        assert slow_issues(vendor, operation, payload) == [], (vendor, operation, json.dumps(payload)[:300])


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_every_operation_has_a_fast_path_that_passes_its_example(vendor, operation):
    fast = compiled(vendor, operation)
    assert fast is not None
    payload = example(vendor, operation)
    assert slow_issues(vendor, operation, payload) == []
    assert fast(payload)


@pytest.mark.parametrize("vendor,operation,payload,warning", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_documents_payloads_get_the_same_answer(vendor, operation, payload, warning):
    agrees(vendor, operation, payload)


# One field of an example changed: the values that sit at the edges of the rules.
EDGES = [None, True, False, 0, 1, -1, 1.0, 1.5, 0.1, 2**31, 2**53 + 1, 10**20, -(10**20), 946674000, 4294967296,
         "", " ", "x", "x" * 129, "x" * 256, "x" * 2049, "25", " 25 ", "-3", "1.5", "1e3", "abc", "true",
         "a@b.co", "not an email", "a@@b.co", "2024-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "yesterday",
         "123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000", [], [1], ["x"], {}, {"a": 1},
         {"unknown": "x"}]


def leaves(node, path=()):
    """Every place in a payload: (path, value)."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))


def put(payload, path, value):
    changed = copy.deepcopy(payload)
    if not path:
        return value
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


def drop(payload, path):
    changed = copy.deepcopy(payload)
    node = changed
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return changed


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_each_field_of_the_example_changed_to_each_edge_gets_the_same_answer(vendor, operation):
    fast = compiled(vendor, operation)
    ready = example(vendor, operation)
    taken = 0
    for path, _value in list(leaves(ready)):
        variants = [put(ready, path, edge) for edge in EDGES]
        if path:
            variants.append(drop(ready, path))
        parent = ready
        for part in path:
            parent = parent[part]
        if isinstance(parent, dict):
            variants.append(put(ready, (*path, "notDocumented"), "x"))
        for payload in variants:
            agrees(vendor, operation, payload)
            taken += fast(payload)
    assert taken  # some variants are valid, so "valid" was compared as well as "invalid"


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=json_values | shaped)
def test_arbitrary_payloads_get_the_same_answer(vendor, operation, payload):
    agrees(vendor, operation, payload)


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_examples_with_generated_fields_get_the_same_answer(vendor, operation, data):
    payload = example(vendor, operation)
    places = list(leaves(payload))
    for _ in range(data.draw(st.integers(1, 3))):
        path, _value = data.draw(st.sampled_from(places))
        payload = put(payload, path, data.draw(json_values | st.sampled_from(EDGES)))
        places = list(leaves(payload))
    agrees(vendor, operation, payload)


def test_a_keyword_it_does_not_know_leaves_the_slow_way():
    with pytest.raises(Untranslatable):
        strict_schema({"type": "object", "dependentRequired": {"a": ["b"]}})


def test_the_keywords_beside_a_ref_are_kept():
    import fastjsonschema

    schema, formats = strict_schema({"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2})
    check = fastjsonschema.compile(schema, formats=formats)
    assert check("ab") == "ab"
    with pytest.raises(fastjsonschema.JsonSchemaException):
        check("abc")  # draft-07 alone would pass it: the $ref's sibling would be ignored


def test_compile_for_leaves_jsonschema_out_for_a_payload_the_fast_path_passes():
    """The window's start-up asks compile_for for its first check: a valid payload needs only
    the fast validator; one that needs explaining (or has a null the fast path refuses) has
    jsonschema's validator compiled too, so that the GUI thread never compiles it."""
    from console.core import validation

    valid = example("octeth", "event")
    validation._compiled.cache_clear()
    validation.compile_for("octeth", "event", valid)
    assert fast_validator("octeth", "event")(valid)
    assert validation._compiled.cache_info().currsize == 0
    validation.compile_for("octeth", "event", {**valid, "ListID": "not a number"})
    assert validation._compiled.cache_info().currsize == 1
    validation._compiled.cache_clear()
    validation.compile_for("octeth", "event", {**valid, "properties": None})
    assert validation._compiled.cache_info().currsize == 1
