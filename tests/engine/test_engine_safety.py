"""The engine-less mode as an unlucky operator meets it: killed runs, failed runs, two runs at once, a pinned number,
a renamed tenant. Secrets stay sealed in every file written, nothing is bought twice, nothing is lost."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from provider.localengine import ApplyError
from provider.localengine.deploy import deploy, state_path
from provider.localengine.stack_lock import StackLock, StackLocked, lock_path
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer

from ..support.cli import tenantctl
from ..support.paths import REPO
from ..support.projects import PASSPHRASE, tenant_text, write_tenants


def live_secrets(sandbox: SandboxServer) -> set[str]:
    backend = sandbox.backend
    return ({a.auth_token for a in backend.accounts.values() if not a.is_parent} |
            {k.secret for k in backend.keys.values() if getattr(k, "secret", None)})


def clear_secrets_in(root: Path, secrets: set[str]) -> list[str]:
    """Every file the engine-less mode ever wrote (state, checkpoints, temp files, lock) that holds a secret."""
    found = []
    for path in (root / ".pulumi-local").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode(errors="replace")
            found += [f"{path.name} holds {s[:4]}..." for s in secrets if s and s in text]
    return found


def open_subaccounts(sandbox: SandboxServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for account in sandbox.backend.accounts.values():
        if account.friendly_name.startswith("tenant:") and account.status != "closed":
            counts[account.friendly_name] = counts.get(account.friendly_name, 0) + 1
    return counts


def numbers_by_name(sandbox: SandboxServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for number in sandbox.backend.numbers.values():
        counts[number.friendly_name] = counts.get(number.friendly_name, 0) + 1
    return counts


def assert_converged(sandbox: SandboxServer, tenants: list[str]) -> None:
    assert open_subaccounts(sandbox) == {f"tenant:{t}": 1 for t in tenants}, "one subaccount per tenant"
    named = numbers_by_name(sandbox)
    for tenant_id in tenants:
        for entry in ("main", "second"):
            assert named.get(f"tenant:{tenant_id}/{entry}") == 1, f"{tenant_id}/{entry} bought exactly once"
    keys = [k for k in sandbox.backend.keys.values() if k.friendly_name.startswith("tenant:")]
    assert len(keys) == len(tenants), "one live API key per tenant"


def spawn_up(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    return subprocess.Popen([sys.executable, "-m", "provider.cli", "local", "up", "--stack", "test", "--root",
                             str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def provider_children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and b"provider_main" in cmdline:
            children.append(int(stat.parent.name))
    return children


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.slow
def test_killed_runs_leave_no_clear_secret_no_duplicate_and_no_provider_server(
        small_project: Path, sandbox: SandboxServer) -> None:
    """≥20 kill points spread over whole runs (Twilio made slow, so a run spans several seconds)."""
    sandbox.faults.configure(latency_ms=20)
    rng = random.Random(20261125)
    kills = orphans = 0
    for _ in range(22):
        process = spawn_up(small_project)
        time.sleep(rng.uniform(0.3, 3.0))
        servers = provider_children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        kills += 1
        deadline = time.monotonic() + 5
        while any(alive(p) for p in servers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans += sum(alive(p) for p in servers)
        assert clear_secrets_in(small_project, live_secrets(sandbox)) == []
        lock_path(state_path(small_project, "test")).unlink(missing_ok=True)  # the dead run's lock, cleared on purpose
    assert kills >= 20 and orphans == 0, f"{orphans} provider servers outlived their killed parent"
    final = spawn_up(small_project)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()[-3000:]
    assert_converged(sandbox, ["alpha", "bravo", "charlie", "delta"])
    assert clear_secrets_in(small_project, live_secrets(sandbox)) == []


def test_a_failed_run_keeps_every_secret_sealed(small_project: Path, sandbox: SandboxServer) -> None:
    deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    bad = small_project / "tenants" / "echo.yaml"
    bad.write_text(tenant_text("echo").replace(
        "    search: {country: US, type: local, capabilities: [voice, sms]}", '    number: "+15005550000"'))
    with pytest.raises(Exception) as raised:
        deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert "+15005550000" in str(raised.value)
    assert clear_secrets_in(small_project, live_secrets(sandbox)) == []
    state = state_path(small_project, "test").read_text()
    assert '"secure"' in state


@pytest.mark.slow
def test_concurrent_runs_one_wins_the_other_is_refused_at_once(small_project: Path, sandbox: SandboxServer) -> None:
    sandbox.faults.configure(latency_ms=10)
    tenants = ["alpha", "bravo", "charlie", "delta"]
    for trial in range(5):
        if trial:
            write_tenants(small_project / "tenants", [f"trial{trial}"])
            tenants.append(f"trial{trial}")
        first, second = spawn_up(small_project), spawn_up(small_project)
        results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in (first, second)]  # type: ignore[union-attr]
        codes = sorted(code for code, _ in results)
        refused = [err for code, err in results if code != 0]
        assert codes == [0, 1], results
        assert "is locked by process" in refused[0] and "since" in refused[0]
        assert_converged(sandbox, tenants)
    again = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert set(again.counts) == {"same"}, "no live resource was forgotten by the state"


def test_lock_names_the_holder_and_a_stale_one_is_cleared_only_on_purpose(small_project: Path) -> None:
    path = lock_path(state_path(small_project, "test"))
    with StackLock(path, "test"):
        with pytest.raises(StackLocked) as raised:
            deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
        assert f"process {os.getpid()}" in str(raised.value)
        refused = tenantctl("local", "unlock", "--stack", "test", "--root", str(small_project))
        assert refused.returncode == 1 and "may still be running" in refused.stderr
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path.write_text(f'{{"pid": {dead.pid}, "host": "{os.uname().nodename}", "user": "ci", '
                    f'"started": "2026-11-25T10:00:00+0000", "command": "tenantctl local up"}}')
    blocked = tenantctl("local", "up", "--stack", "test", "--root", str(small_project),
                        env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert blocked.returncode == 1 and "no longer running" in blocked.stderr and "local unlock" in blocked.stderr
    cleared = tenantctl("local", "unlock", "--stack", "test", "--root", str(small_project))
    assert cleared.returncode == 0 and not path.exists()


def test_pinning_a_bought_number_keeps_it(small_project: Path, sandbox: SandboxServer) -> None:
    first = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    bought = reveal(first.outputs)["tenants"]["alpha"]["phone_numbers"]["main"]
    path = small_project / "tenants" / "alpha.yaml"
    path.write_text(path.read_text().replace("    search: {country: US, type: local, capabilities: [voice, sms]}",
                                             f'    number: "{bought["phone_number"]}"', 1))
    preview = deploy("preview", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert "delete" not in preview.counts and "create" not in preview.counts, preview.steps
    before = sandbox.backend.last_seq
    pinned = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert "delete" not in pinned.counts and not [r for r in sandbox.backend.requests(before) if r.is_write]
    assert sandbox.backend.numbers[bought["sid"]].account_sid == reveal(first.outputs)["tenants"]["alpha"]["account_sid"]
    again = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE, refresh_first=True)
    assert set(again.counts) <= {"same", "refresh"}
    assert reveal(again.outputs)["tenants"]["alpha"]["phone_numbers"]["main"]["sid"] == bought["sid"]


def test_a_run_bound_to_fail_on_a_protected_resource_writes_nothing(small_project: Path,
                                                                       sandbox: SandboxServer) -> None:
    deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    old = small_project / "tenants" / "alpha.yaml"
    (small_project / "tenants" / "alpha-renamed.yaml").write_text(old.read_text().replace("id: alpha",
                                                                                         "id: alpha-renamed"))
    old.unlink()
    before = sandbox.backend.last_seq
    with pytest.raises(ApplyError) as raised:
        deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert "protected" in str(raised.value)
    assert [r for r in sandbox.backend.requests(before) if r.is_write] == [], "nothing bought, nothing created"


def test_stack_output_masks_secret_leaves_as_pulumi_does(small_project: Path, sandbox: SandboxServer) -> None:
    """The Python SDK sends an Output.secret inside the exported map as a secret leaf; `pulumi stack output`
    masks only those leaves. The engine-less state and `tenantctl local output` do exactly the same."""
    deployed = reveal(deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE).outputs)["tenants"]
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    shown = tenantctl("local", "output", "tenants", "--stack", "test", "--root", str(small_project), env=env)
    assert shown.returncode == 0, shown.stderr
    alpha = json.loads(shown.stdout)["alpha"]
    assert alpha["account_sid"] == deployed["alpha"]["account_sid"], "SIDs are not secret"
    assert alpha["auth_token"] == "[secret]" and alpha["api_key_secret"] == "[secret]"
    assert deployed["alpha"]["auth_token"] not in shown.stdout
    revealed = tenantctl("local", "output", "tenants", "--show-secrets", "--stack", "test", "--root",
                         str(small_project), env=env)
    assert json.loads(revealed.stdout)["alpha"]["auth_token"] == deployed["alpha"]["auth_token"]
    state = json.loads(state_path(small_project, "test").read_text())
    assert state["outputs"]["tenants"]["alpha"]["account_sid"] == deployed["alpha"]["account_sid"]
    assert set(state["outputs"]["tenants"]["alpha"]["auth_token"]) == {"secure"}


def test_a_changed_search_that_no_longer_matches_the_bought_number_says_so(small_project: Path,
                                                                           sandbox: SandboxServer) -> None:
    first = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    bought = reveal(first.outputs)["tenants"]["alpha"]["phone_numbers"]["main"]["phone_number"]
    other_area = "212" if bought[2:5] != "212" else "305"
    path = small_project / "tenants" / "alpha.yaml"
    path.write_text(path.read_text().replace("search: {country: US, type: local, capabilities: [voice, sms]}",
                                             f'search: {{country: US, type: local, area_code: "{other_area}", '
                                             'capabilities: [voice, sms]}', 1))
    before = sandbox.backend.last_seq
    for action in ("preview", "up"):
        with pytest.raises(Exception) as raised:
            deploy(action, root=small_project, stack="test", passphrase=PASSPHRASE)
        message = str(raised.value)
        assert bought in message and "no longer matches" in message and "new entry" in message, message
    assert [r for r in sandbox.backend.requests(before) if r.is_write] == [], "nothing bought, nothing released"
    path.write_text(path.read_text().replace(f'area_code: "{other_area}", ', f'area_code: "{bought[2:5]}", '))
    matching = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
    assert "create" not in matching.counts and "delete" not in matching.counts, "a search the number still fits"


def test_one_tenant_failing_at_twilio_does_not_withhold_the_others_outputs(small_project: Path,
                                                                          sandbox: SandboxServer) -> None:
    """A tenant whose number cannot be bought fails the run; every other tenant is applied, and its outputs (the
    CRM's credentials) are written all the same; the failing tenant is named."""
    (small_project / "tenants" / "zulu.yaml").write_text(
        "id: zulu\ndisplay_name: Zulu\nstatus: active\nphone_numbers:\n  - name: main\n"
        "    search: {country: US, type: local, area_code: \"415\", contains: \"98765432\", capabilities: [sms]}\n")
    failed = tenantctl("local", "up", "--stack", "test", "--root", str(small_project),
                       env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}, timeout=300)
    assert failed.returncode == 1 and "zulu" in failed.stderr, failed.stderr
    assert "outputs written for 4 tenant(s); kept as they were for the failed: zulu" in failed.stderr, failed.stderr
    for tenant in ("alpha", "delta"):
        creds = tenantctl("credentials", tenant, "--stack", "test", "--source", "local", "--root", str(small_project),
                          env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
        assert creds.returncode == 0, creds.stderr
        account = json.loads(creds.stdout)["account_sid"]
        assert sandbox.backend.accounts[account].friendly_name == f"tenant:{tenant}"


def test_a_run_leaves_no_event_loop_for_the_garbage_collector(small_project: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An unclosed loop collected at exit prints `Exception ignored in BaseEventLoop.__del__ ... Invalid file
    descriptor: -1` after the command's output; `tenantctl` closes every idle loop before it returns."""
    import asyncio
    import gc

    from provider.cli import main

    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    (small_project / "tenants" / "evil.yaml").write_text(
        "id: evil\ndisplay_name: Evil\nstatus: active\nsubaccount_sid: AC" + "9" * 32 + "\n")
    for action in ("preview", "up"):
        main(["local", action, "--stack", "test", "--root", str(small_project)])
        left = [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()
                and not o.is_running()]  # the stand-in serves on its own running loop
        assert left == [], f"{action}: {len(left)} event loop(s) left open"


def test_a_run_against_a_stand_in_that_is_down_says_so_at_once(small_project: Path, sandbox: SandboxServer) -> None:
    import time as clock
    sandbox.stop()
    began = clock.monotonic()
    done = tenantctl("local", "up", "--refresh", "--stack", "test", "--root", str(small_project),
                     env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}, timeout=120)
    assert done.returncode == 1 and clock.monotonic() - began < 15
    assert "The local Twilio stand-in is not running" in done.stderr and "Max retries" not in done.stderr
    assert "Traceback" not in done.stderr
