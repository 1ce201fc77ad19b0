"""preview / up / refresh of a stack without the Pulumi CLI: the program, the real providers, an encrypted state.

State lives in `.pulumi-local/<stack>.json` next to the stack file; secrets in it are encrypted with the stack's
passphrase (Pulumi's own format), as the CLI's file backend would keep them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..stackfiles import read_stack_config, stack_crypter
from .engine import LocalEngine, Step, count_steps
from .program_runner import run_program
from .provider_server import ProviderServer
from .state_store import LocalStateStore

STATE_DIR = ".pulumi-local"


@dataclass
class DeployResult:
    steps: list[Step]
    outputs: dict[str, Any]
    state_file: Path
    counts: dict[str, int] = field(default_factory=dict)


def state_path(root: Path, stack: str) -> Path:
    return root / STATE_DIR / f"{stack}.json"


def deploy(action: str, *, root: Path, stack: str, tenants_dir: Optional[str] = None,
           passphrase: Optional[str] = None, env: Optional[dict[str, str]] = None,
           refresh_first: bool = False) -> DeployResult:
    """action: preview | up | refresh. refresh_first reads the live state before a preview or up (`--refresh`)."""
    from ..program import run  # imported late: the program module is only needed here

    config = read_stack_config(root / f"Pulumi.{stack}.yaml", passphrase)
    store = LocalStateStore(state_path(root, stack), stack_crypter(root / f"Pulumi.{stack}.yaml", passphrase))
    state, outputs, secret_names = store.load()
    with ProviderServer(env=env) as server:
        server.configure(config)
        engine = LocalEngine(server, state, preview=action == "preview")
        try:
            if action == "refresh" or refresh_first:
                engine.refresh()
            if action != "refresh":
                directory = tenants_dir or str(root / "tenants")
                monitor = run_program(lambda: run(directory), engine=engine, stack=stack, config=config,
                                      preview=action == "preview")
                engine.finish()
                secret_names.update({urn: r.additional_secret_outputs for urn, r in monitor.registrations.items()
                                     if r.additional_secret_outputs})
                outputs = monitor.stack_outputs
        finally:
            if action != "preview":
                store.save(engine.state, outputs, secret_names)
    return DeployResult(engine.steps, outputs, store.path, count_steps(engine.steps))
