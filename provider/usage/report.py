"""Cost, revenue and gross margin per tenant, with a reconciliation to the parent's total to the cent."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from ..naming import tenant_id_from_friendly_name
from ..tenancy import Billing, Tenant
from .fetch import Account, AccountUsage
from .periods import Period
from .revenue import revenue as billed

CENT = Decimal("0.01")
TOTAL = "totalprice"
DEFAULT_CATEGORIES = ("calls", "sms", "phonenumbers")


class ReportError(Exception):
    pass


def margin_percent(margin: Decimal, revenue: Decimal | None) -> Decimal | None:
    """Gross margin as a percentage of revenue, to one place; None without revenue."""
    return (margin / revenue * 100).quantize(Decimal("0.1")) if revenue else None


class Costed(Protocol):
    @property
    def cost(self) -> Decimal: ...


class Reconciled:
    """Lines that must add up to the parent's total with subaccounts, to the cent: a report, or one month of one."""

    lines: Sequence[Costed]
    parent_total: Decimal

    @property
    def accounted(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))

    @property
    def difference(self) -> Decimal:
        return self.parent_total - self.accounted

    @property
    def reconciled(self) -> bool:
        return self.difference.quantize(CENT) == 0


@dataclass(frozen=True)
class Line:
    label: str
    kind: str  # tenant | unmapped | parent | deleted (closed tenants' subaccounts Twilio has deleted)
    account_sid: str
    status: str
    costs: dict[str, Decimal]  # by category, plus "other" for what the chosen categories do not cover
    cost: Decimal
    revenue: Decimal | None = None
    plan: str | None = None

    @property
    def margin(self) -> Decimal:
        """Revenue minus cost for every line, so the column adds up: a line nobody pays for (the parent's own
        usage, an unmapped or unbilled account) is cost without revenue, a negative margin of its own."""
        return (self.revenue or Decimal(0)) - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return margin_percent(self.margin, self.revenue)


@dataclass
class Report(Reconciled):
    period: Period
    currency: str
    categories: tuple[str, ...]
    lines: list[Line]
    parent_total: Decimal
    fx: dict[str, Decimal] = field(default_factory=dict)
    fx_source: str = ""  # where the rates come from (fx-rates.yaml and its date, --fx overrides)
    only: frozenset[str] | None = None  # tenants to show; reconciliation always covers every line

    @property
    def shown(self) -> list[Line]:
        return [line for line in self.lines if self.only is None or line.label in self.only]

    @property
    def revenue(self) -> Decimal:
        return sum((line.revenue or Decimal(0) for line in self.lines), Decimal(0))


def map_accounts(accounts: Iterable[Account], outputs: Mapping[str, str] | None) -> dict[str, str]:
    """account SID -> tenant id: the stack outputs (tenant -> SID) first when given, then the friendly names
    (`tenant:<id>`) for the accounts and tenants the outputs do not cover, so every mapping gives the same lines.
    Only accounts Twilio still lists are mapped: a SID the outputs keep for a subaccount Twilio deleted maps
    nothing (its tenant's spend is on the `deleted` line)."""
    listed = list(accounts)
    present = {a.sid for a in listed}
    mapped = {sid: tenant for tenant, sid in (outputs or {}).items() if sid in present}
    taken = set(mapped.values())
    for account in listed:
        tenant = tenant_id_from_friendly_name(account.friendly_name)
        if tenant and account.sid not in mapped and tenant not in taken:
            mapped[account.sid] = tenant
            taken.add(tenant)
    return mapped


def billing_from_creation(billing: Billing, created: date | None) -> Billing:
    """Billing without `start` begins on the day the tenant's subaccount was created, never before it: revenue
    that could not have happened is never counted. `start` in the file overrides it (a tenant adopted later)."""
    if billing.start is not None or created is None:
        return billing
    return replace(billing, start=created)


