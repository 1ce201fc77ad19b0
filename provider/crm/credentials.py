"""A tenant's Twilio credentials from the stack outputs: Pulumi's Automation API, or the engine-less state.

    from provider.crm import tenant_credentials
    creds = tenant_credentials("northside-pharmacy", stack="prod")
    client = twilio.rest.Client(creds.account_sid, creds.auth_token)
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


class CredentialsError(Exception):
    pass


class StackNotDeployed(CredentialsError):
    """The stack has no state yet (never deployed): nothing to read."""


@dataclass(frozen=True)
class ApiKeyCredential:
    name: str
    sid: str
    secret: str
    generation: int
    role: str  # current, or previous during a rotation's overlap

    def __repr__(self) -> str:
        return f"ApiKeyCredential(name={self.name!r}, sid={self.sid!r}, generation={self.generation}, role={self.role})"


@dataclass(frozen=True)
class TenantCredentials:
    tenant_id: str
    account_sid: str
    auth_token: str
    status: str
    api_key_sid: str | None
    api_key_secret: str | None
    phone_numbers: dict[str, dict[str, str]]
    auth_token_secondary: str | None = None  # during a rotation: valid too, not yet what Twilio signs with
    api_keys: tuple[ApiKeyCredential, ...] = ()  # per key name the current generation first, then the previous
    messaging: dict[str, Any] | None = None  # service, senders, registration (see `tenantctl compliance`)
    sending_rules: dict[str, Any] | None = None  # what the CRM enforces: quiet hours, limits, opt-out (sources)
    voice: dict[str, Any] | None = None  # callers: attestation, caller name, emergency address, readiness

    @property
    def voice_ready(self) -> bool:
        """Whether every caller's calls go out signed, named (where declared) and routable to 911."""
        return bool(self.voice and self.voice.get("voice_ready"))

    @property
    def voice_callers(self) -> list[str]:
        """The phone numbers the CRM may place automated calls from now."""
        callers = (self.voice or {}).get("callers") or {}
        return [c["phone_number"] for c in callers.values() if c.get("voice_ready")]

    @property
    def sms_ready(self) -> bool:
        """Whether the tenant may text patients now: at least one sender registered and approved."""
        return bool(self.messaging and self.messaging.get("sms_ready"))

    @property
    def sms_senders(self) -> list[str]:
        """The phone numbers the CRM may send from (with `messaging_service_sid`, Twilio picks among them)."""
        senders = (self.messaging or {}).get("senders") or {}
        return [s["phone_number"] for s in senders.values() if s.get("ready")]

    @property
    def messaging_service_sid(self) -> str | None:
        return (self.messaging or {}).get("service_sid")

    def __repr__(self) -> str:  # a credentials object printed in a log shows no secret
        return (f"TenantCredentials(tenant_id={self.tenant_id!r}, account_sid={self.account_sid!r}, "
                f"auth_token='***', api_key_sid={self.api_key_sid!r}, api_key_secret='***', "
                f"api_keys={list(self.api_keys)!r})")

    @property
    def auth_tokens(self) -> list[str]:
        """Every auth token that works now, the primary (what Twilio signs webhooks with) first."""
        return [self.auth_token] + ([self.auth_token_secondary] if self.auth_token_secondary else [])

    def keys_named(self, name: str) -> list[ApiKeyCredential]:
        """The key's valid generations, newest first: use the first, fall back to the next."""
        return [k for k in self.api_keys if k.name == name]

    def valid_webhook_signature(self, url: str, params: dict[str, Any], signature: str) -> bool:
        """Whether `signature` (X-Twilio-Signature) is valid for this tenant under any currently valid auth
        token: during a rotation Twilio signs with the primary, after promotion with the new one."""
        from twilio.request_validator import RequestValidator

        return any(RequestValidator(token).validate(url, params, signature) for token in self.auth_tokens)

    def as_env(self) -> dict[str, str]:
        """The usual names for the current values; `_SECONDARY` / `_PREVIOUS` for the other valid ones, and
        `_<NAME>` per key when there are several."""
        env = {"TWILIO_ACCOUNT_SID": self.account_sid, "TWILIO_AUTH_TOKEN": self.auth_token}
        if self.auth_token_secondary:
            env["TWILIO_AUTH_TOKEN_SECONDARY"] = self.auth_token_secondary
        if self.api_key_sid and self.api_key_secret:
            env.update(TWILIO_API_KEY=self.api_key_sid, TWILIO_API_SECRET=self.api_key_secret)
        names = list(dict.fromkeys(k.name for k in self.api_keys))
        for key in self.api_keys:
            suffix = "" if len(names) == 1 else "_" + key.name.upper().replace("-", "_")
            suffix += "_PREVIOUS" if key.role == "previous" else ""
            env[f"TWILIO_API_KEY{suffix}"] = key.sid
            env[f"TWILIO_API_SECRET{suffix}"] = key.secret
        return env

    def as_dict(self) -> dict[str, Any]:
        return {"tenant_id": self.tenant_id, "account_sid": self.account_sid, "auth_token": self.auth_token,
                "auth_token_secondary": self.auth_token_secondary,
                "status": self.status, "api_key_sid": self.api_key_sid, "api_key_secret": self.api_key_secret,
                "api_keys": [{"name": k.name, "sid": k.sid, "secret": k.secret, "generation": k.generation,
                              "role": k.role} for k in self.api_keys],
                "phone_numbers": self.phone_numbers, "messaging_service_sid": self.messaging_service_sid,
                "sms_ready": self.sms_ready, "sms_senders": self.sms_senders,
                "sms_why_not": "" if self.sms_ready else ((self.messaging or {}).get("why_not")
                                                          or "no messaging block in the tenant file"),
                "sending_rules": self.sending_rules,
                "voice_ready": self.voice_ready, "voice_callers": self.voice_callers,
                "voice_why_not": "" if self.voice_ready else ((self.voice or {}).get("why_not")
                                                              or "no voice block in the tenant file"),
                "voice": self.voice}


