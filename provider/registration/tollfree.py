"""Toll-free verification of one toll-free number, inside the tenant's subaccount with its own client."""
from __future__ import annotations

from typing import Any

from twilio.rest import Client

from . import plan
from .a2p import RegistrationRefused


def verification_fields(business: dict[str, Any], toll_free: dict[str, Any]) -> dict[str, Any]:
    """Twilio's parameters (SDK names) for a verification, from the tenant's business and toll_free blocks."""
    address, contact = business["address"], business["contact"]
    return {
        "business_name": business["legal_name"], "business_website": business["website"],
        "notification_email": business["email"], "use_case_categories": list(toll_free["use_case_categories"]),
        "use_case_summary": toll_free["use_case_summary"], "production_message_sample": toll_free["message_sample"],
        "opt_in_image_urls": list(toll_free["opt_in_image_urls"]), "opt_in_type": toll_free["opt_in_type"],
        "message_volume": toll_free["message_volume"], "business_street_address": address["street"],
        "business_city": address["city"], "business_state_province_region": address["region"],
        "business_postal_code": address["postal_code"], "business_country": address["country"],
        "business_contact_first_name": contact["first_name"], "business_contact_last_name": contact["last_name"],
        "business_contact_email": contact["email"], "business_contact_phone": contact["phone"],
        "business_registration_number": business["ein"], "business_registration_authority": "EIN",
        # consent data, only when declared (a verification declared before these existed keeps its digest)
        **{name: list(toll_free[name]) if isinstance(toll_free[name], (list, tuple)) else toll_free[name]
           for name in CONSENT_FIELDS if toll_free.get(name) not in (None, [], (), False)},
    }


CONSENT_FIELDS = ("opt_in_confirmation_message", "help_message_sample", "opt_in_keywords", "privacy_policy_url",
                  "terms_and_conditions_url", "age_gated_content")


def state_of(verification: Any) -> dict[str, Any]:
    return {"sid": verification.sid, "status": verification.status,
            "rejection_reason": verification.rejection_reason, "error_code": verification.error_code,
            "edit_allowed": verification.edit_allowed,
            "edit_expiration": verification.edit_expiration.isoformat() if verification.edit_expiration else None}


def advance(client: Client, props: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    verifications = client.messaging.v1.tollfree_verifications
    state = refresh(client, state) if state.get("sid") else state
    if state.get("gone"):  # deleted (a run replacing it died before the new one was recorded): find or submit anew
        state = {}
    problem = plan.tollfree_refusal(state, props)
    if problem:
        raise RegistrationRefused(problem)
    todo = plan.tollfree_steps(state, props)
    wanted = plan.digest(props["verification"])
    if todo and not state.get("sid"):
        existing = list(verifications.list(tollfree_phone_number_sid=props["number_sid"]))
        made = existing[0] if existing else verifications.create(tollfree_phone_number_sid=props["number_sid"],
                                                                 **props["verification"])
        return {**state_of(made), "submitted": wanted}
    if todo and state.get("edit_allowed") is not False:
        edited = verifications(state["sid"]).update(edit_reason="Corrected as Twilio asked", **props["verification"])
        return {**state_of(edited), "submitted": wanted}
    if todo:  # Twilio allows no edit any more (the 7-day window closed, or the reason allows none): a new one
        verifications(state["sid"]).delete()
        made = verifications.create(tollfree_phone_number_sid=props["number_sid"], **props["verification"])
        return {**state_of(made), "submitted": wanted}
    return state


def refresh(client: Client, state: dict[str, Any]) -> dict[str, Any]:
    try:
        live = client.messaging.v1.tollfree_verifications(state["sid"]).fetch()
    except Exception as error:
        if getattr(error, "status", None) == 404:
            return {**state, "gone": True}
        raise
    return {**{k: v for k, v in state.items() if k != "gone"}, **state_of(live)}
