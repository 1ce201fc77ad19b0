"""A fleet of stacks (shards) run side by side: each shard is an ordinary stack, run by the Pulumi Automation API
when the CLI is installed and engine-less otherwise; shards of one parent account share its concurrency budget."""
from .budgets import budget_shares
from .runs import ShardRun, last_meaningful_line

__all__ = ["ShardRun", "budget_shares", "last_meaningful_line"]
