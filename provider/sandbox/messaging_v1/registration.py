"""US messaging registration (Messaging v1): A2P brands, campaigns (UsAppToPerson) and toll-free verifications.

Kept from Twilio: a brand is registered only from an approved A2P trust product and its approved customer profile,
and has no DELETE; a campaign only for an approved brand, one per Messaging Service; a toll-free verification only
for a toll-free number of the account, one per number; what is in review cannot be edited; a failed brand is
resubmitted, a campaign updated and a rejected verification edited at most MAX_RESUBMISSIONS times (21724).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import reviews, usage
from ..core.errors import (
    InvalidParameter,
    NotFound,
    NotReady,
    UnderReview,
    param_name,
)
from ..core.service import ACCOUNT_CLOSED, SERVICE_DELETED, Service
from ..trusthub_v1.models import A2P_TRUST_PRODUCT_POLICY, SECONDARY_PROFILE_POLICY, Bundle, bundle_status
from .exceptions import (
    BrandNotApproved,
    BrandNotResubmittable,
    EditWindowClosed,
    NotTollFree,
    UpdateLimitReached,
)

if TYPE_CHECKING:
    from ..api_v2010.models import Account
    from ..backend import TwilioBackend

MAX_RESUBMISSIONS = 3
EDIT_WINDOW = timedelta(days=7)  # Twilio: a rejected toll-free verification may be edited for 7 days
A2P_USE_CASES = ("2FA", "ACCOUNT_NOTIFICATION", "CUSTOMER_CARE", "DELIVERY_NOTIFICATION", "FRAUD_ALERT",
                 "HIGHER_EDUCATION", "LOW_VOLUME", "MARKETING", "MIXED", "POLLING_VOTING",
                 "PUBLIC_SERVICE_ANNOUNCEMENT", "SECURITY_ALERT")
TOLLFREE_USE_CASES = ("TWO_FACTOR_AUTHENTICATION", "ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE", "CHARITY_NONPROFIT",
                      "DELIVERY_NOTIFICATIONS", "FRAUD_ALERT_MESSAGING", "EVENTS", "HIGHER_EDUCATION", "K12",
                      "MARKETING", "POLLING_AND_VOTING_NON_POLITICAL", "POLITICAL_ELECTION_CAMPAIGNS",
                      "PUBLIC_SERVICE_ANNOUNCEMENT", "SECURITY_ALERT")
OPT_IN_TYPES = ("VERBAL", "WEB_FORM", "PAPER_FORM", "VIA_TEXT", "MOBILE_QR_CODE", "IMPORT")
MESSAGE_VOLUMES = ("10", "100", "1,000", "10,000", "100,000", "250,000", "500,000", "750,000", "1,000,000",
                   "5,000,000", "10,000,000+")


@dataclass
class Brand:
    sid: str
    account_sid: str
    customer_profile_bundle_sid: str
    a2p_profile_bundle_sid: str
    brand_type: str = "STANDARD"
    mock: bool = False
    skip_automatic_sec_vet: bool = False
    date_created: datetime | None = None
    date_updated: datetime | None = None
    date_submitted: datetime | None = None
    approved: bool = False
    failure_reason: str = ""
    brand_feedback: list[str] = field(default_factory=list)
    tcr_id: str = ""
    resubmissions: int = 0


@dataclass
class Campaign:
    sid: str
    account_sid: str
    service_sid: str
    brand_sid: str
    fields: dict[str, Any] = field(default_factory=dict)  # Twilio's attribute names, as submitted
    date_created: datetime | None = None
    date_updated: datetime | None = None
    date_submitted: datetime | None = None
    approved: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    campaign_id: str = ""
    updates: int = 0


@dataclass
class TollfreeVerification:
    sid: str
    account_sid: str
    tollfree_phone_number_sid: str
    tollfree_phone_number: str
    fields: dict[str, Any] = field(default_factory=dict)  # Twilio's attribute names, as submitted
    date_created: datetime | None = None
    date_updated: datetime | None = None
    date_submitted: datetime | None = None
    approved: bool = False
    rejection_reason: str = ""
    error_code: int | None = None
    edits: int = 0
    editable: bool = True  # whether the rejection reason allows an edit at all

    def edit_expiration(self) -> datetime | None:
        """When a rejection's edit window closes: EDIT_WINDOW after the decision (None: not decided yet)."""
        if self.date_submitted is None:
            return None
        return self.date_submitted + reviews.decided_after("tollfree") + EDIT_WINDOW

    def edit_allowed(self, now: datetime) -> bool:
        expires = self.edit_expiration()
        return (self.editable and expires is not None and review_status("tollfree", self, now) == "TWILIO_REJECTED"
                and now < expires)


