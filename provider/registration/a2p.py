"""The A2P 10DLC ISV flow, carried out inside a tenant's subaccount with its own client.

Every object has a fixed friendly name within the subaccount (the subaccount is the tenant's alone), so a run that
died half-way finds what it made instead of making it twice. Each step records the digest of the data it submitted.
"""
from __future__ import annotations

from typing import Any

from twilio.rest import Client

from . import plan

SECONDARY_PROFILE_POLICY = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
A2P_TRUST_PRODUCT_POLICY = "RNb0d4771c2c98518d916a3d4cd70a8f8b"
NAMES = {"profile": "a2p customer profile", "product": "a2p trust product", "business": "business information",
         "contact": "authorized representative", "messaging": "a2p messaging profile", "address": "business address",
         "document": "business address document"}


# Campaign consent data: what an update may change, and what is fixed at registration (Twilio's update has no
# opt-in/opt-out/help parameters).
UPDATABLE_CONSENT = ["age_gated", "direct_lending", "privacy_policy_url", "terms_and_conditions_url"]
FIXED_CONSENT = ["opt_in_message", "opt_out_message", "help_message", "opt_in_keywords", "opt_out_keywords",
                 "help_keywords", "subscriber_opt_in"]
CAP_CODE = 21724  # Twilio: the resubmission / update cap of a brand or campaign is reached


def _capped(error: Exception) -> bool:
    return getattr(error, "code", None) == CAP_CODE


def _cap_note(what: str, error: Exception) -> str:
    return (f"Twilio's {what} resubmission cap is reached ({CAP_CODE}: {getattr(error, 'msg', error)}); no run "
            f"can resubmit it: ask Twilio support to review the {what} with the corrected data")


class RegistrationRefused(Exception):
    """Twilio (or the plan) will not take this step; the message says why and what to do."""


def business_attributes(business: dict[str, Any]) -> dict[str, Any]:
    return {"business_name": business["legal_name"], "business_identity": "direct_customer",
            "business_type": business["type"], "business_industry": business["industry"],
            "business_registration_identifier": "EIN", "business_registration_number": business["ein"],
            "business_regions_of_operation": "USA_AND_CANADA", "website_url": business["website"]}


def contact_attributes(contact: dict[str, Any]) -> dict[str, Any]:
    return {"first_name": contact["first_name"], "last_name": contact["last_name"], "email": contact["email"],
            "phone_number": contact["phone"], "business_title": contact["title"], "job_position": contact["position"]}


