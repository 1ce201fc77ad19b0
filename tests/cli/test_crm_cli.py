"""The CRM's read-out and the engine-less commands as processes, as an operator runs them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from provider.crm import CredentialsError, tenant_credentials
from provider.sandbox import SandboxServer
from provider.stackfiles import write_stack_file

from ..conftest import MESSAGING_CONFIG
from ..support.cli import tenantctl
from ..support.paths import EXAMPLES

PASSPHRASE = "crm-test"


@pytest.fixture
def deployed(tmp_path: Path, sandbox: SandboxServer) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "tenants")
    write_stack_file(tmp_path / "Pulumi.test.yaml", {"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                     "twilio:apiBaseUrl": sandbox.base_url, **MESSAGING_CONFIG}, {"twilio:authToken"}, PASSPHRASE)
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    result = tenantctl("local", "up", "--stack", "test", "--root", str(tmp_path), env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "up: " in result.stderr and "northside-pharmacy" in result.stdout
    assert sandbox.auth_token not in result.stdout + result.stderr, "no credential is ever printed"
    return tmp_path


def test_credentials_json_env_and_api(deployed: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    result = tenantctl("credentials", "northside-pharmacy", "--stack", "test", "--source", "local", cwd=deployed,
                       env=env)
    assert result.returncode == 0, result.stderr
    creds = json.loads(result.stdout)
    account = sandbox.backend.accounts[creds["account_sid"]]
    assert creds["auth_token"] == account.auth_token and account.friendly_name == "tenant:northside-pharmacy"
    assert sandbox.backend.keys[creds["api_key_sid"]].secret == creds["api_key_secret"]
    as_env = tenantctl("credentials", "northside-pharmacy", "--stack", "test", "--source", "local",
                       "--format", "env", cwd=deployed, env=env)
    assert f"export TWILIO_ACCOUNT_SID={creds['account_sid']}" in as_env.stdout.splitlines()

    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    api = tenant_credentials("northside-pharmacy", "test", source="local", work_dir=deployed)
    assert api.auth_token == creds["auth_token"] and "***" in repr(api) and api.auth_token not in repr(api)


def test_credentials_errors(deployed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE}
    unknown = tenantctl("credentials", "nobody", "--stack", "test", "--source", "local", cwd=deployed, env=env)
    assert unknown.returncode == 1 and "no tenant 'nobody'" in unknown.stderr and "northside-pharmacy" in \
        unknown.stderr
    missing = tenantctl("credentials", "northside-pharmacy", "--stack", "nope", "--source", "local", cwd=deployed,
                        env=env)
    assert missing.returncode == 1 and "no engine-less state" in missing.stderr
    wrong = tenantctl("credentials", "northside-pharmacy", "--stack", "test", "--source", "local", cwd=deployed,
                      env={"PULUMI_CONFIG_PASSPHRASE": "wrong"})
    assert wrong.returncode == 1 and "incorrect passphrase" in wrong.stderr
    if shutil.which("pulumi") is None:
        monkeypatch.setenv("PATH", "/nonexistent")
        with pytest.raises(CredentialsError) as raised:
            tenant_credentials("northside-pharmacy", "test", source="pulumi", work_dir=deployed)
        assert "pulumi CLI is not on PATH" in str(raised.value)


def test_local_up_refuses_invalid_tenant_files(deployed: Path) -> None:
    (deployed / "tenants" / "sunrise-rx.yaml").write_text("id: sunrise-rx\n")
    result = tenantctl("local", "preview", "--stack", "test", "--root", str(deployed),
                       env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 1 and "nothing was applied" in result.stderr and "sunrise-rx.yaml" in result.stderr
