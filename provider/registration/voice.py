"""Voice trust in a tenant's subaccount, with its own client: the callers on the tenant's secondary customer profile,
then the SHAKEN/STIR, Voice Integrity and CNAM trust products holding that profile and the callers.

Twilio's order (Trust Hub onboarding for ISVs using subaccounts): numbers go on the secondary profile, the profile
is approved, then each trust product holds the profile (and its end user: Voice Integrity's call information,
CNAM's display name), takes the callers from the profile, is evaluated and submitted. The rules of
`registration.plan` hold: nothing under review is edited, a product is submitted once per declared data (its
digest recorded), a rejected one is resubmitted only when that data changed. Objects have fixed friendly names in
the subaccount, so a run that died half-way finds what it made.

The profile is shared with messaging: when the tenant registers A2P 10DLC, that registration owns the profile and
this flow only reads it (`profile_sid`); otherwise this flow builds it, with the same name, once.
"""
from __future__ import annotations

from typing import Any

from twilio.rest import Client

from . import a2p, plan

SHAKEN_STIR_POLICY = "RN7a97559effdf62d00f4298208492a5ea"
VOICE_INTEGRITY_POLICY = "RN5b3660f9598883b1df4e77f77acefba0"
CNAM_POLICY = "RNf3db3cd1fe25fcfd3c3ded065c8fea53"
PRODUCTS = {"shaken_stir": SHAKEN_STIR_POLICY, "voice_integrity": VOICE_INTEGRITY_POLICY, "cnam": CNAM_POLICY}
TITLES = {"shaken_stir": "SHAKEN/STIR", "voice_integrity": "Voice Integrity", "cnam": "CNAM"}
NAMES = {"shaken_stir": "voice shaken-stir trust product", "voice_integrity": "voice integrity trust product",
         "cnam": "voice cnam trust product"}
END_USERS = {"voice_integrity": ("voice integrity information", "voice_integrity_information"),
             "cnam": ("cnam information", "cnam_information")}
APPROVED, REJECTED = plan.APPROVED["bundle"], plan.REJECTED["bundle"]


def declared(props: dict[str, Any]) -> list[str]:
    return [kind for kind in PRODUCTS if props.get(kind)]


def end_user_attributes(kind: str, props: dict[str, Any]) -> dict[str, Any] | None:
    """Twilio's attributes for the product's end user (counts as strings of whole numbers, as Twilio takes them)."""
    if kind == "voice_integrity":
        vi = props["voice_integrity"]
        # Pulumi carries numbers as doubles (12 arrives as 12.0): Twilio wants the whole number as text.
        return {"use_case": vi["use_case"], "business_employee_count": str(int(vi["employee_count"])),
                "average_business_day_call_volume": str(int(vi["average_daily_calls"]))}
    if kind == "cnam":
        return {"cnam_display_name": props["cnam"]["display_name"]}
    return None


def product_digest(kind: str, props: dict[str, Any]) -> str:
    return plan.digest({"email": props["business"]["email"], "attributes": end_user_attributes(kind, props)})


def eligible(kind: str, props: dict[str, Any]) -> dict[str, str]:
    """number SID -> phone number of the callers the product takes (CNAM: the US local ones only)."""
    callers = props["callers"]
    names = (props.get("cnam_callers") or []) if kind == "cnam" else list(callers)
    return {callers[n]["sid"]: callers[n]["phone_number"] for n in names if n in callers}


def _under_review(stage: dict[str, Any]) -> bool:
    return stage.get("status") in plan.BUNDLE_UNDER_REVIEW


def refusal(state: dict[str, Any], props: dict[str, Any]) -> str | None:
    """A declared change to a product Twilio is reviewing: refused before anything is applied."""
    for kind in declared(props):
        stage = (state.get("products") or {}).get(kind) or {}
        if stage.get("sid") and _under_review(stage) and stage.get("submitted") != product_digest(kind, props):
            return (f"the {TITLES[kind]} trust product {stage['sid']} is {stage['status']} at Twilio: what it holds "
                    f"cannot change until Twilio decides. Revert the change to voice.{kind} for now, run `refresh` "
                    "to see the decision, then change it")
    return None


def steps(state: dict[str, Any], props: dict[str, Any]) -> list[str]:
    """What the next run would do, in order (empty: nothing until Twilio decides something)."""
    profile = state.get("profile") or {}
    callers = {v["sid"]: v["phone_number"] for v in props["callers"].values()}
    out: list[str] = []
    if not props.get("profile_sid") and (not profile.get("sid") or not profile.get("submitted")):
        out.append("submit the customer profile")
    if _under_review(profile):
        return out
    on_profile = set((state.get("assigned") or {}).get("profile") or [])
    out += [f"assign {phone} to the customer profile" for sid, phone in callers.items() if sid not in on_profile]
    out += [f"remove {sid} from the customer profile" for sid in sorted(on_profile - set(callers))]
    if profile.get("status") != APPROVED:
        return out
    for kind in PRODUCTS:
        stage = (state.get("products") or {}).get(kind) or {}
        held = set((state.get("assigned") or {}).get(kind) or [])
        if kind not in declared(props):
            out += [f"remove {sid} from {TITLES[kind]}" for sid in sorted(held)]
            continue
        if _under_review(stage):
            continue
        wanted = eligible(kind, props)
        out += [f"assign {phone} to {TITLES[kind]}" for sid, phone in wanted.items() if sid not in held]
        out += [f"remove {sid} from {TITLES[kind]}" for sid in sorted(held - set(wanted))]
        if not stage.get("sid") or not stage.get("submitted"):
            out.append(f"submit {TITLES[kind]}")
        elif stage.get("submitted") != product_digest(kind, props):
            out.append(f"resubmit {TITLES[kind]} (its data changed)")
    return out


