"""The definitions load strictly, and every operation of the contract is defined and sane."""

import copy
import json
import random
from datetime import datetime, timezone

import pytest

from console.core.definitions import VENDOR_NAMES, DefinitionError, load_vendor, vendors
from console.core.dynamic import resolve, schema_wants_number
from console.core.resources import resources_dir
from console.core.validation import check_schema, schema_issues
from console.vendors import RULES

CONTRACT_OPERATIONS = {
    "vibetrace": {"track", "rest-event"},
    "mytracker": {"registration", "registrationBatch", "login", "loginBatch", "customEvent", "customEventBatch"},
    "octeth": {"event", "event-properties"},
    "synerise": {"custom", "batch", "ai-event", "ai-batch"},
}
CONTRACT_SECRETS = {
    ("vibetrace", "track"): (), ("vibetrace", "rest-event"): ("api_key",),
    ("octeth", "event"): ("api_key", "session_id"), ("octeth", "event-properties"): ("api_key", "session_id"),
    ("synerise", "custom"): ("jwt", "api_key"), ("synerise", "batch"): ("jwt", "api_key"),
    # The contract's tracker_key first; a JWT is the document's other way for AI events.
    ("synerise", "ai-event"): ("tracker_key", "jwt"), ("synerise", "ai-batch"): ("tracker_key", "jwt"),
}
ALL_OPERATIONS = [(v, o) for v, ops in CONTRACT_OPERATIONS.items() for o in sorted(ops)]


def test_registry_matches_contract():
    assert VENDOR_NAMES == ("vibetrace", "mytracker", "octeth", "synerise")
    assert tuple(RULES) == VENDOR_NAMES  # every vendor has its rules, in the same order
    assert {v: set(d.operations) for v, d in vendors().items()} == CONTRACT_OPERATIONS


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_schema_is_valid_and_example_is_clean(vendor, operation):
    check_schema(vendor, operation)
    definition = vendors()[vendor]
    op = definition.operations[operation]
    # Examples carry dynamic values (fresh ids and times); what is checked is what is sent.
    made = resolve(op.example, datetime.now(timezone.utc), random.Random(1),
                   schema_wants_number(op.schema, definition.defs))
    assert made.unknown == ()
    assert schema_issues(vendor, operation, made.value) == []


@pytest.mark.parametrize("vendor,operation", ALL_OPERATIONS)
def test_secrets_and_defaults_follow_contract(vendor, operation):
    op = vendors()[vendor].operations[operation]
    expected = CONTRACT_SECRETS.get((vendor, operation), ("token",) if vendor == "mytracker" else None)
    assert op.credentials == expected
    assert "base_url" in op.settings
    defaults = {"vibetrace/track": "https://app.vtcdn.net", "vibetrace/rest-event": "https://api.vtcdn.net",
                "octeth/event": None, "octeth/event-properties": None}
    default = vendors()[vendor].setting_default(op, "base_url")
    if op.key in defaults:
        assert default == defaults[op.key]
    elif vendor == "mytracker":
        assert default == "https://tracker-s2s.my.com"
    else:
        assert default == "https://api.synerise.com"


def _write(tmp_path, data, name="mytracker"):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def raw():
    return json.loads((resources_dir() / "vendors" / "mytracker.json").read_text())


BREAKAGES = [
    ("unknown top-level key", lambda d: d.update(extra=1), "unknown key"),
    ("missing operations", lambda d: d.pop("operations"), "missing operations"),
    ("unknown operation key", lambda d: d["operations"]["login"].update(shcema={}), "unknown key"),
    ("undeclared setting", lambda d: d["operations"]["login"]["settings"].append("nope"), "undeclared"),
    ("undeclared secret", lambda d: d["operations"]["login"].update(credentials=["nope"]), "undeclared"),
    ("template placeholder", lambda d: d["operations"]["login"]["request"].update(path="/v1/{nope}/"), "undeclared nope"),
    ("bad method", lambda d: d["operations"]["login"]["request"].update(method="FETCH"), "method"),
    ("bad body kind", lambda d: d["operations"]["login"]["request"].update(body="xml"), "body"),
    ("relative path", lambda d: d["operations"]["login"]["request"].update(path="v1/login/"), "path must start"),
    ("sandbox names unknown secret", lambda d: d["sandbox"]["secrets"].update(nope="x"), "sandbox"),
    ("setting with unknown kind", lambda d: d["settings"]["app_id"].update(kind="number"), "kind"),
    ("vendor name differs from file", lambda d: d.update(vendor="other"), "differ"),
]


@pytest.mark.parametrize("name,breakage,message", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_loader_rejects_malformed_definitions(tmp_path, raw, name, breakage, message):
    broken = copy.deepcopy(raw)
    breakage(broken)
    with pytest.raises(DefinitionError, match=message):
        load_vendor(_write(tmp_path, broken))


def test_loader_rejects_broken_json(tmp_path):
    path = tmp_path / "mytracker.json"
    path.write_text("{not json")
    with pytest.raises(DefinitionError, match="mytracker.json"):
        load_vendor(path)


def test_loader_accepts_the_shipped_file(tmp_path, raw):
    assert set(load_vendor(_write(tmp_path, raw)).operations) == CONTRACT_OPERATIONS["mytracker"]
