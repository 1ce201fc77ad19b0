"""A picture finance can read at a glance: cost per tenant stacked by category, revenue and margin beside it."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .report import Report  # noqa: E402

COLORS = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D", "#BAB0AC"]


def write_chart(report: Report, path: Path) -> list[str]:
    """Writes the PNG; returns the line labels drawn, in order (bottom to top)."""
    lines = sorted(report.shown, key=lambda line: line.cost)
    count = max(len(lines), 1)
    height = max(4.0, 0.24 * count + 1.8)
    font = 9 if count <= 40 else 7 if count <= 120 else 5
    fig, (ax, ax_revenue, ax_margin) = plt.subplots(1, 3, figsize=(15, height), sharey=True,
                                                    gridspec_kw={"width_ratios": [3, 2, 1.2]})
    labels = [line.label for line in lines]
    positions = range(len(lines))
    left = [0.0] * len(lines)
    for index, category in enumerate((*report.categories, "other")):
        values = [float(line.costs[category]) for line in lines]
        if not any(values):
            continue
        ax.barh(positions, values, left=left, color=COLORS[index % len(COLORS)], label=category, height=0.75)
        left = [a + b for a, b in zip(left, values, strict=True)]
    revenue = [float(line.revenue) if line.revenue is not None else 0.0 for line in lines]
    ax_revenue.barh(positions, revenue, color="#C9D7E8", height=0.75, label="revenue")
    ax_revenue.barh(positions, [float(line.cost) for line in lines], color="#E45756", height=0.4, label="cost")
    ax_revenue.set_title("Revenue vs cost", fontsize=11)
    ax_revenue.set_xlabel(report.currency)
    ax_revenue.legend(loc="lower right", fontsize=8)
    ax_revenue.grid(axis="x", alpha=0.3)
    ax.set_yticks(list(positions), labels, fontsize=font)
    ax.set_xlabel(f"{report.currency} in {report.period.label}")
    ax.set_title(f"Cost of revenue per tenant ({len(lines)} lines)", fontsize=11)
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    margins = [float(line.margin_pct) if line.margin_pct is not None else 0.0 for line in lines]
    ax_margin.barh(positions, margins, color=["#54A24B" if m >= 0 else "#E45756" for m in margins], height=0.75)
    ax_margin.axvline(0, color="black", linewidth=0.8)
    ax_margin.set_xlabel("gross margin %")
    ax_margin.set_title("Margin", fontsize=11)
    ax_margin.grid(axis="x", alpha=0.3)
    state = "reconciled" if report.reconciled else "NOT RECONCILED"
    fig.suptitle(f"Twilio usage {report.period.label}: cost {report.accounted:.2f} {report.currency}, "
                 f"{state} with the parent total", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return labels
