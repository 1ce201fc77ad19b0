"""The stand-in's Messaging v1 and Trust Hub v1, through the twilio SDK and the contract check: the sender pool's
rules, and the A2P 10DLC / toll-free review flow on the stand-in's clock, as strict as Twilio."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from twilio.rest import Client

from provider.sandbox import SandboxServer
from provider.sandbox.trusthub_v1.models import (
    A2P_TRUST_PRODUCT_POLICY,
    SANDBOX_PRIMARY_PROFILE_SID,
    SECONDARY_PROFILE_POLICY,
)

from ..support.calls import refused as _refused
from ..support.trusthub import secondary_profile as _profile

SAMPLES = ["Northside Pharmacy: your order is ready for pickup. Reply STOP to opt out.",
           "Northside Pharmacy: an item you asked us to prepare is ready. Reply STOP to opt out."]
CONFIRMATION = "Northside Pharmacy: you will get pickup texts. Msg&data rates may apply. Reply STOP to opt out."
CONSENT = {"opt_out_message": "Northside Pharmacy: you will get no more texts.",
           "help_message": "Northside Pharmacy: call (415) 555-0142 for help.", "opt_out_keywords": ["STOP", "END"],
           "help_keywords": ["HELP"], "subscriber_opt_in": True}


def _advance(sandbox: SandboxServer, days: float) -> None:
    sandbox.backend.clock.advance(timedelta(days=days))


def _buy(client: Client, account_sid: str, number: str = "+14155550123") -> Any:
    return client.api.v2010.accounts(account_sid).incoming_phone_numbers.create(phone_number=number)


def test_a_number_is_in_one_service_at_a_time_and_leaves_it_when_released(tenant: tuple[Client, Any]) -> None:
    client, account = tenant
    first = client.messaging.v1.services.create(friendly_name="one", sticky_sender=True, validity_period=600)
    second = client.messaging.v1.services.create(friendly_name="two")
    number = _buy(client, account.sid)
    first.phone_numbers.create(phone_number_sid=number.sid)
    assert _refused(lambda: client.messaging.v1.services(second.sid).phone_numbers.create(
        phone_number_sid=number.sid)).code == 21712
    assert [n.phone_number for n in first.phone_numbers.list()] == [number.phone_number]
    client.api.v2010.accounts(account.sid).incoming_phone_numbers(number.sid).delete()
    assert first.phone_numbers.list() == []
    assert client.messaging.v1.services(first.sid).fetch().validity_period == 600


def test_a_service_is_only_seen_by_its_own_account(tenant: tuple[Client, Any], parent: Client) -> None:
    client, _ = tenant
    service = client.messaging.v1.services.create(friendly_name="mine")
    assert _refused(lambda: parent.messaging.v1.services(service.sid).fetch()).status == 404
    assert parent.messaging.v1.services.list() == []


def test_another_accounts_number_cannot_join_a_service(tenant: tuple[Client, Any], parent: Client,
                                                       sandbox: SandboxServer) -> None:
    client, _ = tenant
    service = client.messaging.v1.services.create(friendly_name="mine")
    parents_number = _buy(parent, sandbox.account_sid, "+14155550177")
    refused = _refused(lambda: service.phone_numbers.create(phone_number_sid=parents_number.sid))
    assert (refused.status, refused.code) == (400, 21421)


def test_a_service_holds_at_most_400_numbers(tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    service = client.messaging.v1.services.create(friendly_name="big")
    backend = sandbox.backend
    numbers: list[Any] = []
    while len(numbers) < 401:  # senders must be able to text (21715): skip the voice-only lines of the block
        bought = backend.v2010.buy_number(backend.accounts[account.sid], phone_number=None, area_code="415", settings={})
        numbers += [bought] if bought.capabilities["sms"] else []
    for number in numbers[:400]:
        backend.messaging.add_service_number(backend.accounts[account.sid], service.sid, number.sid)
    assert _refused(lambda: service.phone_numbers.create(phone_number_sid=numbers[400].sid)).code == 21714


def _trust_product(client: Client, profile: Any) -> Any:
    hub = client.trusthub.v1
    product = hub.trust_products.create(friendly_name="northside a2p", email="ops@northside.example",
                                        policy_sid=A2P_TRUST_PRODUCT_POLICY)
    messaging = hub.end_users.create(friendly_name="a2p", type="us_a2p_messaging_profile_information",
                                     attributes={"company_type": "private"})
    product.trust_products_entity_assignments.create(object_sid=messaging.sid)
    product.trust_products_entity_assignments.create(object_sid=profile.sid)
    return product


def test_a2p_10dlc_flow_advances_with_the_clock(tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    hub = client.trusthub.v1
    profile = _profile(client, account.sid)
    assert _refused(lambda: profile.update(status="pending-review")).status == 400  # not evaluated yet
    assert profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY).status == "compliant"
    assert profile.update(status="pending-review").status == "pending-review"
    product = _trust_product(client, profile)
    product.trust_products_evaluations.create(policy_sid=A2P_TRUST_PRODUCT_POLICY)
    product.update(status="pending-review")
    brand_args = {"customer_profile_bundle_sid": profile.sid, "a2p_profile_bundle_sid": product.sid, "mock": True}
    assert _refused(lambda: client.messaging.v1.brand_registrations.create(**brand_args)).status == 400
    _advance(sandbox, 1)
    assert hub.customer_profiles(profile.sid).fetch().status == "in-review"
    business = next(u for u in hub.end_users.list() if u.type == "customer_profile_business_information")
    assert _refused(lambda: hub.end_users(business.sid).update(attributes={"x": 1})).status == 409  # under review
    _advance(sandbox, 1)
    assert hub.trust_products(product.sid).fetch().status == "twilio-approved"
    brand = client.messaging.v1.brand_registrations.create(**brand_args)
    assert (brand.status, brand.mock) == ("PENDING", True)
    service = client.messaging.v1.services.create(friendly_name="northside")
    campaign_args = {"brand_registration_sid": brand.sid, "description": "Refill reminders and pickup notices "
                     "for the pharmacy's patients", "message_flow": "Patients opt in on the pharmacy's web form at "
                     "https://northside.example/sms and at the counter", "message_samples": SAMPLES,
                     "us_app_to_person_usecase": "ACCOUNT_NOTIFICATION", "has_embedded_links": False,
                     "has_embedded_phone": False, **CONSENT}
    assert _refused(lambda: service.us_app_to_person.create(**campaign_args)).status == 400  # brand pending
    _advance(sandbox, 2)
    assert client.messaging.v1.brand_registrations(brand.sid).fetch().status == "APPROVED"
    campaign = service.us_app_to_person.create(**campaign_args)
    assert campaign.campaign_status == "IN_PROGRESS"
    assert campaign.message_samples == SAMPLES  # repeated form keys, every one kept
    _advance(sandbox, 3)
    assert service.us_app_to_person(campaign.sid).fetch().campaign_status == "VERIFIED"
    assert client.messaging.v1.services(service.sid).fetch().us_app_to_person_registered is True


def test_a_rejected_brand_says_why_and_is_resubmitted_a_bounded_number_of_times(
        tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    profile, product = _approved_bundles(client, account, sandbox, ein="00-0000000")
    brand = client.messaging.v1.brand_registrations.create(customer_profile_bundle_sid=profile.sid,
                                                           a2p_profile_bundle_sid=product.sid, mock=True)
    _advance(sandbox, 2)
    failed = client.messaging.v1.brand_registrations(brand.sid).fetch()
    assert failed.status == "FAILED" and failed.brand_feedback == ["TAX_ID"] and "00-0000000" in failed.failure_reason
    assert _refused(lambda: client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile.sid, a2p_profile_bundle_sid=product.sid)).status == 400  # no second
    for _ in range(3):
        assert client.messaging.v1.brand_registrations(brand.sid).update().status == "PENDING"
        _advance(sandbox, 2)
    assert _refused(lambda: client.messaging.v1.brand_registrations(brand.sid).update()).code == 21724


def test_a_marked_profile_is_rejected_then_fixed_and_resubmitted(tenant: tuple[Client, Any],
                                                                sandbox: SandboxServer) -> None:
    client, account = tenant
    profile = _profile(client, account.sid, legal_name="Northside sandbox-reject LLC")
    profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY)
    profile.update(status="pending-review")
    _advance(sandbox, 2)
    rejected = client.trusthub.v1.customer_profiles(profile.sid).fetch()
    assert rejected.status == "twilio-rejected" and "business_name" in json.dumps(rejected.errors)
    business = next(u for u in client.trusthub.v1.end_users.list() if u.type == "customer_profile_business_information")
    fixed = {**business.attributes, "business_name": "Northside LLC"}
    client.trusthub.v1.end_users(business.sid).update(attributes=fixed)
    assert client.trusthub.v1.customer_profiles(profile.sid).fetch().status == "draft"
    assert _refused(lambda: profile.update(status="pending-review")).status == 400  # changed since its evaluation
    profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY)
    profile.update(status="pending-review")
    _advance(sandbox, 2)
    assert client.trusthub.v1.customer_profiles(profile.sid).fetch().status == "twilio-approved"


def test_toll_free_verification_with_list_parameters(tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    local = _buy(client, account.sid)
    toll_free = _buy(client, account.sid, "+18885550123")
    args: dict[str, Any] = {
        "business_name": "Northside Pharmacy LLC", "business_website": "https://northside.example",
        "notification_email": "ops@northside.example",
        "use_case_categories": ["ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE"],
        "use_case_summary": "Refill reminders and pickup notices to patients who opted in",
        "production_message_sample": SAMPLES[0], "opt_in_image_urls": ["https://northside.example/optin.png"],
        "opt_in_type": "WEB_FORM", "message_volume": "1,000", "opt_in_confirmation_message": CONFIRMATION}
    assert _refused(lambda: client.messaging.v1.tollfree_verifications.create(
        tollfree_phone_number_sid=local.sid, **args)).status == 400  # not a toll-free number
    verification = client.messaging.v1.tollfree_verifications.create(
        tollfree_phone_number_sid=toll_free.sid, **{**args, "use_case_summary": "sandbox-reject this"})
    assert verification.use_case_categories == ["ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE"]
    assert _refused(lambda: client.messaging.v1.tollfree_verifications(verification.sid).update(
        use_case_summary=args["use_case_summary"])).status == 409  # in review: no edits
    _advance(sandbox, 3)
    rejected = client.messaging.v1.tollfree_verifications(verification.sid).fetch()
    assert rejected.status == "TWILIO_REJECTED" and "use_case_summary" in rejected.rejection_reason
    client.messaging.v1.tollfree_verifications(verification.sid).update(use_case_summary=args["use_case_summary"])
    _advance(sandbox, 3)
    assert client.messaging.v1.tollfree_verifications(verification.sid).fetch().status == "TWILIO_APPROVED"


def test_a_toll_free_verification_without_its_opt_in_confirmation_is_rejected_naming_it(
        tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    """As Twilio's reviewers: no OptInConfirmationMessage is a rejection (30540), fixed by an edit."""
    client, account = tenant
    toll_free = _buy(client, account.sid, "+18885550125")
    verification = client.messaging.v1.tollfree_verifications.create(
        tollfree_phone_number_sid=toll_free.sid, business_name="Northside Pharmacy LLC",
        business_website="https://northside.example", notification_email="ops@northside.example",
        use_case_categories=["ACCOUNT_NOTIFICATIONS"], production_message_sample=SAMPLES[0],
        use_case_summary="Refill reminders and pickup notices to patients who opted in",
        opt_in_image_urls=["https://northside.example/optin.png"], opt_in_type="WEB_FORM", message_volume="1,000")
    _advance(sandbox, 3)
    rejected = client.messaging.v1.tollfree_verifications(verification.sid).fetch()
    assert (rejected.status, rejected.error_code) == ("TWILIO_REJECTED", 30540)
    assert "OptInConfirmationMessage" in rejected.rejection_reason and rejected.edit_allowed
    client.messaging.v1.tollfree_verifications(verification.sid).update(opt_in_confirmation_message=CONFIRMATION)
    _advance(sandbox, 3)
    assert client.messaging.v1.tollfree_verifications(verification.sid).fetch().status == "TWILIO_APPROVED"


