"""Many stacks, one fleet: tenants choose their shard in their own file, each shard's stack deploys only its own,
`tenantctl fleet` runs them side by side, a failing shard does not stop the others, a tenant cannot silently move
between shards, and shards of one parent stay within its concurrency budget."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from provider.localengine.deploy import state_path
from provider.sandbox import SandboxServer
from provider.stackfiles import write_stack_file

from ..support.cli import tenantctl
from ..support.paths import REPO
from ..support.projects import PASSPHRASE, tenant_text

ENV = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
SHARDS = {"a": ["alpha", "bravo"], "b": ["charlie", "delta"]}


@pytest.fixture
def fleet(tmp_path: Path, sandbox: SandboxServer) -> Path:
    (tmp_path / "tenants").mkdir()
    for shard, tenants in SHARDS.items():
        for tenant_id in tenants:
            (tmp_path / "tenants" / f"{tenant_id}.yaml").write_text(tenant_text(tenant_id) + f"shard: {shard}\n")
        stack_file(tmp_path, f"shard-{shard}", sandbox, {"twilio-tenants:shard": shard})
    return tmp_path


def stack_file(root: Path, stack: str, sandbox: SandboxServer, extra: dict[str, str],
               token: str | None = None) -> None:
    write_stack_file(root / f"Pulumi.{stack}.yaml", {
        "twilio:accountSid": sandbox.account_sid, "twilio:authToken": token or sandbox.auth_token,
        "twilio:apiBaseUrl": sandbox.base_url, **extra}, {"twilio:authToken"}, PASSPHRASE)


def fleet_cli(root: Path, *args: str):
    return tenantctl("fleet", *args, "--engine", "local", "--root", str(root), env=ENV, timeout=300)


def deployed_tenants(root: Path, stack: str) -> set[str]:
    shown = tenantctl("local", "output", "tenants", "--stack", stack, "--root", str(root), env=ENV)
    return set(json.loads(shown.stdout))


def test_each_shard_deploys_its_own_tenants_side_by_side(fleet: Path, sandbox: SandboxServer) -> None:
    listed = fleet_cli(fleet, "list", "--format", "json")
    assert json.loads(listed.stdout) == [{"stack": "shard-a", "shard": "a"}, {"stack": "shard-b", "shard": "b"}]
    up = fleet_cli(fleet, "up", "--parallel", "2")
    assert up.returncode == 0, up.stderr
    assert "shard-a: ok" in up.stderr and "shard-b: ok" in up.stderr
    for shard, tenants in SHARDS.items():
        assert deployed_tenants(fleet, f"shard-{shard}") == set(tenants)
    names = {a.friendly_name for a in sandbox.backend.accounts.values()}
    assert {f"tenant:{t}" for ts in SHARDS.values() for t in ts} <= names
    again = fleet_cli(fleet, "up")
    assert again.returncode == 0 and again.stdout.count("same") >= 2 and "create" not in again.stdout


def test_a_failing_shard_does_not_stop_the_others(fleet: Path, sandbox: SandboxServer) -> None:
    stack_file(fleet, "shard-b", sandbox, {"twilio-tenants:shard": "b"}, token="wrong-token")
    up = fleet_cli(fleet, "up", "--parallel", "2")
    assert up.returncode == 1
    assert "shard-a: ok" in up.stderr and "shard-b: FAILED" in up.stderr
    assert deployed_tenants(fleet, "shard-a") == set(SHARDS["a"])


def test_moving_a_tenant_to_another_shard_is_refused_before_any_shard_runs(fleet: Path,
                                                                           sandbox: SandboxServer) -> None:
    assert fleet_cli(fleet, "up").returncode == 0
    path = fleet / "tenants" / "bravo.yaml"
    path.write_text(path.read_text().replace("shard: a", "shard: b"))
    before = sandbox.backend.last_seq
    moved = fleet_cli(fleet, "up")
    assert moved.returncode == 1 and "tenant bravo is deployed by shard a" in moved.stderr
    assert [r for r in sandbox.backend.requests(before) if r.is_write] == []
    check = tenantctl("validate", "--stack", "shard-a", "--against-stack", "shard-a", "--root", str(fleet), "tenants",
                      cwd=fleet, env=ENV)
    assert check.returncode == 1 and "moving it to shard b is refused" in check.stdout


def test_validate_knows_which_shards_exist(fleet: Path) -> None:
    path = fleet / "tenants" / "alpha.yaml"
    path.write_text(path.read_text().replace("shard: a", "shard: c"))
    result = tenantctl("validate", "--stack", "shard-a", "--root", str(fleet), "tenants", cwd=fleet)
    assert result.returncode == 1 and "no stack serves shard 'c'" in result.stdout


def test_shards_of_one_parent_share_its_concurrency_budget(fleet: Path, sandbox: SandboxServer) -> None:
    """Twilio allows 2 in flight here; each shard's provider server would send 4. With the parent's budget of 2
    split between the two shards running at once, Twilio never has to refuse anything."""
    sandbox.app.limit.configure(2)
    sandbox.faults.configure(latency_ms=20)
    for shard in SHARDS:
        stack_file(fleet, f"shard-{shard}", sandbox,
                   {"twilio-tenants:shard": shard, "twilio-tenants:parentInFlightBudget": "2"})
    up = fleet_cli(fleet, "up", "--parallel", "2")
    assert up.returncode == 0, up.stderr
    assert sandbox.backend.counters["throttled 20429"] == 0
    assert state_path(fleet, "shard-a").exists() and state_path(fleet, "shard-b").exists()


def test_the_crm_and_the_usage_report_find_tenants_in_any_shard(fleet: Path, sandbox: SandboxServer,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert fleet_cli(fleet, "up", "--parallel", "2").returncode == 0
    stack_file(fleet, "prod", sandbox, {})  # the unsharded stack of the same parent: deploys nobody here
    found = tenantctl("credentials", "charlie", "--stack", "shard-a", "--source", "local", "--root", str(fleet),
                      env=ENV)
    assert found.returncode == 0, found.stderr
    creds = json.loads(found.stdout)
    assert sandbox.backend.accounts[creds["account_sid"]].friendly_name == "tenant:charlie"
    from provider.usage.job import stack_account_map
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    mapping = stack_account_map("prod", fleet)
    assert set(mapping) == {t for ts in SHARDS.values() for t in ts}, "every shard of the parent, in one map"


@pytest.fixture
def cli_on_path(tmp_path: Path) -> dict[str, str]:
    """A `pulumi` on PATH that the Automation API drives: tests/support/fake_pulumi.py (see its docstring)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pulumi"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} {REPO / 'tests' / 'support' / 'fake_pulumi.py'} \"$@\"\n")
    shim.chmod(0o755)
    return {**ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}


