"""The stand-in's state: the store (`core.store`) and, over it, one service per emulated Twilio API.

A new Twilio API adds its folder's tables to `TABLES` and its service here, and its routes to `urls.SERVICES`.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .api_v2010 import addresses as api_v2010_addresses
from .api_v2010 import models as api_v2010
from .api_v2010.models import (
    DEFAULT_MAX_SUBACCOUNTS,
    DEMO_LEGACY_ACCOUNT_SID,
    DEMO_LEGACY_NUMBER,
    DEMO_PARENT_NUMBERS,
    Account,
    ApiKey,
    IncomingNumber,
    UsageTrigger,
)
from .core.store import Clock, Store
from .messaging_v1 import models as messaging_v1
from .messaging_v1 import registration as messaging_registration
from .trusthub_v1 import models as trusthub_v1
from .voice_v1 import models as voice_v1

# Every table the store keeps and persists, by the API that owns it (name -> row type).
TABLES: dict[str, type] = {**api_v2010.TABLES, **api_v2010_addresses.TABLES, **trusthub_v1.TABLES, **messaging_v1.TABLES,
                           **messaging_registration.TABLES, **voice_v1.TABLES}
LISTS: dict[str, type] = dict(api_v2010.LISTS)


class TwilioBackend(Store):
    """The store and its services: `v2010` (accounts, numbers, keys, tokens, triggers, usage), `addresses`, `trusthub`,
    `messaging`, `registration` (A2P and toll-free), `voice` (dialing permissions)."""

    def __init__(self, *, seed: int | None = None, clock: Clock | None = None,
                 account_sid: str | None = None, auth_token: str | None = None,
                 state_file: Path | None = None, demo_numbers: Iterable[str] = DEMO_PARENT_NUMBERS,
                 demo_legacy: bool = False,
                 log_limit: int = 100_000, max_subaccounts: int = DEFAULT_MAX_SUBACCOUNTS):
        super().__init__(TABLES, LISTS, seed=seed, clock=clock, state_file=state_file, log_limit=log_limit)
        self.max_subaccounts = max_subaccounts
        self.accounts: dict[str, Account] = self.tables["accounts"]
        self.numbers: dict[str, IncomingNumber] = self.tables["numbers"]
        self.keys: dict[str, ApiKey] = self.tables["keys"]
        self.triggers: dict[str, UsageTrigger] = self.tables["triggers"]
        self.v2010 = api_v2010.Api2010(self)
        self.addresses = api_v2010_addresses.Addresses(self)
        self.trusthub = trusthub_v1.TrustHub(self)
        self.messaging = messaging_v1.Messaging(self)
        self.registration = messaging_registration.Registration(self)
        self.voice = voice_v1.DialingPermissions(self)
        if self.restore():
            if account_sid and account_sid not in self.accounts:
                raise ValueError(f"state file {state_file} has no account {account_sid}")
            self.parent_sid = account_sid or next(a.sid for a in self.accounts.values() if a.is_parent)
            self.trusthub.seed_primary_profile()  # state files written before Trust Hub existed have none
            return
        parent = self.v2010._new_account("Sandbox parent account", owner=None, sid=account_sid, token=auth_token)
        self.parent_sid = parent.sid
        for number in demo_numbers:
            self.v2010._buy(parent, number)
        if demo_legacy:
            legacy = self.v2010._new_account("Legacy Pharmacy Co", parent, sid=DEMO_LEGACY_ACCOUNT_SID)
            bought = self.v2010._buy(legacy, DEMO_LEGACY_NUMBER[0])
            self.v2010._rekey_number(bought, DEMO_LEGACY_NUMBER[1])
        self.trusthub.seed_primary_profile()
        self.persist()

    @property
    def parent(self) -> Account:
        return self.accounts[self.parent_sid]

    @property
    def ownership(self) -> dict[str, list[Any]]:
        return self.lists["ownership"]

    @property
    def number_by_e164(self) -> dict[str, str]:
        return self.v2010.number_by_e164
