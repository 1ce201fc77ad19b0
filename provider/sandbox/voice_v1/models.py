"""Dialing permissions: which countries an account may call, and whether a subaccount inherits the parent's.

Twilio's rules as modelled (docs/stand-in.md, assumptions): every account has, per country, three switches —
low-risk numbers, high-risk special-service numbers, high-risk toll-fraud numbers. A new parent allows low-risk
calls to `PARENT_DEFAULT_LOW_RISK` and nothing high-risk. A subaccount inherits the parent's permissions until its
`DialingPermissionsInheritance` is turned off; then it keeps a copy of what it inherited at that moment and changes
only its own. Countries are ISO 3166-1 alpha-2 codes that have an E.164 country code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import phonenumbers
import pycountry

from .exceptions import InheritanceOn, InvalidUpdateRequest

if TYPE_CHECKING:
    from ..api_v2010.models import Account
    from ..backend import TwilioBackend

SWITCHES = ("low_risk_numbers_enabled", "high_risk_special_numbers_enabled", "high_risk_tollfraud_numbers_enabled")
PARENT_DEFAULT_LOW_RISK = frozenset({"US", "CA", "GB", "MX", "DE", "FR", "AU"})
MAX_UPDATES = 300  # countries one bulk request may change (stand-in bound: more than there are countries)


def _countries() -> dict[str, tuple[str, list[str]]]:
    """ISO code -> (name, E.164 country codes) for every country with a calling code."""
    found = {}
    for country in pycountry.countries:
        code = phonenumbers.country_code_for_region(country.alpha_2)
        if code:
            found[country.alpha_2] = (getattr(country, "common_name", None) or country.name, [f"+{code}"])
    return found


COUNTRIES = _countries()


@dataclass
class CountryPermission:
    """One account's own switches for one country (absent: the account's default)."""

    sid: str  # <account sid>:<iso code>
    account_sid: str
    iso_code: str
    switches: dict[str, bool] = field(default_factory=dict)


@dataclass
class VoiceSettings:
    sid: str  # the account's sid: one row per account
    account_sid: str
    dialing_permissions_inheritance: bool = True


TABLES: dict[str, type] = {"dialing_permissions": CountryPermission, "voice_settings": VoiceSettings}


class DialingPermissions:
    """The voice v1 service over the backend's store (its tables above live in `backend.tables`)."""

    def __init__(self, backend: TwilioBackend):
        self.backend = backend

    def _rows(self) -> dict[str, CountryPermission]:
        return self.backend.tables["dialing_permissions"]

    def inherits(self, account: Account) -> bool:
        if account.is_parent:
            return False
        row = self.backend.tables["voice_settings"].get(account.sid)
        return True if row is None else row.dialing_permissions_inheritance

    def switches(self, account: Account, iso: str) -> dict[str, bool]:
        """What the account may dial in the country now (inherited, its own, or the default)."""
        with self.backend.lock:
            if self.inherits(account):
                return self.switches(self.backend.accounts[account.owner_account_sid], iso)
            row = self._rows().get(f"{account.sid}:{iso}")
            if row is not None:
                return dict(row.switches)
            default_on = account.is_parent and iso in PARENT_DEFAULT_LOW_RISK
            return {SWITCHES[0]: default_on, SWITCHES[1]: False, SWITCHES[2]: False}

    def countries(self, account: Account, filters: dict[str, Any]) -> list[dict[str, Any]]:
        with self.backend.lock:
            out = []
            for iso, (name, codes) in sorted(COUNTRIES.items()):
                if filters.get("iso_code") not in (None, iso) or \
                        filters.get("country_code") not in (None, *codes, *(c.lstrip("+") for c in codes)):
                    continue
                switches = self.switches(account, iso)
                if any(filters.get(s) is not None and filters[s] != switches[s] for s in SWITCHES):
                    continue
                out.append({"iso_code": iso, "name": name, "country_codes": codes, **switches})
            return out

    def country(self, account: Account, iso: str) -> dict[str, Any] | None:
        found = self.countries(account, {"iso_code": iso})
        return found[0] if found else None

    def settings(self, account: Account) -> bool:
        with self.backend.lock:
            return self.inherits(account)

    def set_inheritance(self, account: Account, inherit: bool) -> bool:
        with self.backend.lock:
            if account.is_parent:
                raise InheritanceOn("DialingPermissionsInheritance is a subaccount setting; the parent has its own "
                                    "permissions")
            if not inherit and self.inherits(account):
                # Turning inheritance off: the subaccount keeps, as its own, what it inherited at this moment.
                parent = self.backend.accounts[account.owner_account_sid]
                for iso in COUNTRIES:
                    inherited = self.switches(parent, iso)
                    self._rows()[f"{account.sid}:{iso}"] = CountryPermission(
                        f"{account.sid}:{iso}", account.sid, iso, inherited)
            elif inherit:
                for key in [k for k, row in self._rows().items() if row.account_sid == account.sid]:
                    del self._rows()[key]
            self.backend.tables["voice_settings"][account.sid] = VoiceSettings(account.sid, account.sid, inherit)
            self.backend.persist(account.sid)
            return inherit

    def bulk_update(self, account: Account, raw: str) -> int:
        """Every update checked before any is applied (a bad one changes nothing); returns how many countries."""
        with self.backend.lock:
            if self.inherits(account):
                raise InheritanceOn(f"{account.sid} inherits the parent's dialing permissions: set "
                                    "DialingPermissionsInheritance=false (POST /v1/Settings) before changing them")
            updates = _parsed_updates(raw)
            for iso, switches in updates.items():
                merged = {**self.switches(account, iso), **switches}
                self._rows()[f"{account.sid}:{iso}"] = CountryPermission(f"{account.sid}:{iso}", account.sid, iso,
                                                                         merged)
            self.backend.persist(account.sid)
            return len(updates)


def _parsed_updates(raw: str) -> dict[str, dict[str, bool]]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidUpdateRequest("UpdateRequest must be a JSON array of country updates") from None
    if not isinstance(data, list) or not data:
        raise InvalidUpdateRequest("UpdateRequest must be a non-empty JSON array of country updates")
    if len(data) > MAX_UPDATES:
        raise InvalidUpdateRequest(f"UpdateRequest holds {len(data)} updates; at most {MAX_UPDATES}")
    updates: dict[str, dict[str, bool]] = {}
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise InvalidUpdateRequest(f"UpdateRequest[{i}] must be an object")
        iso = entry.get("iso_code")
        if iso not in COUNTRIES:
            raise InvalidUpdateRequest(f"UpdateRequest[{i}].iso_code {iso!r} is not a country Twilio can dial")
        if iso in updates:
            raise InvalidUpdateRequest(f"UpdateRequest names {iso} twice")
        unknown = sorted(set(entry) - {"iso_code", *SWITCHES})
        if unknown:
            raise InvalidUpdateRequest(f"UpdateRequest[{i}] has unknown fields {', '.join(unknown)}")
        switches = {}
        for name in SWITCHES:
            value = entry.get(name)
            if value is None:
                continue
            if str(value).lower() not in ("true", "false"):
                raise InvalidUpdateRequest(f"UpdateRequest[{i}].{name} must be \"true\" or \"false\"")
            switches[name] = str(value).lower() == "true"
        if not switches:
            raise InvalidUpdateRequest(f"UpdateRequest[{i}] changes nothing for {iso}")
        updates[iso] = switches
    return updates
