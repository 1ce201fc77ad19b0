"""Human output shared by commands: what changed, and the tenants with their numbers (never a secret)."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..localengine import Step, count_steps, describe_counts
from ..localengine.state_store import reveal

SYMBOL = {"create": "[green]+ create[/]", "update": "[yellow]~ update[/]", "replace": "[magenta]+- replace[/]",
          "delete": "[red]- delete[/]", "refresh": "  refresh", "gone": "[red]  gone[/]"}


def print_steps(steps: list[Step], action: str, console: Console, diff: bool = False) -> None:
    """One line per change: what, whose (tenant/entry), and with `diff` every property old → new."""
    changed = [s for s in steps if s.op != "same" and not (s.op == "refresh" and not s.detail)]
    for step in changed:
        kind, name = step.urn.split("::")[-2].split("$")[-1], step.urn.split("::")[-1]
        label = step.label or name
        shown = label if label == name else f"{label} ({name})"
        detail = f" ({step.detail})" if step.detail else ""
        console.print(f"{SYMBOL.get(step.op, step.op)} {escape(kind.split(':')[-1])} {escape(shown)}{escape(detail)}",
                      highlight=False)
        if diff:
            for prop, before, after in step.changes:
                console.print(f"      {escape(prop)}: {escape(repr(before))} → {escape(repr(after))}",
                              highlight=False)
    console.print(f"{action}: {describe_counts(count_steps(steps))}", highlight=False)


def print_tenants(outputs: dict[str, Any], console: Console) -> None:
    """Readable at 80 columns (long values fold, never cut); `tenantctl local output` has every detail."""
    tenants = reveal(outputs).get("tenants") or {}
    table = Table(title=f"{len(tenants)} tenant(s)")
    widest = max((len(tenant_id) for tenant_id in tenants), default=6)
    table.add_column("tenant", no_wrap=True, min_width=min(widest, 32))  # names whole; long SIDs fold
    for column in ("status", "subaccount", "numbers", "API key"):
        table.add_column(column, overflow="fold")
    for tenant_id, t in sorted(tenants.items()):
        numbers = "\n".join(f"{name}: {n['phone_number']}" for name, n in sorted((t.get("phone_numbers") or {}).items()))
        table.add_row(tenant_id, t.get("status") or "", t.get("account_sid") or "", numbers or "-",
                      t.get("api_key_sid") or "-")
    console.print(table)
