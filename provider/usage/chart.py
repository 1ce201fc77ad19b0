"""A picture finance can read at a glance: cost per tenant stacked by category, revenue beside cost, and the margin
in money with its percentage written on each bar.

Past MAX_ROWS lines a chart of every tenant is a wall of slivers: it shows the most expensive tenants, the lowest
margins (the ones to look at), the parent's own usage and unmapped accounts, and says under the chart what all the
others sum to (as text: a summed bar would dwarf every other one), so the picture still accounts for the total.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .report import Line, Report  # noqa: E402

COLORS = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D", "#BAB0AC"]
MAX_ROWS = 45
MOST_EXPENSIVE = 25
LOWEST_MARGIN = 15


def chart_lines(report: Report) -> tuple[list[Line], Line | None]:
    """The rows drawn, bottom to top by cost, and past MAX_ROWS the sum of the tenants not drawn."""
    lines = list(report.shown)
    rest: list[Line] = []
    if len(lines) > MAX_ROWS:
        always = [line for line in lines if line.kind != "tenant"]
        tenants = [line for line in lines if line.kind == "tenant"]
        keep = {id(line) for line in sorted(tenants, key=lambda line: line.cost, reverse=True)[:MOST_EXPENSIVE]}
        keep |= {id(line) for line in sorted(tenants, key=lambda line: line.margin)[:LOWEST_MARGIN]}
        rest = [line for line in tenants if id(line) not in keep]
        lines = always + [line for line in tenants if id(line) in keep]
    return sorted(lines, key=lambda line: line.cost), (_summed(rest, report) if rest else None)


def _summed(rest: list[Line], report: Report) -> Line:
    costs = {c: sum((line.costs[c] for line in rest), Decimal(0)) for c in (*report.categories, "other")}
    billed = [line.revenue for line in rest if line.revenue is not None]
    return replace(rest[0], label=f"{len(rest)} other tenants", kind="summed", account_sid="", costs=costs,
                   cost=sum((line.cost for line in rest), Decimal(0)),
                   revenue=sum(billed, Decimal(0)) if billed else None, plan=None)


def write_chart(report: Report, path: Path) -> list[str]:
    """Writes the PNG; returns the row labels drawn, in order (bottom to top)."""
    lines, others = chart_lines(report)
    count = max(len(lines), 1)
    height = max(4.0, 0.3 * count + 2.0)
    font = 9 if count <= 30 else 8
    fig, (ax, ax_revenue, ax_margin) = plt.subplots(1, 3, figsize=(16, height), sharey=True,
                                                    gridspec_kw={"width_ratios": [3, 2, 2]})
    labels = [line.label for line in lines]
    positions = list(range(len(lines)))
    left = [0.0] * len(lines)
    for index, category in enumerate((*report.categories, "other")):
        values = [float(line.costs[category]) for line in lines]
        if not any(values):
            continue
        ax.barh(positions, values, left=left, color=COLORS[index % len(COLORS)], label=category, height=0.75)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for position, line in zip(positions, lines, strict=True):
        ax.text(float(line.cost), position, f" {line.cost:,.2f}", va="center", fontsize=font - 1)
    ax.set_yticks(positions, labels, fontsize=font)
    ax.set_xlabel(f"{report.currency} in {report.period.label}")
    ax.set_title("Cost of revenue (Twilio) by category", fontsize=11)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.15)

    # Revenue and cost side by side on one scale: cost drawn as its own bar, labelled, never hidden behind revenue.
    revenue = [float(line.revenue) if line.revenue is not None else 0.0 for line in lines]
    costs = [float(line.cost) for line in lines]
    ax_revenue.barh([p + 0.2 for p in positions], revenue, color="#4C78A8", height=0.4, label="revenue")
    ax_revenue.barh([p - 0.2 for p in positions], costs, color="#E45756", height=0.4, label="cost")
    for position, line in zip(positions, lines, strict=True):
        if line.revenue is None:
            ax_revenue.text(0, position + 0.2, " not billed", va="center", fontsize=font - 1, color="#666666")
    ax_revenue.set_title("Revenue and cost", fontsize=11)
    ax_revenue.set_xlabel(report.currency)
    ax_revenue.legend(loc="lower right", fontsize=8)
    ax_revenue.grid(axis="x", alpha=0.3)

    margins = [float(line.margin) for line in lines]
    ax_margin.barh(positions, margins, color=["#54A24B" if m >= 0 else "#E45756" for m in margins], height=0.75)
    for position, line in zip(positions, lines, strict=True):
        pct = f" ({line.margin_pct}%)" if line.margin_pct is not None else " (no revenue)"
        ax_margin.text(float(line.margin), position, f" {line.margin:,.2f}{pct} ", va="center", fontsize=font - 1,
                       ha="left" if line.margin >= 0 else "right")
    ax_margin.axvline(0, color="black", linewidth=0.8)
    ax_margin.set_xlabel(f"gross margin, {report.currency} (revenue − cost)")
    ax_margin.set_title("Gross margin", fontsize=11)
    ax_margin.grid(axis="x", alpha=0.3)
    ax_margin.margins(x=0.35)

    state = "reconciled" if report.reconciled else "NOT RECONCILED"
    shown = f"{len(report.shown)} lines" + (f", {len(lines)} drawn" if others is not None else "")
    fig.suptitle(f"Twilio usage {report.period.label} ({shown}): cost {report.accounted:,.2f} {report.currency}, "
                 f"{state} with the parent total", fontsize=12)
    if others is not None:
        pct = f" ({others.margin_pct}%)" if others.margin_pct is not None else ""
        fig.text(0.5, 0.005, f"Not drawn: {others.label} (neither among the {MOST_EXPENSIVE} most expensive nor the "
                 f"{LOWEST_MARGIN} lowest margins): cost {others.cost:,.2f}, revenue "
                 f"{(others.revenue or Decimal(0)):,.2f}, margin {others.margin:,.2f}{pct} {report.currency}",
                 ha="center", va="bottom", fontsize=10)
    fig.tight_layout(rect=(0, 0.03 if others is not None else 0, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return labels
