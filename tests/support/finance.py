"""A stand-in with a history, served to the finance jobs the way they run in production: behind the contract proxy
(every request and response judged by Twilio's spec), with credentials in the environment and tenant files copied."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from provider.sandbox import SandboxServer

from .contract import ContractChecker
from .contract_proxy import ContractProxy


@contextmanager
def served_for_finance(server: SandboxServer, tenants: Path, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`server` (started) behind the proxy as TWILIO_*, `tenants` copied to tmp_path/tenants; stops it after and
    fails the test on any contract violation."""
    checker = ContractChecker()
    proxy = ContractProxy(server.base_url, checker).start()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", server.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", server.auth_token)
    monkeypatch.setenv("TWILIO_API_BASE_URL", proxy.base_url)
    shutil.copytree(tenants, tmp_path / "tenants")
    try:
        yield
    finally:
        proxy.stop()
        server.stop()
    assert not checker.violations, checker.violations
