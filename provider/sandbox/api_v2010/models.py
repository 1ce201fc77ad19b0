"""REST API 2010-04-01 (api.twilio.com): accounts, phone numbers, emergency addresses on numbers, API keys, auth
tokens (Accounts v1 acts on the same rows), usage triggers and usage records: the rows and Twilio's rules over them.

The tables live in the store (`TABLES`, `LISTS`); the other APIs read accounts and numbers from it and hear through
store events when a number leaves its account or an account closes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import inventory, usage
from ..core.errors import (
    AccountNotActive,
    InvalidParameter,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    param_name,
)
from ..core.service import ACCOUNT_CLOSED, NUMBER_LEFT_ACCOUNT, ROW_DROPPED, ROW_LOADED, Service
from ..permissions import GRANTABLE, MAX_POLICY_PERMISSIONS
from .exceptions import (
    AccountClosed,
    AddressRequired,
    BundleRequired,
    InvalidAreaCode,
    InvalidPhoneNumber,
    InvalidStatus,
    NoNumbersInAreaCode,
    NoSecondaryAuthToken,
    NumberNotAvailable,
    ParentStatusChange,
    SubaccountLimit,
    TransferNeedsBundle,
    TransferNeedsParentCredentials,
    TransferTargetUnrelated,
)

if TYPE_CHECKING:
    from ..backend import TwilioBackend

ACCOUNT_STATUSES = ("active", "suspended", "closed")
DELETED_AFTER_DAYS = 30  # Twilio deletes a closed subaccount this long after it was closed
EMERGENCY_REGISTRATION = timedelta(hours=1)  # the stand-in's time to (un)register an emergency address
DEFAULT_MAX_SUBACCOUNTS = 1000  # per parent, until Twilio raises it on request (error 21480 beyond)
DEMO_PARENT_NUMBERS = ("+14155550100", "+13125550199")
# A subaccount made before this repository existed, with a number, at fixed SIDs so a tenant file can adopt them.
DEMO_LEGACY_ACCOUNT_SID = "AC1e9ac7" + "0" * 22 + "0001"
DEMO_LEGACY_NUMBER = ("+16045550199", "PN1e9ac7" + "0" * 22 + "0001")


@dataclass
class Account:
    sid: str
    friendly_name: str
    auth_token: str
    owner_account_sid: str
    status: str
    date_created: datetime
    date_updated: datetime
    status_log: list[tuple[date, str]] = field(default_factory=list)
    secondary_auth_token: str | None = None  # Accounts v1: authenticates too, until promoted or deleted

    @property
    def is_parent(self) -> bool:
        return self.owner_account_sid == self.sid

    def deleted_on(self) -> date | None:
        """Twilio deletes a closed subaccount 30 days after closing; from that day on it answers 404."""
        if self.status != "closed" or self.is_parent:
            return None
        closed = [since for since, status in self.status_log if status == "closed"]
        return (closed[-1] if closed else self.date_updated.date()) + timedelta(days=DELETED_AFTER_DAYS)

    def is_deleted(self, today: date) -> bool:
        deleted = self.deleted_on()
        return deleted is not None and today >= deleted

    def status_on(self, day: date) -> str | None:
        current = None
        for since, status in self.status_log:
            if since <= day:
                current = status
        return current


@dataclass
class IncomingNumber:
    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    number_type: str
    country: str
    capabilities: dict[str, bool]
    date_created: datetime
    date_updated: datetime
    voice_url: str = ""
    voice_method: str = "POST"
    voice_fallback_url: str = ""
    voice_fallback_method: str = "POST"
    sms_url: str = ""
    sms_method: str = "POST"
    sms_fallback_url: str = ""
    sms_fallback_method: str = "POST"
    status_callback: str = ""
    status_callback_method: str = "POST"
    emergency_address_sid: str = ""
    emergency_status: str = "Inactive"
    date_emergency_requested: datetime | None = None  # when the emergency address was last set (or cleared)


@dataclass
class ApiKey:
    sid: str
    account_sid: str
    friendly_name: str
    secret: str
    date_created: datetime
    date_updated: datetime
    key_type: str = "standard"  # main (made in the Console only), standard, restricted (IAM v1, with a policy)
    policy: list[str] = field(default_factory=list)  # a restricted key's allowed permissions


@dataclass
class UsageTrigger:
    sid: str
    account_sid: str
    friendly_name: str
    callback_url: str
    callback_method: str
    trigger_value: str
    usage_category: str
    recurring: str | None
    trigger_by: str
    date_created: datetime
    date_updated: datetime


@dataclass(frozen=True)
class Principal:
    """Who is calling: an account, possibly through one of its API keys."""

    account: Account
    key: ApiKey | None = None


@dataclass
class UsageRecord:
    category: str
    start: date
    end: date
    amount: usage.Amount


# v2010's tables in the store: name -> row type (rows keyed by SID); per-account lists: number ownership periods.
TABLES: dict[str, type] = {"accounts": Account, "numbers": IncomingNumber, "keys": ApiKey, "triggers": UsageTrigger}
LISTS: dict[str, type] = {"ownership": usage.Ownership}


class Api2010(Service):
    """The 2010 API's rules over the store's accounts, numbers, keys and triggers."""

    def __init__(self, store: TwilioBackend):
        super().__init__(store)
        self.number_by_e164: dict[str, str] = {}
        store.events.subscribe(ROW_LOADED, self._indexed)
        store.events.subscribe(ROW_DROPPED, self._unindexed)

    def _indexed(self, table: str, row: Any) -> None:
        if table == "numbers":
            self.number_by_e164[row.phone_number] = row.sid

    def _unindexed(self, table: str, row: Any) -> None:
        if table == "numbers":
            self.number_by_e164.pop(row.phone_number, None)

    # ---- auth --------------------------------------------------------------------------------------
    def authenticate(self, username: str | None, password: str | None) -> Principal:
        with self.lock:
            if not username or password is None:
                raise Unauthenticated()
            if username.startswith("SK"):
                key = self.tables["keys"].get(username)
                if key is None or key.secret != password:
                    raise Unauthenticated()
                account = self.accounts[key.account_sid]
                principal = Principal(account, key)
            else:
                found = self.accounts.get(username)
                if found is None or password not in (found.auth_token, found.secondary_auth_token):
                    raise Unauthenticated()
                account = found
                principal = Principal(account)
            if account.is_deleted(self.clock.today()):
                raise Unauthenticated()
            if account.status == "closed":
                raise Unauthenticated("Authenticate: the account is closed")
            if account.status == "suspended":
                raise AccountNotActive("Account is not active: suspended")
            return principal

    def target_account(self, principal: Principal, account_sid: str, *, write: bool = False) -> Account:
        """The account a request acts on, if the principal may act on it (itself or, for a parent, its subaccounts)."""
        with self.lock:
            account = self.accounts.get(account_sid)
            caller = principal.account
            if account is None or account.is_deleted(self.clock.today()):
                raise NotFound(f"/Accounts/{account_sid}")
            if account.sid != caller.sid and account.owner_account_sid != caller.sid:
                raise PermissionDenied(f"Credentials of {caller.sid} may not access account {account_sid}")
            if write and account.status != "active":
                raise AccountNotActive(f"Account {account_sid} is not active: {account.status}", status=403)
            return account

    # ---- accounts ----------------------------------------------------------------------------------
    def _new_account(self, friendly_name: str, owner: Account | None, sid: str | None = None,
                     token: str | None = None) -> Account:
        now = self.clock.now()
        sid = sid or self._sid("AC")
        account = Account(sid=sid, friendly_name=friendly_name, auth_token=token or f"{self.store.rng.getrandbits(128):032x}",
                          owner_account_sid=owner.sid if owner else sid, status="active", date_created=now,
                          date_updated=now, status_log=[(now.date(), "active")])
        self.accounts[sid] = account
        return account

    def create_subaccount(self, principal: Principal, friendly_name: str | None) -> Account:
        with self.lock:
            if not principal.account.is_parent:
                raise PermissionDenied("Subaccounts cannot create subaccounts")
            name = friendly_name or f"SubAccount Created at {self.clock.now():%Y-%m-%d %I:%M %p}"
            _check_length("FriendlyName", name, 64)
            existing = self.subaccount_count(principal.account)
            if existing >= self.store.max_subaccounts:
                raise SubaccountLimit(existing, self.store.max_subaccounts)
            account = self._new_account(name, principal.account)
            self._persist(account.sid)
            return account

    def subaccount_count(self, parent: Account) -> int:
        """Subaccounts that count against the cap: every one not yet deleted (closed ones count for 30 days)."""
        today = self.clock.today()
        return sum(1 for a in self.accounts.values()
                   if a.owner_account_sid == parent.sid and not a.is_parent and not a.is_deleted(today))

    def list_accounts(self, principal: Principal, friendly_name: str | None, status: str | None) -> list[Account]:
        with self.lock:
            if status is not None and status not in ACCOUNT_STATUSES:
                raise InvalidStatus(f"Status must be one of {', '.join(ACCOUNT_STATUSES)}")
            caller = principal.account
            today = self.clock.today()
            family = [a for a in self.accounts.values()
                      if (a.sid == caller.sid or (caller.is_parent and a.owner_account_sid == caller.sid))
                      and not a.is_deleted(today)]
            return [a for a in family
                    if (friendly_name is None or a.friendly_name == friendly_name)
                    and (status is None or a.status == status)]

    def fetch_account(self, principal: Principal, sid: str) -> Account:
        with self.lock:
            return self.target_account(principal, sid)

    def update_account(self, principal: Principal, sid: str, friendly_name: str | None,
                       status: str | None) -> Account:
        with self.lock:
            account = self.target_account(principal, sid)
            if status is not None:
                if status not in ACCOUNT_STATUSES:
                    raise InvalidStatus("Unable to update Status, invalid Status. "
                                        "Status must be one of 'active', 'suspended' or 'closed'")
                if account.is_parent:
                    raise ParentStatusChange("Unable to update Status for parent accounts")
                if not principal.account.is_parent:
                    raise PermissionDenied("Only the parent account may change a subaccount's Status")
            if account.status == "closed" and (status is not None or friendly_name is not None):
                raise AccountClosed("Unable to update Status for subaccount, subaccount has been closed")
            now = self.clock.now()
            if friendly_name is not None:
                _check_length("FriendlyName", friendly_name, 64)
                account.friendly_name = friendly_name
            if status is not None and status != account.status:
                account.status = status
                account.status_log.append((now.date(), status))
                if status == "closed":
                    for number in [n for n in self.numbers.values() if n.account_sid == account.sid]:
                        self._release(number)
                    self.store.events.emit(ACCOUNT_CLOSED, account.sid)  # its campaigns go with it: no monthly fees
            account.date_updated = now
            self._persist(account.sid)
            return account

    # ---- phone numbers -----------------------------------------------------------------------------
    def available_numbers(self, country: str, number_type: str, *, area_code: str | None,
                          contains: str | None, require: dict[str, bool], limit: int) -> list[inventory.NumberInfo]:
        with self.lock:
            if area_code is not None and (not area_code.isdigit() or country not in ("US", "CA")):
                raise InvalidAreaCode(f"AreaCode {area_code} is not valid for {country}")
            if contains is not None and not all(ch.isalnum() or ch == "*" for ch in contains):
                raise InvalidParameter("Contains may hold only digits, letters and *")
            return list(inventory.search(country, number_type, area_code=area_code, contains=contains,
                                         require=require, exclude=self.number_by_e164.keys(), limit=limit))

    def _buy(self, account: Account, phone_number: str) -> IncomingNumber:
        info = inventory.describe(phone_number)
        if info is None or phone_number in self.number_by_e164:
            raise NumberNotAvailable(f"Phone number {phone_number} is not available")
        now = self.clock.now()
        number = IncomingNumber(
            sid=self._sid("PN"), account_sid=account.sid, phone_number=phone_number, friendly_name=info.friendly_name,
            number_type=info.block.number_type, country=info.block.country, capabilities=dict(info.capabilities),
            date_created=now, date_updated=now)
        self.numbers[number.sid] = number
        self.number_by_e164[phone_number] = number.sid
        self._start_ownership(number, now.date())
        return number

    def buy_number(self, account: Account, *, phone_number: str | None, area_code: str | None,
                   settings: dict[str, str], number_type: str | None = None, address_sid: str | None = None,
                   bundle_sid: str | None = None) -> IncomingNumber:
        """number_type: the typed endpoints (IncomingPhoneNumbers/Local.json, …) sell only their own type.
        A regulated country's number needs an approved bundle and/or address; the stand-in holds none (the
        product does not file them yet), so it sells none, as Twilio sells none without them."""
        with self.lock:
            info = inventory.describe(phone_number) if phone_number else None
            block = info.block if info is not None else None
            needs = inventory.regulation_of(block.country, block.number_type) if block is not None else ()
            what = f"{phone_number} ({block.country} {block.number_type})" if block is not None else ""
            if "address" in needs:
                raise AddressRequired(f"Phone Number Requires an Address: {what} needs an AddressSid" +
                                      (f"; {address_sid} is not a validated address of this account"
                                       if address_sid else ""))
            if "bundle" in needs:
                raise BundleRequired(f"Phone Number Requires a Bundle: {what} needs the BundleSid of an approved "
                                     "regulatory bundle" +
                                     (f"; {bundle_sid} is not one of this account's" if bundle_sid else ""))
            settings = self._checked_number_settings(settings)
            if phone_number is not None and number_type is not None:
                info = inventory.describe(phone_number)
                if info is not None and info.block.number_type != number_type:
                    raise NumberNotAvailable(f"Phone number {phone_number} is not available as a {number_type} number")
            if (phone_number is None) == (area_code is None):
                raise InvalidParameter("Exactly one of PhoneNumber or AreaCode is required", code=21450)
            if phone_number is not None:
                if not inventory.E164.match(phone_number):
                    raise InvalidPhoneNumber(f"PhoneNumber {phone_number} is not a valid E.164 number")
                chosen = phone_number
            else:
                assert area_code is not None
                if area_code not in inventory.NANP_AREA_CODES:
                    raise InvalidAreaCode(f"AreaCode {area_code} is not valid")
                block = next(b for b in inventory.BLOCKS if b.area_code == area_code and b.number_type == "local")
                found = list(inventory.search(block.country, "local", area_code=area_code,
                                              exclude=self.number_by_e164.keys(), limit=1))
                if not found:
                    raise NoNumbersInAreaCode(f"No phone numbers found in area code {area_code}")
                chosen = found[0].phone_number
            number = self._buy(account, chosen)
            self._apply_number_settings(number, settings)
            self._persist(account.sid)
            return number

    def _owned(self, table: dict[str, Any], account: Account, sid: str, path: str) -> Any:
        """A resource of this account, or 404 as Twilio answers for another account's SID."""
        with self.lock:
            item = table.get(sid)
            if item is None or item.account_sid != account.sid:
                raise NotFound(f"/Accounts/{account.sid}/{path}/{sid}")
            return item

    def _of_account(self, table: dict[str, Any], account: Account, **filters: str | None) -> list[Any]:
        """The account's resources whose attributes equal every filter that is given."""
        with self.lock:
            return [item for item in table.values() if item.account_sid == account.sid
                    and all(value is None or getattr(item, name) == value for name, value in filters.items())]

    def list_numbers(self, account: Account, *, phone_number: str | None,
                     friendly_name: str | None, number_type: str | None = None) -> list[IncomingNumber]:
        """Twilio's `PhoneNumber` filter is a partial match on the digits (`*` matches any one character):
        `PhoneNumber=415` lists every number containing 415. Callers must check equality themselves."""
        found = self._of_account(self.numbers, account, friendly_name=friendly_name, number_type=number_type)
        if phone_number is None:
            return found
        pattern = re.compile(".".join(re.escape(part) for part in phone_number.lstrip("+").split("*")))
        return [n for n in found if pattern.search(n.phone_number.lstrip("+"))]

    def fetch_number(self, account: Account, sid: str) -> IncomingNumber:
        return self._owned(self.numbers, account, sid, "IncomingPhoneNumbers")

    def update_number(self, principal: Principal, account: Account, sid: str, settings: dict[str, str],
                      transfer_to: str | None, emergency: dict[str, str] | None = None) -> IncomingNumber:
        with self.lock:
            number = self.fetch_number(account, sid)
            settings = self._checked_number_settings(settings)
            if emergency:
                self._checked_emergency(number, emergency)
            if transfer_to is not None and transfer_to != number.account_sid:
                if not principal.account.is_parent or principal.key is not None:
                    raise TransferNeedsParentCredentials(
                        "Phone numbers can only be transferred with the parent account's credentials")
                target = self.accounts.get(transfer_to)
                if target is None or (target.sid != principal.account.sid
                                      and target.owner_account_sid != principal.account.sid):
                    raise TransferTargetUnrelated(
                        f"AccountSid {transfer_to} is not the parent or one of its subaccounts")
                if target.status != "active":
                    raise AccountNotActive(f"Account {transfer_to} is not active: {target.status}", status=403)
                if inventory.regulation_of(number.country, number.number_type):
                    raise TransferNeedsBundle(
                        f"{number.phone_number} is a regulated {number.country} {number.number_type} number: the "
                        f"account {transfer_to} needs an approved regulatory bundle for it before a transfer")
            self._apply_number_settings(number, settings)
            if emergency:
                self._apply_emergency(number, emergency)
            if transfer_to is not None and transfer_to != number.account_sid:
                today = self.clock.today()
                self._end_ownership(number, today)
                # the service and the Trust Hub assignments stay with the account they belong to
                self.store.events.emit(NUMBER_LEFT_ACCOUNT, number.sid)
                number.emergency_address_sid, number.emergency_status = "", "Inactive"  # its address stays behind
                number.account_sid = transfer_to
                self._start_ownership(number, today)
            number.date_updated = self.clock.now()
            self._persist(account.sid, number.account_sid)  # the source and, after a transfer, the target
            return number

    def _checked_emergency(self, number: IncomingNumber, emergency: dict[str, str]) -> None:
        """EmergencyAddressSid: an emergency-enabled address of the number's account, on a voice number of the
        US or Canada; EmergencyStatus Active needs one (Inactive keeps it, unregistered)."""
        address_sid = emergency.get("emergency_address_sid", number.emergency_address_sid)
        status = emergency.get("emergency_status", number.emergency_status)
        if status not in ("Active", "Inactive"):
            raise InvalidParameter("EmergencyStatus must be Active or Inactive")
        if "emergency_address_sid" in emergency or status == "Active":
            address = self.tables["addresses"].get(address_sid)
            if address is None or address.account_sid != number.account_sid:
                raise InvalidParameter(f"EmergencyAddressSid {address_sid} is not an address of "
                                       f"{number.account_sid}")
            if not address.emergency_enabled:
                raise InvalidParameter(f"Address {address_sid} is not emergency enabled (create it with "
                                       "EmergencyEnabled=true)")
            if number.country not in ("US", "CA") or not number.capabilities.get("voice"):
                raise InvalidParameter(f"{number.phone_number} cannot take an emergency address: emergency "
                                       "calling is for voice numbers of the US and Canada")
        elif status == "Active":
            raise InvalidParameter("EmergencyStatus Active needs an EmergencyAddressSid")

    def _apply_emergency(self, number: IncomingNumber, emergency: dict[str, str]) -> None:
        before = (number.emergency_address_sid, number.emergency_status)
        number.emergency_address_sid = emergency.get("emergency_address_sid", before[0])
        number.emergency_status = emergency.get("emergency_status", before[1])
        if (number.emergency_address_sid, number.emergency_status) != before:
            number.date_emergency_requested = self.clock.now()

    def emergency_address_status(self, number: IncomingNumber) -> str:
        """Registered while the number is emergency-Active with an address. Twilio registers an address with
        the 911 database in minutes; the stand-in takes `EMERGENCY_REGISTRATION` on its clock (and as long to
        unregister one)."""
        requested = number.date_emergency_requested
        settled = requested is None or self.clock.now() >= requested + EMERGENCY_REGISTRATION
        if number.emergency_address_sid and number.emergency_status == "Active":
            return "registered" if settled else "pending-registration"
        return "unregistered" if settled else "pending-unregistration"

    @staticmethod
    def _checked_number_settings(settings: dict[str, str]) -> dict[str, str]:
        """Every setting validated before any is applied: a bad one changes nothing."""
        checked = {}
        for attr, value in settings.items():
            if attr == "friendly_name":
                _check_length("FriendlyName", value, 64)
            elif attr.endswith("_method"):
                value = value.upper()
                if value not in ("GET", "POST"):
                    raise InvalidParameter(f"{param_name(attr)} must be GET or POST", code=21403)
            elif value and not value.startswith(("http://", "https://")):
                raise InvalidParameter(f"{param_name(attr)} is not a valid URL: {value}", code=21402)
            checked[attr] = value
        return checked

    def _apply_number_settings(self, number: IncomingNumber, settings: dict[str, str]) -> None:
        for attr, value in settings.items():
            setattr(number, attr, value)
        if settings:
            number.date_updated = self.clock.now()

    def release_number(self, account: Account, sid: str) -> None:
        with self.lock:
            self._release(self.fetch_number(account, sid))
            self._persist(account.sid)

    def _rekey_number(self, number: IncomingNumber, sid: str) -> None:
        del self.numbers[number.sid]
        number.sid = sid
        self.numbers[sid] = number
        self.number_by_e164[number.phone_number] = sid

    def _release(self, number: IncomingNumber) -> None:
        self._end_ownership(number, self.clock.today())
        self.store.events.emit(NUMBER_LEFT_ACCOUNT, number.sid)
        del self.numbers[number.sid]
        del self.number_by_e164[number.phone_number]

    def _start_ownership(self, number: IncomingNumber, day: date) -> None:
        self.lists["ownership"].setdefault(number.account_sid, []).append(
            usage.Ownership(number.account_sid, number.phone_number, number.number_type, day, None))

    def _end_ownership(self, number: IncomingNumber, day: date) -> None:
        held = self.lists["ownership"].get(number.account_sid, [])
        for i, owned in enumerate(held):
            if owned.phone_number == number.phone_number and owned.end is None:
                held[i] = usage.Ownership(owned.account_sid, owned.phone_number, owned.number_type, owned.start, day)

    # ---- API keys ----------------------------------------------------------------------------------
    def create_key(self, principal: Principal, account: Account, friendly_name: str | None,
                   key_type: str = "standard", policy: list[str] | None = None) -> ApiKey:
        """v2010 Keys make Standard keys whatever is asked; IAM v1 makes Standard or Restricted ones; Main keys
        come only from the Console (`create_main_key`)."""
        with self.lock:
            now = self.clock.now()
            if friendly_name is not None:
                _check_length("FriendlyName", friendly_name, 64)
            key = ApiKey(sid=self._sid("SK"), account_sid=account.sid, friendly_name=friendly_name or "",
                         secret=self.store.secret(), date_created=now, date_updated=now, key_type=key_type,
                         policy=_checked_policy(key_type, policy))
            self.tables["keys"][key.sid] = key
            self._persist(account.sid)
            return key

    def create_main_key(self, account: Account, friendly_name: str = "Main key") -> ApiKey:
        """What the Console's "create API key: Main" does; no API can."""
        return self.create_key(Principal(account), account, friendly_name, key_type="main")

    def list_keys(self, principal: Principal, account: Account) -> list[ApiKey]:
        return self._of_account(self.tables["keys"], account)

    def fetch_key(self, principal: Principal, account: Account, sid: str) -> ApiKey:
        return self._owned(self.tables["keys"], account, sid, "Keys")

    def key_by_sid(self, principal: Principal, sid: str, *, write: bool = False) -> ApiKey:
        """IAM v1 names keys by SID alone: the caller must be the key's account or its parent."""
        with self.lock:
            key = self.tables["keys"].get(sid)
            if key is None:
                raise NotFound(f"/v1/Keys/{sid}")
            self.target_account(principal, key.account_sid, write=write)
            return key

    def update_key(self, principal: Principal, account: Account, sid: str, friendly_name: str | None,
                   policy: list[str] | None = None) -> ApiKey:
        with self.lock:
            key = self.fetch_key(principal, account, sid)
            if friendly_name is not None:
                _check_length("FriendlyName", friendly_name, 64)
                key.friendly_name = friendly_name
            if policy is not None:
                key.policy = _checked_policy(key.key_type, policy)
            key.date_updated = self.clock.now()
            self._persist(account.sid)
            return key

    def delete_key(self, principal: Principal, account: Account, sid: str) -> None:
        """A deleted key stops authenticating at once."""
        with self.lock:
            key = self.fetch_key(principal, account, sid)
            del self.tables["keys"][key.sid]
            self._persist(account.sid)

    # ---- auth tokens (Accounts v1: they act on the account that authenticated) ----------------------
    def create_secondary_token(self, principal: Principal) -> Account:
        with self.lock:
            account = principal.account
            if account.secondary_auth_token is not None:
                raise InvalidParameter("A secondary Auth Token already exists for this account; delete or promote "
                                       "it first")
            account.secondary_auth_token = f"{self.store.rng.getrandbits(128):032x}"
            account.date_updated = self.clock.now()
            self._persist(account.sid)
            return account

    def delete_secondary_token(self, principal: Principal) -> None:
        with self.lock:
            account = principal.account
            if account.secondary_auth_token is None:
                raise NoSecondaryAuthToken("The requested resource /v1/AuthTokens/Secondary was not found")
            account.secondary_auth_token = None
            self._persist(account.sid)

    def promote_secondary_token(self, principal: Principal) -> Account:
        """The secondary becomes the primary; the old primary stops authenticating at once."""
        with self.lock:
            account = principal.account
            if account.secondary_auth_token is None:
                raise NoSecondaryAuthToken("The requested resource /v1/AuthTokens/Secondary was not found: there "
                                           "is no secondary Auth Token to promote")
            account.auth_token, account.secondary_auth_token = account.secondary_auth_token, None
            account.date_updated = self.clock.now()
            self._persist(account.sid)
            return account

    # ---- usage triggers ----------------------------------------------------------------------------
    def create_trigger(self, account: Account, fields: dict[str, str | None]) -> UsageTrigger:
        with self.lock:
            for required in ("callback_url", "trigger_value", "usage_category"):
                if not fields.get(required):
                    raise InvalidParameter(f"{param_name(required)} is required", code=21213 if required ==
                                           "callback_url" else 20001)
            trigger_value = fields["trigger_value"] or ""
            _check_decimal("TriggerValue", trigger_value)
            if fields["usage_category"] not in usage.CATEGORIES:
                raise InvalidParameter(f"UsageCategory {fields['usage_category']} is not a known usage category")
            # Without Recurring a trigger fires once over the account's life: Twilio's enum calls that "alltime"
            # (assumption: the spec allows no null here; see docs/stand-in.md).
            recurring = fields.get("recurring") or "alltime"
            if recurring is not None and recurring not in ("daily", "monthly", "yearly", "alltime"):
                raise InvalidParameter("Recurring must be daily, monthly, yearly or alltime")
            trigger_by = fields.get("trigger_by") or "usage"
            if trigger_by not in ("count", "usage", "price"):
                raise InvalidParameter("TriggerBy must be count, usage or price")
            method = (fields.get("callback_method") or "POST").upper()
            if method not in ("GET", "POST"):
                raise InvalidParameter("CallbackMethod must be GET or POST")
            _check_length("FriendlyName", fields.get("friendly_name") or "", 64)
            now = self.clock.now()
            trigger = UsageTrigger(
                sid=self._sid("UT"), account_sid=account.sid, friendly_name=fields.get("friendly_name") or "",
                callback_url=fields["callback_url"] or "", callback_method=method, trigger_value=trigger_value,
                usage_category=fields["usage_category"] or "", recurring=recurring, trigger_by=trigger_by,
                date_created=now, date_updated=now)
            self.tables["triggers"][trigger.sid] = trigger
            self._persist(account.sid)
            return trigger

    def list_triggers(self, account: Account, *, recurring: str | None, trigger_by: str | None,
                      usage_category: str | None) -> list[UsageTrigger]:
        return self._of_account(self.tables["triggers"], account, recurring=recurring, trigger_by=trigger_by,
                                usage_category=usage_category)

    def fetch_trigger(self, account: Account, sid: str) -> UsageTrigger:
        return self._owned(self.tables["triggers"], account, sid, "Usage/Triggers")

    def update_trigger(self, account: Account, sid: str, fields: dict[str, str | None]) -> UsageTrigger:
        with self.lock:
            trigger = self.fetch_trigger(account, sid)
            if fields.get("callback_method"):
                method = (fields["callback_method"] or "").upper()
                if method not in ("GET", "POST"):
                    raise InvalidParameter("CallbackMethod must be GET or POST")
                trigger.callback_method = method
            if fields.get("callback_url") is not None:
                trigger.callback_url = fields["callback_url"] or ""
            if fields.get("friendly_name") is not None:
                _check_length("FriendlyName", fields["friendly_name"] or "", 64)
                trigger.friendly_name = fields["friendly_name"] or ""
            trigger.date_updated = self.clock.now()
            self._persist(account.sid)
            return trigger

    def delete_trigger(self, account: Account, sid: str) -> None:
        with self.lock:
            del self.tables["triggers"][self.fetch_trigger(account, sid).sid]
            self._persist(account.sid)

    # ---- usage records -----------------------------------------------------------------------------
    def usage_records(self, account: Account, *, start: date | None, end: date | None,
                      category: str | None, include_subaccounts: bool, granularity: str) -> list[UsageRecord]:
        """granularity: all (one record per category for the range), daily, monthly or yearly."""
        with self.lock:
            if category is not None and category not in usage.CATEGORIES:
                raise InvalidParameter(f"Category {category} is not a known usage category")
            accounts = [account]
            if include_subaccounts and account.is_parent:
                accounts += [a for a in self.accounts.values() if a.owner_account_sid == account.sid and not a.is_parent]
            today = self.clock.today()
            first = min(a.date_created.date() for a in accounts)
            start = max(start or first, first)
            end = min(end or today, today)
            buckets: dict[tuple[date, date], dict[str, usage.Amount]] = {}
            charges = {acc.sid: self.store.registration.charges_of(acc.sid) for acc in accounts}
            for day in usage.days(start, end):
                key = _bucket(day, granularity, start, end)
                bucket = buckets.setdefault(key, {c: usage.ZERO for c in usage.CATEGORIES})
                for acc in accounts:
                    if day < acc.date_created.date():
                        continue
                    status = acc.status_on(day)
                    daily = usage.daily_usage(acc.sid, day, status == "active", self.lists["ownership"].get(acc.sid, ()),
                                              charges.get(acc.sid, ()))
                    for cat, amount in daily.items():
                        bucket[cat] = bucket[cat] + amount
            records = []
            for (b_start, b_end), amounts in sorted(buckets.items()):
                for cat in usage.CATEGORIES:
                    if category is None or cat == category:
                        records.append(UsageRecord(cat, b_start, b_end, amounts[cat]))
            return records


