"""Deterministic synthetic usage: what each account used and paid per day and category.

Calls and SMS follow from a hash of (account, day), so any period's totals are reproducible; phone
numbers accrue their monthly price day by day while an account owns them. Prices are Decimals with
four places, as Twilio's strings; every aggregate is an exact sum of daily values, so a parent's total
with its subaccounts equals the sum of the parts to the cent.
"""
from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable

PLACES = Decimal("0.0001")
NUMBER_MONTHLY_PRICE = {"local": Decimal("1.15"), "mobile": Decimal("1.15"), "toll_free": Decimal("2.15")}
CALL_MINUTE_PRICE = Decimal("0.0140")
SMS_PRICE = Decimal("0.0079")

# category -> (description, count_unit, usage_unit)
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "calls": ("Voice Minutes", "calls", "minutes"),
    "sms": ("SMS Messages", "messages", "messages"),
    "phonenumbers": ("Phone Numbers", "phone-numbers", "phone-numbers"),
    "totalprice": ("Total Price", "", "usd"),
}


@dataclass(frozen=True)
class Amount:
    count: int
    usage: Decimal
    price: Decimal

    def __add__(self, other: "Amount") -> "Amount":
        return Amount(self.count + other.count, self.usage + other.usage, self.price + other.price)


ZERO = Amount(0, Decimal(0), Decimal(0))


@dataclass(frozen=True)
class Ownership:
    """An account owned a number of a type from `start` (inclusive) to `end` (exclusive, None = still)."""

    account_sid: str
    phone_number: str
    number_type: str
    start: date
    end: date | None


def _hash_int(*parts: str) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest(), "big")


def traffic(account_sid: str, day: date) -> dict[str, Amount]:
    """Calls and SMS of one account on one day."""
    h = _hash_int(account_sid, day.isoformat())
    calls = h % 40
    minutes = Decimal(calls * (1 + (h >> 8) % 6))
    messages = (h >> 16) % 120
    return {
        "calls": Amount(calls, minutes, (minutes * CALL_MINUTE_PRICE).quantize(PLACES)),
        "sms": Amount(messages, Decimal(messages), (messages * SMS_PRICE).quantize(PLACES)),
    }


def number_day_price(number_type: str, day: date) -> Decimal:
    days = calendar.monthrange(day.year, day.month)[1]
    return (NUMBER_MONTHLY_PRICE.get(number_type, Decimal("1.15")) / days).quantize(PLACES)


def daily_usage(account_sid: str, day: date, active: bool, owned: Iterable[Ownership]) -> dict[str, Amount]:
    """All categories of one account on one day, totalprice last."""
    result = dict(traffic(account_sid, day)) if active else {"calls": ZERO, "sms": ZERO}
    numbers = [o for o in owned if o.start <= day and (o.end is None or day < o.end)]
    result["phonenumbers"] = Amount(
        len(numbers), Decimal(len(numbers)), sum((number_day_price(o.number_type, day) for o in numbers), Decimal(0))
    )
    total = sum((a.price for a in result.values()), Decimal(0))
    result["totalprice"] = Amount(0, total, total)
    return result


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
