"""A tenant's messaging as resources (service, sender pool, registrations), and whether it may send SMS.

A US local number sends only once the tenant's A2P 10DLC campaign is VERIFIED (else carriers block it, 30034); a
toll-free number only once its verification is TWILIO_APPROVED (30032). Numbers outside the US need neither.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pulumi

from .. import naming
from ..registration.tollfree import verification_fields
from ..resources import (
    A2pRegistration,
    A2pRegistrationArgs,
    MessagingAlphaSender,
    MessagingAlphaSenderArgs,
    MessagingSender,
    MessagingSenderArgs,
    MessagingService,
    MessagingServiceArgs,
    PhoneNumber,
    TollfreeVerification,
    TollfreeVerificationArgs,
)
from ..tenancy import Tenant
from ..tenancy.rules import TOLL_FREE_PREFIXES


class MessagingConfig:
    """Stack settings registration needs: the platform's primary customer profile, and mock brands (sandbox)."""

    def __init__(self) -> None:
        config = pulumi.Config()
        self.primary_profile_sid: str | None = config.get("primaryCustomerProfileSid")
        self.mock_brands = bool(config.get_bool("mockBrands"))


class TenantMessaging:
    def __init__(self, tenant: Tenant, account_sid: pulumi.Output[str], numbers: dict[str, PhoneNumber],
                 config: MessagingConfig, opts: pulumi.ResourceOptions):
        messaging = tenant.messaging
        assert messaging is not None
        self.tenant, self.numbers = tenant, numbers
        self.a2p: A2pRegistration | None = None
        self.toll_free: dict[str, TollfreeVerification] = {}
        self.senders: dict[str, MessagingSender] = {}
        self.service: MessagingService | None = None
        self.alpha_sender: MessagingAlphaSender | None = None
        if tenant.status == "closed":
            # Closing is the reviewed line that ends everything: Twilio closes the service and numbers with the
            # account; a registration is removed (its campaign deleted first) and is then no longer protected.
            if messaging.a2p_10dlc is not None:
                self.a2p = A2pRegistration(f"{tenant.id}/a2p-10dlc", A2pRegistrationArgs(
                    account_sid=account_sid, service_sid="", tenant_id=tenant.id, business=None, a2p_campaign=None,
                    mock=config.mock_brands, primary_profile_sid=None, remove=True), opts=opts)
            return
        self.service = MessagingService(f"{tenant.id}/messaging-service", MessagingServiceArgs(
            account_sid=account_sid, friendly_name=naming.subaccount_friendly_name(tenant.id),
            settings=messaging.service.as_dict()), opts=opts)
        self.senders = {name: MessagingSender(f"{tenant.id}/sender-{name}", MessagingSenderArgs(
            account_sid=account_sid, service_sid=self.service.sid, number_sid=numbers[name].sid,
            phone_number=numbers[name].phone_number, tenant_id=tenant.id), opts=opts) for name in messaging.senders}
        if messaging.alpha_sender:
            self.alpha_sender = MessagingAlphaSender(f"{tenant.id}/alpha-sender", MessagingAlphaSenderArgs(
                account_sid=account_sid, service_sid=self.service.sid, alpha_sender=messaging.alpha_sender,
                tenant_id=tenant.id), opts=opts)
        business = asdict(messaging.business) if messaging.business else None
        campaign = messaging.a2p_10dlc
        if campaign is not None:
            remove = campaign.remove
            self.a2p = A2pRegistration(f"{tenant.id}/a2p-10dlc", A2pRegistrationArgs(
                account_sid=account_sid, service_sid=self.service.sid, tenant_id=tenant.id, business=business,
                a2p_campaign=None if remove else campaign_inputs(campaign), mock=config.mock_brands,
                primary_profile_sid=config.primary_profile_sid, remove=remove), opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
                    protect=not remove, depends_on=list(self.senders.values()))))
        if messaging.toll_free is not None and business is not None:
            fields = verification_fields(business, asdict(messaging.toll_free))
            for name in messaging.toll_free.numbers:
                self.toll_free[name] = TollfreeVerification(f"{tenant.id}/toll-free-{name}", TollfreeVerificationArgs(
                    account_sid=account_sid, number_sid=numbers[name].sid, phone_number=numbers[name].phone_number,
                    tenant_id=tenant.id, verification=fields), opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[self.senders[name]])))

    def output(self) -> pulumi.Output[dict[str, Any]] | None:
        if self.service is None:
            return None
        names = list(self.senders)
        phones = [self.numbers[name].phone_number for name in names]
        a2p = self.a2p
        a2p_state = pulumi.Output.all(a2p.profile, a2p.product, a2p.brand, a2p.campaign, a2p.next_steps,
                                      a2p.attention) if a2p else pulumi.Output.from_input(None)
        toll_free = {name: pulumi.Output.all(v.sid, v.status, v.rejection_reason)
                     for name, v in self.toll_free.items()}
        alpha = self.alpha_sender.alpha_sender if self.alpha_sender else None
        return pulumi.Output.all(self.service.sid, pulumi.Output.all(*phones), a2p_state, toll_free, alpha).apply(
            lambda parts: messaging_readout(parts[0], dict(zip(names, parts[1], strict=True)), parts[2], parts[3],
                                            removed=bool(self.tenant.messaging and self.tenant.messaging.a2p_10dlc
                                                         and self.tenant.messaging.a2p_10dlc.remove),
                                            alpha_sender=parts[4]))


