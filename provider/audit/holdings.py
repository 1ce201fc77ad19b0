"""What Twilio holds under a parent account, read with one request per listing page and nothing else.

Per open subaccount: its numbers, API keys and usage triggers (with the parent's credentials), its Messaging
Services and A2P brands (Messaging v1 lists what the authenticating account holds: with the subaccount's token,
which the account listing already carries). Suspended subaccounts cannot authenticate: their messaging is not
listed, and the audit says so.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

PAGE = 1000


@dataclass(frozen=True)
class Item:
    sid: str
    name: str  # friendly name (or the number, for a number)
    detail: str = ""  # a number's type; a brand's status


@dataclass
class AccountHoldings:
    sid: str
    friendly_name: str
    status: str
    is_parent: bool
    numbers: list[Item] = field(default_factory=list)
    keys: list[Item] = field(default_factory=list)
    triggers: list[Item] = field(default_factory=list)
    services: list[Item] = field(default_factory=list)
    brands: list[Item] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # what could not be listed, and why


@dataclass
class Holdings:
    parent_sid: str
    accounts: dict[str, AccountHoldings]
    requests: int = 0


def _number_type(number: Any) -> str:
    phone = str(number.phone_number)
    return "toll_free" if phone[:5] in {"+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888"} else "local"


def read_holdings(parent: Any, parent_sid: str, client_as: Callable[[str, str], Any], concurrency: int = 8
                  ) -> Holdings:
    """`parent`: a client with the parent's credentials; `client_as(sid, token)`: one acting as a subaccount."""
    counted = [0]
    lock = threading.Lock()

    def listed(call: Callable[[], list[Any]]) -> list[Any]:
        with lock:
            counted[0] += 1  # the SDK follows pages itself; a page of 1,000 holds any tenant's share
        return call()

    accounts = listed(lambda: parent.api.v2010.accounts.list(page_size=PAGE))
    holdings = {a.sid: AccountHoldings(a.sid, a.friendly_name or "", a.status, a.sid == parent_sid)
                for a in accounts}
    tokens = {a.sid: getattr(a, "auth_token", None) for a in accounts}

    def read(held: AccountHoldings) -> None:
        if held.status == "closed":
            return
        api = parent.api.v2010.accounts(held.sid)
        held.numbers = [Item(n.sid, n.phone_number, _number_type(n))
                        for n in listed(lambda: api.incoming_phone_numbers.list(page_size=PAGE))]
        if held.is_parent:
            return  # the parent's own keys, triggers and services are the platform's business, not a tenant's
        held.keys = [Item(k.sid, k.friendly_name or "") for k in listed(lambda: api.keys.list(page_size=PAGE))]
        held.triggers = [Item(t.sid, t.friendly_name or "")
                         for t in listed(lambda: api.usage.triggers.list(page_size=PAGE))]
        token = tokens.get(held.sid)
        if held.status != "active" or not token:
            held.unread.append(f"messaging not listed: the subaccount is {held.status}")
            return
        sub = client_as(held.sid, token)
        held.services = [Item(s.sid, s.friendly_name or "")
                         for s in listed(lambda: sub.messaging.v1.services.list(page_size=PAGE))]
        held.brands = [Item(b.sid, b.sid, b.status or "")
                       for b in listed(lambda: sub.messaging.v1.brand_registrations.list(page_size=PAGE))]

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="audit") as pool:
        list(pool.map(read, holdings.values()))
    return Holdings(parent_sid, holdings, counted[0])


def open_accounts(holdings: Holdings) -> list[AccountHoldings]:
    return [a for a in holdings.accounts.values() if a.status != "closed"]


__all__ = ["AccountHoldings", "Holdings", "Item", "open_accounts", "read_holdings"]