def build_report(*, period: Period, parent_sid: str, accounts: list[Account], usage: Mapping[str, AccountUsage],
                 parent_own: AccountUsage, parent_all: AccountUsage, tenants: Mapping[str, Tenant],
                 account_tenants: Mapping[str, str], categories: tuple[str, ...] = DEFAULT_CATEGORIES,
                 fx: Mapping[str, Decimal] | None = None) -> Report:
    fx = dict(fx or {})
    units = set(parent_all.units) | set(parent_own.units)
    for item in usage.values():
        units |= item.units
    if len(units) > 1:
        raise ReportError(f"Twilio reported prices in several currencies ({', '.join(sorted(units))}); "
                          "they cannot be added up")
    currency = (units.pop() if units else "usd").upper()

    def costs_of(item: AccountUsage) -> tuple[dict[str, Decimal], Decimal]:
        total = item.prices.get(TOTAL, Decimal(0))
        chosen = {c: item.prices.get(c, Decimal(0)) for c in categories}
        chosen["other"] = total - sum(chosen.values(), Decimal(0))
        return chosen, total

    missing_fx = sorted({t.billing.currency for t in tenants.values()
                         if t.billing and t.billing.currency != currency and t.billing.currency not in fx})
    if missing_fx:
        who = sorted(t.id for t in tenants.values() if t.billing and t.billing.currency in missing_fx)
        raise ReportError(f"revenue of {', '.join(who)} is in {', '.join(missing_fx)} but costs are in {currency}: "
                          f"mixed currencies are not added up; add a rate to fx-rates.yaml (reviewed), or give one "
                          f"for this run, e.g. --fx {missing_fx[0]}=1.27")

    lines = []
    statuses = {a.sid: a.status for a in accounts}
    created = {a.sid: a.created for a in accounts}
    for sid, item in sorted(usage.items()):
        tenant_id = account_tenants.get(sid)
        tenant = tenants.get(tenant_id) if tenant_id else None
        costs, total = costs_of(item)
        revenue = plan = None
        if tenant and tenant.billing:
            billing = billing_from_creation(tenant.billing, created.get(sid))
            rate = Decimal(1) if billing.currency == currency else fx[billing.currency]
            # Billed in cents: the revenue of a partial period is rounded once, here, and adds up from then on.
            revenue = (billed(billing, period.start, period.end) * rate).quantize(CENT)
            plan = billing.terms_on(min(period.end, billing.end or period.end))[0]
        if total == 0 and revenue is None and not tenant:
            continue  # an unmapped account with nothing in the period
        lines.append(Line(tenant_id or f"unmapped {sid}", "tenant" if tenant_id else "unmapped", sid,
                          statuses.get(sid, "?"), costs, total, revenue, plan))
    own_costs, own_total = costs_of(parent_own)
    lines.append(Line("parent (own usage)", "parent", parent_sid, "active", own_costs, own_total))
    parent_total = parent_all.prices.get(TOTAL, Decimal(0))
    deleted = _deleted_line(tenants, {account_tenants[sid] for sid in usage if sid in account_tenants},
                            parent_total - sum((ln.cost for ln in lines), Decimal(0)), categories, period, currency,
                            fx)
    if deleted is not None:
        lines.append(deleted)
    lines.sort(key=lambda line: (line.kind == "parent", line.kind in ("unmapped", "deleted"), line.label))
    return Report(period, currency, tuple(categories), lines, parent_total, fx)


def _deleted_line(tenants: Mapping[str, Tenant], mapped: set[str], unexplained: Decimal,
                  categories: tuple[str, ...], period: Period, currency: str,
                  fx: Mapping[str, Decimal]) -> Line | None:
    """Twilio deletes a closed subaccount 30 days after closing: its own records are gone (404), while the parent's
    total still holds what it spent. When closed tenants have no subaccount any more, that remainder is theirs,
    shown on one labelled line (per-tenant data is no longer available), never silently left out; and so is what
    they were billed in the period, so their revenue is not lost either."""
    gone = sorted(t.id for t in tenants.values() if t.status == "closed" and t.id not in mapped)
    revenue = Decimal(0)
    for tenant_id in gone:
        billing = tenants[tenant_id].billing
        if billing is not None:
            rate = Decimal(1) if billing.currency == currency else fx[billing.currency]
            revenue += (billed(billing, period.start, period.end) * rate).quantize(CENT)
    if not gone or (unexplained.quantize(CENT) == 0 and revenue == 0):
        return None
    costs = {c: Decimal(0) for c in categories}
    costs["other"] = unexplained
    return Line(f"deleted by Twilio after closing, per-tenant data no longer available: {', '.join(gone)}",
                "deleted", "", "deleted", costs, unexplained, revenue if revenue else None)
