"""Deterministic fault injection: the failures a real Twilio client must survive, on demand.

`drop` loses the request before anything happens; `commit-drop` performs the write and then loses the
response (the case that makes naive retries buy a number twice); `slow` answers late enough to hit client
timeouts, after the write is done.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

MAX_DELAY_MS = 600_000.0  # ten minutes: longer than any client waits
KINDS = ("429", "500", "503", "slow", "drop", "commit-drop")
BEFORE = {"429", "500", "503", "drop"}  # the request is not carried out
AFTER = {"slow", "commit-drop"}  # the request is carried out, the answer is late or lost


@dataclass
class FaultPlan:
    rate: float = 0.0
    seed: int | None = None
    kinds: tuple[str, ...] = KINDS
    latency_ms: float = 0.0
    slow_ms: float = 3000.0
    retry_after_s: int = 1
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        for name in ("latency_ms", "slow_ms"):
            value = getattr(self, name)
            if not math.isfinite(value) or not 0 <= value <= MAX_DELAY_MS:
                raise ValueError(f"{name} must be a number of milliseconds from 0 to {MAX_DELAY_MS}")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}; known: {', '.join(KINDS)}")
        self._rng = random.Random(self.seed)

    def decide(self, method: str) -> str | None:
        """The fault for this request, if any. Reads consume the same randomness, so runs replay exactly."""
        if self.rate <= 0 or self._rng.random() >= self.rate:
            return None
        kind = self._rng.choice(self.kinds)
        if kind == "commit-drop" and method not in ("POST", "DELETE"):
            return "drop"
        return kind

    def configure(self, *, rate: float | None = None, kinds: tuple[str, ...] | None = None,
                  seed: int | None = None, latency_ms: float | None = None,
                  slow_ms: float | None = None) -> None:
        new = FaultPlan(rate=self.rate if rate is None else rate, seed=self.seed if seed is None else seed,
                        kinds=self.kinds if kinds is None else kinds,
                        latency_ms=self.latency_ms if latency_ms is None else latency_ms,
                        slow_ms=self.slow_ms if slow_ms is None else slow_ms, retry_after_s=self.retry_after_s)
        self.__dict__.update(new.__dict__)
