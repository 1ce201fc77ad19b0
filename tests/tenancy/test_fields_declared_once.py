"""Tenant fields are declared once: the JSON Schema is the source editors use, and each schema object's properties
are exactly its model's fields (a field added to one and not the other fails here, not in a tenant's pull request).
The few names that differ on purpose are listed with why."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from provider.tenancy import model
from provider.tenancy.schema import tenant_schema

SCHEMA = tenant_schema()


def _object(path: str) -> dict[str, Any]:
    """A schema object by a dotted path from the root or a $defs name, following $ref and array items."""
    node: dict[str, Any] = SCHEMA
    for index, part in enumerate(path.split(".") if path else []):
        node = SCHEMA["$defs"][part] if index == 0 and part in SCHEMA["$defs"] else node["properties"][part]
        while "$ref" in node or node.get("type") == "array":
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["items"]
    return node


# (schema object, model, {schema name: model name} where they differ on purpose, model-only fields)
PAIRS = [
    ("", model.Tenant, {"shard_move": "release_to",  # step one of a move: only its target is kept
                        "api_key": "api_keys"},  # the shorthand `api_key: true` is one key named crm
     {"source"}),  # where the tenant came from, for messages
    ("api_key", model.ApiKeySpec, {}, set()),
    ("webhooks", model.Webhooks, {}, set()),
    ("phone_number", model.PhoneNumberSpec, {}, set()),
    ("search", model.NumberSearch, {}, set()),
    ("budget", model.Budget, {}, set()),
    ("billing", model.Billing, {}, set()),
    ("plan_change", model.PlanChange, {"from": "start"}, set()),  # `from` is a Python keyword
    ("discount", model.Discount, {"from": "start", "until": "end"}, set()),
    ("messaging", model.Messaging, {}, set()),
    ("messaging_service", model.ServiceSettings, {}, set()),
    ("business", model.Business, {}, set()),
    ("business.address", model.PostalAddress, {}, set()),
    ("business.contact", model.Contact, {}, set()),
    ("a2p_10dlc", model.A2pCampaign, {}, set()),
    ("toll_free", model.TollFree, {}, set()),
    ("sending_rules", model.SendingRules, {"quiet_hours": "quiet_start"}, {"quiet_end"}),  # one object, two fields
    ("voice", model.Voice, {}, set()),
    ("voice.voice_integrity", model.VoiceIntegrity, {}, set()),
    ("voice.cnam", model.Cnam, {}, set()),
    ("voice.dialing", model.Dialing, {}, set()),
    ("voice.emergency_address", model.PostalAddress, {}, set()),
]


@pytest.mark.parametrize("path, cls, renamed, model_only", PAIRS, ids=[p[0] or "tenant" for p in PAIRS])
def test_each_schema_object_is_its_models_fields(path: str, cls: type, renamed: dict[str, str],
                                                 model_only: set[str]) -> None:
    properties = {renamed.get(name, name) for name in _object(path)["properties"]} - {"$schema"}
    fields = {f.name for f in dataclasses.fields(cls)} - model_only
    assert properties == fields, f"schema only: {properties - fields}; model only: {fields - properties}"


def test_every_schema_object_is_paired() -> None:
    """A new object in the schema gets a model (and a line above)."""
    paired = {p[0].split(".")[-1] for p in PAIRS} | {"emergency_address", "address", "contact", "quiet_hours",
                                                     "auth_token", "shard_move", "labels"}
    objects = {name for name, d in SCHEMA["$defs"].items() if d.get("type") == "object" and "properties" in d}
    assert objects <= paired, f"schema objects without a model pairing: {objects - paired}"


def test_the_schemas_identifier_patterns_are_the_products() -> None:
    from provider.identifiers import ACCOUNT_SID, E164, NUMBER_SID

    def pattern(node: dict[str, Any]) -> str:
        return node["pattern"].removeprefix("^").removesuffix("$")
    assert pattern(SCHEMA["$defs"]["account_sid"]) == ACCOUNT_SID.pattern
    assert pattern(SCHEMA["$defs"]["e164"]) == E164.pattern
    assert pattern(_object("phone_number")["properties"]["sid"]) == NUMBER_SID.pattern
    assert pattern(_object("phone_number")["properties"]["number"]) == E164.pattern



@pytest.mark.parametrize("path, table", [("webhooks", "NUMBER_WEBHOOKS"), ("messaging_service", "SERVICE_SETTINGS")])
def test_the_settings_tables_are_the_schemas(path: str, table: str) -> None:
    """A number's webhooks and a service's settings: one table each (name, Twilio's name, default), the same names
    as the schema object the editors use, in the order a reviewer reads them."""
    from provider import twilio_settings

    assert [s.name for s in getattr(twilio_settings, table)] == list(_object(path)["properties"])


def test_each_default_is_what_twilio_has_when_nothing_is_set(tenant: tuple[Any, Any]) -> None:
    """Removing a line from a file sends the table's default: it must be what Twilio (the stand-in, read with the
    SDK by each setting's Twilio name) has for a number bought, and a service made, with nothing set."""
    from provider.twilio_settings import NUMBER_WEBHOOKS, SERVICE_SETTINGS

    client, account = tenant
    number = client.api.v2010.accounts(account.sid).incoming_phone_numbers.create(area_code="415")
    service = client.messaging.v1.services.create(friendly_name="defaults")
    for made, settings in ((number, NUMBER_WEBHOOKS), (service, SERVICE_SETTINGS)):
        for setting in settings:
            live = getattr(made, setting.twilio)
            assert ("" if live is None else live) == setting.default, (setting.name, live)  # null: no URL set
