"""Report periods: a month or a range of days, never in the future; a month in progress ends today."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    requested_end: date

    @property
    def in_progress(self) -> bool:
        return self.end < self.requested_end

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_period(period: str | None, start: str | None, end: str | None, today: date) -> Period:
    """--period YYYY-MM, or --from/--to dates. Future periods are refused; one in progress ends today."""
    if period and (start or end):
        raise PeriodError("give either --period or --from/--to, not both")
    if period:
        if not re.fullmatch(r"\d{4}-\d{2}", period):
            raise PeriodError(f"--period must be YYYY-MM, got {period!r}")
        year, month = map(int, period.split("-"))
        if not 1 <= month <= 12:
            raise PeriodError(f"--period has no month {month}")
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
    elif start and end:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError as error:
            raise PeriodError(f"dates must be YYYY-MM-DD ({error})") from None
        if last < first:
            raise PeriodError(f"--to {end} is before --from {start}")
    else:
        raise PeriodError("give --period YYYY-MM or both --from and --to")
    if first > today:
        raise PeriodError(f"the period {first.isoformat()}..{last.isoformat()} is in the future (today is "
                          f"{today.isoformat()})")
    return Period(first, min(last, today), last)
