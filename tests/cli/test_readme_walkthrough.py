"""The README's five minutes in the sandbox, run as typed: its stand-in served from the sandbox stack, its sample
tenant saved, then every command of its block in order (on a copy of the repository, on a free port)."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ..support.cli import tenantctl
from ..support.paths import REPO
from .test_readme import code_blocks

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _copy(tmp: Path, port: int) -> Path:
    root = tmp / "repo"
    root.mkdir()
    for name in ("Pulumi.yaml", "economics.yaml", "fx-rates.yaml", "__main__.py"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "tenants", root / "tenants")
    for stack in REPO.glob("Pulumi.sandbox*.yaml"):  # the sandbox stacks, on a port nothing else uses
        (root / stack.name).write_text(stack.read_text().replace("127.0.0.1:8787", f"127.0.0.1:{port}"))
    return root


def _commands() -> list[list[str]]:
    """The walkthrough's `./tenantctl` lines, comments dropped, `$(date +%Y-%m)` as the shell would expand it."""
    block = next(b for b in code_blocks("sh") if "local up --stack sandbox" in b)
    lines = [re.split(r"\s+# ", line)[0].strip() for line in block.splitlines()]
    period = date.today().strftime("%Y-%m")
    return [shlex.split(line.replace("$(date +%Y-%m)", period))[1:] for line in lines if line]


def test_the_sandbox_walkthrough_runs_as_typed(tmp_path: Path) -> None:
    root = _copy(tmp_path, _free_port())
    env = {k: v for k, v in os.environ.items() if k != "PULUMI_CONFIG_PASSPHRASE"}  # the stack file gives it
    serve = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", "--stack", "sandbox"], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**env, "PYTHONPATH": str(REPO)}, start_new_session=True)
    try:
        assert serve.stdout is not None
        started = json.loads(serve.stdout.readline())
        assert started["base_url"].startswith("http://127.0.0.1:")
        sample = code_blocks("yaml")[0]
        (root / "tenants" / "pharmacy-x.yaml").write_text(sample)
        outputs = {}
        for words in _commands():
            done = tenantctl(*words, cwd=root, timeout=600, env=env)
            assert done.returncode == 0, f"{' '.join(words)}:\n{done.stdout}\n{done.stderr}"
            outputs[" ".join(words[:2])] = done.stdout + done.stderr
        assert "pharmacy-x" in outputs["local preview"]
        assert json.loads(outputs["credentials pharmacy-x"])["account_sid"].startswith("AC")
        again = tenantctl("local", "up", "--stack", "sandbox", cwd=root, timeout=600, env=env)
        shown = again.stdout + again.stderr
        assert again.returncode == 0 and re.search(r"up: \d+ same\b", shown) and "+ create" not in shown, shown
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)