@dataclass
class Fee:
    """A registration fee an account owes (the stand-in's billing ledger, kept like any other table so that a
    deleted campaign's past months stay billed: history never changes)."""

    sid: str
    account_sid: str
    category: str  # a usage category under a2p-registration-fees
    about: str  # the brand or campaign it is for
    date_start: datetime
    date_end: datetime | None = None
    one_time: str = "0"
    monthly: str = "0"

    def charge(self) -> usage.Charge:
        return usage.Charge(self.category, self.date_start.date(), self.date_end.date() if self.date_end else None,
                            Decimal(self.one_time), Decimal(self.monthly))


def iso_day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "?"


def review_status(kind: str, item: Brand | Campaign | TollfreeVerification, now: datetime) -> str:
    """Where Twilio's review of a submitted brand, campaign or toll-free verification (`kind`) stands now."""
    assert item.date_submitted is not None
    return reviews.status(kind, item.date_submitted, item.approved, now)


def check_campaign_fields(fields: dict[str, Any]) -> None:
    """Twilio's documented bounds: description and message flow 40+ characters, 2 to 5 samples of 20+."""
    if fields.get("us_app_to_person_usecase", "ACCOUNT_NOTIFICATION") not in A2P_USE_CASES:
        raise InvalidParameter(f"UsAppToPersonUsecase must be one of {', '.join(A2P_USE_CASES)}")
    for name, low, high in (("description", 40, 4096), ("message_flow", 40, 2048)):
        if name in fields and not low <= len(fields[name]) <= high:
            raise InvalidParameter(f"{param_name(name)} must be {low} to {high} characters")
    samples = fields.get("message_samples")
    if samples is not None and (not 2 <= len(samples) <= 5 or any(not 20 <= len(s) <= 1024 for s in samples)):
        raise InvalidParameter("MessageSamples must be 2 to 5 samples of 20 to 1024 characters each")


