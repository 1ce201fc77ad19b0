"""Which countries' numbers a tenant file may ask for: real ISO 3166-1 codes, and only where Twilio sells a
number without a regulatory bundle or an address (the product files neither yet: Twilio would refuse the
purchase with 21649 or 21631, after the subaccount was made)."""
from __future__ import annotations

import difflib
from functools import lru_cache

import pycountry

# Country -> number types Twilio sells with no bundle and no address. Everything else needs Regulatory
# Compliance (numbers v2 RegulatoryCompliance bundles), which the product does not support yet.
BUNDLE_FREE: dict[str, frozenset[str]] = {
    "US": frozenset({"local", "toll_free"}),
    "CA": frozenset({"local", "toll_free"}),
}
NANP_PREFIX = "+1"  # exact numbers outside it belong to countries that need a bundle


@lru_cache(maxsize=512)
def country_name(code: str) -> str | None:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else None


def _hint(code: str) -> str:
    special = {"UK": "GB", "EL": "GR"}  # common non-ISO spellings
    if code in special:
        return f"; the ISO code is {special[code]}"
    near = difflib.get_close_matches(code, [c.alpha_2 for c in pycountry.countries], n=1)
    return f"; did you mean {near[0]} ({country_name(near[0])})?" if near else ""


def country_issue(code: str, number_type: str) -> str | None:
    if country_name(code) is None:
        return f"{code!r} is not an ISO 3166-1 country code{_hint(code)}"
    allowed = BUNDLE_FREE.get(code, frozenset())
    if number_type in allowed:
        return None
    return (f"{number_type} numbers in {code} ({country_name(code)}) need a regulatory bundle or an address at "
            "Twilio (errors 21649, 21631), which this product does not file yet; numbers without one: " +
            ", ".join(f"{c} {'/'.join(sorted(t))}" for c, t in sorted(BUNDLE_FREE.items())))


def exact_number_issue(number: str) -> str | None:
    if number.startswith(NANP_PREFIX):
        return None
    return (f"{number} is outside the US and Canada: moving it into a subaccount needs a regulatory bundle there "
            "(Twilio 21613), which this product does not file yet")
