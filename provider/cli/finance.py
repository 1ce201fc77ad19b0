"""What the finance commands (`usage`, `economics`) share: the job run behind a progress bar on stderr, its refusals
as one line and an exit code, and the report written in the format asked for."""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from rich.console import Console

T = TypeVar("T")
Progress = Callable[[int, int], None]


def run_job(command: str, label: str, job: Callable[[Progress], T], err: Console) -> tuple[T | None, int]:
    """(report, 0), or (None, exit code) after saying why on stderr; the bar is drawn only on a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    from ..usage import PeriodError
    from ..usage.job import UsageJobError

    try:
        with Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                 transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("fetch", total=None)
            return job(lambda done, total: progress.update(task, completed=done, total=total)), 0
    except PeriodError as error:
        err.print(f"tenantctl {command}: {error}", markup=False, highlight=False)
        return None, 2
    except UsageJobError as error:
        err.print(f"tenantctl {command}: {error}", markup=False, highlight=False)
        return None, error.exit_code


def write_report(fmt: str, text: dict[str, Callable[[], str]], table: Callable[[Console], None],
                 table_width: int) -> None:
    """`text[fmt]()` on stdout, or the rich table (as wide as the terminal, or `table_width` when piped)."""
    if fmt in text:
        sys.stdout.write(text[fmt]())
    else:
        table(Console(width=None if sys.stdout.isatty() else table_width))
