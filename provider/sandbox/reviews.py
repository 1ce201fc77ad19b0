"""How the stand-in reviews registrations: on its clock, deterministically, and rejectable on purpose.

Twilio's reviews take minutes to weeks and are decided by people; the stand-in decides each submission the moment it
arrives (from the data submitted) and reveals the decision on a schedule, so tests move the clock
(`/__sandbox/clock`) instead of waiting. Forced rejections (documented in docs/messaging.md):
- any submitted text containing `sandbox-reject` rejects what it was submitted in (profile, campaign, toll-free);
- a brand whose customer profile declares the EIN `00-0000000` fails with brand feedback TAX_ID.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

REJECT_MARK = "sandbox-reject"
FINAL_MARK = "sandbox-reject-final"  # a toll-free rejection whose reason allows no edit: a new verification is needed
REJECTED_EIN = "00-0000000"

# Days after a submission: (under review from, decided at).
SCHEDULE_DAYS = {"bundle": (1, 2), "brand": (1, 2), "campaign": (1, 3), "tollfree": (1, 3),
                 "shaken_stir": (1, 3), "voice_integrity": (1, 2), "cnam": (1, 3)}
# Twilio's status names per kind: (submitted, under review, approved, rejected).
STATUS_NAMES = {
    "bundle": ("pending-review", "in-review", "twilio-approved", "twilio-rejected"),
    "brand": ("PENDING", "IN_REVIEW", "APPROVED", "FAILED"),
    "campaign": ("IN_PROGRESS", "IN_PROGRESS", "VERIFIED", "FAILED"),
    "tollfree": ("PENDING_REVIEW", "IN_REVIEW", "TWILIO_APPROVED", "TWILIO_REJECTED"),
    **{kind: ("pending-review", "in-review", "twilio-approved", "twilio-rejected")
       for kind in ("shaken_stir", "voice_integrity", "cnam")},  # voice trust products are bundles too
}


def status(kind: str, submitted: datetime, approved: bool, now: datetime) -> str:
    """The status a submission shows at `now`."""
    review_from, decided_at = SCHEDULE_DAYS[kind]
    names = STATUS_NAMES[kind]
    if now >= submitted + timedelta(days=decided_at):
        return names[2] if approved else names[3]
    return names[1] if now >= submitted + timedelta(days=review_from) else names[0]


def decided_after(kind: str) -> timedelta:
    return timedelta(days=SCHEDULE_DAYS[kind][1])


def marked_field(values: dict[str, Any], prefix: str = "") -> str | None:
    """The first field (dotted path) whose text carries the rejection mark, or None."""
    for name, value in values.items():
        path = f"{prefix}{name}"
        for text in _texts(value):
            if REJECT_MARK in text.lower():
                return path
        if isinstance(value, dict):
            found = marked_field(value, f"{path}.")
            if found:
                return found
    return None


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))
