"""One run per stack: the engine-less mode's lock, taken the way Pulumi's backends take theirs.

A lock file `.pulumi-local/<stack>.lock` is created atomically (O_EXCL) and says who holds it (process, host, user,
command) and since when. A second run fails at once naming the holder. A lock left by a run that died is cleared
only on purpose, with `tenantctl local unlock --stack NAME` (which refuses while the holder is alive on this host).
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


class StackLocked(Exception):
    """Another run holds the stack."""


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    user: str
    started: str
    command: str

    def describe(self) -> str:
        return f"process {self.pid} of {self.user} on {self.host}, since {self.started} ({self.command})"

    def is_alive_here(self) -> bool:
        """True when the holder runs on this host and is alive; False when it is certainly dead."""
        if self.host != socket.gethostname():
            return True  # cannot tell: assume alive
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def lock_path(state_file: Path) -> Path:
    return state_file.with_suffix(".lock")


def read_holder(path: Path) -> LockHolder | None:
    try:
        return LockHolder(**json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        return LockHolder(0, "unknown", "unknown", "unknown", f"unreadable lock file {path}")


class StackLock:
    """`with StackLock(path, stack):` holds the stack for the block; released even when the run fails."""

    def __init__(self, path: Path, stack: str):
        self.path = path
        self.stack = stack
        self._held = False

    def __enter__(self) -> StackLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = LockHolder(os.getpid(), socket.gethostname(), getpass.getuser(),
                        time.strftime("%Y-%m-%dT%H:%M:%S%z"), " ".join(["tenantctl", *sys.argv[1:]])[:200])
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            holder = read_holder(self.path)
            who = holder.describe() if holder else "a run that just finished"
            hint = ("" if holder is None or holder.is_alive_here() else
                    f"; that process is no longer running: if you are sure no run is in progress, clear the lock "
                    f"with `tenantctl local unlock --stack {self.stack}`")
            raise StackLocked(f"stack {self.stack} is locked by {who}{hint}") from None
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(me), handle)
        self._held = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False


def unlock(path: Path, stack: str, force: bool = False) -> str:
    """Clear a stale lock; refuses while its holder is alive on this host unless `force`."""
    holder = read_holder(path)
    if holder is None:
        return f"stack {stack} is not locked"
    if holder.is_alive_here() and not force:
        raise StackLocked(f"stack {stack} is locked by {holder.describe()}, which may still be running; "
                          "wait for it, or pass --force if you are certain it is gone")
    path.unlink(missing_ok=True)
    return f"cleared the lock of stack {stack} held by {holder.describe()}"
