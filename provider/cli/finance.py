"""What the finance commands (`usage`, `economics`) share: the job run behind a progress bar on stderr, its refusals
as one line and an exit code, and the report written in the format asked for."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

    from ..usage.options import FinanceOptions

T = TypeVar("T")
Progress = Callable[[int, int], None]


def add_finance_arguments(parser: argparse.ArgumentParser, categories_help: str) -> None:
    """The options `usage` and `economics` share, declared once (see `usage.options.FinanceOptions`)."""
    parser.add_argument("--stack", default="prod", help="stack whose outputs (or config) give accounts and credentials")
    parser.add_argument("--category", action="append", dest="categories", metavar="CATEGORY", help=categories_help)
    parser.add_argument("--tenants", default="tenants", help="tenant files directory (billing)")
    parser.add_argument("--fx", action="append", default=[], metavar="CUR=RATE",
                        help="rate from a billing currency to the usage currency, e.g. GBP=1.27")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--mapping", choices=("auto", "outputs", "names"), default="auto",
                        help="tenants to subaccounts: stack outputs, friendly names, or outputs if readable")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")


CHART_DIR = Path(".tenantctl-reports")  # under --root; ignored by git, so a chart is never committed by accident
_DEFAULT_CHART = Path("<default>")


def add_chart_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--chart", type=Path, nargs="?", const=_DEFAULT_CHART, metavar="FILE.png",
                        help=f"also write a PNG: {what} (default file: {CHART_DIR}/<command>-<period>.png under "
                             "--root; a relative FILE is from the current directory)")


def chart_path(args: argparse.Namespace, name: str) -> Path:
    """Where `--chart` writes: the file given, or `CHART_DIR/<name>.png` under --root (made if missing)."""
    if args.chart != _DEFAULT_CHART:
        return Path(args.chart)
    folder = args.root.resolve() / CHART_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def finance_options(args: argparse.Namespace) -> FinanceOptions:
    """The shared options as the jobs take them (a bad --fx is a UsageJobError)."""
    from ..usage import DEFAULT_CATEGORIES
    from ..usage.job import parse_fx
    from ..usage.options import FinanceOptions

    return FinanceOptions(args.stack, tuple(args.categories or DEFAULT_CATEGORIES), args.tenants,
                          set(args.only) if args.only else None, parse_fx(args.fx), args.concurrency, args.mapping,
                          args.root.resolve())


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
    """`text[fmt]()` on stdout, or the tables: as wide as the terminal (or COLUMNS), or `table_width` when piped
    without COLUMNS, so a file gets whole tables."""
    if fmt in text:
        sys.stdout.write(text[fmt]())
    else:
        from rich.console import Console

        table(Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else table_width))
