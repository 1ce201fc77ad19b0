"""Every Twilio friendly name the product derives from a tenant file is its own: two entries that validate never
share a name at Twilio (a shared key name made every refresh find one key "gone" and make it again, for ever)."""
from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provider import naming
from provider.tenancy import ValidationPolicy, load_tenants

NAMES = st.sampled_from(["crm", "crm-g2", "crm-g3", "crm-g10", "ops", "ops-g1", "g2", "crm-2", "crm-gg2"])
KEYS = st.lists(st.fixed_dictionaries({"name": NAMES, "generation": st.integers(1, 4),
                                       "keep_previous": st.booleans()}), min_size=2, max_size=4)


def derived(tenant) -> list[tuple[str, str]]:
    """(kind, friendly name) of everything the program names for the tenant (see provider/program/tenant.py)."""
    out = [("account", naming.subaccount_friendly_name(tenant.id))]
    out += [("number", naming.number_friendly_name(tenant.id, n.name)) for n in tenant.phone_numbers]
    for key in tenant.api_keys:
        generations = {key.generation, key.generation - 1} if key.keep_previous else {key.generation}
        out += [("key", naming.api_key_friendly_name(tenant.id, key.name, g)) for g in generations]
    if tenant.budget:
        out += [("trigger", naming.usage_trigger_friendly_name(tenant.id, p)) for p, _ in tenant.budget.thresholds()]
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=KEYS, percents=st.lists(st.integers(1, 500), min_size=1, max_size=5))
def test_names_that_validate_never_collide_at_twilio(tmp_path: Path, keys: list[dict], percents: list[int]) -> None:
    keys = [{k: v for k, v in key.items() if k != "keep_previous" or (v and key["generation"] > 1)} for key in keys]
    data = {"id": "alpha", "display_name": "Alpha", "status": "active", "api_keys": keys,
            "phone_numbers": [{"name": "main", "number": "+14155550100"}, {"name": "main-g2", "number": "+14155550101"}],
            "budget": {"monthly_limit_usd": "100.00", "alert_callback_url": "https://crm.example.com/b",
                       "alert_at_percent": percents}}
    (tmp_path / "alpha.yaml").write_text(yaml.safe_dump(data))
    result = load_tenants([tmp_path / "alpha.yaml"], ValidationPolicy(allow_private_hosts=True))
    names = [name for tenant in result.tenants for name in derived(tenant)]
    assert len(names) == len(set(names)), f"validated, yet names collide: {sorted(names)}"
    collide = len({naming.api_key_friendly_name("alpha", k["name"], g) for k in keys
                   for g in ({k["generation"], k["generation"] - 1} if k.get("keep_previous") else {k["generation"]})}
                  ) < sum(2 if k.get("keep_previous") else 1 for k in keys)
    if collide:  # every colliding set is refused (located: see the test below)
        assert not result.ok


def test_crm_generation_two_and_a_key_named_crm_g2_are_refused(tmp_path: Path) -> None:
    (tmp_path / "alpha.yaml").write_text(
        "id: alpha\ndisplay_name: Alpha\nstatus: active\napi_keys:\n  - name: crm\n    generation: 2\n"
        "    keep_previous: true\n  - name: crm-g2\n")
    result = load_tenants([tmp_path / "alpha.yaml"], ValidationPolicy(allow_private_hosts=True))
    assert [(p.line, p.field) for p in result.problems] == [(8, "api_keys[1].name")]
    assert "tenant:alpha/crm-g2" in result.problems[0].message
