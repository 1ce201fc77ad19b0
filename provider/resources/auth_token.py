"""AuthTokenRotation: a subaccount's auth token rotated in two reviewed steps (Accounts v1).

`secondary` creates a second token beside the primary: both authenticate, the outputs carry both, and Twilio keeps
signing webhooks with the primary. `promoted` makes the secondary the primary: the old token stops working at once.

Accounts v1 `AuthTokens/Secondary` and `AuthTokens/Promote` take no account SID: they act on the account that
authenticates. So every call here authenticates as the subaccount, with its live primary token, which the parent's
credentials read from the 2010 Accounts resource just before (never the parent's own credentials: they would
rotate the parent's token). Reading it live also makes every step safe to repeat after a crash.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .args import ResourceArgs, ResourceOutputs
from .base import ProvisioningError, TwilioProvider, explain, is_not_found

STEPS = ("secondary", "promoted")


@dataclass(frozen=True)
class AuthTokenRotationArgs(ResourceArgs):
    tenant_id: str
    account_sid: Any
    rotation: str
    step: str


@dataclass(frozen=True)
class AuthTokenRotationOutputs(ResourceOutputs):
    primary: str | None = None  # both tokens are Pulumi secrets
    secondary: str | None = None
    promoted_outside: bool | None = None  # the secondary became the primary outside this stack (seen by a read)


OUTPUTS = AuthTokenRotationOutputs.names()
SECRET_OUTPUTS = ("primary", "secondary")


class AuthTokenRotationProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        new, old = AuthTokenRotationArgs.from_props(news), AuthTokenRotationArgs.from_props(olds)
        step, rotation = new.step, new.rotation
        continuing = bool(olds) and old.rotation == rotation
        problems = [("step", None if step in STEPS else f"step must be one of {', '.join(STEPS)}")]
        if continuing and old.step == "promoted" and step == "secondary":
            problems.append(("step", f"rotation {rotation} was promoted: the old token is gone for good; start a "
                                     "new rotation (a new `rotation` name) instead"))
        if not continuing and step == "promoted":
            problems.append(("step", f"rotation {rotation} must start at `step: secondary` (deploy, give the CRM "
                                     "both tokens) before `step: promoted`"))
        if olds and not continuing and old.step == "secondary":
            problems.append(("rotation", f"rotation {old.rotation} is halfway (secondary token created, "
                                         "not promoted): promote it, or remove the auth_token block to abandon it, "
                                         f"before starting {rotation}"))
        return self.checked(news, self.failures(problems))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A new rotation is an update of the one record: replacing it would delete the record of the current
        # token, which delete() refuses.
        old, new = AuthTokenRotationArgs.from_props(olds), AuthTokenRotationArgs.from_props(news)
        replaces = new.changed(old, ("account_sid",))
        changed = bool(new.changed(old, ("rotation", "step")))
        return DiffResult(changes=bool(replaces) or changed, replaces=replaces, delete_before_replace=False)

    def _live_primary(self, account_sid: str) -> tuple[str, str]:
        """(status, auth token) of the subaccount now, read with the parent's credentials."""
        try:
            account = self.session.client.api.v2010.accounts(account_sid).fetch()
        except Exception as error:
            raise explain(f"read subaccount {account_sid}", error) from None
        return account.status, account.auth_token

    def _as_subaccount(self, account_sid: str) -> Any:
        status, primary = self._live_primary(account_sid)
        if status != "active":
            raise ProvisioningError(f"subaccount {account_sid} is {status}: its auth token can be rotated only "
                                    "while it is active")
        return self.session.client_as(account_sid, primary).accounts.v1

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"{AuthTokenRotationArgs.from_props(props).account_sid}/auth-token", self._start(props))

    def _start(self, props: dict[str, Any]) -> dict[str, Any]:
        """Step one of a rotation: a fresh secondary token beside the live primary."""
        account = AuthTokenRotationArgs.from_props(props).account_sid
        accounts = self._as_subaccount(account)
        # A secondary found now was never in the outputs (a crash lost the answer to our own create, or it was
        # made by hand): nobody can hold it through us. Replace it, so the outputs hold one we know.
        try:
            accounts.secondary_auth_token().delete()
        except Exception as error:
            if not is_not_found(error):
                raise explain(f"clear the secondary auth token of {account}", error) from None
        try:
            made = accounts.secondary_auth_token().create()
        except Exception as error:
            raise explain(f"create a secondary auth token for {account}", error) from None
        _, primary = self._live_primary(account)
        return {**props, **AuthTokenRotationOutputs(primary=primary, secondary=made.secondary_auth_token).as_props()}

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = AuthTokenRotationArgs.from_props(olds), AuthTokenRotationArgs.from_props(news)
        held, account = AuthTokenRotationOutputs.from_props(olds), new.account_sid
        if new.rotation != old.rotation:  # the next rotation (check() saw the last one promoted)
            return UpdateResult(self._start(news))
        if new.step != "promoted" or old.step == "promoted":
            return UpdateResult({**news, **held.as_props()})
        status, primary = self._live_primary(account)
        # Promoted already: by a run that crashed after promoting (the live primary is the recorded secondary), or
        # outside this stack and seen by a refresh (`promoted_outside`).
        if primary != held.secondary and not held.promoted_outside:
            if status != "active":
                raise ProvisioningError(f"subaccount {account} is {status}: promote its token once it is active")
            try:
                promoted = self.session.client_as(account, primary).accounts.v1.auth_token_promotion().update()
            except Exception as error:
                if not is_not_found(error):
                    raise explain(f"promote the secondary auth token of {account}", error) from None
                if primary != held.primary:  # no secondary, a new primary: promoted outside this stack
                    self.session.forget_token(account)
                    outside = AuthTokenRotationOutputs(primary=primary, promoted_outside=True)
                    return UpdateResult({**news, **outside.as_props()})
                raise ProvisioningError(
                    f"subaccount {account} has no secondary auth token to promote (deleted outside this stack); "
                    "nothing was promoted and its current token is unchanged: start a new rotation (a new "
                    "`rotation` name, `step: secondary`)") from None
            primary = promoted.auth_token
            self.session.forget_token(account)
        return UpdateResult({**news, **AuthTokenRotationOutputs(primary=primary).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        status, primary = self._live_primary(AuthTokenRotationArgs.from_props(props).account_sid)
        held = AuthTokenRotationOutputs.from_props(props)
        secondary, outside = held.secondary, bool(held.promoted_outside)
        if secondary is not None and primary == secondary:  # promoted outside the stack: recognised by `up`
            secondary, outside = None, True
        read = AuthTokenRotationOutputs(primary=primary, secondary=secondary, promoted_outside=outside or None)
        return ReadResult(id_, {**props, **read.as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = AuthTokenRotationArgs.from_props(props)
        account = args.account_sid
        try:
            status, _ = self._live_primary(account)
        except ProvisioningError:
            status = "closed"  # gone with its account
        if status == "closed":
            return
        if args.step == "promoted":
            raise ProvisioningError(
                f"refusing to forget auth-token rotation {args.rotation}: the stack outputs take the "
                "tenant's current auth token from it. Keep the auth_token block; start the next rotation by "
                "giving it a new `rotation` name")
        try:  # abandoning a rotation halfway: the secondary goes, the primary stays
            self._as_subaccount(account).secondary_auth_token().delete()
        except Exception as error:
            if not is_not_found(error):
                raise explain(f"delete the secondary auth token of {account}", error) from None


class AuthTokenRotation(Resource, module="twilio", name="AuthTokenRotation"):
    """`primary` and `secondary` are Pulumi secrets."""

    primary: pulumi.Output[str]
    secondary: pulumi.Output[str | None]

    def __init__(self, resource_name: str, args: AuthTokenRotationArgs, opts: pulumi.ResourceOptions | None = None):
        secret = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_OUTPUTS))
        super().__init__(AuthTokenRotationProvider(), resource_name, args.with_outputs(*OUTPUTS),
                         pulumi.ResourceOptions.merge(opts, secret))


__all__ = ["AuthTokenRotation", "AuthTokenRotationArgs", "AuthTokenRotationProvider"]
