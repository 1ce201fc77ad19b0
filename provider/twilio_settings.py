"""The Twilio settings a tenant file declares, one table each: a phone number's ten webhook settings and a Messaging
Service's settings — the tenant-file name, Twilio's name (the SDK keyword and the resource's attribute), and what
Twilio has when none is declared (so a line removed from a file goes back to it).

Once for the whole product (schema test, tenant model, providers). The stand-in keeps its own lists, as Twilio's API
does: the product must never define what the stand-in accepts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str  # in tenant files
    twilio: str  # Twilio's attribute, and the SDK's keyword
    default: Any  # Twilio's value when nothing is declared


# In the order a reviewer reads them in a tenant file: each URL followed by its method.
NUMBER_WEBHOOKS = (
    Setting("voice_url", "voice_url", ""), Setting("voice_method", "voice_method", "POST"),
    Setting("voice_fallback_url", "voice_fallback_url", ""),
    Setting("voice_fallback_method", "voice_fallback_method", "POST"),
    Setting("sms_url", "sms_url", ""), Setting("sms_method", "sms_method", "POST"),
    Setting("sms_fallback_url", "sms_fallback_url", ""), Setting("sms_fallback_method", "sms_fallback_method", "POST"),
    Setting("status_callback", "status_callback", ""),
    Setting("status_callback_method", "status_callback_method", "POST"),
)
SERVICE_SETTINGS = (
    Setting("inbound_url", "inbound_request_url", ""), Setting("inbound_method", "inbound_method", "POST"),
    Setting("fallback_url", "fallback_url", ""), Setting("fallback_method", "fallback_method", "POST"),
    Setting("status_callback", "status_callback", ""), Setting("sticky_sender", "sticky_sender", True),
    Setting("area_code_geomatch", "area_code_geomatch", True), Setting("validity_period", "validity_period", 36000),
    Setting("use_number_webhooks", "use_inbound_webhook_on_number", False),
)

WEBHOOK_FIELDS = tuple(s.name for s in NUMBER_WEBHOOKS)
METHOD_FIELDS = tuple(s.name for s in NUMBER_WEBHOOKS if s.name.endswith("_method"))
URL_FIELDS = tuple(s.name for s in NUMBER_WEBHOOKS if s.name not in METHOD_FIELDS)
WEBHOOK_DEFAULTS = {s.name: s.default for s in NUMBER_WEBHOOKS}
SERVICE_TWILIO_NAMES = {s.name: s.twilio for s in SERVICE_SETTINGS}
SERVICE_DEFAULTS: dict[str, Any] = {s.name: s.default for s in SERVICE_SETTINGS}
