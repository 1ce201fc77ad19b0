"""Read every other deployed stack of a stack's parent, and hold the tenant files against them.

Every run that can move a tenant between stacks calls `guard_against_other_stacks` before anything is
registered: the program under the Pulumi CLI, an engine-less `tenantctl local` run, `tenantctl fleet` for each
shard, and `validate --against-stack`. A stack of the parent that exists but cannot be read refuses the run: the
comparison is the promise, so it is never skipped silently.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..tenancy.deployed import Notice
from ..tenancy.loader import LoadResult
from ..tenancy.problems import Problem
from ..tenancy.shards import StackInfo, same_parent, stack_info, stacks
from ..tenancy.stack_moves import DeployedStack, compare_with_other_stacks, hold_until_adopted
from .credentials import CredentialsError, StackNotDeployed, stack_outputs

CLI_TIMEOUT_S = 120


def _cli_tenants(stack: str, work_dir: Path) -> dict[str, Any]:
    """`pulumi stack output tenants --json --stack X`: no `stack select` (a program run must not change the
    workspace's selected stack) and no `--show-secrets` (SIDs and numbers are not secret)."""
    try:
        done = subprocess.run(["pulumi", "stack", "output", "tenants", "--json", "--stack", stack,
                               "--non-interactive"], cwd=work_dir, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CredentialsError(f"pulumi could not read stack {stack!r}: {error}") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        if "no stack named" in said or "not found" in said:
            raise StackNotDeployed(f"stack {stack!r} does not exist") from None
        if "does not have output property" in said:
            return {}
        raise CredentialsError(f"pulumi could not read stack {stack!r}: {said}")
    try:
        value = json.loads(done.stdout or "{}")
    except ValueError:
        raise CredentialsError(f"pulumi printed no JSON for stack {stack!r}") from None
    return value if isinstance(value, dict) else {}


def other_stacks_of_parent(root: Path, stack: str) -> list[StackInfo]:
    this = stack_info(root, stack)
    return [s for s in stacks(root) if s.name != stack and same_parent(this, s)]


def read_deployed(root: Path, infos: list[StackInfo], source: str, org: str | None = None
                  ) -> tuple[list[DeployedStack], list[str]]:
    """Each stack's `tenants` output (a stack never deployed has none); errors say which could not be read."""
    if source == "auto":
        source = "pulumi" if shutil.which("pulumi") else "local"

    def read(info: StackInfo) -> tuple[DeployedStack | None, str | None]:
        name = f"{org}/{info.name}" if org and source == "pulumi" else info.name
        try:
            tenants = (_cli_tenants(name, root) if source == "pulumi" else
                       stack_outputs(name, source="local", work_dir=root).get("tenants") or {})
        except StackNotDeployed:
            return None, None
        except CredentialsError as error:
            return None, f"cannot read the deployed outputs of stack {info.name}: {error}"
        return DeployedStack(info, tenants if isinstance(tenants, dict) else {}), None

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="stack-outputs") as pool:
        found = list(pool.map(read, infos))
    return [d for d, _ in found if d is not None], [e for _, e in found if e]


def guard_against_other_stacks(result: LoadResult, root: Path, stack: str, source: str = "auto",
                               org: str | None = None, own: Mapping[str, Any] | None = None
                               ) -> tuple[LoadResult, list[Notice]]:
    """The files plus a located problem for every tenant, number or subaccount `stack` would take from another
    deployed stack of its parent; an unreadable stack of the parent is a problem too (nothing is applied).
    `own`: this stack's deployed `tenants` (a run, not a validation): a tenant it released stays deployed here
    until the new stack holds it."""
    others = other_stacks_of_parent(root, stack)
    if not others or not result.tenants:
        return result, []
    deployed, errors = read_deployed(root, others, source, org)
    this = stack_info(root, stack)
    problems, notices = compare_with_other_stacks(result, this, deployed)
    unreadable = [Problem(f"Pulumi.{stack}.yaml", 1, 1, "",
                          f"{error}; stack {stack} compares its tenants with every deployed stack of its parent "
                          "before any write (set that stack's passphrase, or log in to its backend)")
                  for error in errors]
    guarded = result.with_problems([*problems, *unreadable])
    if own is not None and guarded.ok:
        guarded = hold_until_adopted(guarded, this, own, deployed)
    return guarded, notices


def own_tenants(root: Path, stack: str, source: str = "auto", org: str | None = None) -> dict[str, Any]:
    """This stack's last deployed `tenants` (empty when never deployed or unreadable: nothing is held back)."""
    found, _ = read_deployed(root, [stack_info(root, stack)], source, org)
    return dict(found[0].tenants) if found else {}


__all__ = ["guard_against_other_stacks", "other_stacks_of_parent", "own_tenants", "read_deployed"]
