"""Monthly usage of every account over a range of months: one request per account for all the months it still
needs (Twilio's monthly Usage Records over a date range, pages followed), closed months from the cache."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..usage.fetch import Account, AccountUsage, UsageFetcher, add_up, fetch_all
from .cache import MonthCache
from .months import Month

SETTLE_DAYS = 2  # a month is cached once it ended this many days ago (late usage has come in)
OWN, WITH_SUBACCOUNTS = "own", "all"


@dataclass(frozen=True)
class Ask:
    """What one account's series needs: the account, whose records (own, or with its subaccounts)."""

    account_sid: str
    scope: str
    created: date | None


class MonthlyHistory:
    def __init__(self, fetcher: UsageFetcher, cache: MonthCache, months: list[Month], today: date,
                 refetch: bool = False):
        self.fetcher = fetcher
        self.cache = cache
        self.months = months
        self.today = today
        self.refetch = refetch
        self.requests = 0  # usage requests sent (pages after the first not counted: the SDK follows them)
        self._count = threading.Lock()

    def series(self, ask: Ask) -> dict[Month, AccountUsage]:
        """Every month of the range for one account; months before it existed are zero."""
        cached = {} if self.refetch else self.cache.read(ask.account_sid, ask.scope, ask.created)
        wanted = [m for m in self.months if m not in cached]
        fetched: dict[Month, AccountUsage] = {}
        if wanted:
            first, last = wanted[0], wanted[-1]
            records = self.fetcher.client().api.v2010.accounts(ask.account_sid).usage.records.monthly.list(
                start_date=first.first, end_date=min(last.last, self.today),
                include_subaccounts=ask.scope == WITH_SUBACCOUNTS, page_size=self.fetcher.page_size)
            with self._count:
                self.requests += 1
            by_month: dict[Month, list[object]] = {m: [] for m in self.months if first <= m <= last}
            for record in records:
                month = Month.of(record.start_date)
                if month in by_month:
                    by_month[month].append(record)
            fetched = {m: add_up(ask.account_sid, r) for m, r in by_month.items()}
            newly_closed = {m: u for m, u in fetched.items() if m.closed(self.today, SETTLE_DAYS)}
            if newly_closed:  # a re-run that asked only for the open month has nothing new to keep
                self.cache.write(ask.account_sid, ask.scope, ask.created, {**cached, **newly_closed})
        return {m: fetched.get(m) or cached.get(m) or AccountUsage(ask.account_sid, {}, frozenset())
                for m in self.months}

    def all_series(self, asks: list[Ask], progress: Callable[[], None] | None = None
                   ) -> dict[Ask, dict[Month, AccountUsage]]:
        return fetch_all(self.series, asks, self.fetcher.concurrency, lambda a: a.account_sid, progress)


def asks_for(parent: Account, subaccounts: list[Account]) -> list[Ask]:
    return [Ask(parent.sid, OWN, parent.created), Ask(parent.sid, WITH_SUBACCOUNTS, parent.created),
            *(Ask(a.sid, OWN, a.created) for a in subaccounts)]
