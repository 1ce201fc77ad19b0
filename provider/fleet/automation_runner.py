"""A shard's stack run with the Pulumi CLI through the Automation API (`pulumi.automation`).

Each shard stays an ordinary stack that `pulumi up --stack …`, Pulumi Deployments or a CI matrix can run alike.
`up` previews first and applies only if the preview passed, as a plain `pulumi up` does (the Automation API's `up`
skips the preview): a shard bound to fail writes nothing. The stack must exist in the backend (`pulumi stack init`
once per shard): a fleet run never creates stacks on its own.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..localengine.cpu_gate import CpuGate
from ..stackfiles.stack_config import environment_passphrase, public_passphrase
from .budgets import BUDGET_ENV
from .runs import ShardRun, last_meaningful_line


def run_automation(run: ShardRun, action: str, root: Path, refresh: bool = False,
                   preview_slots: Path | None = None, backend_name: str | None = None) -> ShardRun:
    """backend_name: the stack's name in the backend (ORG/<stack>); the shard's own name by default."""
    from pulumi import automation as auto

    run.begin()
    name = backend_name or run.stack
    output: list[str] = []
    env = {BUDGET_ENV: str(run.budget)}
    public = public_passphrase(root / f"Pulumi.{run.stack}.yaml")
    if public and environment_passphrase() is None:  # the CLI reads only the environment
        env["PULUMI_CONFIG_PASSPHRASE"] = public
    opts = auto.LocalWorkspaceOptions(work_dir=str(root), env_vars=env)

    def follow(phase: str) -> Callable[[Any], None]:
        def on_event(event: Any) -> None:
            if getattr(event, "resource_pre_event", None) is not None:
                run.step(phase)
        return on_event

    try:
        stack = auto.select_stack(stack_name=name, work_dir=str(root), opts=opts)
        if action == "refresh":
            refreshed = stack.refresh(on_output=output.append, on_event=follow("refresh"), show_secrets=False)
            counts = refreshed.summary.resource_changes or {}
        else:
            with CpuGate(preview_slots):  # CPU-bound: no more at once than the fleet's slots
                previewed = stack.preview(on_output=output.append, on_event=follow("preview"),
                                          refresh=refresh or None)
            counts = previewed.change_summary or {}
            if action == "up":
                applied = stack.up(on_output=output.append, on_event=follow("apply"), show_secrets=False,
                                   refresh=refresh or None)
                counts = applied.summary.resource_changes or {}
    except auto.StackNotFoundError:
        run.fail(1, "".join(output), f"stack {name} does not exist in the Pulumi backend: create it once with "
                                     f"`pulumi stack init {name}` (a fleet run never creates stacks)")
        return run
    except auto.CommandError as error:
        code, stderr = _code_and_stderr(str(error))
        run.fail(code, "".join(output) + stderr, last_meaningful_line(stderr))
        return run
    run.succeed({str(op): int(n) for op, n in counts.items()}, "".join(output))
    return run


def _code_and_stderr(text: str) -> tuple[int, str]:
    """A CommandError's text is its CommandResult's: `\n code: N\n stdout: …\n stderr: …`."""
    head, _, stderr = text.partition("\n stderr: ")
    code = head.partition(" code: ")[2].split("\n", 1)[0].strip()
    return (int(code) if code.lstrip("-").isdigit() and int(code) != 0 else 1), (stderr or text)
