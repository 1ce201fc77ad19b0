"""Property: any bytes in a tenant file give either a valid tenant or clean, located problems — never a crash."""
from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider.tenancy import load_tenants

from ..support.paths import EXAMPLES

STEM = "pharmacy-x"
SETTINGS = settings(max_examples=700, deadline=None, suppress_health_check=list(HealthCheck))

slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
url = st.sampled_from(["https://crm.example.com/v", "http://crm.example.com/v", "https://localhost/x",
                       "https://u:p@x.example.com/", "ftp://x", "", "https://10.0.0.1/"])
scalar = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.text(max_size=20), url,
                   st.decimals(allow_nan=False, allow_infinity=False, places=3))
webhooks = st.dictionaries(st.sampled_from(["voice_url", "sms_url", "voice_method", "status_callback", "bogus"]),
                           st.one_of(url, st.sampled_from(["GET", "POST", "PUT"])), max_size=4)
search = st.fixed_dictionaries(
    {"country": st.sampled_from(["US", "CA", "GB", "us", "NO"]),
     "type": st.sampled_from(["local", "mobile", "toll_free", "tollfree"]),
     "capabilities": st.lists(st.sampled_from(["voice", "sms", "mms", "fax"]), max_size=3)},
    optional={"area_code": st.sampled_from(["415", "20", "abc"]), "contains": st.sampled_from(["55", "*7", "x"])})
number = st.fixed_dictionaries(
    {"name": st.one_of(slug, scalar)},
    optional={"number": st.sampled_from(["+14155550100", "+14155550101", "14155550100"]),
              "search": search, "webhooks": webhooks, "sid": st.just("PN" + "0" * 32)})
tenant = st.fixed_dictionaries(
    {"id": st.one_of(st.just(STEM), slug), "display_name": st.one_of(st.text(max_size=30), scalar),
     "status": st.sampled_from(["active", "suspended", "closed", "paused"])},
    optional={"owner": scalar, "labels": st.dictionaries(st.text(max_size=5), scalar, max_size=3),
              "webhooks": webhooks, "phone_numbers": st.lists(number, max_size=4), "api_key": scalar,
              "budget": st.fixed_dictionaries({"monthly_limit_usd": scalar, "alert_callback_url": url}),
              "billing": st.fixed_dictionaries({"plan": scalar, "monthly_price": scalar,
                                                "currency": st.sampled_from(["USD", "usd", "GBP"])}),
              "unknown_field": scalar})


def _yaml_text(data: dict) -> str:
    def plain(value):  # Decimal is not a YAML type; write it as its text
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return str(value) if type(value).__name__ == "Decimal" else value
    return yaml.safe_dump(plain(data), sort_keys=False, allow_unicode=True)


@st.composite
def mutated(draw, base: st.SearchStrategy[bytes]) -> bytes:
    data = bytearray(draw(base))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup-line", "drop-line"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from([b":", b"-", b" ", b"\t", b"&a ", b"*a", b"!!str ", b"{", b"[",
                                                   b"'", b'"', b"\n", b"---\n", b"\x00", b"\xc3", b"? "]))
        elif op == "delete" and data:
            del data[pos:pos + draw(st.integers(1, 8))]
        elif op in ("dup-line", "drop-line"):
            lines = bytes(data).split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(index, lines[index])
            else:
                del lines[index]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


examples = [p.read_bytes() for p in sorted(EXAMPLES.glob("*.yaml"))]
generated = tenant.map(_yaml_text).map(str.encode)


def assert_valid_or_clean(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{STEM}.yaml"
        path.write_bytes(content)
        result = load_tenants([path])
    if result.ok:
        assert len(result.tenants) == 1 and result.tenants[0].id == STEM
        return
    assert not result.tenants
    for problem in result.problems:
        assert problem.file.endswith(f"{STEM}.yaml")
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message and "Traceback" not in problem.message
        assert str(problem).startswith(f"{problem.file}:{problem.line}:{problem.column} ")


@SETTINGS
@given(generated)
def test_generated_tenant_files(content: bytes) -> None:
    assert_valid_or_clean(content)


@SETTINGS
@given(mutated(st.one_of(st.sampled_from(examples), generated)))
def test_mutated_tenant_files(content: bytes) -> None:
    assert_valid_or_clean(content)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=400))
def test_arbitrary_bytes(content: bytes) -> None:
    assert_valid_or_clean(content)


def test_generator_reaches_valid_tenants() -> None:
    """Guard against a fuzzer that only ever produces garbage: the valid branch must be exercised."""
    text = _yaml_text({"id": STEM, "display_name": "X", "status": "active",
                       "phone_numbers": [{"name": "main", "number": "+14155550100"}]})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{STEM}.yaml"
        path.write_text(text)
        assert load_tenants([path]).ok
