"""The economics report for people (table, Markdown) and machines (CSV of the monthly series, JSON of everything).

Every LTV and payback figure is printed with its inputs beside it, and the formulas, churn source and shared-cost
rule are stated under the tables: never a bare number. Machine formats keep exact strings (see usage.render.exact).
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from rich.console import Console

from ..fitted_tables import Column, print_fitted
from ..usage.render import exact
from ..usage.render import money as cents
from .job import Economics
from .metrics import Figure, TenantEconomics
from .series import MonthLine, MonthResult

FORMULAS = (
    "Revenue = the monthly price in effect each day ÷ days of its month, summed over the days billed: from "
    "billing.start, or (without it) the day the tenant's subaccount was created, to billing.end (a closed tenant "
    "must give it), billed in cents per month.",
    "Average monthly gross margin = gross margin ÷ months billed (days billed ÷ days of the month, summed).",
    "LTV = average monthly gross margin ÷ monthly churn (expected lifetime 1 ÷ churn months); for a tenant whose "
    "billing ended: its realized gross margin in the range.",
    "CAC payback (months) = acquisition cost (billing.acquisition_cost) ÷ average monthly gross margin.",
    "Trend = least-squares slope of the monthly gross margin over the last complete months billed (up to 6), "
    "per month; falling when negative.",
)


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def figure_cell(figure: Figure) -> str:
    if figure.value is None:
        return f"n/a: {figure.formula}"
    return f"{cents(figure.value)} = {figure.inputs}" if figure.inputs else cents(figure.value)


def _month_delta(results: list[MonthResult], index: int) -> str:
    if index == 0 or results[index].margin_pct is None or results[index - 1].margin_pct is None:
        return ""
    delta = results[index].margin_pct - results[index - 1].margin_pct  # type: ignore[operator]
    return f"{delta:+}"


def fleet_rows(report: Economics) -> list[list[str]]:
    rows = []
    for index, result in enumerate(report.months):
        rows.append([result.month.label + (" (to date)" if result.in_progress else ""), str(result.tenants_billed),
                     cents(result.revenue), cents(result.parent_total), cents(result.margin),
                     _pct(result.margin_pct), _month_delta(report.months, index),
                     "yes" if result.reconciled else f"NO ({cents(result.difference)})"])
    return rows


FLEET_HEADERS = ["month", "tenants billed", "revenue", "cost of revenue", "gross margin", "margin %", "Δ pts",
                 "reconciled"]
TENANT_HEADERS = ["tenant", "status", "plan", "months billed", "revenue", "cost", "gross margin", "margin %",
                  "avg monthly margin", "trend / month", "LTV", "CAC payback (months)"]


def tenant_row(entry: TenantEconomics) -> list[str]:
    flag = " ▼ negative" if entry.kind == "tenant" and entry.negative else \
        " ↘ falling" if entry.kind == "tenant" and entry.falling else ""
    trend = "" if entry.trend.value is None else f"{entry.trend.value.quantize(Decimal('0.01')):+,}"
    average = "" if entry.average_margin.value is None else cents(entry.average_margin.value)
    tenant = entry.kind == "tenant"
    return [entry.label + flag, entry.status, entry.plan or "", f"{entry.months_billed.quantize(Decimal('0.01'))}",
            cents(entry.revenue), cents(entry.cost), cents(entry.margin), _pct(entry.margin_pct), average, trend,
            figure_cell(entry.ltv) if tenant else "", figure_cell(entry.payback) if tenant else ""]


def sentences(report: Economics) -> list[str]:
    failed = [r.month.label for r in report.months if not r.reconciled]
    reconciliation = (f"Reconciliation: each of the {len(report.months)} months adds up to the parent's total with "
                      f"subaccounts to the cent (tenants + unmapped accounts + the parent's own usage + deleted "
                      "subaccounts)." if not failed else
                      f"NOT RECONCILED: {', '.join(failed)} do not add up to the parent's total")
    out = [reconciliation, f"Churn: {report.churn.explanation}.", report.shared_costs_rule, *FORMULAS]
    if report.fx:
        rates = ", ".join(f"{k}={v}" for k, v in sorted(report.fx.items()))
        out.append(f"Revenue and acquisition costs in other currencies converted to {report.currency} at {rates} "
                   f"({report.fx_source or '--fx'}).")
    out.append(f"Asked Twilio {report.requests} time(s) for usage ({report.accounts} subaccounts and the parent); "
               "closed months come from the cache." + (f" The cache could not be written ({report.cache_problem}): "
                                                       "the next run asks again." if report.cache_problem else ""))
    if report.cache_tampered:
        out.append(f"WARNING: {len(report.cache_tampered)} cache entr{'y' if len(report.cache_tampered) == 1 else 'ies'} "
                   f"failed the integrity check (edited since written, or written with other credentials) and were "
                   f"fetched again from Twilio: {', '.join(report.cache_tampered)}.")
    return out


def _series_lines(report: Economics) -> list[MonthLine]:
    return [line for result in report.months for line in result.lines
            if report.only is None or line.label in report.only]


def series_row(report: Economics, line: MonthLine) -> dict[str, Any]:
    row: dict[str, Any] = {"month": line.month.label, "tenant": line.label, "kind": line.kind, "status": line.status,
                           "plan": line.plan or "", "billed_share": f"{line.billed_share.quantize(Decimal('0.0001'))}"}
    for category in (*report.categories, "other"):
        row[f"cost_{category}"] = line.costs.get(category, Decimal(0))
    row.update(own_cost=line.own_cost, shared_cost=line.shared, cost=line.cost, revenue=line.revenue or Decimal(0),
               margin=line.margin, margin_pct=line.margin_pct)
    return row


def to_csv(report: Economics) -> str:
    """The monthly series, one row per tenant (or other line) and month: what a spreadsheet pivots."""
    out = io.StringIO()
    rows = [series_row(report, line) for line in _series_lines(report)]
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["month"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else exact(k, v) for k, v in row.items()})
    return out.getvalue()


def to_json(report: Economics) -> str:
    document = {
        "currency": report.currency,
        "months": [{"month": r.month.label, "in_progress": r.in_progress, "tenants_billed": r.tenants_billed,
                    "revenue": exact("revenue", r.revenue), "cost_of_revenue": exact("cost", r.parent_total),
                    "gross_margin": exact("margin", r.margin), "margin_pct": exact("margin_pct", r.margin_pct),
                    "shared_cost_allocated": exact("cost", r.allocated),
                    "reconciliation": {"parent_total": exact("cost", r.parent_total),
                                       "accounted": exact("cost", r.accounted),
                                       "difference": exact("cost", r.difference), "reconciled": r.reconciled},
                    "lines": [{k: exact(k, v) for k, v in series_row(report, line).items()} for line in r.lines
                              if report.only is None or line.label in report.only]}
                   for r in report.months],
        "tenants": [{"tenant": t.label, "kind": t.kind, "status": t.status, "plan": t.plan,
                     "months_billed": f"{t.months_billed.quantize(Decimal('0.0001'))}",
                     "revenue": exact("revenue", t.revenue), "cost": exact("cost", t.cost),
                     "margin": exact("margin", t.margin), "margin_pct": exact("margin_pct", t.margin_pct),
                     "negative": t.negative, "falling": t.falling,
                     "ended": t.ended.isoformat() if t.ended else None,
                     "acquisition_cost": exact("cost", t.acquisition_cost),
                     "average_monthly_margin": t.average_margin.as_dict(), "trend_per_month": t.trend.as_dict(),
                     "ltv": t.ltv.as_dict(), "cac_payback_months": t.payback.as_dict()} for t in report.shown],
        "churn": {"monthly_rate": None if report.churn.rate is None else f"{report.churn.rate:f}",
                  "source": report.churn.source, "explanation": report.churn.explanation},
        "shared_costs": {"rule": report.shared_costs, "source": report.shared_costs_source,
                         "meaning": report.shared_costs_rule},
        "fx": {k: f"{v:f}" for k, v in report.fx.items()}, "fx_source": report.fx_source,
        "formulas": list(FORMULAS), "cache_tampered": list(report.cache_tampered),
        "requests": report.requests,
        "reconciled": report.reconciled,
    }
    return json.dumps(document, indent=2)


def _markdown_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)]


def to_markdown(report: Economics) -> str:
    span = f"{report.months[0].month.label}..{report.months[-1].month.label}"
    lines = [f"**Unit economics {span}** ({report.currency})", "", "Fleet by month:", "",
             *_markdown_table(FLEET_HEADERS, fleet_rows(report)), "",
             "Tenants, negative or falling margin first:", "",
             *_markdown_table(TENANT_HEADERS, [tenant_row(t) for t in report.shown]), ""]
    lines += [f"- {sentence}" for sentence in sentences(report)]
    return "\n".join(lines) + "\n"


def print_tables(report: Economics, console: Console) -> None:
    span = f"{report.months[0].month.label}..{report.months[-1].month.label}"
    print_fitted(console, f"Fleet by month, {span} ({report.currency})",
                 [Column(header, right=header != "month") for header in FLEET_HEADERS], fleet_rows(report))
    print_fitted(console, "Tenants, negative or falling margin first",
                 [Column(header, right=header not in ("tenant", "status", "plan", "LTV", "CAC payback (months)"),
                         prose=header in ("LTV", "CAC payback (months)")) for header in TENANT_HEADERS],
                 [tenant_row(entry) for entry in report.shown])
    if report.only is not None:
        print_fitted(console, "Month by month",
                     [Column(header, right=header not in ("month", "tenant", "plan"))
                      for header in ("month", "tenant", "plan", "cost", "allocated", "revenue", "margin", "margin %")],
                     [[line.month.label, line.label, line.plan or "", cents(line.own_cost), cents(line.shared),
                       cents(line.revenue or Decimal(0)), cents(line.margin), _pct(line.margin_pct)]
                      for line in _series_lines(report)])
    for sentence in sentences(report):
        console.print(sentence, markup=False, highlight=False)
