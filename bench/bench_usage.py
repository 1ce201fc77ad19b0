"""Benchmark: `tenantctl usage` for 1,000 tenants, one month, stand-in latency 50 ms, against a sequential fetch
of the same records, in one run. Target: >= 8x faster, same totals.

The stand-in runs in its own process (`tenantctl sandbox`); accounts are made through the API, dated in the
past with the stand-in's clock, so the month has usage. Run: python bench/bench_usage.py [--tenants 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import requests

import project_env  # noqa: E402  (beside this script: puts the repository on sys.path)

project_env.require()

from provider.twilio_api import make_client  # noqa: E402
from provider.usage.job import UsageRequest, run_usage  # noqa: E402

TENANT = "id: {id}\ndisplay_name: {id}\nstatus: active\nbilling: {{plan: growth, monthly_price: \"99.00\", currency: USD}}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--max-in-flight", type=int, default=8,
                        help="Twilio's per-account concurrency limit for a last, limited run (429 / 20429 beyond it)")
    args = parser.parse_args()
    # A parent of that size has had Twilio raise its cap (1,000 subaccounts by default, 21480 beyond).
    sandbox = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", "--seed", "5",
                                "--max-subaccounts", str(args.tenants + 10)],
                               stdout=subprocess.PIPE, text=True, cwd=project_env.REPO)
    try:
        info = json.loads(sandbox.stdout.readline())  # type: ignore[union-attr]
        auth = (info["account_sid"], info["auth_token"])

        def admin(path: str, body: dict) -> None:
            requests.post(f"{info['base_url']}/__sandbox/{path}", json=body, auth=auth, timeout=30).raise_for_status()

        admin("clock", {"set": "2026-09-01T00:00:00+00:00"})
        client = make_client(*auth, info["base_url"])
        with tempfile.TemporaryDirectory() as tmp:
            tenants = Path(tmp) / "tenants"
            tenants.mkdir()
            for i in range(args.tenants):
                tenant_id = f"pharmacy-{i:04d}"
                (tenants / f"{tenant_id}.yaml").write_text(TENANT.format(id=tenant_id))
                client.api.v2010.accounts.create(friendly_name=f"tenant:{tenant_id}")
            admin("clock", {"set": "2026-11-05T12:00:00+00:00"})
            admin("faults", {"latency_ms": args.latency_ms})
            os.environ.update(TWILIO_ACCOUNT_SID=auth[0], TWILIO_AUTH_TOKEN=auth[1], TWILIO_API_BASE_URL=info["base_url"])

            def report(concurrency: int):
                request = UsageRequest("none", ("calls", "sms", "phonenumbers"), str(tenants), None, {}, concurrency,
                                       "names", Path(tmp), period="2026-10")
                start = time.perf_counter()
                result = run_usage(request)
                return result, time.perf_counter() - start

            concurrent, fast = report(args.concurrency)
            sequential, slow = report(1)
            admin("limits", {"max_in_flight": args.max_in_flight})
            counters = requests.get(f"{info['base_url']}/__sandbox/counters", auth=auth, timeout=30).json()
            throttled_before = counters["counters"].get("throttled 20429", 0)
            limited, limited_s = report(args.concurrency)
            counters = requests.get(f"{info['base_url']}/__sandbox/counters", auth=auth, timeout=30).json()
            throttled = counters["counters"].get("throttled 20429", 0) - throttled_before
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    same = [(l.label, l.cost) for l in concurrent.lines] == [(l.label, l.cost) for l in sequential.lines]
    total = sum((line.cost for line in concurrent.lines), Decimal(0))
    print(f"tenants: {args.tenants}, period 2026-10, stand-in latency {args.latency_ms:.0f} ms")
    print(f"tenantctl usage ({args.concurrency} in flight): {fast:.1f} s")
    print(f"sequential fetch of the same records:  {slow:.1f} s")
    print(f"speed-up: {slow / fast:.1f}x (target >= 8x); same totals: {same} ({total:.2f} USD, reconciled: "
          f"{concurrent.reconciled and sequential.reconciled})")
    limited_same = [(l.label, l.cost) for l in limited.lines] == [(l.label, l.cost) for l in sequential.lines]
    print(f"under a concurrency limit of {args.max_in_flight} ({args.concurrency} sent at once): {limited_s:.1f} s, "
          f"{throttled} requests refused with 429/20429 and retried; same totals: {limited_same}, reconciled: "
          f"{limited.reconciled}")
    return 0 if same and limited_same and slow / fast >= 8 else 1


if __name__ == "__main__":
    sys.exit(main())
