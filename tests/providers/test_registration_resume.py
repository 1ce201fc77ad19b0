"""A registration resumes from what Twilio holds: a run that dies right after any of its writes (a SIGKILL, or a
5xx on the next write: the state never records what was sent) is followed by runs with no faults that converge
to a verified campaign and submit nothing twice. The brand's resubmission cap is a state to report, not a failure
of every later run."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from provider.registration import a2p
from provider.sandbox import SandboxServer
from provider.sandbox.trusthub_v1.models import SANDBOX_PRIMARY_PROFILE_SID
from provider.tenancy import load_tenants
from provider.twilio_api import make_client

from ..support.contract import ContractChecker, ValidatingHttpClient
from ..support.paths import EXAMPLES


class Killed(BaseException):
    """The process died right after a write: nothing after it ran, nothing it learned was recorded."""


class DyingHttpClient(ValidatingHttpClient):
    def __init__(self, base_url: str, checker: ContractChecker, kill_after: int):
        super().__init__(base_url, checker, timeout=10)
        self.kill_after, self.writes = kill_after, 0

    def send(self, method: str, url: str, *args: Any, **kwargs: Any):
        response = super().send(method, url, *args, **kwargs)
        if method in ("POST", "DELETE"):
            self.writes += 1
            if self.writes == self.kill_after:
                raise Killed()
        return response


def _props(account_sid: str, service_sid: str) -> dict[str, Any]:
    tenant = next(t for t in load_tenants([EXAMPLES]).tenants if t.id == "northside-pharmacy")
    messaging = tenant.messaging
    assert messaging is not None and messaging.business and messaging.a2p_10dlc
    campaign = messaging.a2p_10dlc
    return {"account_sid": account_sid, "service_sid": service_sid, "tenant_id": tenant.id,
            "business": asdict(messaging.business), "a2p_campaign": {**asdict(campaign),
                                                                    "samples": list(campaign.samples)},
            "mock": True, "primary_profile_sid": SANDBOX_PRIMARY_PROFILE_SID, "remove": False}


def _tenant(sandbox: SandboxServer, contract: ContractChecker) -> tuple[dict[str, Any], str, str]:
    parent = make_client(sandbox.account_sid, sandbox.auth_token,
                         http_client=ValidatingHttpClient(sandbox.base_url, contract, timeout=10))
    account = parent.api.v2010.accounts.create(friendly_name="tenant:northside-pharmacy")
    sub = make_client(account.sid, account.auth_token,
                      http_client=ValidatingHttpClient(sandbox.base_url, contract, timeout=10))
    free = parent.available_phone_numbers("US").local.list(area_code="415", sms_enabled=True, limit=1)[0]
    number = sub.api.v2010.accounts(account.sid).incoming_phone_numbers.create(phone_number=free.phone_number)
    service = sub.messaging.v1.services.create(friendly_name="tenant:northside-pharmacy")
    sub.messaging.v1.services(service.sid).phone_numbers.create(phone_number_sid=number.sid)
    return _props(account.sid, service.sid), account.sid, account.auth_token


def _run(sandbox: SandboxServer, contract: ContractChecker, sid: str, token: str, props: dict[str, Any],
         state: dict[str, Any], kill_after: int = 0) -> dict[str, Any]:
    http = DyingHttpClient(sandbox.base_url, contract, kill_after) if kill_after else \
        ValidatingHttpClient(sandbox.base_url, contract, timeout=10)
    return a2p.A2pFlow(make_client(sid, token, http_client=http), props, state).advance()


def _submissions(sandbox: SandboxServer, since: int) -> dict[str, int]:
    """Writes that submit something for review, by what they submit."""
    counts: dict[str, int] = {}
    for r in sandbox.backend.requests(since):
        if r.method != "POST" or r.status >= 300:
            continue
        kind = ("bundle" if ("/CustomerProfiles/BU" in r.path or "/TrustProducts/BU" in r.path)
                and r.path.count("/") == 3 else "brand" if "/BrandRegistrations" in r.path
                else "campaign" if r.path.endswith("/Compliance/Usa2p") else None)
        if kind:
            key = f"{kind} {r.path}" if kind == "bundle" else kind
            counts[key] = counts.get(key, 0) + 1
    return counts


def _converge(sandbox: SandboxServer, contract: ContractChecker, sid: str, token: str, props: dict[str, Any],
              state: dict[str, Any]) -> dict[str, Any]:
    for _ in range(6):
        state = _run(sandbox, contract, sid, token, props, state)
        if (state.get("campaign") or {}).get("status") == "VERIFIED":
            return state
        sandbox.backend.clock.advance(timedelta(days=3))
    raise AssertionError(f"never converged: {state}")


def _full_run_writes(sandbox: SandboxServer, contract: ContractChecker) -> int:
    """How many writes a registration makes from scratch to a verified campaign (no faults)."""
    props, sid, token = _tenant(sandbox, contract)
    before = sandbox.backend.last_seq
    _converge(sandbox, contract, sid, token, props, {})
    return len([r for r in sandbox.backend.requests(before) if r.is_write])


def test_a_run_killed_after_any_write_converges_and_submits_nothing_twice(sandbox: SandboxServer,
                                                                            contract: ContractChecker) -> None:
    total = _full_run_writes(sandbox, contract)
    assert total >= 8
    for kill_after in range(1, total + 1):
        props, sid, token = _tenant(sandbox, contract)
        before = sandbox.backend.last_seq
        dying = make_client(sid, token, http_client=DyingHttpClient(sandbox.base_url, contract, kill_after))
        state: dict[str, Any] = {}
        for _ in range(6):  # the daily runs, one of which dies right after the registration's kill_after-th write
            try:
                state = a2p.A2pFlow(dying, props, state).advance()
            except Killed:
                break  # its state was never recorded: the next run starts from the one before
            if (state.get("campaign") or {}).get("status") == "VERIFIED":
                break
            sandbox.backend.clock.advance(timedelta(days=3))
        final = _converge(sandbox, contract, sid, token, props, state)
        assert final["campaign"]["status"] == "VERIFIED"
        submitted = _submissions(sandbox, before)
        assert all(n == 1 for n in submitted.values()), f"killed after write {kill_after}: {submitted}"
        assert submitted.get("brand") == 1 and submitted.get("campaign") == 1, submitted


def test_the_brand_resubmission_cap_is_reported_not_fatal(sandbox: SandboxServer, contract: ContractChecker) -> None:
    props, sid, token = _tenant(sandbox, contract)
    state: dict[str, Any] = {}
    failing = {**props, "business": {**props["business"], "ein": "00-0000000"}}
    for _ in range(3):
        state = _run(sandbox, contract, sid, token, failing, state)
        sandbox.backend.clock.advance(timedelta(days=3))
    state = a2p.A2pFlow(make_client(sid, token, http_client=ValidatingHttpClient(sandbox.base_url, contract,
                                                                                   timeout=10)),
                        failing, state).refreshed()
    assert state["brand"]["status"] == "FAILED"
    brand = sandbox.backend.tables["brands"][state["brand"]["sid"]]
    brand.resubmissions = 99  # Twilio's cap is reached (as after several fixes that did not satisfy it)
    for ein in ("12-3456789", "98-7654321"):
        fixed = {**props, "business": {**props["business"], "ein": ein}}
        for _ in range(3):
            state = _run(sandbox, contract, sid, token, fixed, state)  # never raises
            sandbox.backend.clock.advance(timedelta(days=3))
        from provider.resources.registration import attention
        assert "21724" in attention(state, fixed) and "Twilio support" in attention(state, fixed)
        assert state["profile"]["status"] == "twilio-approved", "the profiles follow the fix"
