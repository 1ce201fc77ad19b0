"""Available and incoming phone numbers in the stand-in: search, buy, configure, transfer, release."""
from __future__ import annotations

import re

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from provider.sandbox import SandboxServer
from provider.sandbox.api_v2010.models import DEMO_PARENT_NUMBERS

from ..conftest import Connect


def rest_error(call) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value


def test_search_is_deterministic_and_filtered(parent: Client) -> None:
    first = [n.phone_number for n in parent.available_phone_numbers("US").local.list(area_code="415", limit=5)]
    again = [n.phone_number for n in parent.available_phone_numbers("US").local.list(area_code="415", limit=5)]
    assert first == again and len(first) == 5
    assert all(n.startswith("+1415") for n in first)
    assert DEMO_PARENT_NUMBERS[0] not in first, "owned numbers are not offered"
    sms = parent.available_phone_numbers("US").local.list(area_code="512", sms_enabled=True, mms_enabled=True, limit=20)
    assert sms and all(n.capabilities["sms"] and n.capabilities["mms"] for n in sms)
    assert {n.locality for n in sms} == {"Austin"} and {n.region for n in sms} == {"TX"}
    contains = parent.available_phone_numbers("US").local.list(contains="555*77", limit=10)
    assert contains and all(re.search(r"555\d77", n.phone_number) for n in contains)
    keypad = parent.available_phone_numbers("US").local.list(area_code="212", contains="JKL", limit=3)
    assert keypad and all("555" in n.phone_number for n in keypad), "letters map to keypad digits"
    toll = parent.available_phone_numbers("US").toll_free.list(limit=3)
    assert all(n.phone_number[2:5] in {"800", "833", "844", "855", "866", "877", "888"} for n in toll)
    assert parent.available_phone_numbers("GB").mobile.list(limit=2)[0].phone_number.startswith("+447")
    assert parent.available_phone_numbers("US").mobile.list(limit=2) == []


def test_search_with_bad_area_code(parent: Client) -> None:
    with pytest.raises(Exception) as raised:
        parent.available_phone_numbers("GB").local.list(area_code="20", limit=2)
    assert "21451" in str(raised.value)


def test_buy_by_number_and_by_area_code(parent: Client, sandbox: SandboxServer) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:n")
    offered = parent.available_phone_numbers("US").local.list(area_code="206", voice_enabled=True, limit=1)[0]
    bought = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(
        phone_number=offered.phone_number, friendly_name="tenant:n/main", voice_url="https://crm.example.com/v",
        sms_url="https://crm.example.com/s")
    assert bought.sid.startswith("PN") and bought.account_sid == sub.sid
    assert (bought.friendly_name, bought.voice_url, bought.sms_method) == (
        "tenant:n/main", "https://crm.example.com/v", "POST")
    by_area = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(area_code="617")
    assert by_area.phone_number.startswith("+1617")
    assert by_area.friendly_name.startswith("(617) ")
    listed = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.list()
    assert {n.sid for n in listed} == {bought.sid, by_area.sid}
    assert [n.sid for n in parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.list(
        phone_number=offered.phone_number)] == [bought.sid]
    assert [n.sid for n in parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.list(
        friendly_name="tenant:n/main")] == [bought.sid]
    typed = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.local.create(phone_number="+12065550999")
    assert typed.phone_number == "+12065550999"
    with pytest.raises(TwilioRestException) as raised:
        parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.toll_free.create(phone_number="+12065550998")
    assert raised.value.code == 21422, "the typed endpoints sell only their own type"


def test_number_has_one_owner(parent: Client) -> None:
    a = parent.api.v2010.accounts.create(friendly_name="tenant:one")
    b = parent.api.v2010.accounts.create(friendly_name="tenant:two")
    parent.api.v2010.accounts(a.sid).incoming_phone_numbers.create(phone_number="+13055550200")
    error = rest_error(lambda: parent.api.v2010.accounts(b.sid).incoming_phone_numbers.create(
        phone_number="+13055550200"))
    assert (error.status, error.code) == (400, 21422)
    error = rest_error(lambda: parent.api.v2010.accounts(b.sid).incoming_phone_numbers.create(
        phone_number="+19995550000"))
    assert error.code == 21422, "not in the inventory"
    error = rest_error(lambda: parent.api.v2010.accounts(b.sid).incoming_phone_numbers.create(area_code="999"))
    assert error.code == 21451


