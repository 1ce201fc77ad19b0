"""One shard's run as the fleet watches it: waiting, running (phase and steps so far), then ok or failed."""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..localengine.engine import describe_counts


def last_meaningful_line(text: str) -> str:
    """What to show of a failed run's output: its last error line, or its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "failed" in line.lower()]
    return (errors or lines or [""])[-1][:200]


@dataclass
class ShardRun:
    stack: str
    shard: str
    budget: int  # requests in flight this shard may send: its share of its parent's budget
    state: str = "waiting"  # waiting | running | ok | failed
    phase: str = ""  # refresh | preview | apply
    steps: int = 0  # steps started in the current phase
    returncode: int | None = None
    summary: str = ""
    log: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    _started: float = 0.0
    _ended: float = 0.0

    def begin(self) -> None:
        self.state, self._started = "running", time.monotonic()

    def step(self, phase: str) -> None:
        """A step started (the engine's event): progress within the phase."""
        if phase != self.phase:
            self.phase, self.steps = phase, 0
        self.steps += 1

    def succeed(self, counts: Mapping[str, int], log: str = "") -> None:
        self.counts = dict(counts)
        self._end(0, describe_counts(counts), log)

    def fail(self, returncode: int, log: str, summary: str = "") -> None:
        self._end(returncode or 1, summary or last_meaningful_line(log), log)

    def _end(self, returncode: int, summary: str, log: str) -> None:
        self.returncode, self.summary, self.log, self._ended = returncode, summary, log, time.monotonic()
        self.state = "ok" if returncode == 0 else "failed"

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    @property
    def seconds(self) -> float:
        if not self._started:
            return 0.0
        return (self._ended or time.monotonic()) - self._started
