"""Usage Records per subaccount, fetched concurrently with a bounded number in flight.

Each worker thread has its own SDK client (its own HTTP session); the retry layer handles 429s with backoff.
Any account that cannot be fetched fails the whole fetch: a partial table is never presented as complete.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from twilio.rest import Client

from .periods import Period


class FetchError(Exception):
    """One account's usage could not be fetched; `cause` is Twilio's (or the network's) error."""

    def __init__(self, message: str, cause: BaseException):
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class AccountUsage:
    account_sid: str
    prices: dict[str, Decimal]  # category -> price
    units: frozenset[str]  # price_unit values seen


@dataclass(frozen=True)
class Account:
    sid: str
    friendly_name: str
    status: str
    created: date | None = None


def add_up(account_sid: str, records: Iterable[Any]) -> AccountUsage:
    """Usage records (any granularity) summed by category, as exact Decimals from Twilio's strings."""
    prices: dict[str, Decimal] = {}
    units = set()
    for record in records:
        price = Decimal(str(record.price)) if record.price is not None else Decimal(0)
        prices[record.category] = prices.get(record.category, Decimal(0)) + price
        if record.price_unit:
            units.add(record.price_unit.lower())
    return AccountUsage(account_sid, prices, frozenset(units))


T = TypeVar("T")
R = TypeVar("R")


def fetch_all(fetch: Callable[[T], R], items: Iterable[T], concurrency: int, what: Callable[[T], str],
              progress: Callable[[], None] | None = None) -> dict[T, R]:
    """`fetch` of every item, `concurrency` at a time; the first failure fails the whole fetch (FetchError)."""
    results: dict[T, R] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="usage") as pool:
        futures = {pool.submit(fetch, item): item for item in items}
        try:
            for future in as_completed(futures):
                item = futures[future]
                try:
                    results[item] = future.result()
                except Exception as error:
                    raise FetchError(f"could not fetch usage of {what(item)}", error) from None
                if progress:
                    progress()
        except BaseException:
            for pending in futures:
                pending.cancel()
            raise
    return results


class UsageFetcher:
    def __init__(self, make_client: Callable[[], Client], concurrency: int = 16, page_size: int = 1000):
        self.make_client = make_client
        self.concurrency = max(1, concurrency)
        self.page_size = page_size
        self._local = threading.local()

    def client(self) -> Client:
        if getattr(self._local, "client", None) is None:
            self._local.client = self.make_client()
        return self._local.client

    def accounts(self) -> list[Account]:
        """The parent and its subaccounts (Twilio lists both to the parent's credentials)."""
        return [Account(a.sid, a.friendly_name, a.status, a.date_created.date() if a.date_created else None)
                for a in self.client().api.v2010.accounts.list(page_size=self.page_size)]

    def subaccounts(self, parent_sid: str) -> list[Account]:
        return [a for a in self.accounts() if a.sid != parent_sid]

    def usage(self, account_sid: str, period: Period, include_subaccounts: bool = False) -> AccountUsage:
        records = self.client().api.v2010.accounts(account_sid).usage.records.list(
            start_date=period.start, end_date=period.end, include_subaccounts=include_subaccounts, page_size=self.page_size)
        return add_up(account_sid, records)

    def usage_of(self, account_sids: Iterable[str], period: Period,
                 progress: Callable[[], None] | None = None) -> dict[str, AccountUsage]:
        return fetch_all(lambda sid: self.usage(sid, period), account_sids, self.concurrency, str, progress)
