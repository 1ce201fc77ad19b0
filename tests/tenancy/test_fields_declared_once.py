"""Tenant fields are declared once: the JSON Schema is the source editors use, and each schema object's properties
are exactly its model's fields (a field added to one and not the other fails here, not in a tenant's pull request).
The few names that differ on purpose are listed with why."""
from __future__ import annotations

import dataclasses
import typing
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
        node = _resolved(node)
    return node


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node or node.get("type") == "array":
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["items"]
    return node


# Where a schema name and its model field differ on purpose, by model: {schema name: model name}.
RENAMED: dict[type, dict[str, str]] = {
    model.Tenant: {"shard_move": "release_to",  # step one of a move: only its target is kept
                   "api_key": "api_keys"},  # the shorthand `api_key: true` is one key named crm
    model.PlanChange: {"from": "start"},  # `from` is a Python keyword
    model.Discount: {"from": "start", "until": "end"},
    model.SendingRules: {"quiet_hours": "quiet_start"},  # one schema object, two model fields
}
MODEL_ONLY: dict[type, set[str]] = {model.Tenant: {"source"},  # where the tenant came from, for messages
                                    model.SendingRules: {"quiet_end"}}


def _model_of(annotation: Any) -> type | None:
    """The dataclass a field holds (alone, optional, or in a list or mapping), or None for a plain value."""
    if dataclasses.is_dataclass(annotation):
        return annotation  # type: ignore[return-value]
    inner = [found for arg in typing.get_args(annotation) if (found := _model_of(arg))]
    return inner[0] if inner else None


def _pairs() -> list[tuple[str, dict[str, Any], type]]:
    """Each schema object with the model that reads it, found by walking the model's field types from the tenant
    down alongside the schema: a nested model is checked without anyone listing it."""
    pairs: list[tuple[str, dict[str, Any], type]] = []

    def walk(path: str, node: dict[str, Any], cls: type) -> None:
        pairs.append((path, node, cls))
        schema_name = {model_name: name for name, model_name in RENAMED.get(cls, {}).items()}
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            nested = _model_of(hints[field.name])
            if nested is None or field.name in MODEL_ONLY.get(cls, set()):
                continue
            name = field.name if field.name in node["properties"] else schema_name.get(field.name, field.name)
            assert name in node["properties"], f"{cls.__name__}.{field.name} holds a model, the schema has no {name}"
            walk(f"{path}.{name}".lstrip("."), _resolved(node["properties"][name]), nested)

    walk("", SCHEMA, model.Tenant)
    return pairs


PAIRS = _pairs()


@pytest.mark.parametrize("path, node, cls", PAIRS, ids=[p[0] or "tenant" for p in PAIRS])
def test_each_schema_object_is_its_models_fields(path: str, node: dict[str, Any], cls: type) -> None:
    renamed = RENAMED.get(cls, {})
    properties = {renamed.get(name, name) for name in node["properties"]} - {"$schema"}
    fields = {f.name for f in dataclasses.fields(cls)} - MODEL_ONLY.get(cls, set())
    assert properties == fields, f"schema only: {properties - fields}; model only: {fields - properties}"


def test_the_walk_reaches_every_model_and_every_schema_object() -> None:
    """Every model of a tenant file is checked above, and every schema object with fields is read by one: a new
    object in the schema gets a model, a new model a place in the schema."""
    walked_models = {cls for _, _, cls in PAIRS}
    file_models = {cls for cls in vars(model).values() if dataclasses.is_dataclass(cls) and cls.__module__ ==
                   model.__name__ and isinstance(cls, type)}
    walked_nodes = {id(node) for _, node, _ in PAIRS}
    objects = {name for name, node in SCHEMA["$defs"].items() if "properties" in node and id(node) not in walked_nodes}
    assert not objects, f"schema objects no model reads: {objects}"
    assert walked_models >= file_models - {model.SourceRef}, \
        f"models no schema object declares: {file_models - walked_models - {model.SourceRef}}"


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
