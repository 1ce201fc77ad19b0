"""The voice trust registration resumes from what Twilio holds: a run that dies right after any of its writes is
followed by runs with no faults that converge (every caller on every product, every product approved) and submit
nothing twice; a change to a product under review is refused, not sent."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest

from provider.registration import a2p, voice
from provider.sandbox import SandboxServer
from provider.sandbox.trusthub_v1.models import SANDBOX_PRIMARY_PROFILE_SID
from provider.tenancy import load_tenants
from provider.twilio_api import make_client

from ..support.contract import ContractChecker, ValidatingHttpClient
from ..support.paths import EXAMPLES
from .test_registration_resume import DyingHttpClient, Killed


def _tenant(sandbox: SandboxServer, contract: ContractChecker) -> tuple[dict[str, Any], str, str]:
    """northside-pharmacy's voice block, on a fresh subaccount with a local and a toll-free number."""
    tenant = next(t for t in load_tenants([EXAMPLES]).tenants if t.id == "northside-pharmacy")
    assert tenant.voice and tenant.voice.voice_integrity and tenant.voice.cnam and tenant.business
    parent = make_client(sandbox.account_sid, sandbox.auth_token,
                         http_client=ValidatingHttpClient(sandbox.base_url, contract, timeout=10))
    account = parent.api.v2010.accounts.create(friendly_name="tenant:northside-pharmacy")
    numbers = parent.api.v2010.accounts(account.sid).incoming_phone_numbers
    local = parent.available_phone_numbers("US").local.list(area_code="415", voice_enabled=True, limit=1)[0]
    toll_free = parent.available_phone_numbers("US").toll_free.list(voice_enabled=True, limit=1)[0]
    main, refills = (numbers.create(phone_number=local.phone_number),
                     numbers.create(phone_number=toll_free.phone_number))
    props = {"account_sid": account.sid, "tenant_id": tenant.id, "business": asdict(tenant.business),
             "primary_profile_sid": SANDBOX_PRIMARY_PROFILE_SID, "profile_sid": None,
             "callers": {"main": {"sid": main.sid, "phone_number": main.phone_number},
                         "refills": {"sid": refills.sid, "phone_number": refills.phone_number}},
             "cnam_callers": ["main"], "shaken_stir": True,
             "voice_integrity": asdict(tenant.voice.voice_integrity), "cnam": asdict(tenant.voice.cnam)}
    return props, account.sid, account.auth_token


def _client(sandbox: SandboxServer, contract: ContractChecker, sid: str, token: str, kill_after: int = 0) -> Any:
    http = DyingHttpClient(sandbox.base_url, contract, kill_after) if kill_after else \
        ValidatingHttpClient(sandbox.base_url, contract, timeout=10)
    return make_client(sid, token, http_client=http)


def _done(state: dict[str, Any], props: dict[str, Any]) -> bool:
    products = state.get("products") or {}
    return all((products.get(k) or {}).get("status") == "twilio-approved" for k in voice.declared(props)) and \
        not voice.steps(state, props)


def _converge(sandbox: SandboxServer, contract: ContractChecker, sid: str, token: str, props: dict[str, Any],
              state: dict[str, Any]) -> dict[str, Any]:
    for _ in range(8):
        state = voice.VoiceTrustFlow(_client(sandbox, contract, sid, token), props, state).advance()
        if _done(state, props):
            return state
        sandbox.backend.clock.advance(timedelta(days=2))
    raise AssertionError(f"never converged: {state}")


def _submissions(sandbox: SandboxServer, since: int) -> dict[str, int]:
    """Submissions per bundle: successful POSTs to a bundle itself (only submitting ever posts there)."""
    counts: dict[str, int] = {}
    for r in sandbox.backend.requests(since):
        if r.method == "POST" and r.status < 300 and r.path.count("/") == 3 and \
                r.path.startswith(("/v1/CustomerProfiles/BU", "/v1/TrustProducts/BU")):
            counts[r.path] = counts.get(r.path, 0) + 1
    return counts


