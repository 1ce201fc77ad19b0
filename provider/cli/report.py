"""Human output shared by commands: what changed, and the tenants with their numbers (never a secret)."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from ..fitted_tables import Column, print_fitted
from ..localengine import Step, count_steps, describe_counts
from ..localengine.state_store import reveal

SYMBOL = {"create": "[green]+ create[/]", "update": "[yellow]~ update[/]", "replace": "[magenta]+- replace[/]",
          "delete": "[red]- delete[/]", "refresh": "  refresh", "gone": "[red]  gone[/]"}


def print_steps(steps: list[Step], action: str, console: Console, diff: bool = False) -> None:
    """One line per change: what, whose (tenant/entry), and with `diff` every property old → new; in the order of
    the resources' names (tenant, then entry), never in the order concurrent calls happened to finish."""
    changed = sorted((s for s in steps if s.op != "same" and not (s.op == "refresh" and not s.detail)),
                     key=lambda s: (s.urn.split("::")[-1], s.urn))
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
    """A table when the terminal is wide enough to show every SID and number whole; otherwise one block per
    tenant: a SID or a phone number is never split across lines. `tenantctl local output` has every detail."""
    tenants = reveal(outputs).get("tenants") or {}
    rows = []
    for tenant_id, t in sorted(tenants.items()):
        numbers = [f"{name}: {n['phone_number']}" for name, n in sorted((t.get("phone_numbers") or {}).items())]
        rows.append((tenant_id, t.get("status") or "", t.get("account_sid") or "", numbers,
                     t.get("api_key_sid") or "-"))
    print_fitted(console, f"{len(tenants)} tenant(s)",
                 [Column(header) for header in ("tenant", "status", "subaccount", "numbers", "API key")],
                 [[tenant_id, status, account, "\n".join(numbers) or "-", key]
                  for tenant_id, status, account, numbers, key in rows])
