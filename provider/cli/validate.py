"""`tenantctl validate`: every problem in every tenant file, as text, JSON or GitHub annotations."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..tenancy import Problem, ValidationPolicy, load_tenants
from ..tenancy.loader import LoadResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["tenants"], metavar="PATH",
                        help="tenant files or directories (default: tenants)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="text for people, json for scripts, github for pull-request annotations")
    parser.add_argument("--stack", default="prod",
                        help="target stack; only a stack on a stand-in (twilio:apiBaseUrl in its file) accepts webhooks on "
                             "private or local hosts")
    parser.add_argument("--against-stack", metavar="STACK",
                        help="also compare with the stack's last deployed outputs: refuse files that take another "
                             "tenant's subaccount or number, or that remove or rename an open tenant; list moves")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(problem: Problem) -> str:
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return (f"::error file={_github_escape(problem.file, True)},line={problem.line},col={problem.column},"
            f"title={_github_escape('tenant file invalid', True)}::{_github_escape(message)}")


def report(result: LoadResult, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump({
            "valid": result.ok,
            "files": len(result.files),
            "tenants": [t.id for t in result.tenants],
            "problems": [p.as_dict() for p in result.problems],
        }, out, indent=2)
        out.write("\n")
        return
    if fmt == "github":
        for problem in result.problems:
            out.write(github_annotation(problem) + "\n")
    else:
        for problem in result.problems:
            out.write(f"{problem}\n")
    if result.ok:
        out.write(f"{len(result.tenants)} tenant file(s) valid\n")
    else:
        files = len({p.file for p in result.problems})
        out.write(f"{len(result.problems)} problem(s) in {files} file(s); fix each at its line, then validate "
                  "again (validate never sends anything to Twilio)\n")


def run(args: argparse.Namespace) -> int:
    try:
        policy = _policy(args.stack, args.root.resolve())
    except ValueError as error:  # a stack default that no tenant could satisfy
        print(f"tenantctl validate: Pulumi.{args.stack}.yaml: {error}; fix the stack default, then validate again",
              file=sys.stderr)
        return 2
    result = load_tenants(args.paths, policy)
    if not result.files and not result.problems:
        message = f"no tenant files (*.yaml) found in: {' '.join(args.paths)}"
        if args.format == "json":
            json.dump({"valid": False, "files": 0, "tenants": [], "problems": [], "error": message}, sys.stdout,
                      indent=2)
            sys.stdout.write("\n")
        print(message, file=sys.stderr)
        return 1
    result = _fleet_rules(result, args.stack, args.root.resolve())
    if args.against_stack:
        compared = _against_stack(result, args.against_stack, args.root.resolve())
        if compared is None:
            return 1
        result = compared
    report(result, args.format, sys.stdout)
    return 0 if result.ok else 1


CAP_WARNING_SHARE = 0.9


def _policy(stack: str, root: Path) -> ValidationPolicy:
    """The stack's file says whether it talks to a stand-in (`twilio:apiBaseUrl`): only then are private webhook
    hosts accepted. A shard on real Twilio is as strict as prod."""
    from ..tenancy.shards import stack_info

    path = root / f"Pulumi.{stack}.yaml"
    known = path.exists()
    policy = ValidationPolicy.for_stack(stack, stack_info(root, stack).sandboxed if known else None)
    return policy.with_stack_defaults(_raw_config(path)) if known else policy


def _raw_config(path: Path) -> dict[str, Any]:
    """The stack file's config as written (no secret is needed for the stack defaults)."""
    import yaml

    try:
        return dict((yaml.safe_load(path.read_text()) or {}).get("config") or {})
    except (OSError, yaml.YAMLError, AttributeError, TypeError, ValueError):
        return {}


