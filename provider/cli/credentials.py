"""`tenantctl credentials TENANT`: what the CRM needs to act as a tenant, from the stack outputs."""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tenant")
    parser.add_argument("--stack", default="prod", help="the stack whose outputs to read (the sandbox: sandbox)")
    parser.add_argument("--format", choices=("json", "env"), default="json")
    parser.add_argument("--source", choices=("auto", "pulumi", "local"), default="auto",
                        help="pulumi: Automation API; local: the engine-less state; auto: pulumi if installed")
    parser.add_argument("--root", type=Path, default=Path("."), help="directory holding Pulumi.yaml")


def run(args: argparse.Namespace) -> int:
    from ..crm import CredentialsError, tenant_credentials

    try:
        creds = tenant_credentials(args.tenant, args.stack, source=args.source, work_dir=args.root.resolve())
    except CredentialsError as error:
        print(f"tenantctl credentials: {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(creds.as_dict(), indent=2))
    else:
        for key, value in creds.as_env().items():
            print(f"export {key}={shlex.quote(value)}")
    return 0
