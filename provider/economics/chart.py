"""One picture of the economics: the fleet month by month, each tenant's margin trend, and CAC payback bars.

With hundreds of tenants a line each is a grey mass: every tenant is drawn thin and grey, and the ones to look at
(negative or falling margin first, as in the table) are drawn in colour with their names. Payback bars show the
tenants that take longest (and those that never pay back at their margin); the chart says how many are not drawn.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .job import Economics  # noqa: E402
from .metrics import TenantEconomics  # noqa: E402

HIGHLIGHTED = 8
MAX_BARS = 30
PALETTE = ["#E45756", "#F58518", "#B279A2", "#4C78A8", "#72B7B2", "#54A24B", "#9D755D", "#EECA3B"]


def payback_rows(report: Economics) -> tuple[list[TenantEconomics], int]:
    """Tenants with an acquisition cost, never-paying-back first, then the longest paybacks; and how many more."""
    with_cac = [t for t in report.shown if t.kind == "tenant" and t.acquisition_cost is not None and t.ended is None]
    ordered = sorted(with_cac, key=lambda t: (t.payback.value is not None, -(t.payback.value or Decimal(0)), t.label))
    return ordered[:MAX_BARS], max(len(ordered) - MAX_BARS, 0)


def write_chart(report: Economics, path: Path) -> list[str]:
    """Writes the PNG; returns the names of the tenants drawn in colour."""
    tenants = [t for t in report.shown if t.kind == "tenant"]
    bars, not_drawn = payback_rows(report)
    labels = [r.month.label + (" (to date)" if r.in_progress else "") for r in report.months]
    x = list(range(len(labels)))
    bar_height = max(2.5, 0.28 * len(bars) + 1.2)
    fig = plt.figure(figsize=(16, 5.5 + bar_height))
    grid = fig.add_gridspec(2, 2, height_ratios=[5.5, bar_height], width_ratios=[1, 1.3])
    ax_fleet, ax_trend, ax_payback = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), \
        fig.add_subplot(grid[1, :])

    revenue = [float(r.revenue) for r in report.months]
    cost = [float(r.parent_total) for r in report.months]
    # The month in progress is not a month's worth: drawn paler and hatched, never like the complete ones.
    alpha = [0.45 if r.in_progress else 1.0 for r in report.months]
    hatch = ["//" if r.in_progress else "" for r in report.months]
    for i in x:
        ax_fleet.bar(i - 0.2, revenue[i], width=0.4, color="#4C78A8", alpha=alpha[i], hatch=hatch[i],
                     label="revenue" if i == 0 else None)
        ax_fleet.bar(i + 0.2, cost[i], width=0.4, color="#E45756", alpha=alpha[i], hatch=hatch[i],
                     label="cost of revenue (Twilio)" if i == 0 else None)
    ax_fleet.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax_fleet.set_ylabel(report.currency)
    ax_fleet.set_title("Fleet: revenue, cost of revenue and margin %", fontsize=11)
    ax_fleet.grid(axis="y", alpha=0.3)
    ax_pct = ax_fleet.twinx()
    pct = [float(r.margin_pct) if r.margin_pct is not None else float("nan") for r in report.months]
    ax_pct.plot(x, pct, color="black", marker="o", linewidth=1.5, label="gross margin %")
    ax_pct.set_ylabel("gross margin %")
    known = [p for p in pct if p == p]  # without the months with no revenue (NaN)
    if known:
        low, high = min(known + [0.0]), max(known + [0.0])
        ax_pct.set_ylim(low - (high - low) * 0.1 - 1, high + (high - low) * 0.35 + 1)  # the legend sits on top
    handles = ax_fleet.get_legend_handles_labels()[0] + ax_pct.get_legend_handles_labels()[0]
    ax_fleet.legend(handles, [str(h.get_label()) for h in handles], loc="upper center", bbox_to_anchor=(0.5, 1.0),
                    ncol=3, fontsize=8, framealpha=0.9)
    ax_fleet.set_ylim(0, max(revenue + cost, default=1.0) * 1.25 or 1.0)  # room for the legend above the bars

    def series(entry: TenantEconomics) -> list[float]:
        by_month = {line.month: float(line.margin) for line in entry.lines}
        return [by_month.get(r.month, float("nan")) for r in report.months]

    highlighted = tenants[:HIGHLIGHTED]
    partial = [i for i, r in enumerate(report.months) if r.in_progress]

    def draw(entry: TenantEconomics, **style: object) -> None:
        """Complete months as a line; the month to date only as a hollow point on a dotted link, since its
        margin is a part of a month's and would read as a drop."""
        values = series(entry)
        full = [v if i not in partial else float("nan") for i, v in enumerate(values)]
        ax_trend.plot(x, full, **style)  # type: ignore[arg-type]
        for i in partial:
            link = [values[i - 1], values[i]] if i > 0 else [values[i]]
            ax_trend.plot(x[max(i - 1, 0):i + 1], link, linestyle=":", color=style.get("color"),
                          linewidth=1, marker="o", markerfacecolor="white", markevery=[len(link) - 1])

    for entry in tenants[HIGHLIGHTED:]:
        draw(entry, color="#BBBBBB", linewidth=0.6, alpha=0.6)
    for index, entry in enumerate(highlighted):
        flag = " (negative)" if entry.negative else " (falling)" if entry.falling else ""
        draw(entry, color=PALETTE[index % len(PALETTE)], linewidth=2, marker=".", label=entry.label + flag)
    ax_trend.axhline(0, color="black", linewidth=0.8)
    ax_trend.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    ax_trend.set_ylabel(f"gross margin, {report.currency} per month")
    others = f"; {len(tenants) - len(highlighted)} others in grey" if len(tenants) > len(highlighted) else ""
    ax_trend.set_title(f"Gross margin per tenant per month (negative or falling first{others})", fontsize=11)
    if highlighted:
        ax_trend.legend(loc="upper left", fontsize=8, ncol=2)
    ax_trend.grid(alpha=0.3)

    finite = [float(t.payback.value) for t in bars if t.payback.value is not None]
    ceiling = max(finite, default=12.0) * 1.15 or 12.0
    positions = list(range(len(bars)))[::-1]
    for position, entry in zip(positions, bars, strict=True):
        if entry.payback.value is None:
            ax_payback.barh(position, ceiling, color="#E45756", alpha=0.25, height=0.7)
            ax_payback.text(0, position, f"  never at this margin (CAC {entry.acquisition_cost:,.2f}, avg monthly "
                            f"margin {entry.average_margin.value or 0:,.2f})", va="center", fontsize=8,
                            color="#B22222")
        else:
            months = float(entry.payback.value)
            ax_payback.barh(position, months, color="#54A24B" if months <= 12 else "#F58518", height=0.7)
            ax_payback.text(months, position, f" {entry.payback.value:.1f} = {entry.payback.inputs}", va="center",
                            fontsize=8)
    ax_payback.set_yticks(positions, [t.label for t in bars], fontsize=8)
    ax_payback.axvline(12, color="black", linewidth=0.8, linestyle="--")
    ax_payback.set_xlim(0, max(ceiling * 1.3, 14.0))
    ax_payback.set_xlabel("CAC payback, months (acquisition cost ÷ average monthly gross margin; dashed: 12 months)")
    more = f"; {not_drawn} shorter ones not drawn" if not_drawn else ""
    ax_payback.set_title(f"CAC payback, longest first{more}", fontsize=11)
    if not bars:
        ax_payback.text(0.5, 0.5, "no tenant declares billing.acquisition_cost", ha="center", va="center",
                        transform=ax_payback.transAxes)
    ax_payback.grid(axis="x", alpha=0.3)

    state = "every month reconciled" if report.reconciled else "NOT RECONCILED"
    fig.suptitle(f"Unit economics {report.months[0].month.label}..{report.months[-1].month.label} ({report.currency}), {len(tenants)} tenants, {state}; "
                 f"churn {report.churn.source}", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.97))  # room for the title above the panels
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [t.label for t in highlighted]