def cli_calls(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / ".fake-backend" / "calls.jsonl").read_text().splitlines()]


def init_stacks(root: Path, *stacks: str) -> None:
    (root / ".fake-backend").mkdir(exist_ok=True)
    for stack in stacks:
        (root / ".fake-backend" / stack).touch()


def test_with_the_cli_each_shard_runs_through_the_automation_api(fleet: Path, cli_on_path: dict[str, str]) -> None:
    init_stacks(fleet, "shard-a", "shard-b")
    up = tenantctl("fleet", "up", "--parallel", "2", "--format", "json", "--root", str(fleet), env=cli_on_path,
                   timeout=300)
    assert up.returncode == 0, up.stderr
    outcome = {r["stack"]: r for r in json.loads(up.stdout)}
    assert set(outcome) == {"shard-a", "shard-b"} and all(r["ok"] and r["returncode"] == 0 for r in outcome.values())
    for stack, result in outcome.items():
        made = json.loads(state_path(fleet, stack).read_text())["resources"]
        assert result["counts"] == {"create": len(made)}, "the Automation API's summary of what was made"
    for shard, tenants in SHARDS.items():
        assert deployed_tenants(fleet, f"shard-{shard}") == set(tenants)
        ran = [c for c in cli_calls(fleet) if c["args"][0] in ("preview", "up") and f"shard-{shard}" in c["args"]]
        assert [c["args"][0] for c in ran] == ["preview", "up"], "up previews first, as a plain `pulumi up`"
        assert "--skip-preview" in ran[1]["args"] and "--event-log" in ran[1]["args"]
        assert {c["automation"] for c in ran} == {"true"}, "driven by the Automation API"
        assert {c["budget"] for c in ran} == {"50"}, "half the parent's 100 each, two shards at once"


