"""Benchmark: N tenants in one stack vs split into S shards run by `tenantctl fleet --parallel S` (first up, no-op
up, refresh), and the engine-less refresh one read at a time vs four at a time, all at a realistic stand-in latency,
in one run. Same end state, no duplicates. Targets (issue: fleet scale): shards >= 3x faster, refresh >= 3.5x.

The stand-in runs in its own process, a fresh one per setup; every deploy is engine-less (the CLI cannot be
installed here).
Run: python bench/bench_fleet.py [--tenants 800] [--shards 4] [--latency-ms 50]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import project_env  # noqa: E402  (beside this script: puts the repository on sys.path)

project_env.require()

from provider.localengine.deploy import deploy  # noqa: E402
from provider.stackfiles import write_stack_file  # noqa: E402

from standin import Sandbox  # noqa: E402 - bench/standin.py, beside this script
from tenant_template import tenant_yaml  # noqa: E402 - the tests' tenant too

PASSPHRASE = "bench"



def project(root: Path, sandbox: Sandbox, tenants: int, shards: int, prefix: str) -> list[str]:
    (root / "tenants").mkdir(parents=True)
    stacks = []
    for s in range(shards):
        stack = f"shard-{s}" if shards > 1 else "single"
        extra = {"twilio-tenants:shard": f"s{s}"} if shards > 1 else {}
        write_stack_file(root / f"Pulumi.{stack}.yaml", {"twilio:accountSid": sandbox.auth[0],
                         "twilio:authToken": sandbox.auth[1], "twilio:apiBaseUrl": sandbox.info["base_url"], **extra},
                         {"twilio:authToken"}, PASSPHRASE)
        stacks.append(stack)
    for i in range(tenants):
        tenant_id = f"{prefix}-{i:05d}"
        (root / "tenants" / f"{tenant_id}.yaml").write_text(
            tenant_yaml(tenant_id, shard=f"s{i % shards}" if shards > 1 else None))
    return stacks


def fleet(root: Path, action: str, shards: int) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "provider.cli", "fleet", action, "--parallel", str(shards),
                             "--engine", "local", "--root", str(root)], capture_output=True, text=True, cwd=project_env.REPO,
                            env={**os.environ, "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    if result.returncode != 0:
        raise SystemExit(f"fleet {action} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def single(root: Path, action: str, refresh_parallel: int = 4) -> float:
    start = time.perf_counter()
    deploy(action, root=root, stack="single", passphrase=PASSPHRASE, refresh_parallel=refresh_parallel)
    return time.perf_counter() - start


def exactly_once(state: dict, tenants: int) -> bool:
    """Every tenant has exactly one subaccount and one number: nothing bought twice, nothing missing."""
    names = Counter(a["friendly_name"] for a in state["accounts"] if a["friendly_name"].startswith("tenant:"))
    numbers = Counter(n["friendly_name"] for n in state["numbers"] if n["friendly_name"].startswith("tenant:"))
    return (len(names) == tenants and set(names.values()) == {1}
            and len(numbers) == tenants and set(numbers.values()) == {1})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=800)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--no-sequential-refresh", action="store_true",
                        help="skip the one-read-at-a-time refresh (the longest part: N x 3 x latency)")
    args = parser.parse_args()
    times: dict[str, dict[str, float]] = {"single": {}, "fleet": {}}
    complete = True
    # Each setup gets a stand-in of its own (one parent, fresh): neither pays for the other's accounts and numbers.
    for setup in ("single", "fleet"):
        sandbox = Sandbox("--seed", "8", "--max-subaccounts", str(args.tenants + 10), "--max-in-flight", "100")
        try:
            sandbox.admin("POST", "faults", json={"latency_ms": args.latency_ms})
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp)
                if setup == "single":
                    project(root, sandbox, args.tenants, 1, "one")
                    times[setup]["up"] = single(root, "up")
                    times[setup]["no-op up"] = single(root, "up")
                    if not args.no_sequential_refresh:
                        times[setup]["refresh (1 at a time)"] = single(root, "refresh", refresh_parallel=1)
                    times[setup]["refresh"] = single(root, "refresh")
                else:
                    project(root, sandbox, args.tenants, args.shards, "many")
                    for op, action in (("up", "up"), ("no-op up", "up"), ("refresh", "refresh")):
                        times[setup][op] = fleet(root, action, args.shards)
            complete = complete and exactly_once(sandbox.admin("GET", "state"), args.tenants)
        finally:
            sandbox.stop()
    print(f"{args.tenants} tenants (subaccount, bought number, status each) at {args.latency_ms:.0f} ms; "
          f"{args.shards} shards run {args.shards} at a time; {os.cpu_count()} cores")
    print(f"{'operation':<28} {'one stack':>10} {'fleet':>10} {'speed-up':>9}")
    for op in ("up", "no-op up", "refresh"):
        a, b = times["single"][op], times["fleet"][op]
        print(f"{op:<28} {a:>9.1f}s {b:>9.1f}s {a / b:>8.1f}x")
    if not args.no_sequential_refresh:
        seq, par = times["single"]["refresh (1 at a time)"], times["single"]["refresh"]
        print(f"{'refresh, one stack':<28} {seq:>9.1f}s one read at a time vs {par:.1f}s four at a time: "
              f"{seq / par:.1f}x")
    print(f"end state: every tenant exactly one subaccount and one number in both setups: {complete}")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
