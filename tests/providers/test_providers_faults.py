"""A deployment under heavy injected faults ends exactly as the files say: no duplicate, no double purchase."""
from __future__ import annotations

from collections import Counter

import pytest

from provider.localengine import ApplyError, ProviderCallError, ProviderServer
from provider.sandbox import Clock, FaultPlan, SandboxServer, TwilioBackend
from provider.sandbox.api_v2010.models import DEMO_PARENT_NUMBERS

from ..conftest import PINNED_NOW
from ..support.contract import ContractChecker
from ..support.contract_proxy import ContractProxy
from ..support.providers_kit import NumberSpec, TenantSpec, World

SEARCH = {"country": "US", "type": "local", "area_code": "512", "capabilities": ["voice", "sms"]}


def tenants() -> list[TenantSpec]:
    specs = [TenantSpec(f"pharmacy-{i}", numbers=[
        NumberSpec("main", search=SEARCH, webhooks={"voice_url": f"https://crm.example.com/{i}/v"}),
        NumberSpec("sms", search={**SEARCH, "area_code": "206"})], api_key=True, budget_usd="99.00")
        for i in range(4)]
    specs[0].numbers.append(NumberSpec("legacy", number=DEMO_PARENT_NUMBERS[1]))
    return specs


MIXED = ("429", "500", "503", "slow", "drop", "commit-drop", "commit-drop", "commit-drop")


@pytest.mark.slow
@pytest.mark.parametrize("rate,kinds,attempts", [(0.4, MIXED, 6), (0.6, ("commit-drop",), 12)],
                         ids=["40%-mixed", "60%-commit-drop"])
def test_faults_end_in_the_desired_state(rate: float, kinds: tuple[str, ...], attempts: int) -> None:
    faults = FaultPlan(rate=0.0, seed=11, kinds=kinds, slow_ms=1500, retry_after_s=0)
    sandbox = SandboxServer(TwilioBackend(seed=11, clock=Clock(PINNED_NOW)), faults=faults).start()
    checker = ContractChecker()
    proxy = ContractProxy(sandbox.base_url, checker).start()
    server = ProviderServer()
    try:
        server.configure({"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                          "twilio:apiBaseUrl": proxy.base_url, "twilio:httpTimeoutSeconds": "1"})
        world = World(sandbox, proxy, server)
        faults.configure(rate=rate)
        failures = []
        for _ in range(attempts):  # an operator re-running `pulumi up` after a failed run
            try:
                world.apply(tenants())
                break
            except (ApplyError, ProviderCallError) as error:
                failures.append(getattr(error, "message", str(error)))
        else:
            raise AssertionError(f"never converged: {failures}")
        for message in failures:  # every failure names its tenant in plain words, never a raw SDK error
            assert message.startswith("tenant pharmacy-") and "Exception" not in message, message
        faults.configure(rate=0.0)
        backend = sandbox.backend
        injected = sum(v for k, v in backend.counters.items() if k.startswith("fault "))
        assert injected / backend.counters["requests"] >= 0.2, dict(backend.counters)
        assert backend.counters["fault commit-drop"] > 0 and (backend.counters["fault 429"] > 0 or kinds != MIXED)

        names = Counter(a.friendly_name for a in backend.accounts.values() if not a.is_parent)
        assert names == Counter({f"tenant:pharmacy-{i}": 1 for i in range(4)}), "0 duplicate subaccounts"
        by_account = {a.friendly_name: a.sid for a in backend.accounts.values()}
        for i in range(4):
            owned = sorted(n.friendly_name for n in backend.numbers.values()
                           if n.account_sid == by_account[f"tenant:pharmacy-{i}"])
            expected = [f"tenant:pharmacy-{i}/main", f"tenant:pharmacy-{i}/sms"]
            if i == 0:
                expected = sorted(expected + ["tenant:pharmacy-0/legacy"])
            assert owned == expected, "0 double purchases"
            keys = [k for k in backend.keys.values() if k.account_sid == by_account[f"tenant:pharmacy-{i}"]]
            assert len(keys) == 1
        bought = [n for n in backend.numbers.values() if n.phone_number not in DEMO_PARENT_NUMBERS]
        assert len(bought) == 8
        assert len(backend.triggers) == 4
        before = backend.last_seq
        world.apply(tenants())
        assert world.writes_since(before) == [], "and a clean re-run changes nothing"
        assert not checker.violations, checker.violations
    finally:
        server.close()
        proxy.stop()
        sandbox.stop()