@pytest.mark.parametrize("bad", ["A", "TwelveLetter", "12345", "Northside!", "Caf\u00e9", "-- 12 --"])
def test_an_alpha_sender_is_2_to_11_allowed_characters_with_a_letter(tenant: tuple[Client, Any], bad: str) -> None:
    client, _ = tenant
    service = client.messaging.v1.services.create(friendly_name="alpha")
    refused = _refused(lambda: service.alpha_senders.create(alpha_sender=bad))
    assert (refused.status, refused.code) == (400, 21709)
    assert service.alpha_senders.list() == []


def test_a_service_has_one_alpha_sender_which_goes_with_the_service(tenant: tuple[Client, Any],
                                                                    parent: Client) -> None:
    client, _ = tenant
    service = client.messaging.v1.services.create(friendly_name="alpha")
    made = service.alpha_senders.create(alpha_sender="Rx-North&Co")
    assert (made.sid[:2], made.alpha_sender, made.capabilities) == ("AI", "Rx-North&Co", ["SMS"])
    assert _refused(lambda: service.alpha_senders.create(alpha_sender="Other Name")).code == 21709
    assert [a.alpha_sender for a in service.alpha_senders.list()] == ["Rx-North&Co"]
    assert _refused(lambda: parent.messaging.v1.services(service.sid).alpha_senders(made.sid).fetch()).status == 404
    service.alpha_senders(made.sid).delete()
    assert service.alpha_senders.create(alpha_sender="Other Name").alpha_sender == "Other Name"
    client.messaging.v1.services(service.sid).delete()
    other = client.messaging.v1.services.create(friendly_name="after")
    assert other.alpha_senders.create(alpha_sender="Other Name").alpha_sender == "Other Name"


