"""Quick fixes read from the schema and the value, never from an issue's words: each kind, and
none where the fix is not the one obvious one."""

import pytest

from console.core.definitions import schema_at, vendors
from console.core.validation import ERROR, WARNING, Issue, path_of
from console.engine.quick_fix import QuickFix, quick_fix

SCHEMA = {"type": "object", "properties": {
    "n": {"type": "integer"}, "x": {"type": "number"}, "t": {"type": "string", "maxLength": 5},
    "e": {"enum": ["confirmation", "login", "update"]}, "s": {"type": "string"}, "loose": {"x-number": {}},
    "list": {"type": "array", "items": {"$ref": "#/$defs/item"}}}}
DEFS = {"item": {"type": "object", "properties": {"id": {"type": "string"}}}}


@pytest.fixture
def op():
    vendor = vendors()["octeth"]
    return vendor._replace(defs=DEFS), vendor.operations["event"]._replace(schema=SCHEMA)


@pytest.mark.parametrize("payload, path, expected", [
    ({"n": "12"}, "/n", QuickFix("Make it a number: 12", "/n", 12)),
    ({"x": " 1.5"}, "/x", QuickFix("Make it a number: 1.5", "/x", 1.5)),
    ({"n": "1.5"}, "/n", None),  # not an integer: no obvious fix
    ({"s": 12345}, "/s", QuickFix('Make it text: "12345"', "/s", "12345")),
    ({"t": "abcdefgh"}, "/t", QuickFix("Trim it to its 5 characters", "/t", "abcde")),
    ({"e": "confirmaton"}, "/e", QuickFix("Use 'confirmation', the documented value closest to 'confirmaton'",
                                          "/e", "confirmation")),
    ({"e": "LOGIN"}, "/e", QuickFix("Use 'login', the documented value closest to 'LOGIN'", "/e", "login")),
    ({"e": "purchase"}, "/e", None),  # nothing near: no guess
    ({"loose": "12"}, "/loose", None),  # a number that may be written as text: nothing to fix
    ({"list": [{"id": 5}]}, "/list/0/id", QuickFix('Make it text: "5"', "/list/0/id", "5")),
    ({"s": "x"}, "/nothing", None),
])
def test_each_kind_of_fix(op, payload, path, expected):
    vendor, operation = op
    assert quick_fix(vendor, operation, payload, Issue(ERROR, path, "whatever it says", "schema.type")) == expected


def test_only_errors_at_a_place_in_the_payload(op):
    vendor, operation = op
    assert quick_fix(vendor, operation, {"s": 1}, Issue(WARNING, "/s", "x", "schema.x")) is None
    assert quick_fix(vendor, operation, {"s": 1}, Issue(ERROR, "settings/base_url", "x", "setting.missing")) is None


def test_schema_at_follows_refs_and_items():
    assert schema_at(SCHEMA, DEFS, path_of("/list/3/id")) == {"type": "string"}
    assert schema_at(SCHEMA, DEFS, path_of("/missing/deeper")) == {}
