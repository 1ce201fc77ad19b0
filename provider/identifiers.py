"""Twilio's identifier shapes, declared once: SIDs (two letters and 32 hex digits) and E.164 numbers. The tenant
schema carries the same patterns as JSON Schema (`tests/test_fields_declared_once.py` holds them equal)."""
from __future__ import annotations

import re

E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # always fullmatch


def sid_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(prefix + r"[0-9a-f]{32}")


ACCOUNT_SID = sid_pattern("AC")
NUMBER_SID = sid_pattern("PN")
BUNDLE_SID = sid_pattern("BU")


def is_sid(value: object, pattern: re.Pattern[str]) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None
