"""Which stack deploys which tenant: a fleet of stacks (shards), each with its own state and possibly its own
parent account (Twilio caps a parent at 1,000 subaccounts, and subaccounts never move between parents).

A tenant names its shard in its own file (`shard: eu-1`, reviewed like everything else); a stack serves the shard
its `Pulumi.<stack>.yaml` names in `twilio-tenants:shard`. A stack without that setting serves the tenants
without a `shard` field, so a single-stack setup needs nothing. Reading stack files here needs no passphrase:
only plain settings are read.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import Tenant

SHARD_KEY = "twilio-tenants:shard"
UNSHARDED = "unsharded"  # shard_move.release_to for the stack without a shard; no shard may be named so
CAP_KEY = "twilio-tenants:subaccountCap"
DEFAULT_CAP = 1000
BUDGET_KEY = "twilio-tenants:parentInFlightBudget"
DEFAULT_PARENT_BUDGET = 100  # Twilio's concurrency limit per account


@dataclass(frozen=True)
class StackInfo:
    name: str
    shard: str | None  # None: serves the tenants without a shard field
    parent: str | None  # twilio:accountSid
    cap: int
    sandboxed: bool = False  # talks to a stand-in (twilio:apiBaseUrl), not to the real Twilio
    parent_in_flight_budget: int = DEFAULT_PARENT_BUDGET  # requests in flight all stacks of the parent may share


def stack_info(root: Path, stack: str) -> StackInfo:
    path = root / f"Pulumi.{stack}.yaml"
    try:
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    except (OSError, yaml.YAMLError, AttributeError):
        config = {}
    shard = config.get(SHARD_KEY)
    def number(key: str, default: int) -> int:
        try:
            return int(config.get(key, default))
        except (TypeError, ValueError):
            return default
    cap, budget = number(CAP_KEY, DEFAULT_CAP), number(BUDGET_KEY, DEFAULT_PARENT_BUDGET)
    parent = config.get("twilio:accountSid")
    return StackInfo(stack, str(shard) if shard else None, str(parent) if parent else None, cap,
                     bool(config.get("twilio:apiBaseUrl")), budget)


def stacks(root: Path) -> list[StackInfo]:
    """Every stack file beside Pulumi.yaml, sorted by name."""
    return [stack_info(root, p.name[len("Pulumi."):-len(".yaml")])
            for p in sorted(root.glob("Pulumi.*.yaml"))]


def shard_stacks(root: Path) -> list[StackInfo]:
    """The stacks of the fleet: those that declare a shard."""
    return [s for s in stacks(root) if s.shard]


def served_by(tenants: Iterable[Tenant], shard: str | None) -> list[Tenant]:
    return [t for t in tenants if t.shard == shard]


def shard_name(shard: str | None) -> str:
    """How a shard is written in messages, outputs and `shard_move.release_to`."""
    return shard or UNSHARDED


def same_parent(a: StackInfo, b: StackInfo) -> bool:
    """Stacks whose tenants may be the same Twilio subaccounts. A stack file without `twilio:accountSid` (the
    parent comes from the environment) may be any parent: it counts as the same."""
    return not a.parent or not b.parent or a.parent == b.parent
