"""Scratch directories of fleet runs that a killed run cannot leave behind for ever.

Each one is named after the process that made it (`tenantctl-<what>-<pid>-<random>` in the temporary folder);
every new one first removes those of processes that are gone (a fleet or shard run killed with SIGKILL never
reaches its own clean-up). They hold event logs and CPU slot files: no secret.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NAME = re.compile(r"^tenantctl-[a-z]+-(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(base: Path) -> list[Path]:
    """Remove the scratch directories of dead processes; returns what was removed."""
    removed = []
    for entry in base.glob("tenantctl-*"):
        match = NAME.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


@contextmanager
def scratch_dir(what: str) -> Iterator[Path]:
    base = Path(tempfile.gettempdir())
    sweep(base)
    path = Path(tempfile.mkdtemp(prefix=f"tenantctl-{what}-{os.getpid()}-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
