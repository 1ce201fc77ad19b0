"""UsageTrigger: one budget alert of a tenant, as a recurring Twilio usage trigger."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from .base import ProvisioningError, TwilioProvider, create_once, explain

UPDATABLE = ("callback_url", "callback_method", "friendly_name")
FIXED = ("account_sid", "trigger_value", "usage_category", "recurring", "trigger_by")  # Twilio cannot change these


def _decimal_issue(value: Any) -> str | None:
    try:
        return None if Decimal(str(value)).is_finite() and Decimal(str(value)) >= 0 else "must be >= 0"
    except InvalidOperation:
        return f"trigger_value must be a number, got {value!r}"


class UsageTriggerProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, self.failures([
            ("trigger_value", _decimal_issue(news.get("trigger_value"))),
            ("callback_url", None if str(news.get("callback_url", "")).startswith("https://")
             else "callback_url must be an https URL"),
            ("callback_method", None if news.get("callback_method") in ("GET", "POST") else "GET or POST"),
            ("recurring", None if news.get("recurring") in ("daily", "monthly", "yearly") else
             "recurring must be daily, monthly or yearly"),
            ("trigger_by", None if news.get("trigger_by") in ("count", "usage", "price") else
             "trigger_by must be count, usage or price"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in FIXED if olds.get(k) != news.get(k)]
        changed = replaces or any(olds.get(k) != news.get(k) for k in UPDATABLE)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _triggers(self, account_sid: str) -> Any:
        return self.session.client.api.v2010.accounts(account_sid).usage.triggers

    def _existing(self, props: dict[str, Any]) -> Any | None:
        found = [t for t in self._triggers(props["account_sid"]).list() if t.friendly_name == props["friendly_name"]]
        if len(found) > 1:
            raise ProvisioningError(f"{len(found)} usage triggers named {props['friendly_name']!r} in "
                                    f"{props['account_sid']}; delete the extra ones")
        return found[0] if found else None

    def create(self, props: dict[str, Any]) -> CreateResult:
        existing = None if self.session.is_fresh(props["account_sid"]) else self._existing(props)
        if existing is not None and any(str(getattr(existing, k)) != str(props[k]) for k in FIXED[1:]):
            self._triggers(props["account_sid"])(existing.sid).delete()  # made by a crashed run for other values
            existing = None
        trigger = existing or create_once(
            f"create usage trigger {props['friendly_name']}",
            lambda: self._triggers(props["account_sid"]).create(
                callback_url=props["callback_url"], callback_method=props["callback_method"],
                trigger_value=str(props["trigger_value"]), usage_category=props["usage_category"],
                recurring=props["recurring"], trigger_by=props["trigger_by"], friendly_name=props["friendly_name"]),
            lambda: self._existing(props), in_doubt=lambda: self.session.spoil(props["account_sid"]))
        if existing is not None and any(str(getattr(existing, k)) != str(props[k]) for k in UPDATABLE):
            trigger = self._triggers(props["account_sid"])(existing.sid).update(
                **{k: props[k] for k in UPDATABLE})
        return CreateResult(trigger.sid, {**props, "sid": trigger.sid})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        trigger = self.fetch_live(lambda: self._triggers(props["account_sid"])(id_).fetch(), f"usage trigger {id_}")
        if trigger is None:
            return self.gone()
        return ReadResult(id_, {**props, **{k: getattr(trigger, k) for k in UPDATABLE}, "sid": id_})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changes = {k: news[k] for k in UPDATABLE if olds.get(k) != news.get(k)}
        try:
            self._triggers(news["account_sid"])(id_).update(**changes)
        except Exception as error:
            raise explain(f"update usage trigger {id_}", error) from None
        return UpdateResult({**news, "sid": id_})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_quietly(lambda: self._triggers(props["account_sid"])(id_).delete(), props["account_sid"],
                            f"usage trigger {id_}")


class UsageTrigger(Resource, module="twilio", name="UsageTrigger"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, *, account_sid: pulumi.Input[str], friendly_name: str,
                 callback_url: str, trigger_value: str, callback_method: str = "POST",
                 usage_category: str = "totalprice", recurring: str = "monthly", trigger_by: str = "price",
                 opts: pulumi.ResourceOptions | None = None):
        props = {"account_sid": account_sid, "friendly_name": friendly_name, "callback_url": callback_url,
                 "callback_method": callback_method, "trigger_value": trigger_value,
                 "usage_category": usage_category, "recurring": recurring, "trigger_by": trigger_by, "sid": None}
        super().__init__(UsageTriggerProvider(), resource_name, props, opts)
