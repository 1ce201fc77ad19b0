"""The engine's resource lifecycle, in miniature, over the real provider server.

For each registered resource: Check, then Create (new) or Diff and Update / replace (create the new one,
delete the old one at the end); resources no longer registered are deleted at the end, unless protected;
preview runs Check and Diff only. It exists so the providers can be exercised end to end where the Pulumi
CLI cannot be installed; `pulumi up` itself is the production path.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pulumi.runtime.rpc import UNKNOWN  # the SDK's marker for a value known only after apply

from .. import naming
from .provider_server import ProviderServer


class ApplyError(Exception):
    pass


@dataclass
class ResourceState:
    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool = False
    secret_outputs: list[str] = field(default_factory=list)  # stored encrypted, whatever happens to the run
    retain: bool = False  # retainOnDelete: when the program drops it, the state forgets it and Twilio keeps it


@dataclass
class Step:
    op: str  # create | update | replace | delete | same | alias | refresh | gone
    urn: str
    detail: str = ""
    label: str = ""  # which tenant and entry the resource is, e.g. northside-pharmacy/main
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # (property, old, new); secrets masked


SECRET_HINTS = ("token", "secret", "password")
PROVIDER_SERVER_THREADS = 4  # pulumi.dynamic's server: ThreadPoolExecutor(max_workers=4)


def label_of(inputs: dict[str, Any], urn: str) -> str:
    """The tenant/entry a resource belongs to, from its friendly name (exact numbers are named by the number);
    otherwise its resource name, which the program already makes tenant-based (x/status, x/budget-80pct)."""
    name = inputs.get("friendly_name")
    if isinstance(name, str) and name.startswith(naming.PREFIX):
        return name[len(naming.PREFIX):]
    return urn.split("::")[-1]


def property_changes(old: dict[str, Any], new: dict[str, Any], secret: Sequence[str] = (),
                     prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Every input that differs, nested maps by key (webhooks.voice_url), as `pulumi preview --diff` lists them;
    values of secret properties are shown as [secret]."""
    out: list[tuple[str, Any, Any]] = []
    for key in sorted(set(old) | set(new)):
        if key.startswith("__") or old.get(key) == new.get(key):
            continue
        path = f"{prefix}{key}"
        before, after = old.get(key), new.get(key)
        if isinstance(before, dict) and isinstance(after, dict):
            out += property_changes(before, after, secret, f"{path}.")
            continue
        if key in secret or any(hint in key.lower() for hint in SECRET_HINTS):
            before, after = ("[secret]" if before is not None else None), ("[secret]" if after is not None else None)
        out.append((path, before, after))
    return out


def describe_counts(counts: Mapping[str, int]) -> str:
    """`3 create, 12 same`: a run's steps in one line, as every command prints them."""
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items()) if n) or "nothing"


def count_steps(steps: list[Step]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.op] = counts.get(step.op, 0) + 1
    return counts


@dataclass
class EngineState:
    resources: dict[str, ResourceState] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({urn: asdict(r) for urn, r in self.resources.items()}, indent=1, sort_keys=True)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.to_json())
        tmp.replace(path)


PROTECTED_REMOVAL = {
    "A2pRegistration": "brands have no DELETE at Twilio: write `a2p_10dlc: {remove: true}` and deploy (the campaign "
                       "is deleted, the brand is no longer managed), then remove the block",
    "Subaccount": "a tenant is offboarded by setting `status: closed` and deploying first, then removing its file; "
                  "to move it to another stack, see `shard_move` in docs/fleet.md",
}


def _how_to_remove(resource_type: str) -> str:
    kind = resource_type.rsplit(":", 1)[-1]
    return PROTECTED_REMOVAL.get(kind, "protected: restore what declared it")


