"""A2pRegistration and TollfreeVerification: a tenant's US messaging registration, as resources.

Registration is reviewed over days, so a resource here is never "done" by one run: `up` takes the steps Twilio
allows now (submit, or register the next stage once the previous one is approved) and returns; `refresh` reads the
statuses and Twilio's feedback into the state; the next `up` sees them in `diff` and goes on. A change to something
under review is refused in `diff` (so in the preview, before anything is applied), and nothing is resubmitted
unless its declared data changed (see `registration.plan`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from ..identifiers import BUNDLE_SID, is_sid
from ..registration import a2p, plan, tollfree
from .args import ResourceArgs, ResourceOutputs
from .base import ProvisioningError, TwilioProvider, explain

A2P_STAGES = ("profile", "product", "brand", "campaign")


@dataclass(frozen=True)
class A2pRegistrationArgs(ResourceArgs):
    account_sid: Any
    service_sid: Any
    tenant_id: str
    business: dict[str, Any] | None
    a2p_campaign: dict[str, Any] | None
    mock: bool
    primary_profile_sid: str | None
    remove: bool


@dataclass(frozen=True)
class TollfreeVerificationArgs(ResourceArgs):
    account_sid: Any
    number_sid: Any
    phone_number: Any
    tenant_id: str
    verification: dict[str, Any]


@dataclass(frozen=True)
class A2pRegistrationOutputs(ResourceOutputs):
    """Each stage as the registration flow keeps it (its SID, status, Twilio's feedback, the digest submitted)."""
    profile: dict[str, Any] | None = None
    product: dict[str, Any] | None = None
    brand: dict[str, Any] | None = None
    campaign: dict[str, Any] | None = None
    next_steps: list[str] | None = None
    attention: str | None = None


@dataclass(frozen=True)
class TollfreeVerificationOutputs(ResourceOutputs):
    sid: str | None = None  # a verification submitted anew has a new SID
    status: str | None = None
    rejection_reason: str | None = None
    error_code: Any = None
    submitted: str | None = None  # the digest of the data Twilio reviews
    attention: str | None = None
    edit_allowed: bool | None = None
    edit_expiration: str | None = None


A2P_OUTPUTS = A2pRegistrationOutputs.names()
TOLLFREE_OUTPUTS = TollfreeVerificationOutputs.names()


def _state(props: dict[str, Any]) -> dict[str, Any]:
    held = A2pRegistrationOutputs.from_props(props)
    return {stage: getattr(held, stage) or {} for stage in A2P_STAGES}


def attention(state: dict[str, Any], props: dict[str, Any] | None = None) -> str:
    """Twilio's verdict on what needs a person, in one line (empty when nothing does); with the declared `props`,
    also a brand approved with other business data than the file now declares (Twilio never changes an approved
    brand: the profiles are resubmitted, the brand keeps what it was approved with)."""
    notes = []
    for name, what in (("profile", "customer profile"), ("product", "trust product")):
        stage = state.get(name) or {}
        if stage.get("status") == plan.REJECTED["bundle"]:
            notes.append(f"{what} rejected: {stage.get('errors')}")
    brand = state.get("brand") or {}
    if brand.get("status") == plan.REJECTED["brand"]:
        notes.append(f"brand FAILED: {', '.join(brand.get('feedback') or [])} {brand.get('failure_reason') or ''}"
                     .strip())
    if (props and not A2pRegistrationArgs.from_props(props).remove and brand.get("status") == plan.APPROVED["brand"]
            and brand.get("submitted") and brand.get("submitted") != plan.digests(props)["brand"]):
        notes.append(f"brand {brand.get('sid')} was approved with earlier business data than messaging.business "
                     "now declares: Twilio does not change an approved brand (the customer profiles carry the new "
                     "data); ask Twilio support to update the brand, or revert the change")
    campaign = state.get("campaign") or {}
    if campaign.get("status") == plan.REJECTED["campaign"]:
        notes.append(f"campaign FAILED: {campaign.get('errors')}")
    notes += [stage["capped"] for stage in (brand, campaign) if stage.get("capped")]
    return "; ".join(notes)


def reviewed_diff(args_type: type[ResourceArgs], olds: dict[str, Any], news: dict[str, Any], state: dict[str, Any],
                  refusal: Callable[[dict[str, Any], dict[str, Any]], str | None],
                  steps: Callable[[dict[str, Any], dict[str, Any]], list[str]]) -> DiffResult:
    """The diff of a registration reviewed over days: a change to what Twilio reviews is refused (in the preview,
    before anything is applied); an update is due when an input changed or the plan has a step to take."""
    old, new = args_type.from_props(olds), args_type.from_props(news)
    if new.changed(old, ("account_sid",)):
        return DiffResult(changes=True, replaces=["account_sid"], delete_before_replace=False)
    problem = refusal(state, news)
    if problem:
        raise ProvisioningError(problem)
    changed = bool(new.changed(old, tuple(f.name for f in fields(args_type)))) or bool(steps(state, news))
    return DiffResult(changes=changed, replaces=[], delete_before_replace=False)


def advance(flow: Any, action: str) -> dict[str, Any]:
    """Take every step the flow allows now; a refusal is said as it is, anything else names the action."""
    try:
        return dict(flow.advance())
    except a2p.RegistrationRefused as error:
        raise ProvisioningError(str(error)) from None
    except Exception as error:
        raise explain(action, error) from None


class A2pRegistrationProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        args = A2pRegistrationArgs.from_props(news)
        return self.checked(news, self.failures([
            ("primary_profile_sid", None if args.remove or is_sid(args.primary_profile_sid, BUNDLE_SID)
             else "set the stack config twilio-tenants:primaryCustomerProfileSid to the platform's "
             "primary customer profile (BU..., approved once in the Twilio Console)"),
        ]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return reviewed_diff(A2pRegistrationArgs, olds, news, _state(olds), plan.refusal, plan.steps)

    def _flow(self, props: dict[str, Any], state: dict[str, Any]) -> a2p.A2pFlow:
        return a2p.A2pFlow(self.session.client_in(A2pRegistrationArgs.from_props(props).account_sid), props, state)

    def _run(self, props: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        done = advance(self._flow(props, state), "register for A2P 10DLC")
        return {**props, **done, **self._verdict(done, props)}

    @staticmethod
    def _verdict(state: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return {"next_steps": plan.steps(state, props), "attention": attention(state, props)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._run(props, _state({}))  # every stage as `read` writes it ({} until made), so no false drift
        return CreateResult(f"a2p-{A2pRegistrationArgs.from_props(props).account_sid}", outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._run(news, _state(olds)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if A2pRegistrationArgs.from_props(props).remove:  # no longer managed: nothing to read (the account may be closed by now)
            return ReadResult(id_, props)
        flow = self._flow(props, _state(props))
        try:
            state = flow.refreshed()
        except Exception as error:
            raise explain("read the A2P 10DLC registration", error) from None
        return ReadResult(id_, {**props, **state, **self._verdict(state, props)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Only reached after `remove: true` was applied (the resource is protected until then): the campaign is
        gone; the brand and profiles stay at Twilio (a brand has no DELETE) and are simply no longer managed."""


class TollfreeVerificationProvider(TwilioProvider):
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return self.checked(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = TollfreeVerificationArgs.from_props(olds), TollfreeVerificationArgs.from_props(news)
        if new.changed(old, ("number_sid", "account_sid")):
            return DiffResult(changes=True, replaces=["number_sid"], delete_before_replace=True)
        problem = plan.tollfree_refusal(olds, news)
        if problem:
            raise ProvisioningError(problem)
        changed = bool(new.changed(old, ("verification",))) or bool(plan.tollfree_steps(olds, news))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def _run(self, props: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        args = TollfreeVerificationArgs.from_props(props)
        client = self.session.client_in(args.account_sid)
        try:
            done = tollfree.advance(client, props, state)
        except a2p.RegistrationRefused as error:
            raise ProvisioningError(str(error)) from None
        except Exception as error:
            raise explain(f"verify toll-free number {args.phone_number}", error) from None
        return {**props, **done, "attention": _tollfree_attention(done)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._run(props, {})
        return CreateResult(str(TollfreeVerificationOutputs.from_props(outs).sid), outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        held = TollfreeVerificationOutputs.from_props(olds)
        return UpdateResult(self._run(news, {"sid": held.sid, "status": held.status, "submitted": held.submitted}))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        account_sid = TollfreeVerificationArgs.from_props(props).account_sid
        live = self.fetch_live(lambda: tollfree.refresh(self.session.client_in(account_sid), props),
                               f"toll-free verification {id_}")
        if live is None or live.get("gone"):
            return self.gone()
        return ReadResult(id_, {**props, **live, "attention": _tollfree_attention(live)})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        account_sid = TollfreeVerificationArgs.from_props(props).account_sid
        sid = TollfreeVerificationOutputs.from_props(props).sid or id_
        self.delete_quietly(  # a verification submitted anew has a new SID (an output)
            lambda: self.session.client_in(account_sid).messaging.v1.tollfree_verifications(sid).delete(),
            account_sid, f"toll-free verification {sid}")


def _tollfree_attention(state: dict[str, Any]) -> str:
    held = TollfreeVerificationOutputs.from_props(state)
    if held.status == plan.REJECTED["tollfree"]:
        window = (f"; fixed data is sent as an edit until {held.edit_expiration}, then as a new verification"
                  if held.edit_allowed else "; fixed data is sent as a new verification (no edit allowed)")
        return f"toll-free verification rejected: {held.rejection_reason} (error {held.error_code})" + window
    return ""


class A2pRegistration(Resource, module="twilio", name="A2pRegistration"):
    brand: pulumi.Output[dict[str, Any]]
    campaign: pulumi.Output[dict[str, Any]]
    profile: pulumi.Output[dict[str, Any]]
    product: pulumi.Output[dict[str, Any]]
    next_steps: pulumi.Output[list[str]]
    attention: pulumi.Output[str]

    def __init__(self, resource_name: str, args: A2pRegistrationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(A2pRegistrationProvider(), resource_name, args.with_outputs(*A2P_OUTPUTS), opts)


class TollfreeVerification(Resource, module="twilio", name="TollfreeVerification"):
    sid: pulumi.Output[str]
    status: pulumi.Output[str]
    rejection_reason: pulumi.Output[str | None]
    attention: pulumi.Output[str]

    def __init__(self, resource_name: str, args: TollfreeVerificationArgs,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(TollfreeVerificationProvider(), resource_name, args.with_outputs(*TOLLFREE_OUTPUTS), opts)


__all__ = ["A2pRegistration", "A2pRegistrationArgs", "A2pRegistrationProvider", "TollfreeVerification",
           "TollfreeVerificationArgs", "TollfreeVerificationProvider"]