def test_a_shard_missing_from_the_backend_fails_alone_and_says_how_to_create_it(
        fleet: Path, cli_on_path: dict[str, str]) -> None:
    init_stacks(fleet, "shard-a")
    up = tenantctl("fleet", "up", "--engine", "pulumi", "--root", str(fleet), env=cli_on_path, timeout=300)
    assert up.returncode == 1
    assert "shard-a: ok" in up.stderr and "shard-b: FAILED" in up.stderr
    assert "pulumi stack init shard-b" in up.stdout + up.stderr
    assert deployed_tenants(fleet, "shard-a") == set(SHARDS["a"])
    assert not any(c["args"][0] == "up" and "shard-b" in c["args"] for c in cli_calls(fleet))


def test_with_the_cli_a_shard_whose_preview_fails_is_never_applied(fleet: Path,
                                                                   cli_on_path: dict[str, str]) -> None:
    init_stacks(fleet, "shard-a", "shard-b")
    (fleet / ".fake-backend" / "shard-b.fail-preview").touch()
    up = tenantctl("fleet", "up", "--engine", "pulumi", "--root", str(fleet), env=cli_on_path, timeout=300)
    assert up.returncode == 1 and "shard-b: FAILED" in up.stderr and "shard-a: ok" in up.stderr
    assert "a resource would be refused" in up.stderr, "the CLI's own error is the shard's summary"
    assert not any(c["args"][0] == "up" and "shard-b" in c["args"] for c in cli_calls(fleet))
    assert not state_path(fleet, "shard-b").exists(), "nothing of shard b was deployed"


def test_an_engine_less_run_logs_its_steps_as_they_happen_and_never_a_value(fleet: Path,
                                                                            sandbox: SandboxServer) -> None:
    log = fleet / "events.jsonl"
    up = tenantctl("local", "up", "--stack", "shard-a", "--root", str(fleet), "--event-log", str(log), env=ENV,
                   timeout=300)
    assert up.returncode == 0, up.stderr
    events = [json.loads(line) for line in log.read_text().splitlines()]
    phases = [e["phase"] for e in events if "phase" in e]
    assert phases == sorted(phases, key=["preview", "apply"].index) and set(phases) == {"preview", "apply"}
    applied = [e for e in events if e.get("phase") == "apply"]
    assert events[-1] == {"summary": {"create": len(applied)}}
    assert {e["label"].split("/")[0] for e in applied} == set(SHARDS["a"])
    assert sandbox.account_sid not in log.read_text() and "AC" not in log.read_text()


