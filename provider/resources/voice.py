"""A tenant's outbound calling, as resources: its emergency address, each caller's registration at that address,
the countries the subaccount may dial, and its voice trust registration (SHAKEN/STIR, Voice Integrity, CNAM).

All act in the tenant's subaccount. Voice v1 and Trust Hub act in whichever account authenticates, so those use the
subaccount's own client (as messaging does); the address and the numbers are reached through the parent's."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from ..identifiers import BUNDLE_SID, is_sid
from ..registration import a2p
from ..registration import voice as trust
from .args import ResourceArgs, ResourceOutputs, SidOutputs
from .base import ProvisioningError, TwilioProvider, explain, is_not_found
from .registration import advance, reviewed_diff

EMERGENCY_ADDRESS_NAME = "emergency address"


# ---- the emergency address ---------------------------------------------------------------------------
@dataclass(frozen=True)
class EmergencyAddressArgs(ResourceArgs):
    account_sid: Any
    customer_name: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str

    def address_fields(self) -> dict[str, str]:
        return {"customer_name": self.customer_name, "street": self.street, "city": self.city,
                "region": self.region, "postal_code": self.postal_code, "iso_country": self.country}


class EmergencyAddressProvider(TwilioProvider):
    """A v2010 Address with EmergencyEnabled. Twilio cannot move an address: a changed one is a new address (made
    first; the callers move to it; the old one is deleted once no number uses it)."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, self.failures([
            ("country", None if EmergencyAddressArgs.from_props(news).country in ("US", "CA")
             else "an emergency address is in the US or CA")]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = EmergencyAddressArgs.from_props(news).changed(EmergencyAddressArgs.from_props(olds),
                                                                tuple(EmergencyAddressArgs.__dataclass_fields__))
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def _addresses(self, account_sid: str) -> Any:
        return self.session.client.api.v2010.accounts(account_sid).addresses

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = EmergencyAddressArgs.from_props(props)
        wanted = args.address_fields()
        addresses = self._addresses(args.account_sid)
        found = [a for a in addresses.list(customer_name=args.customer_name) if a.emergency_enabled
                 and a.friendly_name == EMERGENCY_ADDRESS_NAME and all(getattr(a, k) == v for k, v in wanted.items())]
        address = found[0] if found else addresses.create(friendly_name=EMERGENCY_ADDRESS_NAME, emergency_enabled=True,
                                                          **wanted)
        return CreateResult(str(address.sid), {**props, **SidOutputs(sid=str(address.sid)).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = EmergencyAddressArgs.from_props(props)
        live = self.fetch_live(lambda: self._addresses(args.account_sid)(id_).fetch(), f"address {id_}")
        if live is None:
            return self.gone()
        return ReadResult(id_, {**props, "street": live.street, "city": live.city, "region": live.region,
                                "postal_code": live.postal_code, "country": live.iso_country,
                                **SidOutputs(sid=id_).as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = EmergencyAddressArgs.from_props(props)
        self.delete_quietly(lambda: self._addresses(args.account_sid)(id_).delete(), args.account_sid,
                            f"emergency address {id_}")


class EmergencyAddress(Resource, module="twilio", name="EmergencyAddress"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, args: EmergencyAddressArgs,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(EmergencyAddressProvider(), resource_name, args.with_outputs(*SidOutputs.names()), opts)


# ---- a caller: a number registered at the emergency address ----------------------------------------
@dataclass(frozen=True)
class VoiceCallerArgs(ResourceArgs):
    account_sid: Any
    number_sid: Any
    phone_number: Any
    address_sid: Any
    tenant_id: str


@dataclass(frozen=True)
class VoiceCallerOutputs(ResourceOutputs):
    emergency_address_status: str | None = None  # Twilio's registration of the address with the 911 database
    emergency_status: str | None = None

    @classmethod
    def of(cls, number: Any) -> dict[str, Any]:
        return cls(emergency_address_status=number.emergency_address_status,
                   emergency_status=number.emergency_status).as_props()


class VoiceCallerProvider(TwilioProvider):
    """The number's EmergencyAddressSid and EmergencyStatus Active; `emergency_address_status` read back (Twilio
    registers the address with the 911 database in minutes). Deleted (the name left `voice.callers`): the number
    is emergency-Inactive again; the number itself is untouched."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = VoiceCallerArgs.from_props(olds), VoiceCallerArgs.from_props(news)
        replaces = new.changed(old, ("account_sid", "number_sid"))
        return DiffResult(changes=bool(replaces or new.changed(old, ("address_sid",))), replaces=replaces,
                          delete_before_replace=True)

    def _number(self, args: VoiceCallerArgs) -> Any:
        return self.session.client.api.v2010.accounts(args.account_sid).incoming_phone_numbers(args.number_sid)

    def _register(self, props: dict[str, Any]) -> dict[str, Any]:
        args = VoiceCallerArgs.from_props(props)
        try:
            number = self._number(args).update(emergency_address_sid=args.address_sid, emergency_status="Active")
        except Exception as error:
            raise explain(f"register {args.phone_number} at its emergency address", error) from None
        return {**props, **VoiceCallerOutputs.of(number)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"caller-{VoiceCallerArgs.from_props(props).number_sid}", self._register(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._register(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = VoiceCallerArgs.from_props(props)
        live = self.fetch_live(lambda: self._number(args).fetch(), f"number {args.number_sid}")
        if live is None:
            return self.gone()
        return ReadResult(id_, {**props, "address_sid": live.emergency_address_sid, **VoiceCallerOutputs.of(live)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = VoiceCallerArgs.from_props(props)
        self.delete_quietly(lambda: self._number(args).update(emergency_status="Inactive"), args.account_sid,
                            f"emergency registration of {args.phone_number}")


class VoiceCaller(Resource, module="twilio", name="VoiceCaller"):
    emergency_address_status: pulumi.Output[str]

    def __init__(self, resource_name: str, args: VoiceCallerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(VoiceCallerProvider(), resource_name,
                         args.with_outputs(*VoiceCallerOutputs.names()), opts)


# ---- dialing permissions -------------------------------------------------------------------------------
SWITCHES = ("low_risk_numbers_enabled", "high_risk_special_numbers_enabled", "high_risk_tollfraud_numbers_enabled")


@dataclass(frozen=True)
class DialingPermissionsArgs(ResourceArgs):
    account_sid: Any
    tenant_id: str
    countries: list[str]
    high_risk_special_numbers: bool


@dataclass(frozen=True)
class DialingPermissionsOutputs(ResourceOutputs):
    """What Twilio holds, read back: the countries enabled, the high-risk ones, whether the parent is inherited."""
    enabled: list[str] | None = None
    inherits: bool | None = None
    high_risk_enabled: list[str] | None = None

    def matches(self, args: DialingPermissionsArgs) -> bool:
        return sorted(self.enabled or []) == sorted(args.countries or []) and \
            bool(self.high_risk_enabled) == bool(args.high_risk_special_numbers) and not self.inherits


class DialingPermissionsProvider(TwilioProvider):
    """Inheritance from the parent off, then exactly the declared countries (low-risk numbers; high-risk special
    numbers only if declared; toll-fraud prefixes never); every other country off. Read back on refresh, so a
    change made in the Console shows as drift. Deleted (the voice block removed): left as it is, restrictive."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, self.failures([
            ("countries", None if DialingPermissionsArgs.from_props(news).countries else "at least one country")]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = DialingPermissionsArgs.from_props(olds), DialingPermissionsArgs.from_props(news)
        if new.changed(old, ("account_sid",)):
            return DiffResult(changes=True, replaces=["account_sid"], delete_before_replace=True)
        drift = not DialingPermissionsOutputs.from_props(olds).matches(new)
        changed = drift or bool(new.changed(old, ("countries", "high_risk_special_numbers")))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def _voice(self, account_sid: str) -> Any:
        return self.session.client_in(account_sid).voice.v1.dialing_permissions

    @staticmethod
    def _countries(voice: Any) -> list[Any]:
        return list(voice.countries.list(page_size=1000))  # every country in one page

    @staticmethod
    def _read_back(voice: Any, countries: list[Any]) -> dict[str, Any]:
        return DialingPermissionsOutputs(
            enabled=sorted(c.iso_code for c in countries if c.low_risk_numbers_enabled),
            inherits=bool(voice.settings().fetch().dialing_permissions_inheritance),
            high_risk_enabled=sorted(c.iso_code for c in countries
                                     if c.high_risk_special_numbers_enabled or c.high_risk_tollfraud_numbers_enabled),
        ).as_props()

    def _apply(self, props: dict[str, Any]) -> dict[str, Any]:
        args = DialingPermissionsArgs.from_props(props)
        voice = self._voice(args.account_sid)
        try:
            voice.settings().update(dialing_permissions_inheritance=False)
            wanted = {iso: {SWITCHES[0]: True, SWITCHES[1]: bool(args.high_risk_special_numbers), SWITCHES[2]: False}
                      for iso in args.countries}
            updates = []
            for country in sorted(self._countries(voice), key=lambda c: c.iso_code):
                target = wanted.get(country.iso_code, {s: False for s in SWITCHES})
                if {s: bool(getattr(country, s)) for s in SWITCHES} != target:
                    updates.append({"iso_code": country.iso_code,
                                    **{s: "true" if v else "false" for s, v in target.items()}})
            if updates:
                voice.bulk_country_updates.create(update_request=json.dumps(updates))
            read = self._read_back(voice, self._countries(voice))
        except Exception as error:
            raise explain(f"limit where {args.tenant_id} may call", error) from None
        return {**props, **read}

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"dialing-{DialingPermissionsArgs.from_props(props).account_sid}", self._apply(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._apply(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            voice = self._voice(DialingPermissionsArgs.from_props(props).account_sid)
            read = self._read_back(voice, self._countries(voice))
        except Exception as error:
            if is_not_found(error):
                return self.gone()
            raise explain("read the dialing permissions", error) from None
        return ReadResult(id_, {**props, **read})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Left as they are: a tenant without a voice block keeps its limits (never opened up silently)."""


class DialingPermissions(Resource, module="twilio", name="DialingPermissions"):
    enabled: pulumi.Output[list[str]]
    inherits: pulumi.Output[bool]

    def __init__(self, resource_name: str, args: DialingPermissionsArgs,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(DialingPermissionsProvider(), resource_name,
                         args.with_outputs(*DialingPermissionsOutputs.names()), opts)


# ---- the voice trust registration ------------------------------------------------------------------------
@dataclass(frozen=True)
class VoiceTrustArgs(ResourceArgs):
    account_sid: Any
    tenant_id: str
    business: dict[str, Any]
    primary_profile_sid: str | None
    profile_sid: Any  # the A2P registration's profile, when messaging registers one (then it owns the profile)
    callers: dict[str, Any]  # name -> {"sid", "phone_number"}
    cnam_callers: list[str]
    shaken_stir: bool
    voice_integrity: dict[str, Any] | None
    cnam: dict[str, Any] | None


@dataclass(frozen=True)
class VoiceTrustOutputs(ResourceOutputs):
    """The registration flow's state (the profile; each product; the numbers on each) and what is left to do."""
    profile: dict[str, Any] | None = None
    products: dict[str, Any] | None = None
    assigned: dict[str, Any] | None = None
    next_steps: list[str] | None = None

    @classmethod
    def state_of(cls, props: dict[str, Any]) -> dict[str, Any]:
        """What the flow resumes from (every part {} until made)."""
        held = cls.from_props(props)
        return {"profile": held.profile or {}, "products": held.products or {}, "assigned": held.assigned or {}}

    @classmethod
    def after(cls, state: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        held = cls.from_props(state)
        return replace(held, next_steps=trust.steps(state, props)).as_props()


class VoiceTrustProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        args = VoiceTrustArgs.from_props(news)
        return self.checked(news, self.failures([
            ("primary_profile_sid", None if args.profile_sid or is_sid(args.primary_profile_sid, BUNDLE_SID)
             else "set the stack config twilio-tenants:primaryCustomerProfileSid to the platform's "
             "primary customer profile (BU..., approved once in the Twilio Console)"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return reviewed_diff(VoiceTrustArgs, olds, news, VoiceTrustOutputs.state_of(olds), trust.refusal, trust.steps)

    def _flow(self, props: dict[str, Any], state: dict[str, Any]) -> trust.VoiceTrustFlow:
        return trust.VoiceTrustFlow(self.session.client_in(VoiceTrustArgs.from_props(props).account_sid), props, state)

    def _run(self, props: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        done = advance(self._flow(props, state), "register the callers for trusted calling")
        return {**props, **VoiceTrustOutputs.after(done, props)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"voice-trust-{VoiceTrustArgs.from_props(props).account_sid}", self._run(props, {}))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._run(news, VoiceTrustOutputs.state_of(olds)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            state = self._flow(props, VoiceTrustOutputs.state_of(props)).refreshed()
        except Exception as error:
            if is_not_found(error):
                return self.gone()
            raise explain("read the voice trust registration", error) from None
        return ReadResult(id_, {**props, **VoiceTrustOutputs.after(state, props)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """The voice block's registrations were removed from the file: the numbers leave every trust product and
        the profile; the products and the profile stay at Twilio (reused by name if declared again)."""
        flow = self._flow(props, VoiceTrustOutputs.state_of(props))
        try:
            self.delete_quietly(flow.release_numbers, VoiceTrustArgs.from_props(props).account_sid,
                                "voice trust registration")
        except a2p.RegistrationRefused as error:
            raise ProvisioningError(str(error)) from None


class VoiceTrust(Resource, module="twilio", name="VoiceTrust"):
    profile: pulumi.Output[dict[str, Any]]
    products: pulumi.Output[dict[str, Any]]
    assigned: pulumi.Output[dict[str, Any]]
    next_steps: pulumi.Output[list[str]]

    def __init__(self, resource_name: str, args: VoiceTrustArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(VoiceTrustProvider(), resource_name,
                         args.with_outputs(*VoiceTrustOutputs.names()), opts)


__all__ = ["DialingPermissions", "DialingPermissionsArgs", "DialingPermissionsProvider", "EmergencyAddress",
           "EmergencyAddressArgs", "EmergencyAddressProvider", "VoiceCaller", "VoiceCallerArgs",
           "VoiceCallerProvider", "VoiceTrust", "VoiceTrustArgs", "VoiceTrustProvider"]