def test_update_every_webhook_field_in_one_post(parent: Client, sandbox: SandboxServer) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:w")
    number = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(phone_number="+14045550300")
    before = sandbox.backend.last_seq
    updated = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).update(
        friendly_name="tenant:w/main", voice_url="https://a.example.com/v", voice_method="GET",
        voice_fallback_url="https://a.example.com/vf", voice_fallback_method="GET",
        sms_url="https://a.example.com/s", sms_method="GET", sms_fallback_url="https://a.example.com/sf",
        sms_fallback_method="GET", status_callback="https://a.example.com/st", status_callback_method="GET")
    assert len(sandbox.backend.requests(before)) == 1
    fetched = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).fetch()
    for instance in (updated, fetched):
        assert (instance.voice_url, instance.voice_method, instance.voice_fallback_url,
                instance.voice_fallback_method, instance.sms_url, instance.sms_method, instance.sms_fallback_url,
                instance.sms_fallback_method, instance.status_callback, instance.status_callback_method,
                instance.friendly_name) == (
            "https://a.example.com/v", "GET", "https://a.example.com/vf", "GET", "https://a.example.com/s", "GET",
            "https://a.example.com/sf", "GET", "https://a.example.com/st", "GET", "tenant:w/main")


def test_transfer_in_place_with_parent_credentials(parent: Client, connect: Connect,
                                                   sandbox: SandboxServer) -> None:
    a = parent.api.v2010.accounts.create(friendly_name="tenant:from")
    b = parent.api.v2010.accounts.create(friendly_name="tenant:to")
    demo = parent.incoming_phone_numbers.list(phone_number=DEMO_PARENT_NUMBERS[0])[0]
    moved = parent.api.v2010.accounts(sandbox.account_sid).incoming_phone_numbers(demo.sid).update(account_sid=a.sid)
    assert (moved.sid, moved.account_sid, moved.phone_number) == (demo.sid, a.sid, DEMO_PARENT_NUMBERS[0])
    moved = parent.api.v2010.accounts(a.sid).incoming_phone_numbers(demo.sid).update(account_sid=b.sid)
    assert moved.account_sid == b.sid and moved.sid == demo.sid, "same SID: transferred, never re-bought"
    assert parent.api.v2010.accounts(a.sid).incoming_phone_numbers.list() == []

    as_b = connect(b.sid, b.auth_token)
    error = rest_error(lambda: as_b.api.v2010.accounts(b.sid).incoming_phone_numbers(demo.sid).update(
        account_sid=a.sid))
    assert error.code == 21474, "transfers need the parent's credentials"
    stranger = "AC" + "f" * 32
    error = rest_error(lambda: parent.api.v2010.accounts(b.sid).incoming_phone_numbers(demo.sid).update(
        account_sid=stranger))
    assert error.code == 21473


def test_release_returns_number_to_inventory(parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:r")
    number = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(phone_number="+16195550400")
    assert parent.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).delete() is True
    error = rest_error(lambda: parent.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).fetch())
    assert (error.status, error.code) == (404, 20404)
    assert [n.phone_number for n in parent.available_phone_numbers("US").local.list(
        contains="6195550400", limit=1)] == ["+16195550400"]


def test_number_of_another_account_is_not_found(parent: Client) -> None:
    a = parent.api.v2010.accounts.create(friendly_name="tenant:x1")
    b = parent.api.v2010.accounts.create(friendly_name="tenant:x2")
    number = parent.api.v2010.accounts(a.sid).incoming_phone_numbers.create(phone_number="+15035550500")
    error = rest_error(lambda: parent.api.v2010.accounts(b.sid).incoming_phone_numbers(number.sid).fetch())
    assert error.status == 404


def test_the_phone_number_filter_matches_partially_as_twilio_does(parent: Client) -> None:
    """`PhoneNumber=415` lists every number containing 415; `*` stands for any one digit."""
    numbers = parent.api.v2010.accounts(parent.account_sid).incoming_phone_numbers
    owned = {n.phone_number for n in numbers.list()}
    assert set(DEMO_PARENT_NUMBERS) <= owned
    assert {n.phone_number for n in numbers.list(phone_number="555")} >= set(DEMO_PARENT_NUMBERS)
    assert {n.phone_number for n in numbers.list(phone_number="415")} == {p for p in owned if "415" in p[1:]}
    assert {n.phone_number for n in numbers.list(phone_number="+1415555010")} == {"+14155550100"}, "a prefix"
    assert {n.phone_number for n in numbers.list(phone_number="41*5550")} == {"+14155550100"}
    assert numbers.list(phone_number="+19998887777") == []


def test_regulated_numbers_need_a_bundle_or_an_address_as_at_twilio(parent: Client, sandbox: SandboxServer) -> None:
    gb = parent.available_phone_numbers("GB").mobile.list(limit=1)[0].phone_number
    de = parent.available_phone_numbers("DE").local.list(limit=1)[0].phone_number
    numbers = parent.incoming_phone_numbers
    assert rest_error(lambda: numbers.create(phone_number=gb)).code == 21649
    assert rest_error(lambda: numbers.create(phone_number=gb, bundle_sid="BU" + "0" * 32)).code == 21649
    assert rest_error(lambda: numbers.create(phone_number=de)).code == 21631
    assert not [n for n in sandbox.backend.numbers.values() if n.phone_number in (gb, de)], "nothing was sold"
