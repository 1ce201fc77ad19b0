"""The compiled schema check may only ever say "valid" where jsonschema agrees: a file it passes skips the full
validation, so one kinder answer would let a bad tenant file through unexplained."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider.tenancy.fast_schema import surely_valid
from provider.tenancy.schema import tenant_validator
from provider.tenancy.yaml_source import load_located

from ..support.paths import EXAMPLES
from .test_tenant_fuzz import tenant

EXAMPLE_DATA = [load_located(p.read_text()).data for p in sorted(EXAMPLES.glob("*.yaml"))]
HOSTILE = st.sampled_from([None, True, False, 0, 1, -1, 1.0, 1.5, Decimal("2.50"), Decimal("1"), "", "x", "main\n",
                           "main", "US", "us", "+14155550100", "+14155550100\n", "2024-01-01", "GET", "10",
                           "1,000", [], [1], ["voice", "voice"], ["sms"], {}, {"bogus": 1}, "a" * 300])


def jsonschema_accepts(data: Any) -> bool:
    return not any(True for _ in tenant_validator().iter_errors(data))


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, prefix + (index,))
    return found


def replaced(node: Any, path: tuple, value: Any, op: str) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        out = dict(node)
        if not rest and op == "delete":
            out.pop(head, None)
        elif not rest and op == "add":
            out[f"{head}_extra"] = value
        else:
            out[head] = replaced(node[head], rest, value, op)
        return out
    out_list = list(node)
    if not rest and op == "delete":
        del out_list[head]
    elif not rest and op == "add":
        out_list.append(value)
    else:
        out_list[head] = replaced(node[head], rest, value, op)
    return out_list


@st.composite
def mutated_examples(draw: Any) -> Any:
    data = draw(st.sampled_from(EXAMPLE_DATA))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)))
        data = replaced(data, path, draw(HOSTILE), draw(st.sampled_from(["set", "set", "delete", "add"])))
    return data


def test_every_example_takes_the_fast_path() -> None:
    assert EXAMPLE_DATA and all(surely_valid(data) for data in EXAMPLE_DATA)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_examples())
def test_a_mutated_example_passes_the_fast_check_only_if_jsonschema_accepts_it(data: Any) -> None:
    if surely_valid(data):
        assert jsonschema_accepts(data)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(tenant)
def test_a_generated_tenant_passes_the_fast_check_only_if_jsonschema_accepts_it(data: Any) -> None:
    if surely_valid(data):
        assert jsonschema_accepts(data)


def test_where_python_and_json_differ_the_fast_check_follows_json() -> None:
    """Python's `$` matches before a final newline and `1 == True`; JSON Schema's do not."""
    base = next(d for d in EXAMPLE_DATA if d.get("phone_numbers"))
    trailing_newline = replaced(base, ("phone_numbers", 0, "name"), "main\n", "set")
    assert not jsonschema_accepts(trailing_newline) and not surely_valid(trailing_newline)
    messaging = next(d for d in EXAMPLE_DATA if d.get("messaging", {}).get("a2p_10dlc"))
    removal = {**messaging, "messaging": {**messaging["messaging"], "a2p_10dlc": {"remove": True}}}
    assert jsonschema_accepts(removal) and surely_valid(removal)
    one_for_true = {**messaging, "messaging": {**messaging["messaging"], "a2p_10dlc": {"remove": 1}}}
    assert not jsonschema_accepts(one_for_true) and not surely_valid(one_for_true)
