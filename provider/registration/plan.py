"""What a registration run may do, decided from the last state seen at Twilio and the declared data.

The rules, Twilio's: nothing under review is edited (a change to it is refused before anything is applied); data is
submitted once and a rejected item is resubmitted only when its declared data changed since it was submitted (never
in a loop: each submission records the digest of what it sent); a brand waits for both profiles' approval, a
campaign for the brand's.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

BUNDLE_UNDER_REVIEW = ("pending-review", "in-review")
UNKNOWN_SUBMISSION = "unknown"  # adopted under review after a lost answer, holding other data than declared now
APPROVED = {"bundle": "twilio-approved", "brand": "APPROVED", "campaign": "VERIFIED", "tollfree": "TWILIO_APPROVED"}
REJECTED = {"bundle": "twilio-rejected", "brand": "FAILED", "campaign": "FAILED", "tollfree": "TWILIO_REJECTED"}
UNDER_REVIEW = {"bundle": BUNDLE_UNDER_REVIEW, "brand": ("PENDING", "IN_REVIEW"), "campaign": ("IN_PROGRESS",),
                "tollfree": ("PENDING_REVIEW", "IN_REVIEW")}


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def profile_data(business: dict[str, Any]) -> dict[str, Any]:
    """What the customer profile holds: everything about the business except what the trust product says."""
    return {k: v for k, v in business.items() if k != "company_type"}


def product_data(business: dict[str, Any]) -> dict[str, Any]:
    return {"company_type": business.get("company_type", "private"), "email": business["email"]}


def digests(props: dict[str, Any]) -> dict[str, str]:
    business = props["business"]
    profile, product = digest(profile_data(business)), digest(product_data(business))
    return {"profile": profile, "product": product, "brand": digest([profile, product, bool(props.get("mock"))]),
            "campaign": digest(props.get("a2p_campaign") or {})}


def _stage(state: dict[str, Any], name: str) -> dict[str, Any]:
    return state.get(name) or {}


def refusal(state: dict[str, Any], props: dict[str, Any]) -> str | None:
    """Why the declared change cannot be applied now, or None."""
    if props.get("remove"):
        return None
    wanted = digests(props)
    for name, kind, what in (("profile", "bundle", "customer profile"), ("product", "bundle", "A2P trust product"),
                             ("campaign", "campaign", "campaign")):
        stage = _stage(state, name)
        if stage.get("sid") and stage.get("status") in UNDER_REVIEW[kind] and stage.get("submitted") != wanted[name]:
            return (f"the {what} {stage['sid']} is {stage['status']} at Twilio: what it holds cannot change until "
                    f"Twilio decides. Revert the change to messaging.{'a2p_10dlc' if name == 'campaign' else 'business'}"
                    f" for now, run `refresh` to see the decision, then change it")
    return None


def steps(state: dict[str, Any], props: dict[str, Any]) -> list[str]:
    """What this run would do, in order; empty when there is nothing to do until Twilio decides something."""
    if props.get("remove"):
        return ["remove campaign"] if _stage(state, "campaign").get("sid") else []
    wanted = digests(props)
    out = []
    for name, what in (("profile", "customer profile"), ("product", "A2P trust product")):
        stage = _stage(state, name)
        if not stage.get("sid") or not stage.get("submitted"):
            out.append(f"submit {what}")
        elif stage.get("submitted") != wanted[name] and stage.get("status") not in BUNDLE_UNDER_REVIEW:
            out.append(f"resubmit {what} (its data changed)")
    if out:
        return out
    bundles_ready = all(_stage(state, n).get("status") == APPROVED["bundle"] for n in ("profile", "product"))
    brand = _stage(state, "brand")
    if not bundles_ready:
        return []
    if not brand.get("sid"):
        return ["register brand"]
    if brand.get("status") == REJECTED["brand"] and brand.get("submitted") != wanted["brand"]:
        return ["resubmit brand (its data changed)"]
    if brand.get("status") != APPROVED["brand"]:
        return []
    campaign = _stage(state, "campaign")
    if not campaign.get("sid"):
        return ["register campaign"]
    if campaign.get("submitted") != wanted["campaign"] and campaign.get("status") not in UNDER_REVIEW["campaign"]:
        return ["update campaign (its data changed)"]
    return []


def tollfree_steps(state: dict[str, Any], props: dict[str, Any]) -> list[str]:
    wanted = digest(props["verification"])
    if not state.get("sid"):
        return ["submit toll-free verification"]
    if state.get("submitted") != wanted and state.get("status") == REJECTED["tollfree"]:
        return ["resubmit toll-free verification (its data changed)"]
    return []


def tollfree_refusal(state: dict[str, Any], props: dict[str, Any]) -> str | None:
    if state.get("sid") and state.get("status") in UNDER_REVIEW["tollfree"] and \
            state.get("submitted") != digest(props["verification"]):
        return (f"the toll-free verification {state['sid']} is {state['status']} at Twilio: it cannot be edited "
                "until Twilio decides. Revert the change to messaging.toll_free for now")
    return None
