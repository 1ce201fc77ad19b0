"""A shard's stack run engine-less, as a child process (`tenantctl local ACTION --event-log FILE`).

A process per shard, as under the CLI: each shard has its own program, provider server, state file and lock. The
fleet follows the child's steps through its event log, never through its human output.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .budgets import BUDGET_ENV
from .runs import ShardRun
from .scratch import scratch_dir

POLL_S = 0.2


def local_command(action: str, stack: str, root: Path, event_log: Path, refresh: bool = False,
                  preview_slots: Path | None = None) -> list[str]:
    return [sys.executable, "-m", "provider.cli", "local", action, "--stack", stack, "--root", str(root),
            "--event-log", str(event_log), *(["--refresh"] if refresh and action != "refresh" else []),
            *(["--preview-slots", str(preview_slots)] if preview_slots else [])]


def run_local(run: ShardRun, action: str, root: Path, refresh: bool = False,
              preview_slots: Path | None = None) -> ShardRun:
    run.begin()
    env = {**os.environ, BUDGET_ENV: str(run.budget)}
    with scratch_dir("shard") as tmp:
        events, out, err = Path(tmp) / "events.jsonl", Path(tmp) / "stdout", Path(tmp) / "stderr"
        events.touch()
        with out.open("wb") as stdout, err.open("wb") as stderr, events.open(encoding="utf-8") as follow:
            child = subprocess.Popen(local_command(action, run.stack, root, events, refresh, preview_slots), cwd=root, env=env,
                                     stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
            counts: dict[str, int] = {}
            pending = ""
            while True:
                finished = child.poll() is not None
                pending += follow.read()
                *lines, pending = pending.split("\n")  # a line is whole once its newline is written
                for line in lines:
                    counts = _apply(run, line) or counts
                if finished:
                    break
                time.sleep(POLL_S)
        log = out.read_text(errors="replace") + err.read_text(errors="replace")
    if child.returncode == 0:
        run.succeed(counts, log)
    else:
        run.fail(child.returncode, log)
    return run


def _apply(run: ShardRun, line: str) -> dict[str, int]:
    """One event: a step (progress) or the run's summary (returned)."""
    try:
        event = json.loads(line)
    except ValueError:
        return {}
    if "summary" in event:
        return {str(op): int(n) for op, n in event["summary"].items()}
    run.step(str(event.get("phase", "")))
    return {}
