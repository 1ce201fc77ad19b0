"""Pulumi's passphrase secrets format without the CLI, checked against Pulumi's own test fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

from provider.stackfiles import (IncorrectPassphrase, PassphraseCrypter, StackConfigError, read_stack_config,
                                 write_stack_file)

from .conftest import REPO

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


def test_sandbox_stack_file_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    config = read_stack_config(REPO / "Pulumi.sandbox.yaml", "sandbox")
    assert config["twilio:apiBaseUrl"] == "http://127.0.0.1:8787" and len(config["twilio:authToken"]) == 32
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    with pytest.raises(StackConfigError, match="PULUMI_CONFIG_PASSPHRASE"):
        read_stack_config(REPO / "Pulumi.sandbox.yaml")
    assert "secure" not in (REPO / "Pulumi.prod.yaml").read_text().split("config:")[1], \
        "no prod secret is committed: it is set with `pulumi config set --secret`"
