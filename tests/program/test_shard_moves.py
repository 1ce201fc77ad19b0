"""No stack takes over what another stack of the parent deploys, however it is run; a move is two reviewed steps.

The unsharded stack `main` deploys alpha and bravo; shards a and b deploy charlie and delta. Every attempt to have
one stack take a tenant, a number or a subaccount another stack deploys is refused before any write to Twilio,
whether it runs through `tenantctl fleet`, `tenantctl local` on one stack, or `validate --against-stack`.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from provider.localengine.deploy import state_path
from provider.sandbox import SandboxServer

from ..engine.test_fleet import ENV, deployed_tenants, fleet_cli, stack_file
from ..support.cli import tenantctl
from ..support.projects import tenant_text

LAYOUT = {None: ["alpha", "bravo"], "a": ["charlie"], "b": ["delta"]}


@pytest.fixture
def fleet(tmp_path: Path, sandbox: SandboxServer) -> Path:
    (tmp_path / "tenants").mkdir()
    for shard, tenants in LAYOUT.items():
        for tenant_id in tenants:
            text = tenant_text(tenant_id) + (f"shard: {shard}\n" if shard else "")
            (tmp_path / "tenants" / f"{tenant_id}.yaml").write_text(text)
    stack_file(tmp_path, "main", sandbox, {})
    for shard in ("a", "b"):
        stack_file(tmp_path, f"shard-{shard}", sandbox, {"twilio-tenants:shard": shard})
    for stack in ("main", "shard-a", "shard-b"):
        assert local(tmp_path, "up", stack).returncode == 0
    return tmp_path


def local(root: Path, action: str, stack: str):
    return tenantctl("local", action, "--stack", stack, "--root", str(root), env=ENV, timeout=300)


def outputs(root: Path, stack: str) -> dict:
    shown = tenantctl("local", "output", "tenants", "--stack", stack, "--show-secrets", "--root", str(root), env=ENV)
    return json.loads(shown.stdout)


def edit(root: Path, tenant_id: str, change) -> None:
    path = root / "tenants" / f"{tenant_id}.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def writes_since(sandbox: SandboxServer, seq: int) -> list:
    return [r for r in sandbox.backend.requests(seq) if r.is_write]


def pin_numbers(root: Path, tenant_id: str, stack: str) -> None:
    numbers = outputs(root, stack)[tenant_id]["phone_numbers"]

    def pin(data: dict) -> None:
        for entry in data["phone_numbers"]:
            entry.pop("search", None)
            entry["number"] = numbers[entry["name"]]["phone_number"]
    edit(root, tenant_id, pin)


def test_a_shard_never_adopts_a_tenant_the_unsharded_stack_deploys(fleet: Path, sandbox: SandboxServer) -> None:
    edit(fleet, "alpha", lambda d: d.update(shard="a"))
    before = sandbox.backend.last_seq
    for run in (fleet_cli(fleet, "preview"), fleet_cli(fleet, "up"), local(fleet, "up", "shard-a"),
                local(fleet, "preview", "shard-a")):
        assert run.returncode == 1, run.stderr
        assert "tenant alpha is deployed by stack main" in run.stderr, run.stderr
        assert "shard_move" in run.stderr  # says how to move it
    assert writes_since(sandbox, before) == []
    assert "alpha" not in deployed_tenants(fleet, "shard-a")
    check = tenantctl("validate", "--stack", "shard-a", "--against-stack", "shard-a", "--root", str(fleet),
                      "tenants", cwd=fleet, env=ENV)
    assert check.returncode == 1 and "tenant alpha is deployed by stack main" in check.stdout
    # The other direction: the unsharded stack never takes a shard's tenant either.
    edit(fleet, "alpha", lambda d: d.pop("shard"))
    edit(fleet, "charlie", lambda d: d.pop("shard"))
    refused = local(fleet, "up", "main")
    assert refused.returncode == 1 and "tenant charlie is deployed by stack shard-a" in refused.stderr
    assert writes_since(sandbox, before) == []


def test_one_stack_run_alone_cannot_take_a_number_another_stack_deploys(fleet: Path,
                                                                         sandbox: SandboxServer) -> None:
    delta = outputs(fleet, "shard-b")["delta"]["phone_numbers"]["main"]
    for key in ("number", "sid"):
        def steal(data: dict, key: str = key) -> None:
            data["phone_numbers"].append({"name": "stolen", "number": delta["phone_number"]}
                                         if key == "number" else
                                         {"name": "stolen", "number": "+14155559876", "sid": delta["sid"]})
        original = (fleet / "tenants" / "charlie.yaml").read_text()
        edit(fleet, "charlie", steal)
        before = sandbox.backend.last_seq
        refused = local(fleet, "up", "shard-a")
        assert refused.returncode == 1, refused.stderr
        assert "is tenant delta's entry `main`, deployed by stack shard-b" in refused.stderr
        assert writes_since(sandbox, before) == []
        (fleet / "tenants" / "charlie.yaml").write_text(original)
    # ...nor a subaccount.
    edit(fleet, "charlie", lambda d: d.update(subaccount_sid=outputs(fleet, "main")["bravo"]["account_sid"]))
    refused = local(fleet, "up", "shard-a")
    assert refused.returncode == 1 and "is tenant bravo's subaccount, deployed by stack main" in refused.stderr


def test_a_move_in_one_step_is_refused(fleet: Path, sandbox: SandboxServer) -> None:
    pin_numbers(fleet, "alpha", "main")
    edit(fleet, "alpha", lambda d: d.update(shard="a", shard_move={"release_to": "a"}))
    before = sandbox.backend.last_seq
    for stack in ("main", "shard-a"):
        assert local(fleet, "up", stack).returncode == 1
    assert writes_since(sandbox, before) == []


@pytest.mark.parametrize("new_stack_first", [False, True])
def test_a_tenant_moves_in_two_reviewed_steps_keeping_everything(fleet: Path, sandbox: SandboxServer,
                                                                 new_stack_first: bool) -> None:
    before_move = outputs(fleet, "main")["alpha"]
    # Step one: the old stack releases the tenant (numbers pinned), nothing changes at Twilio.
    unpinned = local(fleet, "up", "main")
    edit(fleet, "alpha", lambda d: d.update(shard_move={"release_to": "a"}))
    refused = tenantctl("validate", "--stack", "main", "--root", str(fleet), "tenants", cwd=fleet, env=ENV)
    assert refused.returncode == 1 and "pin this entry first" in refused.stdout
    assert unpinned.returncode == 0
    pin_numbers(fleet, "alpha", "main")
    before = sandbox.backend.last_seq
    released = local(fleet, "up", "main")
    assert released.returncode == 0, released.stderr
    assert outputs(fleet, "main")["alpha"]["released_to"] == "a"
    assert writes_since(sandbox, before) == []
    # Releasing to a shard of another parent, or a shard nobody serves, is refused by validate.
    # Step two: the file names the new shard; the old stack forgets, the new one adopts what Twilio holds.
    edit(fleet, "alpha", lambda d: (d.pop("shard_move"), d.update(shard="a")))
    order = ("shard-a", "main") if new_stack_first else ("main", "shard-a")
    seq = sandbox.backend.last_seq
    for index, stack in enumerate(order):
        run = local(fleet, "up", stack)
        assert run.returncode == 0, run.stderr
        if index == 0:  # between the two runs the CRM is handed a key that works
            creds = tenantctl("credentials", "alpha", "--stack", "main", "--source", "local", "--root", str(fleet),
                              env=ENV)
            key = json.loads(creds.stdout)["api_key_sid"]
            assert sandbox.backend.keys[key].account_sid == before_move["account_sid"]
    after = outputs(fleet, "shard-a")["alpha"]
    # Run first, the old stack kept the tenant (released) until the new one held it; its next run forgets it.
    assert ("alpha" in outputs(fleet, "main")) == (not new_stack_first)
    assert local(fleet, "up", "main").returncode == 0 and "alpha" not in outputs(fleet, "main")
    assert after["account_sid"] == before_move["account_sid"]
    assert {k: v["sid"] for k, v in after["phone_numbers"].items()} == \
        {k: v["sid"] for k, v in before_move["phone_numbers"].items()}
    assert sandbox.backend.accounts[after["account_sid"]].status == "active"
    held = {n.sid for n in sandbox.backend.numbers.values() if n.account_sid == after["account_sid"]}
    assert held == {v["sid"] for v in after["phone_numbers"].values()}, "no number released"
    numbers_written = [r for r in sandbox.backend.requests(seq) if r.is_write and "IncomingPhoneNumbers" in r.path]
    assert numbers_written == [], "nothing bought, released or moved"
    creds = tenantctl("credentials", "alpha", "--stack", "main", "--source", "local", "--root", str(fleet), env=ENV)
    assert creds.returncode == 0, creds.stderr
    key = json.loads(creds.stdout)["api_key_sid"]
    assert key == after["api_key_sid"] and sandbox.backend.keys[key].account_sid == after["account_sid"]
    again = [local(fleet, "up", stack) for stack in ("main", "shard-a")]
    assert all(r.returncode == 0 for r in again) and not state_path(fleet, "main").read_text().count("alpha/")


def test_validate_refuses_a_release_nobody_can_adopt(tmp_path: Path, sandbox: SandboxServer) -> None:
    (tmp_path / "tenants").mkdir()
    pinned = tenant_text("alpha").replace(
        "search: {country: US, type: local, capabilities: [voice, sms]}", 'number: "+14155550100"').replace(
        "search: {country: US, type: local, capabilities: [voice]}", 'number: "+13125550199"')
    stack_file(tmp_path, "main", sandbox, {})
    stack_file(tmp_path, "shard-x", sandbox, {"twilio-tenants:shard": "x", "twilio:accountSid": "AC" + "f" * 32})
    for target, expected in (("c", "no stack serves shard 'c'"), ("x", "has another parent account"),
                             ("unsharded", "already deployed by shard unsharded")):
        (tmp_path / "tenants" / "alpha.yaml").write_text(pinned + f"shard_move: {{release_to: {target}}}\n")
        result = tenantctl("validate", "--stack", "main", "--root", str(tmp_path), "tenants", cwd=tmp_path)
        assert result.returncode == 1 and expected in result.stdout, result.stdout
        assert "alpha.yaml:" in result.stdout and "shard_move" in result.stdout