def campaign_inputs(campaign: Any) -> dict[str, Any]:
    """The campaign as the registration's input: lists as lists (keywords, samples), unset consent fields left out
    (so a campaign declared before they existed keeps its digest until they are declared)."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(campaign).items()}
    return {k: v for k, v in data.items() if v not in (None, [], False) or k in LEGACY_CAMPAIGN_KEYS}


LEGACY_CAMPAIGN_KEYS = ("use_case", "description", "message_flow", "samples", "has_embedded_links",
                        "has_embedded_phone", "remove")


def _stage(stage: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (stage or {}).items() if k != "submitted"}


def messaging_readout(service_sid: str, phones: dict[str, str], a2p: list[Any] | None,
                      toll_free: dict[str, list[Any]], removed: bool = False,
                      alpha_sender: str | None = None) -> dict[str, Any]:
    """The CRM's view: per sender whether it may send and why not; `sms_ready` when at least one may."""
    campaign_status = ((a2p[3] or {}).get("status") if a2p else None)
    senders = {}
    for name, phone in phones.items():
        if not phone.startswith("+1"):
            ready, why = True, ""
        elif phone.startswith(TOLL_FREE_PREFIXES):
            status = toll_free[name][1] if name in toll_free else None
            ready = status == "TWILIO_APPROVED"
            why = "" if ready else ("toll-free verification is not declared (messaging.toll_free)" if status is None
                                    else f"toll-free verification is {status}")
        else:
            ready = campaign_status == "VERIFIED" and not removed
            why = "" if ready else ("A2P 10DLC is not declared (messaging.a2p_10dlc)" if a2p is None or removed
                                    else f"A2P 10DLC campaign is {campaign_status or 'not registered yet'}")
        senders[name] = {"phone_number": phone, "ready": ready, "why_not": why}
    ready_senders = [name for name, s in senders.items() if s["ready"]]
    return {
        "service_sid": service_sid, "senders": senders, "sms_ready": bool(ready_senders), "alpha_sender": alpha_sender,
        "why_not": "" if ready_senders else "; ".join(f"{n}: {s['why_not']}" for n, s in senders.items()),
        "a2p_10dlc": None if a2p is None else {
            "customer_profile": _stage(a2p[0]), "trust_product": _stage(a2p[1]), "brand": _stage(a2p[2]),
            "campaign": _stage(a2p[3]), "next_steps": a2p[4] or [], "attention": a2p[5] or ""},
        "toll_free": {name: {"sid": v[0], "status": v[1], "rejection_reason": v[2]} for name, v in toll_free.items()},
    }
