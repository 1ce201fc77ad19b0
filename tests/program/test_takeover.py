"""One tenant's file must never close, rob or adopt another tenant's subaccount or numbers; moves stay possible
when the source tenant's file lets go in the same change, and closing or suspending waits for the move."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from provider.localengine.deploy import deploy
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer

from ..support.cli import tenantctl
from ..support.projects import PASSPHRASE


def up(root: Path, action: str = "up", **kwargs):
    return deploy(action, root=root, stack="test", passphrase=PASSPHRASE, **kwargs)


def tenants_of(result) -> dict:
    return reveal(result.outputs)["tenants"]


def writes_since(sandbox: SandboxServer, seq: int) -> list:
    return [r for r in sandbox.backend.requests(seq) if r.is_write]


def refused_without_a_write(root: Path, sandbox: SandboxServer, *words: str) -> None:
    """Preview and up both refuse, naming every word, and send Twilio no write."""
    for action in ("preview", "up"):
        before = sandbox.backend.last_seq
        with pytest.raises(Exception) as raised:
            up(root, action)
        message = str(raised.value)
        assert all(word in message for word in words), message
        assert writes_since(sandbox, before) == [], f"{action} changed nothing"


def evil(root: Path, body: str) -> None:
    (root / "tenants" / "evil.yaml").write_text(f"id: evil\ndisplay_name: Evil\n{body}")


def drop_entry(root: Path, tenant: str, entry: str) -> None:
    """Remove one `phone_numbers` entry (two lines: name and search) from a generated tenant file."""
    path = root / "tenants" / f"{tenant}.yaml"
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index(f"  - name: {entry}\n")
    path.write_text("".join(lines[:at] + lines[at + 2:]))


def add_entry(root: Path, tenant: str, name: str, number: str) -> None:
    path = root / "tenants" / f"{tenant}.yaml"
    path.write_text(path.read_text().replace("api_key:", f'  - name: {name}\n    number: "{number}"\napi_key:'))


def test_a_new_file_cannot_adopt_and_close_another_tenants_subaccount(small_project: Path,
                                                                       sandbox: SandboxServer) -> None:
    first = up(small_project)
    victim = tenants_of(first)["alpha"]
    evil(small_project, f"status: closed\nsubaccount_sid: {victim['account_sid']}\n")
    refused_without_a_write(small_project, sandbox, "alpha", "evil", "tenants/alpha.yaml")
    account = sandbox.backend.accounts[victim["account_sid"]]
    assert account.status == "active" and account.friendly_name == "tenant:alpha"


def test_a_new_file_cannot_take_a_number_another_tenant_bought(small_project: Path, sandbox: SandboxServer) -> None:
    first = up(small_project)
    victim = tenants_of(first)["bravo"]
    number = victim["phone_numbers"]["main"]["phone_number"]
    evil(small_project, f'status: active\nphone_numbers:\n  - name: stolen\n    number: "{number}"\n')
    refused_without_a_write(small_project, sandbox, number, "bravo", "tenant:evil/stolen")
    assert sandbox.backend.numbers[victim["phone_numbers"]["main"]["sid"]].account_sid == victim["account_sid"]


def test_the_provider_refuses_a_subaccount_named_for_another_tenant_even_unseen_by_the_program(
        small_project: Path, sandbox: SandboxServer, parent) -> None:
    """A tenant the stack does not manage (another stack's, or made by hand) is still protected by its name."""
    outsider = parent.api.v2010.accounts.create(friendly_name="tenant:outsider")
    evil(small_project, f"status: active\nsubaccount_sid: {outsider.sid}\n")
    before = sandbox.backend.last_seq
    with pytest.raises(Exception) as raised:
        up(small_project)
    assert "belongs to tenant outsider" in str(raised.value) and "tenant evil" in str(raised.value)
    assert sandbox.backend.accounts[outsider.sid].friendly_name == "tenant:outsider"
    assert not [r for r in writes_since(sandbox, before) if outsider.sid in r.path]


def test_moving_a_bought_number_is_a_transfer_when_the_source_lets_go(small_project: Path,
                                                                      sandbox: SandboxServer) -> None:
    first = up(small_project)
    source = tenants_of(first)["bravo"]["phone_numbers"]["main"]
    numbers_before = len(sandbox.backend.numbers)
    drop_entry(small_project, "bravo", "main")
    add_entry(small_project, "alpha", "moved", source["phone_number"])
    preview = up(small_project, "preview")
    creates = [s for s in preview.steps if s.op == "create"]
    assert len(creates) == 1 and creates[0].detail.startswith(f"transfer {source['phone_number']} from bravo/main")
    moved = up(small_project)
    alpha = tenants_of(moved)["alpha"]
    assert alpha["phone_numbers"]["moved"]["sid"] == source["sid"], "same number, same SID: moved in place"
    assert sandbox.backend.numbers[source["sid"]].account_sid == alpha["account_sid"]
    assert len(sandbox.backend.numbers) == numbers_before, "nothing released, nothing bought"


@pytest.mark.parametrize("status", ["closed", "suspended"])
def test_closing_or_suspending_a_tenant_and_handing_its_number_over_in_one_change(
        small_project: Path, sandbox: SandboxServer, status: str) -> None:
    first = up(small_project)
    handed = tenants_of(first)["charlie"]["phone_numbers"]["main"]
    path = small_project / "tenants" / "charlie.yaml"
    path.write_text(path.read_text().replace("status: active", f"status: {status}"))
    drop_entry(small_project, "charlie", "main")
    add_entry(small_project, "delta", "handed", handed["phone_number"])
    result = up(small_project)
    delta = tenants_of(result)["delta"]
    assert sandbox.backend.numbers[handed["sid"]].account_sid == delta["account_sid"], "the number survived"
    assert sandbox.backend.accounts[tenants_of(first)["charlie"]["account_sid"]].status == status
    assert set(up(small_project, refresh_first=True).counts) <= {"same", "refresh"}


def validate_against(root: Path) -> subprocess.CompletedProcess[str]:
    return tenantctl("validate", "--stack", "test", "--against-stack", "test", "--root", str(root), "tenants",
                     cwd=root, env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})


