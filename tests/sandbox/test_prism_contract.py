"""Stoplight Prism, in proxy mode with --errors, between the official SDK and the stand-in.

Prism is an independent OpenAPI validator: every request the SDK sends and every answer the stand-in gives
passes through it and is checked against Twilio's spec (with the documented quirks patched in code).
"""
from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from provider.sandbox import SandboxServer
from provider.twilio_api import make_client
from provider.twilio_api.retry import RetryPolicy

from ..support.contract import patched_spec, spec_path
from ..support.paths import REPO
from ..support.processes import helper_process

PRISM = REPO / "tools" / "prism" / "node_modules" / ".bin" / "prism"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_prism(url: str, log: Path) -> Callable[[subprocess.Popen], str]:
    def ready(process: subprocess.Popen) -> str:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"prism exited: {log.read_text()[-2000:]}")
            try:
                requests.get(url + "/", timeout=2)
                return url
            except requests.RequestException:  # not listening yet, or too busy to answer in time
                time.sleep(0.2)
        raise RuntimeError(f"prism did not start within 90 s: {log.read_text()[-2000:]}")
    return ready


@contextmanager
def running_prism(spec: Path, upstream: str, tmp_path: Path) -> Iterator[str]:
    """Prism in proxy mode; stopped whatever happens, while it starts too (a read timeout under load)."""
    port, log = _free_port(), tmp_path / f"prism-{spec.stem}.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out, helper_process(
            [str(PRISM), "proxy", "--errors", "-h", "127.0.0.1", "-p", str(port), str(spec), upstream],
            _wait_for_prism(url, log), stdout=out, stderr=subprocess.STDOUT) as ready_url:
        yield ready_url


@pytest.fixture
def prism(sandbox: SandboxServer, tmp_path: Path) -> Iterator[str]:
    if not PRISM.exists():
        pytest.skip(f"Stoplight Prism is not installed ({PRISM}); scripts/bootstrap.sh installs it with npm")
    spec = tmp_path / "twilio_api_v2010.patched.json"
    spec.write_text(json.dumps(patched_spec()))
    with running_prism(spec, sandbox.base_url, tmp_path) as url:
        yield url


def test_main_scenarios_pass_prism(prism: str, sandbox: SandboxServer) -> None:
    client: Client = make_client(sandbox.account_sid, sandbox.auth_token, prism)
    sub = client.api.v2010.accounts.create(friendly_name="tenant:prism")
    assert client.api.v2010.accounts.list(friendly_name="tenant:prism")[0].sid == sub.sid
    offered = client.available_phone_numbers("US").local.list(area_code="415", sms_enabled=True, limit=2)
    number = client.api.v2010.accounts(sub.sid).incoming_phone_numbers.create(
        phone_number=offered[0].phone_number, friendly_name="tenant:prism/main", voice_url="https://crm.example.com/v")
    client.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).update(
        sms_url="https://crm.example.com/s", sms_method="GET")
    assert client.api.v2010.accounts(sub.sid).incoming_phone_numbers.list(phone_number=offered[0].phone_number)
    demo = client.incoming_phone_numbers.list(phone_number="+14155550100")[0]
    client.api.v2010.accounts(sandbox.account_sid).incoming_phone_numbers(demo.sid).update(account_sid=sub.sid)
    key = client.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="tenant:prism/crm")
    assert client.api.v2010.accounts(sub.sid).keys(key.sid).fetch().sid == key.sid
    trigger = client.api.v2010.accounts(sub.sid).usage.triggers.create(
        callback_url="https://crm.example.com/b", trigger_value="50", usage_category="totalprice",
        recurring="monthly", trigger_by="price")
    assert client.api.v2010.accounts(sub.sid).usage.triggers.list()[0].sid == trigger.sid
    assert client.api.v2010.accounts(sub.sid).usage.records.list(category="totalprice")
    assert client.api.v2010.accounts(sub.sid).usage.records.daily.list(page_size=2, limit=3)
    client.api.v2010.accounts(sub.sid).incoming_phone_numbers(number.sid).delete()
    client.api.v2010.accounts(sub.sid).update(status="suspended")
    client.api.v2010.accounts(sub.sid).update(status="closed")


def test_prism_really_judges(prism: str, sandbox: SandboxServer) -> None:
    """Guard against a proxy that checks nothing: a request the spec forbids is refused by Prism itself."""
    client = make_client(sandbox.account_sid, sandbox.auth_token, prism)
    with pytest.raises(TwilioRestException) as raised:
        client.api.v2010.accounts(sandbox.account_sid).update(status="paused")
    assert raised.value.status == 422


def test_unpatched_spec_flags_the_documented_quirks(sandbox: SandboxServer, tmp_path: Path) -> None:
    """The quirks are real: against the file as published, Prism rejects Twilio-shaped list answers."""
    if not PRISM.exists():
        pytest.skip(f"Stoplight Prism is not installed ({PRISM})")
    with running_prism(spec_path(), sandbox.base_url, tmp_path) as url:
        client = make_client(sandbox.account_sid, sandbox.auth_token, url, retry=RetryPolicy(max_attempts=1))
        with pytest.raises(TwilioException) as raised:
            client.api.v2010.accounts.list()
        assert 'must match format \\"uri\\"' in str(raised.value) or "must match format" in str(raised.value)
