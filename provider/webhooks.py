"""The ten webhook settings of a Twilio phone number, once for the whole product (tenant files, providers).

The stand-in keeps its own list, as Twilio's API does: the product must never define what the stand-in accepts.
"""
from __future__ import annotations

URL_FIELDS = ("voice_url", "voice_fallback_url", "sms_url", "sms_fallback_url", "status_callback")
METHOD_FIELDS = ("voice_method", "voice_fallback_method", "sms_method", "sms_fallback_method",
                 "status_callback_method")
# In the order a reviewer reads them in a tenant file: each URL followed by its method.
WEBHOOK_FIELDS = ("voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method", "sms_url",
                  "sms_method", "sms_fallback_url", "sms_fallback_method", "status_callback",
                  "status_callback_method")
