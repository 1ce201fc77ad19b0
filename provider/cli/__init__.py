"""`tenantctl`: one entry point, one module per subcommand, imported only when used (validate stays fast)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# subcommand -> module under provider.cli that defines `add_arguments(parser)` and `run(args) -> int`
SUBCOMMANDS = {
    "validate": ("validate", "Validate tenant files; nothing is sent to Twilio."),
    "sandbox": ("sandbox", "Run the local Twilio API stand-in (the sandbox)."),
    "local": ("local", "preview / up / refresh a stack without the Pulumi CLI (engine-less mode)."),
    "fleet": ("fleet", "preview / up / refresh every shard's stack, several at once, one summary."),
    "usage": ("usage", "Per-tenant usage, cost and gross margin for a period (finance)."),
    "economics": ("economics", "Per-tenant cost of revenue, gross margin, LTV and CAC payback, month by month."),
    "compliance": ("compliance", "Each tenant's messaging and voice registration: statuses, feedback, sms_ready, voice_ready."),
    "credentials": ("credentials", "Print a tenant's Twilio credentials from the stack outputs (for the CRM)."),
    "audit": ("audit", "What the parent account holds that no tenant file declares, and what Twilio lost (read-only)."),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tenantctl", description="Twilio tenant provisioning as code.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text,
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)  # every default said
        command.set_defaults(_module=module)
        importlib.import_module(f"{__name__}.{module}").add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = importlib.import_module(f"{__name__}.{args._module}")
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tenantctl ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        close_idle_event_loops()


def close_idle_event_loops() -> None:
    """Event loops the SDKs created and never closed (the Pulumi SDK makes one per thread it awaits in) are
    closed here, while the interpreter is whole. Left to the garbage collector at exit, a loop whose self-pipe
    socket was finalized first prints `Exception ignored in BaseEventLoop.__del__ ... Invalid file descriptor: -1`
    after the command's own output, failed run or not."""
    if "asyncio" not in sys.modules:  # nothing made a loop (validate): no heap walk
        return
    import asyncio
    import gc

    for candidate in gc.get_objects():
        if isinstance(candidate, asyncio.AbstractEventLoop) and not candidate.is_closed() \
                and not candidate.is_running():
            try:
                candidate.close()
            except Exception:  # noqa: BLE001 - half-finalized already: nothing left to release
                pass
