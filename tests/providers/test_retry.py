"""The SDK client's retry layer against the stand-in's injected faults."""
from __future__ import annotations

import random
import socket

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from provider.sandbox import SandboxServer
from provider.twilio_api import make_client
from provider.twilio_api.retry import AmbiguousCreate, RetryPolicy, is_create


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(server: SandboxServer, sleeps: Sleeps, attempts: int = 4, base_url: str | None = None):
    policy = RetryPolicy(max_attempts=attempts, base_delay_s=0.1, max_delay_s=5, sleep=sleeps,
                         rng=random.Random(0))
    return make_client(server.account_sid, server.auth_token, base_url or server.base_url, retry=policy, timeout=2)


def test_create_urls_are_told_apart() -> None:
    assert is_create("POST", "https://api.twilio.com/2010-04-01/Accounts.json")
    assert is_create("POST", "https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + "/Keys.json")
    assert not is_create("POST", "https://api.twilio.com/2010-04-01/Accounts/AC" + "a" * 32 + ".json")
    assert not is_create("GET", "https://api.twilio.com/2010-04-01/Accounts.json")


def test_429_is_retried_even_for_creates_honouring_retry_after(sandbox: SandboxServer) -> None:
    sandbox.faults.configure(rate=1.0, kinds=("429",))
    sandbox.faults.retry_after_s = 3
    sleeps = Sleeps()
    with pytest.raises(TwilioRestException) as raised:
        client(sandbox, sleeps).api.v2010.accounts.create(friendly_name="tenant:x")
    assert raised.value.status == 429
    assert len(sandbox.backend.requests()) == 4 and len(sleeps) == 3
    assert all(s >= 3 for s in sleeps), "Retry-After is a floor"


def test_backoff_grows_and_is_capped(sandbox: SandboxServer) -> None:
    sandbox.faults.configure(rate=1.0, kinds=("503",))
    sleeps = Sleeps()
    with pytest.raises(TwilioRestException):
        client(sandbox, sleeps, attempts=8).api.v2010.accounts(sandbox.account_sid).fetch()
    assert len(sleeps) == 7 and max(sleeps) <= 5
    assert sleeps[3] > sleeps[0]


def test_list_failures_are_retried_too(sandbox: SandboxServer) -> None:
    sandbox.faults.configure(rate=0.5, seed=4, kinds=("500", "drop"))
    sleeps = Sleeps()
    accounts = client(sandbox, sleeps, attempts=10).api.v2010.accounts.list()
    assert accounts and sleeps


def test_create_is_never_blindly_retried_after_5xx_or_a_drop(sandbox: SandboxServer) -> None:
    for kind in ("500", "commit-drop"):
        sandbox.faults.configure(rate=1.0, kinds=(kind,))
        before = sandbox.backend.last_seq
        with pytest.raises(AmbiguousCreate):
            client(sandbox, Sleeps()).api.v2010.accounts.create(friendly_name=f"tenant:{kind}")
        assert len(sandbox.backend.requests(before)) == 1, "one attempt only: the caller must look first"


def test_refused_connection_is_safe_to_retry_for_creates(sandbox: SandboxServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(requests.ConnectionError):
        client(sandbox, sleeps, base_url=f"http://127.0.0.1:{port}").api.v2010.accounts.create(friendly_name="x")
    assert len(sleeps) == 3, "nothing was sent, so trying again cannot duplicate"
