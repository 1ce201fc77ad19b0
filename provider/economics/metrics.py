"""Per-tenant figures over the months: months billed, average monthly gross margin, trend, LTV and CAC payback,
each with the formula and the inputs it was computed from (never a bare number); and churn for the fleet."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..tenancy import Tenant
from ..usage.fetch import Account
from ..usage.report import margin_percent
from .months import Month
from .series import MonthLine, MonthResult

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12: tenant lifetimes in months for churn
TREND_MONTHS = 6  # the trend is the slope over the last complete months, at most this many
MIN_TREND_POINTS = 3


@dataclass(frozen=True)
class Figure:
    """A computed figure, the formula in words with its inputs, or why there is no figure."""

    value: Decimal | None
    formula: str  # in words, with every input
    inputs: str = ""  # the same, in figures only, for a table cell: "600.00 ÷ 120.00"

    def as_dict(self) -> dict[str, str | None]:
        return {"value": None if self.value is None else f"{self.value:f}", "formula": self.formula}


@dataclass(frozen=True)
class Churn:
    rate: Decimal | None  # tenants lost per tenant-month
    source: str  # "declared" | "measured" | "unknown"
    explanation: str
    churned: int = 0
    exposure_months: Decimal = Decimal(0)


@dataclass(frozen=True)
class TenantEconomics:
    label: str
    kind: str
    status: str
    plan: str | None
    lines: tuple[MonthLine, ...]
    months_billed: Decimal
    revenue: Decimal
    cost: Decimal
    average_margin: Figure
    trend: Figure  # slope of the monthly margin, per month
    ltv: Figure
    payback: Figure
    ended: date | None = None
    acquisition_cost: Decimal | None = None

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_percent(self.margin, self.revenue)

    @property
    def negative(self) -> bool:
        return self.margin < 0

    @property
    def falling(self) -> bool:
        return self.trend.value is not None and self.trend.value < 0


def money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):,.2f}"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def measure_churn(tenants: Mapping[str, Tenant], created: Mapping[str, date], today: date,
                  declared: Decimal | None, declared_source: str) -> Churn:
    """Declared in economics.yaml, else measured: tenants whose billing ended ÷ tenant-months billed, over the whole
    history in the tenant files (each tenant from billing.start, or its subaccount's creation, to billing.end or
    today)."""
    if declared is not None:
        return Churn(declared, "declared", f"{percent(declared)} a month, {declared_source}")
    churned, exposure, unknown = 0, Decimal(0), []
    for tenant in tenants.values():
        billing = tenant.billing
        if billing is None:
            continue
        start = billing.start or created.get(tenant.id)
        if start is None or start > today:
            if start is None:
                unknown.append(tenant.id)
            continue
        ended = billing.end is not None and billing.end < today
        end = billing.end if ended and billing.end else today
        exposure += Decimal((end - start).days + 1) / DAYS_PER_MONTH
        churned += ended
    left_out = f"; left out, no billing.start and no subaccount: {', '.join(sorted(unknown))}" if unknown else ""
    if exposure == 0:
        return Churn(None, "unknown", "no billed tenant-months to measure churn from" + left_out)
    months = exposure.quantize(Decimal("0.1"))
    if churned == 0:
        return Churn(None, "unknown", f"no tenant's billing has ended in {months} tenant-months: churn cannot be "
                     "measured yet; declare churn.monthly_rate in economics.yaml" + left_out, 0, exposure)
    rate = churned / exposure
    return Churn(rate, "measured", f"{percent(rate)} a month, measured: {churned} tenant(s) whose billing ended ÷ "
                 f"{months} tenant-months billed" + left_out, churned, exposure)


def slope(points: list[Decimal]) -> Decimal:
    """Least-squares slope of equally spaced points (per step)."""
    n = len(points)
    mean_x = Decimal(n - 1) / 2
    mean_y = sum(points, Decimal(0)) / n
    numerator = sum(((Decimal(i) - mean_x) * (y - mean_y) for i, y in enumerate(points)), Decimal(0))
    denominator = sum(((Decimal(i) - mean_x) ** 2 for i in range(n)), Decimal(0))
    return numerator / denominator


def tenant_economics(results: list[MonthResult], tenants: Mapping[str, Tenant], churn: Churn, today: date,
                     fx: Mapping[str, Decimal], currency: str) -> list[TenantEconomics]:
    """One entry per label seen in any month, tenants first: negative margins, then falling ones, then the rest."""
    by_label: dict[str, list[MonthLine]] = {}
    for result in results:
        for line in result.lines:
            by_label.setdefault(line.label, []).append(line)
    complete = {r.month for r in results if not r.in_progress}
    out = [_one(label, lines, tenants.get(label) if lines[0].kind == "tenant" else None, churn, today, complete,
                fx, currency) for label, lines in by_label.items()]
    return sorted(out, key=lambda e: (e.kind != "tenant", not e.negative, not e.falling,
                                      e.average_margin.value if e.average_margin.value is not None else e.margin,
                                      e.label))


def _one(label: str, lines: list[MonthLine], tenant: Tenant | None, churn: Churn, today: date,
         complete: set[Month], fx: Mapping[str, Decimal], currency: str) -> TenantEconomics:
    revenue = sum((line.revenue or Decimal(0) for line in lines), Decimal(0))
    cost = sum((line.cost for line in lines), Decimal(0))
    billed = sum((line.billed_share for line in lines), Decimal(0))
    margin = revenue - cost
    billing = tenant.billing if tenant else None
    if billing is None:
        why = "not billed" if tenant else "not a tenant"
        nothing = Figure(None, why)
        return TenantEconomics(label, lines[0].kind, lines[-1].status, None, tuple(lines), billed, revenue, cost,
                               nothing, _trend(lines, complete), nothing, nothing)
    months = billed.quantize(Decimal("0.01"))
    average = Figure(margin / billed, f"gross margin {money(margin)} ÷ {months} months billed",
                     f"{money(margin)} ÷ {months}") if billed else \
        Figure(None, "no day billed in these months")
    ended = billing.end if billing.end and billing.end < today else None
    rate = Decimal(1) if billing.currency == currency else fx.get(billing.currency)
    cac = billing.acquisition_cost * rate if billing.acquisition_cost is not None and rate is not None else None
    return TenantEconomics(label, "tenant", lines[-1].status, lines[-1].plan, tuple(lines), billed, revenue, cost,
                           average, _trend(lines, complete), _ltv(average, churn, ended, margin, lines),
                           _payback(cac, average, billing.acquisition_cost is not None, ended, margin), ended, cac)


def _trend(lines: list[MonthLine], complete: set[Month]) -> Figure:
    points = [line.margin for line in lines if line.month in complete and line.billed_share == 1][-TREND_MONTHS:]
    if len(points) < MIN_TREND_POINTS:
        return Figure(None, f"fewer than {MIN_TREND_POINTS} complete months billed")
    return Figure(slope(points), f"least-squares slope of the monthly gross margin over the last {len(points)} "
                                 "complete months billed", f"over {len(points)} months")


def _ltv(average: Figure, churn: Churn, ended: date | None, margin: Decimal, lines: list[MonthLine]) -> Figure:
    if ended is not None:
        return Figure(margin, f"realized: billing ended {ended.isoformat()}; gross margin of its months from "
                              f"{lines[0].month.label} (the report's range)", f"realized, ended {ended.isoformat()}")
    if average.value is None:
        return Figure(None, average.formula)
    if churn.rate is None:
        return Figure(None, f"no churn rate: {churn.explanation}")
    if churn.rate == 0:
        return Figure(None, "a declared churn of 0 means an endless lifetime: LTV is not finite")
    if average.value <= 0:
        return Figure(None, f"negative margin: no lifetime value (average monthly gross margin "
                            f"{money(average.value)})")
    return Figure(average.value / churn.rate, f"average monthly gross margin {money(average.value)} ÷ monthly "
                                              f"churn {percent(churn.rate)} ({churn.source})",
                  f"{money(average.value)} ÷ {percent(churn.rate)}")


def _payback(cac: Decimal | None, average: Figure, declared: bool, ended: date | None,
             margin: Decimal) -> Figure:
    if not declared:
        return Figure(None, "no billing.acquisition_cost in the tenant file")
    if cac is None:
        return Figure(None, "acquisition cost in a currency without an exchange rate")
    if ended is not None:
        verdict = "paid back" if margin >= cac else "never paid back"
        return Figure(None, f"{verdict}: billing ended {ended.isoformat()} with a realized gross margin of "
                            f"{money(margin)} against an acquisition cost of {money(cac)} (in the report's range)")
    if average.value is None:
        return Figure(None, average.formula)
    if average.value <= 0:
        return Figure(None, f"never at this margin: acquisition cost {money(cac)}, average monthly gross margin "
                            f"{money(average.value)}")
    return Figure(cac / average.value, f"acquisition cost {money(cac)} ÷ average monthly gross margin "
                                       f"{money(average.value)}", f"{money(cac)} ÷ {money(average.value)}")


def creation_days(accounts: list[Account], account_tenants: Mapping[str, str]) -> dict[str, date]:
    return {account_tenants[a.sid]: a.created for a in accounts if a.sid in account_tenants and a.created}