class A2pFlow:
    def __init__(self, client: Client, props: dict[str, Any], state: dict[str, Any]):
        self.client, self.props = client, props
        self.state: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v for k, v in state.items()}
        self.hub = client.trusthub.v1
        self.wanted = {} if props.get("remove") else plan.digests(props)

    # ---- the run -----------------------------------------------------------------------------------
    def advance(self) -> dict[str, Any]:
        """Take every step the plan allows now; returns the new state (statuses as Twilio answered)."""
        if self.props.get("remove"):
            self._remove_campaign()
            return self.state
        problem = plan.refusal(self.refreshed(), self.props)
        if problem:
            raise RegistrationRefused(problem)
        self._bundle("profile")  # statuses were read above; a bundle submitted here keeps Twilio's answer
        self._bundle("product")
        todo = plan.steps(self.state, self.props)
        if todo and todo[0] == "register brand":
            self._register_brand()
        elif todo and todo[0].startswith("resubmit brand"):
            try:
                brand = self.client.messaging.v1.brand_registrations(self.state["brand"]["sid"]).update()
            except Exception as error:
                if not _capped(error):
                    raise
                self.state["brand"] = {**self.state["brand"], "capped": _cap_note("brand", error),
                                       "submitted": self.wanted["brand"]}
            else:
                self.state["brand"] = {**self._brand_state(brand), "submitted": self.wanted["brand"]}
        todo = plan.steps(self.state, self.props)
        if todo and todo[0] == "register campaign":
            self._register_campaign()
        elif todo and todo[0].startswith("update campaign"):
            self._update_campaign()
        return self.state

    def refreshed(self) -> dict[str, Any]:
        """Statuses and Twilio's feedback for everything made so far (what `refresh` stores)."""
        for name, collection in (("profile", self.hub.customer_profiles), ("product", self.hub.trust_products)):
            stage = self.state.get(name) or {}
            if stage.get("sid"):
                bundle = collection(stage["sid"]).fetch()
                stage.update(status=bundle.status, errors=bundle.errors)
                self.state[name] = stage
        brand = self.state.get("brand") or {}
        if brand.get("sid"):
            live = self.client.messaging.v1.brand_registrations(brand["sid"]).fetch()
            self.state["brand"] = {**brand, **self._brand_state(live)}
        campaign = self.state.get("campaign") or {}
        if campaign.get("sid"):
            live = self._campaigns()(campaign["sid"]).fetch()
            self.state["campaign"] = {**campaign, "status": live.campaign_status, "errors": live.errors}
            if self.wanted and campaign.get("submitted") != self.wanted["campaign"] and self._campaign_holds(live):
                # An update Twilio took whose answer this stack never recorded: it holds the declared data.
                self.state["campaign"]["submitted"] = self.wanted["campaign"]
        return self.state

    def _campaign_holds(self, live: Any) -> bool:
        declared = self.props.get("a2p_campaign") or {}
        if not declared or live.us_app_to_person_usecase != declared.get("use_case"):
            return False
        return all(getattr(live, k, None) == v for k, v in self._campaign_args().items())

    # ---- customer profile and trust product --------------------------------------------------------
    def draft_profile(self) -> str:
        """The tenant's secondary customer profile, found by its name or made as a draft (voice assigns its
        numbers before it is submitted)."""
        collection = self.hub.customer_profiles
        sid = self._find_bundle(collection, NAMES["profile"]) or str(collection.create(
            friendly_name=NAMES["profile"], email=self.props["business"]["email"],
            policy_sid=SECONDARY_PROFILE_POLICY).sid)
        self.state["profile"] = {**(self.state.get("profile") or {}), "sid": sid}
        return sid

    def ensure_profile(self) -> dict[str, Any]:
        """Submit the secondary customer profile when the plan says so (shared by messaging and voice)."""
        self._bundle("profile")
        return dict(self.state.get("profile") or {})

    def _bundle(self, name: str) -> None:
        stage = self.state.get(name) or {}
        if stage.get("submitted") == self.wanted[name] or stage.get("status") in plan.BUNDLE_UNDER_REVIEW:
            return
        profile = name == "profile"
        collection = self.hub.customer_profiles if profile else self.hub.trust_products
        policy = SECONDARY_PROFILE_POLICY if profile else A2P_TRUST_PRODUCT_POLICY
        sid = stage.get("sid") or self._find_bundle(collection, NAMES[name])
        if sid is not None and not stage.get("submitted") and self._adopt_submitted(name, collection, sid):
            return
        sid = sid or str(collection.create(friendly_name=NAMES[name], email=self.props["business"]["email"],
                                           policy_sid=policy).sid)
        bundle = collection(sid)
        assign = bundle.customer_profiles_entity_assignments if profile else bundle.trust_products_entity_assignments
        held = {a.object_sid for a in assign.list()}
        for object_sid in (self._profile_items() if profile else self._product_items()):
            if object_sid not in held:
                assign.create(object_sid=object_sid)
        evaluations = bundle.customer_profiles_evaluations if profile else bundle.trust_products_evaluations
        evaluation = evaluations.create(policy_sid=policy)
        if evaluation.status != "compliant":
            failed = [r for r in evaluation.results or [] if not r.get("passed", True)]
            raise RegistrationRefused(f"Twilio found the {name} incomplete: {failed}")
        submitted = bundle.update(status="pending-review")
        self.state[name] = {"sid": sid, "status": submitted.status, "errors": submitted.errors,
                            "submitted": self.wanted[name]}

    @staticmethod
    def _find_bundle(collection: Any, friendly_name: str) -> str | None:
        found = [b for b in collection.list(friendly_name=friendly_name)]
        return str(found[0].sid) if found else None

    def _adopt_submitted(self, name: str, collection: Any, sid: str) -> bool:
        """A bundle this stack never recorded a submission of (a run killed, or failed, after submitting it):
        Twilio's status decides. Under review, or decided on the data the file declares now: adopt it as it
        is, never submit it again. A draft, or a decided bundle holding other data: False (submit it)."""
        live = collection(sid).fetch()
        if live.status == "draft":
            return False
        same = self._holds_declared(name)
        if not same and live.status not in plan.BUNDLE_UNDER_REVIEW:
            return False  # decided on other data: its items are updated (back to draft) and it is resubmitted
        self.state[name] = {"sid": sid, "status": live.status, "errors": live.errors,
                            "submitted": self.wanted[name] if same else plan.UNKNOWN_SUBMISSION}
        return True

    def _holds_declared(self, name: str) -> bool:
        """Whether the items Twilio holds for the bundle are exactly what the file declares (read only)."""
        business = self.props["business"]
        if name == "product":
            wanted = {"messaging": {"company_type": business.get("company_type", "private")}}
        else:
            address = self._find_address(business["address"], business["legal_name"])
            if address is None:
                return False
            wanted = {"business": business_attributes(business), "contact": contact_attributes(business["contact"]),
                      "document": {"address_sids": address}}
        for item, attributes in wanted.items():
            collection = self.hub.supporting_documents if item == "document" else self.hub.end_users
            found = [i for i in collection.list() if i.friendly_name == NAMES[item]]
            if not found or found[0].attributes != attributes:
                return False
        return True

    def _profile_items(self) -> list[str]:
        business = self.props["business"]
        address = self._address(business["address"], business["legal_name"])
        document = self._item(self.hub.supporting_documents, "document", "customer_profile_address",
                              {"address_sids": address})
        return [self._item(self.hub.end_users, "business", "customer_profile_business_information",
                           business_attributes(business)),
                self._item(self.hub.end_users, "contact", "authorized_representative_1",
                           contact_attributes(business["contact"])),
                document, self.props["primary_profile_sid"]]

    def _product_items(self) -> list[str]:
        attributes = {"company_type": self.props["business"].get("company_type", "private")}
        return [self._item(self.hub.end_users, "messaging", "us_a2p_messaging_profile_information", attributes),
                self.state["profile"]["sid"]]

    def _item(self, collection: Any, name: str, type_: str, attributes: dict[str, Any]) -> str:
        """The end user / document named `name`, holding exactly `attributes` (updated if they differ)."""
        found = [i for i in collection.list() if i.friendly_name == NAMES[name]]
        if not found:
            return str(collection.create(friendly_name=NAMES[name], type=type_, attributes=attributes).sid)
        if found[0].attributes != attributes:
            collection(found[0].sid).update(attributes=attributes)
        return str(found[0].sid)

    @staticmethod
    def _address_fields(address: dict[str, Any], customer_name: str) -> dict[str, Any]:
        return {"customer_name": customer_name, "street": address["street"], "city": address["city"],
                "region": address["region"], "postal_code": address["postal_code"], "iso_country": address["country"]}

    def _find_address(self, address: dict[str, Any], customer_name: str) -> str | None:
        wanted = self._address_fields(address, customer_name)
        for known in self.client.api.v2010.accounts(self.props["account_sid"]).addresses.list(
                customer_name=customer_name):
            if known.emergency_enabled:  # the callers' emergency address (voice), even at the same street
                continue
            if all(getattr(known, k) == v for k, v in wanted.items()):
                return str(known.sid)
        return None

    def _address(self, address: dict[str, Any], customer_name: str) -> str:
        addresses = self.client.api.v2010.accounts(self.props["account_sid"]).addresses
        return self._find_address(address, customer_name) or str(addresses.create(
            friendly_name=NAMES["address"], **self._address_fields(address, customer_name)).sid)

    # ---- brand and campaign ------------------------------------------------------------------------
    def _register_brand(self) -> None:
        brands = self.client.messaging.v1.brand_registrations
        product = self.state["product"]["sid"]
        existing = [b for b in brands.list() if b.a2p_profile_bundle_sid == product]
        brand = existing[0] if existing else brands.create(
            customer_profile_bundle_sid=self.state["profile"]["sid"], a2p_profile_bundle_sid=product,
            mock=bool(self.props.get("mock")))
        self.state["brand"] = {**self._brand_state(brand), "submitted": self.wanted["brand"]}

    @staticmethod
    def _brand_state(brand: Any) -> dict[str, Any]:
        return {"sid": brand.sid, "status": brand.status, "feedback": brand.brand_feedback,
                "failure_reason": brand.failure_reason, "mock": brand.mock}

    def _campaigns(self) -> Any:
        """The campaigns of the service the campaign was registered on (the declared one, for a new campaign)."""
        service = (self.state.get("campaign") or {}).get("service_sid") or self.props["service_sid"]
        return self.client.messaging.v1.services(service).us_app_to_person

    def _campaign_args(self, updatable_only: bool = False) -> dict[str, Any]:
        """Twilio's parameters for the campaign; an update takes only some of them (the consent messages and
        keywords are fixed at registration: changing them registers the campaign anew)."""
        c = self.props["a2p_campaign"]
        args = {"description": c["description"], "message_flow": c["message_flow"],
                "message_samples": list(c["samples"]), "has_embedded_links": c["has_embedded_links"],
                "has_embedded_phone": c["has_embedded_phone"]}
        for name in UPDATABLE_CONSENT + ([] if updatable_only else FIXED_CONSENT):
            if c.get(name) not in (None, []):
                args[name] = c[name]
        return args

    def _fixed_consent(self) -> str:
        c = self.props["a2p_campaign"]
        return plan.digest({name: c.get(name) for name in FIXED_CONSENT})

    def _register_campaign(self, replacing: str | None = None) -> None:
        campaigns = self._campaigns()
        existing = [c for c in campaigns.list() if c.sid != replacing]
        campaign = existing[0] if existing else campaigns.create(
            brand_registration_sid=self.state["brand"]["sid"],
            us_app_to_person_usecase=self.props["a2p_campaign"]["use_case"], **self._campaign_args())
        self.state["campaign"] = {"sid": campaign.sid, "status": campaign.campaign_status, "errors": campaign.errors,
                                  "use_case": self.props["a2p_campaign"]["use_case"],
                                  "fixed_consent": self._fixed_consent(),
                                  "service_sid": self.props["service_sid"],
                                  "submitted": self.wanted["campaign"]}

    def _update_campaign(self) -> None:
        current = self.state["campaign"]
        # Twilio cannot change a use case, nor the opt-in/opt-out/help messages and keywords: register anew.
        if current.get("use_case") != self.props["a2p_campaign"]["use_case"] or \
                current.get("fixed_consent", plan.digest({n: None for n in FIXED_CONSENT})) != self._fixed_consent():
            self._campaigns()(current["sid"]).delete()
            self._register_campaign(replacing=current["sid"])
            return
        try:
            campaign = self._campaigns()(current["sid"]).update(**{"age_gated": False, "direct_lending": False,
                                                                    **self._campaign_args(updatable_only=True)})
        except Exception as error:
            if not _capped(error):
                raise
            self.state["campaign"] = {**current, "capped": _cap_note("campaign", error),
                                      "submitted": self.wanted["campaign"]}
            return
        self.state["campaign"] = {**current, "status": campaign.campaign_status, "errors": campaign.errors,
                                  "submitted": self.wanted["campaign"], "capped": None}

    def _remove_campaign(self) -> None:
        campaign = self.state.get("campaign") or {}
        if campaign.get("sid"):
            try:
                self._campaigns()(campaign["sid"]).delete()
            except Exception as error:  # already gone is done
                if getattr(error, "status", None) != 404:
                    raise
        self.state["campaign"] = {}
