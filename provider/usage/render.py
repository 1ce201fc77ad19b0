"""The report as a table, CSV, JSON or Markdown. Money is shown to the cent; JSON keeps exact strings."""
from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from rich.console import Console

from ..fitted_tables import Column, print_fitted
from .report import CENT, Line, Report, margin_percent

COST_PLACES = Decimal("0.0001")  # Twilio prices usage to four places


def money(value: Decimal | None) -> str:
    """For people: cents, with thousands separators."""
    return "" if value is None else f"{value.quantize(CENT):,.2f}"


def exact(field: str, value: Any) -> Any:
    """For machines: one format per field, no separators, nothing rounded away: costs at Twilio's four places,
    revenue in cents (as billed), margin = revenue − cost at four places, so every row and total adds up exactly;
    margin % to one place; a missing value is None (null in JSON, empty in CSV)."""
    if not isinstance(value, Decimal):
        return value
    if field == "margin_pct":
        return f"{value.quantize(Decimal('0.1')):f}"
    if field == "revenue":
        return f"{value.quantize(CENT):f}"
    return f"{value.quantize(COST_PLACES):f}"  # costs, and margins (revenue in cents minus cost): exact


def _row(report: Report, line: Line) -> dict[str, Any]:
    row: dict[str, Any] = {"tenant": line.label, "kind": line.kind, "status": line.status,
                           "account_sid": line.account_sid, "plan": line.plan or ""}
    for category in (*report.categories, "other"):
        row[f"cost_{category}"] = line.costs[category]
    row.update(cost=line.cost, revenue=line.revenue or Decimal(0), margin=line.margin, margin_pct=line.margin_pct)
    return row


def _totals(report: Report) -> dict[str, Decimal]:
    """Revenue − cost = margin, over exactly the lines shown."""
    shown = report.shown
    cost = sum((line.cost for line in shown), Decimal(0))
    revenue = sum((line.revenue or Decimal(0) for line in shown), Decimal(0))
    return {"cost": cost, "revenue": revenue, "margin": revenue - cost}


def to_json(report: Report) -> str:
    document = {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
                   "in_progress": report.period.in_progress},
        "currency": report.currency,
        "fx": {k: f"{v:f}" for k, v in report.fx.items()},
        "fx_source": report.fx_source,
        "lines": [{k: exact(k, v) for k, v in _row(report, line).items()} for line in report.shown],
        "totals": {k: exact(k, v) for k, v in _totals(report).items()},
        "reconciliation": {"parent_total": exact("parent_total", report.parent_total),
                           "accounted": exact("accounted", report.accounted),
                           "difference": exact("difference", report.difference), "reconciled": report.reconciled},
    }
    return json.dumps(document, indent=2)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    rows = [_row(report, line) for line in report.shown]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["tenant"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else exact(k, v) for k, v in row.items()})
    return out.getvalue()


def _headers(report: Report) -> list[str]:
    return ["tenant", "status", *report.categories, "other", "cost", "revenue", "margin", "margin %"]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def cents_adding_up(parts: list[Decimal], total: Decimal) -> list[Decimal]:
    """Each part in cents so that the parts shown add up to the total shown: rounded down, and the cents left go to
    the largest remainders (Twilio's four places rounded one by one did not: 0.78 + 0.57 + 0.07 vs 1.43)."""
    shown_total = _cents(total)
    floors = [p.quantize(CENT, rounding=ROUND_FLOOR) for p in parts]
    left = int((shown_total - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    for i in (order[:left] if left >= 0 else []):
        floors[i] += CENT
    for i in (order[::-1][:-left] if left < 0 else []):
        floors[i] -= CENT
    return floors


def _cells(report: Report, line: Line) -> list[str]:
    """For people, in cents: the category cells add up to the cost shown, and the margin shown is the revenue shown
    minus the cost shown, so each row adds up."""
    revenue = line.revenue or Decimal(0)
    names = (*report.categories, "other")
    parts = cents_adding_up([line.costs[c] for c in names], line.cost)
    return [line.label, line.status, *(money(p) for p in parts),
            money(line.cost), money(revenue), money(_cents(revenue) - _cents(line.cost)),
            "" if line.margin_pct is None else f"{line.margin_pct}%"]


def _footer(report: Report) -> list[str]:
    totals = _totals(report)
    pct = margin_percent(totals["margin"], totals["revenue"])
    costs = [money(p) for p in cents_adding_up([sum((line.costs[c] for line in report.shown), Decimal(0))
                                                 for c in (*report.categories, "other")], totals["cost"])]
    return ["total", "", *costs, money(totals["cost"]), money(totals["revenue"]),
            money(_cents(totals["revenue"]) - _cents(totals["cost"])), "" if pct is None else f"{pct}%"]


def fx_sentence(report: Report) -> str:
    if not report.fx:
        return ""
    rates = ", ".join(f"{k}={v}" for k, v in sorted(report.fx.items()))
    return f"Revenue in other currencies converted to {report.currency} at {rates} ({report.fx_source or '--fx'})."


def to_markdown(report: Report) -> str:
    headers = _headers(report)
    lines = [f"**Usage {report.period.label}** ({report.currency})", "",
             "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cells(report, line)) + " |" for line in report.shown]
    lines.append("| " + " | ".join(f"**{cell}**" if cell else "" for cell in _footer(report)) + " |")
    lines.append("")
    lines.append(reconciliation_sentence(report))
    if report.fx:
        lines.append("")
        lines.append(fx_sentence(report))
    return "\n".join(lines) + "\n"


def reconciliation_sentence(report: Report) -> str:
    state = "reconciled" if report.reconciled else "NOT RECONCILED"
    return (f"Reconciliation: parent total {money(report.parent_total)} {report.currency} = the sum of every line "
            f"(tenants, unmapped accounts, the parent's own usage) {money(report.accounted)}; difference "
            f"{money(report.difference)}: {state}")


def print_table(report: Report, console: Console) -> None:
    title = f"Usage {report.period.label} ({report.currency})" + (" — in progress" if report.period.in_progress
                                                                    else "")
    columns = [Column(header, right=header not in ("tenant", "status")) for header in _headers(report)]
    print_fitted(console, title, columns, [_cells(report, line) for line in report.shown], footer=_footer(report),
                 caption=fx_sentence(report) or None)
