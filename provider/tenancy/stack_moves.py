"""The tenant files against what the *other* stacks of the same parent deploy: no stack takes over a live tenant.

Shards of one parent account see the same Twilio subaccounts. A stack that starts deploying a tenant another
stack still deploys would adopt its live subaccount by name, take its numbers and replace its keys under the CRM,
while the old stack still holds them. Every run that can do that (the program under the CLI, `tenantctl local`,
`tenantctl fleet`, `validate --against-stack`) compares the files with every other deployed stack of the parent
first and refuses before any write. A move is two reviewed steps: the old stack releases the tenant
(`shard_move: {release_to: NEW}`, deployed: it marks the tenant `released_to` in its outputs and keeps every
resource at Twilio), then the file names the new shard and the new stack adopts what Twilio holds.

Nothing here reads a stack: `DeployedStack` is a stack's `tenants` output as plain data.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .deployed import Notice
from .loader import LoadResult
from .model import Tenant
from .problems import Problem
from .shards import StackInfo, shard_name

MOVE_HOWTO = ("A tenant moves between stacks in two reviewed steps: (1) keep its `shard` and add `shard_move: "
              "{{release_to: {target}}}` (numbers pinned), deploy stack {old}: it keeps everything at Twilio; (2) set "
              "the new shard and remove `shard_move`: stack {old} forgets the tenant and the new stack adopts it. "
              "See docs/fleet.md")


@dataclass(frozen=True)
class DeployedStack:
    info: StackInfo
    tenants: Mapping[str, Any]  # the stack's `tenants` output: tenant id -> account_sid, status, phone_numbers, ...


def released_to(deployed: Mapping[str, Any]) -> str | None:
    value = deployed.get("released_to")
    return value if isinstance(value, str) else None


def _shard_path(tenant: Tenant, result: LoadResult) -> tuple[str, ...]:
    located = result.located.get(tenant.source.file)
    return ("shard",) if located is not None and tenant.shard is not None else ("id",)


def compare_with_other_stacks(result: LoadResult, this: StackInfo, others: Sequence[DeployedStack]
                              ) -> tuple[list[Problem], list[Notice]]:
    """Problems for the tenants `this` stack would deploy that another stack of the parent deploys (or whose
    numbers or subaccount it deploys), unless that stack released them to this one."""
    problems: list[Problem] = []
    notices: list[Notice] = []
    here = shard_name(this.shard)
    mine = [t for t in result.tenants if t.shard == this.shard]
    mine_ids = {t.id for t in mine}
    for other in others:
        if other.info.name == this.name:
            continue
        numbers: dict[str, tuple[str, str]] = {}
        accounts: dict[str, str] = {}
        for tid, d in other.tenants.items():
            if not isinstance(d, Mapping):
                continue
            if d.get("account_sid"):
                accounts[d["account_sid"]] = tid
            for entry, number in (d.get("phone_numbers") or {}).items():
                for value in ((number or {}).get("phone_number"), (number or {}).get("sid")):
                    if value:
                        numbers[value] = (tid, entry)
        # A tenant released to this stack, and now declared here, is this stack's: its numbers and subaccount too.
        adopted = {tid for tid, d in other.tenants.items()
                   if isinstance(d, Mapping) and tid in mine_ids and released_to(d) == here}
        for tenant in mine:
            file = tenant.source.file
            held = other.tenants.get(tenant.id)
            if isinstance(held, Mapping):
                if tenant.id in adopted:
                    notices.append(Notice(file, result.problem_at(file, _shard_path(tenant, result), "").line,
                                          f"{tenant.id}: stack {other.info.name} released this tenant to shard "
                                          f"{here}: this stack adopts subaccount {held.get('account_sid')} and its "
                                          "pinned numbers as Twilio holds them (step two of a shard move)"))
                else:
                    problems.append(result.problem_at(
                        file, _shard_path(tenant, result),
                        f"tenant {tenant.id} is deployed by stack {other.info.name} (shard "
                        f"{shard_name(other.info.shard)}, subaccount {held.get('account_sid')}, status "
                        f"{held.get('status')}); stack {this.name} (shard {here}) would take over its live "
                        "subaccount, numbers and keys. " +
                        MOVE_HOWTO.format(target=here, old=other.info.name)))
            for index, spec in enumerate(tenant.phone_numbers):
                for key, value in (("number", spec.number), ("sid", spec.sid)):
                    owner = numbers.get(value) if value else None
                    if owner is None or owner[0] == tenant.id or owner[0] in adopted:
                        continue
                    problems.append(result.problem_at(
                        file, ("phone_numbers", index, key),
                        f"{value} is tenant {owner[0]}'s entry `{owner[1]}`, deployed by stack {other.info.name}; "
                        f"stack {this.name} cannot take it. Numbers move between tenants of one stack: move the "
                        "tenant first, or leave the number where it is"))
            holder = accounts.get(tenant.subaccount_sid or "")
            if holder and holder != tenant.id and holder not in adopted:
                problems.append(result.problem_at(
                    file, ("subaccount_sid",),
                    f"{tenant.subaccount_sid} is tenant {holder}'s subaccount, deployed by stack {other.info.name}; "
                    f"tenant {tenant.id} cannot adopt it"))
    return problems, notices


def hold_until_adopted(result: LoadResult, this: StackInfo, own: Mapping[str, Any],
                       others: Sequence[DeployedStack]) -> LoadResult:
    """Step two of a move, when this (old) stack runs before the new one: a tenant it released keeps being
    deployed here, still released (retained, `released_to` in the outputs), until the new stack holds it. So the
    CRM always finds the tenant in some stack's outputs, whichever stack runs first."""
    held_elsewhere = {tid for other in others if other.info.name != this.name for tid in other.tenants}
    kept = {t.id: replace(t, shard=this.shard, release_to=shard_name(t.shard)) for t in result.tenants
            if t.shard != this.shard and isinstance(own.get(t.id), Mapping)
            and released_to(own[t.id]) == shard_name(t.shard) and t.id not in held_elsewhere}
    if not kept:
        return result
    return LoadResult(tuple(kept.get(t.id, t) for t in result.tenants), result.problems, result.files,
                      result.located)


__all__ = ["DeployedStack", "compare_with_other_stacks", "hold_until_adopted", "released_to"]
