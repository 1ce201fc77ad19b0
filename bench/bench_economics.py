"""Benchmark: `tenantctl economics` for 1,000 tenants x 12 months at 50 ms stand-in latency, in one run:
requests against the minimum, first run (empty cache) against a cached re-run, and against a naive month-by-month
loop (one request per account per month), with the same figures every way.

The stand-in runs in its own process with its clock placed a year back: tenants join month after month, some with a
number, some close along the way (and Twilio deletes the oldest closed ones), so the history is believable.
Run: python bench/bench_economics.py [--tenants 1000] [--latency-ms 50]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import project_env  # noqa: E402  (beside this script: puts the repository on sys.path)

project_env.require()

from provider.economics.job import EconomicsRequest, run_economics  # noqa: E402
from provider.economics.months import month_range  # noqa: E402
from provider.twilio_api import make_client  # noqa: E402
from provider.usage.fetch import UsageFetcher  # noqa: E402

from standin import Sandbox  # noqa: E402 - bench/standin.py, beside this script

START = datetime(2025, 11, 20, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CATEGORIES = ("calls", "sms", "phonenumbers")


def tenant_file(tenant_id: str, joined: date, ended: date | None, index: int) -> str:
    lines = [f"id: {tenant_id}", f"display_name: {tenant_id}", f"status: {'closed' if ended else 'active'}",
             "billing:", "  plan: starter", f'  monthly_price: "{49 + index % 5 * 50}.00"', "  currency: USD",
             f'  start: "{joined.isoformat()}"', f'  acquisition_cost: "{300 + index % 7 * 150}.00"']
    if ended:
        lines.append(f'  end: "{ended.isoformat()}"')
    elif index % 3 == 0 and joined < date(2026, 6, 1):
        lines += ["  changes:", '    - from: "2026-06-01"', "      plan: growth", '      monthly_price: "199.00"']
    return "\n".join(lines) + "\n"


def build_history(sandbox: Sandbox, tenants: int, directory: Path) -> None:
    """Tenants join evenly over eleven months; one in 12 closes 40 days after joining, one in 15 buys a number."""
    client = make_client(*sandbox.auth, sandbox.info["base_url"])
    joins = [START + timedelta(days=5 + i * 330 // max(tenants, 1)) for i in range(tenants)]
    closings: list[tuple[datetime, str]] = []
    for index, joined in enumerate(joins):
        while closings and closings[0][0] <= joined:
            moment, sid = closings.pop(0)
            sandbox.admin("POST", "clock", json={"set": moment.isoformat()})
            client.api.v2010.accounts(sid).update(status="closed")
        sandbox.admin("POST", "clock", json={"set": joined.isoformat()})
        tenant_id = f"pharmacy-{index:04d}"
        sid = client.api.v2010.accounts.create(friendly_name=f"tenant:{tenant_id}").sid
        if index % 15 == 0:
            client.api.v2010.accounts(sid).incoming_phone_numbers.create(area_code="415")
        ended = None
        if index % 12 == 5:
            closing = joined + timedelta(days=40)
            ended = closing.date() - timedelta(days=1)
            closings.append((closing, sid))
            closings.sort()
        (directory / f"{tenant_id}.yaml").write_text(tenant_file(tenant_id, joined.date(), ended, index))
    for moment, sid in closings:
        if moment < NOW:
            sandbox.admin("POST", "clock", json={"set": moment.isoformat()})
            client.api.v2010.accounts(sid).update(status="closed")
    sandbox.admin("POST", "clock", json={"set": NOW.isoformat()})


def usage_requests(sandbox: Sandbox, since: int) -> int:
    return sum(1 for r in sandbox.calls(since) if "/Usage/Records" in r["path"])


def naive_loop(sandbox: Sandbox, concurrency: int) -> dict[str, Decimal]:
    """Month by month, one request per account per month (what a loop over `tenantctl usage` would cost)."""
    fetcher = UsageFetcher(lambda: make_client(*sandbox.auth, sandbox.info["base_url"]), concurrency)
    accounts = [a.sid for a in fetcher.subaccounts(sandbox.auth[0])]
    totals = {}
    for month in month_range("2025-12", "2026-11", NOW.date()):
        period = month.period(NOW.date())
        fetcher.usage_of(accounts, period)
        fetcher.usage(sandbox.auth[0], period, include_subaccounts=False)
        totals[month.label] = fetcher.usage(sandbox.auth[0], period, include_subaccounts=True).prices["totalprice"]
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    sandbox = Sandbox("--seed", "9", "--max-subaccounts", str(args.tenants + 10))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "tenants").mkdir()
            started = time.perf_counter()
            sandbox.admin("POST", "clock", json={"set": START.isoformat()})
            build_history(sandbox, args.tenants, root / "tenants")
            built = time.perf_counter() - started
            sandbox.admin("POST", "faults", json={"latency_ms": args.latency_ms})
            os.environ.update(TWILIO_ACCOUNT_SID=sandbox.auth[0], TWILIO_AUTH_TOKEN=sandbox.auth[1],
                              TWILIO_API_BASE_URL=sandbox.info["base_url"])
            request = EconomicsRequest("none", CATEGORIES, str(root / "tenants"), None, {}, args.concurrency, "names",
                                       root, start="2025-12", end="2026-11", cache_dir=root / "cache",
                                       today=NOW.date())

            def timed(label: str, run):
                since = sandbox.seq()
                start = time.perf_counter()
                result = run()
                return result, time.perf_counter() - start, usage_requests(sandbox, since), label

            first, first_s, first_n, _ = timed("first", lambda: run_economics(request))
            cached, cached_s, cached_n, _ = timed("cached", lambda: run_economics(request))
            naive, naive_s, naive_n, _ = timed("naive", lambda: naive_loop(sandbox, args.concurrency))
    finally:
        sandbox.stop()
    accounts = first.accounts
    minimum = accounts + 2  # one per subaccount, the parent's own, the parent's total
    same = all(naive[r.month.label] == r.parent_total for r in first.months) and \
        [(r.month, r.lines) for r in first.months] == [(r.month, r.lines) for r in cached.months]
    print(f"tenants: {args.tenants} ({accounts} subaccounts listed), 12 months 2025-12..2026-11, stand-in latency "
          f"{args.latency_ms:.0f} ms, {args.concurrency} in flight; history built in {built:.1f} s")
    print(f"first run (empty cache): {first_s:.1f} s, {first_n} usage requests (minimum {minimum}: "
          f"{first_n / minimum:.2f}x)")
    print(f"cached re-run (only the open month asked for): {cached_s:.1f} s, {cached_n} usage requests")
    print(f"naive month-by-month loop: {naive_s:.1f} s, {naive_n} usage requests ({naive_n / max(first_n, 1):.1f}x "
          f"the first run's)")
    print(f"speed-up: first run {naive_s / first_s:.1f}x, cached run {naive_s / cached_s:.1f}x faster than the loop; "
          f"every month reconciled: {first.reconciled and cached.reconciled}; same figures every way: {same}")
    return 0 if same and first.reconciled and first_n == minimum else 1


if __name__ == "__main__":
    sys.exit(main())
