"""A stack deployed by the previous release keeps working: its state (providers pickled by module path, the old
whole-map secret output) loads, a plain `up` changes nothing, and a delete runs through the unpickled provider."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from provider.localengine.deploy import deploy, state_path
from provider.localengine.state_store import reveal
from provider.sandbox import Clock, SandboxServer, TwilioBackend

from ..support.paths import FIXTURES

FIXTURE = FIXTURES / "previous-release"


@pytest.fixture
def old_stack(tmp_path: Path) -> Iterator[tuple[Path, SandboxServer]]:
    root = tmp_path / "stack"
    shutil.copytree(FIXTURE, root)
    backend = TwilioBackend(clock=Clock(datetime(2026, 11, 2, tzinfo=UTC)),
                            state_file=root / "twilio-state.json")
    server = SandboxServer(backend).start()
    stack_file = root / "Pulumi.fixture.yaml"
    stack_file.write_text(re.sub(r"http://127\.0\.0\.1:[0-9]+", server.base_url, stack_file.read_text()))
    try:
        yield root, server
    finally:
        server.stop()


def test_a_stack_from_the_previous_release_is_unchanged_by_up(old_stack) -> None:
    root, server = old_stack
    before = server.backend.last_seq
    result = deploy("up", root=root, stack="fixture", passphrase="fixture", refresh_first=True)
    # alias: the key `api_key: true` made is now named per generation; the state follows, Twilio sees nothing
    assert set(result.counts) <= {"same", "refresh", "alias"}, result.steps
    assert [r for r in server.backend.requests(before) if r.is_write] == []
    tenants = reveal(result.outputs)["tenants"]
    assert tenants["alpha"]["auth_token"] == server.backend.accounts[tenants["alpha"]["account_sid"]].auth_token
    state = state_path(root, "fixture").read_text()
    assert tenants["alpha"]["auth_token"] not in state, "re-sealed in the new format, leaf by leaf"


def test_a_release_from_the_previous_state_goes_through_the_pickled_provider(old_stack) -> None:
    root, server = old_stack
    first = reveal(deploy("up", root=root, stack="fixture", passphrase="fixture").outputs)["tenants"]
    released = first["bravo"]["phone_numbers"]["second"]["sid"]
    path = root / "tenants" / "bravo.yaml"
    path.write_text(path.read_text().replace(
        "  - name: second\n    search: {country: US, type: local, capabilities: [voice]}\n", ""))
    result = deploy("up", root=root, stack="fixture", passphrase="fixture")
    assert result.counts.get("delete") == 1
    assert released not in server.backend.numbers, "released as the entry's removal says"
    assert first["pinned"]["phone_numbers"]["main"]["sid"] in server.backend.numbers