def test_registration_state_survives_a_restart(tmp_path: Any) -> None:
    from provider.sandbox import TwilioBackend
    state = tmp_path / "state.json"
    backend = TwilioBackend(seed=3, state_file=state)
    sub = backend.v2010.create_subaccount(backend.v2010.authenticate(backend.parent_sid, backend.parent.auth_token), "t")
    service = backend.messaging.create_service(sub, {"friendly_name": "svc"})
    number = backend.v2010.buy_number(sub, phone_number=None, area_code="415", settings={})
    backend.messaging.add_service_number(sub, service.sid, number.sid)
    alpha = backend.messaging.add_alpha_sender(sub, service.sid, "Northside")
    again = TwilioBackend(state_file=state)  # replays the journal
    assert again.messaging.alpha_senders[alpha.sid].alpha_sender == "Northside"
    assert again.messaging.services[service.sid].friendly_name == "svc"
    assert again.messaging.service_numbers[number.sid].service_sid == service.sid
    assert SANDBOX_PRIMARY_PROFILE_SID in again.tables["bundles"]


def test_a_number_without_sms_or_mms_cannot_be_a_sender(tenant: tuple[Client, Any]) -> None:
    client, account = tenant
    service = client.messaging.v1.services.create(friendly_name="one")
    voice_only = _buy(client, account.sid, "+14155550125")
    assert not voice_only.capabilities["sms"] and not voice_only.capabilities["mms"]
    refused = _refused(lambda: service.phone_numbers.create(phone_number_sid=voice_only.sid))
    assert (refused.status, refused.code) == (400, 21715)
    assert service.phone_numbers.list() == []