def test_a_shard_on_real_twilio_refuses_private_webhook_hosts_like_prod(fleet: Path, sandbox: SandboxServer) -> None:
    """Only a stack on a stand-in (twilio:apiBaseUrl) accepts webhooks Twilio could never call; a shard on the
    real Twilio is as strict as prod, in validate and in the program."""
    write_stack_file(fleet / "Pulumi.shard-real.yaml", {"twilio:accountSid": sandbox.account_sid,
                     "twilio:authToken": sandbox.auth_token, "twilio-tenants:shard": "real"},
                     {"twilio:authToken"}, PASSPHRASE)
    (fleet / "tenants" / "echo.yaml").write_text(
        tenant_text("echo").replace("https://crm.example.com", "https://localhost") + "shard: real\n")
    strict = tenantctl("validate", "--stack", "shard-real", "--root", str(fleet), "tenants", cwd=fleet)
    assert strict.returncode == 1 and "echo.yaml" in strict.stdout and "webhooks" in strict.stdout
    sandboxed = tenantctl("validate", "--stack", "shard-a", "--root", str(fleet), "tenants", cwd=fleet)
    assert sandboxed.returncode == 0, sandboxed.stdout
    preview = tenantctl("local", "preview", "--stack", "shard-real", "--root", str(fleet), env=ENV, timeout=120)
    assert preview.returncode == 1 and "echo.yaml" in preview.stderr and "nothing was applied" in preview.stderr


def test_fleet_up_refresh_reads_each_shard_first_under_either_engine(fleet: Path,
                                                                    cli_on_path: dict[str, str]) -> None:
    assert fleet_cli(fleet, "up").returncode == 0
    local = fleet_cli(fleet, "up", "--refresh")
    assert local.returncode == 0, local.stderr
    assert local.stdout.count("refresh") >= 2, "each shard's summary counts its reads"
    init_stacks(fleet, "shard-a", "shard-b")
    cli = tenantctl("fleet", "up", "--refresh", "--engine", "pulumi", "--root", str(fleet), env=cli_on_path,
                    timeout=300)
    assert cli.returncode == 0, cli.stderr
    sent = [c["args"] for c in cli_calls(fleet) if c["args"][0] in ("preview", "up")]
    assert len(sent) == 4 and all("--refresh" in args for args in sent)


def test_with_the_cli_stacks_are_named_in_the_workflows_organization(fleet: Path, cli_on_path: dict[str, str]) -> None:
    init_stacks(fleet, "acme__shard-a")
    up = tenantctl("fleet", "up", "--org", "acme", "--engine", "pulumi", "--root", str(fleet), env=cli_on_path,
                   timeout=300)
    assert up.returncode == 1 and "shard-a: ok" in up.stderr
    assert "pulumi stack init acme/shard-b" in up.stdout + up.stderr
    sent = {c["args"][c["args"].index("--stack") + 1] for c in cli_calls(fleet) if "--stack" in c["args"]}
    assert sent == {"acme/shard-a", "acme/shard-b"}, "every call names ORG/<stack>, outputs read included"
    assert deployed_tenants(fleet, "shard-a") == set(SHARDS["a"])


def test_a_killed_fleet_run_leaves_no_scratch_directory_for_ever(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGKILLed fleet never removes its scratch directories; the next run removes those of dead processes and
    leaves a live run's alone."""
    import subprocess
    import tempfile

    from provider.fleet.scratch import scratch_dir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"tenantctl-shard-{dead.pid}-abc"
    (left / "events.jsonl").parent.mkdir()
    (left / "events.jsonl").write_text("{}\n")
    alive = tmp_path / f"tenantctl-slots-{os.getpid()}-xyz"
    alive.mkdir()
    with scratch_dir("slots") as mine:
        assert mine.exists() and mine.name.startswith(f"tenantctl-slots-{os.getpid()}-")
    assert not left.exists() and alive.exists() and not mine.exists()


def test_the_repository_ships_a_sandbox_shard_and_ci_never_deploys_a_stand_in_stack() -> None:
    listed = tenantctl("fleet", "list", "--format", "json", "--root", str(REPO))
    assert {"stack": "sandbox-east", "shard": "east"} in json.loads(listed.stdout)
    matrix = tenantctl("fleet", "list", "--with-unsharded", "--format", "json", "--root", str(REPO))
    assert [s["stack"] for s in json.loads(matrix.stdout)] == ["prod"], "CI deploys real Twilio stacks only"
    text = tenantctl("fleet", "list", "--with-unsharded", "--root", str(REPO))
    assert "shard None" not in text.stdout and "shard unsharded" in text.stdout
