"""Benchmark: Twilio API calls per operation, next to the minimum the API allows; wall time for 100 tenants.

Every operation runs the real program and providers (engine-less deploy: the real provider server over gRPC)
against `tenantctl sandbox` in its own process; calls are counted from the stand-in's request log.
Targets: actual/minimum <= 1.25 on creates, exactly 0 writes on a no-op apply.
Run: python bench/bench_providers.py [--tenants 100] [--latency-ms 50]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import project_env  # noqa: E402  (beside this script: puts the repository on sys.path)

project_env.require()

from provider.localengine.deploy import deploy  # noqa: E402
from provider.stackfiles import write_stack_file  # noqa: E402

from standin import Sandbox  # noqa: E402 - bench/standin.py, beside this script
from tenant_template import tenant_yaml  # noqa: E402 - the tests' tenant too

PASSPHRASE = "bench"
AREAS = ["206", "212", "305", "312", "404", "415", "503", "510", "512", "612", "617", "619"]


def project(root: Path, sandbox: Sandbox) -> None:
    (root / "tenants").mkdir()
    write_stack_file(root / "Pulumi.bench.yaml", {"twilio:accountSid": sandbox.auth[0], "twilio:authToken": sandbox.auth[1],
                     "twilio:apiBaseUrl": sandbox.info["base_url"]}, {"twilio:authToken"}, PASSPHRASE)


def write_tenant(root: Path, index: int, full: bool = False) -> str:
    tenant_id = f"bench-{index:04d}"
    (root / "tenants" / f"{tenant_id}.yaml").write_text(
        tenant_yaml(tenant_id, area_code=AREAS[index % len(AREAS)], sms_url=True, api_key=full, budget=full))
    return tenant_id


def measure(sandbox: Sandbox, root: Path, action: str = "up") -> tuple[int, int, float]:
    before = sandbox.seq()
    start = time.perf_counter()
    deploy(action, root=root, stack="bench", passphrase=PASSPHRASE)
    elapsed = time.perf_counter() - start
    calls = sandbox.calls(before)
    return len(calls), sum(1 for c in calls if c["method"] in ("POST", "DELETE")), elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--max-in-flight", type=int, default=2,
                        help="Twilio's per-account concurrency limit for the last phase (429 / 20429 beyond it)")
    parser.add_argument("--limited-tenants", type=int, default=20)
    args = parser.parse_args()
    rows = []
    sandbox = Sandbox("--seed", "3")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            project(root, sandbox)
            write_tenant(root, 0)
            calls, writes, _ = measure(sandbox, root)
            rows.append(("create tenant + 1 bought number with webhooks", calls, 3, writes))
            write_tenant(root, 1, full=True)
            calls, writes, _ = measure(sandbox, root)
            rows.append(("create tenant + number + API key + budget trigger", calls, 5, writes))
            calls, writes, _ = measure(sandbox, root)
            rows.append(("no-op apply (2 tenants)", calls, 0, writes))
            path = root / "tenants" / "bench-0000.yaml"
            path.write_text(path.read_text().replace("/voice", "/voice2"))
            calls, writes, _ = measure(sandbox, root)
            rows.append(("webhook change", calls, 1, writes))
            resources = len(json.loads((root / ".pulumi-local" / "bench.json").read_text())["resources"])
            calls, writes, _ = measure(sandbox, root, "refresh")
            rows.append((f"refresh (1 GET per resource: {resources} resources)", calls, resources, writes))

            sandbox.admin("POST", "faults", json={"latency_ms": args.latency_ms})
            for index in range(2, args.tenants + 2):
                write_tenant(root, index)
            calls, writes, elapsed = measure(sandbox, root)
            rows.append((f"create {args.tenants} tenants (+1 number each) at {args.latency_ms:.0f} ms latency",
                         calls, 3 * args.tenants, writes))
            _, noop_writes, noop_elapsed = measure(sandbox, root)

            # Under a low concurrency limit: the provider server runs 4 calls at once, so some are refused.
            sandbox.admin("POST", "limits", json={"max_in_flight": args.max_in_flight})
            first = args.tenants + 2
            for index in range(first, first + args.limited_tenants):
                write_tenant(root, index)
            throttled_before = sandbox.admin("GET", "counters")["counters"].get("throttled 20429", 0)
            _, limited_writes, limited_elapsed = measure(sandbox, root)
            throttled = sandbox.admin("GET", "counters")["counters"].get("throttled 20429", 0) - throttled_before
            state = sandbox.admin("GET", "state")
            names = [a["friendly_name"] for a in state["accounts"] if a["friendly_name"].startswith("tenant:")]
            bought = [n["friendly_name"] for n in state["numbers"] if n["friendly_name"].startswith("tenant:")]
            expected = first + args.limited_tenants
            limited_ok = (len(names) == len(set(names)) == expected and len(bought) == len(set(bought)) == expected)
    finally:
        sandbox.stop()
    print(f"{'operation':<64} {'calls':>6} {'minimum':>8} {'ratio':>6} {'writes':>7}")
    for name, calls, minimum, writes in rows:
        ratio = f"{calls / minimum:.2f}" if minimum else ("0 ok" if calls == 0 else "-")
        print(f"{name:<64} {calls:>6} {minimum:>8} {ratio:>6} {writes:>7}")
    print(f"wall time: {args.tenants} tenants created in {elapsed:.1f} s; no-op apply over them "
          f"{noop_elapsed:.1f} s with {noop_writes} writes")
    print(f"concurrency limit {args.max_in_flight} in flight: {args.limited_tenants} more tenants created in "
          f"{limited_elapsed:.1f} s, {throttled} requests refused with 429/20429 and retried, {limited_writes} "
          f"writes; {expected} subaccounts and {len(bought)} numbers, no duplicate: {limited_ok}")
    return 0 if limited_ok else 1


if __name__ == "__main__":
    sys.exit(main())
