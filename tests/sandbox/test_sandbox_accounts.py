"""Accounts and Twilio's auth model in the stand-in, through the official SDK."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from provider.sandbox import SandboxServer

from ..conftest import Connect


def rest_error(call) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as raised:
        call()
    return raised.value


def test_create_fetch_list_and_filter_subaccounts(parent: Client, sandbox: SandboxServer) -> None:
    a = parent.api.v2010.accounts.create(friendly_name="tenant:alpha")
    b = parent.api.v2010.accounts.create(friendly_name="tenant:beta")
    assert a.sid.startswith("AC") and len(a.sid) == 34 and a.sid != b.sid
    assert a.owner_account_sid == sandbox.account_sid and a.status == "active"
    assert a.auth_token and a.auth_token != b.auth_token != sandbox.auth_token, "each account has its own token"
    assert parent.api.v2010.accounts(a.sid).fetch().friendly_name == "tenant:alpha"
    names = {acc.friendly_name for acc in parent.api.v2010.accounts.list()}
    assert names == {"Sandbox parent account", "Legacy Pharmacy Co", "tenant:alpha", "tenant:beta"}
    assert [acc.sid for acc in parent.api.v2010.accounts.list(friendly_name="tenant:beta")] == [b.sid]
    parent.api.v2010.accounts(b.sid).update(status="suspended")
    assert [acc.sid for acc in parent.api.v2010.accounts.list(status="suspended")] == [b.sid]
    assert a.date_created.year == 2026


def test_rename_and_status_cycle(parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:gamma")
    assert parent.api.v2010.accounts(sub.sid).update(friendly_name="tenant:gamma2").friendly_name == "tenant:gamma2"
    assert parent.api.v2010.accounts(sub.sid).update(status="suspended").status == "suspended"
    assert parent.api.v2010.accounts(sub.sid).update(status="active").status == "active"


def test_closed_is_final_and_releases_numbers(parent: Client, sandbox: SandboxServer) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:delta")
    number = parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(phone_number="+14155550150")
    assert parent.api.v2010.accounts(sub.sid).update(status="closed").status == "closed"
    for change in ({"status": "active"}, {"status": "suspended"}, {"friendly_name": "again"}):
        error = rest_error(lambda: parent.api.v2010.accounts(sub.sid).update(**change))
        assert (error.status, error.code) == (400, 21479)
    assert parent.api.v2010.accounts(sub.sid).fetch().status == "closed"
    assert parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.list() == []
    assert number.sid not in sandbox.backend.numbers
    available = parent.available_phone_numbers("US").local.list(contains="4155550150", limit=5)
    assert [n.phone_number for n in available] == ["+14155550150"], "released back to the inventory"


def test_parent_status_cannot_change(parent: Client, sandbox: SandboxServer) -> None:
    error = rest_error(lambda: parent.api.v2010.accounts(sandbox.account_sid).update(status="suspended"))
    assert error.code == 21477


def test_subaccount_credentials_act_only_on_themselves(connect: Connect, parent: Client,
                                                       sandbox: SandboxServer) -> None:
    a = parent.api.v2010.accounts.create(friendly_name="tenant:a")
    b = parent.api.v2010.accounts.create(friendly_name="tenant:b")
    as_a = connect(a.sid, a.auth_token)
    assert as_a.api.v2010.accounts(a.sid).fetch().sid == a.sid
    assert [acc.sid for acc in as_a.api.v2010.accounts.list()] == [a.sid]
    for target in (b.sid, sandbox.account_sid):
        error = rest_error(lambda: as_a.api.v2010.accounts(target).fetch())
        assert (error.status, error.code) == (403, 20003)
        error = rest_error(lambda: as_a.api.v2010.accounts(target).incoming_phone_numbers.create(
            phone_number="+14155550160"))
        assert (error.status, error.code) == (403, 20003)
    error = rest_error(lambda: as_a.api.v2010.accounts.create(friendly_name="nested"))
    assert error.status == 403
    error = rest_error(lambda: as_a.api.v2010.accounts(a.sid).update(status="closed"))
    assert error.status == 403, "only the parent changes a subaccount's status"


def test_suspended_and_closed_credentials_are_refused(connect: Connect, parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:s")
    as_sub = connect(sub.sid, sub.auth_token)
    parent.api.v2010.accounts(sub.sid).update(status="suspended")
    error = rest_error(lambda: as_sub.api.v2010.accounts(sub.sid).fetch())
    assert (error.status, error.code) == (401, 20005)
    error = rest_error(lambda: parent.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(
        phone_number="+14155550170"))
    assert (error.status, error.code) == (403, 20005), "nothing is bought into a suspended subaccount"
    parent.api.v2010.accounts(sub.sid).update(status="active")
    assert as_sub.api.v2010.accounts(sub.sid).fetch().status == "active"
    parent.api.v2010.accounts(sub.sid).update(status="closed")
    error = rest_error(lambda: as_sub.api.v2010.accounts(sub.sid).fetch())
    assert (error.status, error.code) == (401, 20003)


def test_wrong_credentials(connect: Connect, sandbox: SandboxServer) -> None:
    bad = connect(sandbox.account_sid, "0" * 32)
    error = rest_error(lambda: bad.api.v2010.accounts(sandbox.account_sid).fetch())
    assert (error.status, error.code) == (401, 20003)
    with pytest.raises(TwilioException):  # list failures surface as TwilioException, not TwilioRestException
        bad.api.v2010.accounts.list()


def test_standard_api_keys(connect: Connect, parent: Client) -> None:
    sub = parent.api.v2010.accounts.create(friendly_name="tenant:k")
    key = parent.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="crm")
    as_key = connect(key.sid, key.secret)
    # a standard key may use the account's resources...
    number = as_key.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(phone_number="+14155550180")
    assert number.account_sid == sub.sid
    # ...but not /Accounts or /Keys
    for call in (lambda: as_key.api.v2010.accounts(sub.sid).fetch(),
                 lambda: as_key.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="x")):
        assert rest_error(call).status == 403
    bad_secret = connect(key.sid, "wrong")
    assert rest_error(lambda: bad_secret.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).fetch()
                      ).status == 401
