"""`tenantctl audit`: what the parent account holds at Twilio that no tenant file declares (subaccounts, numbers, API
keys, usage triggers, Messaging Services, A2P brands), each with its monthly cost and what to do, and what the files
declare that Twilio no longer has. Read-only: one request per listing page, across every stack of the parent."""
from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="prod", help="the stack whose parent account to audit (its outputs and "
                                                        "every other stack of the same parent are compared)")
    parser.add_argument("--tenants", default="tenants", help="tenant files directory")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="table for people; json for a scheduled job (exit code 1 when anything is found)")
    parser.add_argument("--concurrency", type=int, default=8, help="listings read at once")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..audit import audit_findings, read_holdings
    from ..crm import fleet_tenants
    from ..fitted_tables import Column, print_fitted
    from ..tenancy import ValidationPolicy, load_tenants
    from ..twilio_api import make_client
    from ..usage.job import UsageJobError, plain_failure, require_reachable, resolve_credentials

    err = Console(stderr=True, soft_wrap=True)
    root = args.root.resolve()
    loaded = load_tenants([args.tenants], ValidationPolicy(allow_private_hosts=True))
    if not loaded.ok:
        err.print("tenant files have problems; fix them first:\n" + "\n".join(map(str, loaded.problems)),
                  markup=False, highlight=False)
        return 1
    try:
        credentials = resolve_credentials(args.stack, root)
        require_reachable(credentials, args.stack)
    except UsageJobError as error:
        err.print(f"tenantctl audit: {error}", markup=False, highlight=False)
        return error.exit_code

    def client(sid: str, token: str):  # noqa: ANN202 - a twilio Client
        return make_client(sid, token, credentials.base_url, timeout=credentials.timeout_s)

    parent = make_client(credentials.account_sid, credentials.auth_token, credentials.base_url,
                         timeout=credentials.timeout_s, api_key=credentials.api_key)
    try:
        holdings = read_holdings(parent, credentials.account_sid, client, args.concurrency)
    except Exception as error:  # noqa: BLE001 - one sentence, no half report
        err.print(f"tenantctl audit: {plain_failure(error, args.stack)}; nothing was reported", markup=False,
                  highlight=False)
        return 1
    deployed = [tenants for _, tenants in fleet_tenants(args.stack, work_dir=root)]
    findings = audit_findings(holdings, {t.id: t for t in loaded.tenants}, deployed)
    total = sum((f.monthly_cost_usd for f in findings), Decimal(0))
    unread = {sid: a.unread for sid, a in holdings.accounts.items() if a.unread}
    if args.format == "json":
        print(json.dumps({"parent": credentials.account_sid, "findings": [f.as_dict() for f in findings],
                          "monthly_cost_usd": str(total), "requests": holdings.requests,
                          "not_listed": unread}, indent=2))
        return 1 if findings else 0
    if not findings:
        Console().print(f"Nothing to report: every subaccount, number, key, trigger, service and brand under "
                        f"{credentials.account_sid} is declared by a tenant file ({holdings.requests} requests).",
                        markup=False, highlight=False)
    else:
        print_fitted(Console(), f"What {credentials.account_sid} holds that no file declares, or misses "
                                f"({len(findings)}; {total} USD a month at list price)",
                     [Column("sid"), Column("kind"), Column("tenant"), Column("what", prose=True),
                      Column("USD/month", right=True), Column("to do", prose=True)],
                     [[f.sid, f.kind, f.tenant or "-", f.description, str(f.monthly_cost_usd), f.what_to_do]
                      for f in findings])
    for sid, notes in unread.items():
        err.print(f"note: {sid}: {'; '.join(notes)}", markup=False, highlight=False)
    return 1 if findings else 0
