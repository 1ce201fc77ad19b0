"""`tenantctl economics`: each tenant's cost of revenue, gross margin, LTV and CAC payback, month by month."""
from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path


def _rate(text: str) -> Decimal:
    try:
        value = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"a monthly churn rate, e.g. 0.015 or 1.5%, got {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a monthly churn rate is between 0 and 1 (0 % and 100 %), got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (default: 11 months before --to)")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (default: this month, to date)")
    parser.add_argument("--tenant", action="append", dest="only", metavar="ID",
                        help="show only these tenants, with their months (repeatable)")
    parser.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table",
                        help="csv is the monthly series, one row per tenant and month; json has everything")
    from .finance import add_chart_argument, add_finance_arguments  # rich is imported by the commands that draw

    add_chart_argument(parser, "margin trend per tenant and CAC payback bars")
    parser.add_argument("--churn", type=_rate, metavar="RATE",
                        help="monthly churn for LTV, this run only (default: economics.yaml, else measured)")
    parser.add_argument("--shared-costs", choices=("exclude", "usage_share", "even"),
                        help="the parent's own usage: left out, or allocated to tenants (default: economics.yaml, "
                             "else exclude)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="closed months are kept here (default: .tenantctl-cache/usage under --root)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--refetch", action="store_true", help="ask Twilio again for every month, then cache anew")
    add_finance_arguments(parser, "cost columns in csv/json (repeatable; default: calls, sms, phonenumbers)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..economics import render
    from ..economics.job import DEFAULT_CACHE, EconomicsRequest, run_economics
    from ..usage.job import UsageJobError
    from .finance import chart_path, finance_options, run_job, write_report

    err = Console(stderr=True, soft_wrap=True)
    root = args.root.resolve()
    cache = None if args.no_cache else (args.cache_dir or root / DEFAULT_CACHE)
    try:
        request = EconomicsRequest(**vars(finance_options(args)), start=args.start, end=args.end, cache_dir=cache,
                                   refetch=args.refetch, churn=args.churn, shared_costs=args.shared_costs)
    except UsageJobError as error:
        err.print(f"tenantctl economics: {error}", markup=False, highlight=False)
        return error.exit_code
    report, code = run_job("economics", "usage by month", lambda progress: run_economics(request, progress), err)
    if report is None:
        return code
    write_report(args.format, {"json": lambda: render.to_json(report) + "\n", "csv": lambda: render.to_csv(report),
                               "markdown": lambda: render.to_markdown(report)},
                 lambda console: render.print_tables(report, console), 200)
    if args.chart:
        from ..economics.chart import write_chart
        chart = chart_path(args, f"economics-{report.months[0].month.label}..{report.months[-1].month.label}")
        write_chart(report, chart)
        err.print(f"chart written to {chart}", highlight=False, markup=False)
    if not report.reconciled:
        err.print(render.sentences(report)[0], style="bold red", markup=False, highlight=False)
        return 1
    return 0