def test_the_platforms_primary_profile_was_approved_long_before_any_tenant(sandbox: SandboxServer,
                                                                          parent: Client) -> None:
    """A run with the stand-in's clock set years back still finds the primary profile approved; its policy is the
    primary business profile's, not the ISV Starter profile's (RN806dd6cd…, sole proprietors)."""
    from provider.sandbox.trusthub_v1.models import SANDBOX_PRIMARY_PROFILE_SID
    sandbox.backend.clock.set(datetime(2022, 3, 1, tzinfo=UTC))
    primary = parent.trusthub.v1.customer_profiles(SANDBOX_PRIMARY_PROFILE_SID).fetch()
    assert primary.status == "twilio-approved"
    assert primary.policy_sid == "RN6433641899984f951173ef1738c3bdd0"
    starter = _refused(lambda: parent.trusthub.v1.customer_profiles.create(
        friendly_name="starter", email="a@b.example", policy_sid="RN806dd6cd175f314e1f96a9727ee271f4"))
    assert starter.status == 400


def _approved_bundles(client: Client, account: Any, sandbox: SandboxServer, ein: str = "12-3456789"
                      ) -> tuple[Any, Any]:
    """A customer profile and an A2P trust product, submitted and (two days on) decided."""
    profile = _profile(client, account.sid, ein=ein)
    profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY)
    profile.update(status="pending-review")
    product = _trust_product(client, profile)
    product.trust_products_evaluations.create(policy_sid=A2P_TRUST_PRODUCT_POLICY)
    product.update(status="pending-review")
    _advance(sandbox, 2)
    return profile, product


