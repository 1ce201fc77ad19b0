"""The tenant files against what was last deployed: the checks only the stack's state can answer.

A reviewer must see, before any preview runs, a file that takes another tenant's subaccount or number, a tenant
whose file was removed or renamed while it is still open, and every number that changes hands. `deployed` is
the stack's `tenants` output as plain data (tenant id -> account_sid, status, phone_numbers by entry name);
nothing here talks to Pulumi or Twilio.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .credential_plan import credential_changes
from .loader import LoadResult
from .problems import Problem
from .shards import shard_name


@dataclass(frozen=True)
class Notice:
    """A change a reviewer should see spelled out (a move, an adoption), not a problem."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.message}"


def compare_with_deployed(result: LoadResult, deployed: Mapping[str, Any], shard: str | None = None
                          ) -> tuple[list[Problem], list[Notice]]:
    """`shard`: the shard the compared stack serves (None: the unsharded stack)."""
    problems: list[Problem] = []
    notices: list[Notice] = []
    everywhere = {t.id: t for t in result.tenants}
    declared = {t.id: t for t in result.tenants if t.shard == shard}
    account_owner = {d.get("account_sid"): tid for tid, d in deployed.items() if d.get("account_sid")}
    number_owner: dict[str, tuple[str, str]] = {}
    for tid, d in deployed.items():
        for entry, number in (d.get("phone_numbers") or {}).items():
            for value in (number or {}).get("phone_number"), (number or {}).get("sid"):
                if value:
                    number_owner[value] = (tid, entry)

    at = result.problem_at

    def line_of(file: str, path: tuple[Any, ...]) -> int:
        return at(file, path, "").line

    for tenant in result.tenants:
        file = tenant.source.file
        holder = account_owner.get(tenant.subaccount_sid) if tenant.subaccount_sid else None
        if holder and holder != tenant.id:
            where = (f" ({everywhere[holder].source.file}:{everywhere[holder].source.line})"
                     if holder in everywhere else "")
            problems.append(at(file, ("subaccount_sid",),
                               f"{tenant.subaccount_sid} is tenant {holder}'s subaccount (deployed){where}; tenant "
                               f"{tenant.id} cannot adopt it" + ("" if holder in declared else
                                                                 f". If {holder} was renamed to {tenant.id}: tenant "
                                                                 "ids cannot change, restore its file")))
        elif tenant.subaccount_sid and tenant.id not in deployed:
            notices.append(Notice(file, line_of(file, ("subaccount_sid",)),
                                  f"adopts existing subaccount {tenant.subaccount_sid} as tenant {tenant.id}"))
        for index, spec in enumerate(tenant.phone_numbers):
            for key, value in (("number", spec.number), ("sid", spec.sid)):
                if not value or value not in number_owner:
                    continue
                owner, entry = number_owner[value]
                if owner == tenant.id:
                    continue
                source = declared.get(owner)
                still = source is not None and source.status != "closed" and any(
                    e.name == entry for e in source.phone_numbers)
                if still:
                    assert source is not None
                    line = line_of(source.source.file, ("id",))
                    problems.append(at(file, ("phone_numbers", index, key),
                                       f"{value} is tenant {owner}'s entry `{entry}` ({source.source.file}:{line}), "
                                       f"whose file still declares it; to move it to {tenant.id}, remove that "
                                       "entry in the same change"))
                elif key == "number":
                    notices.append(Notice(file, line_of(file, ("phone_numbers", index, "number")),
                                          f"moves {value} from tenant {owner} (entry `{entry}`) to tenant "
                                          f"{tenant.id} (entry `{spec.name}`): a transfer in place, same SID"))
        if tenant.id in deployed and tenant.id in declared:
            for is_problem, path, message in credential_changes(tenant, deployed[tenant.id]):
                if is_problem:
                    problems.append(at(file, path, message))
                else:
                    notices.append(Notice(file, line_of(file, path), f"{tenant.id}: {message}"))
    for tid, d in sorted(deployed.items()):
        if tid in declared or d.get("status") == "closed":
            continue
        if tid in everywhere:
            moved = everywhere[tid]
            if d.get("released_to") == shard_name(moved.shard):
                notices.append(Notice(moved.source.file, line_of(moved.source.file, ("id",)),
                                      f"{tid}: released to shard {shard_name(moved.shard)}; this stack forgets its "
                                      "resources and keeps them at Twilio (step two of a shard move)"))
                continue
            problems.append(at(moved.source.file, ("shard",),
                               f"tenant {tid} is deployed by shard {shard or '(none)'}; moving it to "
                               f"shard {moved.shard or '(none)'} is refused: its subaccount cannot change parent "
                               "account, and the old stack would delete its numbers and key. Put the shard back; "
                               "a move is two reviewed steps: first `shard_move: {release_to: "
                               f"{shard_name(moved.shard)}}}` with the old shard, deployed; then the new shard "
                               "(see docs/fleet.md)"))
            continue
        problems.append(Problem(
            f"tenants/{tid}.yaml", 1, 1, "",
            f"tenant {tid} is deployed (subaccount {d.get('account_sid')}, status {d.get('status')}) but has no "
            "file any more. A tenant cannot be removed or renamed while open: restore its file (ids never "
            "change; a new id is a new tenant). To offboard it, set `status: closed` and deploy, then remove "
            "the file"))
    return problems, notices


__all__ = ["Notice", "compare_with_deployed"]
