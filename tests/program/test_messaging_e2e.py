"""Messaging end to end, engine-less through the real provider server and the contract proxy: the example tenants'
Messaging Services, A2P 10DLC (northside-pharmacy) and toll-free verification (sunrise-rx), from preview to
`sms_ready`, with the stand-in's reviews moved by its clock; and a rejected brand fixed and resubmitted."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from provider.localengine import ApplyError
from provider.localengine.provider_server import ProviderCallError
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer

from .test_program_e2e import edit, project, up  # noqa: F401  (project is a fixture)


def _days(sandbox: SandboxServer, days: int) -> None:
    sandbox.backend.clock.advance(timedelta(days=days))


def _writes(sandbox: SandboxServer, since: int, texting_only: bool = False) -> list[str]:
    """Writes since `since`; `texting_only`: those of the messaging registration (brands and campaigns), not the
    voice trust that builds on the same customer profile in the same runs."""
    return [f"{r.method} {r.path}" for r in sandbox.backend.requests(since) if r.is_write
            and (not texting_only or "BrandRegistrations" in r.path or "Usa2p" in r.path)]


def _messaging(result, tenant: str) -> dict:
    return reveal(result.outputs)["tenants"][tenant]["messaging"]


def test_from_preview_to_sms_ready(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    backend = sandbox.backend
    preview = up(project, "preview")
    kinds = [s.urn.split("::")[-2].split(":")[-1] for s in preview.steps if s.op == "create"]
    assert {"MessagingService", "MessagingSender", "A2pRegistration", "TollfreeVerification"} <= set(kinds)
    assert backend.counters["writes"] == 0
    first = up(project)
    north, sunrise = _messaging(first, "northside-pharmacy"), _messaging(first, "sunrise-rx")
    assert not north["sms_ready"] and "campaign" in north["why_not"]
    assert north["a2p_10dlc"]["customer_profile"]["status"] == "pending-review"
    assert north["a2p_10dlc"]["brand"] == {}, "a brand waits for approved profiles"
    assert sunrise["toll_free"]["hotline"]["status"] == "PENDING_REVIEW" and not sunrise["sms_ready"]
    service = backend.messaging.services[north["service_sid"]]
    assert service.account_sid == reveal(first.outputs)["tenants"]["northside-pharmacy"]["account_sid"], \
        "made in the tenant's subaccount, not the parent"
    assert service.validity_period == 14400 and service.inbound_request_url.endswith("/northside-pharmacy/sms")

    before = backend.last_seq
    again = up(project)
    assert set(again.counts) == {"same"} and _writes(sandbox, before) == [], "nothing is resubmitted"

    for days, expected in ((2, "register brand"), (2, "register campaign")):
        _days(sandbox, days)
        up(project, "refresh")
        preview = up(project, "preview")
        assert [s.op for s in preview.steps if "a2p-10dlc" in s.urn] == ["update"], "the next stage is due"
        assert expected in _messaging(preview, "northside-pharmacy")["a2p_10dlc"]["next_steps"]
        before = backend.last_seq
        up(project)
        made = _writes(sandbox, before, texting_only=True)
        assert len(made) == 1 and ("BrandRegistrations" in made[0] if "brand" in expected else "Usa2p" in made[0])
    _days(sandbox, 3)
    up(project, "refresh")
    final = up(project)
    north, sunrise = _messaging(final, "northside-pharmacy"), _messaging(final, "sunrise-rx")
    assert north["sms_ready"] and north["senders"]["main"]["ready"], north
    assert north["a2p_10dlc"]["campaign"]["status"] == "VERIFIED" and north["a2p_10dlc"]["brand"]["mock"] is True
    assert sunrise["sms_ready"] and sunrise["toll_free"]["hotline"]["status"] == "TWILIO_APPROVED"


def test_a_rejected_brand_is_fixed_and_resubmitted_only_after_the_fix(project: Path,  # noqa: F811
                                                                      sandbox: SandboxServer) -> None:
    backend = sandbox.backend
    edit(project, "northside-pharmacy", 'ein: "12-3456789"', 'ein: "00-0000000"')
    up(project)
    _days(sandbox, 2)
    up(project, "refresh")
    up(project)  # registers the brand
    _days(sandbox, 2)
    up(project, "refresh")
    stuck = up(project)
    a2p = _messaging(stuck, "northside-pharmacy")["a2p_10dlc"]
    assert a2p["brand"]["status"] == "FAILED" and a2p["brand"]["feedback"] == ["TAX_ID"]
    assert "TAX_ID" in a2p["attention"]
    before = backend.last_seq
    up(project)
    assert _writes(sandbox, before) == [], "a rejected brand is not resubmitted with unchanged data"

    edit(project, "northside-pharmacy", 'ein: "00-0000000"', 'ein: "12-3456789"')
    preview = up(project, "preview")
    fix = [s for s in preview.steps if s.op == "update" and "a2p-10dlc" in s.urn]
    assert fix and any(prop == "business.ein" for prop, _, _ in fix[0].changes)
    up(project)  # the profile goes back to review with the new EIN
    _days(sandbox, 2)
    up(project, "refresh")
    before = backend.last_seq
    up(project)
    assert any("BrandRegistrations/BN" in w for w in _writes(sandbox, before)), "resubmitted once approved"
    _days(sandbox, 2)
    up(project, "refresh")
    assert _messaging(up(project), "northside-pharmacy")["a2p_10dlc"]["brand"]["status"] == "APPROVED"


def test_an_edit_under_review_is_refused_before_anything_is_applied(project: Path,  # noqa: F811
                                                                    sandbox: SandboxServer) -> None:
    up(project)
    edit(project, "northside-pharmacy", "legal_name: Northside Pharmacy LLC", "legal_name: Northside Rx LLC")
    before = sandbox.backend.last_seq
    with pytest.raises(ProviderCallError) as refused:  # from diff, in the preview `up` runs first
        up(project)
    assert "pending-review" in str(refused.value) and "cannot change until Twilio decides" in str(refused.value)
    assert _writes(sandbox, before) == []


def test_removing_a_registration_takes_an_explicit_line(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    up(project)
    path = project / "tenants" / "northside-pharmacy.yaml"
    text = path.read_text()
    start = text.index("  a2p_10dlc:")
    path.write_text(text[:start])  # the block just deleted
    with pytest.raises(ApplyError) as refused:
        up(project)
    assert "protected" in str(refused.value) and "a2p_10dlc: {remove: true}" in str(refused.value)
    assert "status: closed" not in str(refused.value), "says what removes a registration, not an offboarding"
    path.write_text(text[:start] + "  a2p_10dlc:\n    remove: true\n")
    up(project)
    path.write_text(text[:start])
    assert up(project).counts.get("delete") == 1


def test_compliance_report_and_crm_read_out(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    import json as jsonlib

    from provider.crm import tenant_credentials

    from ..support.cli import tenantctl
    from .test_program_e2e import PASSPHRASE

    edit(project, "sunrise-rx", "use_case_summary: Refill", "use_case_summary: sandbox-reject Refill")
    up(project)
    _days(sandbox, 3)
    up(project, "refresh")
    up(project)
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    report = tenantctl("compliance", "--stack", "test", "--source", "local", "--root", str(project),
                       "--format", "json", env=env)
    assert report.returncode == 0, report.stderr
    rows = {row["tenant"]: row for row in jsonlib.loads(report.stdout)}
    assert set(rows) == {"northside-pharmacy", "sunrise-rx", "oakwood-compounding"}  # texting, or calling
    assert rows["sunrise-rx"]["toll_free"] == {"hotline": "TWILIO_REJECTED"}
    assert "use_case_summary" in rows["sunrise-rx"]["feedback"] and not rows["sunrise-rx"]["sms_ready"]
    assert rows["northside-pharmacy"]["brand"] == "PENDING", "registered by the last up, in review"
    table = tenantctl("compliance", "sunrise-rx", "--stack", "test", "--source", "local", "--root", str(project),
                      env=env)
    assert table.returncode == 0 and "TWILIO_REJECTED" in table.stdout and "northside" not in table.stdout
    creds = tenant_credentials("sunrise-rx", "test", source="local", work_dir=project, passphrase=PASSPHRASE)
    assert not creds.sms_ready and "TWILIO_REJECTED" in creds.as_dict()["sms_why_not"]
    assert creds.messaging_service_sid and creds.messaging_service_sid.startswith("MG")


def test_business_data_changed_after_the_brand_was_approved_is_flagged(project: Path,  # noqa: F811
                                                                       sandbox: SandboxServer) -> None:
    """Twilio never changes an approved brand: the new data goes to the customer profile, and the read-out says the
    brand still holds the old data, instead of keeping quiet about it."""
    up(project)
    for days in (2, 2, 3):
        _days(sandbox, days)
        up(project, "refresh")
        up(project)
    approved = _messaging(up(project), "northside-pharmacy")
    assert approved["sms_ready"] and approved["a2p_10dlc"]["attention"] == ""
    brand_sid = approved["a2p_10dlc"]["brand"]["sid"]
    edit(project, "northside-pharmacy", "100 Market St", "200 Mission St")
    changed = _messaging(up(project), "northside-pharmacy")
    assert changed["a2p_10dlc"]["brand"]["sid"] == brand_sid and changed["a2p_10dlc"]["brand"]["status"] == "APPROVED"
    assert f"brand {brand_sid} was approved with earlier business data" in changed["a2p_10dlc"]["attention"]
    assert changed["sms_ready"], "the approved brand and campaign keep sending"
    report = tenantctl_compliance(project)
    assert "approved with earlier business data" in report


def tenantctl_compliance(root: Path) -> str:
    from ..support.cli import tenantctl
    from .test_program_e2e import PASSPHRASE

    shown = tenantctl("compliance", "northside-pharmacy", "--stack", "test", "--source", "local", "--root",
                      str(root), "--format", "json", env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


@pytest.mark.parametrize("mark,wait_days", [("sandbox-reject", 0), ("sandbox-reject", 8), ("sandbox-reject-final", 0)])
def test_a_rejected_toll_free_verification_is_edited_in_its_window_and_submitted_anew_after(
        project: Path, sandbox: SandboxServer, mark: str, wait_days: int) -> None:  # noqa: F811
    edit(project, "sunrise-rx", "use_case_summary: Refill", f"use_case_summary: {mark} Refill")
    first = _messaging(up(project), "sunrise-rx")["toll_free"]["hotline"]["sid"]
    _days(sandbox, 3 + wait_days)
    up(project, "refresh")
    edit(project, "sunrise-rx", f"use_case_summary: {mark} Refill", "use_case_summary: Refill")
    before = sandbox.backend.last_seq
    fixed = _messaging(up(project), "sunrise-rx")["toll_free"]["hotline"]
    writes = _writes(sandbox, before)
    editable = wait_days == 0 and mark == "sandbox-reject"
    if editable:
        assert fixed["sid"] == first and [w for w in writes if "Tollfree" in w] == [f"POST /v1/Tollfree/Verifications/{first}"]
    else:
        assert fixed["sid"] != first, "a new verification once no edit is allowed"
        assert [w for w in writes if "Tollfree" in w] == [f"DELETE /v1/Tollfree/Verifications/{first}",
                                                         "POST /v1/Tollfree/Verifications"]
    _days(sandbox, 3)
    up(project, "refresh")
    assert _messaging(up(project), "sunrise-rx")["toll_free"]["hotline"]["status"] == "TWILIO_APPROVED"


def _alpha_writes(sandbox: SandboxServer, since: int) -> list[str]:
    return [f"{r.method} {r.path.rsplit('/Services/', 1)[1][34:]}" for r in sandbox.backend.requests(since)
            if r.is_write and "/AlphaSenders" in r.path]


def test_an_alpha_sender_is_added_renamed_delete_first_and_never_takes_over_one_it_did_not_make(
        project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    for other in (project / "tenants").glob("*.yaml"):
        if other.name != "northside-pharmacy.yaml":
            other.unlink()
    backend = sandbox.backend
    edit(project, "northside-pharmacy", "messaging:\n", "messaging:\n  alpha_sender: Northside\n")
    first = up(project)
    service_sid = _messaging(first, "northside-pharmacy")["service_sid"]
    held = lambda: [a.alpha_sender for a in backend.messaging.alpha_senders.values()  # noqa: E731
                    if a.service_sid == service_sid]
    assert held() == ["Northside"] and _messaging(first, "northside-pharmacy")["alpha_sender"] == "Northside"
    before = backend.last_seq
    assert set(up(project).counts) == {"same"} and _alpha_writes(sandbox, before) == []

    edit(project, "northside-pharmacy", "alpha_sender: Northside", "alpha_sender: NorthsideRx")
    preview = up(project, "preview")
    assert [(s.op, s.detail) for s in preview.steps if "alpha-sender" in s.urn] == [("replace", "alpha_sender")]
    before = backend.last_seq
    renamed = up(project)
    assert _alpha_writes(sandbox, before)[0].startswith("DELETE"), "Twilio allows one per service: old one first"
    assert held() == ["NorthsideRx"] and _messaging(renamed, "northside-pharmacy")["alpha_sender"] == "NorthsideRx"

    # Someone swaps it in the Console: the refresh sees ours gone, and the next run refuses to replace theirs.
    account = backend.accounts[backend.messaging.services[service_sid].account_sid]
    for alpha in list(backend.messaging.alpha_senders.values()):
        backend.messaging.remove_alpha_sender(account, service_sid, alpha.sid)
    backend.messaging.add_alpha_sender(account, service_sid, "Console 1")
    up(project, "refresh")
    before = backend.last_seq
    with pytest.raises(ProviderCallError) as refused:
        up(project)
    assert "'Console 1'" in str(refused.value) and "Console" in str(refused.value)
    assert held() == ["Console 1"] and _alpha_writes(sandbox, before) == [], "nothing changed"

    # A run that died right after adding the declared one: the next run adopts it, never adds a second.
    backend.messaging.remove_alpha_sender(account, service_sid, next(iter(backend.messaging.alpha_senders)))
    backend.messaging.add_alpha_sender(account, service_sid, "NorthsideRx")
    before = backend.last_seq
    up(project)
    assert held() == ["NorthsideRx"] and _alpha_writes(sandbox, before) == []

    edit(project, "northside-pharmacy", "  alpha_sender: NorthsideRx\n", "")
    before = backend.last_seq
    removed = up(project)
    assert held() == [] and [w.split()[0] for w in _alpha_writes(sandbox, before)] == ["DELETE"]
    assert _messaging(removed, "northside-pharmacy")["alpha_sender"] is None
