"""Twilio's per-account concurrency limit (429 / 20429, never processed), in the stand-in and in the product:
provisioning and the usage report finish with correct results under a low limit."""
from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

import requests
from twilio.base.exceptions import TwilioRestException

from provider.localengine.deploy import deploy
from provider.sandbox import SandboxServer
from provider.usage.job import run_usage

from ..finance.test_usage import request, world  # noqa: F401 - the usage world fixture
from ..support.projects import PASSPHRASE, write_tenants

API = "/2010-04-01"


def test_requests_beyond_the_limit_get_20429_and_are_never_processed(sandbox: SandboxServer, connect) -> None:
    sandbox.app.limit.configure(2)
    sandbox.faults.configure(latency_ms=300)
    answers: list[requests.Response] = []

    def create(i: int) -> None:
        answers.append(requests.post(f"{sandbox.base_url}{API}/Accounts.json", data={"FriendlyName": f"tenant:c{i}"},
                                     auth=(sandbox.account_sid, sandbox.auth_token), timeout=10))
    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = Counter(a.status_code for a in answers)
    assert statuses[201] == 2 and statuses[429] == 4, statuses
    refused = next(a for a in answers if a.status_code == 429)
    body = refused.json()
    assert body["code"] == 20429 and body["status"] == 429 and body["detail"] and body["message"]
    assert refused.headers["Twilio-Concurrent-Requests"] == "2"
    created = [a for a in sandbox.backend.accounts.values() if a.friendly_name.startswith("tenant:c")]
    assert len(created) == 2, "a refused request changed nothing"
    sandbox.faults.configure(latency_ms=0)
    client = connect()
    error = None
    try:
        client.api.v2010.accounts.list()
    except TwilioRestException as raised:
        error = raised
    assert error is None, "one at a time is always admitted"


def test_the_limit_is_per_account_and_set_through_the_admin_endpoint(sandbox: SandboxServer) -> None:
    answer = requests.post(f"{sandbox.base_url}/__sandbox/limits", json={"max_in_flight": 1},
                           auth=(sandbox.account_sid, sandbox.auth_token), timeout=10)
    assert answer.status_code == 200 and sandbox.app.limit.max_in_flight == 1
    bad = requests.post(f"{sandbox.base_url}/__sandbox/limits", json={"max_in_flight": 0},
                        auth=(sandbox.account_sid, sandbox.auth_token), timeout=10)
    assert bad.status_code == 400


def test_provisioning_under_a_low_limit_ends_right_with_no_duplicates(small_project: Path,
                                                                     sandbox: SandboxServer) -> None:
    write_tenants(small_project / "tenants", ["echo", "foxtrot"])
    sandbox.app.limit.configure(2)
    sandbox.faults.configure(latency_ms=40)
    result = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert sandbox.backend.counters["throttled 20429"] > 0, "the provider server runs 4 calls at once: some wait"
    names = Counter(a.friendly_name for a in sandbox.backend.accounts.values() if a.friendly_name.startswith("tenant:"))
    assert names == Counter({f"tenant:{t}": 1 for t in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")})
    bought = Counter(n.friendly_name for n in sandbox.backend.numbers.values() if n.friendly_name.startswith("tenant:"))
    assert set(bought.values()) == {1} and len(bought) == 12
    assert sum(result.counts.values()) == 6 * 5


def test_the_usage_report_under_a_low_limit_gives_the_same_totals(world, tmp_path: Path) -> None:  # noqa: F811
    server, _ = world
    calm = run_usage(request(tmp_path))
    server.app.limit.configure(2)
    server.faults.configure(latency_ms=200)  # long enough that 16 requests overlap even on a loaded machine
    limited = run_usage(request(tmp_path, concurrency=16))
    assert server.backend.counters["throttled 20429"] > 0
    assert [(line.label, line.cost) for line in limited.lines] == [(line.label, line.cost) for line in calm.lines]
    assert limited.reconciled and sum((line.cost for line in limited.lines), Decimal(0)) > 0


def test_refresh_reads_in_parallel_and_still_reads_everything(small_project: Path, sandbox: SandboxServer) -> None:
    """Engine-less refresh keeps the provider server busy (4 reads at once); under a limit of 1 in flight some are
    refused with 20429 and retried: proof they were concurrent, and the refresh is still complete and exact."""
    first = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    sandbox.app.limit.configure(1)
    sandbox.faults.configure(latency_ms=30)
    refreshed = deploy("refresh", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert sandbox.backend.counters["throttled 20429"] > 0
    assert refreshed.counts == {"refresh": sum(first.counts.values())}
    assert not [s for s in refreshed.steps if s.detail == "drift"]


def test_many_buyers_with_the_same_search_all_get_a_number(small_project: Path, sandbox: SandboxServer) -> None:
    """Twenty tenants buying from one search at once collide on the first offers (21422); each collision widens
    the choice, so every tenant ends with exactly one number and nobody gives up."""
    write_tenants(small_project / "tenants", [f"crowd{i:02d}" for i in range(16)])
    sandbox.faults.configure(latency_ms=10)
    deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    bought = Counter(n.friendly_name for n in sandbox.backend.numbers.values() if n.friendly_name.startswith("tenant:"))
    assert len(bought) == 2 * 20 and set(bought.values()) == {1}
