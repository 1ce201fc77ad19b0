"""Deterministic synthetic usage: what each account used and paid per day and category.

Calls and SMS follow from a hash of (account, day), so any period's totals are reproducible; phone
numbers accrue their monthly price day by day while an account owns them. Prices are Decimals with
four places, as Twilio's strings; every aggregate is an exact sum of daily values, so a parent's total
with its subaccounts equals the sum of the parts to the cent.
"""
from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

PLACES = Decimal("0.0001")
NUMBER_MONTHLY_PRICE = {"local": Decimal("1.15"), "mobile": Decimal("1.15"), "toll_free": Decimal("2.15")}
CALL_MINUTE_PRICE = Decimal("0.0140")
SMS_PRICE = Decimal("0.0079")

# category -> (description, count_unit, usage_unit)
CATEGORIES: dict[str, tuple[str, str, str]] = {
    "calls": ("Voice Minutes", "calls", "minutes"),
    "calls-inbound": ("Inbound Voice Minutes", "calls", "minutes"),
    "calls-outbound": ("Outbound Voice Minutes", "calls", "minutes"),
    "sms": ("SMS Messages", "messages", "messages"),
    "sms-inbound": ("Inbound SMS Messages", "messages", "messages"),
    "sms-outbound": ("Outbound SMS Messages", "messages", "messages"),
    "phonenumbers": ("Phone Numbers", "phone-numbers", "phone-numbers"),
    "phonenumbers-local": ("Local Phone Numbers", "phone-numbers", "phone-numbers"),
    "phonenumbers-mobile": ("Mobile Phone Numbers", "phone-numbers", "phone-numbers"),
    "phonenumbers-tollfree": ("Toll-free Phone Numbers", "phone-numbers", "phone-numbers"),
    "sms-messages-carrierfees": ("Carrier fees for SMS", "messages", "messages"),
    "a2p-registration-fees": ("A2P Registration Fees", "", "usd"),
    "a2p-10dlc-registrationfees-brandregistration": ("A2P 10DLC brand registration", "registrations", "usd"),
    "a2p-10dlc-registrationfees-campaignvetting": ("A2P 10DLC campaign vetting", "campaigns", "usd"),
    "a2p-10dlc-registrationfees-monthly": ("A2P 10DLC campaign monthly fee", "campaigns", "usd"),
    "totalprice": ("Total Price", "", "usd"),
}
# What US texting registration costs, billed on the stand-in's clock (Twilio's list prices; mock brands are free).
BRAND_REGISTRATION_FEE = Decimal("4.00")
CAMPAIGN_VETTING_FEE = Decimal("15.00")
CAMPAIGN_MONTHLY_FEE = Decimal("10.00")
CARRIER_FEE_PER_SMS = Decimal("0.0030")  # per outbound SMS while the account's campaign is live
# Twilio's hierarchy, as far as the stand-in models it: each parent is exactly the sum of its parts.
PARTS = {
    "calls": ("calls-inbound", "calls-outbound"),
    "sms": ("sms-inbound", "sms-outbound", "sms-messages-carrierfees"),
    "phonenumbers": ("phonenumbers-local", "phonenumbers-mobile", "phonenumbers-tollfree"),
    "a2p-registration-fees": ("a2p-10dlc-registrationfees-brandregistration",
                              "a2p-10dlc-registrationfees-campaignvetting", "a2p-10dlc-registrationfees-monthly"),
    "totalprice": ("calls", "sms", "phonenumbers", "a2p-registration-fees"),
}
_NUMBER_PART = {"local": "phonenumbers-local", "mobile": "phonenumbers-mobile", "toll_free": "phonenumbers-tollfree"}


