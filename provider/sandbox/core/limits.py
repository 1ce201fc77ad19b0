"""Twilio's concurrency limit: too many requests in flight for one account are refused with 429 / 20429.

The refused request is never processed. The answer carries `Twilio-Concurrent-Requests` (how many were in flight).
A request counts as in flight for its whole life in the stand-in, latency included, as it would at Twilio.
Which account a request counts against is an assumption (docs/stand-in.md, "What the stand-in assumes"): the account whose
credentials sent it (an API key counts against the account that owns the key).
"""
from __future__ import annotations

from collections import Counter

DEFAULT_MAX_IN_FLIGHT = 100  # the figure commonly reported for Twilio accounts


class InFlightLimit:
    """Counts requests in flight per account; the event loop is single-threaded, so no lock is needed."""

    def __init__(self, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT):
        self.configure(max_in_flight)
        self.in_flight: Counter[str] = Counter()
        self.refused = 0

    def configure(self, max_in_flight: int) -> None:
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or max_in_flight < 1:
            raise ValueError("max_in_flight must be a whole number >= 1")
        self.max_in_flight = max_in_flight

    def enter(self, account: str | None) -> int | None:
        """None when admitted (call leave() when done), else how many are in flight (the request is refused)."""
        if account is None:
            return None
        if self.in_flight[account] >= self.max_in_flight:
            self.refused += 1
            return self.in_flight[account]
        self.in_flight[account] += 1
        return None

    def leave(self, account: str | None) -> None:
        if account is not None:
            self.in_flight[account] -= 1
            if self.in_flight[account] <= 0:
                del self.in_flight[account]
