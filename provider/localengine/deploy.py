"""preview / up / refresh of a stack without the Pulumi CLI: the program, the real providers, an encrypted state.

State lives in `.pulumi-local/<stack>.json` next to the stack file; secrets in it are encrypted with the stack's
passphrase (Pulumi's own format), as the CLI's file backend would keep them, in every version of the file ever
written (checkpoints during a run, after a failure, after a kill). One run per stack holds its lock.
"""
from __future__ import annotations

import copy
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..stackfiles import read_stack_config, stack_crypter
from ..twilio_api.reachable import unreachable
from .cpu_gate import CpuGate
from .engine import EngineState, LocalEngine, Step, count_steps
from .program_runner import run_program
from .provider_server import ProviderServer
from .stack_lock import StackLock, lock_path
from .state_store import LocalStateStore, state_path  # state_path: also read here by its callers

CHECKPOINT_EVERY_S = 1.0  # a killed run loses at most this much bookkeeping; re-runs adopt what it made
CHECKPOINT_SHARE = 0.05  # ...or more on a large stack: saving the whole state never takes more of the run than this


@dataclass
class DeployResult:
    steps: list[Step]
    outputs: dict[str, Any]
    state_file: Path
    counts: dict[str, int] = field(default_factory=dict)


class _Checkpointer:
    """Saves the state (sealed, atomic) while a run changes it, and once at the end.

    Every second, unless a save takes long (a save writes the whole state: thousands of resources): then no more
    often than keeps saving under CHECKPOINT_SHARE of the run, so checkpoints never grow a run quadratically."""

    def __init__(self, store: LocalStateStore, outputs: dict[str, Any]):
        self.store, self.outputs = store, outputs
        self.state: EngineState | None = None
        self._last = time.monotonic()
        self._interval = CHECKPOINT_EVERY_S
        self._lock = threading.Lock()

    def changed(self) -> None:
        with self._lock:
            if self.state is not None and time.monotonic() - self._last >= self._interval:
                began = time.monotonic()
                self.store.save(self.state, self.outputs)
                self._last = time.monotonic()
                self._interval = max(CHECKPOINT_EVERY_S, (self._last - began) / CHECKPOINT_SHARE)

    def final(self, outputs: dict[str, Any]) -> None:
        with self._lock:
            if self.state is not None:
                self.store.save(self.state, outputs)


def _with_partial(outputs: dict[str, Any], error: Exception) -> dict[str, Any]:
    """The last outputs, with every entry the failed run did resolve (a tenant applied in full) brought up to
    date; the error then says which tenants kept their earlier outputs, or have none yet."""
    partial: dict[str, dict[str, Any]] = getattr(error, "partial_outputs", None) or {}
    merged = {**outputs}
    for name, entries in partial.items():
        if not name.endswith("!failed"):
            merged[name] = {**(outputs.get(name) or {}), **entries}
    failed = sorted(partial.get("tenants!failed") or {})
    if partial and hasattr(error, "message"):
        error.message = (f"{error.message}\n(outputs written for {len(partial.get('tenants') or {})} tenant(s); "  # type: ignore[attr-defined]
                         f"kept as they were for the failed: {', '.join(failed) or 'none'})")
    return merged


def deploy(action: str, *, root: Path, stack: str, tenants_dir: str | None = None,
           passphrase: str | None = None, env: dict[str, str] | None = None,
           refresh_first: bool = False, refresh_parallel: int = 4,
           on_step: Callable[[str, Step], None] = lambda phase, step: None,
           preview_slots: Path | None = None) -> DeployResult:
    """action: preview | up | refresh. refresh_first reads the live state before a preview or up (`--refresh`).
    on_step hears of every step as it starts, with its phase (refresh, preview, apply): progress for a caller.
    preview_slots: a directory of slot files shared by runs on one machine (`cpu_gate`); the preview pass waits for
    a free slot, so no more CPU-bound passes run at once than the fleet allows.

    `up` first runs the whole program as a preview against a copy of the state: a run bound to fail (a bad
    input, a protected resource it would delete or replace) fails there, before anything is written to Twilio.
    """
    from ..crm.other_stacks import guard_against_other_stacks
    from ..program import run  # imported late: the program module is only needed here
    from ..tenancy import LoadResult, ValidationPolicy, load_tenants

    config = read_stack_config(root / f"Pulumi.{stack}.yaml", passphrase)
    if action != "preview" or refresh_first:  # a preview without refresh never calls Twilio
        reason = unreachable(config.get("twilio:apiBaseUrl") or (env or {}).get("TWILIO_API_BASE_URL"), stack)
        if reason:
            raise ValueError(f"{reason}; nothing was changed")
    store = LocalStateStore(state_path(root, stack), stack_crypter(root / f"Pulumi.{stack}.yaml", passphrase))
    directory = tenants_dir or str(root / "tenants")

    deployed: dict[str, Any] = {}  # this stack's last outputs, set as the run loads its state

    @functools.cache
    def tenant_files() -> LoadResult:
        """Read once for every pass: the preview and the apply see the same files."""
        try:
            policy = ValidationPolicy.for_stack(stack, stand_in=bool(config.get("twilio:apiBaseUrl"))
                                                ).with_stack_defaults(config)
        except ValueError as error:
            raise ValueError(f"Pulumi.{stack}.yaml: {error}; nothing was changed") from None
        # Every other engine-less stack of the parent: no tenant, number or subaccount they deploy is taken here.
        own = deployed.get("tenants") or {}  # the outputs this run loaded (read once, decrypted once)
        return guard_against_other_stacks(load_tenants([directory], policy), root, stack, source="local",
                                          own=own)[0]

    def told(phase: str) -> Callable[[Step], None]:
        return lambda step: on_step(phase, step)

    def program_pass(engine: LocalEngine, preview: bool) -> dict[str, Any]:
        monitor = run_program(lambda: run(directory, tenant_files()), engine=engine, stack=stack, config=config,
                              preview=preview)
        engine.finish()
        return monitor.stack_outputs

    if action == "preview":
        state, outputs = store.load()
        deployed.update(outputs)
        with ProviderServer(env=env) as server:
            server.configure(config)
            engine = LocalEngine(server, state, preview=True, on_step=told("refresh"))
            if refresh_first:
                engine.refresh(refresh_parallel)
            engine.on_step = told("preview")
            with CpuGate(preview_slots):
                outputs = program_pass(engine, preview=True)
        return DeployResult(engine.steps, outputs, store.path, count_steps(engine.steps))

    with StackLock(lock_path(store.path), stack):
        state, outputs = store.load()
        deployed.update(outputs)
        checkpoint = _Checkpointer(store, outputs)
        with ProviderServer(env=env) as server:
            server.configure(config)
            engine = LocalEngine(server, state, on_change=checkpoint.changed, on_step=told("refresh"))
            checkpoint.state = engine.state
            try:
                if action == "refresh" or refresh_first:
                    engine.refresh(refresh_parallel)
                if action == "up":
                    with CpuGate(preview_slots):
                        program_pass(LocalEngine(server, copy.deepcopy(engine.state), preview=True,
                                                 on_step=told("preview")), preview=True)
                    engine.on_step = told("apply")
                    try:
                        outputs = program_pass(engine, preview=False)
                    except Exception as error:
                        outputs = _with_partial(outputs, error)
                        raise
            finally:
                checkpoint.final(outputs)
    return DeployResult(engine.steps, outputs, store.path, count_steps(engine.steps))
