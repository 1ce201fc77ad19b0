"""Pulumi's passphrase secrets format without the CLI, checked against Pulumi's own test fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from provider.stackfiles import (
    IncorrectPassphrase,
    PassphraseCrypter,
    StackConfigError,
    read_stack_config,
    write_stack_file,
)

from ..support.paths import REPO

# pulumi/pulumi pkg/secrets/passphrase/manager_test.go: this state opens with "password", not "password123".
PULUMI_FIXTURE_SALT = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ=="


def test_pulumi_fixture_opens_with_its_passphrase_only() -> None:
    crypter = PassphraseCrypter.from_encryptionsalt(PULUMI_FIXTURE_SALT, "password")
    assert crypter.decrypt(PULUMI_FIXTURE_SALT.split(":", 2)[2]) == "pulumi"
    with pytest.raises(IncorrectPassphrase):
        PassphraseCrypter.from_encryptionsalt(PULUMI_FIXTURE_SALT, "password123")


def test_written_stack_file_round_trips_and_hides_secrets(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    write_stack_file(path, {"twilio:accountSid": "AC" + "1" * 32, "twilio:authToken": "tok-123"},
                     {"twilio:authToken"}, "pw")
    assert "tok-123" not in path.read_text() and "secure: v1:" in path.read_text()
    assert read_stack_config(path, "pw") == {"twilio:accountSid": "AC" + "1" * 32, "twilio:authToken": "tok-123"}
    with pytest.raises(IncorrectPassphrase):
        read_stack_config(path, "nope")


def _secret_stack(root: Path) -> Path:
    write_stack_file(root / "Pulumi.other.yaml", {"twilio:authToken": "t"}, {"twilio:authToken"}, "sandbox")
    return root / "Pulumi.other.yaml"


def test_sandbox_stack_file_is_real(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = read_stack_config(REPO / "Pulumi.sandbox.yaml", "sandbox")
    assert config["twilio:apiBaseUrl"] == "http://127.0.0.1:8787" and len(config["twilio:authToken"]) == 32
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    assert read_stack_config(REPO / "Pulumi.sandbox.yaml") == config, "the sandbox publishes its passphrase"
    with pytest.raises(StackConfigError, match="PULUMI_CONFIG_PASSPHRASE"):
        read_stack_config(_secret_stack(tmp_path))
    assert "secure" not in (REPO / "Pulumi.prod.yaml").read_text().split("config:")[1], \
        "no prod secret is committed: it is set with `pulumi config set --secret`"


def test_the_sandbox_publishes_its_passphrase_and_no_other_stack_gets_one(tmp_path: Path) -> None:
    """Without PULUMI_CONFIG_PASSPHRASE, the sandbox stack (and a shard whose file publishes its passphrase) is read
    with the passphrase its file publishes; any other stack is refused with what to set."""
    import os
    import shutil
    import subprocess
    import sys

    from provider.stackfiles import read_stack_config, write_stack_file

    repo = REPO
    shutil.copy(repo / "Pulumi.sandbox.yaml", tmp_path / "Pulumi.sandbox.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_CONFIG_PASSPHRASE")}
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)
    try:
        assert read_stack_config(tmp_path / "Pulumi.sandbox.yaml")["twilio:authToken"]
        write_stack_file(tmp_path / "Pulumi.other.yaml", {"twilio:authToken": "t"}, {"twilio:authToken"}, "sandbox")
        with pytest.raises(Exception) as refused:
            read_stack_config(tmp_path / "Pulumi.other.yaml")
        assert "PULUMI_CONFIG_PASSPHRASE is not set" in str(refused.value)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    (tmp_path / "tenants").mkdir()
    shutil.copy(repo / "tenants" / "pinecrest-pharmacy.yaml", tmp_path / "tenants")
    done = subprocess.run([sys.executable, "-m", "provider.cli", "credentials", "pinecrest-pharmacy", "--stack",
                           "sandbox", "--source", "local", "--root", str(tmp_path)], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(repo)}, cwd=tmp_path)
    assert "PULUMI_CONFIG_PASSPHRASE" not in done.stderr, done.stderr
    assert "no tenant 'pinecrest-pharmacy' in stack 'sandbox'" in done.stderr, done.stderr