@dataclass(frozen=True)
class Amount:
    count: int
    usage: Decimal
    price: Decimal

    def __add__(self, other: Amount) -> Amount:
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
    """Calls and SMS of one account on one day, inbound and outbound, with the parents their exact sums."""
    h = _hash_int(account_sid, day.isoformat())
    calls = h % 40
    per_call = 1 + (h >> 8) % 6
    messages = (h >> 16) % 120
    calls_in = calls * (1 + (h >> 24) % 9) // 10
    messages_in = messages * (1 + (h >> 32) % 9) // 10
    parts = {
        "calls-inbound": _calls(calls_in, per_call), "calls-outbound": _calls(calls - calls_in, per_call),
        "sms-inbound": _messages(messages_in), "sms-outbound": _messages(messages - messages_in),
    }
    return {**parts, "calls": parts["calls-inbound"] + parts["calls-outbound"],
            "sms": parts["sms-inbound"] + parts["sms-outbound"]}


def _calls(count: int, per_call: int) -> Amount:
    minutes = Decimal(count * per_call)
    return Amount(count, minutes, (minutes * CALL_MINUTE_PRICE).quantize(PLACES))


def _messages(count: int) -> Amount:
    return Amount(count, Decimal(count), (count * SMS_PRICE).quantize(PLACES))


def number_day_price(number_type: str, day: date) -> Decimal:
    days = calendar.monthrange(day.year, day.month)[1]
    return (NUMBER_MONTHLY_PRICE.get(number_type, Decimal("1.15")) / days).quantize(PLACES)


@dataclass(frozen=True)
class Charge:
    """A fee an account owes from `start`: `one_time` on that day, `monthly` accrued day by day until `end`
    (exclusive; None: still running). Recorded when the billable thing is made, so history never changes."""

    category: str
    start: date
    end: date | None = None
    one_time: Decimal = Decimal(0)
    monthly: Decimal = Decimal(0)

    def on(self, day: date) -> Decimal:
        price = self.one_time if day == self.start else Decimal(0)
        if self.monthly and self.start <= day and (self.end is None or day < self.end):
            price += (self.monthly / calendar.monthrange(day.year, day.month)[1]).quantize(PLACES)
        return price


def daily_usage(account_sid: str, day: date, active: bool, owned: Iterable[Ownership],
                charges: Iterable[Charge] = ()) -> dict[str, Amount]:
    """All categories of one account on one day, totalprice last."""
    quiet = {c: ZERO for c in ("calls", "calls-inbound", "calls-outbound", "sms", "sms-inbound", "sms-outbound")}
    result = dict(traffic(account_sid, day)) if active else quiet
    fees = {part: ZERO for part in PARTS["a2p-registration-fees"]}
    live_campaign = False
    for charge in charges:
        price = charge.on(day)
        if price:
            fees[charge.category] = fees[charge.category] + Amount(1 if charge.one_time and day == charge.start
                                                                   else 0, price, price)
        live_campaign |= charge.category == "a2p-10dlc-registrationfees-monthly" and price > 0
    outbound = result["sms-outbound"].count if live_campaign else 0
    result["sms-messages-carrierfees"] = Amount(outbound, Decimal(outbound),
                                                (outbound * CARRIER_FEE_PER_SMS).quantize(PLACES))
    result["sms"] = sum((result[p] for p in PARTS["sms"]), ZERO)
    result.update(fees)
    result["a2p-registration-fees"] = sum((fees[p] for p in PARTS["a2p-registration-fees"]), ZERO)
    numbers = [o for o in owned if o.start <= day and (o.end is None or day < o.end)]
    for part in PARTS["phonenumbers"]:
        held = [o for o in numbers if _NUMBER_PART.get(o.number_type, "phonenumbers-local") == part]
        result[part] = Amount(len(held), Decimal(len(held)),
                              sum((number_day_price(o.number_type, day) for o in held), Decimal(0)))
    result["phonenumbers"] = sum((result[p] for p in PARTS["phonenumbers"]), ZERO)
    total = sum((result[c].price for c in PARTS["totalprice"]), Decimal(0))
    result["totalprice"] = Amount(0, total, total)
    return {c: result[c] for c in CATEGORIES}


def days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
