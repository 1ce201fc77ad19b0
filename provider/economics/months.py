"""The months of a report: `--from YYYY-MM` to `--to YYYY-MM`, never in the future; the current month ends today."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..usage.periods import Period, PeriodError

DEFAULT_MONTHS = 12


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str, flag: str) -> Month:
        if not re.fullmatch(r"\d{4}-\d{2}", text or ""):
            raise PeriodError(f"{flag} must be YYYY-MM, got {text!r}")
        year, month = map(int, text.split("-"))
        if not 1 <= month <= 12 or year < 2000:
            raise PeriodError(f"{flag} has no month {text}")
        return cls(year, month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month.of(self.last + timedelta(days=1))

    def minus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)

    def period(self, today: date) -> Period:
        """The month as a report period: up to today while it is in progress."""
        return Period(self.first, min(self.last, today), self.last)

    def closed(self, today: date, settle_days: int) -> bool:
        """Ended at least `settle_days` ago: Twilio may still add late usage to a month's last days."""
        return self.last + timedelta(days=settle_days) < today


def month_range(start: str | None, end: str | None, today: date) -> list[Month]:
    """--from/--to as months (default: the last 12 months, this one included)."""
    last = Month.parse(end, "--to") if end else Month.of(today)
    first = Month.parse(start, "--from") if start else last.minus(DEFAULT_MONTHS - 1)
    if last < first:
        raise PeriodError(f"--to {last.label} is before --from {first.label}")
    if first.first > today:
        raise PeriodError(f"{first.label} is in the future (today is {today.isoformat()})")
    if last.first > today:
        raise PeriodError(f"--to {last.label} is in the future (today is {today.isoformat()})")
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    if len(months) > 120:
        raise PeriodError(f"{len(months)} months asked for; at most 120 (ten years) in one report")
    return months
