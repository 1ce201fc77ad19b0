"""Run `tenantctl` as a user does: a separate process, its exit code and its two output streams."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .paths import REPO


def tenantctl(*args: str, cwd: Path | None = None, timeout: float = 60,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "provider.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env)
