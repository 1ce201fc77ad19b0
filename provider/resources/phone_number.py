"""PhoneNumber: adopt, transfer in place, or buy exactly once; owns the number's webhook configuration."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from twilio.base.exceptions import TwilioRestException

from ..identifiers import E164, NUMBER_SID
from ..twilio_settings import METHOD_FIELDS, URL_FIELDS, WEBHOOK_DEFAULTS, WEBHOOK_FIELDS
from .args import ResourceArgs, ResourceOutputs
from .base import ProvisioningError, TwilioProvider, create_once, explain, is_not_found, known

SEARCH_TYPES = {"local": "local", "mobile": "mobile", "toll_free": "toll_free"}
NUMBER_TAKEN = 21422  # someone bought the offered number between our search and our purchase
BUY_ATTEMPTS = 8
SEARCH_SPREAD = 10  # first search: pick among this many offers; each collision doubles it (up to MAX_SPREAD)
MAX_SPREAD = 200


@dataclass(frozen=True)
class NumberSearch:
    """What a bought number must be: the tenant file's `search`, as Twilio's AvailablePhoneNumbers take it."""
    type: Any = None
    country: Any = None
    capabilities: Any = None
    area_code: Any = None
    contains: Any = None

    @classmethod
    def from_dict(cls, search: dict[str, Any] | None) -> NumberSearch | None:
        if not search:
            return None
        return cls(**{k: search.get(k) for k in ("type", "country", "capabilities", "area_code", "contains")})

    def twilio_filters(self) -> dict[str, Any]:
        wanted = set(self.capabilities or [])
        filters = {"voice_enabled": True if "voice" in wanted else None, "sms_enabled": True if "sms" in wanted
                   else None, "mms_enabled": True if "mms" in wanted else None, "area_code": self.area_code or None,
                   "contains": self.contains or None}
        return {k: v for k, v in filters.items() if v is not None}


@dataclass(frozen=True)
class PhoneNumberArgs(ResourceArgs):
    account_sid: Any
    friendly_name: Any
    webhooks: dict[str, Any] = field(default_factory=dict)
    number: str | None = None  # adopt or transfer in place this number ...
    search: dict[str, Any] | None = None  # ... or buy one matching this
    adopt_sid: str | None = None
    claimed_by: Any = None  # which other declared entry holds `number` today, if any (the program knows)

    @property
    def wanted_search(self) -> NumberSearch | None:
        return NumberSearch.from_dict(self.search)

    @property
    def places_existing(self) -> bool:
        return bool(self.adopt_sid or self.number)


@dataclass(frozen=True)
class PhoneNumberOutputs(ResourceOutputs):
    sid: str | None = None
    phone_number: str | None = None
    capabilities: dict[str, bool] | None = None


OUTPUTS = PhoneNumberOutputs.names()


def normalized_webhooks(webhooks: dict[str, Any] | None) -> dict[str, str]:
    """Every field present: unset URLs are "" and unset methods POST, so "removed from YAML" means "cleared"."""
    given = webhooks or {}
    out = {f: given.get(f) or WEBHOOK_DEFAULTS[f] for f in URL_FIELDS}
    out.update({f: (given.get(f) or WEBHOOK_DEFAULTS[f]).upper() for f in METHOD_FIELDS})
    return out


def live_webhooks(number: Any) -> dict[str, str]:
    return normalized_webhooks({f: getattr(number, f) for f in WEBHOOK_FIELDS})


KEYPAD = {c: d for d, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS",
                                  "8": "TUV", "9": "WXYZ"}.items() for c in letters}


def search_mismatch(search: NumberSearch | None, number: str | None,
                    capabilities: dict[str, bool] | None) -> str | None:
    """Why a bought number no longer satisfies its entry's search, or None (also when nothing can be told)."""
    if not search or not number:
        return None
    if search.area_code and number.startswith("+1") and number[2:5] != search.area_code:
        return f"area code {number[2:5]}, not {search.area_code}"
    if search.contains:
        wanted = "".join(KEYPAD.get(c, c) for c in str(search.contains).upper()).replace("*", ".")
        if not re.search(wanted, number[1:]):
            return f"does not contain {search.contains}"
    missing = [c for c in search.capabilities or [] if capabilities is not None and not capabilities.get(c)]
    if missing:
        return f"cannot do {', '.join(missing)}"
    return None


class PhoneNumberProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        args = PhoneNumberArgs.from_props(news)
        number, search, adopt = args.number, args.wanted_search, args.adopt_sid
        reasons: list[tuple[str, str | None]] = [
            ("number", "give exactly one of number (adopt or transfer) or search (buy)"
             if bool(number) == bool(search) else None),
            ("number", None if not number or E164.fullmatch(str(number)) else f"{number} is not an E.164 number"),
            ("adopt_sid", None if not adopt or NUMBER_SID.fullmatch(str(adopt)) else "adopt_sid must be PN + 32 hex"),
            ("number", f"{number}{f' (sid {adopt})' if adopt else ''} is {args.claimed_by}, whose file still "
                       f"declares it; it cannot also be {args.friendly_name}. To move it, remove that entry "
                       "in the same change" if known(args.claimed_by) else None),
            ("friendly_name", None if isinstance(args.friendly_name, str) and
             0 < len(args.friendly_name) <= 64 else "friendly_name must be 1 to 64 characters"),
        ]
        if search:
            reasons += [
                ("search", None if search.type in SEARCH_TYPES else "search.type must be local, mobile or "
                                                                    "toll_free"),
                ("search", None if re.fullmatch(r"[A-Z]{2}", str(search.country or "")) else
                 "search.country must be a two-letter country code"),
                ("search", None if search.capabilities else "search.capabilities must not be empty"),
            ]
        webhooks = args.webhooks or {}
        reasons += [("webhooks", f"unknown webhook field {k}") for k in webhooks if k not in WEBHOOK_FIELDS]
        reasons += [("webhooks", f"{k} must be GET or POST") for k in METHOD_FIELDS
                    if webhooks.get(k) and str(webhooks[k]).upper() not in ("GET", "POST")]
        failures = self.failures(reasons)
        if not failures:
            news = {**news, "webhooks": normalized_webhooks(webhooks)}
        return self.checked(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new, held = PhoneNumberArgs.from_props(olds), PhoneNumberArgs.from_props(news), \
            PhoneNumberOutputs.from_props(olds)
        mismatch = search_mismatch(new.wanted_search, held.phone_number, held.capabilities)
        if mismatch and new.search != old.search:
            raise ProvisioningError(
                f"{new.friendly_name}: the number it bought, {held.phone_number}, no longer matches "
                f"its search ({mismatch}). Nothing is bought or released for a changed search: to get another "
                "number, add a new entry with a new name (and remove this entry to release the old number), "
                "or restore the search")
        replaces = []
        if new.number and new.number != held.phone_number:
            replaces.append("number")
        if new.adopt_sid and new.adopt_sid != held.sid:
            replaces.append("adopt_sid")
        changed = replaces or new.changed(old, ("account_sid", "friendly_name", "webhooks"))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    # ---- create ----------------------------------------------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        args = PhoneNumberArgs.from_props(props)
        target = args.account_sid
        if args.places_existing:
            number = self._place_existing(args)
        else:
            number = None if self.session.is_fresh(target) else self._by_friendly_name(target, args.friendly_name)
            if number is None:
                number = create_once(f"buy a number for {args.friendly_name}", lambda: self._buy(args),
                                     lambda: self._by_friendly_name(target, args.friendly_name),
                                     in_doubt=lambda: self.session.spoil(target))
        number = self._configure(number, args)
        return CreateResult(number.sid, self._outs(props, number))

    def _numbers(self, account_sid: str) -> Any:
        return self.session.client.api.v2010.accounts(account_sid).incoming_phone_numbers

    def _by_friendly_name(self, account_sid: str, friendly_name: str) -> Any | None:
        found = self._numbers(account_sid).list(friendly_name=friendly_name)
        if len(found) > 1:
            raise ProvisioningError(f"{len(found)} numbers in {account_sid} are named {friendly_name!r} "
                                    f"({', '.join(n.phone_number for n in found)}); pin one with `number:`")
        return found[0] if found else None

    def _find(self, account_sid: str, args: PhoneNumberArgs) -> Any | None:
        if args.adopt_sid:
            try:
                found = self._numbers(account_sid)(args.adopt_sid).fetch()
            except Exception as error:
                if is_not_found(error):
                    return None
                raise explain(f"look up number {args.adopt_sid}", error) from None
            if args.number and found.phone_number != args.number:
                # A SID naming another number than `number` is a mistake or a theft: never act on either.
                raise ProvisioningError(
                    f"{args.friendly_name}: sid {args.adopt_sid} is {found.phone_number}, not "
                    f"{args.number}: `sid` and `number` must name the same number. Nothing was moved")
            return found
        # Twilio's PhoneNumber filter matches partially (and `*` is a wildcard): only exact equality counts.
        found = [n for n in self._numbers(account_sid).list(phone_number=args.number)
                 if n.phone_number == args.number]
        return found[0] if found else None

    def _place_existing(self, args: PhoneNumberArgs) -> Any:
        """Adopt it where it is, or transfer it in place from the parent or a sibling: never release and re-buy."""
        target, parent = args.account_sid, self.session.parent_sid
        number = self._find(target, args)
        if number is not None:
            return number
        for owner in [parent, *self._sibling_sids(target)]:
            number = self._find(owner, args)
            if number is not None:
                return self._transfer(number, owner, target, args)
        raise ProvisioningError(f"number {args.number or args.adopt_sid} is not in the tenant's subaccount {target}, "
                                "the parent account or any other subaccount of the parent; only numbers Twilio "
                                "already holds can be adopted (use `search:` to buy one)")

    def _sibling_sids(self, target: str) -> list[str]:
        """Every open subaccount but the target: a suspended one still holds its numbers (Twilio will refuse
        to move them until it is active again, with an error that says so)."""
        parent = self.session.parent_sid
        return [a.sid for a in self.session.client.api.v2010.accounts.list(page_size=1000)
                if a.sid not in (parent, target) and a.status != "closed"]

    def _transfer(self, number: Any, owner: str, target: str, args: PhoneNumberArgs) -> Any:
        changes = {"account_sid": target, **self._setting_changes(number, args)}
        try:
            return self._numbers(owner)(number.sid).update(**changes)
        except Exception as error:
            # A retried transfer whose first answer was lost finds the number gone from `owner`: it arrived.
            arrived = self._find(target, args) if is_not_found(error) else None
            if arrived is not None:
                return arrived
            raise explain(f"transfer {number.phone_number} from {owner} to {target}", error) from None

    def _buy(self, args: PhoneNumberArgs) -> Any:
        search = args.wanted_search
        assert search is not None, "check() refuses an entry with neither number nor search"
        country = self.session.client.available_phone_numbers(search.country)
        listing = {"local": country.local, "mobile": country.mobile, "toll_free": country.toll_free}[search.type]
        filters = search.twilio_filters()
        settings = {k: v for k, v in args.webhooks.items() if v}
        spread, taken = SEARCH_SPREAD, set[str]()
        for _ in range(BUY_ATTEMPTS):
            try:
                offered = [n for n in listing.list(limit=spread, page_size=spread, **filters)
                           if n.phone_number not in taken]
            except Exception as error:
                raise explain(f"search numbers for {args.friendly_name}", error) from None
            if not offered:
                if taken:  # everything offered was bought by others meanwhile: look further
                    spread = min(spread * 2, MAX_SPREAD)
                    continue
                raise ProvisioningError(f"no {search.type} number in {search.country} matches {args.search} "
                                        f"for {args.friendly_name}; widen the search")
            # Concurrent buyers (other tenants, other shards) see the same first results: pick at random among
            # them, and after each collision among twice as many, never the one just lost.
            choice = random.choice(offered).phone_number
            try:
                return self._numbers(args.account_sid).create(phone_number=choice,
                                                              friendly_name=args.friendly_name, **settings)
            except TwilioRestException as error:
                if error.code != NUMBER_TAKEN:
                    raise
                taken.add(choice)
                spread = min(spread * 2, MAX_SPREAD)
        raise ProvisioningError(f"every number offered for {args.friendly_name} was taken by someone else "
                                f"{BUY_ATTEMPTS} times in a row; run again")

    def _setting_changes(self, number: Any, args: PhoneNumberArgs) -> dict[str, str]:
        changes = {k: v for k, v in args.webhooks.items() if live_webhooks(number)[k] != v}
        if number.friendly_name != args.friendly_name:
            changes["friendly_name"] = args.friendly_name
        return changes

    def _configure(self, number: Any, args: PhoneNumberArgs) -> Any:
        changes = self._setting_changes(number, args)
        if not changes:
            return number
        try:
            return self._numbers(number.account_sid)(number.sid).update(**changes)
        except Exception as error:
            raise explain(f"configure {number.phone_number}", error) from None

    # ---- read, update, delete --------------------------------------------------------------------------
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = PhoneNumberArgs.from_props(props)
        number = self.fetch_live(lambda: self._numbers(args.account_sid)(id_).fetch(), f"number {id_}")
        if number is None:
            return self.gone()
        return ReadResult(id_, {**props, "webhooks": live_webhooks(number), "friendly_name": number.friendly_name,
                                **self._outs({}, number)})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new, held = PhoneNumberArgs.from_props(olds), PhoneNumberArgs.from_props(news), \
            PhoneNumberOutputs.from_props(olds)
        changes = {k: v for k, v in new.webhooks.items() if (old.webhooks or {}).get(k) != v}
        if old.friendly_name != new.friendly_name:
            changes["friendly_name"] = new.friendly_name
        if old.account_sid != new.account_sid:
            changes["account_sid"] = new.account_sid  # a move between tenants: one transfer, in place
        if not changes:
            return UpdateResult({**news, **held.as_props()})
        try:
            number = self._numbers(old.account_sid)(id_).update(**changes)
        except Exception as error:
            raise explain(f"update number {held.phone_number} ({', '.join(sorted(changes))})", error) from None
        return UpdateResult(self._outs(news, number))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Release: only when the number still sits where this resource put it (not moved to another tenant)."""
        account, held = PhoneNumberArgs.from_props(props).account_sid, PhoneNumberOutputs.from_props(props)
        try:
            self._numbers(account)(id_).fetch()
        except Exception as error:
            if is_not_found(error) or self.deleted_with_account(account, error):
                return  # moved away, already released, or released by Twilio with its closed subaccount
            raise explain(f"look up number {held.phone_number} before releasing it", error) from None
        self.delete_quietly(self._numbers(account)(id_).delete, account, f"(release) number {held.phone_number}")

    @staticmethod
    def _outs(props: dict[str, Any], number: Any) -> dict[str, Any]:
        caps = number.capabilities or {}
        held = PhoneNumberOutputs(sid=number.sid, phone_number=number.phone_number,
                                  capabilities={k: bool(caps.get(k)) for k in ("voice", "sms", "mms")})
        return {**props, "account_sid": number.account_sid, **held.as_props()}


class PhoneNumber(Resource, module="twilio", name="PhoneNumber"):
    """A number in a tenant's subaccount, with its webhooks (tenant defaults merged with overrides)."""

    sid: pulumi.Output[str]
    phone_number: pulumi.Output[str]
    capabilities: pulumi.Output[dict]

    def __init__(self, resource_name: str, args: PhoneNumberArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(PhoneNumberProvider(), resource_name, args.with_outputs(*OUTPUTS), opts)


__all__ = ["PhoneNumber", "PhoneNumberArgs", "PhoneNumberProvider"]
