"""End to end without the Pulumi CLI: the program's registrations driven through the real provider server
against the stand-in (behind the contract proxy), with the engine-less deploy and its encrypted state."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from provider.localengine import ApplyError
from provider.localengine.deploy import deploy
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer
from provider.stackfiles import write_stack_file

from ..conftest import MESSAGING_CONFIG
from ..support.contract import ContractChecker
from ..support.contract_proxy import ContractProxy
from ..support.paths import EXAMPLES

PASSPHRASE = "test-passphrase"
SUBACCOUNT_CREDENTIALS = {"MessagingService", "MessagingSender", "MessagingAlphaSender", "A2pRegistration",
                          "TollfreeVerification",
                          "DialingPermissions", "VoiceTrust"}


@pytest.fixture
def project(tmp_path: Path, sandbox: SandboxServer, contract: ContractChecker) -> Iterator[Path]:
    """A copy of the repository's tenants and a `test` stack pointing at the stand-in."""
    proxy = ContractProxy(sandbox.base_url, contract).start()
    shutil.copytree(EXAMPLES, tmp_path / "tenants")
    write_stack_file(tmp_path / "Pulumi.test.yaml", {"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                     "twilio:apiBaseUrl": proxy.base_url, **MESSAGING_CONFIG}, {"twilio:authToken"}, PASSPHRASE)
    yield tmp_path
    proxy.stop()


def up(root: Path, action: str = "up"):
    return deploy(action, root=root, stack="test", passphrase=PASSPHRASE)


def edit(root: Path, tenant: str, old: str, new: str) -> None:
    path = root / "tenants" / f"{tenant}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_whole_lifecycle_of_the_example_tenants(project: Path, sandbox: SandboxServer) -> None:
    backend = sandbox.backend
    preview = up(project, "preview")
    assert backend.counters["writes"] == 0, "preview writes nothing"
    first = up(project)
    assert first.counts == {"create": preview.counts["create"]}
    subs = {a.friendly_name: a for a in backend.accounts.values() if not a.is_parent}
    served = [f for f in (project / "tenants").glob("*.yaml") if "\nshard:" not in f.read_text()]  # unsharded
    assert len(subs) == len(served)
    assert subs["tenant:harbor-drug"].status == "suspended"
    tenants = reveal(first.outputs)["tenants"]
    green = tenants["greenleaf-apothecary"]
    assert green["phone_numbers"]["main"]["phone_number"] == "+14155550100", "adopted from the parent"
    assert backend.numbers[green["phone_numbers"]["main"]["sid"]].account_sid == green["account_sid"]
    state_text = first.state_file.read_text()
    assert green["auth_token"] not in state_text and tenants["northside-pharmacy"]["api_key_secret"] not in \
        state_text, "secrets are encrypted in the state file"

    before = backend.last_seq
    second = up(project)
    assert set(second.counts) == {"same"} and not [r for r in backend.requests(before) if r.is_write]
    refreshed = up(project, "refresh")  # what each resource reads back is what its create wrote: no false drift
    assert not [s.urn.split("::")[-1] for s in refreshed.steps if s.detail == "drift"], refreshed.steps

    edit(project, "riverbend-pharmacy", "status_callback_method: GET", "status_callback_method: POST")
    before = backend.last_seq
    third = up(project)
    assert third.counts == {"same": second.counts["same"] - 2, "update": 2}, "the two numbers inheriting it"
    assert [(r.method, r.status) for r in backend.requests(before)] == [("POST", 200), ("POST", 200)]


def test_offboarding_path(project: Path, sandbox: SandboxServer) -> None:
    up(project)
    backend = sandbox.backend
    sid = next(a.sid for a in backend.accounts.values() if a.friendly_name == "tenant:northside-pharmacy")

    (project / "tenants" / "northside-pharmacy.yaml").rename(project / "northside-pharmacy.yaml.removed")
    with pytest.raises(ApplyError) as raised:
        up(project, "preview")
    assert "protected" in str(raised.value) and "status: closed" in str(raised.value)
    with pytest.raises(ApplyError):
        up(project)
    assert backend.accounts[sid].status == "active", "deleting an open tenant's file closes nothing"
    (project / "northside-pharmacy.yaml.removed").rename(project / "tenants" / "northside-pharmacy.yaml")

    edit(project, "northside-pharmacy", "status: active", "status: closed")
    edit(project, "northside-pharmacy", "\nbilling:\n", '\nbilling:\n  end: "2026-11-20"\n')
    preview = up(project, "preview")
    deleted = {s.urn.split("::")[-1] for s in preview.steps if s.op == "delete"}
    assert deleted == {"northside-pharmacy/main", "northside-pharmacy/refills", "northside-pharmacy/key-crm-g1",
                       "northside-pharmacy/budget-80pct", "northside-pharmacy/budget-100pct",
                       "northside-pharmacy/messaging-service", "northside-pharmacy/sender-main",
                       "northside-pharmacy/emergency-address", "northside-pharmacy/caller-main",
                       "northside-pharmacy/caller-refills", "northside-pharmacy/dialing",
                       "northside-pharmacy/voice-trust"}, \
        "the preview shows the numbers, the Messaging Service and the calling set-up going with the closed subaccount"
    assert [s.op for s in preview.steps if s.urn.endswith("/a2p-10dlc")] == ["update"], "registration: removed"
    up(project)
    assert backend.accounts[sid].status == "closed"
    assert not [n for n in backend.numbers.values() if n.account_sid == sid]

    (project / "tenants" / "northside-pharmacy.yaml").unlink()
    before = backend.last_seq
    result = up(project)
    assert result.counts.get("delete") == 3, "the closed subaccount, its status and its removed registration leave"
    assert not [r for r in backend.requests(before) if r.is_write]
    assert backend.accounts[sid].status == "closed"


def test_refresh_reads_one_get_per_resource(project: Path, sandbox: SandboxServer) -> None:
    first = up(project)
    before = sandbox.backend.last_seq
    refreshed = up(project, "refresh")
    calls = sandbox.backend.requests(before)
    assert all(r.method == "GET" for r in calls)
    in_subaccount = [s for s in first.steps if s.urn.split("::")[-2].split(":")[-1] in SUBACCOUNT_CREDENTIALS]
    registrations = [s for s in in_subaccount if "A2pRegistration" in s.urn]
    # one GET per resource; resources acting with a subaccount's own credentials need its token, read once per
    # subaccount; an A2P registration reads each stage it made (customer profile and trust product); dialing
    # permissions read the countries and the inheritance setting; a voice trust registration reads each bundle it
    # knows and the numbers on it
    acting_in = {s.label.split("/")[0] for s in in_subaccount}
    assert acting_in and len(in_subaccount) > len(acting_in), "several resources act in one subaccount"
    dialing = [s for s in in_subaccount if "DialingPermissions" in s.urn]
    voice = [t["voice"] for t in reveal(first.outputs)["tenants"].values() if t.get("voice")]
    trust_reads = sum(2 * (1 + len(v["trust_products"])) - 1 for v in voice if v["customer_profile"])
    assert dialing and trust_reads
    assert len(calls) == sum(first.counts.values()) + len(acting_in) + len(registrations) + len(dialing) + trust_reads
    assert refreshed.counts == {"refresh": sum(first.counts.values())}


def test_up_with_refresh_heals_a_lost_sandbox(project: Path, sandbox: SandboxServer, parent) -> None:
    first = up(project)
    north = reveal(first.outputs)["tenants"]["northside-pharmacy"]
    parent.api.v2010.accounts(north["account_sid"]).incoming_phone_numbers(
        north["phone_numbers"]["main"]["sid"]).delete()  # lost outside Pulumi
    assert set(up(project).counts) == {"same"}, "without refresh, the state is trusted"
    healed = deploy("up", root=project, stack="test", passphrase=PASSPHRASE, refresh_first=True)
    assert healed.counts["gone"] == 3 and healed.counts["create"] == 3, \
        "the number, its place in the pool, and its emergency registration as a caller"
    again = reveal(healed.outputs)["tenants"]["northside-pharmacy"]["phone_numbers"]["main"]
    assert sandbox.backend.numbers[again["sid"]].account_sid == north["account_sid"]
