"""`tenantctl sandbox`: the local Twilio stand-in as a long-running process that prints how to reach it."""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

from ..identifiers import ACCOUNT_SID, is_sid


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (loopback: nothing outside "
                                                              "this machine reaches it)")
    parser.add_argument("--port", type=int, default=0,
                        help="the port; 0 picks a free one (with --stack: its twilio:apiBaseUrl's port)")
    parser.add_argument("--state", type=Path, metavar="FILE", help="keep state in FILE: every write is journalled (FILE.journal, fsync) before it is answered, and "
                             "folded into FILE on a clean stop or when the journal outgrows it")
    parser.add_argument("--account-sid", help="parent account SID (AC + 32 hex); default: generated")
    parser.add_argument("--auth-token", help="parent auth token; default: generated")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every response")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that fail (0..1)")
    parser.add_argument("--fault-kinds", default="429,500,503,slow,drop,commit-drop",
                        help="comma-separated kinds to inject")
    parser.add_argument("--seed", type=int, help="makes SIDs, tokens and faults reproducible")
    parser.add_argument("--max-subaccounts", type=int, default=1000, metavar="N",
                        help="subaccounts per parent before Twilio answers 21480 (default 1000; raised on request)")
    parser.add_argument("--max-in-flight", type=int, default=100, metavar="N",
                        help="per-account concurrency limit: request N+1 in flight gets 429 / 20429 (default 100)")
    parser.add_argument("--no-demo-data", action="store_true",
                        help="start with the parent only: no pre-owned demo numbers, no legacy subaccount")
    parser.add_argument("--stack", metavar="NAME",
                        help="serve a stack's stand-in: its parent credentials and port from Pulumi.NAME.yaml "
                             "(twilio:apiBaseUrl), its state in .pulumi-sandbox/twilio-state.json unless --state")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml (with --stack)")


def _from_stack(args: argparse.Namespace) -> None:
    """Fill credentials, port and state from the stack, as `bash scripts/sandbox.sh` left them."""
    from urllib.parse import urlsplit

    from ..stackfiles import read_stack_config

    root = args.root.resolve()
    config = read_stack_config(root / f"Pulumi.{args.stack}.yaml")
    base = config.get("twilio:apiBaseUrl")
    if not base:
        raise ValueError(f"Pulumi.{args.stack}.yaml has no twilio:apiBaseUrl: that stack talks to the real Twilio")
    args.account_sid = args.account_sid or config["twilio:accountSid"]
    args.auth_token = args.auth_token or config["twilio:authToken"]
    args.port = args.port or urlsplit(base).port or 0
    args.state = args.state or root / ".pulumi-sandbox" / "twilio-state.json"
    args.state.parent.mkdir(parents=True, exist_ok=True)


def run(args: argparse.Namespace) -> int:
    from ..sandbox import FaultPlan, SandboxServer, TwilioBackend
    from ..sandbox.api_v2010.models import DEMO_PARENT_NUMBERS

    if args.stack:
        from ..stackfiles import IncorrectPassphrase, StackConfigError

        try:
            _from_stack(args)
        except (StackConfigError, IncorrectPassphrase, ValueError, KeyError, OSError) as error:
            print(f"tenantctl sandbox: cannot serve stack {args.stack}: {error}", file=sys.stderr)
            return 2
    if args.account_sid and not is_sid(args.account_sid, ACCOUNT_SID):
        print("tenantctl sandbox: --account-sid must be AC followed by 32 lowercase hex digits", file=sys.stderr)
        return 2
    try:
        faults = FaultPlan(rate=args.fault_rate, seed=args.seed, latency_ms=args.latency_ms,
                           kinds=tuple(k for k in args.fault_kinds.split(",") if k))
        backend = TwilioBackend(seed=args.seed, account_sid=args.account_sid, auth_token=args.auth_token,
                                state_file=args.state, demo_numbers=() if args.no_demo_data else DEMO_PARENT_NUMBERS,
                                demo_legacy=not args.no_demo_data, max_subaccounts=args.max_subaccounts)
    except (ValueError, OSError) as error:
        print(f"tenantctl sandbox: {error}", file=sys.stderr)
        return 2
    if args.max_in_flight < 1:
        print("tenantctl sandbox: --max-in-flight must be at least 1", file=sys.stderr)
        return 2
    server = SandboxServer(backend, host=args.host, port=args.port, faults=faults, max_in_flight=args.max_in_flight)

    async def main() -> None:
        ready = asyncio.Event()
        task = asyncio.ensure_future(server.serve(ready))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        bound = asyncio.ensure_future(ready.wait())
        await asyncio.wait({task, bound}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():  # it stopped before binding: say why (port in use, ...)
            bound.cancel()
            task.result()
            return
        print(json.dumps(server.connection_info()), flush=True)
        try:
            await task
        except asyncio.CancelledError:
            pass

    try:
        asyncio.run(main())
    except OSError as error:
        print(f"tenantctl sandbox: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0
