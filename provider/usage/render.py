"""The report as a table, CSV, JSON or Markdown. Money is shown to the cent; JSON keeps exact strings."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Optional

from rich.console import Console
from rich.table import Table

from .report import CENT, Line, Report


def money(value: Optional[Decimal]) -> str:
    return "" if value is None else f"{value.quantize(CENT):,.2f}"


def _row(report: Report, line: Line) -> dict[str, Any]:
    row: dict[str, Any] = {"tenant": line.label, "kind": line.kind, "status": line.status,
                           "account_sid": line.account_sid, "plan": line.plan or ""}
    for category in (*report.categories, "other"):
        row[f"cost_{category}"] = line.costs[category]
    row.update(cost=line.cost, revenue=line.revenue, margin=line.margin, margin_pct=line.margin_pct)
    return row


def _totals(report: Report) -> dict[str, Any]:
    shown = report.shown
    return {"cost": sum((line.cost for line in shown), Decimal(0)),
            "revenue": sum((line.revenue or Decimal(0) for line in shown), Decimal(0)),
            "margin": sum((line.margin or Decimal(0) for line in shown if line.revenue is not None), Decimal(0))}


def to_json(report: Report) -> str:
    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value
    document = {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
                   "in_progress": report.period.in_progress},
        "currency": report.currency,
        "fx": {k: str(v) for k, v in report.fx.items()},
        "lines": [{k: plain(v) for k, v in _row(report, line).items()} for line in report.shown],
        "totals": {k: str(v) for k, v in _totals(report).items()},
        "reconciliation": {"parent_total": str(report.parent_total), "accounted": str(report.accounted),
                           "difference": str(report.difference), "reconciled": report.reconciled},
    }
    return json.dumps(document, indent=2)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    rows = [_row(report, line) for line in report.shown]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["tenant"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (money(v) if isinstance(v, Decimal) and not k.endswith("pct") else
                             ("" if v is None else v)) for k, v in row.items()})
    return out.getvalue()


def _headers(report: Report) -> list[str]:
    return ["tenant", "status", *report.categories, "other", "cost", "revenue", "margin", "margin %"]


def _cells(report: Report, line: Line) -> list[str]:
    return [line.label, line.status, *(money(line.costs[c]) for c in (*report.categories, "other")),
            money(line.cost), money(line.revenue), money(line.margin),
            "" if line.margin_pct is None else f"{line.margin_pct}%"]


def to_markdown(report: Report) -> str:
    headers = _headers(report)
    lines = [f"**Usage {report.period.label}** ({report.currency})", "",
             "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cells(report, line)) + " |" for line in report.shown]
    totals = _totals(report)
    lines.append(f"| **total** | | {' | ' * (len(report.categories))} | **{money(totals['cost'])}** | "
                 f"**{money(totals['revenue'])}** | **{money(totals['margin'])}** | |")
    lines.append("")
    lines.append(reconciliation_sentence(report))
    return "\n".join(lines) + "\n"


def reconciliation_sentence(report: Report) -> str:
    state = "reconciled" if report.reconciled else "NOT RECONCILED"
    return (f"Reconciliation: parent total {money(report.parent_total)} {report.currency} = tenants + unmapped + "
            f"parent own {money(report.accounted)}; difference {money(report.difference)}: {state}")


def print_table(report: Report, console: Console) -> None:
    title = f"Usage {report.period.label} ({report.currency})" + (" — in progress" if report.period.in_progress
                                                                    else "")
    table = Table(title=title, show_footer=True)
    totals = _totals(report)
    footer = {"tenant": "total", "cost": money(totals["cost"]), "revenue": money(totals["revenue"]),
              "margin": money(totals["margin"])}
    for header in _headers(report):
        table.add_column(header, footer=footer.get(header, ""), justify="left" if header in ("tenant", "status")
                         else "right")
    for line in report.shown:
        table.add_row(*_cells(report, line))
    console.print(table)
