"""Subaccount: one per tenant, found again by its deterministic friendly name.

Status is split in two so every change happens while Twilio still accepts it: this resource creates and
reactivates (before the tenant's numbers, keys and triggers change), and SubaccountStatus suspends or closes
(after them; it depends on them). Closing happens only through `status: closed` in the tenant file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from twilio.base.exceptions import TwilioRestException

from .. import naming
from ..identifiers import ACCOUNT_SID
from .args import ResourceArgs, ResourceOutputs
from .base import ProvisioningError, TwilioProvider, create_once, explain, is_not_found, known

STATUSES = ("active", "suspended", "closed")

@dataclass(frozen=True)
class SubaccountArgs(ResourceArgs):
    """`friendly_name` and `status` are declared here and read back from Twilio under the same names."""

    tenant_id: Any
    friendly_name: Any
    status: Any
    adopt_sid: Any = None  # the tenant file's subaccount_sid
    claimed_by: Any = None  # which other declared tenant already holds `adopt_sid`, if any (the program knows)


@dataclass(frozen=True)
class SubaccountOutputs(ResourceOutputs):
    sid: str | None = None
    auth_token: str | None = None  # a Pulumi secret
    owner_account_sid: str | None = None


OUTPUTS = SubaccountOutputs.names()


@dataclass(frozen=True)
class SubaccountStatusArgs(ResourceArgs):
    account_sid: Any
    status: str
    tenant_id: str | None = None
SUBACCOUNT_CAP = 21480  # the parent has as many subaccounts as Twilio allows it


class SubaccountProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        new = SubaccountArgs.from_props(news)
        name, status, adopt = new.friendly_name, new.status, new.adopt_sid
        return self.checked(news, self.failures([
            ("friendly_name", None if isinstance(name, str) and 0 < len(name) <= 64
             else "friendly_name must be 1 to 64 characters"),
            ("status", None if status in STATUSES else f"status must be one of {', '.join(STATUSES)}"),
            ("status", "the subaccount is closed, and closing is final at Twilio: it cannot become "
                       f"{status}; create a new tenant instead"
             if SubaccountArgs.from_props(olds).status == "closed" and status != "closed" else None),
            ("adopt_sid", None if adopt is None or (isinstance(adopt, str) and ACCOUNT_SID.fullmatch(adopt))
             else "adopt_sid must be a subaccount SID (AC + 32 hex digits)"),
            ("adopt_sid", f"subaccount {adopt} is {new.claimed_by}; tenant {new.tenant_id} cannot adopt "
                          "it (an offboarded tenant's subaccount is closed, never handed over)"
             if known(new.claimed_by) else None),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = SubaccountArgs.from_props(olds), SubaccountArgs.from_props(news)
        replaces = []
        if new.adopt_sid and new.adopt_sid != SubaccountOutputs.from_props(olds).sid:
            replaces.append("adopt_sid")
        replaces += new.changed(old, ("tenant_id",))
        changed = replaces or new.changed(old, ("friendly_name", "status"))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = SubaccountArgs.from_props(props)
        account = self._adopted(args) if args.adopt_sid else self._existing(args.friendly_name)
        if account is None:
            if args.status == "closed":
                # Closed, and deleted by Twilio 30 days later (or never made): the tenant's job is done.
                return CreateResult(f"deleted:{args.friendly_name}",
                                    {**props, "sid": args.adopt_sid, "auth_token": None,
                                     "owner_account_sid": None, "status": "closed"})
            account = create_once(
                f"create subaccount {args.friendly_name}", lambda: self._create(args),
                lambda: self._existing(args.friendly_name, fresh=True))
            self.session.mark_fresh(account.sid)
        account = self._converge(account, args)
        self.session.remember(account)
        return CreateResult(account.sid, {**self._outs(props, account), "status": args.status})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if id_.startswith("deleted:"):
            return ReadResult(id_, props)
        account = self.fetch_live(lambda: self.session.client.api.v2010.accounts(id_).fetch(), f"subaccount {id_}")
        if account is None:
            # A closed subaccount is deleted by Twilio 30 days after closing: that is its expected end, not drift.
            return ReadResult(id_, props) if SubaccountArgs.from_props(props).status == "closed" else self.gone()
        return ReadResult(id_, self._outs(props, account))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = SubaccountArgs.from_props(news)
        changes = {k: getattr(new, k) for k in new.changed(SubaccountArgs.from_props(olds), ("friendly_name", "status"))}
        if changes.get("status") != "active":
            changes.pop("status", None)  # suspending and closing are SubaccountStatus's, after the children
        if not changes:
            return UpdateResult({**self._outs(news, None, olds), "status": new.status})
        try:
            account = self.session.client.api.v2010.accounts(id_).update(**changes)
        except Exception as error:
            raise explain(f"update subaccount {id_} ({', '.join(f'{k}={v}' for k, v in changes.items())})",
                          error) from None
        self.session.remember(account)
        return UpdateResult({**self._outs(news, account), "status": new.status})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Never closes anything: closing happens only through `status: closed` in the tenant file."""

    # ---- helpers ---------------------------------------------------------------------------------------
    def _create(self, args: SubaccountArgs) -> Any:
        try:
            return self.session.client.api.v2010.accounts.create(friendly_name=args.friendly_name)
        except TwilioRestException as error:
            if error.code != SUBACCOUNT_CAP:
                raise
            try:
                existing = sum(1 for a in self.session.client.api.v2010.accounts.list(page_size=1000)
                               if a.sid != self.session.parent_sid)
                count = f"it has {existing} subaccounts, closed ones included until Twilio deletes them"
            except Exception:  # noqa: BLE001 - the count is a courtesy; the refusal is the news
                count = "its subaccounts could not be counted"
            raise ProvisioningError(
                f"Twilio refused to create the subaccount: the parent {self.session.parent_sid} has reached its "
                f"subaccount cap ({count}; error 21480: {error.msg}). Nothing was "
                "created. Close tenants that are gone (a closed subaccount stops counting when Twilio deletes it, "
                "30 days after closing), ask Twilio support to raise the cap (then set "
                "`twilio-tenants:subaccountCap` in the stack file), or put new tenants in a stack with another "
                "parent account") from None

    def _existing(self, friendly_name: str, fresh: bool = False) -> Any | None:
        """`fresh` asks Twilio now (after an ambiguous create); otherwise the run's directory may answer."""
        named = (self.session.client.api.v2010.accounts.list(friendly_name=friendly_name) if fresh
                 else self.session.subaccounts_named(friendly_name))
        found = [a for a in named if a.status != "closed" and a.sid != self.session.parent_sid]
        if len(found) > 1:
            raise ProvisioningError(
                f"{len(found)} open subaccounts are named {friendly_name!r} ({', '.join(a.sid for a in found)}); "
                "set subaccount_sid in the tenant file to say which one is the tenant's")
        return found[0] if found else None

    def _adopted(self, args: SubaccountArgs) -> Any:
        sid = args.adopt_sid
        try:
            account = self.session.client.api.v2010.accounts(sid).fetch()
        except Exception as error:
            if is_not_found(error) and args.status == "closed":
                return None  # closed and already deleted by Twilio
            raise explain(f"find subaccount {sid} to adopt", error) from None
        if account.owner_account_sid != self.session.parent_sid or account.sid == self.session.parent_sid:
            raise ProvisioningError(f"{sid} is not a subaccount of {self.session.parent_sid}")
        owner = naming.tenant_id_from_friendly_name(account.friendly_name or "")
        if owner is not None and owner != args.tenant_id:
            raise ProvisioningError(
                f"subaccount {sid} belongs to tenant {owner} (Twilio names it {account.friendly_name!r}); tenant "
                f"{args.tenant_id} cannot adopt it. Nothing was changed. Remove subaccount_sid from "
                f"{args.tenant_id}'s file, or offboard {owner} first")
        if account.status == "closed" and args.status != "closed":
            raise ProvisioningError(f"subaccount {sid} is closed and cannot be reopened")
        return account

    def _converge(self, account: Any, args: SubaccountArgs) -> Any:
        changes = {}
        if account.friendly_name != args.friendly_name:
            changes["friendly_name"] = args.friendly_name
        if args.status == "active" and account.status == "suspended":
            changes["status"] = "active"
        if not changes:
            return account
        try:
            return self.session.client.api.v2010.accounts(account.sid).update(**changes)
        except Exception as error:
            raise explain(f"bring subaccount {account.sid} to {changes}", error) from None

    @staticmethod
    def _outs(props: dict[str, Any], account: Any | None, olds: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        if account is None:
            assert olds is not None
            return {**props, **SubaccountOutputs.from_props(olds).as_props()}
        held = SubaccountOutputs(sid=account.sid, auth_token=account.auth_token,
                                 owner_account_sid=account.owner_account_sid)
        return {**props, **held.as_props(), "status": account.status, "friendly_name": account.friendly_name}


class Subaccount(Resource, module="twilio", name="Subaccount"):
    """A tenant's Twilio subaccount. `auth_token` is a Pulumi secret."""

    sid: pulumi.Output[str]
    status: pulumi.Output[str]
    auth_token: pulumi.Output[str]
    friendly_name: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SubaccountArgs, opts: pulumi.ResourceOptions | None = None):
        secret = pulumi.ResourceOptions(additional_secret_outputs=["auth_token"])
        super().__init__(SubaccountProvider(), resource_name, args.with_outputs(*OUTPUTS),
                         pulumi.ResourceOptions.merge(opts, secret))


