"""`tenantctl local preview|up|refresh`: the stack without the Pulumi CLI (engine-less mode)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("preview", "up", "refresh", "output", "unlock"),
                        help="output prints the stack outputs as `pulumi stack output --json` does; unlock clears "
                             "the lock a dead run left (refused while its holder is alive)")
    parser.add_argument("name", nargs="?", help="with output: one output's name")
    parser.add_argument("--show-secrets", action="store_true", help="with output: print secret values")
    parser.add_argument("--stack", default="sandbox", help="the stack to run (Pulumi.<stack>.yaml)")
    parser.add_argument("--tenants", help="tenant files directory (default: tenants/ next to Pulumi.yaml)")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")
    parser.add_argument("--refresh", action="store_true", help="read the live state first (like pulumi up --refresh)")
    parser.add_argument("--force", action="store_true", help="with unlock: clear the lock even if its holder may live")
    parser.add_argument("--diff", action="store_true", help="show each changed property, old → new (secrets masked)")
    parser.add_argument("--preview-slots", type=Path, metavar="DIR",
                        help="wait for a free slot in DIR before the preview pass (tenantctl fleet: no more "
                             "CPU-bound passes at once than cores)")
    parser.add_argument("--event-log", type=Path, metavar="FILE",
                        help="append each step to FILE as a JSON line as it happens (like pulumi --event-log)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..localengine import ApplyError, ProviderCallError
    from ..localengine.deploy import deploy, state_path
    from ..localengine.event_log import StepEventLog
    from ..localengine.stack_lock import StackLocked, lock_path, unlock
    from ..program import TenantFilesError
    from ..stackfiles import IncorrectPassphrase, StackConfigError
    from .report import print_steps, print_tenants

    err = Console(stderr=True, soft_wrap=True)
    if args.action == "output":
        return _print_output(args, err)
    if args.action == "unlock":
        try:
            err.print(unlock(lock_path(state_path(args.root.resolve(), args.stack)), args.stack, args.force),
                      markup=False, highlight=False)
        except StackLocked as error:
            err.print(f"unlock refused: {error}", style="red", markup=False, highlight=False)
            return 1
        return 0
    events = StepEventLog(args.event_log)
    try:
        result = deploy(args.action, root=args.root.resolve(), stack=args.stack, tenants_dir=args.tenants,
                        refresh_first=args.refresh, on_step=events.step, preview_slots=args.preview_slots)
        events.summary(result.counts)
    except TenantFilesError as error:
        err.print(str(error), style="red", markup=False, highlight=False)
        return 1
    except (ApplyError, ProviderCallError, StackConfigError, IncorrectPassphrase, StackLocked, ValueError) as error:
        err.print(f"{args.action} failed: {getattr(error, 'message', error)}", style="red", markup=False,
                  highlight=False)
        return 1
    finally:
        events.close()
    print_steps(result.steps, args.action, err, diff=args.diff)
    if args.action != "preview":
        print_tenants(result.outputs, Console())  # the terminal width, or COLUMNS, or 80: long values fold
    return 0



def _print_output(args: argparse.Namespace, err: object) -> int:
    """`pulumi stack output [NAME] --json [--show-secrets]` for the engine-less state: secrets masked leaf by leaf."""
    import json

    from ..localengine.state_store import LocalStateStore, masked, reveal, state_path
    from ..stackfiles import IncorrectPassphrase, StackConfigError, stack_crypter

    root = args.root.resolve()
    path = state_path(root, args.stack)
    try:
        crypter = stack_crypter(root / f"Pulumi.{args.stack}.yaml", None)
        outputs = LocalStateStore(path, crypter).load()[1] if path.exists() else {}
    except (StackConfigError, IncorrectPassphrase, ValueError) as error:
        print(f"output failed: {error}", file=sys.stderr)
        return 1
    if args.name is not None:
        if args.name not in outputs:
            print(f"output failed: current stack does not have output property '{args.name}'", file=sys.stderr)
            return 1
        outputs = outputs[args.name]
    print(json.dumps(reveal(outputs) if args.show_secrets else masked(outputs), indent=2, sort_keys=True))
    return 0
