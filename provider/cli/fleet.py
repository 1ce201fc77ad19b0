"""`tenantctl fleet`: every shard's stack at once — preview, up or refresh, K at a time, one summary for the fleet.

Each shard is an ordinary stack (`Pulumi.<stack>.yaml` with `twilio-tenants:shard`), run as its own process: with
the Pulumi CLI when it is installed (`pulumi preview|up|refresh --stack …`, so Pulumi Deployments or a CI matrix can
run the same stacks), engine-less otherwise (`tenantctl local …`). A failing shard does not stop the others; the
exit code says whether all succeeded. Shards of one parent account share its concurrency budget
(`twilio-tenants:parentInFlightBudget`, default 100, Twilio's limit): each running shard gets an equal share,
passed to its providers as TWILIO_MAX_IN_FLIGHT.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..tenancy.shards import StackInfo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "preview", "up", "refresh"))
    parser.add_argument("--parallel", type=int, default=4, metavar="K", help="shards run at once (default 4)")
    parser.add_argument("--engine", choices=("auto", "pulumi", "local"), default="auto",
                        help="pulumi: the CLI; local: engine-less; auto: pulumi if installed")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="with list: json for a CI matrix")
    parser.add_argument("--with-unsharded", action="store_true",
                        help="with list: also the stacks without a shard that talk to the real Twilio (prod), as "
                             "the deploy workflow's matrix needs")


@dataclass
class ShardRun:
    stack: str
    shard: str
    returncode: Optional[int] = None
    seconds: float = 0.0
    summary: str = ""
    log: str = ""


def command(action: str, stack: str, root: Path, engine: str) -> list[str]:
    if engine == "pulumi":
        extra = ["--yes", "--skip-preview"] if action == "up" else (["--yes"] if action == "refresh" else [])
        return ["pulumi", action, "--stack", stack, "--non-interactive", *extra]
    return [sys.executable, "-m", "provider.cli", "local", action, "--stack", stack, "--root", str(root)]


def budgets(stacks: list[StackInfo], parallel: int) -> dict[str, int]:
    """Each shard's share of its parent's in-flight budget while `parallel` shards run at once."""
    shares: dict[str, int] = {}
    by_parent: dict[Optional[str], list[StackInfo]] = {}
    for info in stacks:
        by_parent.setdefault(info.parent, []).append(info)
    for group in by_parent.values():
        budget = min(info.parent_in_flight_budget for info in group)
        running = max(1, min(parallel, len(group)))
        for info in group:
            shares[info.name] = max(1, budget // running)
    return shares


def deployed_problems(stacks: list[StackInfo], root: Path, engine: str) -> list[str]:
    """What `validate --against-stack` would refuse, for every shard (a tenant moved to another shard, a hijack,
    a removed open tenant). A moved tenant's new shard would find the subaccount by its name and adopt it while
    the old one still holds it: refused for the whole fleet, before any shard runs."""
    from ..crm import CredentialsError, StackNotDeployed, stack_outputs
    from ..tenancy import ValidationPolicy, load_tenants
    from ..tenancy.deployed import compare_with_deployed

    files = load_tenants([root / "tenants"], ValidationPolicy(allow_private_hosts=True))
    found = []
    for info in stacks:
        try:
            deployed = stack_outputs(info.name, source="pulumi" if engine == "pulumi" else "local",
                                     work_dir=root).get("tenants") or {}
        except StackNotDeployed:
            continue
        except CredentialsError as error:
            found.append(f"cannot read the deployed outputs of stack {info.name}: {error}")
            continue
        found += [f"stack {info.name}: {problem}" for problem in compare_with_deployed(files, deployed, info.shard)[0]]
    return found


def run_shard(run: ShardRun, action: str, root: Path, engine: str, budget: int) -> ShardRun:
    start = time.monotonic()
    env = {**os.environ, "TWILIO_MAX_IN_FLIGHT": str(budget)}
    result = subprocess.run(command(action, run.stack, root, engine), cwd=root, capture_output=True, text=True,
                            env=env)
    run.returncode, run.seconds = result.returncode, time.monotonic() - start
    run.log = result.stdout + result.stderr
    lines = [line.strip() for line in run.log.splitlines() if line.strip()]
    wanted = [line for line in lines if line.startswith(f"{action}:") or "Resources:" in line or "failed" in line]
    run.summary = (wanted[-1] if wanted else (lines[-1] if lines else ""))[:160]
    return run


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..tenancy.shards import shard_stacks
    from ..tenancy.shards import stacks as all_stacks

    root = args.root.resolve()
    stacks = shard_stacks(root)
    err = Console(stderr=True, soft_wrap=True)
    if args.action == "list":
        if args.with_unsharded:
            stacks = [s for s in all_stacks(root) if s.shard or not s.sandboxed]
        if args.format == "json":
            print(json.dumps([{"stack": s.name, "shard": s.shard} for s in stacks]))
        else:
            for info in stacks:
                print(f"{info.name}\tshard {info.shard}\tparent {info.parent or '?'}")
        return 0
    if not stacks:
        err.print("tenantctl fleet: no shard stacks: a shard is a Pulumi.<stack>.yaml with `twilio-tenants:shard: "
                  "NAME` (tenants say `shard: NAME`)", markup=False)
        return 2
    if args.parallel < 1:
        err.print("tenantctl fleet: --parallel must be at least 1", markup=False)
        return 2
    engine = args.engine if args.engine != "auto" else ("pulumi" if shutil.which("pulumi") else "local")
    refused = deployed_problems(stacks, root, engine)
    if refused:
        err.print("tenantctl fleet: refused, nothing was run:\n" + "\n".join(refused), markup=False,
                  highlight=False)
        return 1
    shares = budgets(stacks, args.parallel)
    runs = [ShardRun(s.name, s.shard or "") for s in stacks]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.parallel, thread_name_prefix="shard") as pool:
        futures = [pool.submit(run_shard, r, args.action, root, engine, shares[r.stack]) for r in runs]
        for future in futures:
            done = future.result()
            state = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
            err.print(f"{args.action} {done.stack}: {state} in {done.seconds:.1f} s", markup=False, highlight=False)
    table = Table(title=f"fleet {args.action}: {len(runs)} shard(s), {engine}, {args.parallel} at a time, "
                        f"{time.monotonic() - start:.1f} s")
    for column in ("stack", "shard", "result", "summary"):
        table.add_column(column, overflow="fold")
    for done in runs:
        table.add_row(done.stack, done.shard, "ok" if done.returncode == 0 else f"failed ({done.returncode})",
                      done.summary)
    Console().print(table)
    failed = [r for r in runs if r.returncode != 0]
    for done in failed:
        err.print(f"--- {done.stack} (shard {done.shard}) ---\n{done.log[-3000:]}", markup=False, highlight=False)
    return 1 if failed else 0