class SubaccountStatusProvider(TwilioProvider):
    """Suspends or closes a subaccount once everything in it is in place; reactivation is Subaccount's."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        status = SubaccountStatusArgs.from_props(news).status
        return self.checked(news, self.failures([
            ("status", None if status in STATUSES else f"status must be one of {', '.join(STATUSES)}"),
            ("status", "closing is final at Twilio" if SubaccountStatusArgs.from_props(olds).status == "closed"
             and status != "closed" else None)]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = SubaccountStatusArgs.from_props(olds), SubaccountStatusArgs.from_props(news)
        replaces = new.changed(old, ("account_sid",))
        return DiffResult(changes=bool(replaces) or bool(new.changed(old, ("status",))), replaces=replaces)

    def _apply(self, account_sid: str | None, status: str) -> str:
        accounts = self.session.client.api.v2010.accounts
        try:
            if account_sid is None and status == "closed":
                return status  # the subaccount is gone already (deleted 30 days after closing)
            current = accounts(account_sid).fetch().status
            if current != status and not (current == "closed" and status == "closed"):
                current = accounts(account_sid).update(status=status).status
        except Exception as error:
            if is_not_found(error) and status == "closed":
                return status
            raise explain(f"set subaccount {account_sid} to {status}", error) from None
        return current

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = SubaccountStatusArgs.from_props(props)
        status = args.status
        if status != "active":
            status = self._apply(args.account_sid, status)
        return CreateResult(f"{args.account_sid or 'deleted'}/status", {**props, "status": status})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = SubaccountStatusArgs.from_props(props)
        if args.account_sid is None and args.status == "closed":
            return ReadResult(id_, props)
        account = self.fetch_live(lambda: self.session.client.api.v2010.accounts(args.account_sid).fetch(),
                                  f"subaccount {args.account_sid}")
        if account is None:
            return ReadResult(id_, props) if args.status == "closed" else self.gone()
        return ReadResult(id_, {**props, "status": account.status})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = SubaccountStatusArgs.from_props(news)
        status = new.status
        if status != "active":  # reactivation already happened in Subaccount, before the children
            status = self._apply(new.account_sid, status)
        return UpdateResult({**news, "status": status})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Never changes the account, and refuses unless the tenant was closed first.

        Under `pulumi up` a removed tenant's resources are deleted dependents first, and the protected
        subaccount refuses only at the end: its numbers would already be released. This step depends on all of
        them, so it is deleted first: refusing here stops the run before anything of the tenant is touched."""
        args = SubaccountStatusArgs.from_props(props)
        if args.status != "closed":
            raise ProvisioningError(
                f"refusing to remove the resources of subaccount {args.account_sid}: it is "
                f"{args.status}, and its tenant's file is gone (removed or renamed). Nothing was released. "
                "Restore the file (tenant ids never change); to offboard, set `status: closed` and deploy first, "
                "then remove the file")


class SubaccountStatus(Resource, module="twilio", name="SubaccountStatus"):
    status: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SubaccountStatusArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(SubaccountStatusProvider(), resource_name, args.as_props(), opts)


__all__ = ["Subaccount", "SubaccountArgs", "SubaccountProvider", "SubaccountStatus", "SubaccountStatusArgs",
           "SubaccountStatusProvider"]
