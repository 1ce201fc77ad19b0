"""A process-wide cap on requests in flight to Twilio, so every stack of one parent account together stays under
Twilio's concurrency limit (429 / 20429 past it): `tenantctl fleet` gives each shard's processes a share."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None
_limit: int | None = None


def configure_budget(limit: int | None) -> None:
    """None: no cap of our own (Twilio's still applies, and 429s are retried)."""
    global _slots, _limit
    if limit is not None and limit < 1:
        raise ValueError("the in-flight budget must be at least 1")
    with _lock:
        if limit != _limit:
            _limit, _slots = limit, (threading.BoundedSemaphore(limit) if limit else None)


@contextlib.contextmanager
def slot() -> Iterator[None]:
    slots = _slots
    if slots is None:
        yield
        return
    with slots:
        yield
