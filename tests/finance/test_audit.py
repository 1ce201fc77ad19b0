"""`tenantctl audit` on the stand-in: a clean deployment of the example tenants reports nothing; orphans of every kind
(and what Twilio lost) are each found with their cost and what to do, read-only."""
from __future__ import annotations

import json
from pathlib import Path

from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer
from provider.twilio_api import make_client

from ..program.test_program_e2e import PASSPHRASE, project, up  # noqa: F401  (project is a fixture)
from ..support.cli import tenantctl

ENV = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}


def audit(root: Path):
    done = tenantctl("audit", "--stack", "test", "--format", "json", "--root", str(root), "--tenants",
                     str(root / "tenants"), env=ENV, timeout=120)
    assert "Traceback" not in done.stderr and done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}


def test_a_clean_deployment_has_nothing_to_report(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    up(project)
    before = sandbox.backend.last_seq
    code, report = audit(project)
    assert (code, report["findings"]) == (0, []), report
    assert not [r for r in sandbox.backend.requests(before) if r.is_write], "read-only"


def test_orphans_of_every_kind_and_what_twilio_lost(project: Path, sandbox: SandboxServer) -> None:  # noqa: F811
    tenants = reveal(up(project).outputs)["tenants"]
    parent = make_client(sandbox.account_sid, sandbox.auth_token, sandbox.base_url)
    north = tenants["northside-pharmacy"]
    stray = parent.api.v2010.accounts.create(friendly_name="someone's test account")
    parent.api.v2010.accounts(stray.sid).incoming_phone_numbers.create(area_code="212")
    in_parent = parent.api.v2010.accounts(sandbox.account_sid).incoming_phone_numbers.create(area_code="512")
    extra = parent.api.v2010.accounts(north["account_sid"]).incoming_phone_numbers.create(area_code="415")
    key = parent.api.v2010.accounts(north["account_sid"]).new_keys.create(friendly_name="laptop key")
    trigger = parent.api.v2010.accounts(north["account_sid"]).usage.triggers.create(
        callback_url="https://example.com/old", trigger_value="5", usage_category="totalprice")
    oak = tenants["oakwood-compounding"]
    as_oak = make_client(oak["account_sid"], oak["auth_token"], sandbox.base_url)
    service = as_oak.messaging.v1.services.create(friendly_name="a trial service")
    pine = tenants["pinecrest-pharmacy"]
    parent.api.v2010.accounts(pine["account_sid"]).update(status="closed")
    river = tenants["riverbend-pharmacy"]
    lost = next(iter(river["phone_numbers"].values()))
    parent.api.v2010.accounts(river["account_sid"]).incoming_phone_numbers(lost["sid"]).delete()
    before = sandbox.backend.last_seq

    code, report = audit(project)
    assert code == 1
    found = {(f["kind"], f["sid"]): f for f in report["findings"]}
    assert found[("subaccount", stray.sid)]["monthly_cost_usd"] == "1.15", "its number is its cost"
    assert found[("number", in_parent.sid)]["tenant"] is None
    assert found[("number", extra.sid)]["tenant"] == "northside-pharmacy"
    assert "number:" in found[("number", extra.sid)]["what_to_do"]
    assert found[("api-key", key.sid)]["tenant"] == "northside-pharmacy"
    assert found[("usage-trigger", trigger.sid)]["tenant"] == "northside-pharmacy"
    assert found[("messaging-service", service.sid)]["tenant"] == "oakwood-compounding"
    assert found[("missing-subaccount", pine["account_sid"])]["tenant"] == "pinecrest-pharmacy"
    assert found[("missing-number", lost["sid"])]["tenant"] == "riverbend-pharmacy"
    assert len(found) == 8, sorted(found)
    assert report["monthly_cost_usd"] == "3.45"
    requests = [r for r in sandbox.backend.requests(before)]
    assert not [r for r in requests if r.is_write], "read-only"
    assert all(r.method == "GET" and ("/Accounts/" in r.path or r.path.startswith("/v1/") or
                                      r.path.endswith("/Accounts.json")) for r in requests)
    assert len(requests) == report["requests"], "one request per listing page, nothing more"
