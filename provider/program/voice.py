"""A tenant's outbound calling as resources (emergency address, callers, dialing limits, voice trust), and whether
each caller is ready: its calls reach patients signed, named and routable to 911.

Carriers sign calls from a Twilio number on an approved SHAKEN/STIR trust product with attestation A, other Twilio
numbers with B (analytics engines label B calls "Spam Likely" more often); CNAM shows the registered name once its
trust product is approved; Voice Integrity remediates spam labels; a caller without a registered emergency address
pays a fee per 911 call and the call is misrouted.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pulumi

from ..resources import (
    A2pRegistration,
    DialingPermissions,
    DialingPermissionsArgs,
    EmergencyAddress,
    EmergencyAddressArgs,
    PhoneNumber,
    VoiceCaller,
    VoiceCallerArgs,
    VoiceTrust,
    VoiceTrustArgs,
)
from ..tenancy import PhoneNumberSpec, Tenant
from ..tenancy.voice_rules import number_kind
from .messaging import MessagingConfig


def is_us_local(spec: PhoneNumberSpec) -> bool:
    """CNAM registers US local numbers only (not toll-free, not Canadian): the kind validation reads too."""
    search = {"country": spec.search.country, "type": spec.search.type} if spec.search else None
    return number_kind({"search": search, "number": spec.number}) == ("US", "local")


class TenantVoice:
    def __init__(self, tenant: Tenant, account_sid: pulumi.Output[str], numbers: dict[str, PhoneNumber],
                 a2p: A2pRegistration | None, config: MessagingConfig, opts: pulumi.ResourceOptions):
        voice = tenant.voice
        assert voice is not None and tenant.status != "closed"
        self.tenant, self.numbers = tenant, numbers
        self.cnam_callers = [n for n in voice.callers if is_us_local(tenant.number(n))]
        business = tenant.business
        address = voice.emergency_address
        self.address = EmergencyAddress(f"{tenant.id}/emergency-address", EmergencyAddressArgs(
            account_sid=account_sid, customer_name=business.legal_name if business else tenant.display_name,
            street=address.street, city=address.city, region=address.region, postal_code=address.postal_code,
            country=address.country), opts=opts)
        self.callers = {name: VoiceCaller(f"{tenant.id}/caller-{name}", VoiceCallerArgs(
            account_sid=account_sid, number_sid=numbers[name].sid, phone_number=numbers[name].phone_number,
            address_sid=self.address.sid, tenant_id=tenant.id), opts=opts) for name in voice.callers}
        self.dialing = DialingPermissions(f"{tenant.id}/dialing", DialingPermissionsArgs(
            account_sid=account_sid, tenant_id=tenant.id, countries=list(voice.dialing.countries),
            high_risk_special_numbers=voice.dialing.high_risk_special_numbers), opts=opts)
        self.trust: VoiceTrust | None = None
        if voice.registers and business is not None:
            shared = a2p is not None and not (tenant.messaging and tenant.messaging.a2p_10dlc
                                               and tenant.messaging.a2p_10dlc.remove)
            self.trust = VoiceTrust(f"{tenant.id}/voice-trust", VoiceTrustArgs(
                account_sid=account_sid, tenant_id=tenant.id, business=asdict(business),
                primary_profile_sid=config.primary_profile_sid,
                profile_sid=a2p.profile.apply(lambda p: (p or {}).get("sid")) if shared and a2p else None,
                callers={name: {"sid": numbers[name].sid, "phone_number": numbers[name].phone_number}
                         for name in voice.callers},
                cnam_callers=self.cnam_callers,
                shaken_stir=voice.shaken_stir,
                voice_integrity=asdict(voice.voice_integrity) if voice.voice_integrity else None,
                cnam=asdict(voice.cnam) if voice.cnam else None),
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
                    depends_on=[a2p] if a2p is not None else None)))

    def resources(self) -> list[pulumi.Resource]:
        return [self.address, *self.callers.values(), self.dialing, *([self.trust] if self.trust else [])]

    def output(self) -> pulumi.Output[dict[str, Any]]:
        voice = self.tenant.voice
        assert voice is not None
        names = list(self.callers)
        callers = [pulumi.Output.all(self.numbers[n].sid, self.numbers[n].phone_number,
                                     self.callers[n].emergency_address_status) for n in names]
        trust = self.trust
        trust_state = pulumi.Output.all(trust.profile, trust.products, trust.assigned, trust.next_steps) if trust \
            else pulumi.Output.from_input(None)
        declared = {"shaken_stir": voice.shaken_stir, "voice_integrity": voice.voice_integrity is not None,
                    "cnam": voice.cnam.display_name if voice.cnam else None}
        return pulumi.Output.all(pulumi.Output.all(*callers), trust_state, self.dialing.enabled).apply(
            lambda parts: voice_readout(dict(zip(names, parts[0], strict=True)), parts[1], parts[2], declared,
                                        self.cnam_callers))


def voice_readout(callers: dict[str, list[Any]], trust: list[Any] | None, dialing: list[str] | None,
                  declared: dict[str, Any], cnam_callers: list[str]) -> dict[str, Any]:
    """The CRM's view: per caller, what patients' carriers will see and whether it is ready; `voice_ready` when
    every caller is."""
    profile, products, assigned, next_steps = (trust or [None, None, None, None])
    products, assigned = products or {}, assigned or {}

    def approved_with(kind: str, number_sid: str) -> bool:
        return (products.get(kind) or {}).get("status") == "twilio-approved" and number_sid in (assigned.get(kind)
                                                                                                  or [])
    out = {}
    for name, (sid, phone, emergency) in callers.items():
        why = []
        if emergency != "registered":
            why.append(f"emergency address is {emergency or 'not registered yet'}")
        attestation = "A" if approved_with("shaken_stir", sid) else "B"
        if declared["shaken_stir"] and attestation != "A":
            why.append(f"SHAKEN/STIR is {_status(products, 'shaken_stir')} (calls are signed B until approved)")
        remediation = _status(products, "voice_integrity") if declared["voice_integrity"] else "not declared"
        if declared["voice_integrity"] and not approved_with("voice_integrity", sid):
            why.append(f"Voice Integrity is {_status(products, 'voice_integrity')}")
        cnam = declared["cnam"] if declared["cnam"] and approved_with("cnam", sid) else None
        if declared["cnam"] and name in cnam_callers and cnam is None:
            why.append(f"CNAM is {_status(products, 'cnam')}")
        out[name] = {"phone_number": phone, "emergency_address_status": emergency, "attestation": attestation,
                     "cnam": cnam, "spam_remediation": remediation, "voice_ready": not why,
                     "why_not": "; ".join(why)}
    ready = bool(out) and all(c["voice_ready"] for c in out.values())
    return {"callers": out, "voice_ready": ready,
            "why_not": "" if ready else "; ".join(f"{n}: {c['why_not']}" for n, c in out.items() if c["why_not"]),
            "dialing": {"countries": dialing or []},
            "customer_profile": {k: v for k, v in (profile or {}).items() if k in ("sid", "status")} or None,
            "trust_products": {k: {"sid": v.get("sid"), "status": v.get("status"), "errors": v.get("errors")}
                               for k, v in products.items()},
            "next_steps": next_steps or []}


def _status(products: dict[str, Any], kind: str) -> str:
    return (products.get(kind) or {}).get("status") or "not submitted yet"
