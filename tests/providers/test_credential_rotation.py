"""Credential lifecycle as the team runs it: reviewed file changes, engine-less `up` (providers in the real provider
server), and at every step the stand-in proves which credentials authenticate and what the CRM read-out hands out.
A run killed at each Twilio write of a rotation resumes without a second key and without losing a secret."""
from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from provider.crm import TenantCredentials, tenant_credentials
from provider.localengine import ApplyError, ProviderCallError
from provider.localengine.deploy import deploy, state_path
from provider.localengine.stack_lock import lock_path
from provider.sandbox import SandboxServer
from provider.sandbox.api_v2010.models import Principal
from provider.stackfiles import write_stack_file
from provider.twilio_api import make_client

from ..engine.test_engine_safety import clear_secrets_in, live_secrets, spawn_up
from ..support.cli import tenantctl
from ..support.projects import PASSPHRASE

REFUSED = (ApplyError, ProviderCallError)  # a refusal in a plan step, or in a provider call
NUMBERS = "/twilio/phone-numbers/incoming-phone-numbers/read"
HEAD = """\
id: alpha
display_name: Alpha
status: active
"""


@pytest.fixture
def project(tmp_path: Path, sandbox: SandboxServer) -> Iterator[Path]:
    (tmp_path / "tenants").mkdir()
    write_stack_file(tmp_path / "Pulumi.test.yaml",
                     {"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                      "twilio:apiBaseUrl": sandbox.base_url}, {"twilio:authToken"}, PASSPHRASE)
    yield tmp_path


def write(project: Path, body: str) -> None:
    (project / "tenants" / "alpha.yaml").write_text(HEAD + body)


def up(project: Path, action: str = "up"):  # type: ignore[no-untyped-def]
    return deploy(action, root=project, stack="test", passphrase=PASSPHRASE)


def creds(project: Path) -> TenantCredentials:
    return tenant_credentials("alpha", "test", source="local", work_dir=project, passphrase=PASSPHRASE)


def works(sandbox: SandboxServer, account: str, secret: str, api_key: str | None = None) -> bool:
    """Do these credentials authenticate (and may they read the account's numbers)?"""
    client = make_client(account, secret, sandbox.base_url, api_key=api_key)
    try:
        client.api.v2010.accounts(account).incoming_phone_numbers.list()
        return True
    except Exception:
        return False


def key(name: str, generation: int, keep_previous: bool = False, permissions: str = NUMBERS) -> str:
    return (f"api_keys:\n  - name: {name}\n    permissions: [{permissions}]\n    generation: {generation}\n"
            + ("    keep_previous: true\n" if keep_previous else ""))


def tenant_keys(sandbox: SandboxServer) -> list[str]:
    return sorted(k.friendly_name for k in sandbox.backend.keys.values() if k.friendly_name.startswith("tenant:"))


def test_key_rotation_runs_through_its_steps(project: Path, sandbox: SandboxServer) -> None:
    write(project, key("crm", 1))
    up(project)
    first = creds(project).keys_named("crm")
    assert [(k.generation, k.role) for k in first] == [(1, "current")]
    account = creds(project).account_sid
    assert works(sandbox, account, first[0].secret, first[0].sid)
    assert sandbox.backend.keys[first[0].sid].key_type == "restricted"

    write(project, key("crm", 2, keep_previous=True))  # step 1: the overlap
    preview = up(project, "preview")
    assert {s.op for s in preview.steps if "ApiKey" in s.urn} >= {"create", "update"}
    up(project)
    both = creds(project).keys_named("crm")
    assert [(k.generation, k.role) for k in both] == [(2, "current"), (1, "previous")], "new first"
    assert all(works(sandbox, account, k.secret, k.sid) for k in both)
    assert creds(project).api_key_sid == both[0].sid
    env = creds(project).as_env()
    assert (env["TWILIO_API_KEY"], env["TWILIO_API_KEY_PREVIOUS"]) == (both[0].sid, both[1].sid)

    write(project, key("crm", 2))  # step 2: the overlap ends, the old key goes
    up(project)
    assert [k.sid for k in creds(project).keys_named("crm")] == [both[0].sid]
    assert not works(sandbox, account, both[1].secret, both[1].sid), "deleted keys stop at once"
    assert works(sandbox, account, both[0].secret, both[0].sid)
    assert tenant_keys(sandbox) == ["tenant:alpha/crm-g2"]


def test_a_key_still_handed_to_the_crm_is_never_deleted(project: Path, sandbox: SandboxServer) -> None:
    write(project, key("crm", 1))
    up(project)
    current = creds(project).keys_named("crm")[0]
    write(project, key("crm", 2))  # bumped without keep_previous: the CRM has not got the new key yet
    with pytest.raises(REFUSED) as refused:
        up(project)
    assert "refusing to delete API key" in str(refused.value) and "keep_previous" in str(refused.value)
    assert works(sandbox, creds(project).account_sid, current.secret, current.sid)
    write(project, "")  # the whole entry removed: refused too
    with pytest.raises(REFUSED):
        up(project)
    assert works(sandbox, creds(project).account_sid, current.secret, current.sid)


def test_retiring_then_removing_a_key(project: Path, sandbox: SandboxServer) -> None:
    write(project, "api_key: true\n")
    up(project)
    current = creds(project).keys_named("crm")[0]
    write(project, "api_keys:\n  - name: crm\n    retired: true\n")
    up(project)
    assert creds(project).keys_named("crm") == [] and creds(project).api_key_sid is None
    assert works(sandbox, creds(project).account_sid, current.secret, current.sid), "retired, not yet deleted"
    write(project, "")
    up(project)
    assert tenant_keys(sandbox) == []


def test_a_key_cannot_turn_restricted_in_place(project: Path) -> None:
    write(project, "api_keys:\n  - name: crm\n")
    up(project)
    write(project, key("crm", 1))
    with pytest.raises(REFUSED) as refused:
        up(project, "preview")
    assert "cannot change between standard and restricted" in str(refused.value)


def token_block(rotation: str, step: str) -> str:
    return f"auth_token:\n  rotation: {rotation}\n  step: {step}\n"


def signature(token: str, url: str, params: dict[str, str]) -> str:
    return RequestValidator(token).compute_signature(url, params)


def test_auth_token_rotation_runs_through_its_two_steps(project: Path, sandbox: SandboxServer) -> None:
    write(project, "")
    up(project)
    account, old = creds(project).account_sid, creds(project).auth_token
    assert works(sandbox, account, old)

    write(project, token_block("2026-11", "secondary"))
    up(project)
    during = creds(project)
    assert during.auth_token == old and during.auth_token_secondary not in (None, old)
    assert during.auth_tokens == [old, during.auth_token_secondary]
    assert works(sandbox, account, old) and works(sandbox, account, during.auth_token_secondary)
    assert works(sandbox, sandbox.account_sid, sandbox.auth_token), "the parent's own token is untouched"
    url, params = "https://crm.example.com/twilio/alpha/sms", {"From": "+15005550006", "Body": "hi"}
    assert during.valid_webhook_signature(url, params, signature(old, url, params)), "Twilio signs with primary"
    assert during.valid_webhook_signature(url, params, signature(during.auth_token_secondary, url, params))
    assert during.as_env()["TWILIO_AUTH_TOKEN_SECONDARY"] == during.auth_token_secondary

    write(project, token_block("2026-11", "promoted"))
    up(project)
    after = creds(project)
    assert after.auth_token == during.auth_token_secondary and after.auth_token_secondary is None
    assert not works(sandbox, account, old), "the old primary stops at once"
    assert works(sandbox, account, after.auth_token)
    assert not after.valid_webhook_signature(url, params, signature(old, url, params))
    assert after.valid_webhook_signature(url, params, signature(after.auth_token, url, params))

    write(project, "")  # forgetting the record of the current token is refused
    with pytest.raises(REFUSED) as refused:
        up(project)
    assert "Keep the auth_token block" in str(refused.value)
    write(project, token_block("2027-05", "secondary"))  # the next rotation starts from the new token
    up(project)
    assert creds(project).auth_tokens[0] == after.auth_token and works(sandbox, account, after.auth_token)


def test_rotation_steps_are_refused_out_of_order(project: Path, sandbox: SandboxServer) -> None:
    write(project, token_block("2026-11", "promoted"))
    with pytest.raises(REFUSED) as refused:
        up(project, "preview")
    assert "must start at `step: secondary`" in str(refused.value)
    write(project, token_block("2026-11", "secondary"))
    up(project)
    write(project, token_block("2027-01", "secondary"))
    with pytest.raises(REFUSED) as refused:
        up(project, "preview")
    assert "halfway" in str(refused.value)
    write(project, "")  # abandoning halfway: the secondary goes, the primary stays
    up(project)
    assert creds(project).auth_token_secondary is None
    assert sandbox.backend.accounts[creds(project).account_sid].secondary_auth_token is None


def _kill_when(project: Path, sandbox: SandboxServer, method: str, path_part: str) -> None:
    """Run `tenantctl local up` and kill it the moment the stand-in has answered the given write."""
    since = sandbox.backend.last_seq
    process = spawn_up(project)
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if any(r.method == method and path_part in r.path and r.status < 300
                   for r in sandbox.backend.requests(since)):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        else:
            raise AssertionError(f"the run never sent {method} …{path_part}…")
    finally:
        process.kill()
        process.communicate(timeout=30)
        lock_path(state_path(project, "test")).unlink(missing_ok=True)  # the dead run's lock, cleared on purpose


@pytest.mark.slow
def test_a_rotation_killed_at_each_write_resumes_cleanly(project: Path, sandbox: SandboxServer) -> None:
    write(project, key("crm", 1))
    up(project)
    account = creds(project).account_sid
    steps = [(key("crm", 2, keep_previous=True), "POST", "/v1/Keys"),
             (key("crm", 2, keep_previous=True) + token_block("r1", "secondary"), "POST", "/AuthTokens/Secondary"),
             (key("crm", 2, keep_previous=True) + token_block("r1", "promoted"), "POST", "/AuthTokens/Promote"),
             (key("crm", 2) + token_block("r1", "promoted"), "DELETE", "/v1/Keys/")]
    for body, method, path_part in steps:
        write(project, body)
        # Every answer held back 1.2 s after Twilio applied the call: the kill lands before the run saw it.
        sandbox.faults.configure(rate=1.0, kinds=("slow",), slow_ms=1200)
        _kill_when(project, sandbox, method, path_part)
        sandbox.faults.configure(rate=0.0)
        assert clear_secrets_in(project, live_secrets(sandbox)) == []
        up(project)  # the resumed run
        now = creds(project)
        names = tenant_keys(sandbox)
        assert len(names) == len(set(names)), f"a second key after a kill at {method} {path_part}: {names}"
        for k in now.keys_named("crm"):
            assert works(sandbox, account, k.secret, k.sid), f"the outputs hold a dead key after {path_part}"
        for token in now.auth_tokens:
            assert works(sandbox, account, token), f"the outputs hold a dead token after {path_part}"
        live = sandbox.backend.accounts[account]
        assert now.auth_tokens == [t for t in (live.auth_token, live.secondary_auth_token) if t]
    assert tenant_keys(sandbox) == ["tenant:alpha/crm-g2"]
    assert creds(project).auth_token_secondary is None


def review(project: Path):  # type: ignore[no-untyped-def]
    """What CI prints for a PR: the files against the deployed stack, credential steps in words."""
    return tenantctl("validate", "--stack", "test", "--against-stack", "test", "--root", str(project), "tenants",
                     cwd=project, env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})


def test_review_states_each_credential_step_and_refuses_a_rotation_without_overlap(
        project: Path, sandbox: SandboxServer) -> None:
    write(project, key("crm", 1))
    up(project)
    write(project, key("crm", 2))
    refused = review(project)
    assert refused.returncode != 0 and "would delete it in the same run" in refused.stdout + refused.stderr
    write(project, key("crm", 2, keep_previous=True) + token_block("r1", "secondary"))
    said = review(project)
    assert said.returncode == 0, said.stdout + said.stderr
    assert "generation 2 created; generation 1 kept as the previous key" in said.stderr
    assert "a secondary token is created; both tokens work" in said.stderr
    up(project)
    write(project, key("crm", 2) + token_block("r1", "promoted"))
    said = review(project)
    assert "generation 1 is deleted and stops working at once" in said.stderr
    assert "the old token stops working at once" in said.stderr
    up(project)
    write(project, key("crm", 2))
    refused = review(project)
    assert refused.returncode != 0 and "keep it" in refused.stdout + refused.stderr


def _parent_key_stack(project: Path, sandbox: SandboxServer, sid: str, secret: str) -> None:
    write_stack_file(project / "Pulumi.test.yaml",
                     {"twilio:accountSid": sandbox.account_sid, "twilio:apiKey": sid, "twilio:apiSecret": secret,
                      "twilio:apiBaseUrl": sandbox.base_url}, {"twilio:apiSecret"}, PASSPHRASE)


def test_ci_may_use_a_main_key_and_a_standard_key_is_named_before_any_write(
        project: Path, sandbox: SandboxServer) -> None:
    parent = sandbox.backend.parent
    standard = sandbox.backend.v2010.create_key(Principal(parent), parent, "ci standard")
    _parent_key_stack(project, sandbox, standard.sid, standard.secret)
    write(project, key("crm", 1))
    before = sandbox.backend.last_seq
    with pytest.raises(REFUSED) as refused:
        up(project)
    assert "is a Standard API key" in str(refused.value) and "only the Console creates Main keys" in str(refused.value)
    assert [r for r in sandbox.backend.requests(before) if r.is_write] == [], "nothing applied"
    assert standard.secret not in str(refused.value)
    main = sandbox.backend.v2010.create_main_key(parent, "ci main")
    _parent_key_stack(project, sandbox, main.sid, main.secret)
    up(project)
    assert works(sandbox, creds(project).account_sid, creds(project).auth_token)
    assert main.secret not in state_path(project, "test").read_text()


def test_a_refused_parent_key_is_refused_on_every_call_not_only_the_first(sandbox: SandboxServer) -> None:
    from provider.resources import session
    from provider.twilio_api import MissingCredentials

    parent = sandbox.backend.parent
    standard = sandbox.backend.v2010.create_key(Principal(parent), parent, "ci standard")
    session.use(None)
    try:
        session.configure({"twilio:accountSid": sandbox.account_sid, "twilio:apiKey": standard.sid,
                           "twilio:apiSecret": standard.secret, "twilio:apiBaseUrl": sandbox.base_url})
        for _ in range(2):  # the engine's other threads call next: none may get a session
            with pytest.raises(MissingCredentials):
                session.current()
    finally:
        session.use(None)


@pytest.mark.parametrize("refresh_first", [True, False])
def test_a_promotion_made_outside_the_tool_is_recognised(project: Path, sandbox: SandboxServer,
                                                         refresh_first: bool) -> None:
    """Someone promoted the secondary in the Console; the reviewed `step: promoted` then records it (never 'the
    old token stays valid'), and the CRM is handed the live token."""
    write(project, token_block("2026-11", "secondary"))
    up(project)
    during = creds(project)
    make_client(during.account_sid, during.auth_token, sandbox.base_url).accounts.v1.auth_token_promotion().update()
    assert not works(sandbox, during.account_sid, during.auth_token)
    if refresh_first:
        up(project, "refresh")
    write(project, token_block("2026-11", "promoted"))
    up(project)
    after = creds(project)
    assert after.auth_token == during.auth_token_secondary and after.auth_token_secondary is None
    assert works(sandbox, after.account_sid, after.auth_token)
