"""Twilio limits requests in flight per account (20429 past it), whichever stack sends them: all shards of one
parent share that parent's budget, and each shard running at once gets an equal share of it."""
from __future__ import annotations

from ..tenancy.shards import StackInfo

BUDGET_ENV = "TWILIO_MAX_IN_FLIGHT"  # read by the Twilio client of the shard's providers


def budget_shares(stacks: list[StackInfo], parallel: int) -> dict[str, int]:
    """Each shard's share of its parent's in-flight budget while `parallel` shards run at once.

    The smallest budget any stack of a parent declares wins: one stack cannot raise what the others rely on."""
    shares: dict[str, int] = {}
    by_parent: dict[str | None, list[StackInfo]] = {}
    for info in stacks:
        by_parent.setdefault(info.parent, []).append(info)
    for group in by_parent.values():
        budget = min(info.parent_in_flight_budget for info in group)
        running = max(1, min(parallel, len(group)))
        for info in group:
            shares[info.name] = max(1, budget // running)
    return shares