def _fleet_rules(result: LoadResult, stack: str, root: Path) -> LoadResult:
    """What only the stack files can tell: a shard no stack serves, and the subaccount cap of the stack's parent
    (every stack on that parent counts): a warning near it, an error beyond it."""
    from ..tenancy.shards import same_parent, shard_name, stack_info, stacks

    known = stacks(root)
    problems = []
    if known:
        served = {s.shard for s in known}
        for tenant in result.tenants:
            if tenant.shard is not None and tenant.shard not in served:
                problems.append(result.problem_at(
                    tenant.source.file, ("shard",),
                    f"no stack serves shard {tenant.shard!r}: add a Pulumi.<stack>.yaml with `twilio-tenants:shard: "
                    f"{tenant.shard}`, or fix the name (served: {', '.join(sorted(s or '(no shard)' for s in served))})"))
        by_shard = {shard_name(s.shard): s for s in known}
        for tenant in result.tenants:
            if tenant.release_to is None:
                continue
            target, current = by_shard.get(tenant.release_to), by_shard.get(shard_name(tenant.shard))
            if target is None:
                problems.append(result.problem_at(tenant.source.file, ("shard_move", "release_to"),
                                                  f"no stack serves shard {tenant.release_to!r} (served: "
                                                  f"{', '.join(sorted(by_shard))})"))
            elif current is not None and not same_parent(current, target):
                problems.append(result.problem_at(
                    tenant.source.file, ("shard_move", "release_to"),
                    f"stack {target.name} (shard {tenant.release_to}) has another parent account than stack "
                    f"{current.name}: a subaccount never changes parent. Close the tenant and create a new one "
                    "there instead"))
    info = stack_info(root, stack)
    of_parent = [s for s in known if info.parent and s.parent == info.parent] or [info]
    shards = {s.shard for s in of_parent}
    open_tenants = sorted((t for t in result.tenants if t.status != "closed" and t.shard in shards),
                          key=lambda t: t.id)
    cap = info.cap
    if len(open_tenants) > cap:
        first_over = open_tenants[cap]
        problems.append(Problem(first_over.source.file, first_over.source.line, 1, "id",
                             f"more open tenants ({len(open_tenants)}) than the parent may have subaccounts ({cap}, "
                             f"stack {stack}); Twilio refuses the rest with error 21480. Ask Twilio to raise the cap "
                             "and set twilio-tenants:subaccountCap, or move tenants to a shard with another parent"))
    elif len(open_tenants) >= CAP_WARNING_SHARE * cap:
        print(f"warning: {len(open_tenants)} of the parent's {cap} subaccounts would be used by open tenants "
              f"(stack {stack}; closed ones also count until Twilio deletes them, 30 days after closing). Plan "
              "for more: ask Twilio to raise the cap (then set twilio-tenants:subaccountCap), or add a shard with "
              "another parent", file=sys.stderr)
    return result.with_problems(problems)


def _against_stack(result: LoadResult, stack: str, root: Path) -> LoadResult | None:
    """The files plus what only the deployed stack can tell; notices (moves, adoptions) go to stderr."""
    from ..crm import CredentialsError, StackNotDeployed, stack_outputs
    from ..crm.other_stacks import guard_against_other_stacks
    from ..tenancy.deployed import compare_with_deployed
    from ..tenancy.shards import stack_info

    try:
        deployed = stack_outputs(stack, work_dir=root).get("tenants") or {}
    except StackNotDeployed as error:
        print(f"note: nothing deployed to compare with ({error})", file=sys.stderr)
        deployed = {}
    except CredentialsError as error:
        print(f"cannot read the deployed outputs of stack {stack}: {error}", file=sys.stderr)
        return None
    org, _, bare = stack.rpartition("/")
    problems, notices = compare_with_deployed(result, deployed, stack_info(root, bare).shard)
    # ...and with every other deployed stack of the parent: a tenant, number or subaccount one of them deploys.
    guarded, more = guard_against_other_stacks(result.with_problems(problems), root, bare,
                                               org=org.split("/")[0] or None)
    for notice in [*notices, *more]:
        print(f"note: {notice}", file=sys.stderr)
    return guarded
