"""Two Twilio rules the stand-in used to be kinder about: a closed subaccount is deleted 30 days after closing
(404 from then on), and a parent has at most 1,000 subaccounts (21480). Stand-in through the SDK, then product."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from provider.localengine.deploy import deploy, state_path
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer
from provider.usage.job import run_usage

from ..finance.test_usage import request, world  # noqa: F401 - the usage world fixture
from ..support.cli import tenantctl
from ..support.projects import PASSPHRASE, closed


def test_a_closed_subaccount_answers_404_once_twilio_deleted_it(parent: Client, sandbox: SandboxServer) -> None:
    account = parent.api.v2010.accounts.create(friendly_name="tenant:gone")
    parent.api.v2010.accounts(account.sid).update(status="closed")
    sandbox.backend.clock.advance(timedelta(days=29))
    assert parent.api.v2010.accounts(account.sid).fetch().status == "closed", "still there for 30 days"
    sandbox.backend.clock.advance(timedelta(days=1))
    with pytest.raises(TwilioRestException) as raised:
        parent.api.v2010.accounts(account.sid).fetch()
    assert raised.value.status == 404
    assert account.sid not in {a.sid for a in parent.api.v2010.accounts.list()}
    with pytest.raises(TwilioException, match="404"):  # list failures surface as TwilioException in SDK 9
        parent.api.v2010.accounts(account.sid).usage.records.list()


def test_the_subaccount_cap_refuses_with_21480_and_closed_ones_count_until_deleted(
        parent: Client, sandbox: SandboxServer) -> None:
    existing = sandbox.backend.v2010.subaccount_count(sandbox.backend.parent)
    sandbox.backend.max_subaccounts = existing + 2
    first = parent.api.v2010.accounts.create(friendly_name="tenant:one")
    parent.api.v2010.accounts.create(friendly_name="tenant:two")
    with pytest.raises(TwilioRestException) as raised:
        parent.api.v2010.accounts.create(friendly_name="tenant:three")
    assert (raised.value.status, raised.value.code) == (400, 21480)
    parent.api.v2010.accounts(first.sid).update(status="closed")
    with pytest.raises(TwilioRestException):
        parent.api.v2010.accounts.create(friendly_name="tenant:three")
    sandbox.backend.clock.advance(timedelta(days=30))
    assert parent.api.v2010.accounts.create(friendly_name="tenant:three").friendly_name == "tenant:three"


def close(root: Path, tenant: str) -> None:
    path = root / "tenants" / f"{tenant}.yaml"
    path.write_text(path.read_text().replace("status: active", "status: closed"))


def test_a_closed_tenant_stays_clean_after_twilio_deletes_its_subaccount(small_project: Path,
                                                                        sandbox: SandboxServer) -> None:
    first = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    sid = reveal(first.outputs)["tenants"]["alpha"]["account_sid"]
    close(small_project, "alpha")
    deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    sandbox.backend.clock.advance(timedelta(days=31))
    for action, refresh in (("preview", True), ("up", True), ("refresh", False), ("up", False)):
        result = deploy(action, root=small_project, stack="test", passphrase=PASSPHRASE, refresh_first=refresh)
        assert set(result.counts) <= {"same", "refresh"}, (action, result.steps)
    assert sid in state_path(small_project, "test").read_text(), "the closed tenant's record is kept"
    state_path(small_project, "test").unlink()  # a stack whose state was lost, or a new one
    again = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert reveal(again.outputs)["tenants"]["alpha"]["status"] == "closed"
    assert set(deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE, refresh_first=True).counts) \
        <= {"same", "refresh"}


def test_the_cap_is_reported_clearly_and_validate_warns_before_it(small_project: Path,
                                                                  sandbox: SandboxServer) -> None:
    sandbox.backend.max_subaccounts = sandbox.backend.v2010.subaccount_count(sandbox.backend.parent) + 3
    before = sandbox.backend.last_seq
    with pytest.raises(Exception) as raised:
        deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    message = str(raised.value)
    assert "subaccount cap" in message and "21480" in message and "raise the cap" in message
    assert "it has 4 subaccounts" in message, "how many exist"
    created = [r for r in sandbox.backend.requests(before) if r.is_write and r.status == 201 and
               r.path.endswith("/Accounts.json")]
    assert len(created) == 3
    stack_file = small_project / "Pulumi.test.yaml"
    stack_file.write_text(stack_file.read_text() + "  twilio-tenants:subaccountCap: 4\n")
    near = tenantctl("validate", "--stack", "test", "--root", str(small_project), "tenants", cwd=small_project)
    assert near.returncode == 0 and "warning: 4 of the parent's 4 subaccounts" in near.stderr, near.stderr
    stack_file.write_text(stack_file.read_text().replace("subaccountCap: 4", "subaccountCap: 3"))
    over = tenantctl("validate", "--stack", "test", "--root", str(small_project), "tenants", cwd=small_project)
    assert over.returncode == 1 and "more open tenants (4) than the parent may have subaccounts (3, stack test)" in over.stdout


def test_the_usage_report_covers_a_deleted_subaccount_on_a_labelled_line(world, tmp_path: Path) -> None:  # noqa: F811
    server, sids = world
    path = tmp_path / "tenants" / "sunrise-rx.yaml"
    path.write_text(closed(path.read_text()))
    before = run_usage(request(tmp_path))
    server.backend.clock.advance(timedelta(days=40))  # sunrise-rx closed 2026-10-15: deleted by now
    after = run_usage(request(tmp_path))
    assert after.reconciled and after.parent_total == before.parent_total
    lines = {line.label: line for line in after.lines}
    assert "sunrise-rx" not in lines
    deleted = next(line for line in after.lines if line.kind == "deleted")
    assert "sunrise-rx" in deleted.label and "no longer available" in deleted.label
    assert deleted.cost == {line.label: line for line in before.lines}["sunrise-rx"].cost


def test_every_mapping_gives_the_same_reconciled_figures_after_twilio_deleted_a_subaccount(
        world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The stack outputs still map sunrise-rx to the subaccount Twilio deleted: `auto` and `outputs` must still put
    its spend and revenue on the deleted line, exactly as `names` does."""
    server, sids = world
    path = tmp_path / "tenants" / "sunrise-rx.yaml"
    path.write_text(closed(path.read_text()))
    server.backend.clock.advance(timedelta(days=40))
    outputs = {tenant: sid for tenant, sid in sids.items() if tenant != "legacy"}
    monkeypatch.setattr("provider.usage.job.stack_account_map", lambda stack, root: outputs)
    reports = {mode: run_usage(request(tmp_path, mapping=mode)) for mode in ("names", "auto", "outputs")}
    figures = {mode: sorted((ln.label, ln.cost, ln.revenue) for ln in r.lines) for mode, r in reports.items()}
    assert all(r.reconciled for r in reports.values()), {m: r.difference for m, r in reports.items()}
    assert figures["auto"] == figures["names"] == figures["outputs"]
    assert any(label.startswith("deleted by Twilio") and "sunrise-rx" in label for label, _, _ in figures["auto"])
