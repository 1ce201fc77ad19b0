"""When a Twilio call may be repeated, and how long to wait: jittered exponential backoff within a time budget.

Safe to repeat: anything answered 429 (Twilio did nothing), reads and deletes, and POSTs to an existing
resource (updates set the same values again). A POST that creates something (to a list URL) is never
repeated here after a 5xx, a timeout or a dropped connection: it may have taken effect, so it surfaces as
AmbiguousCreate and the caller looks for what the first attempt made before trying again.
"""
from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_SID_SEGMENT = re.compile(r"/[A-Z]{2}[0-9a-f]{32}\.json$")
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class AmbiguousCreate(Exception):
    """A create may or may not have happened (5xx, timeout, dropped connection after sending)."""

    def __init__(self, method: str, path: str, cause: str):
        super().__init__(f"{method} {path} may or may not have taken effect ({cause})")
        self.path = path
        self.cause = cause


def is_create(method: str, url: str) -> bool:
    path = url.split("?", 1)[0]
    return method.upper() == "POST" and not _SID_SEGMENT.search(path)


@dataclass
class RetryPolicy:
    max_attempts: int = 8
    base_delay_s: float = 0.2
    max_delay_s: float = 10.0
    budget_s: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Full jitter on an exponential ceiling; a server's Retry-After is a floor."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** attempt))
        wait = self.rng.uniform(ceiling / 2, ceiling)
        if retry_after:
            try:
                wait = max(wait, min(float(retry_after), self.max_delay_s))
            except ValueError:
                pass
        return wait


class Deadline:
    def __init__(self, policy: RetryPolicy):
        self.policy = policy
        self.ends = time.monotonic() + policy.budget_s
        self.attempt = 0

    def another(self, retry_after: str | None = None) -> bool:
        """Sleep before the next attempt and say True, or say False when attempts or time ran out."""
        self.attempt += 1
        if self.attempt >= self.policy.max_attempts:
            return False
        wait = self.policy.delay(self.attempt - 1, retry_after)
        if time.monotonic() + wait > self.ends:
            return False
        self.policy.sleep(wait)
        return True
