"""MessagingService, MessagingSender and MessagingAlphaSender: a tenant's Messaging Service, each number of its
sender pool, and the name its texts come from where the destination country allows one.

All live in the tenant's subaccount and are managed with its own credentials (`Session.client_in`). A number belongs
to one service at Twilio (21712): a sender whose number is held by another service is refused with that service
named, never moved silently. A service has at most one alpha sender, which Twilio cannot rename: a changed name
is the old one deleted, then the new one added.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult
from twilio.base.exceptions import TwilioRestException

from ..twilio_settings import SERVICE_DEFAULTS, SERVICE_TWILIO_NAMES
from .args import ResourceArgs, SidOutputs
from .base import ProvisioningError, TwilioProvider, create_once, explain

NUMBER_IN_ANOTHER_SERVICE = 21712
OUTPUTS = SidOutputs.names()


@dataclass(frozen=True)
class MessagingServiceArgs(ResourceArgs):
    account_sid: Any
    friendly_name: str
    settings: dict[str, Any] | None  # as declared (tenant-file names); the rest are Twilio's defaults


@dataclass(frozen=True)
class MessagingSenderArgs(ResourceArgs):
    account_sid: Any
    service_sid: Any
    number_sid: Any
    phone_number: Any
    tenant_id: str


@dataclass(frozen=True)
class MessagingAlphaSenderArgs(ResourceArgs):
    account_sid: Any
    service_sid: Any
    alpha_sender: str
    tenant_id: str


def desired_settings(declared: dict[str, Any] | None) -> dict[str, Any]:
    """Every setting, declared or default, so a line removed from the file goes back to Twilio's default."""
    return {**SERVICE_DEFAULTS, **(declared or {})}


def live_settings(service: Any) -> dict[str, Any]:
    return {ours: (getattr(service, theirs) if getattr(service, theirs) is not None else SERVICE_DEFAULTS[ours])
            for ours, theirs in SERVICE_TWILIO_NAMES.items()}


def _twilio_kwargs(settings: dict[str, Any]) -> dict[str, Any]:
    """Pulumi carries numbers as floats (14400 arrives as 14400.0): Twilio wants whole seconds."""
    return {SERVICE_TWILIO_NAMES[k]: int(v) if k == "validity_period" else v for k, v in settings.items()}


class MessagingServiceProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        args = MessagingServiceArgs.from_props(news)
        unknown = sorted(set(args.settings or {}) - set(SERVICE_TWILIO_NAMES))
        return self.checked(news, self.failures([
            ("settings", f"unknown setting(s): {', '.join(unknown)}" if unknown else None),
            ("friendly_name", None if isinstance(args.friendly_name, str) and
             0 < len(args.friendly_name) <= 64 else "friendly_name must be 1 to 64 characters"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = MessagingServiceArgs.from_props(olds), MessagingServiceArgs.from_props(news)
        replaces = new.changed(old, ("account_sid",))
        changed = replaces or new.friendly_name != old.friendly_name or \
            desired_settings(old.settings) != desired_settings(new.settings)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _services(self, account_sid: str) -> Any:
        return self.session.client_in(account_sid).messaging.v1.services

    def _existing(self, args: MessagingServiceArgs) -> Any | None:
        found = [s for s in self._services(args.account_sid).list() if s.friendly_name == args.friendly_name]
        if len(found) > 1:
            raise ProvisioningError(f"{len(found)} Messaging Services named {args.friendly_name!r} in "
                                    f"{args.account_sid}; delete the extra ones")
        return found[0] if found else None

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = MessagingServiceArgs.from_props(props)
        settings = desired_settings(args.settings)
        existing = None if self.session.is_fresh(args.account_sid) else self._existing(args)
        if existing is not None:  # made by a run that died before saving it: adopt, and make it as declared
            service = self._services(args.account_sid)(existing.sid).update(**_twilio_kwargs(settings))
        else:
            service = create_once(
                f"create Messaging Service {args.friendly_name}",
                lambda: self._services(args.account_sid).create(friendly_name=args.friendly_name,
                                                                **_twilio_kwargs(settings)),
                lambda: self._existing(args), in_doubt=lambda: self.session.spoil(args.account_sid))
        return CreateResult(service.sid, {**props, **SidOutputs(sid=service.sid).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = MessagingServiceArgs.from_props(props)
        service = self.fetch_live(lambda: self._services(args.account_sid)(id_).fetch(), f"Messaging Service {id_}")
        if service is None:
            return self.gone()
        live = live_settings(service)
        declared = set(args.settings or {})
        return ReadResult(id_, {**props, "friendly_name": service.friendly_name, **SidOutputs(sid=id_).as_props(),
                                "settings": {k: v for k, v in live.items() if k in declared or
                                             v != SERVICE_DEFAULTS[k]}})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = MessagingServiceArgs.from_props(news)
        try:
            self._services(new.account_sid)(id_).update(friendly_name=new.friendly_name,
                                                        **_twilio_kwargs(desired_settings(new.settings)))
        except Exception as error:
            raise explain(f"update Messaging Service {id_}", error) from None
        return UpdateResult({**news, **SidOutputs(sid=id_).as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = MessagingServiceArgs.from_props(props)
        self.delete_quietly(lambda: self._services(args.account_sid)(id_).delete(), args.account_sid,
                            f"Messaging Service {id_}")


class MessagingSenderProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = MessagingSenderArgs.from_props(news).changed(MessagingSenderArgs.from_props(olds),
                                                                ("account_sid", "service_sid", "number_sid"))
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)

    def _pool(self, args: MessagingSenderArgs) -> Any:
        return self.session.client_in(args.account_sid).messaging.v1.services(args.service_sid).phone_numbers

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = MessagingSenderArgs.from_props(props)
        pool = self._pool(args)
        try:
            member = pool.create(phone_number_sid=args.number_sid)
        except TwilioRestException as error:
            if error.code != NUMBER_IN_ANOTHER_SERVICE:
                raise explain(f"add {args.phone_number} to Messaging Service {args.service_sid}", error) from None
            if self.fetch_live(lambda: pool(args.number_sid).fetch(), f"sender {args.phone_number}") is None:
                raise ProvisioningError(
                    f"{args.phone_number} is already in another Messaging Service of {args.account_sid} "
                    f"(Twilio 21712: a number belongs to one service). Remove it from that service, or from "
                    f"messaging.senders") from None
            member = pool(args.number_sid).fetch()  # already ours: a run that died after adding it
        return CreateResult(member.sid, {**props, **SidOutputs(sid=member.sid).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = MessagingSenderArgs.from_props(props)
        member = self.fetch_live(lambda: self._pool(args)(id_).fetch(), f"sender {args.phone_number}")
        return self.gone() if member is None else ReadResult(id_, {**props, **SidOutputs(sid=id_).as_props()})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, **SidOutputs(sid=id_).as_props()})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = MessagingSenderArgs.from_props(props)
        self.delete_quietly(lambda: self._pool(args)(id_).delete(), args.account_sid,
                            f"sender {args.phone_number} of {args.service_sid}")


class MessagingAlphaSenderProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        name = MessagingAlphaSenderArgs.from_props(news).alpha_sender
        return self.checked(news, self.failures([
            ("alpha_sender", None if isinstance(name, str) and name else "alpha_sender must be a name")]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = MessagingAlphaSenderArgs.from_props(news).changed(MessagingAlphaSenderArgs.from_props(olds),
                                                                     ("account_sid", "service_sid", "alpha_sender"))
        return DiffResult(changes=bool(replaces), replaces=replaces, delete_before_replace=True)  # one per service

    def _alphas(self, args: MessagingAlphaSenderArgs) -> Any:
        return self.session.client_in(args.account_sid).messaging.v1.services(args.service_sid).alpha_senders

    def _held(self, args: MessagingAlphaSenderArgs) -> Any | None:
        """The service's alpha sender if it is the declared one (a run that died after adding it); another one
        (added in the Console) is refused by name: removing what this stack did not make needs a person."""
        held = list(self._alphas(args).list())
        if held and held[0].alpha_sender != args.alpha_sender:
            raise ProvisioningError(
                f"Messaging Service {args.service_sid} already has the alpha sender {held[0].alpha_sender!r}, "
                f"which no tenant file declares (Twilio allows one per service): delete it in the Console, or "
                f"declare it as messaging.alpha_sender, and run again. Nothing was changed")
        return held[0] if held else None

    def create(self, props: dict[str, Any]) -> CreateResult:
        args = MessagingAlphaSenderArgs.from_props(props)
        alpha = self._held(args) or create_once(
            f"add the alpha sender {args.alpha_sender!r} to Messaging Service {args.service_sid}",
            lambda: self._alphas(args).create(alpha_sender=args.alpha_sender), lambda: self._held(args))
        return CreateResult(alpha.sid, {**props, **SidOutputs(sid=alpha.sid).as_props()})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        args = MessagingAlphaSenderArgs.from_props(props)
        alpha = self.fetch_live(lambda: self._alphas(args)(id_).fetch(), f"alpha sender {args.alpha_sender!r}")
        if alpha is None:
            return self.gone()
        return ReadResult(id_, {**props, "alpha_sender": alpha.alpha_sender, **SidOutputs(sid=id_).as_props()})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, **SidOutputs(sid=id_).as_props()})  # every input replaces: nothing to update

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        args = MessagingAlphaSenderArgs.from_props(props)
        self.delete_quietly(lambda: self._alphas(args)(id_).delete(), args.account_sid,
                            f"alpha sender {args.alpha_sender!r} of {args.service_sid}")


class MessagingService(Resource, module="twilio", name="MessagingService"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, args: MessagingServiceArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(MessagingServiceProvider(), resource_name, args.with_outputs(*OUTPUTS), opts)


class MessagingSender(Resource, module="twilio", name="MessagingSender"):
    sid: pulumi.Output[str]

    def __init__(self, resource_name: str, args: MessagingSenderArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(MessagingSenderProvider(), resource_name, args.with_outputs(*OUTPUTS), opts)


class MessagingAlphaSender(Resource, module="twilio", name="MessagingAlphaSender"):
    sid: pulumi.Output[str]
    alpha_sender: pulumi.Output[str]

    def __init__(self, resource_name: str, args: MessagingAlphaSenderArgs,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(MessagingAlphaSenderProvider(), resource_name, args.with_outputs(*OUTPUTS), opts)


__all__ = ["MessagingAlphaSender", "MessagingAlphaSenderArgs", "MessagingAlphaSenderProvider", "MessagingSender",
           "MessagingSenderArgs", "MessagingSenderProvider", "MessagingService", "MessagingServiceArgs",
           "MessagingServiceProvider"]
