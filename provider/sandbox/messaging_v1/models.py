"""Messaging Services and their sender pools (Messaging v1): state and rules, no HTTP.

Twilio's rules kept: a number is in at most one service (21712), a service holds at most 400 numbers (21714), a
number leaves its service when it is released, transferred or its account closes, and deleting a service frees
its numbers and deletes its A2P campaign and its alpha sender. A service has at most one alpha sender, 2 to 11
characters of letters, digits, space, `-`, `+`, `_`, `&`, at least one letter (21709, for a bad one and, an
assumption: Twilio documents the limit, not its code, for a second one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.errors import (
    InvalidParameter,
    NotFound,
    param_name,
)
from ..core.service import NUMBER_LEFT_ACCOUNT, SERVICE_DELETED, Service
from .exceptions import (
    InvalidNumberSid,
    NotSmsCapable,
    NumberInAnotherService,
    SenderPoolFull,
)

if TYPE_CHECKING:
    from ..api_v2010.models import Account
    from ..backend import TwilioBackend

MAX_SENDERS_PER_SERVICE = 400
MAX_VALIDITY_PERIOD_S = 36000  # Twilio's ceiling (and default) for ValidityPeriod, in seconds
ALPHA_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 +_&-]{2,11}")  # OpenAPI's characters, error 21709's rules
INVALID_ALPHA_SENDER = 21709


@dataclass
class MessagingService:
    sid: str
    account_sid: str
    friendly_name: str
    date_created: datetime
    date_updated: datetime
    inbound_request_url: str = ""
    inbound_method: str = "POST"
    fallback_url: str = ""
    fallback_method: str = "POST"
    status_callback: str = ""
    sticky_sender: bool = True
    mms_converter: bool = True
    smart_encoding: bool = True
    scan_message_content: str = "inherit"
    fallback_to_long_code: bool = True
    area_code_geomatch: bool = True
    synchronous_validation: bool = False
    validity_period: int = MAX_VALIDITY_PERIOD_S
    usecase: str = "undeclared"
    use_inbound_webhook_on_number: bool = False


@dataclass
class ServiceNumber:
    """A number in a service's sender pool; `sid` is the number's PN SID (Twilio's key for it)."""

    sid: str
    account_sid: str
    service_sid: str
    phone_number: str
    country_code: str
    capabilities: list[str] = field(default_factory=list)
    date_created: datetime | None = None
    date_updated: datetime | None = None


@dataclass
class AlphaSender:
    """A service's Alphanumeric Sender ID (AI SID): what recipients see instead of a number, where the destination
    country allows it."""

    sid: str
    account_sid: str
    service_sid: str
    alpha_sender: str
    date_created: datetime
    date_updated: datetime
    capabilities: list[str] = field(default_factory=lambda: ["SMS"])


# Settings a service takes, by attribute: the kind of value each one is.
SERVICE_SETTINGS: dict[str, str] = {
    "friendly_name": "text", "inbound_request_url": "url", "inbound_method": "method", "fallback_url": "url",
    "fallback_method": "method", "status_callback": "url", "sticky_sender": "bool", "mms_converter": "bool",
    "smart_encoding": "bool", "scan_message_content": "scan", "fallback_to_long_code": "bool",
    "area_code_geomatch": "bool", "synchronous_validation": "bool", "validity_period": "validity",
    "usecase": "text", "use_inbound_webhook_on_number": "bool",
}


def checked_service_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Every setting validated before any is applied."""
    for attr, value in settings.items():
        kind = SERVICE_SETTINGS[attr]
        if kind == "url" and value and not str(value).startswith(("http://", "https://")):
            raise InvalidParameter(f"{param_name(attr)} is not a valid URL: {value}", code=21402)
        if kind == "method" and value not in ("GET", "POST"):
            raise InvalidParameter(f"{param_name(attr)} must be GET or POST", code=21403)
        if kind == "validity" and not 1 <= int(value) <= MAX_VALIDITY_PERIOD_S:
            raise InvalidParameter(f"ValidityPeriod must be from 1 to {MAX_VALIDITY_PERIOD_S} seconds")
        if kind == "scan" and value not in ("inherit", "enable", "disable"):
            raise InvalidParameter("ScanMessageContent must be inherit, enable or disable")
        if attr == "friendly_name" and not 1 <= len(str(value)) <= 64:
            raise InvalidParameter("FriendlyName must be 1 to 64 characters")
    return settings


TABLES: dict[str, type] = {"services": MessagingService, "service_numbers": ServiceNumber,
                           "alpha_senders": AlphaSender}


class Messaging(Service):
    """Messaging Services and their sender pools, over the backend's store."""

    def __init__(self, store: TwilioBackend):
        super().__init__(store)
        store.events.subscribe(NUMBER_LEFT_ACCOUNT, self._leave_service)

    @property
    def services(self) -> dict[str, MessagingService]:
        return self.tables["services"]

    @property
    def service_numbers(self) -> dict[str, ServiceNumber]:
        return self.tables["service_numbers"]

    @property
    def alpha_senders(self) -> dict[str, AlphaSender]:
        return self.tables["alpha_senders"]

    def create_service(self, account: Account, settings: dict[str, Any]) -> MessagingService:
        with self.lock:
            checked_service_settings(settings)
            now = self.clock.now()
            service = MessagingService(sid=self._sid("MG"), account_sid=account.sid, date_created=now,
                                       date_updated=now, **settings)
            self.services[service.sid] = service
            self._persist(account.sid)
            return service

    def list_services(self, account: Account) -> list[MessagingService]:
        with self.lock:
            return [s for s in self.services.values() if s.account_sid == account.sid]

    def fetch_service(self, account: Account, sid: str) -> MessagingService:
        return self._mine("services", account, sid, f"/v1/Services/{sid}")

    def update_service(self, account: Account, sid: str, settings: dict[str, Any]) -> MessagingService:
        with self.lock:
            service = self.fetch_service(account, sid)
            checked_service_settings(settings)
            for attr, value in settings.items():
                setattr(service, attr, value)
            service.date_updated = self.clock.now()
            self._persist(account.sid)
            return service

    def delete_service(self, account: Account, sid: str) -> None:
        with self.lock:
            service = self.fetch_service(account, sid)
            for number in [n for n in self.service_numbers.values() if n.service_sid == sid]:
                del self.service_numbers[number.sid]
            for alpha in [a for a in self.alpha_senders.values() if a.service_sid == sid]:
                del self.alpha_senders[alpha.sid]
            self.store.events.emit(SERVICE_DELETED, sid)  # its campaign goes with it
            del self.services[service.sid]
            self._persist(account.sid)

    # ---- sender pool -------------------------------------------------------------------------------
    def add_service_number(self, account: Account, service_sid: str, number_sid: str) -> ServiceNumber:
        with self.lock:
            service = self.fetch_service(account, service_sid)
            number = self.numbers.get(number_sid)
            if number is None or number.account_sid != account.sid:
                raise InvalidNumberSid(f"PhoneNumberSid {number_sid} is not a phone number of account "
                                       f"{account.sid}")
            if not (number.capabilities.get("sms") or number.capabilities.get("mms")):
                raise NotSmsCapable(f"Phone Number {number.phone_number} is not SMS or MMS capable and cannot be "
                                    "added to a Messaging Service")
            held = self.service_numbers.get(number_sid)
            if held is not None:
                raise NumberInAnotherService(
                    f"Phone Number or Short Code is already in a Messaging Service ({held.service_sid}); remove "
                    f"it from that service first")
            in_pool = sum(1 for n in self.service_numbers.values() if n.service_sid == service.sid)
            if in_pool >= MAX_SENDERS_PER_SERVICE:
                raise SenderPoolFull(f"Messaging Service {service.sid} already has {in_pool} numbers, the most a "
                                     f"service may hold ({MAX_SENDERS_PER_SERVICE})")
            now = self.clock.now()
            capabilities = [c.upper() for c, able in sorted(number.capabilities.items()) if able]
            member = ServiceNumber(sid=number.sid, account_sid=account.sid, service_sid=service.sid,
                                   phone_number=number.phone_number, country_code=number.country,
                                   capabilities=capabilities, date_created=now, date_updated=now)
            self.service_numbers[member.sid] = member
            self._persist(account.sid)
            return member

    def list_service_numbers(self, account: Account, service_sid: str) -> list[ServiceNumber]:
        return self._members("service_numbers", account, service_sid)

    def fetch_service_number(self, account: Account, service_sid: str, sid: str) -> ServiceNumber:
        return self._member(("service_numbers", "PhoneNumbers"), account, service_sid, sid)

    def remove_service_number(self, account: Account, service_sid: str, sid: str) -> None:
        self._remove_member(("service_numbers", "PhoneNumbers"), account, service_sid, sid)

    def _leave_service(self, number_sid: str) -> None:
        """A released or transferred number leaves its service (the caller persists)."""
        self.service_numbers.pop(number_sid, None)

    # ---- alpha sender ------------------------------------------------------------------------------
    def add_alpha_sender(self, account: Account, service_sid: str, alpha_sender: str) -> AlphaSender:
        with self.lock:
            service = self.fetch_service(account, service_sid)
            if not ALPHA_SENDER.fullmatch(alpha_sender):
                raise InvalidParameter(
                    f"Alpha Sender ID {alpha_sender!r} is invalid: 2 to 11 characters of A-Z, a-z, 0-9, space, "
                    "-, +, _ or &, with at least one letter", code=INVALID_ALPHA_SENDER)
            held = next((a for a in self.alpha_senders.values() if a.service_sid == service.sid), None)
            if held is not None:
                raise InvalidParameter(f"Messaging Service {service.sid} already has the alpha sender "
                                       f"{held.alpha_sender!r}: delete it before adding another",
                                       code=INVALID_ALPHA_SENDER)
            now = self.clock.now()
            alpha = AlphaSender(sid=self._sid("AI"), account_sid=account.sid, service_sid=service.sid,
                                alpha_sender=alpha_sender, date_created=now, date_updated=now)
            self.alpha_senders[alpha.sid] = alpha
            self._persist(account.sid)
            return alpha

    def list_alpha_senders(self, account: Account, service_sid: str) -> list[AlphaSender]:
        return self._members("alpha_senders", account, service_sid)

    def fetch_alpha_sender(self, account: Account, service_sid: str, sid: str) -> AlphaSender:
        return self._member(("alpha_senders", "AlphaSenders"), account, service_sid, sid)

    def remove_alpha_sender(self, account: Account, service_sid: str, sid: str) -> None:
        self._remove_member(("alpha_senders", "AlphaSenders"), account, service_sid, sid)

    # ---- a service's sub-resources: its sender pool, its alpha sender ------------------------------
    def _members(self, table: str, account: Account, service_sid: str) -> list[Any]:
        with self.lock:
            self.fetch_service(account, service_sid)
            return [m for m in self.tables[table].values() if m.service_sid == service_sid]

    def _member(self, where: tuple[str, str], account: Account, service_sid: str, sid: str) -> Any:
        """A row of `where` = (table, URL segment) in this service, or 404 as Twilio answers for another's."""
        table, segment = where
        with self.lock:
            self.fetch_service(account, service_sid)
            member = self.tables[table].get(sid)
            if member is None or member.service_sid != service_sid:
                raise NotFound(f"/v1/Services/{service_sid}/{segment}/{sid}")
            return member

    def _remove_member(self, where: tuple[str, str], account: Account, service_sid: str, sid: str) -> None:
        with self.lock:
            del self.tables[where[0]][self._member(where, account, service_sid, sid).sid]
            self._persist(account.sid)
