"""Trust Hub v1 (customer profiles, trust products and what they hold) and v2010 Addresses: state and rules.

The ISV flow for A2P 10DLC, inside a tenant's subaccount: a secondary customer profile (policy
RNdfbf3fae0e1107f8aded0e7cead80bf5) holding the business, its authorized representative, an address document and
the platform's primary customer profile (the parent's, approved once in the Console); then an A2P trust product
(policy RNb0d4771c2c98518d916a3d4cd70a8f8b) holding the messaging profile and that customer profile. Each is
evaluated, then submitted; reviews follow `reviews`. Kept from Twilio: nothing under review can change; changing
what an approved or rejected bundle holds sends it back to draft; a bundle is submitted only after an evaluation
of exactly what it holds now came back compliant.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import reviews
from ..core.service import NUMBER_LEFT_ACCOUNT, Service
from .exceptions import InvalidParameter, NotFound, NotReady, UnderReview

if TYPE_CHECKING:
    from ..api_v2010.models import Account
    from ..backend import TwilioBackend

# The ISV's primary business profile (made in the Console). Not RN806dd6cd175f314e1f96a9727ee271f4: public
# integrations name that one the ISV *Starter* customer profile (sole proprietors), which the stand-in refuses.
PRIMARY_PROFILE_POLICY = "RN6433641899984f951173ef1738c3bdd0"
SECONDARY_PROFILE_POLICY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
A2P_TRUST_PRODUCT_POLICY = "RNb0d4771c2c98518d916a3d4cd70a8f8b"
# Voice trust products (Trust Hub API onboarding guides for ISVs using subaccounts).
SHAKEN_STIR_POLICY = "RN7a97559effdf62d00f4298208492a5ea"
VOICE_INTEGRITY_POLICY = "RN5b3660f9598883b1df4e77f77acefba0"
CNAM_POLICY = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
VOICE_POLICIES = (SHAKEN_STIR_POLICY, VOICE_INTEGRITY_POLICY, CNAM_POLICY)
POLICIES = {"customer_profile": (PRIMARY_PROFILE_POLICY, SECONDARY_PROFILE_POLICY),
            "trust_product": (A2P_TRUST_PRODUCT_POLICY, *VOICE_POLICIES)}
# Which review schedule (`reviews.SCHEDULE_DAYS`) a bundle of each policy follows; others: "bundle".
REVIEW_KIND = {SHAKEN_STIR_POLICY: "shaken_stir", VOICE_INTEGRITY_POLICY: "voice_integrity", CNAM_POLICY: "cnam"}
CNAM_MAX = 15
CNAM_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9., ]*\Z")
# What carriers display when no name is known or it is withheld: never a registered caller name (stand-in rule).
CNAM_RESERVED = frozenset({"unknown", "unavailable", "private", "anonymous", "restricted", "toll free",
                           "wireless caller", "out of area", "blocked"})
# The sandbox parent's primary customer profile: at Twilio the platform's own, approved in the Console once.
SANDBOX_PRIMARY_PROFILE_SID = "BU" + "5a7db0c" + "0" * 24 + "1"
PRIMARY_PROFILE_APPROVED = datetime(2020, 1, 6, 12, 0, tzinfo=UTC)

# What each end-user / document type must carry (Twilio's attribute names).
END_USER_ATTRIBUTES = {
    "customer_profile_business_information": (
        "business_name", "business_identity", "business_type", "business_industry",
        "business_registration_identifier", "business_registration_number", "business_regions_of_operation",
        "website_url"),
    "authorized_representative_1": ("first_name", "last_name", "email", "phone_number", "business_title",
                                    "job_position"),
    "authorized_representative_2": ("first_name", "last_name", "email", "phone_number", "business_title",
                                    "job_position"),
    "us_a2p_messaging_profile_information": ("company_type",),
    "voice_integrity_information": ("use_case", "business_employee_count", "average_business_day_call_volume"),
    "cnam_information": ("cnam_display_name",),
}
DOCUMENT_ATTRIBUTES = {"customer_profile_address": ("address_sids",)}
# What a bundle under each policy must hold: end-user/document types, and a customer profile of which policy.
REQUIREMENTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    SECONDARY_PROFILE_POLICY: (("customer_profile_business_information", "authorized_representative_1",
                                "customer_profile_address"), PRIMARY_PROFILE_POLICY),
    A2P_TRUST_PRODUCT_POLICY: (("us_a2p_messaging_profile_information",), SECONDARY_PROFILE_POLICY),
    PRIMARY_PROFILE_POLICY: ((), None),
    SHAKEN_STIR_POLICY: ((), SECONDARY_PROFILE_POLICY),
    VOICE_INTEGRITY_POLICY: (("voice_integrity_information",), SECONDARY_PROFILE_POLICY),
    CNAM_POLICY: (("cnam_information",), SECONDARY_PROFILE_POLICY),
}


@dataclass
class Bundle:
    """A customer profile or a trust product (both `BU...`)."""

    sid: str
    account_sid: str
    kind: str  # customer_profile | trust_product
    friendly_name: str
    email: str
    policy_sid: str
    status_callback: str = ""
    date_created: datetime | None = None
    date_updated: datetime | None = None
    date_submitted: datetime | None = None  # None: a draft
    approved: bool = False  # the decision of the last submission, revealed on the review schedule
    failure_reason: str = ""
    evaluated: str = ""  # digest of what the bundle held at its last compliant evaluation


@dataclass
class TrustItem:
    """What a bundle holds: a typed set of attributes (an end user, or a supporting document)."""

    sid: str
    account_sid: str
    friendly_name: str
    type: str
    attributes: dict[str, Any] = field(default_factory=dict)
    date_created: datetime | None = None
    date_updated: datetime | None = None


@dataclass
class EndUser(TrustItem):
    pass


@dataclass
class SupportingDocument(TrustItem):
    pass


@dataclass
class Assignment:
    sid: str
    account_sid: str
    bundle_sid: str
    object_sid: str
    date_created: datetime | None = None


@dataclass
class ChannelEndpoint:
    """A phone number assigned to a customer profile or trust product (`RA...`)."""

    sid: str
    account_sid: str
    bundle_sid: str
    channel_endpoint_type: str
    channel_endpoint_sid: str
    date_created: datetime | None = None


@dataclass
class Evaluation:
    sid: str
    account_sid: str
    bundle_sid: str
    policy_sid: str
    status: str
    results: list[dict[str, Any]] = field(default_factory=list)
    date_created: datetime | None = None


def bundle_status(bundle: Bundle, now: datetime) -> str:
    if bundle.date_submitted is None:
        return "draft"
    return reviews.status(REVIEW_KIND.get(bundle.policy_sid, "bundle"), bundle.date_submitted, bundle.approved, now)


def _checked_voice_attributes(type_: str, attributes: dict[str, Any]) -> None:
    """Values Twilio refuses in the voice end users: counts that are not positive whole numbers (sent as
    strings), a caller name carriers cannot display."""
    if type_ == "voice_integrity_information":
        for name in ("business_employee_count", "average_business_day_call_volume"):
            value = str(attributes.get(name))
            if not value.isdigit() or int(value) < 1:
                raise InvalidParameter(f"{name} must be a positive whole number, got {attributes.get(name)!r}")
    if type_ == "cnam_information":
        problem = cnam_problem(str(attributes.get("cnam_display_name")))
        if problem:
            raise InvalidParameter(f"cnam_display_name {problem}")


def cnam_problem(name: str) -> str | None:
    if len(name) > CNAM_MAX:
        return f"is {len(name)} characters; at most {CNAM_MAX}"
    if not CNAM_PATTERN.match(name):
        return "must start with a letter and hold only letters, digits, periods, commas and spaces"
    if name.strip().lower() in CNAM_RESERVED:
        return f"{name!r} is what carriers show for an unknown or withheld caller"
    return None


def _attributes(raw: str | None, required: tuple[str, ...], what: str) -> dict[str, Any]:
    try:
        attributes = json.loads(raw or "{}")
    except ValueError:
        raise InvalidParameter(f"Attributes of a {what} must be a JSON object") from None
    if not isinstance(attributes, dict):
        raise InvalidParameter(f"Attributes of a {what} must be a JSON object")
    missing = [name for name in required if attributes.get(name) in (None, "", [])]
    if missing:
        raise InvalidParameter(f"Attributes of a {what} lack {', '.join(missing)}")
    return attributes


# Trust Hub's tables in the store (rows keyed by SID); the addresses its documents name are v2010's.
TABLES: dict[str, type] = {"bundles": Bundle, "end_users": EndUser,
                           "documents": SupportingDocument, "assignments": Assignment, "evaluations": Evaluation,
                           "channel_endpoints": ChannelEndpoint}


class TrustHub(Service):
    """Trust Hub v1 and the v2010 Addresses its documents name, over the backend's store."""

    def __init__(self, store: TwilioBackend):
        super().__init__(store)
        store.events.subscribe(NUMBER_LEFT_ACCOUNT, self._drop_channel_endpoints)

    # ---- bundles -----------------------------------------------------------------------------------
    def seed_primary_profile(self) -> None:
        """The sandbox parent's approved primary customer profile (made and approved in the Console at Twilio)."""
        bundles = self.tables["bundles"]
        # Approved long before any tenant: a run with the stand-in's clock set back still finds it approved.
        long_ago = PRIMARY_PROFILE_APPROVED
        bundles[SANDBOX_PRIMARY_PROFILE_SID] = Bundle(
            sid=SANDBOX_PRIMARY_PROFILE_SID, account_sid=self.parent_sid, kind="customer_profile",
            friendly_name="Sandbox platform (primary customer profile)", email="compliance@example.com",
            policy_sid=PRIMARY_PROFILE_POLICY, date_created=long_ago, date_updated=long_ago,
            date_submitted=long_ago, approved=True)

    def create_bundle(self, account: Account, kind: str, friendly_name: str, email: str, policy_sid: str,
                      status_callback: str = "") -> Bundle:
        with self.lock:
            if policy_sid not in POLICIES[kind]:
                raise InvalidParameter(f"PolicySid {policy_sid} is not a {kind.replace('_', ' ')} policy")
            if policy_sid == PRIMARY_PROFILE_POLICY and not account.is_parent:
                raise InvalidParameter("A subaccount's customer profiles are secondary (policy "
                                       f"{SECONDARY_PROFILE_POLICY}); the primary one is the parent's")
            if not 1 <= len(friendly_name) <= 64 or "@" not in email:
                raise InvalidParameter("FriendlyName (1-64 characters) and a valid Email are required")
            now = self.clock.now()
            bundle = Bundle(sid=self._sid("BU"), account_sid=account.sid, kind=kind, friendly_name=friendly_name,
                            email=email, policy_sid=policy_sid, status_callback=status_callback,
                            date_created=now, date_updated=now)
            self.tables["bundles"][bundle.sid] = bundle
            self._persist(account.sid)
            return bundle

    def list_bundles(self, account: Account, kind: str, friendly_name: str | None = None,
                     status: str | None = None, policy_sid: str | None = None) -> list[Bundle]:
        with self.lock:
            now = self.clock.now()
            return [b for b in self.tables["bundles"].values() if b.account_sid == account.sid and b.kind == kind
                    and (friendly_name is None or b.friendly_name == friendly_name)
                    and (status is None or bundle_status(b, now) == status)
                    and (policy_sid is None or b.policy_sid == policy_sid)]

    def fetch_bundle(self, account: Account, kind: str, sid: str) -> Bundle:
        with self.lock:
            bundle = self._mine("bundles", account, sid, f"/v1/{_collection(kind)}/{sid}")
            if bundle.kind != kind:
                raise NotFound(f"/v1/{_collection(kind)}/{sid}")
            return bundle

    def update_bundle(self, account: Account, kind: str, sid: str, fields: dict[str, str],
                      status: str | None) -> Bundle:
        with self.lock:
            bundle = self.fetch_bundle(account, kind, sid)
            now = self.clock.now()
            current = bundle_status(bundle, now)
            if current in ("pending-review", "in-review"):
                raise UnderReview(f"{bundle.sid} is {current}: it cannot change until Twilio decides")
            if status is not None:
                if status != "pending-review":
                    raise InvalidParameter("Status may only be set to pending-review (to submit)")
                if current not in ("draft", "twilio-rejected"):
                    raise InvalidParameter(f"{bundle.sid} is {current}: only a draft or a rejected bundle is "
                                           "submitted")
                if bundle.evaluated != self._holding_digest(bundle):
                    raise NotReady(f"{bundle.sid} has no compliant evaluation of what it holds now: create an "
                                   "Evaluation first")
                field_marked = reviews.marked_field(self._submitted_data(bundle))
                bundle.approved = field_marked is None
                bundle.failure_reason = "" if field_marked is None else \
                    f"{field_marked} was rejected (sandbox: it contains {reviews.REJECT_MARK!r})"
                bundle.date_submitted = now
            for name, value in fields.items():
                setattr(bundle, name, value)
            bundle.date_updated = now
            self._persist(account.sid)
            return bundle

    def delete_bundle(self, account: Account, kind: str, sid: str) -> None:
        with self.lock:
            bundle = self.fetch_bundle(account, kind, sid)
            self._editable(bundle)
            for table in ("assignments", "evaluations", "channel_endpoints"):
                rows = self.tables[table]
                for row_sid in [r.sid for r in rows.values() if r.bundle_sid == sid]:
                    del rows[row_sid]
            del self.tables["bundles"][sid]
            self._persist(account.sid)

    def _editable(self, bundle: Bundle) -> None:
        """Refuse while under review; an approved or rejected bundle whose contents change goes back to draft."""
        current = bundle_status(bundle, self.clock.now())
        if current in ("pending-review", "in-review"):
            raise UnderReview(f"{bundle.sid} is {current}: what it holds cannot change until Twilio decides")
        if current != "draft":
            bundle.date_submitted, bundle.approved, bundle.failure_reason = None, False, ""

    # ---- end users and supporting documents --------------------------------------------------------
    def create_item(self, account: Account, table: str, friendly_name: str, type_: str,
                    raw_attributes: str | None) -> Any:
        with self.lock:
            rules = END_USER_ATTRIBUTES if table == "end_users" else DOCUMENT_ATTRIBUTES
            if type_ not in rules:
                raise InvalidParameter(f"Type {type_} is not one of {', '.join(sorted(rules))}")
            attributes = _attributes(raw_attributes, rules[type_], type_)
            _checked_voice_attributes(type_, attributes)
            self._check_addresses(account, attributes)
            now = self.clock.now()
            cls = EndUser if table == "end_users" else SupportingDocument
            item = cls(sid=self._sid("IT" if table == "end_users" else "RD"), account_sid=account.sid,
                       friendly_name=friendly_name, type=type_, attributes=attributes, date_created=now,
                       date_updated=now)
            self.tables[table][item.sid] = item
            self._persist(account.sid)
            return item

    def _check_addresses(self, account: Account, attributes: dict[str, Any]) -> None:
        sids = attributes.get("address_sids")
        if sids is None:
            return
        for sid in [sids] if isinstance(sids, str) else sids:
            address = self.tables["addresses"].get(sid)
            if address is None or address.account_sid != account.sid:
                raise InvalidParameter(f"address_sids names {sid}, which is not an address of {account.sid}")

    def list_items(self, account: Account, table: str) -> list[Any]:
        with self.lock:
            return [i for i in self.tables[table].values() if i.account_sid == account.sid]

    def fetch_item(self, account: Account, table: str, sid: str) -> Any:
        return self._mine(table, account, sid, f"/v1/{_collection(table)}/{sid}")

    def update_item(self, account: Account, table: str, sid: str, friendly_name: str | None,
                    raw_attributes: str | None) -> Any:
        with self.lock:
            item = self.fetch_item(account, table, sid)
            for bundle in self._bundles_holding(sid):
                self._editable(bundle)
            if raw_attributes is not None:
                rules = END_USER_ATTRIBUTES if table == "end_users" else DOCUMENT_ATTRIBUTES
                attributes = _attributes(raw_attributes, rules[item.type], item.type)
                _checked_voice_attributes(item.type, attributes)
                self._check_addresses(account, attributes)
                item.attributes = attributes
            if friendly_name is not None:
                item.friendly_name = friendly_name
            item.date_updated = self.clock.now()
            self._persist(account.sid)
            return item

    def delete_item(self, account: Account, table: str, sid: str) -> None:
        with self.lock:
            self.fetch_item(account, table, sid)
            if self._bundles_holding(sid):
                raise InvalidParameter(f"{sid} is assigned to a bundle; remove the assignment first")
            del self.tables[table][sid]
            self._persist(account.sid)

    def _bundles_holding(self, object_sid: str) -> list[Bundle]:
        return [self.tables["bundles"][a.bundle_sid] for a in self.tables["assignments"].values()
                if a.object_sid == object_sid and a.bundle_sid in self.tables["bundles"]]

    # ---- assignments and evaluations ---------------------------------------------------------------
    def assign(self, account: Account, kind: str, bundle_sid: str, object_sid: str) -> Assignment:
        with self.lock:
            bundle = self.fetch_bundle(account, kind, bundle_sid)
            self._assignable(account, bundle, object_sid)
            if any(a.bundle_sid == bundle_sid and a.object_sid == object_sid
                   for a in self.tables["assignments"].values()):
                raise InvalidParameter(f"{object_sid} is already assigned to {bundle_sid}")
            self._editable(bundle)
            assignment = Assignment(sid=self._sid("BV"), account_sid=account.sid, bundle_sid=bundle_sid,
                                    object_sid=object_sid, date_created=self.clock.now())
            self.tables["assignments"][assignment.sid] = assignment
            self._persist(account.sid)
            return assignment

    def _assignable(self, account: Account, bundle: Bundle, object_sid: str) -> None:
        if object_sid.startswith("BU"):
            other = self.tables["bundles"].get(object_sid)
            wanted = REQUIREMENTS[bundle.policy_sid][1]
            if other is None or other.kind != "customer_profile" or other.policy_sid != wanted:
                raise InvalidParameter(f"{object_sid} is not a customer profile this bundle may hold")
            owner = self.accounts[account.sid].owner_account_sid
            if other.account_sid not in (account.sid, owner) or \
                    (other.account_sid != account.sid and other.policy_sid != PRIMARY_PROFILE_POLICY):
                raise InvalidParameter(f"{object_sid} belongs to another account")
            return
        table = "end_users" if object_sid.startswith("IT") else "documents" if object_sid.startswith("RD") else None
        item = self.tables[table].get(object_sid) if table else None
        if item is None or item.account_sid != account.sid:
            raise InvalidParameter(f"ObjectSid {object_sid} is not an end user, supporting document or customer "
                                   f"profile of {account.sid}")

    def list_assignments(self, account: Account, kind: str, bundle_sid: str) -> list[Assignment]:
        with self.lock:
            self.fetch_bundle(account, kind, bundle_sid)
            return [a for a in self.tables["assignments"].values() if a.bundle_sid == bundle_sid]

    def fetch_assignment(self, account: Account, kind: str, bundle_sid: str, sid: str) -> Assignment:
        with self.lock:
            self.fetch_bundle(account, kind, bundle_sid)
            found = self.tables["assignments"].get(sid)
            if found is None or found.bundle_sid != bundle_sid:
                raise NotFound(f"/v1/{_collection(kind)}/{bundle_sid}/EntityAssignments/{sid}")
            return found

    def unassign(self, account: Account, kind: str, bundle_sid: str, sid: str) -> None:
        with self.lock:
            found = self.fetch_assignment(account, kind, bundle_sid, sid)
            self._editable(self.fetch_bundle(account, kind, bundle_sid))
            del self.tables["assignments"][found.sid]
            self._persist(account.sid)

    def evaluate(self, account: Account, kind: str, bundle_sid: str, policy_sid: str) -> Evaluation:
        with self.lock:
            bundle = self.fetch_bundle(account, kind, bundle_sid)
            if policy_sid != bundle.policy_sid:
                raise InvalidParameter(f"PolicySid {policy_sid} is not the bundle's policy {bundle.policy_sid}")
            needed_types, needed_profile = REQUIREMENTS[policy_sid]
            held = self._held(bundle)
            results = []
            for type_ in needed_types:
                passed = any(getattr(item, "type", None) == type_ for item in held)
                results.append({"requirement_name": type_, "passed": passed,
                                "failure_reason": None if passed else f"no {type_} is assigned"})
            if needed_profile:
                # the platform's primary profile must be approved, and so must the profile a voice trust product
                # builds on; an A2P trust product's profile may still be in review
                approved_needed = needed_profile == PRIMARY_PROFILE_POLICY or policy_sid in VOICE_POLICIES
                passed = any(isinstance(item, Bundle) and item.policy_sid == needed_profile
                             and (not approved_needed
                                  or bundle_status(item, self.clock.now()) == "twilio-approved") for item in held)
                results.append({"requirement_name": "customer_profile", "passed": passed,
                                "failure_reason": None if passed else f"no customer profile of policy "
                                f"{needed_profile} ({'twilio-approved' if approved_needed else 'any status'}) "
                                "is assigned"})
            compliant = all(r["passed"] for r in results)
            evaluation = Evaluation(sid=self._sid("EL"), account_sid=account.sid, bundle_sid=bundle_sid,
                                    policy_sid=policy_sid, status="compliant" if compliant else "noncompliant",
                                    results=results, date_created=self.clock.now())
            self.tables["evaluations"][evaluation.sid] = evaluation
            bundle.evaluated = self._holding_digest(bundle) if compliant else ""
            self._persist(account.sid)
            return evaluation

    def list_evaluations(self, account: Account, kind: str, bundle_sid: str) -> list[Evaluation]:
        with self.lock:
            self.fetch_bundle(account, kind, bundle_sid)
            return [e for e in self.tables["evaluations"].values() if e.bundle_sid == bundle_sid]

    def fetch_evaluation(self, account: Account, kind: str, bundle_sid: str, sid: str) -> Evaluation:
        with self.lock:
            found = self.tables["evaluations"].get(sid)
            self.fetch_bundle(account, kind, bundle_sid)
            if found is None or found.bundle_sid != bundle_sid:
                raise NotFound(f"/v1/{_collection(kind)}/{bundle_sid}/Evaluations/{sid}")
            return found

    # ---- channel endpoints (phone numbers) ---------------------------------------------------------
    def assign_channel_endpoint(self, account: Account, kind: str, bundle_sid: str, endpoint_type: str,
                                endpoint_sid: str) -> ChannelEndpoint:
        """Twilio's rules: a number of this account; on a trust product only a number already assigned to a
        customer profile the product holds; CNAM only for US local numbers; once per bundle; never while the
        bundle is under review (an approved bundle takes new numbers without a new review)."""
        with self.lock:
            bundle = self.fetch_bundle(account, kind, bundle_sid)
            if endpoint_type != "phone-number":
                raise InvalidParameter(f"ChannelEndpointType {endpoint_type!r} is not supported: phone-number")
            number = self.numbers.get(endpoint_sid)
            if number is None or number.account_sid != account.sid:
                raise InvalidParameter(f"ChannelEndpointSid {endpoint_sid} is not a phone number of {account.sid}")
            current = bundle_status(bundle, self.clock.now())
            if current in ("pending-review", "in-review"):
                raise UnderReview(f"{bundle.sid} is {current}: numbers cannot be assigned until Twilio decides")
            if any(e.bundle_sid == bundle_sid and e.channel_endpoint_sid == endpoint_sid
                   for e in self.tables["channel_endpoints"].values()):
                raise InvalidParameter(f"{endpoint_sid} is already assigned to {bundle_sid}")
            if kind == "trust_product":
                profiles = {i.sid for i in self._held(bundle) if isinstance(i, Bundle)}
                if not any(e.bundle_sid in profiles and e.channel_endpoint_sid == endpoint_sid
                           for e in self.tables["channel_endpoints"].values()):
                    raise InvalidParameter(f"{number.phone_number} is not assigned to the customer profile this "
                                           "trust product holds: only numbers on the profile are eligible")
                if bundle.policy_sid == CNAM_POLICY and (number.country != "US" or number.number_type != "local"):
                    raise InvalidParameter(f"{number.phone_number} cannot register a caller name: CNAM is for US "
                                           "local numbers (not toll-free, not Canadian)")
            endpoint = ChannelEndpoint(sid=self._sid("RA"), account_sid=account.sid, bundle_sid=bundle_sid,
                                       channel_endpoint_type=endpoint_type, channel_endpoint_sid=endpoint_sid,
                                       date_created=self.clock.now())
            self.tables["channel_endpoints"][endpoint.sid] = endpoint
            self._persist(account.sid)
            return endpoint

    def list_channel_endpoints(self, account: Account, kind: str, bundle_sid: str,
                               endpoint_sid: str | None = None) -> list[ChannelEndpoint]:
        with self.lock:
            self.fetch_bundle(account, kind, bundle_sid)
            return [e for e in self.tables["channel_endpoints"].values() if e.bundle_sid == bundle_sid
                    and endpoint_sid in (None, e.channel_endpoint_sid)]

    def fetch_channel_endpoint(self, account: Account, kind: str, bundle_sid: str, sid: str) -> ChannelEndpoint:
        with self.lock:
            self.fetch_bundle(account, kind, bundle_sid)
            found = self.tables["channel_endpoints"].get(sid)
            if found is None or found.bundle_sid != bundle_sid:
                raise NotFound(f"/v1/{_collection(kind)}/{bundle_sid}/ChannelEndpointAssignments/{sid}")
            return found

    def unassign_channel_endpoint(self, account: Account, kind: str, bundle_sid: str, sid: str) -> None:
        """A number leaves a customer profile only after it left every trust product holding that profile."""
        with self.lock:
            found = self.fetch_channel_endpoint(account, kind, bundle_sid, sid)
            bundle = self.fetch_bundle(account, kind, bundle_sid)
            current = bundle_status(bundle, self.clock.now())
            if current in ("pending-review", "in-review"):
                raise UnderReview(f"{bundle.sid} is {current}: numbers cannot be removed until Twilio decides")
            if kind == "customer_profile":
                holders = {b.sid for b in self._bundles_holding(bundle_sid)}
                still = [e.bundle_sid for e in self.tables["channel_endpoints"].values()
                         if e.bundle_sid in holders and e.channel_endpoint_sid == found.channel_endpoint_sid]
                if still:
                    raise InvalidParameter(f"{found.channel_endpoint_sid} is still assigned to trust product(s) "
                                           f"{', '.join(sorted(still))}: remove it there first")
            del self.tables["channel_endpoints"][sid]
            self._persist(account.sid)

    def _drop_channel_endpoints(self, number_sid: str) -> None:
        """A number released (or moved to another account) leaves every profile and trust product."""
        rows = self.tables["channel_endpoints"]
        for sid in [e.sid for e in rows.values() if e.channel_endpoint_sid == number_sid]:
            del rows[sid]

    # ---- what a bundle holds -----------------------------------------------------------------------
    def _held(self, bundle: Bundle) -> list[Any]:
        held = []
        for assignment in self.tables["assignments"].values():
            if assignment.bundle_sid != bundle.sid:
                continue
            for table in ("end_users", "documents", "bundles"):
                if assignment.object_sid in self.tables[table]:
                    held.append(self.tables[table][assignment.object_sid])
        return held

    def _holding_digest(self, bundle: Bundle) -> str:
        content = sorted(json.dumps([i.sid, getattr(i, "attributes", None)], sort_keys=True, default=str)
                         for i in self._held(bundle))
        return hashlib.sha256("\n".join(content).encode()).hexdigest()

    def _submitted_data(self, bundle: Bundle) -> dict[str, Any]:
        """What a reviewer reads: the bundle, what it holds, and the addresses its documents name."""
        data: dict[str, Any] = {"friendly_name": bundle.friendly_name, "email": bundle.email}
        for item in self._held(bundle):
            if isinstance(item, Bundle):
                continue
            data[item.type] = dict(item.attributes)
            sids = item.attributes.get("address_sids")
            for sid in [sids] if isinstance(sids, str) else (sids or []):
                address = self.tables["addresses"].get(sid)
                if address is not None:
                    data[f"address {sid}"] = {k: v for k, v in vars(address).items() if isinstance(v, str)}
        return data

    def profile_data(self, bundle: Bundle) -> dict[str, Any]:
        """What a brand is registered from: a trust product's data and its customer profile's."""
        data = self._submitted_data(bundle)
        for item in self._held(bundle):
            if isinstance(item, Bundle):
                data.update(self._submitted_data(item))
        return data



def _collection(kind: str) -> str:
    return {"customer_profile": "CustomerProfiles", "trust_product": "TrustProducts", "end_users": "EndUsers",
            "documents": "SupportingDocuments", "addresses": "Addresses"}[kind]
