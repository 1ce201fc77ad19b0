"""Rules of a tenant file's `voice` block that the schema cannot say: callers are this tenant's voice numbers,
the trust products have a business to register, a caller name carriers will display, dialing to real countries."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import phonenumbers

from .countries import country_name
from .problems import RuleIssue

# What carriers display for an unknown or withheld caller: never a registered caller name.
CNAM_RESERVED = frozenset({"unknown", "unavailable", "private", "anonymous", "restricted", "toll free",
                           "wireless caller", "out of area", "blocked"})
TOLL_FREE_PREFIXES = ("+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888")


def number_kind(number: dict[str, Any]) -> tuple[str, str] | None:
    """(country, type) of a phone_numbers entry: from its search, or for an exact number from its digits."""
    search = number.get("search")
    if search:
        return search["country"], search["type"]
    exact = str(number.get("number") or "")
    if exact.startswith(TOLL_FREE_PREFIXES):
        return "US", "toll_free"
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(exact))
    except phonenumbers.NumberParseException:
        return None
    return (region, "local") if region else None


def voice_issues(data: dict[str, Any]) -> Iterator[RuleIssue]:
    voice = data["voice"]
    numbers = {n["name"]: n for n in data.get("phone_numbers") or []}
    kinds = {}
    for index, name in enumerate(voice["callers"]):
        path = ("voice", "callers", index)
        if name not in numbers:
            yield RuleIssue(path, f"`{name}` is not one of this tenant's phone_numbers "
                                  f"(names: {', '.join(sorted(numbers)) or 'none'})")
            continue
        asked = (numbers[name].get("search") or {}).get("capabilities")
        if asked is not None and "voice" not in asked:
            yield RuleIssue(path, f"`{name}` is bought for {', '.join(asked)} only: a caller needs a voice number "
                                  "(add voice to its search capabilities; a number already bought keeps its own)")
        kind = number_kind(numbers[name])
        if kind is not None and kind[0] not in ("US", "CA"):
            yield RuleIssue(path, f"`{name}` is a {kind[0]} number: callers are registered for the US and Canada "
                                  "(emergency address, SHAKEN/STIR)")
        kinds[name] = kind
    registers = voice.get("shaken_stir") or voice.get("voice_integrity") or voice.get("cnam")
    declared_in_messaging = bool((data.get("messaging") or {}).get("business"))
    if voice.get("business") and declared_in_messaging:
        yield RuleIssue(("voice", "business"), "the business is declared once: messaging.business already says who "
                                               "the tenant is; remove voice.business")
    elif registers and not voice.get("business") and not declared_in_messaging:
        yield RuleIssue(("voice",), "SHAKEN/STIR, Voice Integrity and CNAM register the tenant's business with "
                                    "Twilio: add `business` (here, or in messaging)")
    cnam = voice.get("cnam")
    if cnam:
        name = str(cnam.get("display_name") or "")
        if name.strip().lower() in CNAM_RESERVED:
            yield RuleIssue(("voice", "cnam", "display_name"),
                            f"{name!r} is what carriers show for an unknown or withheld caller: Twilio refuses it")
        if not any(kind == ("US", "local") for kind in kinds.values()):
            yield RuleIssue(("voice", "cnam"), "a caller name is registered for US local numbers, and no caller is "
                                               "one (toll-free and Canadian numbers cannot take CNAM): remove cnam "
                                               "or add a US local caller")
    for index, code in enumerate((voice.get("dialing") or {}).get("countries") or []):
        if country_name(code) is None or not phonenumbers.country_code_for_region(code):
            yield RuleIssue(("voice", "dialing", "countries", index),
                            f"{code!r} is not a country Twilio can dial (ISO 3166-1 code with a calling code)")