def _bucket(day: date, granularity: str, start: date, end: date) -> tuple[date, date]:
    if granularity == "daily":
        return day, day
    if granularity == "monthly":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return max(first, start), min(nxt - timedelta(days=1), end)
    if granularity == "yearly":
        return max(day.replace(month=1, day=1), start), min(day.replace(month=12, day=31), end)
    return start, end


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidParameter(f"{name} must be at most {limit} characters")


def _check_decimal(name: str, value: str) -> None:
    try:
        if not Decimal(value).is_finite():
            raise ValueError
    except Exception:
        raise InvalidParameter(f"{name} must be a number, got {value!r}") from None


def _checked_policy(key_type: str, policy: list[str] | None) -> list[str]:
    """Restricted keys need a policy of known permissions (at most 100); other keys take none."""
    if key_type != "restricted":
        if policy:
            raise InvalidParameter("Policy is only accepted for restricted keys (KeyType=restricted)")
        return []
    if not policy:
        raise InvalidParameter("A restricted key needs a Policy with at least one allowed permission")
    unknown = sorted(set(policy) - GRANTABLE)
    if unknown:
        raise InvalidParameter(f"Policy names unknown permission(s): {', '.join(unknown)}")
    if len(set(policy)) > MAX_POLICY_PERMISSIONS:
        raise InvalidParameter(f"A restricted key has at most {MAX_POLICY_PERMISSIONS} permissions; got "
                               f"{len(set(policy))}")
    return sorted(set(policy))
