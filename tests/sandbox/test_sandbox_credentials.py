"""The stand-in's credentials: Main, Standard and Restricted keys, and auth-token rotation, as strict as Twilio.

Every call goes through the contract check against the vendored IAM v1 and Accounts v1 documents."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

from provider.sandbox import SandboxServer

from ..conftest import Connect

PERMISSION = "/twilio/phone-numbers/incoming-phone-numbers/read"


class Refusal:
    def __init__(self, status: int, code: int):
        self.status, self.code = status, code


def _refusal(call: Callable[[], Any]) -> Refusal:
    """The refusal, whether the SDK raised it for a single resource or (as TwilioException) for a list page."""
    with pytest.raises(TwilioException) as raised:
        call()
    error = raised.value
    if isinstance(error, TwilioRestException):
        return Refusal(error.status, error.code)
    response = error.args[1]
    return Refusal(response.status_code, json.loads(response.text)["code"])


def _authenticates(connect: Connect, account_sid: str, secret: str, api_key: str | None = None) -> bool:
    """Can these credentials list the account's numbers?"""
    client = connect(account_sid, secret, api_key=api_key)
    try:
        client.api.v2010.accounts(account_sid).incoming_phone_numbers.list()
        return True
    except TwilioException:
        assert _refusal(lambda: client.api.v2010.accounts(account_sid).incoming_phone_numbers.list()).status == 401
        return False


@pytest.fixture
def sub(parent):  # type: ignore[no-untyped-def]
    return parent.api.v2010.accounts.create(friendly_name="tenant:keys")


def test_restricted_key_is_refused_outside_its_policy(connect: Connect, parent, sub) -> None:  # type: ignore[no-untyped-def]
    key = parent.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="crm", key_type="restricted",
                                           policy={"allow": [PERMISSION]})
    assert key.policy == {"allow": [PERMISSION]} and key.secret
    as_key = connect(sub.sid, key.secret, api_key=key.sid)
    assert as_key.api.v2010.accounts(sub.sid).incoming_phone_numbers.list() == []
    refused = _refusal(lambda: as_key.api.v2010.accounts(sub.sid).usage.triggers.list())
    assert (refused.status, refused.code) == (401, 70051)
    refused = _refusal(lambda: as_key.api.v2010.accounts(sub.sid).fetch())
    assert (refused.status, refused.code) == (401, 70051)
    fetched = parent.iam.v1.api_key(key.sid).fetch()
    assert fetched.policy == {"allow": [PERMISSION]}
    parent.iam.v1.api_key(key.sid).update(policy={"allow": [PERMISSION, "/twilio/usage/triggers/read"]})
    assert as_key.api.v2010.accounts(sub.sid).usage.triggers.list() == []


def test_standard_keys_may_not_manage_accounts_or_keys(connect: Connect, parent, sub) -> None:  # type: ignore[no-untyped-def]
    key = parent.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="crm")
    assert key.policy is None
    as_key = connect(sub.sid, key.secret, api_key=key.sid)
    assert as_key.api.v2010.accounts(sub.sid).usage.triggers.list() == []
    for call in (lambda: as_key.api.v2010.accounts(sub.sid).fetch(),
                 lambda: as_key.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="more"),
                 lambda: as_key.accounts.v1.secondary_auth_token().create()):
        refused = _refusal(call)
        assert (refused.status, refused.code) == (403, 20003)


def test_main_key_made_in_the_console_manages_accounts(sandbox: SandboxServer, connect: Connect) -> None:
    made = requests.post(f"{sandbox.base_url}/__sandbox/main-keys", json={},
                         auth=(sandbox.account_sid, sandbox.auth_token), timeout=10).json()
    as_main = connect(sandbox.account_sid, made["secret"], api_key=made["sid"])
    sub = as_main.api.v2010.accounts.create(friendly_name="tenant:by-main-key")
    key = as_main.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="crm")
    assert [k.sid for k in as_main.iam.v1.get_api_keys.list(account_sid=sub.sid)] == [key.sid]


