"""What a HIPAA tenant's file may not declare: what breaks message redaction, and Twilio products not HIPAA eligible.

Twilio's rule (Architecting for HIPAA on Twilio): in a HIPAA-designated account, workflows that may carry PHI are
built only from Twilio's HIPAA Eligible Products and Services. A tenant file reaches Twilio products in two ways:
what it configures (numbers, their webhooks, a Messaging Service and its settings: each on the list, see
`CONFIGURED`), and where its webhooks point — a URL on a Twilio-hosted product (a Function, a Studio Flow, a
TwiML Bin, a Twimlet) hands the message or call to that product, which must then be on the list too.
Registrations (Trust Hub, A2P, toll-free, emergency addresses), API keys and usage triggers carry the business's
identity and money, never a patient's data.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ..twilio_settings import URL_FIELDS
from .hosts import InvalidHost, fold_host
from .problems import RuleIssue

ELIGIBLE_SOURCE = ("Twilio, HIPAA Eligible Products and Services (https://www.twilio.com/content/dam/twilio-com/"
                   "global/en/other/hippa/pdf/Hipaa_eligible_products_and_services-323.pdf)")
# The entries of that list this product can reach (Runtime Tools, Programmable Voice and SIP, Programmable SMS).
ELIGIBLE = frozenset({
    "Studio", "Functions (API and UI)", "Assets / Private Assets", "TwiML Bin", "Sync",
    "Twilio Phone Numbers", "Programmable Voice Basics", "Programmable SMS Basics", "Programmable MMS", "Long Codes",
    "Toll-free", "Messaging Services", "Advanced Opt-out", "Fallback to Long Code", "Geomatch / Area Code Geomatch",
    "Sticky Sender", "Message Scheduling",
})
# Each tenant-file field that configures a Twilio product carrying messages or calls -> that product.
CONFIGURED = {
    "phone_numbers": "Twilio Phone Numbers",
    "webhooks.voice_*": "Programmable Voice Basics",
    "webhooks.sms_*": "Programmable SMS Basics",
    "webhooks.status_callback": "Programmable Voice Basics",
    "messaging.service": "Messaging Services",
    "messaging.service.sticky_sender": "Sticky Sender",
    "messaging.service.area_code_geomatch": "Geomatch / Area Code Geomatch",
    "messaging.service.validity_period": "Programmable SMS Basics",
    "messaging.senders": "Long Codes",
}
# Twilio-hosted webhook targets by host (a leading "." matches any subdomain) -> the product behind them.
HOSTED: tuple[tuple[str, str], ...] = (
    (".twil.io", "Functions (API and UI)"),
    ("handler.twilio.com", "TwiML Bin"),
    ("twimlets.com", "Twimlets"), (".twimlets.com", "Twimlets"),
    (".autopilot.twilio.com", "Autopilot"),
)
_TWILIO_DOMAINS = (".twilio.com", ".twil.io", "twimlets.com", ".twimlets.com")
_REDACTION = ("a HIPAA tenant's inbound messages must not arrive by GET (content in URLs and logs; Twilio 23006): "
              "use POST")
SERVICE_URLS = ("inbound_url", "fallback_url", "status_callback")


def hosted_product(url: str) -> str | None:
    """The Twilio product a webhook URL hands its request to; None when the URL is not Twilio's (the CRM's own).
    The host is read as HTTP clients read it (UTS 46: full-width letters and ideographic full stops fold), so
    `https://ＴＷＩＭＬＥＴＳ。com/` is Twimlets too."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    try:
        host = fold_host(host)
    except InvalidHost:
        host = host.lower()  # not a valid name: the URL rules refuse it anyway
    if host == "webhooks.twilio.com":
        return "Studio" if "/Flows/" in urlsplit(url).path else "an unlisted Twilio product"
    for suffix, product in HOSTED:
        if host == suffix or (suffix.startswith(".") and host.endswith(suffix)):
            return product
    if any(host == d.lstrip(".") or host.endswith(d) for d in _TWILIO_DOMAINS):
        return "an unlisted Twilio product"
    return None


def hipaa_issues(data: dict[str, Any]) -> Iterator[RuleIssue]:
    """A HIPAA tenant: no inbound message by GET, no webhook handing PHI to a product Twilio does not list."""
    service = (data.get("messaging") or {}).get("service") or {}
    for name in ("inbound_method", "fallback_method"):
        if str(service.get(name, "")).upper() == "GET":
            yield RuleIssue(("messaging", "service", name), _REDACTION)
    hooks = [(("webhooks",), data.get("webhooks") or {})] + [
        (("phone_numbers", i, "webhooks"), n.get("webhooks") or {})
        for i, n in enumerate(data.get("phone_numbers") or []) if isinstance(n, dict)]
    for prefix, declared in hooks:
        for name in ("sms_method", "sms_fallback_method"):
            if str(declared.get(name, "")).upper() == "GET":
                yield RuleIssue((*prefix, name), _REDACTION)
    urls = [((*prefix, name), declared.get(name)) for prefix, declared in hooks for name in URL_FIELDS]
    urls += [(("messaging", "service", name), service.get(name)) for name in SERVICE_URLS]
    for path, url in urls:
        product = hosted_product(url) if isinstance(url, str) and url else None
        if product is not None and product not in ELIGIBLE:
            yield RuleIssue(path, f"a HIPAA tenant's webhook hands messages and calls to {product}, which Twilio "
                                  f"does not list as HIPAA eligible ({ELIGIBLE_SOURCE}): point it at the CRM, or at "
                                  "an eligible product (a Function on *.twil.io, a Studio Flow, a TwiML Bin)")
