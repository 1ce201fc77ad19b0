"""Shared fixtures: the repository's example tenants and scratch copies of them to break."""
from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .support.paths import EXAMPLES
from .support.processes import descendants


@pytest.fixture
def tenant_dir(tmp_path: Path) -> Path:
    """A copy of the example tenants that a test may break."""
    target = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture(scope="session", autouse=True)
def _no_process_left_behind() -> Iterator[None]:
    """The run fails if a process it started (provider server, stand-in, Prism) is still alive at its end."""
    yield
    deadline = time.monotonic() + 5
    while (left := descendants(os.getpid())) and time.monotonic() < deadline:
        time.sleep(0.1)
    described = []
    for pid in left:
        try:
            described.append(f"{pid}: {Path(f'/proc/{pid}/cmdline').read_bytes().replace(bytes(1), b' ').decode()}")
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue
    assert not described, "processes outlived the test run:\n" + "\n".join(described)


@pytest.fixture(autouse=True)
def _run_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in messages are relative to the working directory; keep it the scratch dir."""
    monkeypatch.chdir(tmp_path)


# ---- the Twilio stand-in, reached over real HTTP with the official SDK, judged by Twilio's OpenAPI spec ----
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from twilio.rest import Client  # noqa: E402

from provider.sandbox import Clock, SandboxServer, TwilioBackend  # noqa: E402
from provider.sandbox.trusthub_v1.models import SANDBOX_PRIMARY_PROFILE_SID
from provider.twilio_api import make_client  # noqa: E402

from .support.contract import ContractChecker, ValidatingHttpClient  # noqa: E402

PINNED_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# What the sandbox stack sets for registration: the stand-in's approved primary customer profile, mock brands.
MESSAGING_CONFIG = {"twilio-tenants:primaryCustomerProfileSid": SANDBOX_PRIMARY_PROFILE_SID,
                    "twilio-tenants:mockBrands": "true"}


@pytest.fixture
def contract() -> Iterator[ContractChecker]:
    """Every SDK call in the test is checked against Twilio's spec; any violation fails the test."""
    checker = ContractChecker()
    yield checker
    assert not checker.violations, "calls broke Twilio's OpenAPI contract:\n" + "\n".join(checker.violations)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(TwilioBackend(seed=1234, clock=Clock(PINNED_NOW), demo_legacy=True)).start()
    try:
        yield server
    finally:
        server.stop()


Connect = Callable[..., Client]


@pytest.fixture
def connect(sandbox: SandboxServer, contract: ContractChecker) -> Connect:
    """connect() for the parent, connect(sid, token) for anyone else, connect(sid, secret, api_key=SK...) for a
    key; all through the contract check."""
    def make(username: str | None = None, password: str | None = None, server: SandboxServer = sandbox,
             api_key: str | None = None) -> Client:
        return make_client(username or server.account_sid, password or server.auth_token, api_key=api_key,
                           http_client=ValidatingHttpClient(server.base_url, contract, timeout=10))
    return make


@pytest.fixture
def parent(connect: Connect) -> Client:
    return connect()


@pytest.fixture
def tenant(parent: Client, connect: Connect) -> tuple[Client, Any]:
    """A fresh subaccount and a client acting as it (its own auth token), through the contract check."""
    account = parent.api.v2010.accounts.create(friendly_name="tenant:northside")
    return connect(account.sid, account.auth_token), account


# ---- a small engine-less project: generated tenants and a `test` stack pointing at the stand-in ----
from provider.stackfiles import write_stack_file  # noqa: E402

from .support.projects import PASSPHRASE, write_tenants  # noqa: E402


@pytest.fixture
def small_project(tmp_path: Path, sandbox: SandboxServer) -> Iterator[Path]:
    """Four tenants (alpha..delta), each with two bought numbers and an API key; stack `test`."""
    write_tenants(tmp_path / "tenants", ["alpha", "bravo", "charlie", "delta"])
    write_stack_file(tmp_path / "Pulumi.test.yaml",
                     {"twilio:accountSid": sandbox.account_sid, "twilio:authToken": sandbox.auth_token,
                      "twilio:apiBaseUrl": sandbox.base_url}, {"twilio:authToken"}, PASSPHRASE)
    yield tmp_path
