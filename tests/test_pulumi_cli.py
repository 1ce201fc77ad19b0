"""With the real Pulumi CLI (Automation API, local file backend, passphrase secrets): preview, up, up again,
refresh, and the CRM read-out. Runs whenever a `pulumi` binary is on PATH; otherwise skipped, saying why."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from provider.crm import tenant_credentials
from provider.sandbox import SandboxServer

from .conftest import EXAMPLES, REPO

pytestmark = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="the Pulumi CLI is not on PATH (it cannot be installed on this machine); the same flow is covered "
           "engine-less by test_program_e2e.py; install Pulumi to run this test")

STACK = "clitest"


@pytest.fixture
def cli_stack(tmp_path: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from pulumi import automation as auto

    backend = tmp_path / "backend"
    backend.mkdir()
    shutil.copytree(EXAMPLES, tmp_path / "tenants")
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{backend}")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "cli-test")
    stack = auto.create_or_select_stack(stack_name=STACK, work_dir=str(REPO))
    stack.set_all_config({
        "twilio:accountSid": auto.ConfigValue(sandbox.account_sid),
        "twilio:authToken": auto.ConfigValue(sandbox.auth_token, secret=True),
        "twilio:apiBaseUrl": auto.ConfigValue(sandbox.base_url),
        "tenantsDir": auto.ConfigValue(str(tmp_path / "tenants")),
    })
    try:
        yield stack
    finally:
        stack.workspace.remove_stack(STACK, force=True)
        (REPO / f"Pulumi.{STACK}.yaml").unlink(missing_ok=True)


def test_preview_up_noop_refresh_and_credentials(cli_stack, sandbox: SandboxServer) -> None:
    preview = cli_stack.preview()
    assert preview.change_summary.get("create", 0) > 50
    assert sandbox.backend.counters["writes"] == 0
    up = cli_stack.up()
    assert up.summary.result == "succeeded"
    writes = sandbox.backend.counters["writes"]
    again = cli_stack.up()
    assert set(again.summary.resource_changes or {}) == {"same"}
    assert sandbox.backend.counters["writes"] == writes, "second up: zero writes"
    cli_stack.refresh()
    outputs = cli_stack.outputs()
    assert outputs["tenants"].secret
    creds = tenant_credentials("northside-pharmacy", STACK, source="pulumi", work_dir=REPO)
    assert sandbox.backend.accounts[creds.account_sid].auth_token == creds.auth_token
    stack_file = (REPO / f"Pulumi.{STACK}.yaml").read_text()
    assert sandbox.auth_token not in stack_file and "secure:" in stack_file
    assert os.environ["PULUMI_BACKEND_URL"].startswith("file://")
