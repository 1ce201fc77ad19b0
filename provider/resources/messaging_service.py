"""MessagingService and MessagingSender: a tenant's Messaging Service and each number of its sender pool.

Both live in the tenant's subaccount and are managed with its own credentials (`Session.client_in`). A number belongs
to one service at Twilio (21712): a sender whose number is held by another service is refused with that service
named, never moved silently.
"""
from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from twilio.base.exceptions import TwilioRestException

from ..twilio_settings import SERVICE_DEFAULTS, SERVICE_TWILIO_NAMES
from .base import ProvisioningError, TwilioProvider, create_once, explain

# The service settings (tenant-file name, Twilio's name, Twilio's default), declared once in twilio_settings.
SERVICE_SETTINGS = SERVICE_TWILIO_NAMES
NUMBER_IN_ANOTHER_SERVICE = 21712


def desired_settings(declared: dict[str, Any] | None) -> dict[str, Any]:
    """Every setting, declared or default, so a line removed from the file goes back to Twilio's default."""
    return {**SERVICE_DEFAULTS, **(declared or {})}


def live_settings(service: Any) -> dict[str, Any]:
    return {ours: (getattr(service, theirs) if getattr(service, theirs) is not None else SERVICE_DEFAULTS[ours])
            for ours, theirs in SERVICE_SETTINGS.items()}


def _twilio_kwargs(settings: dict[str, Any]) -> dict[str, Any]:
    """Pulumi carries numbers as floats (14400 arrives as 14400.0): Twilio wants whole seconds."""
    return {SERVICE_SETTINGS[k]: int(v) if k == "validity_period" else v for k, v in settings.items()}


class MessagingServiceProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        unknown = sorted(set(news.get("settings") or {}) - set(SERVICE_SETTINGS))
        return self.checked(news, self.failures([
            ("settings", f"unknown setting(s): {', '.join(unknown)}" if unknown else None),
            ("friendly_name", None if isinstance(news.get("friendly_name"), str) and
             0 < len(news["friendly_name"]) <= 64 else "friendly_name must be 1 to 64 characters"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = ["account_sid"] if olds.get("account_sid") != news.get("account_sid") else []
        changed = replaces or olds.get("friendly_name") != news.get("friendly_name") or \
            desired_settings(olds.get("settings")) != desired_settings(news.get("settings"))
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _services(self, account_sid: str) -> Any:
        return self.session.client_in(account_sid).messaging.v1.services

    def _existing(self, props: dict[str, Any]) -> Any | None:
        found = [s for s in self._services(props["account_sid"]).list() if s.friendly_name == props["friendly_name"]]
        if len(found) > 1:
            raise ProvisioningError(f"{len(found)} Messaging Services named {props['friendly_name']!r} in "
                                    f"{props['account_sid']}; delete the extra ones")
        return found[0] if found else None

    def create(self, props: dict[str, Any]) -> CreateResult:
        settings = desired_settings(props.get("settings"))
        existing = None if self.session.is_fresh(props["account_sid"]) else self._existing(props)
        if existing is not None:  # made by a run that died before saving it: adopt, and make it as declared
            service = self._services(props["account_sid"])(existing.sid).update(**_twilio_kwargs(settings))
        else:
            service = create_once(
                f"create Messaging Service {props['friendly_name']}",
                lambda: self._services(props["account_sid"]).create(friendly_name=props["friendly_name"],
                                                                    **_twilio_kwargs(settings)),
                lambda: self._existing(props), in_doubt=lambda: self.session.spoil(props["account_sid"]))
        return CreateResult(service.sid, {**props, "sid": service.sid})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        service = self.fetch_live(lambda: self._services(props["account_sid"])(id_).fetch(),
                                  f"Messaging Service {id_}")
        if service is None:
            return self.gone()
        live = live_settings(service)
        declared = set(props.get("settings") or {})
        return ReadResult(id_, {**props, "friendly_name": service.friendly_name, "sid": id_,
                                "settings": {k: v for k, v in live.items() if k in declared or
                                             v != SERVICE_DEFAULTS[k]}})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            self._services(news["account_sid"])(id_).update(friendly_name=news["friendly_name"],
                                                            **_twilio_kwargs(desired_settings(news.get("settings"))))
        except Exception as error:
            raise explain(f"update Messaging Service {id_}", error) from None
        return UpdateResult({**news, "sid": id_})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_quietly(lambda: self._services(props["account_sid"])(id_).delete(), props["account_sid"],
                            f"Messaging Service {id_}")


class MessagingSenderProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("account_sid", "service_sid", "number_sid") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def _pool(self, props: dict[str, Any]) -> Any:
        return self.session.client_in(props["account_sid"]).messaging.v1.services(props["service_sid"]).phone_numbers

    def create(self, props: dict[str, Any]) -> CreateResult:
        pool = self._pool(props)
        try:
            member = pool.create(phone_number_sid=props["number_sid"])
        except TwilioRestException as error:
            if error.code != NUMBER_IN_ANOTHER_SERVICE:
                raise explain(f"add {props['phone_number']} to Messaging Service {props['service_sid']}", error) \
                    from None
            if self.fetch_live(lambda: pool(props["number_sid"]).fetch(), f"sender {props['phone_number']}") is None:
                raise ProvisioningError(
                    f"{props['phone_number']} is already in another Messaging Service of {props['account_sid']} "
                    f"(Twilio 21712: a number belongs to one service). Remove it from that service, or from "
                    f"messaging.senders") from None
            member = pool(props["number_sid"]).fetch()  # already ours: a run that died after adding it
        return CreateResult(member.sid, {**props, "sid": member.sid})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        member = self.fetch_live(lambda: self._pool(props)(id_).fetch(), f"sender {props.get('phone_number')}")
        return self.gone() if member is None else ReadResult(id_, {**props, "sid": id_})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "sid": id_})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.delete_quietly(lambda: self._pool(props)(id_).delete(), props["account_sid"],
                            f"sender {props.get('phone_number')} of {props.get('service_sid')}")


class MessagingService(Resource, module="twilio", name="MessagingService"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, *, account_sid: pulumi.Input[str], friendly_name: str,
                 settings: dict[str, Any], opts: pulumi.ResourceOptions | None = None):
        super().__init__(MessagingServiceProvider(), resource_name,
                         {"account_sid": account_sid, "friendly_name": friendly_name, "settings": settings,
                          "sid": None}, opts)


class MessagingSender(Resource, module="twilio", name="MessagingSender"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, *, account_sid: pulumi.Input[str], service_sid: pulumi.Input[str],
                 number_sid: pulumi.Input[str], phone_number: pulumi.Input[str], tenant_id: str,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(MessagingSenderProvider(), resource_name,
                         {"account_sid": account_sid, "service_sid": service_sid, "number_sid": number_sid,
                          "phone_number": phone_number, "tenant_id": tenant_id, "sid": None}, opts)


__all__ = ["MessagingSender", "MessagingSenderProvider", "MessagingService", "MessagingServiceProvider"]