def consent_gaps(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """What carriers reject a campaign for (30887): no opt-out and help detail, STOP missing from the opt-out
    keywords, no sample saying how to opt out."""
    gaps = [(name, f"{param_name(name)} is required: carriers reject campaigns without opt-out and help detail")
            for name in ("opt_out_message", "opt_out_keywords", "help_message", "help_keywords") if not fields.get(name)]
    if fields.get("opt_out_keywords") and "STOP" not in [k.upper() for k in fields["opt_out_keywords"]]:
        gaps.append(("opt_out_keywords", "OptOutKeywords must include STOP"))
    if not any("STOP" in sample.upper() for sample in fields.get("message_samples") or []):
        gaps.append(("message_samples", "no MessageSamples says how to opt out (Reply STOP)"))
    return gaps


# Carriers' prescription-content rule (30941), as the stand-in applies it: the words of the project's one list.
def prescription_terms_in(fields: dict[str, Any]) -> str:
    from ...prescription_terms import terms_in  # the same list validate refuses with

    text = " ".join([*(fields.get("message_samples") or []), str(fields.get("description") or "")])
    return ", ".join(terms_in(text))


TABLES: dict[str, type] = {"brands": Brand, "campaigns": Campaign, "tollfree": TollfreeVerification, "fees": Fee}


class Registration(Service):
    """US messaging registration over the backend's store; builds on Trust Hub (its bundles) and Messaging (its
    services)."""

    def __init__(self, store: TwilioBackend):
        super().__init__(store)
        store.events.subscribe(SERVICE_DELETED, self._drop_service_campaigns)
        store.events.subscribe(ACCOUNT_CLOSED, self.end_fees)

    def _drop_service_campaigns(self, service_sid: str) -> None:
        """A deleted Messaging Service takes its campaign with it (and the campaign's monthly fee stops)."""
        campaigns = self.tables["campaigns"]
        for campaign in [c for c in campaigns.values() if c.service_sid == service_sid]:
            self.end_fees(campaign.account_sid, campaign.sid)
            del campaigns[campaign.sid]

    # ---- brands ------------------------------------------------------------------------------------
    def create_brand(self, account: Account, customer_profile_sid: str, a2p_sid: str, brand_type: str,
                     mock: bool, skip_automatic_sec_vet: bool) -> Brand:
        with self.lock:
            profile = self.store.trusthub.fetch_bundle(account, "customer_profile", customer_profile_sid)
            product = self.store.trusthub.fetch_bundle(account, "trust_product", a2p_sid)
            if profile.policy_sid != SECONDARY_PROFILE_POLICY or product.policy_sid != A2P_TRUST_PRODUCT_POLICY:
                raise InvalidParameter("A brand needs a secondary customer profile and an A2P trust product")
            if brand_type not in ("STANDARD", "SOLE_PROPRIETOR"):
                raise InvalidParameter("BrandType must be STANDARD or SOLE_PROPRIETOR")
            if not any(a.bundle_sid == a2p_sid and a.object_sid == customer_profile_sid
                       for a in self.tables["assignments"].values()):
                raise InvalidParameter(f"Trust product {a2p_sid} does not hold customer profile "
                                       f"{customer_profile_sid}")
            if any(b.a2p_profile_bundle_sid == a2p_sid for b in self.tables["brands"].values()):
                raise InvalidParameter(f"A brand is already registered for trust product {a2p_sid}; brands "
                                       "cannot be deleted, resubmit that one")
            self._require_approved(profile, product)
            now = self.clock.now()
            brand = Brand(sid=self._sid("BN"), account_sid=account.sid,
                          customer_profile_bundle_sid=customer_profile_sid, a2p_profile_bundle_sid=a2p_sid,
                          brand_type=brand_type, mock=mock, skip_automatic_sec_vet=skip_automatic_sec_vet,
                          date_created=now, date_updated=now)
            self._decide_brand(brand, product)
            self.tables["brands"][brand.sid] = brand
            if not mock:  # Twilio's mock brands are free
                self._bill(account, "a2p-10dlc-registrationfees-brandregistration", brand.sid,
                           one_time=usage.BRAND_REGISTRATION_FEE)
            self._persist(account.sid)
            return brand

    def _bill(self, account: Account, category: str, about: str, one_time: Decimal = Decimal(0),
              monthly: Decimal = Decimal(0)) -> None:
        fee = Fee(self._sid("FE"), account.sid, category, about, self.clock.now(), None, f"{one_time:f}", f"{monthly:f}")
        self.tables["fees"][fee.sid] = fee

    def end_fees(self, account_sid: str, about: str | None = None) -> None:
        """Monthly fees stop (a campaign deleted, an account closed); what was billed stays billed."""
        now = self.clock.now()
        for fee in self.tables["fees"].values():
            if fee.account_sid == account_sid and fee.date_end is None and (about is None or fee.about == about) \
                    and Decimal(fee.monthly):
                fee.date_end = now

    def charges_of(self, account_sid: str) -> list[usage.Charge]:
        return [f.charge() for f in self.tables["fees"].values() if f.account_sid == account_sid]

    def _require_approved(self, *bundles: Bundle) -> None:
        now = self.clock.now()
        for bundle in bundles:
            current = bundle_status(bundle, now)
            if current != "twilio-approved":
                raise NotReady(f"{bundle.sid} is {current}: a brand is registered only from twilio-approved "
                               "customer profiles and trust products")

    def _decide_brand(self, brand: Brand, product: Bundle) -> None:
        data = self.store.trusthub.profile_data(product)
        ein = str(data.get("customer_profile_business_information", {}).get("business_registration_number", ""))
        brand.date_submitted = self.clock.now()
        brand.approved = ein != reviews.REJECTED_EIN
        brand.brand_feedback = [] if brand.approved else ["TAX_ID"]
        brand.failure_reason = "" if brand.approved else \
            f"The Tax ID {ein} does not match the legal business name (sandbox: EIN {reviews.REJECTED_EIN} fails)"
        brand.tcr_id = f"B{self._sid('')[:6].upper()}" if brand.approved else ""

    def list_brands(self, account: Account) -> list[Brand]:
        with self.lock:
            return [b for b in self.tables["brands"].values() if b.account_sid == account.sid]

    def fetch_brand(self, account: Account, sid: str) -> Brand:
        return self._mine("brands", account, sid, f"/v1/a2p/BrandRegistrations/{sid}")

    def resubmit_brand(self, account: Account, sid: str) -> Brand:
        with self.lock:
            brand = self.fetch_brand(account, sid)
            current = review_status("brand", brand, self.clock.now())
            if current != "FAILED":
                raise BrandNotResubmittable(f"Brand {sid} is {current}: only a FAILED brand can be resubmitted")
            if brand.resubmissions >= MAX_RESUBMISSIONS:
                raise UpdateLimitReached(f"Brand {sid} was resubmitted {brand.resubmissions} times, the most "
                                         "allowed; contact Twilio support")
            product = self.store.trusthub.fetch_bundle(account, "trust_product", brand.a2p_profile_bundle_sid)
            self._require_approved(self.store.trusthub.fetch_bundle(account, "customer_profile",
                                                     brand.customer_profile_bundle_sid), product)
            brand.resubmissions += 1
            self._decide_brand(brand, product)
            brand.date_updated = self.clock.now()
            self._persist(account.sid)
            return brand

    # ---- campaigns ---------------------------------------------------------------------------------
    def create_campaign(self, account: Account, service_sid: str, brand_sid: str,
                        fields: dict[str, Any]) -> Campaign:
        with self.lock:
            self.store.messaging.fetch_service(account, service_sid)
            brand = self.fetch_brand(account, brand_sid)
            current = review_status("brand", brand, self.clock.now())
            if current != "APPROVED":
                raise BrandNotApproved(f"Brand {brand_sid} is {current}: campaigns are registered only for APPROVED "
                                       "brands")
            if any(c.service_sid == service_sid for c in self.tables["campaigns"].values()):
                raise InvalidParameter(f"Messaging Service {service_sid} already has an A2P campaign; a service "
                                       "holds one")
            check_campaign_fields(fields)
            now = self.clock.now()
            campaign = Campaign(sid=self._sid("QE"), account_sid=account.sid, service_sid=service_sid,
                                brand_sid=brand_sid, fields=dict(fields), date_created=now, date_updated=now)
            self._decide_campaign(campaign)
            self.tables["campaigns"][campaign.sid] = campaign
            if not brand.mock:
                self._bill(account, "a2p-10dlc-registrationfees-campaignvetting", campaign.sid,
                           one_time=usage.CAMPAIGN_VETTING_FEE)
                self._bill(account, "a2p-10dlc-registrationfees-monthly", campaign.sid,
                           monthly=usage.CAMPAIGN_MONTHLY_FEE)
            self._persist(account.sid)
            return campaign

    def _decide_campaign(self, campaign: Campaign) -> None:
        marked = reviews.marked_field(campaign.fields)
        consent = consent_gaps(campaign.fields)
        prescription = prescription_terms_in(campaign.fields)
        campaign.date_submitted = self.clock.now()
        campaign.approved = marked is None and not consent and not prescription
        campaign.errors = [{"error_code": 30887, "fields": [name], "description": why} for name, why in consent]
        if prescription:  # carriers refuse prescription-drug content; such a campaign is never resubmitted
            campaign.errors.append({"error_code": 30941, "fields": ["message_samples"],
                                    "description": f"prescription drug content is not allowed ({prescription})"})
        if marked is not None:
            campaign.errors.append({
                "error_code": 30896, "fields": [marked],
                "description": f"{marked} does not meet the use case's requirements (sandbox: it contains "
                               f"{reviews.REJECT_MARK!r})"})
        campaign.campaign_id = f"C{self._sid('')[:6].upper()}" if campaign.approved else ""

    def list_campaigns(self, account: Account, service_sid: str) -> list[Campaign]:
        with self.lock:
            self.store.messaging.fetch_service(account, service_sid)
            return [c for c in self.tables["campaigns"].values() if c.service_sid == service_sid]

    def fetch_campaign(self, account: Account, service_sid: str, sid: str) -> Campaign:
        with self.lock:
            self.store.messaging.fetch_service(account, service_sid)
            campaign = self.tables["campaigns"].get(sid)
            if campaign is None or campaign.service_sid != service_sid:
                raise NotFound(f"/v1/Services/{service_sid}/Compliance/Usa2p/{sid}")
            return campaign

    def update_campaign(self, account: Account, service_sid: str, sid: str, fields: dict[str, Any]) -> Campaign:
        with self.lock:
            campaign = self.fetch_campaign(account, service_sid, sid)
            current = review_status("campaign", campaign, self.clock.now())
            if current == "IN_PROGRESS":
                raise UnderReview(f"Campaign {sid} is IN_PROGRESS: it cannot be edited until the review ends")
            if campaign.updates >= MAX_RESUBMISSIONS:
                raise UpdateLimitReached(f"Campaign {sid} was updated {campaign.updates} times, the most allowed")
            check_campaign_fields(fields)
            campaign.fields.update(fields)
            campaign.updates += 1
            self._decide_campaign(campaign)
            campaign.date_updated = self.clock.now()
            self._persist(account.sid)
            return campaign

    def delete_campaign(self, account: Account, service_sid: str, sid: str) -> None:
        with self.lock:
            del self.tables["campaigns"][self.fetch_campaign(account, service_sid, sid).sid]
            self.end_fees(account.sid, sid)
            self._persist(account.sid)

    # ---- toll-free verifications -------------------------------------------------------------------
    def create_tollfree(self, account: Account, number_sid: str, fields: dict[str, Any]) -> TollfreeVerification:
        with self.lock:
            number = self.numbers.get(number_sid)
            if number is None or number.account_sid != account.sid:
                raise InvalidParameter(f"TollfreePhoneNumberSid {number_sid} is not a number of {account.sid}")
            if number.number_type != "toll_free":
                raise NotTollFree(f"{number.phone_number} is not a toll-free number: only toll-free numbers are "
                                  "verified")
            if any(v.tollfree_phone_number_sid == number_sid for v in self.tables["tollfree"].values()):
                raise InvalidParameter(f"{number.phone_number} already has a verification; edit that one")
            _check_tollfree_fields(fields)
            now = self.clock.now()
            verification = TollfreeVerification(
                sid=self._sid("HH"), account_sid=account.sid, tollfree_phone_number_sid=number_sid,
                tollfree_phone_number=number.phone_number, fields=dict(fields), date_created=now, date_updated=now)
            self._decide_tollfree(verification)
            self.tables["tollfree"][verification.sid] = verification
            self._persist(account.sid)
            return verification

    def _decide_tollfree(self, verification: TollfreeVerification) -> None:
        marked = reviews.marked_field(verification.fields)
        verification.date_submitted = self.clock.now()
        verification.approved = marked is None and bool(verification.fields.get("opt_in_confirmation_message"))
        if not verification.fields.get("opt_in_confirmation_message"):  # as Twilio's reviewers (30540)
            verification.rejection_reason = ("Double opt-in confirmation message is required: OptInConfirmationMessage "
                                             "is empty (the message sent to users after they opt in)")
            verification.error_code = 30540
        else:
            verification.rejection_reason = "" if marked is None else \
                f"{marked} is not acceptable (sandbox: it contains {reviews.REJECT_MARK!r})"
            verification.error_code = None if marked is None else 30509
        # A rejection for a reason that allows no edit: a value carrying the final mark (see reviews.py).
        verification.editable = reviews.FINAL_MARK not in json.dumps(verification.fields)

    def list_tollfree(self, account: Account, number_sid: str | None, status: str | None
                      ) -> list[TollfreeVerification]:
        with self.lock:
            now = self.clock.now()
            return [v for v in self.tables["tollfree"].values() if v.account_sid == account.sid
                    and (number_sid is None or v.tollfree_phone_number_sid == number_sid)
                    and (status is None or review_status("tollfree", v, now) == status)]

    def fetch_tollfree(self, account: Account, sid: str) -> TollfreeVerification:
        return self._mine("tollfree", account, sid, f"/v1/Tollfree/Verifications/{sid}")

    def update_tollfree(self, account: Account, sid: str, fields: dict[str, Any]) -> TollfreeVerification:
        with self.lock:
            verification = self.fetch_tollfree(account, sid)
            current = review_status("tollfree", verification, self.clock.now())
            if current != "TWILIO_REJECTED":
                if current in ("PENDING_REVIEW", "IN_REVIEW"):
                    raise UnderReview(f"Verification {sid} is {current}: it cannot be edited until Twilio decides")
                raise InvalidParameter(f"Verification {sid} is {current}: only a rejected one is edited")
            if not verification.edit_allowed(self.clock.now()):
                expires = verification.edit_expiration()
                raise EditWindowClosed(
                    f"Verification {sid} can no longer be edited (" + ("its rejection reason allows no edit" if
                                                                       not verification.editable else
                                                                       f"the edit window closed {iso_day(expires)}")
                    + "): submit a new verification for the number")
            if verification.edits >= MAX_RESUBMISSIONS:
                raise UpdateLimitReached(f"Verification {sid} was edited {verification.edits} times, the most "
                                         "allowed; submit a new one")
            merged = {**verification.fields, **fields}
            _check_tollfree_fields(merged)
            verification.fields = merged
            verification.edits += 1
            self._decide_tollfree(verification)
            verification.date_updated = self.clock.now()
            self._persist(account.sid)
            return verification

    def delete_tollfree(self, account: Account, sid: str) -> None:
        with self.lock:
            del self.tables["tollfree"][self.fetch_tollfree(account, sid).sid]
            self._persist(account.sid)


def _check_tollfree_fields(fields: dict[str, Any]) -> None:
    categories = fields.get("use_case_categories") or []
    if not categories or any(c not in TOLLFREE_USE_CASES for c in categories):
        raise InvalidParameter(f"UseCaseCategories must name one or more of {', '.join(TOLLFREE_USE_CASES)}")
    if fields.get("opt_in_type") not in OPT_IN_TYPES:
        raise InvalidParameter(f"OptInType must be one of {', '.join(OPT_IN_TYPES)}")
    if fields.get("message_volume") not in MESSAGE_VOLUMES:
        raise InvalidParameter(f"MessageVolume must be one of {', '.join(MESSAGE_VOLUMES)}")
    if not fields.get("opt_in_image_urls"):
        raise InvalidParameter("OptInImageUrls needs at least one URL")
    if "@" not in str(fields.get("notification_email", "")):
        raise InvalidParameter("NotificationEmail must be an email address")
