"""`tenantctl sandbox` as a separate process, the way a newcomer or a benchmark starts it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .paths import REPO


@contextmanager
def sandbox_process(*args: str) -> Iterator[dict[str, str]]:
    """Start it, read its one JSON line, stop it with SIGTERM at the end."""
    process = subprocess.Popen([sys.executable, "-m", "provider.cli", "sandbox", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"sandbox did not start: {process.stderr.read()}")  # type: ignore[union-attr]
        yield json.loads(line)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
