"""`tenantctl economics` end to end: credentials, accounts, the monthly history (cached), the series, the figures."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..usage.fetch import AccountUsage
from ..usage.job import (
    ProgressCallback,
    UsageJobError,
    check_categories,
    prepare,
    tenants_of_accounts,
    twilio_failures,
)
from ..usage.options import FinanceOptions
from ..usage.report import ReportError
from .assumptions import SHARED_COSTS_RULES, Assumptions, AssumptionsError, SharedCosts, load_assumptions
from .cache import MonthCache, cache_key
from .history import OWN, WITH_SUBACCOUNTS, Ask, MonthlyHistory, asks_for
from .metrics import Churn, TenantEconomics, creation_days, measure_churn, tenant_economics
from .months import Month, month_range
from .series import MonthResult, month_result

DEFAULT_CACHE = Path(".tenantctl-cache") / "usage"


@dataclass
class EconomicsRequest(FinanceOptions):
    start: str | None = None  # YYYY-MM
    end: str | None = None
    cache_dir: Path | None = None  # None: no cache
    refetch: bool = False
    churn: Decimal | None = None  # overrides economics.yaml for one run
    shared_costs: SharedCosts | None = None
    page_size: int = 1000
    today: date | None = None  # tests pin it to the stand-in's clock


@dataclass
class Economics:
    months: list[MonthResult]
    tenants: list[TenantEconomics]
    churn: Churn
    currency: str
    categories: tuple[str, ...]
    shared_costs: SharedCosts
    shared_costs_source: str
    fx: dict[str, Decimal] = field(default_factory=dict)
    fx_source: str = ""
    only: frozenset[str] | None = None
    requests: int = 0  # usage requests sent to Twilio (first pages)
    accounts: int = 0
    cache_problem: str | None = None
    cache_tampered: tuple[str, ...] = ()  # entries that failed their keyed digest: fetched again

    @property
    def reconciled(self) -> bool:
        return all(result.reconciled for result in self.months)

    @property
    def shown(self) -> list[TenantEconomics]:
        return [t for t in self.tenants if self.only is None or t.label in self.only]

    @property
    def shared_costs_rule(self) -> str:
        return f"Shared costs (the parent's own usage): {SHARED_COSTS_RULES[self.shared_costs]} " \
               f"({self.shared_costs_source})."


def _assumptions(request: EconomicsRequest) -> Assumptions:
    try:
        assumptions = load_assumptions(request.root)
    except AssumptionsError as error:
        raise UsageJobError(f"economics.yaml has problems; nothing was reported:\n{error}", 1) from None
    if request.churn is not None:
        assumptions = replace(assumptions, churn_monthly=request.churn, churn_source="given with --churn for this run")
    if request.shared_costs is not None:
        assumptions = replace(assumptions, shared_costs=request.shared_costs,
                              shared_costs_source="--shared-costs for this run")
    return assumptions


def run_economics(request: EconomicsRequest, on_progress: ProgressCallback = lambda done, total: None) -> Economics:
    check_categories(request.categories)
    today = request.today or date.today()
    months = month_range(request.start, request.end, today)
    assumptions = _assumptions(request)
    inputs = prepare(request.tenants_dir, request.only, request.root, request.fx, request.stack, request.concurrency,
                     request.page_size)
    credentials, fetcher, tenants, rates = inputs.credentials, inputs.fetcher, inputs.tenants, inputs.rates
    cache = MonthCache(request.cache_dir, credentials.account_sid, cache_key(credentials.auth_token))
    history = MonthlyHistory(fetcher, cache, months, today, request.refetch)
    with twilio_failures(request.stack):
        everyone = fetcher.accounts()
        parent = next((a for a in everyone if a.sid == credentials.account_sid), None)
        if parent is None:
            raise UsageJobError(f"Twilio did not list the parent account {credentials.account_sid}")
        accounts = [a for a in everyone if a.sid != parent.sid]
        account_tenants = tenants_of_accounts(request.mapping, request.stack, request.root, accounts)
        asks = asks_for(parent, accounts)
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            on_progress(done, len(asks))
        on_progress(0, len(asks))
        series = history.all_series(asks, advance)
    own = {a.sid: series[Ask(a.sid, OWN, a.created)] for a in accounts}
    results = []
    try:
        for month in months:
            results.append(month_result(
                month, today, parent_sid=parent.sid, accounts=accounts,
                usage={sid: by_month[month] for sid, by_month in own.items()},
                parent_own=series[Ask(parent.sid, OWN, parent.created)][month],
                parent_all=series[Ask(parent.sid, WITH_SUBACCOUNTS, parent.created)][month],
                tenants=tenants, account_tenants=account_tenants, categories=request.categories, fx=rates.rates,
                shared_costs=assumptions.shared_costs))
    except ReportError as error:
        raise UsageJobError(str(error), 2) from None
    currency = _currency(series)
    churn = measure_churn(tenants, creation_days(accounts, account_tenants), today, assumptions.churn_monthly,
                          assumptions.churn_source)
    return Economics(results, tenant_economics(results, tenants, churn, today, rates.rates, currency), churn,
                     currency, request.categories, assumptions.shared_costs, assumptions.shared_costs_source,
                     rates.rates, rates.source, frozenset(request.only) if request.only else None, history.requests,
                     len(accounts), cache.problem, tuple(cache.tampered))


def _currency(series: dict[Ask, dict[Month, AccountUsage]]) -> str:
    units = {unit for by_month in series.values() for usage in by_month.values() for unit in usage.units}
    return (sorted(units)[0] if units else "usd").upper()
