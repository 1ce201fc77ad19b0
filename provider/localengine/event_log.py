"""`tenantctl local --event-log FILE`: the engine-less run's steps as JSON lines, as they happen.

The counterpart of `pulumi … --event-log`: whoever runs a stack as a child process (`tenantctl fleet`) follows its
progress by reading the file, without parsing the human output. Labels and operations only: never a value.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO

from .engine import Step


class StepEventLog:
    def __init__(self, path: Path | None):
        self._file: IO[str] | None = path.open("a", encoding="utf-8") if path else None
        self._lock = threading.Lock()

    def step(self, phase: str, step: Step) -> None:
        self._write({"phase": phase, "op": step.op, "label": step.label})

    def summary(self, counts: dict[str, int]) -> None:
        self._write({"summary": counts})

    def _write(self, event: dict[str, object]) -> None:
        if self._file is None:
            return
        with self._lock:
            self._file.write(json.dumps(event) + "\n")
            self._file.flush()  # a reader follows the file while the run goes on

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
