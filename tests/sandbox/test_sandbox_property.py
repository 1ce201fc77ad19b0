"""Random sequences of API calls through the SDK keep the stand-in's invariants.

A number has exactly one owner, and it is a live account; closed stays closed; what the API lists equals
what the calls did; the request counters match the request log.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule
from twilio.base.exceptions import TwilioRestException

from provider.sandbox import SandboxServer, TwilioBackend
from provider.twilio_api import make_client

from ..support.contract import ContractChecker, ValidatingHttpClient

POOL = [f"+1415555{line:04d}" for line in range(900, 912)]


class SandboxMachine(RuleBasedStateMachine):
    accounts = Bundle("accounts")

    def __init__(self) -> None:
        super().__init__()
        self.server = SandboxServer(TwilioBackend(seed=0, demo_numbers=())).start()
        self.contract = ContractChecker()
        self.parent = make_client(self.server.account_sid, self.server.auth_token,
                                  http_client=ValidatingHttpClient(self.server.base_url, self.contract))
        self.status: dict[str, str] = {}
        self.owner: dict[str, str] = {}  # phone number -> account sid, as the calls should have left it
        self.sids: dict[str, str] = {}  # phone number -> PN sid
        self.ever_closed: set[str] = set()

    def teardown(self) -> None:
        self.server.stop()
        assert not self.contract.violations, self.contract.violations

    @initialize(target=accounts)
    def first_account(self) -> str:
        return self.create_account()

    @rule(target=accounts)
    def create_account(self) -> str:
        sub = self.parent.api.v2010.accounts.create(friendly_name=f"tenant:t{len(self.status)}")
        self.status[sub.sid] = "active"
        return sub.sid

    @rule(account=accounts, status=st.sampled_from(["active", "suspended", "closed"]))
    def set_status(self, account: str, status: str) -> None:
        try:
            self.parent.api.v2010.accounts(account).update(status=status)
        except TwilioRestException as error:
            assert self.status[account] == "closed" and error.code == 21479
            return
        assert self.status[account] != "closed"
        self.status[account] = status
        if status == "closed":
            self.ever_closed.add(account)
            for number in [n for n, owner in self.owner.items() if owner == account]:
                del self.owner[number], self.sids[number]

    @rule(account=accounts, number=st.sampled_from(POOL))
    def buy(self, account: str, number: str) -> None:
        try:
            bought = self.parent.api.v2010.accounts(account).incoming_phone_numbers.create(phone_number=number)
        except TwilioRestException as error:
            assert number in self.owner or self.status[account] != "active", error
            return
        assert number not in self.owner and self.status[account] == "active"
        self.owner[number], self.sids[number] = account, bought.sid

    @precondition(lambda self: self.owner)
    @rule(data=st.data(), target_account=accounts)
    def transfer(self, data: st.DataObject, target_account: str) -> None:
        number = data.draw(st.sampled_from(sorted(self.owner)))
        source = self.owner[number]
        try:
            moved = self.parent.api.v2010.accounts(source).incoming_phone_numbers(self.sids[number]).update(
                account_sid=target_account)
        except TwilioRestException:
            assert self.status[source] != "active" or self.status[target_account] != "active"
            return
        assert moved.sid == self.sids[number]
        self.owner[number] = target_account

    @precondition(lambda self: self.owner)
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        number = data.draw(st.sampled_from(sorted(self.owner)))
        account = self.owner[number]
        try:
            self.parent.api.v2010.accounts(account).incoming_phone_numbers(self.sids[number]).delete()
        except TwilioRestException:
            assert self.status[account] != "active"
            return
        del self.owner[number], self.sids[number]

    @invariant()
    def one_owner_per_number_and_it_is_alive(self) -> None:
        backend = self.server.backend
        with backend.lock:
            owned = {n.phone_number: n.account_sid for n in backend.numbers.values()}
            assert owned == self.owner
            assert {sid: n.phone_number for sid, n in backend.numbers.items()} == {
                sid: e164 for e164, sid in backend.number_by_e164.items()}
            assert all(backend.accounts[a].status != "closed" for a in owned.values())

    @invariant()
    def closed_stays_closed(self) -> None:
        for sid in self.ever_closed:
            assert self.server.backend.accounts[sid].status == "closed"

    @invariant()
    def counters_match_log(self) -> None:
        backend = self.server.backend
        log = backend.requests()
        assert backend.counters["requests"] == len(log)
        assert backend.counters["writes"] == sum(1 for r in log if r.is_write and 200 <= r.status < 300)


SandboxMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=25, deadline=None,
                                            suppress_health_check=list(HealthCheck))
TestSandboxInvariants = SandboxMachine.TestCase
