"""`tenantctl usage`: per-tenant cost, revenue and gross margin for a period, reconciled to the parent's total."""
from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", help="a month, YYYY-MM")
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")
    from .finance import add_chart_argument, add_finance_arguments  # rich is imported by the commands that draw

    add_chart_argument(parser, "cost and margin per tenant")
    parser.add_argument("--tenant", action="append", dest="only", metavar="ID", help="show only these tenants")
    add_finance_arguments(parser, "cost columns (repeatable; default: calls, sms, phonenumbers; the rest is 'other')")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..usage import render
    from ..usage.job import UsageJobError, UsageRequest, run_usage
    from .finance import chart_path, finance_options, run_job, write_report

    err = Console(stderr=True, soft_wrap=True)
    try:
        request = UsageRequest(**vars(finance_options(args)), period=args.period, start=args.start, end=args.end)
    except UsageJobError as error:
        err.print(f"tenantctl usage: {error}", markup=False, highlight=False)
        return error.exit_code
    report, code = run_job("usage", "usage", lambda progress: run_usage(request, progress), err)
    if report is None:
        return code
    write_report(args.format, {"json": lambda: render.to_json(report) + "\n", "csv": lambda: render.to_csv(report),
                               "markdown": lambda: render.to_markdown(report)},
                 lambda console: render.print_table(report, console), 160)
    if args.chart:
        from ..usage.chart import write_chart
        chart = chart_path(args, f"usage-{report.period.label}")
        write_chart(report, chart)
        err.print(f"chart written to {chart}", highlight=False, markup=False)
    sentence = render.reconciliation_sentence(report)
    if not report.reconciled:
        err.print(sentence, style="bold red", markup=False, highlight=False)
        return 1
    if args.format != "markdown":  # the markdown carries the sentence itself: not twice on one screen
        err.print(sentence, highlight=False, markup=False)
    return 0
