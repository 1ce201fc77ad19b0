"""At most N program passes at once on one machine, whichever processes run them.

A preview pass is pure CPU (the program and Check for every resource, no Twilio round trip); an apply mostly waits
on Twilio. Shards run side by side on one machine overlap best when no more previews run at once than there are
cores: the others keep applying meanwhile. The fleet hands its children a directory of slot files; a pass holds an
exclusive `flock` on one of them. The kernel releases a lock when its holder dies, so a killed shard never keeps a
slot.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType
from typing import IO

POLL_S = 0.05


def make_slots(directory: Path, count: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(max(1, count)):
        (directory / f"slot-{index}").touch()
    return directory


class CpuGate:
    """`with CpuGate(directory):` waits for a free slot in `directory` (None: no gate, never waits)."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._held: IO[bytes] | None = None

    def __enter__(self) -> CpuGate:
        if self.directory is None:
            return self
        slots = sorted(self.directory.glob("slot-*"))
        if not slots:
            return self
        while True:
            for slot in slots:
                handle = slot.open("rb")
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()
                    continue
                self._held = handle
                return self
            time.sleep(POLL_S)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._held is not None:
            fcntl.flock(self._held.fileno(), fcntl.LOCK_UN)
            self._held.close()
            self._held = None


def default_slots() -> int:
    return os.cpu_count() or 1
