"""Benchmark: the stand-in's throughput under load from a second process, and its memory at scale.

1. Requests per second: `tenantctl sandbox` in its own process, loaded over loopback by bench/load_client.py
   (bounded: --requests or --seconds). Target >= 1,000 simple requests/s, so it is never the bottleneck.
2. Memory: a backend holding 1,000 subaccounts and 5,000 numbers (Python heap, via tracemalloc).
3. Persistence: creating N tenants' subaccounts and numbers with --state (journal, fsync per write) against the same
   without --state. Target: within 1.2x (a write costs the same however large the state is).
4. With --up-tenants N: the same promise end to end, as the main job meets it: the first engine-less `up` of N
   tenants at 50 ms latency against a stand-in started with --state and one without (N=800: about 2 minutes).
Run: python bench/bench_sandbox.py [--up-tenants 800]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import project_env  # noqa: E402  (beside this script: puts the repository on sys.path)

project_env.require()

from provider.sandbox import (
    TwilioBackend,  # noqa: E402
    inventory,  # noqa: E402
)
from provider.sandbox.api_v2010.models import Principal  # noqa: E402


def throughput(requests: int, concurrency: int, seconds: float) -> dict:
    server = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", "--seed", "1"],
                              stdout=subprocess.PIPE, text=True, cwd=project_env.REPO)
    try:
        info = json.loads(server.stdout.readline())  # type: ignore[union-attr]
        url = f"{info['base_url']}/2010-04-01/Accounts/{info['account_sid']}.json"
        load = subprocess.run([sys.executable, str(project_env.REPO / "bench" / "load_client.py"), url, info["account_sid"],
                               info["auth_token"], "--requests", str(requests), "--concurrency", str(concurrency),
                               "--seconds", str(seconds)], capture_output=True, text=True, check=True)
        return json.loads(load.stdout)
    finally:
        server.terminate()
        server.wait(timeout=10)


def memory(subaccounts: int, numbers: int) -> dict:
    tracemalloc.start()
    backend = TwilioBackend(seed=1, demo_numbers=())
    parent = Principal(backend.parent)
    accounts = [backend.v2010.create_subaccount(parent, f"tenant:t{i:04d}") for i in range(subaccounts)]
    pool = inventory.search("US", "local", limit=numbers)
    for i, info in enumerate(pool):
        backend.v2010.buy_number(accounts[i % subaccounts], phone_number=info.phone_number, area_code=None,
                           settings={"voice_url": "https://crm.example.com/voice", "friendly_name": f"n{i}"})
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(backend.numbers) == numbers
    return {"subaccounts": subaccounts, "numbers": numbers, "heap_mib": current / 2**20, "peak_mib": peak / 2**20}


def writes(tenants: int, state: Path | None) -> float:
    """Seconds for `tenants` subaccounts + one number each, in-process (no HTTP: the persistence cost alone)."""
    backend = TwilioBackend(seed=1, demo_numbers=(), state_file=state, max_subaccounts=tenants + 10)
    parent = Principal(backend.parent)
    pool = inventory.search("US", "local", limit=tenants)
    start = time.perf_counter()
    for i, info in enumerate(pool):
        account = backend.v2010.create_subaccount(parent, f"tenant:p{i:05d}")
        backend.v2010.buy_number(account, phone_number=info.phone_number, area_code=None, settings={})
    return time.perf_counter() - start


def first_up(tenants: int, state: Path | None, latency_ms: float) -> float:
    """Seconds of the first engine-less `up` of `tenants` tenants, the stand-in in its own process."""
    from bench_fleet import project, single  # beside this script: the same tenants and stack as the fleet bench

    from standin import Sandbox

    sandbox = Sandbox("--seed", "8", "--max-subaccounts", str(tenants + 10),
                      *(["--state", str(state)] if state else []))
    try:
        sandbox.admin("POST", "faults", json={"latency_ms": latency_ms})
        with tempfile.TemporaryDirectory() as tmp:
            project(Path(tmp), sandbox, tenants, 1, "up")
            return single(Path(tmp), "up")
    finally:
        sandbox.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--state-tenants", type=int, default=800)
    parser.add_argument("--up-tenants", type=int, default=0, help="also time a first up of N tenants, --state or not")
    args = parser.parse_args()
    load = throughput(args.requests, args.concurrency, args.seconds)
    mem = memory(1000, 5000)
    plain = writes(args.state_tenants, None)
    with tempfile.TemporaryDirectory() as tmp:
        small = writes(args.state_tenants // 8, Path(tmp) / "small.json")
        persisted = writes(args.state_tenants, Path(tmp) / "state.json")
    per_write = {n: 1000 * t / (2 * n) for n, t in ((args.state_tenants // 8, small), (args.state_tenants, persisted))}
    print(f"throughput:  {load['rps']:.0f} requests/s ({load['ok']} ok, {load['errors']} errors, "
          f"{args.concurrency} in flight; p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms) target >= 1000")
    print(f"memory:      {mem['heap_mib']:.1f} MiB heap for {mem['subaccounts']} subaccounts and "
          f"{mem['numbers']} numbers (peak {mem['peak_mib']:.1f} MiB)")
    small_ms, large_ms = per_write.values()
    added_ms = large_ms - 1000 * plain / (2 * args.state_tenants)
    print(f"persistence: {small_ms:.2f} ms per durable write with {args.state_tenants // 8} tenants, {large_ms:.2f} ms "
          f"with {args.state_tenants} (flat: the journal appends the touched accounts only); --state adds "
          f"{added_ms:.2f} ms per write, {100 * added_ms / 50:.1f} % of a 50 ms Twilio round trip")
    ok = load["rps"] >= 1000 and load["errors"] == 0
    if args.up_tenants:
        without = first_up(args.up_tenants, None, 50)
        with tempfile.TemporaryDirectory() as tmp:
            durable = first_up(args.up_tenants, Path(tmp) / "twilio-state.json", 50)
        print(f"first up:    {args.up_tenants} tenants at 50 ms: {without:.1f} s without --state, {durable:.1f} s with "
              f"it: {durable / without:.2f}x (target <= 1.2x)")
        ok = ok and durable / without <= 1.2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
