"""The monthly series: for each month, the single-period report's lines (tenants, unmapped accounts, the parent's
own usage, deleted subaccounts), reconciled to the parent's total to the cent, and the parent's own usage either left
out of tenant margins or allocated to them by the declared rule."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from ..tenancy import Billing, Tenant
from ..usage.fetch import Account, AccountUsage
from ..usage.report import Line, Reconciled, billing_from_creation, build_report, margin_percent
from .assumptions import SharedCosts
from .months import Month

PLACES = Decimal("0.0001")  # Twilio's four places: allocated shares add up to the parent's cost exactly


@dataclass(frozen=True)
class MonthLine:
    month: Month
    label: str
    kind: str  # tenant | unmapped | parent | deleted
    account_sid: str
    status: str
    costs: dict[str, Decimal]  # the account's own cost by category, plus "other"
    own_cost: Decimal
    shared: Decimal  # the parent's own usage allocated to this line (negative on the parent's line)
    revenue: Decimal | None
    plan: str | None
    billed_share: Decimal  # days billed in the month / days of the month

    @property
    def cost(self) -> Decimal:
        return self.own_cost + self.shared

    @property
    def margin(self) -> Decimal:
        return (self.revenue or Decimal(0)) - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_percent(self.margin, self.revenue)


@dataclass(frozen=True)
class MonthResult(Reconciled):
    month: Month
    in_progress: bool
    lines: tuple[MonthLine, ...]
    parent_total: Decimal
    allocated: Decimal  # of the parent's own usage, to tenants

    @property
    def revenue(self) -> Decimal:
        return sum((line.revenue or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.parent_total

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_percent(self.margin, self.revenue)

    @property
    def tenants_billed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "tenant" and line.billed_share > 0)


def billed_share(billing: Billing | None, month: Month, today: date) -> Decimal:
    if billing is None:
        return Decimal(0)
    first = max(month.first, billing.start or month.first)
    last = min(month.last, today, billing.end or month.last)
    return Decimal(max((last - first).days + 1, 0)) / Decimal(month.days)


def month_result(month: Month, today: date, *, parent_sid: str, accounts: list[Account],
                 usage: Mapping[str, AccountUsage], parent_own: AccountUsage, parent_all: AccountUsage,
                 tenants: Mapping[str, Tenant], account_tenants: Mapping[str, str], categories: tuple[str, ...],
                 fx: Mapping[str, Decimal], shared_costs: SharedCosts) -> MonthResult:
    report = build_report(period=month.period(today), parent_sid=parent_sid, accounts=accounts, usage=usage,
                          parent_own=parent_own, parent_all=parent_all, tenants=tenants,
                          account_tenants=account_tenants, categories=categories, fx=fx)
    lines = []
    created = {a.sid: a.created for a in accounts}
    for line in report.lines:
        tenant = tenants.get(line.label) if line.kind == "tenant" else None
        if line.kind == "tenant" and line.cost == 0 and not line.revenue:
            continue  # before the tenant existed or was billed: nothing to show
        billing = billing_from_creation(tenant.billing, created.get(line.account_sid)) \
            if tenant and tenant.billing else None  # the same days the revenue was billed for
        lines.append(_month_line(month, line, billed_share(billing, month, today)))
    lines, allocated = allocate(lines, shared_costs)
    return MonthResult(month, month.last >= today, tuple(lines), report.parent_total, allocated)


def _month_line(month: Month, line: Line, share: Decimal) -> MonthLine:
    return MonthLine(month, line.label, line.kind, line.account_sid, line.status, line.costs, line.cost, Decimal(0),
                     line.revenue, line.plan, share)


def allocate(lines: list[MonthLine], rule: SharedCosts) -> tuple[list[MonthLine], Decimal]:
    """Moves the parent's own cost onto the tenants' lines by `rule`, to four places, exactly: shares are rounded
    down and the last ten-thousandths go to the largest remainders (ties by label), so they add up to the cost."""
    parent = next((line for line in lines if line.kind == "parent"), None)
    tenants = [line for line in lines if line.kind == "tenant"]
    if rule == "exclude" or parent is None or parent.own_cost == 0 or not tenants:
        return lines, Decimal(0)
    weights = {line.label: (line.own_cost if rule == "usage_share" else Decimal(1)) for line in tenants}
    whole = sum(weights.values(), Decimal(0))
    if whole <= 0:
        return lines, Decimal(0)  # no tenant used anything: nothing to share by usage, the cost stays the parent's
    exact = {label: parent.own_cost * weight / whole for label, weight in weights.items()}
    shares = {label: value.quantize(PLACES, rounding=ROUND_DOWN) for label, value in exact.items()}
    left = int((parent.own_cost - sum(shares.values(), Decimal(0))) / PLACES)
    for label in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[label] += PLACES
    allocated = sum(shares.values(), Decimal(0))
    out = []
    for line in lines:
        if line.kind == "tenant":
            line = replace(line, shared=shares[line.label])
        elif line is parent:
            line = replace(line, shared=-allocated)
        out.append(line)
    return out, allocated
