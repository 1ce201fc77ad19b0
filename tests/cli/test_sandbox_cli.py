"""`tenantctl sandbox`: one JSON line to connect, its flags, and state that survives a restart."""
from __future__ import annotations

import json
from pathlib import Path

import requests

from ..support.cli import tenantctl
from ..support.sandbox_process import sandbox_process

SID = "AC" + "1" * 32


def test_prints_connection_line_and_serves_the_sdk(tmp_path: Path) -> None:
    from provider.twilio_api import make_client

    with sandbox_process("--seed", "5") as info:
        assert set(info) == {"base_url", "account_sid", "auth_token"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        client = make_client(info["account_sid"], info["auth_token"], info["base_url"])
        assert client.api.v2010.accounts(info["account_sid"]).fetch().status == "active"
    with sandbox_process("--seed", "5") as again:
        assert again["account_sid"] == info["account_sid"], "--seed makes the parent reproducible"


def test_state_file_survives_restart(tmp_path: Path) -> None:
    from provider.twilio_api import make_client

    state = tmp_path / "sandbox.json"
    with sandbox_process("--state", str(state), "--account-sid", SID, "--auth-token", "secret-token") as info:
        assert info["account_sid"] == SID and info["auth_token"] == "secret-token"
        client = make_client(SID, "secret-token", info["base_url"])
        sub = client.api.v2010.accounts.create(friendly_name="tenant:persisted")
        client.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(phone_number="+14155550800")
    assert json.loads(state.read_text())["parent_sid"] == SID
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"], "no temp files left behind"
    with sandbox_process("--state", str(state)) as info:
        client = make_client(SID, "secret-token", info["base_url"])
        names = [a.friendly_name for a in client.api.v2010.accounts.list()]
        assert "tenant:persisted" in names
        numbers = client.api.v2010.accounts(sub.sid).incoming_phone_numbers.list()
        assert [n.phone_number for n in numbers] == ["+14155550800"]


def test_faults_and_latency_flags() -> None:
    with sandbox_process("--fault-rate", "1", "--fault-kinds", "503", "--seed", "1") as info:
        response = requests.get(f"{info['base_url']}/2010-04-01/Accounts.json",
                                auth=(info["account_sid"], info["auth_token"]), timeout=10)
        assert response.status_code == 503


def test_bad_flags_exit_2() -> None:
    assert tenantctl("sandbox", "--account-sid", "nope").returncode == 2
    result = tenantctl("sandbox", "--fault-rate", "3")
    assert result.returncode == 2 and "between 0 and 1" in result.stderr
    result = tenantctl("sandbox", "--fault-kinds", "meteor")
    assert result.returncode == 2 and "unknown fault kinds" in result.stderr
