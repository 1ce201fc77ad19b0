"""The dynamic providers through the real provider server (`python -m pulumi.dynamic`), against the stand-in,
with every request checked against Twilio's OpenAPI spec on the wire."""
from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from provider.localengine import ApplyError, ProviderCallError, ProviderServer
from provider.resources import PhoneNumberArgs, SubaccountArgs, phone_number, subaccount
from provider.sandbox import SandboxServer
from provider.sandbox.api_v2010.models import DEMO_PARENT_NUMBERS

from ..support.contract import ContractChecker
from ..support.contract_proxy import ContractProxy
from ..support.providers_kit import PROVIDERS, NumberSpec, TenantSpec, World, urn

HOOKS = {"voice_url": "https://crm.example.com/v", "sms_url": "https://crm.example.com/s"}


@pytest.fixture
def world(sandbox: SandboxServer, contract: ContractChecker) -> Iterator[World]:
    proxy = ContractProxy(sandbox.base_url, contract).start()
    server = ProviderServer()
    server.configure({"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                      "twilio:apiBaseUrl": proxy.base_url, "twilio:httpTimeoutSeconds": "2"})
    world = World(sandbox, proxy, server)
    try:
        yield world
    finally:
        server.close()
        world.server.close()  # a test may have swapped in a new provider process
        proxy.stop()


def pharmacy(**overrides) -> TenantSpec:
    spec = TenantSpec("pharmacy-a", numbers=[NumberSpec("main", search={
        "country": "US", "type": "local", "area_code": "415", "capabilities": ["voice", "sms"]}, webhooks=HOOKS)],
        api_key=True, budget_usd="150.00")
    for key, value in overrides.items():
        setattr(spec, key, value)
    return spec


def test_create_then_second_apply_makes_zero_writes(world: World) -> None:
    world.apply([pharmacy()])
    backend = world.sandbox.backend
    sub = world.outputs("Subaccount", "pharmacy-a")
    assert backend.accounts[sub["sid"]].friendly_name == "tenant:pharmacy-a"
    number = world.outputs("PhoneNumber", "pharmacy-a-main")
    assert backend.numbers[number["sid"]].account_sid == sub["sid"]
    assert backend.numbers[number["sid"]].voice_url == HOOKS["voice_url"]
    assert backend.numbers[number["sid"]].friendly_name == "tenant:pharmacy-a/main"
    assert [k.account_sid for k in backend.keys.values()] == [sub["sid"]]
    assert [t.trigger_value for t in backend.triggers.values()] == ["150.00"]
    before = backend.last_seq
    engine = world.apply([pharmacy()])
    assert world.writes_since(before) == [], "a no-op apply writes nothing"
    assert backend.last_seq == before, "and, with nothing to refresh, reads nothing either"
    assert {s.op for s in engine.steps} == {"same"}
    checker = world.proxy.checker
    assert checker.checked_requests >= 5 and checker.checked_responses >= 5, "the spec judged every call"


def test_webhook_change_is_one_post(world: World) -> None:
    world.apply([pharmacy()])
    before = world.sandbox.backend.last_seq
    changed = pharmacy(numbers=[NumberSpec("main", search=pharmacy().numbers[0].search,
                                           webhooks={**HOOKS, "voice_url": "https://crm.example.com/v2"})])
    world.apply([changed])
    calls = world.sandbox.backend.requests(before)
    assert [(r.method, r.status) for r in calls] == [("POST", 200)]
    number = world.outputs("PhoneNumber", "pharmacy-a-main")
    assert world.sandbox.backend.numbers[number["sid"]].voice_url == "https://crm.example.com/v2"


def test_removing_a_webhook_clears_it(world: World) -> None:
    world.apply([pharmacy()])
    world.apply([pharmacy(numbers=[NumberSpec("main", search=pharmacy().numbers[0].search,
                                              webhooks={"voice_url": HOOKS["voice_url"]})])])
    number = world.outputs("PhoneNumber", "pharmacy-a-main")
    assert world.sandbox.backend.numbers[number["sid"]].sms_url == ""


def test_adopt_and_move_a_number_between_tenants_in_place(world: World) -> None:
    demo = DEMO_PARENT_NUMBERS[0]
    backend = world.sandbox.backend
    demo_sid = backend.number_by_e164[demo]
    a = TenantSpec("tenant-a", numbers=[NumberSpec("main", number=demo, webhooks=HOOKS)])
    b = TenantSpec("tenant-b")
    world.apply([a, b])
    sub_a = world.outputs("Subaccount", "tenant-a")["sid"]
    assert backend.numbers[demo_sid].account_sid == sub_a, "transferred from the parent, same SID"
    before = backend.last_seq
    world.apply([TenantSpec("tenant-a"), TenantSpec("tenant-b", numbers=[NumberSpec("main", number=demo,
                                                                                   webhooks=HOOKS)])])
    sub_b = world.outputs("Subaccount", "tenant-b")["sid"]
    writes = world.writes_since(before)
    assert [(w.method, w.path) for w in writes] == [
        ("POST", f"/2010-04-01/Accounts/{sub_a}/IncomingPhoneNumbers/{demo_sid}.json")], "one transfer"
    assert backend.numbers[demo_sid].account_sid == sub_b and backend.numbers[demo_sid].friendly_name == \
        "tenant:tenant-b/main"
    assert not any(r.method == "DELETE" for r in backend.requests(before)), "never released"


def test_suspend_reactivate_and_close(world: World) -> None:
    world.apply([pharmacy()])
    sid = world.outputs("Subaccount", "pharmacy-a")["sid"]
    backend = world.sandbox.backend
    world.apply([pharmacy(status="suspended")])
    assert backend.accounts[sid].status == "suspended"
    world.apply([pharmacy(status="active")])
    assert backend.accounts[sid].status == "active"
    world.apply([pharmacy(status="closed")])
    assert backend.accounts[sid].status == "closed"
    assert not [n for n in backend.numbers.values() if n.account_sid == sid], "Twilio released them on close"
    with pytest.raises(ApplyError) as raised:
        world.apply([pharmacy(status="active")], preview=True)
    assert "closing is final" in str(raised.value), "refused already in preview, by check"


def test_deleting_an_open_tenant_is_refused(world: World) -> None:
    world.apply([pharmacy(numbers=[], api_key=False, budget_usd=None)])
    with pytest.raises(ApplyError) as raised:
        world.apply([])
    assert "protected" in str(raised.value)
    sid = world.outputs("Subaccount", "pharmacy-a")["sid"]
    assert world.sandbox.backend.accounts[sid].status == "active"


def test_provider_delete_never_closes(world: World) -> None:
    world.apply([pharmacy(numbers=[], api_key=False, budget_usd=None)])
    resource = world.state.resources[urn("Subaccount", "pharmacy-a")]
    before = world.sandbox.backend.last_seq
    world.server.delete(resource.urn, resource.id, resource.outputs)
    assert world.sandbox.backend.requests(before) == []
    assert world.sandbox.backend.accounts[resource.id].status == "active"


def test_removing_a_number_entry_releases_it_and_preview_says_so(world: World) -> None:
    world.apply([pharmacy()])
    sid = world.outputs("PhoneNumber", "pharmacy-a-main")["sid"]
    before = world.sandbox.backend.last_seq
    preview = world.apply([pharmacy(numbers=[])], preview=True)
    assert ("delete", urn("PhoneNumber", "pharmacy-a-main")) in [(s.op, s.urn) for s in preview.steps]
    assert world.sandbox.backend.requests(before) == [], "preview (check and diff) calls Twilio not at all"
    world.apply([pharmacy(numbers=[])])
    assert sid not in world.sandbox.backend.numbers


def test_refresh_reports_drift_and_outside_deletes(world: World, parent) -> None:
    world.apply([pharmacy()])
    number = world.outputs("PhoneNumber", "pharmacy-a-main")
    sub = world.outputs("Subaccount", "pharmacy-a")
    parent.api.v2010.accounts(sub["sid"]).incoming_phone_numbers(number["sid"]).update(
        voice_url="https://evil.example.com/x")
    parent.api.v2010.accounts(sub["sid"]).keys(world.outputs("ApiKey", "pharmacy-a/key-crm-g1")["sid"]).delete()
    before = world.sandbox.backend.last_seq
    engine = world.engine()
    steps = {s.urn: s for s in engine.refresh()}
    refresh_calls = world.sandbox.backend.requests(before)
    assert all(r.method == "GET" for r in refresh_calls)
    assert len(refresh_calls) == len(world.state.resources) + 1, "1 GET per resource (one of them is gone)"
    assert steps[urn("ApiKey", "pharmacy-a/key-crm-g1")].op == "gone"
    assert steps[urn("PhoneNumber", "pharmacy-a-main")].detail == "drift"
    assert world.outputs("PhoneNumber", "pharmacy-a-main")["webhooks"]["voice_url"] == "https://evil.example.com/x"
    world.apply([pharmacy()])  # heals both
    assert world.sandbox.backend.numbers[number["sid"]].voice_url == HOOKS["voice_url"]
    assert len([k for k in world.sandbox.backend.keys.values() if k.account_sid == sub["sid"]]) == 1


def test_adopt_after_crash_never_duplicates(world: World) -> None:
    world.apply([pharmacy()])
    backend = world.sandbox.backend
    accounts, numbers = len(backend.accounts), len(backend.numbers)
    world.state.resources.clear()  # the engine crashed after Twilio answered, before it wrote state
    fresh = ProviderServer()  # and a new provider process, as a new `pulumi up` would start
    fresh.configure({"twilio:accountSid": world.sandbox.account_sid, "twilio:authToken": world.sandbox.auth_token,
                     "twilio:apiBaseUrl": world.proxy.base_url})
    world.server.close()
    world.server = fresh
    world.apply([pharmacy()])
    assert len(backend.accounts) == accounts, "the subaccount was found by its friendly name"
    assert len(backend.numbers) == numbers, "the bought number was found by its friendly name: not bought twice"
    assert len(backend.keys) == 1, "the orphaned key (secret lost) was revoked and replaced"
    assert len(backend.triggers) == 1


def test_check_failures_are_clear(world: World) -> None:
    entry = PhoneNumberArgs(account_sid="AC" + "0" * 32, friendly_name="x", number="4155550100",
                            webhooks={"voice_method": "PUT"})
    inputs = {"__provider": PROVIDERS["PhoneNumber"], **entry.as_props()}
    _, failures = world.server.check(urn("PhoneNumber", "x"), {}, inputs)
    reasons = dict(failures)
    assert "not an E.164 number" in reasons["number"] and "GET or POST" in reasons["webhooks"]


def test_no_credential_in_serialized_provider_or_plain_outputs(world: World) -> None:
    world.apply([pharmacy()])
    token = world.sandbox.auth_token
    for serialized in PROVIDERS.values():
        assert token.encode() not in base64.b64decode(serialized)
        assert world.sandbox.account_sid.encode() not in base64.b64decode(serialized)
    secrets = {"auth_token", "secret"}
    for resource in world.state.resources.values():
        plain = {k: v for k, v in resource.outputs.items() if k not in secrets}
        assert token not in json.dumps(plain)
    sub_token = world.outputs("Subaccount", "pharmacy-a")["auth_token"]
    key_secret = world.outputs("ApiKey", "pharmacy-a/key-crm-g1")["secret"]
    everything_plain = json.dumps([{k: v for k, v in r.outputs.items() if k not in secrets}
                                   for r in world.state.resources.values()])
    assert sub_token not in everything_plain and key_secret not in everything_plain


def test_errors_and_provider_logs_carry_no_credential(world: World, parent) -> None:
    world.apply([pharmacy()])
    sid = world.outputs("Subaccount", "pharmacy-a")["sid"]
    parent.api.v2010.accounts(sid).update(status="suspended")  # outside Pulumi: writes will now be refused
    with pytest.raises(ProviderCallError) as raised:
        world.apply([pharmacy(numbers=[])])
    assert "is not active" in raised.value.message
    secrets = [world.sandbox.auth_token, world.outputs("Subaccount", "pharmacy-a")["auth_token"]]
    for text in (raised.value.details, world.server.stderr_text()):
        assert not any(secret in text for secret in secrets)


def test_missing_credentials_error_is_clear(sandbox: SandboxServer) -> None:
    with ProviderServer(env={"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}) as server:
        server.configure({})
        props = {"__provider": PROVIDERS["Subaccount"], "tenant_id": "x", "friendly_name": "tenant:x",
                 "status": "active", "adopt_sid": None, "sid": None, "auth_token": None, "owner_account_sid": None}
        with pytest.raises(ProviderCallError) as raised:
            server.create(urn("Subaccount", "x"), props)
        assert "twilio:authToken" in raised.value.message and "pulumi config set --secret" in raised.value.message


def test_adopt_an_existing_subaccount_and_number_by_sid(world: World, parent) -> None:
    backend = world.sandbox.backend
    legacy = parent.api.v2010.accounts.create(friendly_name="Legacy Pharmacy Co")
    owned = parent.api.v2010.accounts(legacy.sid).incoming_phone_numbers.create(phone_number="+16175550444")
    accounts, numbers = len(backend.accounts), len(backend.numbers)
    engine = world.engine()
    adopted = SubaccountArgs(tenant_id="legacy", friendly_name="tenant:legacy", status="active",
                             adopt_sid=legacy.sid)
    sub = engine.register(urn("Subaccount", "legacy"), "Subaccount", {
        "__provider": PROVIDERS["Subaccount"], **adopted.with_outputs(*subaccount.OUTPUTS)})
    entry = PhoneNumberArgs(account_sid=sub["sid"], friendly_name="tenant:legacy/main", number="+16175550444",
                            adopt_sid=owned.sid, webhooks=HOOKS)
    number = engine.register(urn("PhoneNumber", "number-+16175550444"), "PhoneNumber", {
        "__provider": PROVIDERS["PhoneNumber"], **entry.with_outputs(*phone_number.OUTPUTS)})
    assert (sub["sid"], number["sid"]) == (legacy.sid, owned.sid), "adopted, not created"
    assert (len(backend.accounts), len(backend.numbers)) == (accounts, numbers)
    assert backend.accounts[legacy.sid].friendly_name == "tenant:legacy", "renamed so later runs find it by name"
    assert backend.numbers[owned.sid].voice_url == HOOKS["voice_url"]
    with pytest.raises(ProviderCallError) as raised:
        stranger = SubaccountArgs(tenant_id="stranger", friendly_name="tenant:stranger", status="active",
                                  adopt_sid="AC" + "e" * 32)
        engine.register(urn("Subaccount", "stranger"), "Subaccount", {
            "__provider": PROVIDERS["Subaccount"], **stranger.with_outputs(*subaccount.OUTPUTS)})
    assert "find subaccount" in raised.value.message and "404" in raised.value.message


def test_thousands_of_resources_serialize_without_recursion() -> None:
    """Pulumi's serialize_provider stacks a wrapper on pickle per call; ours must survive a big program."""
    import dill
    from pulumi.dynamic.dynamic import serialize_provider

    from provider.resources import PhoneNumberProvider, SubaccountProvider

    for _ in range(3000):
        serialized = serialize_provider(SubaccountProvider())
    assert serialized == PROVIDERS["Subaccount"], "deterministic: the same bytes every time"
    assert isinstance(dill.loads(base64.b64decode(serialize_provider(PhoneNumberProvider()))), PhoneNumberProvider)


def test_removing_an_open_tenant_stops_at_its_status_step_before_anything_is_released(world: World) -> None:
    """`pulumi up` deletes a removed tenant's resources dependents first, and protect refuses only when it reaches
    the subaccount, last. The status step depends on everything of the tenant, so it is deleted first: it refuses."""
    world.apply([pharmacy()])
    status = world.state.resources[urn("SubaccountStatus", "pharmacy-a")]
    before = world.sandbox.backend.last_seq
    with pytest.raises(ProviderCallError) as raised:
        world.server.delete(status.urn, status.id, status.outputs)
    assert "Nothing was released" in raised.value.message and "status: closed" in raised.value.message
    assert world.writes_since(before) == []
    world.apply([pharmacy(status="closed")])
    closed = world.state.resources[urn("SubaccountStatus", "pharmacy-a")]
    world.server.delete(closed.urn, closed.id, closed.outputs)  # offboarding's second step is allowed


def test_a_number_lookup_takes_only_the_exact_number_never_a_partial_match(world: World) -> None:
    """Twilio's PhoneNumber filter is partial: asking for +1415555010 also lists +14155550100 (the parent's)."""
    before = world.sandbox.backend.last_seq
    with pytest.raises((ApplyError, ProviderCallError)) as raised:
        world.apply([TenantSpec("pharmacy-p", numbers=[NumberSpec("main", number="+1415555010")])])
    assert "+1415555010 is not in the tenant's subaccount" in str(raised.value)
    moved = [w for w in world.writes_since(before) if "IncomingPhoneNumbers" in w.path]
    assert moved == [], "the parent's +14155550100 was not taken instead"
    assert world.sandbox.backend.numbers[next(s for s, n in world.sandbox.backend.numbers.items()
                                              if n.phone_number == "+14155550100")].account_sid == \
        world.sandbox.account_sid