class LocalEngine:
    def __init__(self, server: ProviderServer, state: EngineState | None = None, preview: bool = False,
                 on_change: Callable[[], None] = lambda: None, on_step: Callable[[Step], None] = lambda step: None):
        self.server = server
        self.state = state or EngineState()
        self.preview = preview
        self.steps: list[Step] = []
        self._seen: list[str] = []
        self._replaced: list[ResourceState] = []
        self._on_change = on_change  # told after every change to the state (the caller checkpoints it)
        self.on_step = on_step  # told of every step as it starts (progress); callers may switch it between phases
        # The program registers resources from several threads: bookkeeping is locked, provider calls are not.
        self._lock = threading.Lock()

    def _adopt_alias(self, urn: str, aliases: Sequence[str]) -> ResourceState | None:
        """The engine's alias rule: a resource registered under a new URN that one of its aliases names in the
        state *is* that resource (same id, same outputs): it is renamed in place, never created and deleted."""
        for alias in aliases:
            previous = self.state.resources.get(alias)
            if previous is not None and alias not in self._seen and urn not in self.state.resources:
                del self.state.resources[alias]
                previous.urn = urn
                self.state.resources[urn] = previous
                self._record(Step("alias", urn, f"was {alias.split('::')[-1]}"))
                return previous
        return None

    def register(self, urn: str, type_: str, inputs: dict[str, Any], protect: bool = False,
                 secret_outputs: Sequence[str] = (), aliases: Sequence[str] = (), retain: bool = False
                 ) -> dict[str, Any]:
        """Bring one resource to its inputs; returns its outputs (unknowns in preview for what is not yet made)."""
        with self._lock:
            self._seen.append(urn)
            old = self.state.resources.get(urn) or self._adopt_alias(urn, aliases)
            if old is not None:
                old.secret_outputs = list(secret_outputs)
                old.retain = retain  # options take effect in this run, as the engine records them on any step
        checked, wire, failures = self.server.check_inputs(urn, old.inputs if old else {}, inputs)
        if failures:
            raise ApplyError(f"{urn}: " + "; ".join(f"{prop}: {reason}" for prop, reason in failures))
        if old is None:
            self._step("create", urn, self._create_detail(checked), label_of(checked, urn))
            if self.preview:
                return {k: (v if v is not None else UNKNOWN) for k, v in checked.items()}
            id_, outs = self.server.create(urn, wire)
            with self._lock:
                self.state.resources[urn] = ResourceState(urn, type_, id_, checked, outs, protect,
                                                          list(secret_outputs), retain)
            self._on_change()
            return outs
        diff = self.server.diff(urn, old.id, old.outputs, wire)
        if not diff.changes:
            self._step("same", urn, label=label_of(checked, urn))
            old.inputs, old.protect = checked, protect
            return old.outputs
        if diff.replaces:
            self._step("replace", urn, ", ".join(diff.replaces), label_of(checked, urn),
                       property_changes(old.inputs, checked, old.secret_outputs))
            if old.protect:
                raise ApplyError(f"{label_of(checked, urn)} ({urn.split('::')[-2].rsplit(':', 1)[-1]}) is protected "
                                 f"and a change to {', '.join(diff.replaces)} would replace it: Twilio cannot make "
                                 "that change in place. Revert it in the tenant file")
            if self.preview:
                return {k: (v if v is not None else UNKNOWN) for k, v in checked.items()}
            if diff.delete_before_replace:
                # As the Pulumi engine does when the provider asks: Twilio holds one at a time (an alpha sender
                # per service, a number per service), so the old one goes first; a failed create leaves nothing
                # in the state, and the next run creates it.
                self.server.delete(urn, old.id, old.outputs)
                with self._lock:
                    del self.state.resources[urn]
                self._on_change()
            id_, outs = self.server.create(urn, wire)
            with self._lock:
                if not diff.delete_before_replace:
                    self._replaced.append(old)
                self.state.resources[urn] = ResourceState(urn, type_, id_, checked, outs, protect,
                                                          list(secret_outputs), retain)
            self._on_change()
            return outs
        self._step("update", urn, label=label_of(checked, urn),
                   changes=property_changes(old.inputs, checked, old.secret_outputs))
        if self.preview:
            return {**old.outputs, **checked}
        outs = self.server.update(urn, old.id, old.outputs, wire)
        old.inputs, old.outputs, old.protect = checked, outs, protect
        self._on_change()
        return outs

    @staticmethod
    def _create_detail(checked: dict[str, Any]) -> str:
        """What a create really does at Twilio: adopting something that exists is not making something new."""
        if checked.get("adopt_sid"):
            return f"adopt {checked['adopt_sid']}"
        if checked.get("number"):
            return f"adopt or transfer {checked['number']}"
        return ""

    def _step(self, op: str, urn: str, detail: str = "", label: str = "",
              changes: list[tuple[str, Any, Any]] | None = None) -> None:
        with self._lock:
            self._record(Step(op, urn, detail, label, changes or []))

    def _record(self, step: Step) -> None:
        self.steps.append(step)
        self.on_step(step)

    def finish(self) -> list[Step]:
        """Delete what the program no longer registers (protected resources refuse), then replaced originals."""
        leftovers = [r for urn, r in reversed(list(self.state.resources.items())) if urn not in self._seen]
        self._name_transfers(leftovers)
        protected = [r for r in leftovers if r.protect]  # retained or not, as the engine refuses them
        if protected:
            raise ApplyError("refusing to delete protected resource(s): " + "; ".join(
                f"{r.urn.split('::')[-1]} ({_how_to_remove(r.type)})" for r in protected))
        for resource in leftovers + self._replaced:
            kept = resource.retain and resource in leftovers
            self._record(Step("delete", resource.urn, "retained at Twilio" if kept else "",
                              label=label_of(resource.inputs, resource.urn)))
            if self.preview:
                continue
            if not kept:  # retainOnDelete: the engine drops it from the state without asking the provider
                self.server.delete(resource.urn, resource.id, resource.outputs)
            with self._lock:
                if self.state.resources.get(resource.urn) is resource:
                    del self.state.resources[resource.urn]
            self._on_change()
        return self.steps

    def _name_transfers(self, leftovers: list[ResourceState]) -> None:
        """A number created under one name while its old resource goes is a move: say from where to where."""
        leaving = {r.outputs.get("phone_number"): r.urn.split("::")[-1] for r in leftovers
                   if r.outputs.get("phone_number")}
        with self._lock:
            for step in self.steps:
                number = step.detail.rsplit(" ", 1)[-1] if step.op == "create" else None
                if number in leaving:
                    step.detail = f"transfer {number} from {leaving[number]} (same number, same SID)"

    def refresh(self, parallel: int = PROVIDER_SERVER_THREADS) -> list[Step]:
        """Read every resource, `parallel` at a time (the provider server serves at most 4 calls at once, under
        the real CLI as well); results are applied in state order, so the outcome does not depend on timing."""
        resources = list(self.state.resources.items())

        def read(item: tuple[str, ResourceState]) -> tuple[str, dict[str, Any]]:
            urn, resource = item
            outcome = self.server.read(urn, resource.id, resource.outputs)
            self.on_step(Step("refresh", urn, label=label_of(resource.inputs, urn)))  # progress, as reads finish
            return outcome

        with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="refresh") as pool:
            reads = list(pool.map(read, resources))
        for (urn, resource), (id_, outs) in zip(resources, reads, strict=True):
            if not id_:
                self.steps.append(Step("gone", urn, label=label_of(resource.inputs, urn)))
                del self.state.resources[urn]
            else:
                changed = outs != resource.outputs
                self.steps.append(Step("refresh", urn, "drift" if changed else "", label_of(resource.inputs, urn)))
                resource.outputs = outs
        self._on_change()
        return self.steps
