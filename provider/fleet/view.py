"""What the fleet shows: a live row per shard while it runs (rich, on stderr), a line as each shard ends (for CI
logs, where nothing redraws), and one summary table for the whole fleet."""
from __future__ import annotations

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from .runs import ShardRun

STATE_STYLE = {"waiting": "dim", "running": "cyan", "ok": "green", "failed": "bold red"}


def _state(run: ShardRun) -> Spinner | Text:
    """A spinner with the phase and its steps so far while running; the outcome once ended."""
    if run.state == "running":
        return Spinner("dots", text=Text(f"{run.phase or 'starting'} {run.steps or ''}".strip(), style="cyan"))
    label = f"failed ({run.returncode})" if run.state == "failed" else run.state
    return Text(label, style=STATE_STYLE[run.state])


def shard_table(runs: list[ShardRun], title: str) -> Table:
    table = Table(title=title)
    for column in ("stack", "shard", "result", "seconds", "summary"):
        table.add_column(column, overflow="fold", justify="right" if column == "seconds" else "left")
    for run in runs:
        table.add_row(run.stack, run.shard, _state(run), f"{run.seconds:.1f}", run.summary)
    return table


class FleetProgress:
    """The live rows while shards run; `ended` prints a line that stays, whatever the terminal."""

    def __init__(self, runs: list[ShardRun], action: str, err: Console):
        self.runs, self.action, self.err = runs, action, err
        self._live = Live(console=err, refresh_per_second=4, transient=True,
                          get_renderable=lambda: shard_table(self.runs, f"fleet {self.action}"))

    def __enter__(self) -> FleetProgress:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.__exit__(None, None, None)

    def ended(self, run: ShardRun) -> None:
        verdict = "ok" if run.ok else f"FAILED (exit {run.returncode})"
        self._live.console.print(f"{self.action} {run.stack}: {verdict} in {run.seconds:.1f} s — {run.summary}",
                                 markup=False, highlight=False)
