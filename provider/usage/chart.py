"""A picture finance can read at a glance: cost per tenant stacked by category, revenue and margin beside it."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .report import Report  # noqa: E402

COLORS = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#9D755D", "#BAB0AC"]


def write_chart(report: Report, path: Path) -> Path:
    lines = sorted(report.shown, key=lambda line: line.cost)
    count = max(len(lines), 1)
    height = max(4.0, 0.24 * count + 1.8)
    font = 9 if count <= 40 else 7 if count <= 120 else 5
    fig, (ax, ax_margin) = plt.subplots(1, 2, figsize=(13, height), sharey=True,
                                        gridspec_kw={"width_ratios": [3, 1]})
    labels = [line.label for line in lines]
    positions = range(len(lines))
    left = [0.0] * len(lines)
    for index, category in enumerate((*report.categories, "other")):
        values = [float(line.costs[category]) for line in lines]
        if not any(values):
            continue
        ax.barh(positions, values, left=left, color=COLORS[index % len(COLORS)], label=category, height=0.75)
        left = [a + b for a, b in zip(left, values)]
    revenue = [(i, float(line.revenue)) for i, line in enumerate(lines) if line.revenue is not None]
    if revenue:
        ax.scatter([r for _, r in revenue], [i for i, _ in revenue], marker="D", color="black", s=14 if count <= 120
                   else 6, zorder=3, label="revenue")
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
    return path
