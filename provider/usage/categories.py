"""Twilio's usage categories form a hierarchy: some are the sum of others (`calls` = `calls-inbound` +
`calls-outbound` + …; `totalprice` = everything). A report adds up the categories it shows, so two that overlap
would count the same money twice; and "other" is only right when the shown ones are disjoint."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

TOTAL = "totalprice"
# parent -> its parts (the main ones Twilio reports; a subset of Twilio's list)
HIERARCHY: dict[str, tuple[str, ...]] = {
    TOTAL: ("calls", "sms", "mms", "phonenumbers", "recordings", "recordingstorage", "transcriptions", "lookups",
            "a2p-registration-fees"),
    "calls": ("calls-inbound", "calls-outbound", "calls-client", "calls-sip"),
    "sms": ("sms-inbound", "sms-outbound", "sms-messages-carrierfees"),
    "a2p-registration-fees": ("a2p-10dlc-registrationfees-brandregistration",
                              "a2p-10dlc-registrationfees-campaignvetting", "a2p-10dlc-registrationfees-monthly"),
    "mms": ("mms-inbound", "mms-outbound"),
    "phonenumbers": ("phonenumbers-local", "phonenumbers-mobile", "phonenumbers-tollfree"),
}
PARENT = {child: parent for parent, children in HIERARCHY.items() for child in children}
KNOWN = tuple(sorted({TOTAL, *PARENT}))


def ancestors(category: str) -> list[str]:
    out = []
    while category in PARENT:
        category = PARENT[category]
        out.append(category)
    return out


def overlap(categories: Iterable[str]) -> tuple[str, str] | None:
    """(part, whole) for the first chosen category that is contained in another chosen one, else None."""
    chosen = set(categories)
    for category in sorted(chosen):
        for ancestor in ancestors(category):
            if ancestor in chosen:
                return category, ancestor
    return None


def problem(categories: Iterable[str]) -> str | None:
    """Why these categories cannot be shown side by side, or None."""
    chosen = list(categories)
    for category in chosen:
        if category not in KNOWN or category == TOTAL:
            hint = difflib.get_close_matches(category, KNOWN, n=1)
            return f"unknown usage category {category!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
    pair = overlap(chosen)
    if pair:
        return (f"usage category {pair[0]!r} is part of {pair[1]!r}: showing both would count the same cost twice; "
                "choose one of them")
    return None
