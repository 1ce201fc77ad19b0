"""`tenantctl usage`: per-tenant cost, revenue and gross margin for a period, reconciled to the parent's total."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", help="a month, YYYY-MM")
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--stack", default="prod", help="stack whose outputs (or config) give accounts and credentials")
    parser.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="also write a PNG chart")
    parser.add_argument("--category", action="append", dest="categories", metavar="CATEGORY",
                        help="cost columns (repeatable; default: calls, sms, phonenumbers; the rest is 'other')")
    parser.add_argument("--tenant", action="append", dest="only", metavar="ID", help="show only these tenants")
    parser.add_argument("--tenants", default="tenants", help="tenant files directory (billing)")
    parser.add_argument("--fx", action="append", default=[], metavar="CUR=RATE",
                        help="rate from a billing currency to the usage currency, e.g. GBP=1.27")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--mapping", choices=("auto", "outputs", "names"), default="auto",
                        help="tenants to subaccounts: stack outputs, friendly names, or outputs if readable")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..usage import DEFAULT_CATEGORIES, PeriodError
    from ..usage import render
    from ..usage.job import UsageJobError, UsageRequest, parse_fx, run_usage

    err = Console(stderr=True, soft_wrap=True)
    try:
        request = UsageRequest(args.period, args.start, args.end, args.stack,
                               tuple(args.categories or DEFAULT_CATEGORIES), args.tenants,
                               set(args.only) if args.only else None, parse_fx(args.fx), args.concurrency,
                               args.mapping, args.root.resolve())
        with Progress(TextColumn("usage"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                      transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("fetch", total=None)
            report = run_usage(request, lambda done, total: progress.update(task, completed=done, total=total))
    except PeriodError as error:
        err.print(f"tenantctl usage: {error}", markup=False, highlight=False)
        return 2
    except UsageJobError as error:
        err.print(f"tenantctl usage: {error}", markup=False, highlight=False)
        return error.exit_code
    if args.format == "json":
        sys.stdout.write(render.to_json(report) + "\n")
    elif args.format == "csv":
        sys.stdout.write(render.to_csv(report))
    elif args.format == "markdown":
        sys.stdout.write(render.to_markdown(report))
    else:
        render.print_table(report, Console(width=None if sys.stdout.isatty() else 160))
    if args.chart:
        from ..usage.chart import write_chart
        write_chart(report, args.chart)
        err.print(f"chart written to {args.chart}", highlight=False)
    sentence = render.reconciliation_sentence(report)
    if not report.reconciled:
        err.print(sentence, style="bold red", markup=False, highlight=False)
        return 1
    if args.format != "markdown":  # the markdown carries the sentence itself: not twice on one screen
        err.print(sentence, highlight=False, markup=False)
    return 0
