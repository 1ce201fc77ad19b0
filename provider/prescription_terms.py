"""The words carriers refuse in texting registrations (prescription drugs, controlled substances), from the one
list `prescription_terms.txt`: `tenantctl validate` refuses them, located, and the stand-in rejects them as the
carriers do (30941), so the two never disagree."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

LIST_FILE = Path(__file__).with_name("prescription_terms.txt")
# How pharmacies word reminders that pass: no drug, no "prescription", the order and the pickup.
PASSING_WORDING = ("\"Northside Pharmacy: your order is ready for pickup. Reply STOP to opt out.\" or \"... an item "
                   "you asked us to prepare is ready\"")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    terms = [line.strip() for line in LIST_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    alternatives = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"\b({alternatives})\b", re.IGNORECASE)


def terms_in(text: str) -> list[str]:
    """The listed terms the text uses, lower case, in order of first use."""
    return list(dict.fromkeys(m.group(1).lower() for m in _pattern().finditer(text)))