def test_registration_errors_carry_twilios_codes(tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    profile, product = _approved_bundles(client, account, sandbox)
    brand = client.messaging.v1.brand_registrations.create(customer_profile_bundle_sid=profile.sid,
                                                           a2p_profile_bundle_sid=product.sid, mock=True)
    assert _refused(lambda: client.messaging.v1.brand_registrations(brand.sid).update()).code == 21725, \
        "a PENDING brand is not resubmitted"
    service = client.messaging.v1.services.create(friendly_name="svc")
    early = _refused(lambda: service.us_app_to_person.create(
        brand_registration_sid=brand.sid, us_app_to_person_usecase="ACCOUNT_NOTIFICATION",
        description="Pickup and refill reminders for patients of Northside Pharmacy",
        message_flow="Patients opt in at the pharmacy counter by signing the consent form for texts",
        message_samples=["Your order is ready for pickup at Northside Pharmacy. Reply STOP to opt out.",
                         "Northside Pharmacy: your order is ready. Reply STOP to opt out, HELP for help."],
        has_embedded_links=False, has_embedded_phone=False))
    assert (early.status, early.code) == (400, 21717)
    local = _buy(client, account.sid)
    assert _refused(lambda: client.messaging.v1.tollfree_verifications.create(
        tollfree_phone_number_sid=local.sid, business_name="Northside", business_website="https://n.example.com",
        notification_email="a@n.example.com", use_case_categories=["ACCOUNT_NOTIFICATIONS"],
        use_case_summary="Pickup reminders", production_message_sample="Your order is ready",
        opt_in_image_urls=["https://n.example.com/optin.png"], opt_in_type="VERBAL",
        message_volume="1,000")).code == 30436


@pytest.mark.parametrize("summary,days_later", [("sandbox-reject this", 8), ("sandbox-reject-final this", 1)])
def test_a_rejected_toll_free_verification_is_edited_only_within_its_window(
        tenant: tuple[Client, Any], sandbox: SandboxServer, summary: str, days_later: int) -> None:
    """Twilio: 7 days to edit a rejection (edit_allowed, edit_expiration); some reasons allow no edit at all
    (30824); after that a new verification is submitted for the number."""
    client, account = tenant
    toll_free = _buy(client, account.sid, "+18885550124")
    args: dict[str, Any] = {
        "business_name": "Northside Pharmacy LLC", "business_website": "https://northside.example",
        "notification_email": "ops@northside.example", "use_case_categories": ["ACCOUNT_NOTIFICATIONS"],
        "use_case_summary": summary, "production_message_sample": SAMPLES[0],
        "opt_in_image_urls": ["https://northside.example/optin.png"], "opt_in_type": "WEB_FORM",
        "message_volume": "1,000", "opt_in_confirmation_message": CONFIRMATION}
    verification = client.messaging.v1.tollfree_verifications.create(tollfree_phone_number_sid=toll_free.sid,
                                                                      **args)
    _advance(sandbox, 3)
    rejected = client.messaging.v1.tollfree_verifications(verification.sid).fetch()
    assert rejected.status == "TWILIO_REJECTED" and rejected.edit_expiration is not None
    assert rejected.edit_allowed is ("final" not in summary)
    _advance(sandbox, days_later)
    closed = client.messaging.v1.tollfree_verifications(verification.sid).fetch()
    assert closed.edit_allowed is False
    refused = _refused(lambda: client.messaging.v1.tollfree_verifications(verification.sid).update(
        use_case_summary="Refill reminders and pickup notices to patients who opted in"))
    assert (refused.status, refused.code) == (400, 30824)
    client.messaging.v1.tollfree_verifications(verification.sid).delete()
    anew = client.messaging.v1.tollfree_verifications.create(
        tollfree_phone_number_sid=toll_free.sid,
        **{**args, "use_case_summary": "Refill reminders and pickup notices to patients who opted in"})
    _advance(sandbox, 3)
    assert client.messaging.v1.tollfree_verifications(anew.sid).fetch().status == "TWILIO_APPROVED"



def _approved_brand(client: Client, account: Any, sandbox: SandboxServer) -> Any:
    profile, product = _approved_bundles(client, account, sandbox)
    brand = client.messaging.v1.brand_registrations.create(customer_profile_bundle_sid=profile.sid,
                                                           a2p_profile_bundle_sid=product.sid, mock=True)
    _advance(sandbox, 2)
    return brand


@pytest.mark.parametrize("change,code,field", [
    ({"opt_out_message": None}, 30887, "opt_out_message"), ({"help_keywords": None}, 30887, "help_keywords"),
    ({"opt_out_keywords": ["END"]}, 30887, "opt_out_keywords"),
    ({"message_samples": ["Northside Pharmacy: your order is ready for pickup at the counter.",
                          "Northside Pharmacy: an item you asked for is ready today."]}, 30887, "message_samples"),
    ({"message_samples": ["Northside Pharmacy: your oxycodone refill is ready. Reply STOP to opt out.",
                          "Northside Pharmacy: your order is ready. Reply STOP to opt out."]}, 30941, "message_samples"),
])
def test_carriers_reject_campaigns_without_consent_detail_or_with_prescription_content(
        tenant: tuple[Client, Any], sandbox: SandboxServer, change: dict, code: int, field: str) -> None:
    client, account = tenant
    brand = _approved_brand(client, account, sandbox)
    service = client.messaging.v1.services.create(friendly_name="svc")
    args = {"brand_registration_sid": brand.sid, "us_app_to_person_usecase": "ACCOUNT_NOTIFICATION",
            "description": "Pickup notices for the patients of Northside Pharmacy who opted in",
            "message_flow": "Patients opt in at the counter by signing the texting consent form",
            "message_samples": SAMPLES, "has_embedded_links": False, "has_embedded_phone": False, **CONSENT}
    args = {k: v for k, v in {**args, **change}.items() if v is not None}
    campaign = service.us_app_to_person.create(**args)
    _advance(sandbox, 3)
    decided = service.us_app_to_person(campaign.sid).fetch()
    assert decided.campaign_status == "FAILED"
    assert any(e["error_code"] == code and field in e["fields"] for e in decided.errors), decided.errors


def test_registration_and_carrier_fees_are_billed_as_twilio_bills_them(tenant: tuple[Client, Any],
                                                                       sandbox: SandboxServer) -> None:
    """A brand (not a mock) costs its registration fee once, a campaign its vetting once and a monthly fee day by
    day, texts carrier fees while the campaign lives; deleting the campaign stops the monthly fee and never
    rewrites what was billed; the parent's total holds every fee."""
    from decimal import Decimal

    from provider.sandbox import usage

    client, account = tenant
    profile, product = _approved_bundles(client, account, sandbox)
    brand = client.messaging.v1.brand_registrations.create(customer_profile_bundle_sid=profile.sid,
                                                           a2p_profile_bundle_sid=product.sid, mock=False)
    brand_day = sandbox.backend.clock.today()
    _advance(sandbox, 2)
    service = client.messaging.v1.services.create(friendly_name="svc")
    campaign = service.us_app_to_person.create(
        brand_registration_sid=brand.sid, us_app_to_person_usecase="ACCOUNT_NOTIFICATION",
        description="Pickup notices for the patients of Northside Pharmacy who opted in",
        message_flow="Patients opt in at the counter by signing the texting consent form",
        message_samples=SAMPLES, has_embedded_links=False, has_embedded_phone=False, **CONSENT)
    campaign_day = sandbox.backend.clock.today()
    _advance(sandbox, 10)
    service.us_app_to_person(campaign.sid).delete()
    _advance(sandbox, 5)

    def price(category: str, sid: str = account.sid, **kw: Any) -> Decimal:
        records = client.api.v2010.accounts(sid).usage.records.list(
            category=category, start_date=brand_day, end_date=sandbox.backend.clock.today(), **kw)
        return sum((Decimal(str(r.price)) for r in records), Decimal(0))

    assert price("a2p-10dlc-registrationfees-brandregistration") == usage.BRAND_REGISTRATION_FEE
    assert price("a2p-10dlc-registrationfees-campaignvetting") == usage.CAMPAIGN_VETTING_FEE
    monthly = price("a2p-10dlc-registrationfees-monthly")
    assert Decimal("2.5") < monthly < Decimal("4"), "about ten days of a 10.00 monthly fee, then none"
    fees = price("a2p-registration-fees")
    assert fees == usage.BRAND_REGISTRATION_FEE + usage.CAMPAIGN_VETTING_FEE + monthly
    assert price("sms-messages-carrierfees") > 0
    assert price("sms") == price("sms-inbound") + price("sms-outbound") + price("sms-messages-carrierfees")
    before = fees
    _advance(sandbox, 20)
    assert price("a2p-registration-fees") == before, "history never changes"
    assert campaign_day >= brand_day
