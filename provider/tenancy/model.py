"""Typed, immutable tenants: what the rest of the system consumes instead of YAML."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ..twilio_settings import WEBHOOK_FIELDS

Status = Literal["active", "suspended", "closed"]
NumberType = Literal["local", "mobile", "toll_free"]
Capability = Literal["voice", "sms", "mms"]



@dataclass(frozen=True)
class Webhooks:
    """Webhook settings; None means "not set here" so per-number overrides can be layered on tenant defaults."""

    voice_url: str | None = None
    voice_method: str | None = None
    voice_fallback_url: str | None = None
    voice_fallback_method: str | None = None
    sms_url: str | None = None
    sms_method: str | None = None
    sms_fallback_url: str | None = None
    sms_fallback_method: str | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None

    def overridden_by(self, override: Webhooks) -> Webhooks:
        changes = {f.name: getattr(override, f.name) for f in fields(self) if getattr(override, f.name) is not None}
        return replace(self, **changes)

    def as_dict(self) -> dict[str, str]:
        """Only the fields that are set."""
        return {name: getattr(self, name) for name in WEBHOOK_FIELDS if getattr(self, name) is not None}


@dataclass(frozen=True)
class NumberSearch:
    country: str
    type: NumberType
    capabilities: tuple[Capability, ...]
    area_code: str | None = None
    contains: str | None = None


@dataclass(frozen=True)
class PhoneNumberSpec:
    """One entry of `phone_numbers`: either an exact `number` (adopt/transfer) or a `search` (buy)."""

    name: str
    number: str | None = None
    sid: str | None = None
    search: NumberSearch | None = None
    webhooks: Webhooks = Webhooks()


@dataclass(frozen=True)
class ApiKeySpec:
    """One CRM key. Each generation is its own Twilio key; `keep_previous` keeps generation-1 alive (the overlap)."""

    name: str
    generation: int = 1
    permissions: tuple[str, ...] | None = None  # None: a Standard key; otherwise a Restricted one
    keep_previous: bool = False
    retired: bool = False

    @property
    def key_type(self) -> str:
        return "standard" if self.permissions is None else "restricted"


@dataclass(frozen=True)
class AuthTokenRotation:
    rotation: str
    step: Literal["secondary", "promoted"]


@dataclass(frozen=True)
class Budget:
    monthly_limit_usd: Decimal
    alert_callback_url: str
    alert_at_percent: tuple[int, ...] = (100,)

    def thresholds(self) -> tuple[tuple[int, Decimal], ...]:
        """(percent, USD amount) per alert, amounts rounded to the cent."""
        cent = Decimal("0.01")
        return tuple(
            (pct, (self.monthly_limit_usd * pct / Decimal(100)).quantize(cent)) for pct in self.alert_at_percent
        )


@dataclass(frozen=True)
class PlanChange:
    """New terms from `start` on; what is not given carries over from the terms before."""

    start: date
    plan: str | None = None
    monthly_price: Decimal | None = None


@dataclass(frozen=True)
class Discount:
    """`percent` or `monthly_amount` off the monthly price for the days from `start` to `end` (inclusive)."""

    percent: Decimal | None = None
    monthly_amount: Decimal | None = None
    start: date | None = None
    end: date | None = None
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def applied_to(self, monthly_price: Decimal) -> Decimal:
        if self.percent is not None:
            return monthly_price * (Decimal(100) - self.percent) / Decimal(100)
        return max(monthly_price - (self.monthly_amount or Decimal(0)), Decimal(0))


@dataclass(frozen=True)
class Billing:
    plan: str
    monthly_price: Decimal
    currency: str
    start: date | None = None  # first day billed; None: from the start
    end: date | None = None  # last day billed (inclusive); None: still billed
    acquisition_cost: Decimal | None = None  # CAC, in `currency`
    changes: tuple[PlanChange, ...] = ()  # in date order (validated)
    discounts: tuple[Discount, ...] = ()  # never overlapping (validated)

    def terms_on(self, day: date) -> tuple[str, Decimal]:
        """(plan, list monthly price) in effect on `day`: the latest change on or before it, else the base terms."""
        plan, price = self.plan, self.monthly_price
        for change in self.changes:
            if change.start > day:
                break
            plan = change.plan or plan
            price = change.monthly_price if change.monthly_price is not None else price
        return plan, price

    def monthly_price_on(self, day: date) -> Decimal:
        """What a whole month at the terms of `day` would be billed, after the discount of that day (if any)."""
        price = self.terms_on(day)[1]
        for discount in self.discounts:
            if discount.covers(day):
                return discount.applied_to(price)
        return price


@dataclass(frozen=True)
class ServiceSettings:
    """The tenant's Messaging Service; None: Twilio's default."""

    inbound_url: str | None = None
    inbound_method: str | None = None
    fallback_url: str | None = None
    fallback_method: str | None = None
    status_callback: str | None = None
    sticky_sender: bool | None = None
    area_code_geomatch: bool | None = None
    validity_period: int | None = None
    use_number_webhooks: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class Contact:
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    position: str


@dataclass(frozen=True)
class PostalAddress:
    street: str
    city: str
    region: str
    postal_code: str
    country: str


@dataclass(frozen=True)
class Business:
    """Who the tenant is, as registered with Twilio (Trust Hub) and the carriers."""

    legal_name: str
    ein: str
    type: str
    industry: str
    website: str
    email: str
    address: PostalAddress
    contact: Contact
    company_type: str = "private"


@dataclass(frozen=True)
class A2pCampaign:
    """A2P 10DLC: one campaign on the tenant's service; `remove` drops the registration (the brand stays)."""

    use_case: str = ""
    description: str = ""
    message_flow: str = ""
    samples: tuple[str, ...] = ()
    has_embedded_links: bool = False
    has_embedded_phone: bool = False
    opt_in_message: str | None = None
    opt_out_message: str | None = None
    help_message: str | None = None
    opt_in_keywords: tuple[str, ...] = ()
    opt_out_keywords: tuple[str, ...] = ()
    help_keywords: tuple[str, ...] = ()
    subscriber_opt_in: bool = False
    age_gated: bool = False
    direct_lending: bool = False
    privacy_policy_url: str | None = None
    terms_and_conditions_url: str | None = None
    remove: bool = False


