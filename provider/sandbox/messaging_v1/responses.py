"""HTTP in and out for Messaging v1 (messaging.twilio.com): Services, their PhoneNumbers, A2P brands, campaigns
(Compliance/Usa2p) and toll-free verifications. Every call acts in the account that authenticates."""
from __future__ import annotations

from typing import Any

from ..core.errors import InvalidParameter
from ..core.http import Call, Response, bool_param, iso, v1_page
from .models import SERVICE_SETTINGS, AlphaSender, MessagingService, ServiceNumber
from .registration import Brand, Campaign, TollfreeVerification, review_status

HOST = "messaging.twilio.com"
BASE = f"https://{HOST}/v1"


def _account(call: Call, write: bool = False) -> Any:
    return call.backend.v2010.target_account(call.principal, call.principal.account.sid, write=write)


# ---- services ----------------------------------------------------------------------------------------
def _service_settings(call: Call) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for attr, kind in SERVICE_SETTINGS.items():
        name = "".join(part.capitalize() for part in attr.split("_"))
        if kind == "bool":
            value: Any = bool_param(call, name)
        elif kind == "validity":
            given = call.params.get(name)
            if given is not None and not given.isdigit():
                raise InvalidParameter(f"{name} must be a whole number of seconds")
            value = int(given) if given is not None else None
        else:
            value = call.params.get(name)
            if kind == "method" and value is not None:
                value = value.upper()
        if value is not None:
            settings[attr] = value
    return settings


def service_json(s: MessagingService, registered: bool) -> dict[str, Any]:
    url = f"{BASE}/Services/{s.sid}"
    return {
        "sid": s.sid, "account_sid": s.account_sid, "friendly_name": s.friendly_name,
        "date_created": iso(s.date_created), "date_updated": iso(s.date_updated),
        "inbound_request_url": s.inbound_request_url or None, "inbound_method": s.inbound_method,
        "fallback_url": s.fallback_url or None, "fallback_method": s.fallback_method,
        "status_callback": s.status_callback or None, "sticky_sender": s.sticky_sender,
        "mms_converter": s.mms_converter, "smart_encoding": s.smart_encoding,
        "scan_message_content": s.scan_message_content, "fallback_to_long_code": s.fallback_to_long_code,
        "area_code_geomatch": s.area_code_geomatch, "synchronous_validation": s.synchronous_validation,
        "validity_period": s.validity_period, "url": url, "usecase": s.usecase,
        "us_app_to_person_registered": registered,
        "use_inbound_webhook_on_number": s.use_inbound_webhook_on_number,
        "links": {name: f"{url}/{path}" for name, path in (
            ("phone_numbers", "PhoneNumbers"), ("short_codes", "ShortCodes"), ("alpha_senders", "AlphaSenders"),
            ("messages", "Messages"), ("us_app_to_person", "Compliance/Usa2p"),
            ("us_app_to_person_usecases", "Compliance/Usa2p/Usecases"), ("channel_senders", "ChannelSenders"))},
    }


def _registered(call: Call, service: MessagingService) -> bool:
    now = call.backend.clock.now()
    return any(c.service_sid == service.sid and review_status("campaign", c, now) == "VERIFIED"
               for c in call.backend.tables["campaigns"].values())


def create_service(call: Call) -> Response:
    settings = _service_settings(call)
    call.params.reject_unknown()
    if "friendly_name" not in settings:
        raise InvalidParameter("FriendlyName is required")
    service = call.backend.messaging.create_service(_account(call, write=True), settings)
    return 201, service_json(service, False)


def list_services(call: Call) -> Response:
    services = call.backend.messaging.list_services(_account(call))
    return v1_page(call, HOST, "services", services, lambda s: service_json(s, _registered(call, s)))


def fetch_service(call: Call) -> Response:
    call.params.reject_unknown()
    service = call.backend.messaging.fetch_service(_account(call), call.args["sid"])
    return 200, service_json(service, _registered(call, service))


def update_service(call: Call) -> Response:
    settings = _service_settings(call)
    call.params.reject_unknown()
    service = call.backend.messaging.update_service(_account(call, write=True), call.args["sid"], settings)
    return 200, service_json(service, _registered(call, service))


