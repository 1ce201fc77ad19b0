"""`tenantctl fleet`: every shard's stack at once — preview, up or refresh, K at a time, one summary for the fleet.

Each shard is an ordinary stack (`Pulumi.<stack>.yaml` with `twilio-tenants:shard`), run as its own process: the
Pulumi CLI through the Automation API when it is installed (so Pulumi Deployments or a CI matrix can run the same
stacks), engine-less otherwise (`tenantctl local …`). Progress per shard while they run, a line as each ends, one
summary. A failing shard does not stop the others; the exit code says whether all succeeded. Shards of one parent
account share its concurrency budget (`twilio-tenants:parentInFlightBudget`, default 100, Twilio's limit): each
running shard gets an equal share, passed to its providers as TWILIO_MAX_IN_FLIGHT.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..fleet import ShardRun, budget_shares
from ..fleet.scratch import scratch_dir
from ..tenancy.shards import StackInfo, shard_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "preview", "up", "refresh"))
    parser.add_argument("--parallel", type=int, default=4, metavar="K", help="shards run at once (default 4)")
    parser.add_argument("--engine", choices=("auto", "pulumi", "local"), default="auto",
                        help="pulumi: the CLI; local: engine-less; auto: pulumi if installed")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")
    parser.add_argument("--org", default=os.environ.get("PULUMI_ORG") or None,
                        help="with the CLI: the Pulumi organization of the shards' stacks, as the workflows name "
                             "them (ORG/<stack>; default: $PULUMI_ORG, else the CLI's default organization)")
    parser.add_argument("--refresh", action="store_true",
                        help="with preview or up: each shard reads its live state first (like pulumi up --refresh)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="json: with list, the stacks for a CI matrix; otherwise each shard's outcome "
                             "(stack, shard, ok, exit code, seconds, step counts, summary)")
    parser.add_argument("--with-unsharded", action="store_true",
                        help="with list: the stacks a CI matrix deploys: every stack that talks to the real "
                             "Twilio, unsharded (prod) and shards, none on a stand-in (the sandbox and its shards)")


def qualified(stack: str, org: str | None) -> str:
    """The stack's name in the Pulumi backend: ORG/<stack> when an organization is given."""
    return f"{org}/{stack}" if org else stack


def deployed_problems(stacks: list[StackInfo], root: Path, engine: str, org: str | None = None) -> list[str]:
    """What `validate --against-stack` would refuse, for every shard: a tenant, number or subaccount another
    deployed stack of the parent holds (the unsharded stack included), a removed open tenant, a move without its
    two reviewed steps. Refused for the whole fleet, before any shard runs."""
    from ..crm.other_stacks import read_deployed
    from ..tenancy import ValidationPolicy, load_tenants
    from ..tenancy.deployed import compare_with_deployed
    from ..tenancy.shards import same_parent
    from ..tenancy.shards import stacks as all_stacks
    from ..tenancy.stack_moves import compare_with_other_stacks

    files = load_tenants([root / "tenants"], ValidationPolicy(allow_private_hosts=True))
    relevant = [s for s in all_stacks(root) if any(same_parent(s, shard) for shard in stacks)]
    # Each stack's outputs cost a key derivation (or a CLI call): each read once, side by side.
    deployed, errors = read_deployed(root, relevant, "pulumi" if engine == "pulumi" else "local", org)
    by_name = {d.info.name: d for d in deployed}
    problems = list(errors)
    for info in stacks:
        own = by_name[info.name].tenants if info.name in by_name else {}
        found = compare_with_deployed(files, own, info.shard)[0]
        found += compare_with_other_stacks(files, info, [d for d in deployed if same_parent(d.info, info)])[0]
        problems += [f"stack {info.name}: {problem}" for problem in found]
    return problems


def run_one(run: ShardRun, action: str, root: Path, engine: str, refresh: bool, preview_slots: Path,
            org: str | None = None) -> ShardRun:
    """One shard, whatever happens to it: a runner's unexpected failure fails that shard, never the fleet."""
    from ..fleet.automation_runner import run_automation
    from ..fleet.local_runner import run_local

    try:
        if engine == "pulumi":
            return run_automation(run, action, root, refresh, preview_slots, qualified(run.stack, org))
        return run_local(run, action, root, refresh, preview_slots)
    except Exception as error:  # noqa: BLE001 - isolate the shard; its error is reported with it
        run.fail(1, traceback.format_exc(), f"{type(error).__name__}: {error}")
        return run


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..fleet.view import FleetProgress, shard_table
    from ..localengine.cpu_gate import default_slots, make_slots
    from ..tenancy.shards import shard_stacks
    from ..tenancy.shards import stacks as all_stacks

    root = args.root.resolve()
    stacks = shard_stacks(root)
    err = Console(stderr=True, soft_wrap=True)
    if args.action == "list":
        if args.with_unsharded:  # what a CI matrix deploys: every stack on the real Twilio, none on a stand-in
            stacks = [s for s in all_stacks(root) if not s.sandboxed]
        if args.format == "json":
            print(json.dumps([{"stack": s.name, "shard": s.shard} for s in stacks]))
        else:
            for info in stacks:
                print(f"{info.name}\tshard {shard_name(info.shard)}\tparent {info.parent or '?'}")
        return 0
    if not stacks:
        err.print("tenantctl fleet: no shard stacks: a shard is a Pulumi.<stack>.yaml with `twilio-tenants:shard: "
                  "NAME` (tenants say `shard: NAME`)", markup=False)
        return 2
    if args.parallel < 1:
        err.print("tenantctl fleet: --parallel must be at least 1", markup=False)
        return 2
    engine = args.engine if args.engine != "auto" else ("pulumi" if shutil.which("pulumi") else "local")
    refused = deployed_problems(stacks, root, engine, args.org)
    if refused:
        err.print("tenantctl fleet: refused, nothing was run:\n" + "\n".join(refused), markup=False,
                  highlight=False)
        return 1
    shares = budget_shares(stacks, args.parallel)
    runs = [ShardRun(s.name, s.shard or "", shares[s.name]) for s in stacks]
    start = time.monotonic()
    # Previews are CPU-bound, applies mostly wait on Twilio: no more previews at once than cores, so that shards
    # waiting on Twilio overlap with shards computing (see localengine/cpu_gate.py).
    with scratch_dir("slots") as slots, \
            FleetProgress(runs, args.action, err) as progress, \
            ThreadPoolExecutor(max_workers=args.parallel, thread_name_prefix="shard") as pool:
        preview_slots = make_slots(Path(slots), default_slots())
        for future in as_completed([pool.submit(run_one, r, args.action, root, engine, args.refresh, preview_slots, args.org)
                                    for r in runs]):
            progress.ended(future.result())
    if args.format == "json":
        print(json.dumps([{"stack": r.stack, "shard": r.shard, "ok": r.ok, "returncode": r.returncode,
                           "seconds": round(r.seconds, 1), "counts": r.counts, "summary": r.summary} for r in runs]))
    else:
        Console().print(shard_table(runs, f"fleet {args.action}: {len(runs)} shard(s), {engine}, {args.parallel} at "
                                          f"a time, {time.monotonic() - start:.1f} s"))
    failed = [r for r in runs if not r.ok]
    for done in failed:
        err.print(f"--- {done.stack} (shard {done.shard}) ---\n{done.log[-3000:]}", markup=False, highlight=False)
    return 1 if failed else 0