@dataclass(frozen=True)
class TollFree:
    """Toll-free verification of the named toll-free senders."""

    numbers: tuple[str, ...]
    use_case_categories: tuple[str, ...]
    use_case_summary: str
    message_sample: str
    opt_in_type: str
    opt_in_image_urls: tuple[str, ...]
    message_volume: str
    # The consent data the verification carries besides (Twilio's toll-free equivalents of a campaign's).
    opt_in_confirmation_message: str | None = None
    help_message_sample: str | None = None
    opt_in_keywords: tuple[str, ...] = ()
    privacy_policy_url: str | None = None
    terms_and_conditions_url: str | None = None
    age_gated_content: bool = False


@dataclass(frozen=True)
class Messaging:
    senders: tuple[str, ...]
    service: ServiceSettings = ServiceSettings()
    alpha_sender: str | None = None
    business: Business | None = None
    a2p_10dlc: A2pCampaign | None = None
    toll_free: TollFree | None = None


@dataclass(frozen=True)
class VoiceIntegrity:
    use_case: str
    employee_count: int
    average_daily_calls: int


@dataclass(frozen=True)
class Cnam:
    display_name: str


@dataclass(frozen=True)
class Dialing:
    """Where the subaccount may call: never inherited from the parent (toll fraud is paid from its balance)."""

    countries: tuple[str, ...] = ("US", "CA")
    high_risk_special_numbers: bool = False


@dataclass(frozen=True)
class Voice:
    """Outbound calls: the callers, their emergency address, dialing limits and the trust registrations."""

    callers: tuple[str, ...]
    emergency_address: PostalAddress
    shaken_stir: bool = False
    voice_integrity: VoiceIntegrity | None = None
    cnam: Cnam | None = None
    dialing: Dialing = Dialing()
    business: Business | None = None  # only without messaging.business (declared once)

    @property
    def registers(self) -> bool:
        """Whether any Trust Hub product is declared (they need the tenant's customer profile)."""
        return self.shaken_stir or self.voice_integrity is not None or self.cnam is not None


@dataclass(frozen=True)
class SourceRef:
    """Where the tenant came from, for messages that point a reviewer at the right line."""

    file: str
    line: int = 1


@dataclass(frozen=True)
class SendingRules:
    """What the CRM enforces when it contacts a patient. Sources: TCPA quiet hours (8:00-21:00 local, 47 CFR
    64.1200(c)(1)); the FCC's healthcare-message exemption (47 CFR 64.1200(a)(9)(iv): at most one message a day and
    three a week, texts of 160 characters at most, free to the patient, opt-out honoured at once); an opted-out
    number is refused by Twilio (21610) until the patient texts START."""

    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    max_per_day: int = 1
    max_per_week: int = 3
    max_sms_length: int = 160

    def as_dict(self) -> dict[str, object]:
        return {"quiet_hours": {"start": self.quiet_start, "end": self.quiet_end, "time_zone": "the patient's"},
                "max_per_day": self.max_per_day, "max_per_week": self.max_per_week,
                "max_sms_length": self.max_sms_length, "free_to_patient": True, "opt_out": "at once",
                "opted_out_error": 21610,
                "sources": ["47 CFR 64.1200(c)(1) (quiet hours)", "47 CFR 64.1200(a)(9)(iv) (healthcare exemption)",
                            "Twilio error 21610 (opted-out recipient)"]}


@dataclass(frozen=True)
class Tenant:
    id: str
    display_name: str
    status: Status
    source: SourceRef
    owner: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    shard: str | None = None  # the stack that deploys it (twilio-tenants:shard); None: the unsharded stack
    release_to: str | None = None  # shard_move step one: the shard this tenant is released to (UNSHARDED: none)
    subaccount_sid: str | None = None
    webhooks: Webhooks = Webhooks()
    phone_numbers: tuple[PhoneNumberSpec, ...] = ()
    api_keys: tuple[ApiKeySpec, ...] = ()
    auth_token: AuthTokenRotation | None = None
    budget: Budget | None = None
    billing: Billing | None = None
    messaging: Messaging | None = None
    voice: Voice | None = None
    hipaa: bool = False
    sending_rules: SendingRules = field(default_factory=SendingRules)

    @property
    def releasing(self) -> bool:
        """Step one of a shard move: the stack deploying it keeps its resources at Twilio and may forget them."""
        return self.release_to is not None

    @property
    def api_key(self) -> bool:
        """Whether the CRM gets any key."""
        return any(not key.retired for key in self.api_keys)

    def number_webhooks(self, number: PhoneNumberSpec) -> Webhooks:
        """Tenant defaults merged with the number's own overrides."""
        return self.webhooks.overridden_by(number.webhooks)

    @property
    def business(self) -> Business | None:
        """Who the tenant is at Twilio: declared once, in messaging or (for a voice-only tenant) in voice."""
        return (self.messaging.business if self.messaging else None) or (self.voice.business if self.voice else None)

    def number(self, name: str) -> PhoneNumberSpec:
        for spec in self.phone_numbers:
            if spec.name == name:
                return spec
        raise KeyError(f"tenant {self.id} has no phone number named {name!r}")
