"""Fault injection: deterministic by seed, Twilio-shaped 429s, and writes that happen while the answer is lost."""
from __future__ import annotations

import time

import pytest
import requests

from provider.sandbox import FaultPlan, SandboxServer, TwilioBackend

API = "/2010-04-01"


def fault_sequence(seed: int, n: int = 200) -> list:
    plan = FaultPlan(rate=0.3, seed=seed)
    return [plan.decide("POST") for _ in range(n)]


def test_same_seed_same_faults() -> None:
    assert fault_sequence(7) == fault_sequence(7)
    assert fault_sequence(7) != fault_sequence(8)
    share = sum(f is not None for f in fault_sequence(7, 2000)) / 2000
    assert 0.25 < share < 0.35


def test_bad_fault_settings() -> None:
    with pytest.raises(ValueError):
        FaultPlan(rate=1.5)
    with pytest.raises(ValueError):
        FaultPlan(kinds=("earthquake",))


def _post_account(server: SandboxServer, name: str) -> requests.Response:
    return requests.post(f"{server.base_url}{API}/Accounts.json", data={"FriendlyName": name},
                         auth=(server.account_sid, server.auth_token), timeout=10)


def test_429_has_twilio_code_and_retry_after_and_changes_nothing() -> None:
    with SandboxServer(TwilioBackend(seed=1), faults=FaultPlan(rate=1.0, kinds=("429",))) as server:
        response = _post_account(server, "tenant:x")
        assert response.status_code == 429 and response.json()["code"] == 20429
        assert int(response.headers["Retry-After"]) >= 1
        assert len(server.backend.accounts) == 1


@pytest.mark.parametrize("kind,status", [("500", 500), ("503", 503)])
def test_server_errors(kind: str, status: int) -> None:
    with SandboxServer(TwilioBackend(seed=1), faults=FaultPlan(rate=1.0, kinds=(kind,))) as server:
        response = _post_account(server, "tenant:x")
        assert response.status_code == status and response.json()["status"] == status
        assert len(server.backend.accounts) == 1


def test_drop_loses_request_and_commit_drop_loses_only_the_answer() -> None:
    with SandboxServer(TwilioBackend(seed=1), faults=FaultPlan(rate=1.0, kinds=("drop",))) as server:
        with pytest.raises(requests.ConnectionError):
            _post_account(server, "tenant:x")
        assert len(server.backend.accounts) == 1, "dropped before anything happened"
        server.faults.configure(kinds=("commit-drop",))
        with pytest.raises(requests.ConnectionError):
            _post_account(server, "tenant:x")
        names = [a.friendly_name for a in server.backend.accounts.values()]
        assert names.count("tenant:x") == 1, "the write happened although the client saw an error"
        assert server.backend.counters["fault commit-drop"] == 1


def test_slow_answers_time_out_after_the_write() -> None:
    plan = FaultPlan(rate=1.0, kinds=("slow",), slow_ms=1500)
    with SandboxServer(TwilioBackend(seed=1), faults=plan) as server:
        with pytest.raises(requests.Timeout):
            requests.post(f"{server.base_url}{API}/Accounts.json", data={"FriendlyName": "tenant:slow"},
                          auth=(server.account_sid, server.auth_token), timeout=0.5)
        assert any(a.friendly_name == "tenant:slow" for a in server.backend.accounts.values())


def test_latency_injection() -> None:
    with SandboxServer(TwilioBackend(seed=1), faults=FaultPlan(latency_ms=200)) as server:
        start = time.perf_counter()
        requests.get(f"{server.base_url}{API}/Accounts.json", auth=(server.account_sid, server.auth_token),
                     timeout=10)
        assert time.perf_counter() - start >= 0.2


def test_counters_match_the_log_under_faults() -> None:
    with SandboxServer(TwilioBackend(seed=3), faults=FaultPlan(rate=0.5, seed=3, kinds=("429", "500", "drop"))
                       ) as server:
        for i in range(60):
            try:
                _post_account(server, f"tenant:c{i}")
            except requests.ConnectionError:
                pass
        log = server.backend.requests()
        counters = server.backend.counters
        assert counters["requests"] == len(log) == 60
        assert counters["writes"] == sum(1 for r in log if r.is_write and 200 <= r.status < 300)
        assert counters["writes"] == len(server.backend.accounts) - 1
        assert counters["fault drop"] == sum(1 for r in log if r.fault == "drop") > 0
