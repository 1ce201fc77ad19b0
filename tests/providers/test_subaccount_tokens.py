"""Acting in a tenant's subaccount (Messaging, Trust Hub) needs its auth token: read once per account and process,
and read again only when Twilio says it changed (401) — the request is then repeated once, never lost."""
from __future__ import annotations

from provider.resources.session import Session
from provider.sandbox import SandboxServer
from provider.twilio_api import make_client
from provider.twilio_api.credentials import Credentials


def token_reads(sandbox: SandboxServer, account_sid: str, since: int) -> int:
    return sum(1 for r in sandbox.backend.requests(since)
               if r.method == "GET" and r.path.endswith(f"/Accounts/{account_sid}.json"))


def test_a_subaccount_token_is_read_once_and_again_only_after_a_rotation(sandbox: SandboxServer) -> None:
    session = Session(Credentials(sandbox.account_sid, sandbox.auth_token, sandbox.base_url))
    tenant = session.client.api.v2010.accounts.create(friendly_name="tenant:tokens")
    before = sandbox.backend.last_seq
    for name in ("a", "b", "c"):
        session.client_in(tenant.sid).messaging.v1.services.create(friendly_name=name)
    assert token_reads(sandbox, tenant.sid, before) == 1

    # Rotated outside this process: the tenant makes a secondary token and promotes it.
    as_tenant = make_client(tenant.sid, tenant.auth_token, sandbox.base_url)
    as_tenant.accounts.v1.secondary_auth_token().create()
    as_tenant.accounts.v1.auth_token_promotion().update()
    before = sandbox.backend.last_seq
    listed = session.client_in(tenant.sid).messaging.v1.services.list()
    assert sorted(s.friendly_name for s in listed) == ["a", "b", "c"]
    log = sandbox.backend.requests(before)
    assert [r.status for r in log if r.path.endswith("/Services")] == [401, 200], "refused once, then repeated"
    assert token_reads(sandbox, tenant.sid, before) == 1
    created_after = session.client_in(tenant.sid).messaging.v1.services.create(friendly_name="d")
    assert created_after.sid and token_reads(sandbox, tenant.sid, before) == 1, "the new token is kept"
    assert len(sandbox.backend.requests(before)) == 4  # 401, token read, list, create: nothing else


def test_a_promotion_in_this_process_forgets_the_old_token_without_a_failed_call(sandbox: SandboxServer) -> None:
    session = Session(Credentials(sandbox.account_sid, sandbox.auth_token, sandbox.base_url))
    tenant = session.client.api.v2010.accounts.create(friendly_name="tenant:promoted")
    session.client_in(tenant.sid).messaging.v1.services.list()
    as_tenant = make_client(tenant.sid, tenant.auth_token, sandbox.base_url)
    as_tenant.accounts.v1.secondary_auth_token().create()
    as_tenant.accounts.v1.auth_token_promotion().update()
    session.forget_token(tenant.sid)
    before = sandbox.backend.last_seq
    session.client_in(tenant.sid).messaging.v1.services.list()
    assert [r.status for r in sandbox.backend.requests(before)] == [200, 200], "token read, then the list"
