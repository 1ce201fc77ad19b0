"""ApiKey: one generation of a tenant's CRM key (IAM v1: Standard, or Restricted with a policy).

Twilio shows a key's secret once: it is kept at once as a Pulumi secret. A key's `role` says what the outputs do
with it: `current` (handed to the CRM), `previous` (handed out too, during a rotation's overlap) or `retired`
(no longer handed out). Deleting a key the CRM may still be using (`current`) is refused: a rotation first makes
it `previous`, and a later, reviewed change deletes it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from ..permissions import KNOWN_PERMISSIONS
from .args import ResourceArgs, ResourceOutputs
from .base import ProvisioningError, TwilioProvider, create_once, explain

ROLES = ("current", "previous", "retired")


@dataclass(frozen=True)
class ApiKeyArgs(ResourceArgs):
    account_sid: Any
    friendly_name: str
    permissions: list[str] | None = None  # a Restricted key's policy; None: a Standard key
    role: str = "current"  # keys written before roles were current


@dataclass(frozen=True)
class ApiKeyOutputs(ResourceOutputs):
    sid: str | None = None
    secret: str | None = None  # shown by Twilio once, at creation: a Pulumi secret


OUTPUTS = ApiKeyOutputs.names()


def _policy(permissions: list[str] | None) -> dict[str, list[str]] | None:
    return {"allow": sorted(permissions)} if permissions else None


class ApiKeyProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        new = ApiKeyArgs.from_props(news)
        name, permissions, role = new.friendly_name, new.permissions, new.role
        unknown = sorted(set(permissions or []) - KNOWN_PERMISSIONS)
        retyped = bool(olds) and bool(ApiKeyArgs.from_props(olds).permissions) != bool(permissions)
        return self.checked(news, self.failures([
            ("friendly_name", None if isinstance(name, str) and 0 < len(name) <= 64
             else "friendly_name must be 1 to 64 characters"),
            ("permissions", f"unknown Twilio permission(s): {', '.join(unknown)}" if unknown else None),
            ("permissions", "a key cannot change between standard and restricted in place (its secret would "
                            "change under the CRM): bump `generation` with `keep_previous: true` instead"
             if retyped else None),
            ("role", None if role in ROLES else f"role must be one of {', '.join(ROLES)}"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = ApiKeyArgs.from_props(olds), ApiKeyArgs.from_props(news)  # old keys: current, no policy
        replaces = new.changed(old, ("account_sid",))
        changed = replaces or new.changed(old, ("friendly_name", "permissions", "role"))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _iam(self) -> Any:
        return self.session.client.iam.v1

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = ApiKeyArgs.from_props(props)
        account, name, permissions = args.account_sid, args.friendly_name, args.permissions
        if not self.session.is_fresh(account):
            # A key left by a crashed run cannot be adopted (its secret was shown once and lost): revoke it.
            self._revoke_named(account, name)
        extra = {"key_type": "restricted", "policy": _policy(permissions)} if permissions else {}
        key = create_once(f"create API key {name}",
                          lambda: self._iam().new_api_key.create(account_sid=account, friendly_name=name, **extra),
                          lambda: self._revoke_named(account, name),
                          in_doubt=lambda: self.session.spoil(account))
        return CreateResult(key.sid, {**props, **ApiKeyOutputs(sid=key.sid, secret=key.secret).as_props()})

    def _revoke_named(self, account: str, name: str) -> None:
        """Returns None always: an orphan found after an ambiguous create is revoked, then we create again."""
        for orphan in self._iam().get_api_keys.list(account_sid=account):
            if orphan.friendly_name == name:  # already gone (a dropped answer to our own delete) counts as done
                self.delete_quietly(self._iam().api_key(orphan.sid).delete, account,
                                    f"(revoke) orphaned API key {orphan.sid}")
        return None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        key = self.fetch_live(lambda: self._iam().api_key(id_).fetch(), f"API key {id_}")
        if key is None:
            return self.gone()
        allowed = (key.policy or {}).get("allow") if isinstance(key.policy, dict) else None
        return ReadResult(id_, {**props, "friendly_name": key.friendly_name,
                                "permissions": sorted(allowed) if allowed else None})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = ApiKeyArgs.from_props(olds), ApiKeyArgs.from_props(news)
        renamed, repoliced = old.friendly_name != new.friendly_name, old.permissions != new.permissions
        if renamed or repoliced:
            changes: dict[str, Any] = {"friendly_name": new.friendly_name}
            if repoliced:
                changes["policy"] = _policy(new.permissions)
            try:
                self._iam().api_key(id_).update(**changes)
            except Exception as error:
                raise explain(f"update API key {id_}", error) from None
        return UpdateResult({**news, **ApiKeyOutputs(sid=id_, secret=ApiKeyOutputs.from_props(olds).secret).as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = ApiKeyArgs.from_props(props)
        account = args.account_sid
        if args.role == "current" and not self._account_closed(account):
            raise ProvisioningError(
                f"refusing to delete API key {id_} ({args.friendly_name}): the stack outputs still hand it "
                "to the CRM as the current key. Rotate first (bump `generation` with `keep_previous: true`), or "
                "mark the key `retired: true`; deploy; then remove it in a later change")
        self.delete_quietly(lambda: self._iam().api_key(id_).delete(), account, f"(revoke) API key {id_}")

    def _account_closed(self, account_sid: str) -> bool:
        """A closed tenant's keys are dead with its account: nothing to protect."""
        account = self.fetch_live(lambda: self.session.client.api.v2010.accounts(account_sid).fetch(),
                                  f"account {account_sid}")
        return account is None or account.status == "closed"


class ApiKey(Resource, module="twilio", name="ApiKey"):
    """`secret` is a Pulumi secret."""

    sid: pulumi.Output[str]
    secret: pulumi.Output[str]

    def __init__(self, resource_name: str, args: ApiKeyArgs, opts: pulumi.ResourceOptions | None = None):
        props = replace(args, permissions=sorted(args.permissions) if args.permissions else None).with_outputs(*OUTPUTS)
        secret = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(ApiKeyProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret))


__all__ = ["ApiKey", "ApiKeyArgs", "ApiKeyProvider"]
