"""The stand-in's --state: every acknowledged write survives a kill (journal, fsync'd before the answer), a torn
last line is ignored, compaction folds the journal into a new snapshot, and the cost of a write does not grow with
the state (it appends the touched accounts' records, not the whole state)."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from provider.sandbox import TwilioBackend
from provider.sandbox.api_v2010 import models
from provider.sandbox.core import store
from provider.twilio_api import make_client

from ..support.paths import REPO
from ..support.processes import stop

SID = "AC" + "1" * 32


def with_subaccounts(state: Path, count: int, prefix: str, seed: int) -> tuple[TwilioBackend, models.Principal,
                                                                              Path]:
    """A stand-in kept in `state` with `count` subaccounts made through its journal; and its journal's path."""
    backend = TwilioBackend(seed=seed, state_file=state)
    parent = models.Principal(backend.parent)
    for i in range(count):
        backend.v2010.create_subaccount(parent, f"tenant:{prefix}{i}")
    return backend, parent, state.with_name(state.name + ".journal")


def spawn(state: Path) -> tuple[subprocess.Popen[str], dict]:
    process = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", "--state", str(state),
                                "--account-sid", SID, "--auth-token", "persist-token"], stdout=subprocess.PIPE,
                               text=True, cwd=REPO)
    try:
        return process, json.loads(process.stdout.readline())  # type: ignore[union-attr]
    except BaseException:  # never leave it running: a bad or missing first line, an interrupt
        stop(process)
        raise


def test_acknowledged_writes_survive_a_kill(tmp_path: Path) -> None:
    state = tmp_path / "twilio-state.json"
    process, info = spawn(state)
    client = make_client(info["account_sid"], info["auth_token"], info["base_url"])
    made = [client.api.v2010.accounts.create(friendly_name=f"tenant:k{i}") for i in range(5)]
    bought = client.api.v2010.accounts(made[0].sid).incoming_phone_numbers.create(area_code="415")
    client.api.v2010.accounts(made[1].sid).update(status="closed")
    client.api.v2010.accounts(made[0].sid).incoming_phone_numbers(bought.sid).update(account_sid=made[2].sid)
    process.send_signal(signal.SIGKILL)  # no clean shutdown: only what was fsync'd counts
    process.wait(timeout=10)
    journal = state.with_name(state.name + ".journal")
    assert journal.exists() and journal.stat().st_size < state.stat().st_size * 4
    with journal.open("a") as handle:
        handle.write('{"sids": ["AC')  # a write torn by the crash, never acknowledged
    backend = TwilioBackend(state_file=state)
    names = {a.friendly_name: a for a in backend.accounts.values()}
    assert {f"tenant:k{i}" for i in range(5)} <= set(names)
    assert names["tenant:k1"].status == "closed"
    assert backend.numbers[bought.sid].account_sid == made[2].sid, "the transfer, from the journal"
    assert backend.number_by_e164[bought.phone_number] == bought.sid


def test_compaction_folds_the_journal_and_loses_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "JOURNAL_COMPACT_MIN_BYTES", 2_000)
    state = tmp_path / "state.json"
    backend, parent, journal = with_subaccounts(state, 40, "c", seed=3)
    assert not journal.exists() or journal.stat().st_size <= max(2_000, state.stat().st_size) + 2_000
    again = TwilioBackend(state_file=state)
    assert {f"tenant:c{i}" for i in range(40)} <= {a.friendly_name for a in again.accounts.values()}
    assert again.snapshot()["accounts"] == backend.snapshot()["accounts"]


def test_a_write_appends_only_the_accounts_it_touched(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    backend, parent, journal = with_subaccounts(state, 300, "w", seed=4)
    before = journal.stat().st_size if journal.exists() else 0
    backend.v2010.create_subaccount(parent, "tenant:one-more")
    after = journal.stat().st_size if journal.exists() else 0
    assert 0 < after - before < 2_000, "one account's records, not the whole state"
