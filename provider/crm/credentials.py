"""A tenant's Twilio credentials from the stack outputs: Pulumi's Automation API, or the engine-less state.

    from provider.crm import tenant_credentials
    creds = tenant_credentials("northside-pharmacy", stack="prod")
    client = twilio.rest.Client(creds.account_sid, creds.auth_token)
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]


class CredentialsError(Exception):
    pass


class StackNotDeployed(CredentialsError):
    """The stack has no state yet (never deployed): nothing to read."""


@dataclass(frozen=True)
class TenantCredentials:
    tenant_id: str
    account_sid: str
    auth_token: str
    status: str
    api_key_sid: Optional[str]
    api_key_secret: Optional[str]
    phone_numbers: dict[str, dict[str, str]]

    def __repr__(self) -> str:  # a credentials object printed in a log shows no secret
        return (f"TenantCredentials(tenant_id={self.tenant_id!r}, account_sid={self.account_sid!r}, "
                f"auth_token='***', api_key_sid={self.api_key_sid!r}, api_key_secret='***')")

    def as_env(self) -> dict[str, str]:
        env = {"TWILIO_ACCOUNT_SID": self.account_sid, "TWILIO_AUTH_TOKEN": self.auth_token}
        if self.api_key_sid and self.api_key_secret:
            env.update(TWILIO_API_KEY=self.api_key_sid, TWILIO_API_SECRET=self.api_key_secret)
        return env

    def as_dict(self) -> dict[str, Any]:
        return {"tenant_id": self.tenant_id, "account_sid": self.account_sid, "auth_token": self.auth_token,
                "status": self.status, "api_key_sid": self.api_key_sid, "api_key_secret": self.api_key_secret,
                "phone_numbers": self.phone_numbers}


def _pulumi_outputs(stack: str, work_dir: Path) -> dict[str, Any]:
    if shutil.which("pulumi") is None:
        raise CredentialsError("the pulumi CLI is not on PATH (install it: https://www.pulumi.com/docs/install/), "
                               "or read the engine-less state with --source local")
    from pulumi import automation as auto

    try:
        selected = auto.select_stack(stack_name=stack, work_dir=str(work_dir))
        return {k: v.value for k, v in selected.outputs().items()}
    except auto.errors.StackNotFoundError:
        raise StackNotDeployed(f"stack {stack!r} does not exist (pulumi stack ls)") from None
    except auto.errors.CommandError as error:
        raise CredentialsError(f"pulumi could not read stack {stack!r}: {str(error).strip().splitlines()[-1]}") \
            from None


def _local_outputs(stack: str, work_dir: Path, passphrase: Optional[str]) -> dict[str, Any]:
    from ..localengine.deploy import state_path
    from ..localengine.state_store import LocalStateStore, reveal
    from ..stackfiles import IncorrectPassphrase, StackConfigError, stack_crypter

    path = state_path(work_dir, stack)
    if not path.exists():
        how = ("`bash scripts/sandbox.sh` deploys it" if stack == "sandbox" else
               f"deploy it with `pulumi up --stack {stack}` and read it with the Pulumi CLI installed (or "
               f"`tenantctl local up --stack {stack}` engine-less); for the local sandbox, pass --stack sandbox")
        raise StackNotDeployed(f"stack {stack!r} has no engine-less state here ({path}): {how}")
    try:
        crypter = stack_crypter(work_dir / f"Pulumi.{stack}.yaml", passphrase)
        return reveal(LocalStateStore(path, crypter).load()[1])
    except (StackConfigError, IncorrectPassphrase, ValueError) as error:
        raise CredentialsError(str(error) or f"the passphrase does not decrypt the {stack} stack's state") from None


def stack_outputs(stack: str, *, source: str = "auto", work_dir: Path = REPO_ROOT,
                  passphrase: Optional[str] = None) -> dict[str, Any]:
    """The stack's outputs as plain data. source: pulumi (Automation API), local (engine-less state), or auto
    (pulumi if on PATH, else local)."""
    if source == "auto":
        source = "pulumi" if shutil.which("pulumi") else "local"
    return _pulumi_outputs(stack, work_dir) if source == "pulumi" else _local_outputs(stack, work_dir, passphrase)


def fleet_tenants(stack: str, *, source: str = "auto", work_dir: Path = REPO_ROOT,
                  passphrase: Optional[str] = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stack, its `tenants` output) for `stack` and every shard stack on the same parent account, each one that
    can be read: a tenant lives in whichever shard holds it."""
    from ..tenancy.shards import shard_stacks, stack_info

    parent = stack_info(work_dir, stack).parent
    names = [stack] + [s.name for s in shard_stacks(work_dir)
                       if s.name != stack and (not parent or not s.parent or s.parent == parent)]
    for name in names:
        try:
            yield name, stack_outputs(name, source=source, work_dir=work_dir, passphrase=passphrase).get(
                "tenants") or {}
        except CredentialsError:
            continue


def tenant_credentials(tenant_id: str, stack: str = "prod", *, source: str = "auto",
                       work_dir: Path = REPO_ROOT, passphrase: Optional[str] = None) -> TenantCredentials:
    """From `stack`, or from whichever shard of its fleet (same parent) holds the tenant."""
    try:
        tenants = stack_outputs(stack, source=source, work_dir=work_dir, passphrase=passphrase).get("tenants") or {}
    except StackNotDeployed:
        tenants = {}
        if not (work_dir / f"Pulumi.{stack}.yaml").exists():
            raise
    t = tenants.get(tenant_id) or next(
        (held[tenant_id] for name, held in fleet_tenants(stack, source=source, work_dir=work_dir,
                                                         passphrase=passphrase)
         if name != stack and tenant_id in held), None)
    if t is None:
        known = ", ".join(sorted(tenants)) or "none"
        raise CredentialsError(f"no tenant {tenant_id!r} in stack {stack!r} or its shards (tenants of {stack}: "
                               f"{known})")
    return TenantCredentials(tenant_id, t["account_sid"], t["auth_token"], t["status"], t.get("api_key_sid"),
                             t.get("api_key_secret"), t.get("phone_numbers") or {})