def test_validate_against_the_stack_shows_hijacks_removals_renames_and_moves(small_project: Path) -> None:
    """What the pull-request workflow runs before `pulumi preview`: no Twilio call, only files and outputs."""
    never = validate_against(small_project)
    assert never.returncode == 0 and "nothing deployed" in never.stderr
    deployed = tenants_of(up(small_project))
    assert validate_against(small_project).returncode == 0

    evil(small_project, f"status: closed\nsubaccount_sid: {deployed['alpha']['account_sid']}\n")
    hijack = validate_against(small_project)
    assert hijack.returncode == 1 and "tenants/evil.yaml:4:" in hijack.stdout and "tenant alpha's subaccount" in \
        hijack.stdout
    number = deployed["bravo"]["phone_numbers"]["main"]["phone_number"]
    evil(small_project, f'status: active\nphone_numbers:\n  - name: stolen\n    number: "{number}"\n')
    stolen = validate_against(small_project)
    assert stolen.returncode == 1 and f"{number} is tenant bravo's entry `main`" in stolen.stdout
    drop_entry(small_project, "bravo", "main")
    moved = validate_against(small_project)
    assert moved.returncode == 0 and f"moves {number} from tenant bravo (entry `main`) to tenant evil" in moved.stderr
    (small_project / "tenants" / "evil.yaml").unlink()

    alpha = small_project / "tenants" / "alpha.yaml"
    renamed = small_project / "tenants" / "alpha-two.yaml"
    renamed.write_text(alpha.read_text().replace("id: alpha", "id: alpha-two"))
    alpha.unlink()
    rename = validate_against(small_project)
    assert rename.returncode == 1 and "tenant alpha is deployed" in rename.stdout and "cannot be removed or " \
        "renamed" in rename.stdout


@pytest.mark.parametrize("how", ["sid with a made-up number", "sid with its own other number"])
def test_a_file_cannot_take_another_tenants_bought_number_by_its_sid(small_project: Path, sandbox: SandboxServer,
                                                                     how: str) -> None:
    """alpha names bravo's bought number by its PN SID, with a `number` that is not that number: refused in the
    Check (preview and up), bravo keeps its number, nothing is bought for anyone."""
    first = tenants_of(up(small_project))
    victim = first["bravo"]["phone_numbers"]["main"]
    decoy = "+14155559876" if how.startswith("sid with a made-up") else first["alpha"]["phone_numbers"]["main"][
        "phone_number"]
    path = small_project / "tenants" / "alpha.yaml"
    path.write_text(path.read_text().replace(
        "api_key:", f'  - name: taken\n    number: "{decoy}"\n    sid: {victim["sid"]}\napi_key:'))
    refused_without_a_write(small_project, sandbox, "bravo", victim["sid"])
    assert sandbox.backend.numbers[victim["sid"]].account_sid == first["bravo"]["account_sid"]


def test_a_sid_that_names_another_number_than_number_is_refused_before_any_move(small_project: Path,
                                                                                 sandbox: SandboxServer) -> None:
    """bravo's number is pinned (by number only, so no file names its SID); alpha names that SID with another
    number. Twilio would be asked nothing on bravo's number: the create refuses the mismatch."""
    first = tenants_of(up(small_project))
    victim = first["bravo"]["phone_numbers"]["main"]
    bravo = small_project / "tenants" / "bravo.yaml"
    bravo.write_text(bravo.read_text().replace(
        "search: {country: US, type: local, capabilities: [voice, sms]}", f'number: "{victim["phone_number"]}"', 1))
    up(small_project)  # pinning changes nothing at Twilio
    path = small_project / "tenants" / "alpha.yaml"
    path.write_text(path.read_text().replace(
        "api_key:", f'  - name: taken\n    number: "+14155559876"\n    sid: {victim["sid"]}\napi_key:'))
    with pytest.raises(Exception) as raised:
        up(small_project)
    assert "must name the same number" in str(raised.value), raised.value
    assert sandbox.backend.numbers[victim["sid"]].account_sid == first["bravo"]["account_sid"]
    assert not [r for r in sandbox.backend.requests(0) if r.is_write and victim["sid"] in r.path]