class VoiceTrustFlow:
    def __init__(self, client: Client, props: dict[str, Any], state: dict[str, Any]):
        self.client, self.props = client, props
        self.state: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v for k, v in state.items()}
        self.state.setdefault("products", {})
        self.state.setdefault("assigned", {})
        self.hub = client.trusthub.v1

    # ---- the run -----------------------------------------------------------------------------------
    def advance(self) -> dict[str, Any]:
        self.refreshed()
        problem = refusal(self.state, self.props)
        if problem:
            raise a2p.RegistrationRefused(problem)
        profile = self._profile()
        if _under_review(profile) or not profile.get("sid"):
            return self.refreshed()  # the numbers just put on the profile are read back, as `refresh` would
        self._sync_profile_numbers(profile["sid"])
        if profile.get("status") == APPROVED:
            for kind in PRODUCTS:
                self._product(kind)
        return self.refreshed()

    def refreshed(self) -> dict[str, Any]:
        """Statuses, Twilio's feedback and the numbers each bundle holds (what `refresh` stores)."""
        profile = dict(self.state.get("profile") or {})
        sid = self.props.get("profile_sid") or profile.get("sid")
        if sid:
            live = self.hub.customer_profiles(sid).fetch()
            profile.update(sid=sid, status=live.status, errors=live.errors)
            self.state["profile"] = profile
            self.state["assigned"]["profile"] = self._numbers_on(self.hub.customer_profiles(sid))
        for kind in PRODUCTS:
            stage = dict(self.state["products"].get(kind) or {})
            if stage.get("sid"):
                live = self.hub.trust_products(stage["sid"]).fetch()
                stage.update(status=live.status, errors=live.errors)
                self.state["products"][kind] = stage
                self.state["assigned"][kind] = self._numbers_on(self.hub.trust_products(stage["sid"]))
        return self.state

    def release_numbers(self) -> None:
        """Every caller leaves every trust product, then the profile when this flow owns it; the bundles stay."""
        self.refreshed()
        bundles = [(TITLES[k], self.hub.trust_products(stage["sid"]), stage)
                   for k, stage in self.state["products"].items() if stage.get("sid")]
        profile = self.state.get("profile") or {}
        if profile.get("sid") and not self.props.get("profile_sid"):
            bundles.append(("customer profile", self.hub.customer_profiles(profile["sid"]), profile))
        for title, bundle, stage in bundles:
            held = set(self._numbers_on(bundle))
            if held and _under_review(stage):
                raise a2p.RegistrationRefused(f"the {title} {stage['sid']} is {stage['status']} at Twilio: its "
                                              "numbers can leave it once Twilio decides; run again after `refresh`")
            self._remove_numbers(bundle, held)

    @staticmethod
    def _numbers_on(bundle: Any) -> list[str]:
        return sorted(str(e.channel_endpoint_sid) for e in _endpoints(bundle).list())

    # ---- the customer profile ----------------------------------------------------------------------
    def _profile(self) -> dict[str, Any]:
        if self.props.get("profile_sid"):
            return self.state["profile"]  # the A2P registration owns it: read above, never submitted here
        messaging = a2p.A2pFlow(self.client, {"business": self.props["business"], "account_sid":
                                              self.props["account_sid"],
                                              "primary_profile_sid": self.props["primary_profile_sid"]},
                                {"profile": self.state.get("profile") or {}})
        stage = messaging.state.get("profile") or {}
        if not stage.get("submitted") and not _under_review(stage):
            # Numbers go on the profile before it is submitted (Twilio's order): find or make the draft first.
            sid = stage.get("sid") or messaging.draft_profile()
            self._sync_profile_numbers(sid)
        self.state["profile"] = {**messaging.ensure_profile(), "managed": True}
        return self.state["profile"]

    def _sync_profile_numbers(self, profile_sid: str) -> None:
        profile = self.hub.customer_profiles(profile_sid)
        if profile.fetch().status in plan.BUNDLE_UNDER_REVIEW:
            return
        callers = {v["sid"] for v in self.props["callers"].values()}
        held = {str(e.channel_endpoint_sid): e for e in _endpoints(profile).list()}
        for sid in callers - set(held):
            _endpoints(profile).create(channel_endpoint_type="phone-number", channel_endpoint_sid=sid)
        stale = set(held) - callers
        if stale:
            for kind in PRODUCTS:  # a number leaves the products before it may leave the profile
                stage = self.state["products"].get(kind) or {}
                if stage.get("sid") and not _under_review(stage):
                    self._remove_numbers(self.hub.trust_products(stage["sid"]), stale)
            self._remove_numbers(profile, stale)

    @staticmethod
    def _remove_numbers(bundle: Any, numbers: set[str]) -> None:
        for endpoint in _endpoints(bundle).list():
            if str(endpoint.channel_endpoint_sid) in numbers:
                _endpoints(bundle)(endpoint.sid).delete()

    # ---- the trust products ------------------------------------------------------------------------
    def _product(self, kind: str) -> None:
        stage = self.state["products"].get(kind) or {}
        if _under_review(stage):
            return
        if kind not in declared(self.props):
            if stage.get("sid"):  # no longer declared: its numbers leave it (the product stays, unused)
                self._remove_numbers(self.hub.trust_products(stage["sid"]), set(self.state["assigned"].get(kind)
                                                                                 or []))
            return
        wanted = product_digest(kind, self.props)
        sid = stage.get("sid") or self._find(kind)
        if sid and not stage.get("sid") and self._adopted(kind, sid, wanted):
            return
        sid = sid or str(self.hub.trust_products.create(friendly_name=NAMES[kind],
                                                        email=self.props["business"]["email"],
                                                        policy_sid=PRODUCTS[kind]).sid)
        product = self.hub.trust_products(sid)
        if stage.get("submitted") != wanted:
            self._hold_items(kind, product)
        self._sync_product_numbers(kind, product)
        if stage.get("submitted") == wanted:
            self.state["products"][kind] = {**stage, "sid": sid}
            return
        evaluation = product.trust_products_evaluations.create(policy_sid=PRODUCTS[kind])
        if evaluation.status != "compliant":
            failed = [r for r in evaluation.results or [] if not r.get("passed", True)]
            raise a2p.RegistrationRefused(f"Twilio found the {TITLES[kind]} trust product incomplete: {failed}")
        submitted = product.update(status="pending-review")
        self.state["products"][kind] = {"sid": sid, "status": submitted.status, "errors": submitted.errors,
                                        "submitted": wanted}

    def _find(self, kind: str) -> str | None:
        found = list(self.hub.trust_products.list(friendly_name=NAMES[kind]))
        return str(found[0].sid) if found else None

    def _adopted(self, kind: str, sid: str, wanted: str) -> bool:
        """A product this stack never recorded (a run killed after making it): a draft is finished as usual;
        one Twilio reviews or decided is adopted as it is when it holds the declared data (never submitted
        twice), or, under review with other data, recorded as of unknown data (the change waits for the
        decision)."""
        live = self.hub.trust_products(sid).fetch()
        if live.status == "draft":
            return False
        same = self._holds_declared(kind)
        if not same and live.status not in plan.BUNDLE_UNDER_REVIEW:
            return False
        self.state["products"][kind] = {"sid": sid, "status": live.status, "errors": live.errors,
                                        "submitted": wanted if same else plan.UNKNOWN_SUBMISSION}
        return True

    def _holds_declared(self, kind: str) -> bool:
        attributes = end_user_attributes(kind, self.props)
        if attributes is None:
            return True
        found = [u for u in self.hub.end_users.list() if u.friendly_name == END_USERS[kind][0]]
        return bool(found) and found[0].attributes == attributes

    def _hold_items(self, kind: str, product: Any) -> None:
        """The product holds the tenant's profile and, for Voice Integrity and CNAM, its end user carrying exactly
        the declared attributes."""
        assignments = product.trust_products_entity_assignments
        held = {str(a.object_sid) for a in assignments.list()}
        items = [self.state["profile"]["sid"]]
        attributes = end_user_attributes(kind, self.props)
        if attributes is not None:
            name, type_ = END_USERS[kind]
            found = [u for u in self.hub.end_users.list() if u.friendly_name == name]
            if not found:
                items.append(str(self.hub.end_users.create(friendly_name=name, type=type_,
                                                           attributes=attributes).sid))
            else:
                if found[0].attributes != attributes:
                    self.hub.end_users(found[0].sid).update(attributes=attributes)
                items.append(str(found[0].sid))
        for object_sid in items:
            if object_sid not in held:
                assignments.create(object_sid=object_sid)

    def _sync_product_numbers(self, kind: str, product: Any) -> None:
        wanted = set(eligible(kind, self.props))
        held = {str(e.channel_endpoint_sid) for e in _endpoints(product).list()}
        for sid in sorted(wanted - held):
            _endpoints(product).create(channel_endpoint_type="phone-number", channel_endpoint_sid=sid)
        self._remove_numbers(product, held - wanted)


def _endpoints(bundle: Any) -> Any:
    """The SDK's channel endpoint assignments of a customer profile or a trust product."""
    for name in ("customer_profiles_channel_endpoint_assignment", "trust_products_channel_endpoint_assignment"):
        if hasattr(bundle, name):
            return getattr(bundle, name)
    raise AttributeError(f"{bundle!r} has no channel endpoint assignments")