def _assert_complete(sandbox: SandboxServer, state: dict[str, Any], props: dict[str, Any]) -> None:
    tables = sandbox.backend.tables
    on = {k: {e.channel_endpoint_sid for e in tables["channel_endpoints"].values()
              if e.bundle_sid == (state["products"].get(k) or {}).get("sid")} for k in voice.PRODUCTS}
    callers = {c["sid"] for c in props["callers"].values()}
    assert on["shaken_stir"] == callers and on["voice_integrity"] == callers
    assert on["cnam"] == {props["callers"]["main"]["sid"]}
    mine = [b for b in tables["bundles"].values() if b.account_sid == props["account_sid"]]
    assert len(mine) == 4, "one profile and three products, never a second of any"


@pytest.mark.slow
def test_a_run_killed_after_any_write_converges_and_submits_nothing_twice(sandbox: SandboxServer,
                                                                            contract: ContractChecker) -> None:
    props, sid, token = _tenant(sandbox, contract)
    before = sandbox.backend.last_seq
    _assert_complete(sandbox, _converge(sandbox, contract, sid, token, props, {}), props)
    total = len([r for r in sandbox.backend.requests(before) if r.is_write])
    assert total >= 15
    for kill_after in range(1, total + 1):
        props, sid, token = _tenant(sandbox, contract)
        before = sandbox.backend.last_seq
        state: dict[str, Any] = {}
        for _ in range(8):  # daily runs, one of which dies right after the flow's kill_after-th write
            try:
                state = voice.VoiceTrustFlow(_client(sandbox, contract, sid, token, kill_after), props,
                                             state).advance()
            except Killed:
                break  # nothing it learned was recorded: the next run starts from the state before
            if _done(state, props):
                break
            sandbox.backend.clock.advance(timedelta(days=2))
        final = _converge(sandbox, contract, sid, token, props, state)
        _assert_complete(sandbox, final, props)
        submitted = _submissions(sandbox, before)
        assert len(submitted) == 4 and all(n == 1 for n in submitted.values()), \
            f"killed after write {kill_after}: {submitted}"


def test_a_change_to_a_product_under_review_is_refused_before_anything_is_sent(sandbox: SandboxServer,
                                                                               contract: ContractChecker) -> None:
    props, sid, token = _tenant(sandbox, contract)
    state: dict[str, Any] = {}
    for _ in range(3):  # the profile is approved, the products submitted
        state = voice.VoiceTrustFlow(_client(sandbox, contract, sid, token), props, state).advance()
        if (state["products"].get("cnam") or {}).get("status") in ("pending-review", "in-review"):
            break
        sandbox.backend.clock.advance(timedelta(days=2))
    changed = {**props, "cnam": {"display_name": "NORTHSIDE"}}
    assert "voice.cnam" in (voice.refusal(state, changed) or "")
    before = sandbox.backend.last_seq
    with pytest.raises(a2p.RegistrationRefused):
        voice.VoiceTrustFlow(_client(sandbox, contract, sid, token), changed, state).advance()
    assert not [r for r in sandbox.backend.requests(before) if r.is_write]


def test_removing_every_caller_leaves_the_bundles_empty_and_in_place(sandbox: SandboxServer,
                                                                     contract: ContractChecker) -> None:
    props, sid, token = _tenant(sandbox, contract)
    state = _converge(sandbox, contract, sid, token, props, {})
    voice.VoiceTrustFlow(_client(sandbox, contract, sid, token), props, state).release_numbers()
    tables = sandbox.backend.tables
    mine = {b.sid for b in tables["bundles"].values() if b.account_sid == sid}
    assert len(mine) == 4, "nothing deleted"
    assert not [e for e in tables["channel_endpoints"].values() if e.bundle_sid in mine]
