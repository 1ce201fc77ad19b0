"""UsageTrigger: one budget alert of a tenant, as a recurring Twilio usage trigger."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .args import ResourceArgs, SidOutputs
from .base import ProvisioningError, TwilioProvider, create_once, explain


@dataclass(frozen=True)
class UsageTriggerArgs(ResourceArgs):
    account_sid: Any
    friendly_name: str
    callback_url: str
    trigger_value: str
    callback_method: str = "POST"
    usage_category: str = "totalprice"
    recurring: str = "monthly"
    trigger_by: str = "price"

    def twilio_fields(self) -> dict[str, str]:
        """What Twilio's create takes (the trigger value as a decimal string, as Twilio keeps it)."""
        return {"callback_url": self.callback_url, "callback_method": self.callback_method,
                "trigger_value": str(self.trigger_value), "usage_category": self.usage_category,
                "recurring": self.recurring, "trigger_by": self.trigger_by, "friendly_name": self.friendly_name}


UPDATABLE = ("callback_url", "callback_method", "friendly_name")
FIXED = ("account_sid", "trigger_value", "usage_category", "recurring", "trigger_by")  # Twilio cannot change these
OUTPUTS = SidOutputs.names()


def _decimal_issue(value: Any) -> str | None:
    try:
        return None if Decimal(str(value)).is_finite() and Decimal(str(value)) >= 0 else "must be >= 0"
    except InvalidOperation:
        return f"trigger_value must be a number, got {value!r}"


class UsageTriggerProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        args = UsageTriggerArgs.from_props(news)
        return self.checked(news, self.failures([
            ("trigger_value", _decimal_issue(args.trigger_value)),
            ("callback_url", None if str(args.callback_url or "").startswith("https://")
             else "callback_url must be an https URL"),
            ("callback_method", None if args.callback_method in ("GET", "POST") else "GET or POST"),
            ("recurring", None if args.recurring in ("daily", "monthly", "yearly") else
             "recurring must be daily, monthly or yearly"),
            ("trigger_by", None if args.trigger_by in ("count", "usage", "price") else
             "trigger_by must be count, usage or price"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = UsageTriggerArgs.from_props(olds), UsageTriggerArgs.from_props(news)
        replaces = new.changed(old, FIXED)
        return DiffResult(changes=bool(replaces or new.changed(old, UPDATABLE)), replaces=replaces,
                          delete_before_replace=False)

    def _triggers(self, account_sid: str) -> Any:
        return self.session.client.api.v2010.accounts(account_sid).usage.triggers

    def _existing(self, args: UsageTriggerArgs) -> Any | None:
        found = [t for t in self._triggers(args.account_sid).list() if t.friendly_name == args.friendly_name]
        if len(found) > 1:
            raise ProvisioningError(f"{len(found)} usage triggers named {args.friendly_name!r} in "
                                    f"{args.account_sid}; delete the extra ones")
        return found[0] if found else None

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = UsageTriggerArgs.from_props(props)
        wanted = args.twilio_fields()
        existing = None if self.session.is_fresh(args.account_sid) else self._existing(args)
        if existing is not None and any(str(getattr(existing, k)) != wanted[k] for k in FIXED[1:]):
            self._triggers(args.account_sid)(existing.sid).delete()  # made by a crashed run for other values
            existing = None
        trigger = existing or create_once(
            f"create usage trigger {args.friendly_name}", lambda: self._triggers(args.account_sid).create(**wanted),
            lambda: self._existing(args), in_doubt=lambda: self.session.spoil(args.account_sid))
        if existing is not None and any(str(getattr(existing, k)) != wanted[k] for k in UPDATABLE):
            trigger = self._triggers(args.account_sid)(existing.sid).update(**{k: wanted[k] for k in UPDATABLE})
        return CreateResult(trigger.sid, {**props, **SidOutputs(sid=trigger.sid).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = UsageTriggerArgs.from_props(props)
        trigger = self.fetch_live(lambda: self._triggers(args.account_sid)(id_).fetch(), f"usage trigger {id_}")
        if trigger is None:
            return self.gone()
        return ReadResult(id_, {**props, **{k: getattr(trigger, k) for k in UPDATABLE}, **SidOutputs(sid=id_).as_props()})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = UsageTriggerArgs.from_props(news)
        wanted = new.twilio_fields()
        changes = {k: wanted[k] for k in new.changed(UsageTriggerArgs.from_props(olds), UPDATABLE)}
        try:
            self._triggers(new.account_sid)(id_).update(**changes)
        except Exception as error:
            raise explain(f"update usage trigger {id_}", error) from None
        return UpdateResult({**news, **SidOutputs(sid=id_).as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = UsageTriggerArgs.from_props(props)
        self.delete_quietly(lambda: self._triggers(args.account_sid)(id_).delete(), args.account_sid,
                            f"usage trigger {id_}")


class UsageTrigger(Resource, module="twilio", name="UsageTrigger"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, args: UsageTriggerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(UsageTriggerProvider(), resource_name, args.with_outputs(*OUTPUTS), opts)


__all__ = ["UsageTrigger", "UsageTriggerArgs", "UsageTriggerProvider"]
