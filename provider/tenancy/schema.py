"""The tenant JSON Schema and the translation of its errors into located, readable problems."""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from .problems import PathPart

SCHEMA_RESOURCE = "tenant.schema.json"

# Validators whose failure is best explained by the schema's own `x-rule` sentence.
_RULE_VALIDATORS = {"pattern", "minLength", "maxLength", "minimum", "maximum", "oneOf", "anyOf", "type"}
_JSON_TYPE = {"object": "mapping", "array": "list", "string": "string", "integer": "whole number",
              "number": "number", "boolean": "true or false"}


def schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def tenant_schema() -> dict[str, Any]:
    return json.loads(schema_text())


@cache
def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    r"""JSON Schema patterns are ECMA-262 regexes, where `$` matches only at the very end. Python's `$` also
    matches before a final newline, which let `name: "main\n"` through: a trailing `$` becomes `\Z`."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


TenantValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@lru_cache(maxsize=1)
def tenant_validator() -> Any:
    schema = tenant_schema()
    Draft202012Validator.check_schema(schema)
    return TenantValidator(schema)


class SchemaIssue:
    """A schema violation: the path of the field it concerns, whether to point at its key, and the sentence."""

    __slots__ = ("path", "at_key", "message")

    def __init__(self, path: tuple[PathPart, ...], message: str, at_key: bool = False):
        self.path = path
        self.message = message
        self.at_key = at_key


def schema_issues(data: Any, validator: Any = None) -> Iterator[SchemaIssue]:
    """Violations of the tenant schema (or of `validator`'s, for the repository's other reviewed files)."""
    for error in (validator or tenant_validator()).iter_errors(data):
        yield from _explain(error)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(error: ValidationError) -> Iterator[SchemaIssue]:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator

    if "propertyNames" in error.schema_path:
        rule = schema.get("x-rule", error.message)
        yield SchemaIssue(path + (error.instance,), f"{rule}; got {_describe(error.instance)}", at_key=True)
        return
    if validator == "required":
        parent = error.instance if isinstance(error.instance, dict) else {}
        for name in error.validator_value:
            if name not in parent:
                yield SchemaIssue(path + (name,), "is required but missing")
        return
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for name in error.instance:
            if name not in schema.get("properties", {}):
                hint = difflib.get_close_matches(name, allowed, n=1)
                suggestion = f"; did you mean `{hint[0]}`?" if hint else f"; allowed: {', '.join(allowed)}"
                yield SchemaIssue(path + (name,), f"unknown field{suggestion}", at_key=True)
        return
    if validator == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted_object = "object" in names or "array" in names
        if schema.get("x-rule") and not wanted_object:
            message = schema["x-rule"]
        else:
            message = "must be " + " or ".join(f"a {_JSON_TYPE.get(n, n)}" for n in names)
        if "string" in names and isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool):
            message += " (quote the value so YAML keeps it as text)"
        yield SchemaIssue(path, f"{message}, got {_describe(error.instance)}")
        return
    if validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        yield SchemaIssue(path, f"must be one of: {options}; got {_describe(error.instance)}")
        return
    if validator == "uniqueItems":
        yield SchemaIssue(path, "lists the same item twice")
        return
    if validator in _RULE_VALIDATORS and schema.get("x-rule"):
        yield SchemaIssue(path, f"{schema['x-rule']}; got {_describe(error.instance)}")
        return
    yield SchemaIssue(path, error.message)
