"""`tenantctl compliance [TENANT]`: each tenant's messaging and voice registrations as Twilio last answered (`refresh`
reads them), side by side: whether it may send SMS and place automated calls, what the next run will do, Twilio's
feedback, and the HIPAA checklist only the Console can complete."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..fitted_tables import Column, print_fitted


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tenant", nargs="?", help="one tenant (default: every tenant with a messaging or voice block)")
    parser.add_argument("--stack", default="prod", help="the stack whose outputs to read (the sandbox: sandbox)")
    parser.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    parser.add_argument("--source", choices=("auto", "pulumi", "local"), default="auto",
                        help="pulumi: Automation API; local: the engine-less state; auto: pulumi if installed")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")


def rows(tenants: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per tenant with messaging: statuses by stage, readiness, and what needs a person."""
    out = []
    for tenant_id, tenant in sorted(tenants.items()):
        messaging, voice = tenant.get("messaging"), tenant.get("voice")
        if not messaging and not voice:
            continue
        hipaa = tenant.get("hipaa") or {}
        a2p = (messaging or {}).get("a2p_10dlc") or {}
        products = (voice or {}).get("trust_products") or {}
        out.append({
            "tenant": tenant_id, "sms_ready": bool(messaging and messaging["sms_ready"]),
            "why_not": messaging["why_not"] if messaging else "no messaging block",
            "ready_senders": sorted(n for n, s in (messaging or {}).get("senders", {}).items() if s["ready"]),
            "voice_ready": bool(voice and voice["voice_ready"]),
            "voice_why_not": voice["why_not"] if voice else "no voice block",
            "ready_callers": sorted(n for n, c in (voice or {}).get("callers", {}).items() if c["voice_ready"]),
            "voice_profile": ((voice or {}).get("customer_profile") or {}).get("status"),
            **{kind: (products.get(kind) or {}).get("status") for kind in ("shaken_stir", "voice_integrity", "cnam")},
            "dialing": ((voice or {}).get("dialing") or {}).get("countries"),
            "voice_next_steps": (voice or {}).get("next_steps") or [],
            "customer_profile": (a2p.get("customer_profile") or {}).get("status"),
            "trust_product": (a2p.get("trust_product") or {}).get("status"),
            "brand": (a2p.get("brand") or {}).get("status"), "campaign": (a2p.get("campaign") or {}).get("status"),
            "toll_free": {name: v["status"] for name, v in ((messaging or {}).get("toll_free") or {}).items()},
            "next_steps": a2p.get("next_steps") or [],
            "hipaa_console_checklist": hipaa.get("console_checklist") or [],
            "sending_rules": tenant.get("sending_rules"),
            "feedback": "; ".join(filter(None, [a2p.get("attention")] + [
                f"{name}: {v['rejection_reason']}" for name, v in ((messaging or {}).get("toll_free") or {}).items()
                if v.get("rejection_reason")] + [
                f"{kind}: {v.get('errors')}" for kind, v in products.items() if v.get("status") == "twilio-rejected"])),
        })
    return out


def _cells(row: dict[str, Any]) -> list[str]:
    a2p = " → ".join(str(row[k] or "-") for k in ("customer_profile", "trust_product", "brand", "campaign"))
    toll_free = ", ".join(f"{n}: {s}" for n, s in row["toll_free"].items()) or "-"
    ready = "yes (" + ", ".join(row["ready_senders"]) + ")" if row["sms_ready"] else f"no: {row['why_not']}"
    calls = ("yes (" + ", ".join(row["ready_callers"]) + ")" if row["voice_ready"]
             else f"no: {row['voice_why_not']}")
    voice = " → ".join(str(row[k] or "-") for k in ("voice_profile", "shaken_stir", "voice_integrity", "cnam"))
    checklist = ("to check in the Console (not verified here): " + "; ".join(row["hipaa_console_checklist"])
                 if row["hipaa_console_checklist"] else "-")
    return [row["tenant"], ready, a2p, toll_free, calls, voice, "; ".join(row["next_steps"] + row["voice_next_steps"])
            or "-", row["feedback"] or "-", checklist]


HEADERS = ["tenant", "may send SMS", "10DLC: profile → trust product → brand → campaign", "toll-free",
           "may place automated calls", "voice: profile → SHAKEN/STIR → Voice Integrity → CNAM", "next run",
           "Twilio's feedback", "HIPAA"]


def run(args: argparse.Namespace) -> int:
    from ..crm import CredentialsError, stack_outputs

    try:
        tenants = stack_outputs(args.stack, source=args.source, work_dir=args.root.resolve()).get("tenants") or {}
    except CredentialsError as error:
        print(f"tenantctl compliance: {error}", file=sys.stderr)
        return 1
    if args.tenant:
        if args.tenant not in tenants:
            print(f"tenantctl compliance: no tenant {args.tenant!r} in stack {args.stack!r}", file=sys.stderr)
            return 1
        tenants = {args.tenant: tenants[args.tenant]}
    found = rows(tenants)
    if not found:
        who = f"tenant {args.tenant}" if args.tenant else f"no tenant of stack {args.stack}"
        print(f"tenantctl compliance: {who} declares no messaging or voice (`messaging`, `voice` blocks): nothing "
              "to register",
              file=sys.stderr)
        if args.format == "json":
            print("[]")
        return 0
    if args.format == "json":
        print(json.dumps(found, indent=2))
    elif args.format == "markdown":
        print("| " + " | ".join(HEADERS) + " |\n|" + "---|" * len(HEADERS))
        for row in found:
            print("| " + " | ".join(cell.replace("|", "\\|") for cell in _cells(row)) + " |")
    else:
        # prose wraps at spaces; a status, a name or a SID is never split (a narrow terminal gets blocks)
        print_fitted(Console(), f"messaging and voice registration, stack {args.stack} (as of the last refresh)",
                     [Column(header, prose=header != "tenant") for header in HEADERS], [_cells(row) for row in found])
    return 0
