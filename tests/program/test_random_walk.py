"""A seeded random walk of realistic pull requests, `up` after each, Twilio checked against the files every time.

Each step is a change a reviewer would approve: add, remove, move or pin a number; suspend or reactivate;
close a tenant while handing its numbers to another (then remove its file); edit a webhook; add or drop the API
key. After every `up`: each open tenant has exactly one subaccount in its status, exactly its numbers (exact ones
are the numbers written, none bought twice, none lost), its key, and nothing else.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from provider.localengine.deploy import deploy
from provider.localengine.state_store import reveal
from provider.sandbox import SandboxServer

from ..support.projects import PASSPHRASE

STEPS = 30
SEED = 1125


@dataclass
class Entry:
    name: str
    number: str | None = None  # None: bought by search
    capabilities: tuple[str, ...] = ("voice", "sms")


@dataclass
class TenantModel:
    id: str
    status: str = "active"
    entries: list[Entry] = field(default_factory=list)
    key: str = "on"  # on -> retired -> off -> on: a key the CRM uses is never deleted in one step
    voice_url: str = ""

    def yaml(self) -> str:
        lines = [f"id: {self.id}", f"display_name: {self.id}", f"status: {self.status}",
                 f"webhooks:\n  voice_url: {self.voice_url or f'https://crm.example.com/{self.id}/voice'}"]
        if self.entries:
            lines.append("phone_numbers:")
            for entry in self.entries:
                lines.append(f"  - name: {entry.name}")
                if entry.number:
                    lines.append(f'    number: "{entry.number}"')
                else:
                    lines.append(f"    search: {{country: US, type: local, capabilities: [{', '.join(entry.capabilities)}]}}")
        if self.key == "on":
            lines.append("api_key: true")
        elif self.key == "retired":
            lines.append("api_keys:\n  - name: crm\n    retired: true")
        return "\n".join(lines) + "\n"


class Walk:
    def __init__(self, root: Path, sandbox: SandboxServer, rng: random.Random):
        self.root, self.sandbox, self.rng = root, sandbox, rng
        self.tenants: dict[str, TenantModel] = {}
        self.closed: set[str] = set()  # closed and, one step later, their files removed
        self.deployed: dict = {}
        self.counter = 0
        self.log: list[str] = []

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def write(self) -> None:
        directory = self.root / "tenants"
        directory.mkdir(exist_ok=True)
        for path in directory.glob("*.yaml"):
            if path.stem not in self.tenants:
                path.unlink()
        for tenant in self.tenants.values():
            (directory / f"{tenant.id}.yaml").write_text(tenant.yaml())

    def open_tenants(self, status: str | None = None) -> list[TenantModel]:
        return [t for t in self.tenants.values() if t.status != "closed" and (status is None or t.status == status)]

    def bought(self) -> list[tuple[TenantModel, Entry, str]]:
        """Deployed numbers of active tenants: (tenant, entry, number)."""
        out = []
        for tenant in self.open_tenants("active"):
            numbers = (self.deployed.get(tenant.id) or {}).get("phone_numbers") or {}
            for entry in tenant.entries:
                if entry.name in numbers:
                    out.append((tenant, entry, numbers[entry.name]["phone_number"]))
        return out

    # ---- the changes ------------------------------------------------------------------------------------------
    def add_tenant(self) -> None:
        tenant = TenantModel(self.name("t"), entries=[Entry("main")])
        self.tenants[tenant.id] = tenant
        self.log.append(f"add tenant {tenant.id}")

    def add_number(self) -> None:
        tenant = self.rng.choice(self.open_tenants("active"))
        tenant.entries.append(Entry(self.name("n"), capabilities=self.rng.choice([("voice",), ("voice", "sms")])))
        self.log.append(f"{tenant.id}: buy a number")

    def remove_number(self) -> None:
        tenant = self.rng.choice([t for t in self.open_tenants("active") if t.entries])
        entry = tenant.entries.pop(self.rng.randrange(len(tenant.entries)))
        self.log.append(f"{tenant.id}: release {entry.name}")

    def move_number(self) -> None:
        tenant, entry, number = self.rng.choice(self.bought())
        target = self.rng.choice([t for t in self.open_tenants("active") if t.id != tenant.id])
        tenant.entries.remove(entry)
        target.entries.append(Entry(self.name("moved"), number=number))
        self.log.append(f"move {number} {tenant.id}/{entry.name} -> {target.id}")

    def pin_number(self) -> None:
        tenant, entry, number = self.rng.choice([b for b in self.bought() if not b[1].number])
        entry.number = number
        self.log.append(f"{tenant.id}: pin {entry.name} = {number}")

    def suspend_or_reactivate(self) -> None:
        tenant = self.rng.choice(self.open_tenants())
        tenant.status = "active" if tenant.status == "suspended" else "suspended"
        self.log.append(f"{tenant.id}: {tenant.status}")

    def close_with_handover(self) -> None:
        tenant = self.rng.choice(self.open_tenants("active"))
        heirs = [t for t in self.open_tenants("active") if t.id != tenant.id]
        numbers = (self.deployed.get(tenant.id) or {}).get("phone_numbers") or {}
        for entry in list(tenant.entries):
            if entry.name in numbers and heirs and self.rng.random() < 0.7:
                heir = self.rng.choice(heirs)
                heir.entries.append(Entry(self.name("heir"), number=numbers[entry.name]["phone_number"]))
        tenant.entries.clear()
        tenant.status = "closed"
        self.log.append(f"{tenant.id}: closed, numbers handed over")

    def edit_webhook(self) -> None:
        tenant = self.rng.choice(self.open_tenants("active"))
        tenant.voice_url = f"https://crm.example.com/{tenant.id}/voice-{self.counter}"
        self.counter += 1
        self.log.append(f"{tenant.id}: webhook")

    def toggle_key(self) -> None:
        tenant = self.rng.choice(self.open_tenants("active"))
        tenant.key = {"on": "retired", "retired": "off", "off": "on"}[tenant.key]
        self.log.append(f"{tenant.id}: key {tenant.key}")

    def step(self) -> None:
        for tenant_id in [t.id for t in self.tenants.values() if t.status == "closed"]:
            del self.tenants[tenant_id]  # offboarding's second pull request
            self.closed.add(tenant_id)
            self.log.append(f"remove file of {tenant_id}")
        active = self.open_tenants("active")
        choices = [self.add_tenant, self.edit_webhook, self.toggle_key, self.suspend_or_reactivate]
        if active:
            choices += [self.add_number, self.add_number]
        if any(t.entries for t in active):
            choices.append(self.remove_number)
        if self.bought() and len(active) > 1:
            choices += [self.move_number, self.move_number]
        if any(not b[1].number for b in self.bought()):
            choices.append(self.pin_number)
        if len(active) > 2:
            choices.append(self.close_with_handover)
        self.rng.choice(choices)()

    # ---- the check --------------------------------------------------------------------------------------------
    def check(self) -> None:
        backend = self.sandbox.backend
        by_name: dict[str, list] = {}
        for account in backend.accounts.values():
            by_name.setdefault(account.friendly_name, []).append(account)
        for tenant in self.tenants.values():
            accounts = [a for a in by_name.get(f"tenant:{tenant.id}", []) if a.status != "closed"]
            if tenant.status == "closed":
                assert accounts == [], f"{tenant.id} is closed"
                continue
            assert len(accounts) == 1 and accounts[0].status == tenant.status, (tenant.id, self.log[-3:])
            sid = accounts[0].sid
            held = {n.friendly_name: n for n in backend.numbers.values() if n.account_sid == sid}
            expected = {f"tenant:{tenant.id}/{e.name}" for e in tenant.entries}
            assert set(held) == expected, (tenant.id, sorted(held), sorted(expected), self.log[-3:])
            for entry in tenant.entries:
                if entry.number:
                    assert held[f"tenant:{tenant.id}/{entry.name}"].phone_number == entry.number
            keys = [k for k in backend.keys.values() if k.account_sid == sid]
            assert len(keys) == (0 if tenant.key == "off" else 1), (tenant.id, self.log[-3:])
        for closed in self.closed:
            assert all(a.status == "closed" for a in by_name.get(f"tenant:{closed}", []))


@pytest.mark.slow
def test_a_random_walk_of_pull_requests_keeps_twilio_equal_to_the_files(small_project: Path,
                                                                         sandbox: SandboxServer) -> None:
    walk = Walk(small_project, sandbox, random.Random(SEED))
    for path in (small_project / "tenants").glob("*.yaml"):
        path.unlink()
    for _ in range(3):
        walk.add_tenant()
    for step in range(STEPS):
        if step:
            walk.step()
        walk.write()
        result = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE)
        walk.deployed = reveal(result.outputs)["tenants"]
        walk.check()
    again = deploy("up", root=small_project, stack="test", passphrase=PASSPHRASE, refresh_first=True)
    assert set(again.counts) <= {"same", "refresh"}, walk.log
    assert len(walk.log) >= STEPS
