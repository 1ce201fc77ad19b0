"""The stand-in's voice trust: dialing permissions (voice v1), emergency addresses (v2010) and the SHAKEN/STIR,
Voice Integrity and CNAM trust products with their phone numbers (Trust Hub v1), through the twilio SDK and the
contract check, as strict as Twilio."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from twilio.rest import Client

from provider.sandbox import SandboxServer
from provider.sandbox.trusthub_v1.models import (
    CNAM_POLICY,
    SECONDARY_PROFILE_POLICY,
    SHAKEN_STIR_POLICY,
    VOICE_INTEGRITY_POLICY,
)

from ..conftest import Connect
from ..support.calls import refused as _refused
from ..support.trusthub import secondary_profile


def _enabled(client: Client) -> set[str]:
    return {c.iso_code for c in client.voice.v1.dialing_permissions.countries.list(low_risk_numbers_enabled=True)}


def _update(*entries: dict[str, Any]) -> str:
    return json.dumps(list(entries))


# ---- dialing permissions ---------------------------------------------------------------------------------
def test_a_subaccount_inherits_the_parents_countries_until_it_has_its_own(tenant: tuple[Client, Any],
                                                                         parent: Client) -> None:
    client, _ = tenant
    inherited = _enabled(client)
    assert {"US", "CA"} <= inherited and len(inherited) > 2 and inherited == _enabled(parent)
    assert client.voice.v1.dialing_permissions.settings().fetch().dialing_permissions_inheritance is True
    # While it inherits there is nothing of its own to change.
    assert _refused(lambda: client.voice.v1.dialing_permissions.bulk_country_updates.create(
        update_request=_update({"iso_code": "GB", "low_risk_numbers_enabled": "false"}))).status == 400
    client.voice.v1.dialing_permissions.settings().update(dialing_permissions_inheritance=False)
    assert _enabled(client) == inherited  # it keeps what it inherited
    off = [{"iso_code": iso, "low_risk_numbers_enabled": "false"} for iso in sorted(inherited - {"US"})]
    done = client.voice.v1.dialing_permissions.bulk_country_updates.create(update_request=_update(*off))
    assert done.update_count == len(off)
    assert _enabled(client) == {"US"}
    assert _enabled(parent) == inherited  # the parent's own permissions did not change
    us = client.voice.v1.dialing_permissions.countries("US").fetch()
    assert us.country_codes == ["+1"] and us.high_risk_special_numbers_enabled is False


def test_a_bad_bulk_update_changes_nothing(tenant: tuple[Client, Any]) -> None:
    client, _ = tenant
    client.voice.v1.dialing_permissions.settings().update(dialing_permissions_inheritance=False)
    before = _enabled(client)
    bulk = client.voice.v1.dialing_permissions.bulk_country_updates
    for request in (_update({"iso_code": "CA", "low_risk_numbers_enabled": "false"}, {"iso_code": "XX",
                                                                                    "low_risk_numbers_enabled": "true"}),
                    _update({"iso_code": "CA", "low_risk_numbers_enabled": "maybe"}),
                    _update({"iso_code": "CA"}), "not json", "[]",
                    _update({"iso_code": "CA", "low_risk_numbers_enabled": "false", "colour": "red"})):
        assert _refused(lambda r=request: bulk.create(update_request=r)).status == 400, request
    assert _enabled(client) == before


def test_turning_inheritance_back_on_drops_the_subaccounts_own_permissions(tenant: tuple[Client, Any],
                                                                          parent: Client) -> None:
    client, _ = tenant
    settings = client.voice.v1.dialing_permissions.settings()
    settings.update(dialing_permissions_inheritance=False)
    client.voice.v1.dialing_permissions.bulk_country_updates.create(
        update_request=_update({"iso_code": "CA", "low_risk_numbers_enabled": "false"}))
    settings.update(dialing_permissions_inheritance=True)
    assert _enabled(client) == _enabled(parent)


# ---- emergency addresses ---------------------------------------------------------------------------------
def _address(client: Client, account_sid: str, emergency: bool = True, country: str = "US") -> Any:
    return client.api.v2010.accounts(account_sid).addresses.create(
        customer_name="Northside Pharmacy LLC", street="100 Market St", city="San Francisco", region="CA",
        postal_code="94105", iso_country=country, emergency_enabled=emergency)


def test_an_emergency_address_registers_on_the_stand_ins_clock(tenant: tuple[Client, Any],
                                                               sandbox: SandboxServer) -> None:
    client, account = tenant
    numbers = client.api.v2010.accounts(account.sid).incoming_phone_numbers
    number = numbers.create(phone_number="+14155550123")
    plain = _address(client, account.sid, emergency=False)
    assert _refused(lambda: numbers(number.sid).update(emergency_address_sid=plain.sid)).status == 400
    assert _refused(lambda: _address(client, account.sid, country="GB")).status == 400
    address = _address(client, account.sid)
    assert address.emergency_enabled is True
    updated = numbers(number.sid).update(emergency_address_sid=address.sid, emergency_status="Active")
    assert updated.emergency_address_status == "pending-registration"
    sandbox.backend.clock.advance(timedelta(hours=2))
    assert numbers(number.sid).fetch().emergency_address_status == "registered"
    # In use, it cannot be deleted; once the number is emergency-Inactive (unregistered), it can.
    addresses = client.api.v2010.accounts(account.sid).addresses
    assert _refused(lambda: addresses(address.sid).delete()).status == 400
    assert numbers(number.sid).update(emergency_status="Inactive").emergency_address_status == \
        "pending-unregistration"
    sandbox.backend.clock.advance(timedelta(hours=2))
    assert numbers(number.sid).fetch().emergency_address_status == "unregistered"
    assert addresses(address.sid).delete() is True
    assert numbers(number.sid).fetch().emergency_address_sid is None


def test_another_accounts_address_cannot_be_a_numbers_emergency_address(tenant: tuple[Client, Any],
                                                                        parent: Client, connect: Connect) -> None:
    client, account = tenant
    other = parent.api.v2010.accounts.create(friendly_name="tenant:other")
    theirs = _address(connect(other.sid, other.auth_token), other.sid)
    number = client.api.v2010.accounts(account.sid).incoming_phone_numbers.create(phone_number="+14155550124")
    assert _refused(lambda: client.api.v2010.accounts(account.sid).incoming_phone_numbers(number.sid).update(
        emergency_address_sid=theirs.sid)).status == 400


# ---- trust products --------------------------------------------------------------------------------------
def _approved_profile_with(client: Client, account: Any, sandbox: SandboxServer, *numbers: Any) -> Any:
    profile = secondary_profile(client, account.sid)
    for number in numbers:
        profile.customer_profiles_channel_endpoint_assignment.create(channel_endpoint_type="phone-number",
                                                                     channel_endpoint_sid=number.sid)
    assert profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY).status == "compliant"
    profile.update(status="pending-review")
    sandbox.backend.clock.advance(timedelta(days=2))
    assert profile.fetch().status == "twilio-approved"
    return profile


def _product(client: Client, policy: str, profile: Any, *items: Any) -> Any:
    product = client.trusthub.v1.trust_products.create(friendly_name=f"voice {policy[-4:]}",
                                                       email="ops@northside.example", policy_sid=policy)
    for sid in (profile.sid, *(i.sid for i in items)):
        product.trust_products_entity_assignments.create(object_sid=sid)
    return product


def test_voice_trust_products_build_on_an_approved_profile_and_its_numbers(tenant: tuple[Client, Any],
                                                                           sandbox: SandboxServer) -> None:
    client, account = tenant
    numbers = client.api.v2010.accounts(account.sid).incoming_phone_numbers
    local, other = numbers.create(phone_number="+14155550125"), numbers.create(phone_number="+14155550126")
    profile = secondary_profile(client, account.sid)
    profile.customer_profiles_channel_endpoint_assignment.create(channel_endpoint_type="phone-number",
                                                                 channel_endpoint_sid=local.sid)
    profile.customer_profiles_evaluations.create(policy_sid=SECONDARY_PROFILE_POLICY)
    profile.update(status="pending-review")
    shaken = _product(client, SHAKEN_STIR_POLICY, profile)
    # The profile is still under review: the product's evaluation says so.
    early = shaken.trust_products_evaluations.create(policy_sid=SHAKEN_STIR_POLICY)
    assert early.status == "noncompliant"
    sandbox.backend.clock.advance(timedelta(days=2))
    assert shaken.trust_products_evaluations.create(policy_sid=SHAKEN_STIR_POLICY).status == "compliant"
    endpoints = shaken.trust_products_channel_endpoint_assignment
    assert _refused(lambda: endpoints.create(channel_endpoint_type="phone-number",
                                             channel_endpoint_sid=other.sid)).status == 400  # not on the profile
    endpoints.create(channel_endpoint_type="phone-number", channel_endpoint_sid=local.sid)
    shaken.update(status="pending-review")
    assert _refused(lambda: endpoints.create(channel_endpoint_type="phone-number",
                                             channel_endpoint_sid=local.sid)).status == 409  # under review
    sandbox.backend.clock.advance(timedelta(days=2))
    assert shaken.fetch().status == "in-review"  # SHAKEN/STIR takes about three days
    sandbox.backend.clock.advance(timedelta(days=1))
    assert shaken.fetch().status == "twilio-approved"
    # A number on a trust product cannot leave the profile first.
    held = profile.customer_profiles_channel_endpoint_assignment.list()
    assert _refused(lambda: profile.customer_profiles_channel_endpoint_assignment(held[0].sid).delete()).status == 400
    # Released, a number leaves every profile and product.
    numbers(local.sid).delete()
    assert endpoints.list() == [] and profile.customer_profiles_channel_endpoint_assignment.list() == []


def test_cnam_takes_us_local_numbers_and_displayable_names_only(tenant: tuple[Client, Any],
                                                               sandbox: SandboxServer) -> None:
    client, account = tenant
    numbers = client.api.v2010.accounts(account.sid).incoming_phone_numbers
    local, toll_free = numbers.create(phone_number="+14155550127"), numbers.create(phone_number="+18005550100")
    profile = _approved_profile_with(client, account, sandbox, local, toll_free)
    hub = client.trusthub.v1
    for bad in ("Northside Pharmacy LLC", "1st Pharmacy", "Rx@Northside", "Unknown", ""):
        assert _refused(lambda b=bad: hub.end_users.create(friendly_name="cnam", type="cnam_information",
                                                           attributes={"cnam_display_name": b})).status == 400, bad
    name = hub.end_users.create(friendly_name="cnam", type="cnam_information",
                                attributes={"cnam_display_name": "NORTHSIDE RX"})
    cnam = _product(client, CNAM_POLICY, profile, name)
    endpoints = cnam.trust_products_channel_endpoint_assignment
    assert _refused(lambda: endpoints.create(channel_endpoint_type="phone-number",
                                             channel_endpoint_sid=toll_free.sid)).status == 400
    endpoints.create(channel_endpoint_type="phone-number", channel_endpoint_sid=local.sid)
    assert cnam.trust_products_evaluations.create(policy_sid=CNAM_POLICY).status == "compliant"


def test_voice_integrity_needs_its_information_and_is_decided_in_two_days(tenant: tuple[Client, Any],
                                                                          sandbox: SandboxServer) -> None:
    client, account = tenant
    profile = _approved_profile_with(client, account, sandbox)
    hub = client.trusthub.v1
    assert _refused(lambda: hub.end_users.create(
        friendly_name="vi", type="voice_integrity_information",
        attributes={"use_case": "Healthcare reminders", "business_employee_count": "0",
                    "average_business_day_call_volume": "200"})).status == 400
    bare = _product(client, VOICE_INTEGRITY_POLICY, profile)
    assert bare.trust_products_evaluations.create(policy_sid=VOICE_INTEGRITY_POLICY).status == "noncompliant"
    info = hub.end_users.create(friendly_name="vi", type="voice_integrity_information",
                                attributes={"use_case": "Healthcare reminders", "business_employee_count": "12",
                                            "average_business_day_call_volume": "200"})
    bare.trust_products_entity_assignments.create(object_sid=info.sid)
    assert bare.trust_products_evaluations.create(policy_sid=VOICE_INTEGRITY_POLICY).status == "compliant"
    bare.update(status="pending-review")
    sandbox.backend.clock.advance(timedelta(days=2))
    assert bare.fetch().status == "twilio-approved"


def test_a_marked_voice_product_is_rejected(tenant: tuple[Client, Any], sandbox: SandboxServer) -> None:
    client, account = tenant
    profile = _approved_profile_with(client, account, sandbox)
    info = client.trusthub.v1.end_users.create(
        friendly_name="vi", type="voice_integrity_information",
        attributes={"use_case": "sandbox-reject this", "business_employee_count": "3",
                    "average_business_day_call_volume": "10"})
    product = _product(client, VOICE_INTEGRITY_POLICY, profile, info)
    product.trust_products_evaluations.create(policy_sid=VOICE_INTEGRITY_POLICY)
    product.update(status="pending-review")
    sandbox.backend.clock.advance(timedelta(days=3))
    rejected = product.fetch()
    assert rejected.status == "twilio-rejected" and "use_case" in json.dumps(rejected.errors)
