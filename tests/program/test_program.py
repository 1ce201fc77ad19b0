"""The Pulumi program under the SDK's mocks: resources, names, parents, protection, secrets, outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from provider.localengine.program_runner import run_program
from provider.localengine.state_store import is_secret
from provider.program import TenantFilesError, run
from provider.tenancy import load_tenants

from ..support.paths import EXAMPLES
from ..support.projects import closed

DYN = "pulumi-python:dynamic/twilio:"


def program(directory: Path):
    return run_program(lambda: run(str(directory)), engine=None, stack="sandbox", config={})


def by_name(monitor, kind: str) -> dict:
    return {r.name: r for r in monitor.registrations.values() if r.type == DYN + kind}


def test_every_tenant_gets_its_resources() -> None:
    monitor = program(EXAMPLES)
    tenants = [t for t in load_tenants([EXAMPLES]).tenants if t.shard is None]  # what the unsharded stack serves
    components = {r.name: r for r in monitor.registrations.values() if r.type == "twilio-tenants:index:Tenant"}
    assert set(components) == {t.id for t in tenants}
    subs, numbers = by_name(monitor, "Subaccount"), by_name(monitor, "PhoneNumber")
    keys, triggers, statuses = by_name(monitor, "ApiKey"), by_name(monitor, "UsageTrigger"), \
        by_name(monitor, "SubaccountStatus")
    for tenant in tenants:
        component_urn = components[tenant.id].urn
        sub = subs[tenant.id]
        assert sub.parent == component_urn and sub.protect == (tenant.status != "closed")
        assert sub.additional_secret_outputs == ["auth_token"]
        assert sub.inputs["friendly_name"] == f"tenant:{tenant.id}" and sub.inputs["status"] == tenant.status
        assert statuses[f"{tenant.id}/status"].inputs["status"] == tenant.status
        for spec in tenant.phone_numbers:
            name = f"number-{spec.number}" if spec.number else f"{tenant.id}/{spec.name}"
            number = numbers[name]
            assert number.parent == component_urn
            assert number.inputs["friendly_name"] == f"tenant:{tenant.id}/{spec.name}"
            expected_hooks = tenant.number_webhooks(spec).as_dict()
            assert {k: v for k, v in number.inputs["webhooks"].items() if v} == expected_hooks
            if spec.number:
                assert [a.split("::")[-1] for a in number.aliases] == [f"{tenant.id}/{spec.name}"], \
                    "pinning a bought number keeps it"
        key_name = f"{tenant.id}/key-crm-g1"
        assert (key_name in keys) == tenant.api_key
        if tenant.api_key:
            assert keys[key_name].additional_secret_outputs == ["secret"]
            assert [a.split("::")[-1] for a in keys[key_name].aliases] == [tenant.id], "the key api_key: true made"
        expected_triggers = {f"{tenant.id}/budget-{p}pct": str(a) for p, a in
                             (tenant.budget.thresholds() if tenant.budget else ())}
        assert {n: t.inputs["trigger_value"] for n, t in triggers.items() if n.startswith(tenant.id + "/")} == \
            expected_triggers


def test_outputs_have_the_documented_shape_and_secrets_are_secret() -> None:
    monitor = program(EXAMPLES)
    tenants = monitor.stack_outputs["tenants"]
    assert not is_secret(tenants), "secret leaves, as the SDK sends them: SIDs stay readable"
    north = tenants["northside-pharmacy"]
    assert set(north) == {"account_sid", "status", "auth_token", "phone_numbers", "api_key_sid", "api_key_secret",
                          "api_keys", "auth_token_secondary", "auth_token_rotation", "messaging", "voice",
                          "sending_rules", "hipaa"}
    crm = north["api_keys"]["crm"]
    assert crm["previous"] is None and crm["current"]["sid"] == north["api_key_sid"]
    assert is_secret(crm["current"]["secret"])
    assert is_secret(north["auth_token"]) and north["auth_token"]["value"] == "northside-pharmacy:auth_token"
    assert is_secret(north["api_key_secret"]) and north["api_key_secret"]["value"] == "northside-pharmacy/key-crm-g1:secret"
    assert north["account_sid"] == "northside-pharmacy:sid" and not is_secret(north["phone_numbers"])
    assert set(north["phone_numbers"]) == {"main", "refills"}
    assert set(north["phone_numbers"]["main"]) == {"sid", "phone_number"}
    assert tenants["sunrise-rx"].get("api_key_sid") is None, "no key: no key fields"


def test_closed_tenant_keeps_only_its_subaccount(tmp_path: Path) -> None:
    directory = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, directory)
    path = directory / "northside-pharmacy.yaml"
    path.write_text(closed(path.read_text()))
    monitor = program(directory)
    assert not by_name(monitor, "Subaccount")["northside-pharmacy"].protect, "closed: may be removed from files"
    assert not [n for n in by_name(monitor, "PhoneNumber") if n.startswith("northside-pharmacy/")]
    assert "northside-pharmacy" not in by_name(monitor, "ApiKey")
    assert by_name(monitor, "SubaccountStatus")["northside-pharmacy/status"].inputs["status"] == "closed"


def test_reordering_changes_no_names(tmp_path: Path) -> None:
    directory = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, directory)
    path = directory / "lakeside-wellness-rx.yaml"
    text = path.read_text()
    main_block = text[text.index("  - name: main"):text.index("  - name: pharmacist")]
    rest = text[text.index("  - name: pharmacist"):text.index("\napi_key")]
    path.write_text(text.replace(main_block + rest, rest + "\n" + main_block.rstrip("\n")))
    assert load_tenants([path]).tenants[0].phone_numbers[0].name == "pharmacist"
    before, after = program(EXAMPLES), program(directory)
    assert sorted(before.registrations) == sorted(after.registrations)


def test_invalid_tenant_files_register_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, directory)
    (directory / "sunrise-rx.yaml").write_text("id: sunrise-rx\nstatus: shut\n")
    with pytest.raises(TenantFilesError) as raised:
        program(directory)
    assert "sunrise-rx.yaml:2:9 status: must be one of" in str(raised.value)
    assert "display_name: is required" in str(raised.value)


def test_a_program_with_thousands_of_resources(tmp_path: Path) -> None:
    """Product scale: 400 tenants, 2,000+ dynamic resources in one program run (one provider serialization each)."""
    directory = tmp_path / "tenants"
    directory.mkdir()
    for i in range(400):
        tenant_id = f"pharmacy-{i:04d}"
        (directory / f"{tenant_id}.yaml").write_text(
            f"id: {tenant_id}\ndisplay_name: P{i}\nstatus: active\napi_key: true\nphone_numbers:\n"
            f"  - name: main\n    search: {{country: US, type: local, capabilities: [voice]}}\n"
            f"budget: {{monthly_limit_usd: 50, alert_callback_url: 'https://crm.example.com/b'}}\n")
    monitor = program(directory)
    custom = [r for r in monitor.registrations.values() if r.custom]
    assert len(custom) == 400 * 5