def delete_service(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.messaging.delete_service(_account(call, write=True), call.args["sid"])
    return 204, None


# ---- sender pool -------------------------------------------------------------------------------------
def service_number_json(n: ServiceNumber) -> dict[str, Any]:
    return {"sid": n.sid, "account_sid": n.account_sid, "service_sid": n.service_sid,
            "date_created": iso(n.date_created), "date_updated": iso(n.date_updated),
            "phone_number": n.phone_number, "country_code": n.country_code, "capabilities": list(n.capabilities),
            "url": f"{BASE}/Services/{n.service_sid}/PhoneNumbers/{n.sid}"}


def add_service_number(call: Call) -> Response:
    number_sid = call.params.get("PhoneNumberSid")
    call.params.reject_unknown()
    if not number_sid:
        raise InvalidParameter("PhoneNumberSid is required")
    member = call.backend.messaging.add_service_number(_account(call, write=True), call.args["service"], number_sid)
    return 201, service_number_json(member)


def list_service_numbers(call: Call) -> Response:
    members = call.backend.messaging.list_service_numbers(_account(call), call.args["service"])
    return v1_page(call, HOST, "phone_numbers", members, service_number_json)


def fetch_service_number(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, service_number_json(call.backend.messaging.fetch_service_number(_account(call), call.args["service"],
                                                                      call.args["sid"]))


def remove_service_number(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.messaging.remove_service_number(_account(call, write=True), call.args["service"], call.args["sid"])
    return 204, None


# ---- the alpha sender ---------------------------------------------------------------------------------
def alpha_sender_json(a: AlphaSender) -> dict[str, Any]:
    return {"sid": a.sid, "account_sid": a.account_sid, "service_sid": a.service_sid,
            "date_created": iso(a.date_created), "date_updated": iso(a.date_updated),
            "alpha_sender": a.alpha_sender, "capabilities": list(a.capabilities),
            "url": f"{BASE}/Services/{a.service_sid}/AlphaSenders/{a.sid}"}


def add_alpha_sender(call: Call) -> Response:
    alpha_sender = call.params.get("AlphaSender")
    call.params.reject_unknown()
    if not alpha_sender:
        raise InvalidParameter("AlphaSender is required")
    alpha = call.backend.messaging.add_alpha_sender(_account(call, write=True), call.args["service"], alpha_sender)
    return 201, alpha_sender_json(alpha)


def list_alpha_senders(call: Call) -> Response:
    alphas = call.backend.messaging.list_alpha_senders(_account(call), call.args["service"])
    return v1_page(call, HOST, "alpha_senders", alphas, alpha_sender_json)


def fetch_alpha_sender(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, alpha_sender_json(call.backend.messaging.fetch_alpha_sender(_account(call), call.args["service"],
                                                                            call.args["sid"]))


def remove_alpha_sender(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.messaging.remove_alpha_sender(_account(call, write=True), call.args["service"], call.args["sid"])
    return 204, None


# ---- A2P brands --------------------------------------------------------------------------------------
def brand_json(call: Call, b: Brand) -> dict[str, Any]:
    status = review_status("brand", b, call.backend.clock.now())
    url = f"{BASE}/a2p/BrandRegistrations/{b.sid}"
    decided = status in ("APPROVED", "FAILED")
    return {
        "sid": b.sid, "account_sid": b.account_sid, "customer_profile_bundle_sid": b.customer_profile_bundle_sid,
        "a2p_profile_bundle_sid": b.a2p_profile_bundle_sid, "date_created": iso(b.date_created),
        "date_updated": iso(b.date_updated), "brand_type": b.brand_type, "status": status,
        "tcr_id": b.tcr_id or None if decided else None,
        "failure_reason": b.failure_reason or None if decided else None,
        "errors": [{"code": 30794, "message": b.failure_reason}] if decided and b.failure_reason else [],
        "url": url, "brand_score": (80 if b.approved else 0) if decided else None,
        "brand_feedback": list(b.brand_feedback) if decided and b.brand_feedback else None,
        "identity_status": ("VERIFIED" if b.approved else "UNVERIFIED") if decided else "SELF_DECLARED",
        "russell_3000": False, "government_entity": False, "tax_exempt_status": None,
        "skip_automatic_sec_vet": b.skip_automatic_sec_vet, "mock": b.mock,
        "links": {"brand_vettings": f"{url}/Vettings", "brand_registration_otps": f"{url}/SmsOtp"},
    }


def create_brand(call: Call) -> Response:
    p = call.params
    profile, product = p.get("CustomerProfileBundleSid"), p.get("A2PProfileBundleSid")
    brand_type = p.get("BrandType") or "STANDARD"
    mock, skip = bool_param(call, "Mock") or False, bool_param(call, "SkipAutomaticSecVet") or False
    p.reject_unknown()
    if not profile or not product:
        raise InvalidParameter("CustomerProfileBundleSid and A2PProfileBundleSid are required")
    brand = call.backend.registration.create_brand(_account(call, write=True), profile, product, brand_type, mock, skip)
    return 201, brand_json(call, brand)


def list_brands(call: Call) -> Response:
    return v1_page(call, HOST, "data", call.backend.registration.list_brands(_account(call)), lambda b: brand_json(call, b))


def fetch_brand(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, brand_json(call, call.backend.registration.fetch_brand(_account(call), call.args["sid"]))


def resubmit_brand(call: Call) -> Response:
    call.params.reject_unknown()
    return 202, brand_json(call, call.backend.registration.resubmit_brand(_account(call, write=True), call.args["sid"]))


# ---- campaigns (UsAppToPerson) -----------------------------------------------------------------------
_CAMPAIGN_TEXT = ("Description", "MessageFlow", "OptInMessage", "OptOutMessage", "HelpMessage", "PrivacyPolicyUrl",
                  "TermsAndConditionsUrl")
_CAMPAIGN_LISTS = ("MessageSamples", "OptInKeywords", "OptOutKeywords", "HelpKeywords")
_CAMPAIGN_FLAGS = ("HasEmbeddedLinks", "HasEmbeddedPhone", "SubscriberOptIn", "AgeGated", "DirectLending")
_CAMPAIGN_UPDATABLE = ("HasEmbeddedLinks", "HasEmbeddedPhone", "MessageSamples", "MessageFlow", "Description",
                       "AgeGated", "DirectLending", "PrivacyPolicyUrl", "TermsAndConditionsUrl")


def _attr(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name).lstrip("_")


def _campaign_fields(call: Call, allowed: tuple[str, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in allowed:
        if name in _CAMPAIGN_LISTS:
            values = call.params.repeated(name)
            if values:
                fields[_attr(name)] = values
        elif name in _CAMPAIGN_FLAGS:
            flag = bool_param(call, name)
            if flag is not None:
                fields[_attr(name)] = flag
        else:
            text = call.params.get(name)
            if text is not None:
                fields[_attr(name)] = text
    return fields


def campaign_json(call: Call, c: Campaign) -> dict[str, Any]:
    status = review_status("campaign", c, call.backend.clock.now())
    f = c.fields
    return {
        "sid": c.sid, "account_sid": c.account_sid, "brand_registration_sid": c.brand_sid,
        "messaging_service_sid": c.service_sid, "description": f.get("description"),
        "message_samples": f.get("message_samples"), "us_app_to_person_usecase": f.get("us_app_to_person_usecase"),
        "has_embedded_links": f.get("has_embedded_links"), "has_embedded_phone": f.get("has_embedded_phone"),
        "subscriber_opt_in": f.get("subscriber_opt_in"), "age_gated": f.get("age_gated", False),
        "direct_lending": f.get("direct_lending", False), "campaign_status": status,
        "campaign_id": c.campaign_id or None if status == "VERIFIED" else None, "is_externally_registered": False,
        "rate_limits": {"att": {"mps": 4, "msg_class": "T"}} if status == "VERIFIED" else None,
        "message_flow": f.get("message_flow"), "opt_in_message": f.get("opt_in_message"),
        "opt_out_message": f.get("opt_out_message"), "help_message": f.get("help_message"),
        "opt_in_keywords": f.get("opt_in_keywords"), "opt_out_keywords": f.get("opt_out_keywords"),
        "help_keywords": f.get("help_keywords"), "date_created": iso(c.date_created),
        "date_updated": iso(c.date_updated), "url": f"{BASE}/Services/{c.service_sid}/Compliance/Usa2p/{c.sid}",
        "mock": False, "errors": list(c.errors) if status == "FAILED" else [],
    }


def create_campaign(call: Call) -> Response:
    brand_sid, use_case = call.params.get("BrandRegistrationSid"), call.params.get("UsAppToPersonUsecase")
    fields = _campaign_fields(call, _CAMPAIGN_TEXT + _CAMPAIGN_LISTS + _CAMPAIGN_FLAGS)
    call.params.reject_unknown()
    missing = [name for name, value in (("BrandRegistrationSid", brand_sid), ("UsAppToPersonUsecase", use_case),
                                        *((n, fields.get(_attr(n))) for n in (
                                            "Description", "MessageFlow", "MessageSamples", "HasEmbeddedLinks",
                                            "HasEmbeddedPhone"))) if value is None]
    if missing:
        raise InvalidParameter(f"Missing required parameter(s): {', '.join(missing)}")
    assert brand_sid is not None
    fields["us_app_to_person_usecase"] = use_case
    campaign = call.backend.registration.create_campaign(_account(call, write=True), call.args["service"], brand_sid, fields)
    return 201, campaign_json(call, campaign)


def list_campaigns(call: Call) -> Response:
    campaigns = call.backend.registration.list_campaigns(_account(call), call.args["service"])
    return v1_page(call, HOST, "compliance", campaigns, lambda c: campaign_json(call, c))


def fetch_campaign(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, campaign_json(call, call.backend.registration.fetch_campaign(_account(call), call.args["service"],
                                                                call.args["sid"]))


def update_campaign(call: Call) -> Response:
    fields = _campaign_fields(call, _CAMPAIGN_UPDATABLE)
    call.params.reject_unknown()
    missing = [n for n in ("HasEmbeddedLinks", "HasEmbeddedPhone", "MessageSamples", "MessageFlow", "Description",
                           "AgeGated", "DirectLending") if _attr(n) not in fields]
    if missing:
        raise InvalidParameter(f"Missing required parameter(s): {', '.join(missing)}")
    campaign = call.backend.registration.update_campaign(_account(call, write=True), call.args["service"], call.args["sid"],
                                            fields)
    return 200, campaign_json(call, campaign)


def delete_campaign(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.registration.delete_campaign(_account(call, write=True), call.args["service"], call.args["sid"])
    return 204, None


# ---- toll-free verifications -------------------------------------------------------------------------
_TOLLFREE_TEXT = (
    "BusinessName", "BusinessWebsite", "NotificationEmail", "UseCaseSummary", "ProductionMessageSample",
    "OptInType", "MessageVolume", "CustomerProfileSid", "BusinessStreetAddress", "BusinessStreetAddress2",
    "BusinessCity", "BusinessStateProvinceRegion", "BusinessPostalCode", "BusinessCountry", "AdditionalInformation",
    "BusinessContactFirstName", "BusinessContactLastName", "BusinessContactEmail", "BusinessContactPhone",
    "ExternalReferenceId", "BusinessRegistrationNumber", "BusinessRegistrationAuthority",
    "BusinessRegistrationCountry", "BusinessType", "BusinessRegistrationPhoneNumber", "DoingBusinessAs",
    "OptInConfirmationMessage", "HelpMessageSample", "PrivacyPolicyUrl", "TermsAndConditionsUrl", "VettingProvider",
    "VettingId", "EditReason")
_TOLLFREE_LISTS = ("UseCaseCategories", "OptInImageUrls", "OptInKeywords")
_TOLLFREE_REQUIRED = ("BusinessName", "BusinessWebsite", "NotificationEmail", "UseCaseCategories", "UseCaseSummary",
                      "ProductionMessageSample", "OptInImageUrls", "OptInType", "MessageVolume")
_TOLLFREE_CREATE_ONLY = ("CustomerProfileSid", "ExternalReferenceId")


def _tollfree_fields(call: Call, create: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in _TOLLFREE_TEXT + _TOLLFREE_LISTS + ("AgeGatedContent",):
        if (name in _TOLLFREE_CREATE_ONLY and not create) or (name == "EditReason" and create):
            continue
        if name in _TOLLFREE_LISTS:
            value: Any = call.params.repeated(name) or None
        elif name == "AgeGatedContent":
            value = bool_param(call, name)
        else:
            value = call.params.get(name)
        if value is not None:
            fields[_attr(name)] = value
    return fields


def tollfree_json(call: Call, v: TollfreeVerification) -> dict[str, Any]:
    status = review_status("tollfree", v, call.backend.clock.now())
    f = v.fields
    rejected = status == "TWILIO_REJECTED"
    texts = ("business_name", "business_street_address", "business_street_address2", "business_city",
             "business_state_province_region", "business_postal_code", "business_country", "business_website",
             "business_contact_first_name", "business_contact_last_name", "business_contact_email",
             "business_contact_phone", "notification_email", "use_case_summary", "production_message_sample",
             "opt_in_type", "message_volume", "additional_information", "business_registration_number",
             "business_registration_authority", "business_registration_country", "business_type",
             "business_registration_phone_number", "doing_business_as", "opt_in_confirmation_message",
             "help_message_sample", "privacy_policy_url", "terms_and_conditions_url", "external_reference_id",
             "vetting_id", "vetting_provider")
    return {
        **{name: f.get(name) for name in texts},
        "sid": v.sid, "account_sid": v.account_sid, "customer_profile_sid": f.get("customer_profile_sid"),
        "trust_product_sid": None, "date_created": iso(v.date_created), "date_updated": iso(v.date_updated),
        "regulated_item_sid": None, "use_case_categories": f.get("use_case_categories"),
        "opt_in_image_urls": f.get("opt_in_image_urls"), "opt_in_keywords": f.get("opt_in_keywords"),
        "age_gated_content": f.get("age_gated_content", False),
        "tollfree_phone_number_sid": v.tollfree_phone_number_sid, "tollfree_phone_number": v.tollfree_phone_number,
        "status": status, "url": f"{BASE}/Tollfree/Verifications/{v.sid}",
        "rejection_reason": v.rejection_reason if rejected else None,
        "error_code": v.error_code if rejected else None,
        "edit_expiration": iso(v.edit_expiration()) if rejected else None,
        "edit_allowed": v.edit_allowed(call.backend.clock.now()) if rejected else None,
        "rejection_reasons": [{"reason": v.rejection_reason, "error_code": v.error_code}] if rejected else None,
        "resource_links": {"customer_profile": None, "trust_product": None}, "vetting_id_expiration": None,
    }


def create_tollfree(call: Call) -> Response:
    number_sid = call.params.get("TollfreePhoneNumberSid")
    fields = _tollfree_fields(call, create=True)
    call.params.reject_unknown()
    missing = [n for n in _TOLLFREE_REQUIRED if _attr(n) not in fields] + ([] if number_sid else
                                                                           ["TollfreePhoneNumberSid"])
    if missing:
        raise InvalidParameter(f"Missing required parameter(s): {', '.join(missing)}")
    assert number_sid is not None
    return 201, tollfree_json(call, call.backend.registration.create_tollfree(_account(call, write=True), number_sid, fields))


def list_tollfree(call: Call) -> Response:
    number_sid, status = call.params.get("TollfreePhoneNumberSid"), call.params.get("Status")
    filters = {k: v for k, v in (("TollfreePhoneNumberSid", number_sid), ("Status", status)) if v}
    found = call.backend.registration.list_tollfree(_account(call), number_sid, status)
    return v1_page(call, HOST, "verifications", found, lambda v: tollfree_json(call, v), filters)


def fetch_tollfree(call: Call) -> Response:
    call.params.reject_unknown()
    return 200, tollfree_json(call, call.backend.registration.fetch_tollfree(_account(call), call.args["sid"]))


def update_tollfree(call: Call) -> Response:
    fields = _tollfree_fields(call, create=False)
    call.params.reject_unknown()
    fields.pop("edit_reason", None)
    verification = call.backend.registration.update_tollfree(_account(call, write=True), call.args["sid"], fields)
    return 202, tollfree_json(call, verification)


def delete_tollfree(call: Call) -> Response:
    call.params.reject_unknown()
    call.backend.registration.delete_tollfree(_account(call, write=True), call.args["sid"])
    return 204, None
