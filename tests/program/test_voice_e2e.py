"""Voice trust end to end, engine-less through the real provider server and the contract proxy: the example tenants
northside-pharmacy (SHAKEN/STIR + Voice Integrity + CNAM, a local and a toll-free caller) and oakwood-compounding
(voice only, SHAKEN/STIR on a toll-free number) from an empty stand-in to `voice_ready`, read back with the
official SDK; a rejected product fixed and resubmitted once; a caller removed; a tenant closed mid-review."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from twilio.rest import Client

from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer

from ..conftest import Connect
from .test_program_e2e import edit, project, up  # noqa: F401  (project is a fixture)

VOICE_KINDS = {"EmergencyAddress", "VoiceCaller", "DialingPermissions", "VoiceTrust"}


def _voice(result: Any, tenant: str) -> dict[str, Any]:
    return reveal(result.outputs)["tenants"][tenant]["voice"]


def _until_ready(root: Path, sandbox: SandboxServer, tenants: tuple[str, ...], rounds: int = 6) -> Any:
    """up → two days on the stand-in's clock → refresh, until every tenant's callers are ready (bounded)."""
    result = up(root)
    for _ in range(rounds):
        if all(_voice(result, t)["voice_ready"] for t in tenants):
            return result
        sandbox.backend.clock.advance(timedelta(days=2))
        up(root, "refresh")
        result = up(root)
    return result


def _submissions(sandbox: SandboxServer, since: int, bundle_sid: str) -> int:
    """POSTs that submitted the bundle (Status=pending-review goes in the body: every POST to the bundle itself)."""
    return sum(1 for r in sandbox.backend.requests(since) if r.method == "POST" and r.path == f"/v1/TrustProducts/"
               f"{bundle_sid}")


def _client_of(sandbox: SandboxServer, connect: Connect, account_sid: str) -> Client:
    return connect(account_sid, sandbox.backend.accounts[account_sid].auth_token)


def test_from_an_empty_stand_in_every_caller_is_voice_ready(project: Path, sandbox: SandboxServer,  # noqa: F811
                                                            connect: Connect) -> None:
    preview = up(project, "preview")
    kinds = {s.urn.split("::")[-2].split(":")[-1] for s in preview.steps if s.op == "create"}
    assert VOICE_KINDS <= kinds and sandbox.backend.counters["writes"] == 0
    first = up(project)
    north = _voice(first, "northside-pharmacy")
    assert not north["voice_ready"] and north["callers"]["main"]["attestation"] == "B"
    final = _until_ready(project, sandbox, ("northside-pharmacy", "oakwood-compounding"))
    north, oak = _voice(final, "northside-pharmacy"), _voice(final, "oakwood-compounding")
    assert north["voice_ready"] and oak["voice_ready"], (north["why_not"], oak["why_not"])
    main, refills = north["callers"]["main"], north["callers"]["refills"]
    assert (main["attestation"], main["cnam"], main["emergency_address_status"]) == ("A", "NORTHSIDE RX", "registered")
    assert refills["attestation"] == "A" and refills["cnam"] is None, "toll-free numbers take no caller name"
    assert set(north["trust_products"]) == {"shaken_stir", "voice_integrity", "cnam"}
    assert set(oak["trust_products"]) == {"shaken_stir"} and oak["callers"]["reminders"]["attestation"] == "A"

    # Read back with the official SDK, in each subaccount, through the contract check.
    outputs = reveal(final.outputs)["tenants"]
    for tenant, countries in (("northside-pharmacy", {"US", "CA"}), ("oakwood-compounding", {"US"})):
        account = outputs[tenant]["account_sid"]
        client = _client_of(sandbox, connect, account)
        dialing = client.voice.v1.dialing_permissions
        assert {c.iso_code for c in dialing.countries.list(low_risk_numbers_enabled=True)} == countries
        assert not dialing.countries.list(high_risk_special_numbers_enabled=True)
        assert dialing.settings().fetch().dialing_permissions_inheritance is False
        for name, number in outputs[tenant]["phone_numbers"].items():
            live = client.api.v2010.accounts(account).incoming_phone_numbers(number["sid"]).fetch()
            calling = name in outputs[tenant]["voice"]["callers"]
            assert (live.emergency_address_status == "registered") == calling, (tenant, name)
    # The profile is the tenant's one secondary customer profile, shared with its A2P registration.
    a2p = outputs["northside-pharmacy"]["messaging"]["a2p_10dlc"]["customer_profile"]["sid"]
    assert north["customer_profile"]["sid"] == a2p
    before = sandbox.backend.last_seq
    assert set(up(project).counts) == {"same"}
    assert [r for r in sandbox.backend.requests(before) if r.is_write] == [], "nothing is submitted twice"


def test_a_rejected_product_is_resubmitted_once_after_its_data_is_fixed(project: Path,  # noqa: F811
                                                                       sandbox: SandboxServer) -> None:
    edit(project, "northside-pharmacy", "use_case: Automated refill reminders",
         "use_case: sandbox-reject Automated refill reminders")
    result = _until_ready(project, sandbox, ("northside-pharmacy",), rounds=4)
    north = _voice(result, "northside-pharmacy")
    vi = north["trust_products"]["voice_integrity"]
    assert vi["status"] == "twilio-rejected" and "Voice Integrity" in north["callers"]["main"]["why_not"]
    before = sandbox.backend.last_seq
    up(project, "refresh")
    up(project)
    assert _submissions(sandbox, before, vi["sid"]) == 0, "unchanged data is never resubmitted"
    edit(project, "northside-pharmacy", "use_case: sandbox-reject Automated refill reminders",
         "use_case: Automated refill reminders")
    before = sandbox.backend.last_seq
    fixed = _until_ready(project, sandbox, ("northside-pharmacy",), rounds=3)
    assert _submissions(sandbox, before, vi["sid"]) == 1
    assert _voice(fixed, "northside-pharmacy")["voice_ready"]


def test_a_caller_removed_from_the_file_leaves_the_products_and_keeps_its_number(
        project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    ready = _until_ready(project, sandbox, ("northside-pharmacy",))
    refills = reveal(ready.outputs)["tenants"]["northside-pharmacy"]["phone_numbers"]["refills"]["sid"]
    edit(project, "northside-pharmacy", "callers: [main, refills]", "callers: [main]")
    after = up(project)
    backend = sandbox.backend
    assert not [e for e in backend.tables["channel_endpoints"].values() if e.channel_endpoint_sid == refills]
    number = backend.numbers[refills]
    assert number.emergency_status == "Inactive", "no longer registered for 911 calls it does not place"
    assert set(_voice(after, "northside-pharmacy")["callers"]) == {"main"}
    assert _voice(after, "northside-pharmacy")["voice_ready"]


def test_a_tenant_closed_mid_review_leaves_nothing_that_costs_money(project: Path,  # noqa: F811
                                                                   sandbox: SandboxServer) -> None:
    first = up(project)
    account = reveal(first.outputs)["tenants"]["oakwood-compounding"]["account_sid"]
    sandbox.backend.clock.advance(timedelta(days=2))
    up(project, "refresh")
    up(project)  # the profile is approved: the SHAKEN/STIR product is submitted, under review now
    assert any(b.policy_sid.startswith("RN7a97") for b in sandbox.backend.tables["bundles"].values()
               if b.account_sid == account)
    edit(project, "oakwood-compounding", "status: active", "status: closed")
    edit(project, "oakwood-compounding", "  currency: USD", '  currency: USD\n  end: "2026-11-30"')
    closed = up(project)
    backend = sandbox.backend
    assert backend.accounts[account].status == "closed"
    assert not [n for n in backend.numbers.values() if n.account_sid == account], "Twilio released the numbers"
    assert not [f for f in backend.tables["fees"].values() if f.account_sid == account and f.date_end is None]
    assert reveal(closed.outputs)["tenants"]["oakwood-compounding"]["voice"] is None


def test_compliance_shows_messaging_and_voice_side_by_side(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    import json

    from ..support.cli import tenantctl
    from .test_program_e2e import PASSPHRASE

    _until_ready(project, sandbox, ("oakwood-compounding",))
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    common = ("--stack", "test", "--source", "local", "--root", str(project))
    report = tenantctl("compliance", *common, "--format", "json", env=env)
    assert report.returncode == 0, report.stderr
    rows = {row["tenant"]: row for row in json.loads(report.stdout)}
    oak = rows["oakwood-compounding"]
    assert oak["voice_ready"] and oak["ready_callers"] == ["reminders"] and oak["shaken_stir"] == "twilio-approved"
    assert not oak["sms_ready"] and oak["why_not"] == "no messaging block" and oak["dialing"] == ["US"]
    assert rows["sunrise-rx"]["voice_why_not"] == "no voice block"
    narrow = tenantctl("compliance", "oakwood-compounding", *common, env={**env, "COLUMNS": "100"})
    assert narrow.returncode == 0 and "may place automated calls: yes (reminders)" in narrow.stdout, narrow.stdout


def test_a_moved_emergency_address_is_a_new_address_the_callers_move_to(project: Path,  # noqa: F811
                                                                       sandbox: SandboxServer) -> None:
    first = up(project)
    account = reveal(first.outputs)["tenants"]["oakwood-compounding"]["account_sid"]
    backend = sandbox.backend

    def addresses() -> list[Any]:
        return [a for a in backend.tables["addresses"].values() if a.account_sid == account and a.emergency_enabled]
    [old] = addresses()
    edit(project, "oakwood-compounding", "emergency_address: {street: 1200 Western Ave",
         "emergency_address: {street: 1400 Western Ave")
    moved = up(project)
    [new] = addresses()
    assert new.sid != old.sid and new.street == "1400 Western Ave", "the old address is deleted once unused"
    reminders = reveal(moved.outputs)["tenants"]["oakwood-compounding"]["phone_numbers"]["reminders"]["sid"]
    assert backend.numbers[reminders].emergency_address_sid == new.sid
    assert _voice(moved, "oakwood-compounding")["callers"]["reminders"]["emergency_address_status"] == \
        "pending-registration"