def _key_credentials(outputs: dict[str, Any]) -> tuple[ApiKeyCredential, ...]:
    found = []
    for name, key in (outputs.get("api_keys") or {}).items():
        for role in ("current", "previous"):  # new first
            one = key.get(role)
            if one:
                found.append(ApiKeyCredential(name, one["sid"], one["secret"], int(one["generation"]), role))
    return tuple(found)


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


def _local_outputs(stack: str, work_dir: Path, passphrase: str | None) -> dict[str, Any]:
    from ..localengine.state_store import LocalStateStore, reveal, state_path
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
                  passphrase: str | None = None) -> dict[str, Any]:
    """The stack's outputs as plain data, whole numbers as ints. source: pulumi (Automation API), local
    (engine-less state), or auto (pulumi if on PATH, else local)."""
    if source == "auto":
        source = "pulumi" if shutil.which("pulumi") else "local"
    outputs = _pulumi_outputs(stack, work_dir) if source == "pulumi" else _local_outputs(stack, work_dir, passphrase)
    return dict(_whole(outputs))


def fleet_tenants(stack: str, *, source: str = "auto", work_dir: Path = REPO_ROOT,
                  passphrase: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stack, its `tenants` output) for `stack` and every other stack on the same parent account (shards and the
    unsharded one), each one that can be read: a tenant lives in whichever stack holds it."""
    from ..tenancy.shards import same_parent, stack_info, stacks

    this = stack_info(work_dir, stack)
    names = [stack] + [s.name for s in stacks(work_dir) if s.name != stack and same_parent(this, s)]
    for name in names:
        try:
            yield name, stack_outputs(name, source=source, work_dir=work_dir, passphrase=passphrase).get(
                "tenants") or {}
        except CredentialsError:
            continue


def tenant_credentials(tenant_id: str, stack: str = "prod", *, source: str = "auto",
                       work_dir: Path = REPO_ROOT, passphrase: str | None = None) -> TenantCredentials:
    """From `stack`, or from whichever shard of its fleet (same parent) holds the tenant."""
    try:
        tenants = stack_outputs(stack, source=source, work_dir=work_dir, passphrase=passphrase).get("tenants") or {}
    except StackNotDeployed:
        tenants = {}
        if not (work_dir / f"Pulumi.{stack}.yaml").exists():
            raise
    t = tenants.get(tenant_id)
    if t is None or t.get("released_to"):
        # Not here, or released by this stack in a shard move: the stack that adopted it holds the live keys.
        t = next((held[tenant_id] for name, held in fleet_tenants(stack, source=source, work_dir=work_dir,
                                                                  passphrase=passphrase)
                  if name != stack and tenant_id in held and not held[tenant_id].get("released_to")), None) or t
    if t is None:
        known = ", ".join(sorted(tenants)) or "none"
        hint = ("; the local sandbox is --stack sandbox" if stack != "sandbox" and
                (work_dir / "Pulumi.sandbox.yaml").exists() else "")
        raise CredentialsError(f"no tenant {tenant_id!r} in stack {stack!r} or its shards (tenants of {stack}: "
                               f"{known}){hint}")
    return TenantCredentials(tenant_id, t["account_sid"], t["auth_token"], t["status"], t.get("api_key_sid"),
                             t.get("api_key_secret"), t.get("phone_numbers") or {},
                             auth_token_secondary=t.get("auth_token_secondary"), api_keys=_key_credentials(t),
                             messaging=t.get("messaging"), sending_rules=t.get("sending_rules"),
                             voice=t.get("voice"))


def _whole(value: Any) -> Any:
    """Pulumi stores every number as a double: 3 comes back 3.0. Whole numbers are given back as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value
