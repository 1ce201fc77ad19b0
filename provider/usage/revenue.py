"""What a tenant is billed for some days: its terms on each day (plan changes, discounts), pro-rated by day.

A monthly price is earned evenly over the days of its month: one day of a 31-day month is 1/31 of the price in effect
that day. The result is exact (unrounded); callers bill in cents by rounding once per invoice (a period, a month).
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from ..tenancy import Billing

ONE_DAY = timedelta(days=1)


def _breakpoints(billing: Billing) -> set[date]:
    """Days on which the price may change: a change starts, a discount starts or has just ended."""
    points = {change.start for change in billing.changes}
    for discount in billing.discounts:
        if discount.start:
            points.add(discount.start)
        if discount.end and discount.end < date.max:
            points.add(discount.end + ONE_DAY)
    return points


def revenue(billing: Billing, first: date, last: date) -> Decimal:
    """Revenue earned from `first` to `last` (inclusive), within the billed days, exact."""
    start = max(first, billing.start or first)
    end = min(last, billing.end or last)
    if end < start:
        return Decimal(0)
    points = sorted(p for p in _breakpoints(billing) if start < p <= end)
    total = Decimal(0)
    day = start
    while day <= end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, month_days)
        segment_end = min(end, month_end, *(p - ONE_DAY for p in points if p > day))
        days = (segment_end - day).days + 1
        total += billing.monthly_price_on(day) * days / month_days
        day = segment_end + ONE_DAY
    return total