def test_bad_policies_are_refused(parent, sub) -> None:  # type: ignore[no-untyped-def]
    keys = parent.iam.v1.new_api_key
    for kwargs in ({"key_type": "restricted"},
                   {"key_type": "restricted", "policy": {"allow": ["/twilio/everything"]}},
                   {"policy": {"allow": [PERMISSION]}},
                   {"key_type": "restricted", "policy": {"allow": [PERMISSION], "deny": []}}):
        refused = _refusal(lambda: keys.create(account_sid=sub.sid, friendly_name="x", **kwargs))
        assert refused.status == 400, kwargs
    assert parent.iam.v1.get_api_keys.list(account_sid=sub.sid) == []


def test_deleted_key_stops_authenticating_at_once(connect: Connect, parent, sub) -> None:  # type: ignore[no-untyped-def]
    key = parent.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="crm")
    assert _authenticates(connect, sub.sid, key.secret, key.sid)
    parent.iam.v1.api_key(key.sid).delete()
    assert not _authenticates(connect, sub.sid, key.secret, key.sid)


def test_keys_of_another_parent_are_out_of_reach(connect: Connect, parent, sub) -> None:  # type: ignore[no-untyped-def]
    other = parent.api.v2010.accounts.create(friendly_name="tenant:other")
    key = parent.iam.v1.new_api_key.create(account_sid=other.sid, friendly_name="crm")
    as_sub = connect(sub.sid, sub.auth_token)
    refused = _refusal(lambda: as_sub.iam.v1.api_key(key.sid).delete())
    assert refused.status == 403
    refused = _refusal(lambda: as_sub.iam.v1.new_api_key.create(account_sid=other.sid, friendly_name="x"))
    assert refused.status == 403


def test_auth_token_rotation_acts_on_the_authenticated_account(connect: Connect, parent, sub, sandbox) -> None:  # type: ignore[no-untyped-def]
    old = sub.auth_token
    as_sub = connect(sub.sid, old)
    secondary = as_sub.accounts.v1.secondary_auth_token().create()
    assert secondary.account_sid == sub.sid and secondary.secondary_auth_token != old
    # both authenticate during the overlap; the parent's token is untouched
    assert _authenticates(connect, sub.sid, old) and _authenticates(connect, sub.sid, secondary.secondary_auth_token)
    assert _authenticates(connect, sandbox.account_sid, sandbox.auth_token)
    assert _refusal(lambda: as_sub.accounts.v1.secondary_auth_token().create()).status == 400  # one at a time
    promoted = as_sub.accounts.v1.auth_token_promotion().update()
    assert promoted.auth_token == secondary.secondary_auth_token
    assert not _authenticates(connect, sub.sid, old)  # the old primary stops at once
    assert parent.api.v2010.accounts(sub.sid).fetch().auth_token == promoted.auth_token
    as_new = connect(sub.sid, promoted.auth_token)
    assert _refusal(lambda: as_new.accounts.v1.auth_token_promotion().update()).status == 404  # nothing to promote
    again = as_new.accounts.v1.secondary_auth_token().create()
    assert as_new.accounts.v1.secondary_auth_token().delete()
    assert not _authenticates(connect, sub.sid, again.secondary_auth_token)


def test_auth_token_endpoints_refuse_restricted_keys(connect: Connect, parent, sub) -> None:  # type: ignore[no-untyped-def]
    key = parent.iam.v1.new_api_key.create(account_sid=sub.sid, friendly_name="crm", key_type="restricted",
                                           policy={"allow": [PERMISSION]})
    as_key = connect(sub.sid, key.secret, api_key=key.sid)
    refused = _refusal(lambda: as_key.accounts.v1.secondary_auth_token().create())
    assert (refused.status, refused.code) == (401, 70051)
