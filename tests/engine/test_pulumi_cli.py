"""The whole flow a team relies on, with the real Pulumi CLI (Automation API, local file backend, passphrase
secrets) against the local stand-in, and the same steps engine-less against a second, identical stand-in: every
observation must match, so a divergence between the two engines is caught.

Runs wherever a `pulumi` binary is on PATH (the pull-request workflow installs it before the tests); otherwise
skipped, saying why.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from provider.crm import tenant_credentials
from provider.localengine.deploy import deploy
from provider.localengine.state_store import masked
from provider.sandbox import Clock, SandboxServer, TwilioBackend
from provider.stackfiles import write_stack_file

from ..conftest import MESSAGING_CONFIG, PINNED_NOW
from ..support.paths import EXAMPLES, REPO

pytestmark = [
    pytest.mark.cli, pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pulumi") is None, reason=(
        "no `pulumi` binary on PATH. The Pulumi CLI cannot be installed on machines without internet access "
        "beyond package registries; the pull-request workflow installs it (pulumi/actions) and runs this test. "
        "The same flow runs engine-less in test_program_e2e.py and test_engine_safety.py")),
]

STACK = "clitest"
PASSPHRASE = "cli-test"
DYNAMIC = "pulumi-python:dynamic/"
EDITED = ("https://crm.example.com/twilio/northside-pharmacy/refills",
          "https://crm.example.com/twilio/northside-pharmacy/refills-v2")


@dataclass
class Observed:
    """What a user of either engine sees at each step; the two engines must agree on every field."""

    preview_creates: int = 0
    preview_writes: int = 0
    up_writes: int = 0
    resources: int = 0
    second_up_ops: set[str] = field(default_factory=set)
    second_up_writes: int = 0
    masked_output: dict[str, Any] = field(default_factory=dict)
    refresh_writes: int = 0
    edit_updates: int = 0
    edit_writes: list[tuple[str, int]] = field(default_factory=list)
    removed_file_refused: bool = False
    removed_file_writes: int = 0


def writes(sandbox: SandboxServer, since: int) -> list[tuple[str, int]]:
    return [(r.method, r.status) for r in sandbox.backend.requests(since) if r.is_write and 200 <= r.status < 300]


def new_sandbox() -> SandboxServer:
    return SandboxServer(TwilioBackend(seed=1234, clock=Clock(PINNED_NOW), demo_legacy=True)).start()


def shape(outputs: dict[str, Any]) -> dict[str, Any]:
    """The masked `tenants` output with SIDs and numbers replaced by their kind: two stand-ins differ in those."""
    def kind(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: kind(v) for k, v in value.items()}
        if isinstance(value, str) and value != "[secret]":
            return value[:2] if value[:2] in ("AC", "PN", "SK") else ("+E164" if value.startswith("+") else value)
        return value
    return kind(outputs)


def edit_and_remove(tenants: Path) -> Iterator[str]:
    path = tenants / "northside-pharmacy.yaml"
    path.write_text(path.read_text().replace(*EDITED))
    yield "edited"
    removed = tenants.parent / "northside-pharmacy.yaml.removed"
    path.rename(removed)
    yield "removed"
    removed.rename(path)


# ---- the real CLI ----------------------------------------------------------------------------------------------
@pytest.fixture
def cli_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, SandboxServer, Path]]:
    from pulumi import automation as auto

    sandbox = new_sandbox()
    backend = tmp_path / "backend"
    backend.mkdir()
    tenants = tmp_path / "cli" / "tenants"
    shutil.copytree(EXAMPLES, tenants)
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{backend}")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    stack = auto.create_or_select_stack(stack_name=STACK, work_dir=str(REPO))
    stack.set_all_config({
        "twilio:accountSid": auto.ConfigValue(sandbox.account_sid),
        "twilio:authToken": auto.ConfigValue(sandbox.auth_token, secret=True),
        "twilio:apiBaseUrl": auto.ConfigValue(sandbox.base_url),
        "tenantsDir": auto.ConfigValue(str(tenants)),
        **{name.split(":", 1)[1]: auto.ConfigValue(value) for name, value in MESSAGING_CONFIG.items()},
    })
    try:
        yield stack, sandbox, tenants
    finally:
        subprocess.run(["pulumi", "state", "unprotect", "--all", "--yes", "--stack", STACK], cwd=REPO,
                       capture_output=True)
        stack.workspace.remove_stack(STACK, force=True)
        (REPO / f"Pulumi.{STACK}.yaml").unlink(missing_ok=True)
        sandbox.stop()


def custom_ops(collect: list[str]) -> Callable[[Any], None]:
    def on_event(event: Any) -> None:
        pre = getattr(event, "resource_pre_event", None)
        if pre is not None and pre.metadata.type.startswith(DYNAMIC):
            collect.append(str(pre.metadata.op.value if hasattr(pre.metadata.op, "value") else pre.metadata.op))
    return on_event


def cli_flow(stack: Any, sandbox: SandboxServer, tenants: Path) -> Observed:
    from pulumi import automation as auto

    seen = Observed()
    ops: list[str] = []
    before = sandbox.backend.last_seq
    stack.preview(on_event=custom_ops(ops))
    seen.preview_creates, seen.preview_writes = ops.count("create"), len(writes(sandbox, before))

    before = sandbox.backend.last_seq
    assert stack.up().summary.result == "succeeded"
    seen.up_writes = len(writes(sandbox, before))
    seen.resources = sum(r["type"].startswith(DYNAMIC) for r in stack.export_stack().deployment["resources"])

    ops.clear()
    before = sandbox.backend.last_seq
    stack.up(on_event=custom_ops(ops))
    seen.second_up_ops, seen.second_up_writes = set(ops), len(writes(sandbox, before))

    shown = subprocess.run(["pulumi", "stack", "output", "tenants", "--json", "--stack", STACK], cwd=REPO,
                           capture_output=True, text=True, check=True)
    seen.masked_output = shape(json.loads(shown.stdout))
    outputs = stack.outputs()
    assert not outputs["tenants"].secret, "leaf secrets: the map itself is not secret"
    creds = tenant_credentials("northside-pharmacy", STACK, source="pulumi", work_dir=REPO)
    assert sandbox.backend.accounts[creds.account_sid].auth_token == creds.auth_token, "the CRM reads the live token"
    assert creds.auth_token not in shown.stdout

    before = sandbox.backend.last_seq
    stack.refresh()
    seen.refresh_writes = len(writes(sandbox, before))

    steps = edit_and_remove(tenants)
    next(steps)
    ops.clear()
    before = sandbox.backend.last_seq
    stack.up(on_event=custom_ops(ops))
    seen.edit_updates, seen.edit_writes = ops.count("update"), writes(sandbox, before)

    next(steps)
    before = sandbox.backend.last_seq
    try:
        stack.up()
    except auto.errors.CommandError as error:
        seen.removed_file_refused = "Nothing was released" in str(error) or "protect" in str(error)
    seen.removed_file_writes = len(writes(sandbox, before))
    next(steps, None)

    before = sandbox.backend.last_seq
    with pytest.raises(auto.errors.CommandError):
        stack.destroy()
    assert writes(sandbox, before) == [], "destroy is refused before anything is released or closed"
    assert all(a.status != "closed" for a in sandbox.backend.accounts.values() if not a.is_parent)

    stack_file = (REPO / f"Pulumi.{STACK}.yaml").read_text()
    assert sandbox.auth_token not in stack_file and "secure:" in stack_file
    return seen


# ---- the same steps engine-less ---------------------------------------------------------------------------------
def local_flow(root: Path, sandbox: SandboxServer) -> Observed:
    seen = Observed()
    tenants = root / "tenants"

    def run(action: str) -> Any:
        return deploy(action, root=root, stack="test", passphrase=PASSPHRASE)

    before = sandbox.backend.last_seq
    preview = run("preview")
    seen.preview_creates, seen.preview_writes = preview.counts.get("create", 0), len(writes(sandbox, before))
    before = sandbox.backend.last_seq
    first = run("up")
    seen.up_writes, seen.resources = len(writes(sandbox, before)), sum(first.counts.values())
    before = sandbox.backend.last_seq
    second = run("up")
    seen.second_up_ops, seen.second_up_writes = set(second.counts), len(writes(sandbox, before))
    seen.masked_output = shape(masked(second.outputs)["tenants"])
    before = sandbox.backend.last_seq
    run("refresh")
    seen.refresh_writes = len(writes(sandbox, before))
    steps = edit_and_remove(tenants)
    next(steps)
    before = sandbox.backend.last_seq
    edited = run("up")
    seen.edit_updates, seen.edit_writes = edited.counts.get("update", 0), writes(sandbox, before)
    next(steps)
    before = sandbox.backend.last_seq
    try:
        run("up")
    except Exception as error:  # noqa: BLE001 - the refusal is the observation
        seen.removed_file_refused = "protected" in str(error) or "Nothing was released" in str(error)
    seen.removed_file_writes = len(writes(sandbox, before))
    next(steps, None)
    return seen


def test_the_cli_and_the_engine_less_mode_agree_on_every_step(cli_stack, tmp_path: Path) -> None:
    stack, cli_sandbox, cli_tenants = cli_stack
    with_cli = cli_flow(stack, cli_sandbox, cli_tenants)

    local_sandbox = new_sandbox()
    try:
        root = tmp_path / "local"
        shutil.copytree(EXAMPLES, root / "tenants")
        write_stack_file(root / "Pulumi.test.yaml",
                         {"twilio:accountSid": local_sandbox.account_sid, "twilio:authToken": local_sandbox.auth_token,
                          "twilio:apiBaseUrl": local_sandbox.base_url, **MESSAGING_CONFIG}, {"twilio:authToken"},
                         PASSPHRASE)
        engine_less = local_flow(root, local_sandbox)
    finally:
        local_sandbox.stop()

    assert with_cli.preview_writes == 0 and with_cli.second_up_writes == 0 and with_cli.refresh_writes == 0
    assert with_cli.second_up_ops == {"same"}
    assert with_cli.edit_updates == 1 and with_cli.edit_writes == [("POST", 200)], "one webhook edit, one update"
    assert with_cli.removed_file_refused and with_cli.removed_file_writes == 0, "nothing released"
    assert with_cli.masked_output["northside-pharmacy"]["auth_token"] == "[secret]"
    assert with_cli.masked_output["northside-pharmacy"]["account_sid"] == "AC", "SIDs are visible"
    assert with_cli == engine_less
    assert os.environ["PULUMI_BACKEND_URL"].startswith("file://")
