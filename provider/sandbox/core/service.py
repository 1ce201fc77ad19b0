"""The base of each emulated Twilio API's state and rules: composition over the backend's store, never a mixin.

A service reads and writes the store's tables under its lock, makes SIDs and persists through it, and reaches the
services it depends on through it (`self.store.trusthub`, ...). What flows the other way ("a number left its
account", "an account closed", "a service was deleted") goes through store events, so no two services import each
other.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import NotFound

if TYPE_CHECKING:
    from ..api_v2010.models import Account, IncomingNumber
    from ..backend import TwilioBackend
    from .store import Clock


class Events:
    """Store events: a name, and the handlers services subscribed to it (called under the store's lock)."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[..., None]]] = {}

    def subscribe(self, name: str, handler: Callable[..., None]) -> None:
        self._handlers.setdefault(name, []).append(handler)

    def emit(self, name: str, *args: Any) -> None:
        for handler in self._handlers.get(name, ()):
            handler(*args)


NUMBER_LEFT_ACCOUNT = "number left its account"  # (number sid): released, transferred, or its account closed
ACCOUNT_CLOSED = "account closed"  # (account sid)
SERVICE_DELETED = "messaging service deleted"  # (service sid)
ROW_LOADED = "row loaded"  # (table name, row): restored from the state file or its journal
ROW_DROPPED = "row dropped"  # (table name, row): replaced by a journal entry being replayed


class Service:
    def __init__(self, store: TwilioBackend):
        self.store = store

    @property
    def lock(self) -> threading.RLock:
        return self.store.lock

    @property
    def clock(self) -> Clock:
        return self.store.clock

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        return self.store.tables

    @property
    def lists(self) -> dict[str, dict[str, list[Any]]]:
        return self.store.lists

    @property
    def accounts(self) -> dict[str, Account]:
        return self.store.accounts

    @property
    def numbers(self) -> dict[str, IncomingNumber]:
        return self.store.numbers

    @property
    def parent_sid(self) -> str:
        return self.store.parent_sid

    def _sid(self, prefix: str) -> str:
        return self.store.new_sid(prefix)

    def _persist(self, *account_sids: str) -> None:
        self.store.persist(*account_sids)

    def _mine(self, table: str, account: Account, sid: str, path: str) -> Any:
        """A row of one of the per-account tables, or 404 as Twilio answers for another account's SID."""
        with self.lock:
            item = self.tables[table].get(sid)
            if item is None or item.account_sid != account.sid:
                raise NotFound(path)
            return item
