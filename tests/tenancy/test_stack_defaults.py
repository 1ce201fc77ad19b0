"""Stack defaults a tenant file may override: `twilio-tenants:hipaa` and `twilio-tenants:sendingRules`, declared once
in `Pulumi.<stack>.yaml`, validated, applied by validation and by the program alike."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from provider.tenancy import ValidationPolicy, load_tenants
from provider.tenancy.rules import HIPAA_KEY, SENDING_RULES_KEY

from ..support.cli import tenantctl
from ..support.paths import EXAMPLES

NORTH = yaml.safe_load((EXAMPLES / "northside-pharmacy.yaml").read_text())


def _write(directory: Path, **changes: object) -> Path:
    directory.mkdir(exist_ok=True)
    data = {**NORTH, **changes}
    data["messaging"] = {**NORTH["messaging"], "service": {**NORTH["messaging"]["service"], "inbound_method": "GET"}}
    (directory / "northside-pharmacy.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return directory


def test_a_hipaa_stack_refuses_what_redaction_cannot_take_unless_the_tenant_says_otherwise(tmp_path: Path) -> None:
    hipaa = ValidationPolicy(allow_private_hosts=True).with_stack_defaults({HIPAA_KEY: "true"})
    refused = load_tenants([_write(tmp_path / "a")], hipaa)
    assert any("messaging.service.inbound_method" in str(p) and "23006" in str(p) for p in refused.problems)
    opted_out = load_tenants([_write(tmp_path / "b", hipaa=False)], hipaa)
    assert opted_out.ok and not opted_out.tenants[0].hipaa, "the tenant's own line wins"
    plain = load_tenants([_write(tmp_path / "c")], ValidationPolicy(allow_private_hosts=True))
    assert plain.ok and not plain.tenants[0].hipaa


def test_sending_rules_come_from_the_stack_under_each_tenants_own(tmp_path: Path) -> None:
    policy = ValidationPolicy(allow_private_hosts=True).with_stack_defaults(
        {SENDING_RULES_KEY: '{"max_per_week": 2, "quiet_hours": {"start": "20:00", "end": "09:00"}}'})
    plain = load_tenants([_write(tmp_path / "a")], policy).tenants[0].sending_rules
    assert (plain.max_per_week, plain.quiet_start, plain.quiet_end, plain.max_per_day) == (2, "20:00", "09:00", 1)
    own = load_tenants([_write(tmp_path / "b", sending_rules={"quiet_hours": {"start": "19:00", "end": "08:30"}})],
                       policy)
    rules = own.tenants[0].sending_rules
    assert (rules.quiet_start, rules.quiet_end, rules.max_per_week) == ("19:00", "08:30", 2), "its own, else the stack's"


@pytest.mark.parametrize("config, named", [
    ({HIPAA_KEY: "yes"}, HIPAA_KEY),
    ({SENDING_RULES_KEY: {"max_per_day": 0}}, "sendingRules.max_per_day"),
    ({SENDING_RULES_KEY: {"curfew": "22:00"}}, SENDING_RULES_KEY),
    ({SENDING_RULES_KEY: "not json"}, SENDING_RULES_KEY),
])
def test_a_bad_stack_default_is_refused_naming_its_key(config: dict, named: str) -> None:
    with pytest.raises(ValueError) as raised:
        ValidationPolicy().with_stack_defaults(config)
    assert named in str(raised.value)


def test_validate_applies_the_stacks_defaults(tmp_path: Path) -> None:
    _write(tmp_path / "tenants")
    (tmp_path / "Pulumi.clinic.yaml").write_text(yaml.safe_dump({"config": {
        "twilio:accountSid": "AC" + "1" * 32, "twilio:apiBaseUrl": "http://127.0.0.1:1", HIPAA_KEY: True}}))
    result = tenantctl("validate", "--stack", "clinic", "--root", str(tmp_path), str(tmp_path / "tenants"))
    assert result.returncode == 1 and "23006" in result.stdout, result.stdout + result.stderr
    (tmp_path / "Pulumi.clinic.yaml").write_text(yaml.safe_dump({"config": {
        "twilio:accountSid": "AC" + "1" * 32, "twilio:apiBaseUrl": "http://127.0.0.1:1", HIPAA_KEY: "maybe"}}))
    bad = tenantctl("validate", "--stack", "clinic", "--root", str(tmp_path), str(tmp_path / "tenants"))
    assert bad.returncode == 2 and "Pulumi.clinic.yaml" in bad.stderr and HIPAA_KEY in bad.stderr
