"""The voice block of a tenant file: every mistake located at its line and field, before anything is applied."""
from __future__ import annotations

from pathlib import Path

import pytest

from provider.tenancy import ValidationPolicy, load_tenants

from ..support.paths import EXAMPLES

NORTH = (EXAMPLES / "northside-pharmacy.yaml").read_text()
OAK = (EXAMPLES / "oakwood-compounding.yaml").read_text()


def _problems(tmp_path: Path, text: str, name: str = "northside-pharmacy") -> list[str]:
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / f"{name}.yaml").write_text(text)
    return [str(p) for p in load_tenants([str(tmp_path / "t")], ValidationPolicy.for_stack("prod")).problems]


def _line(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_examples_call_patients() -> None:
    tenants = {t.id: t for t in load_tenants([str(EXAMPLES)]).require_valid()}
    north, oak = tenants["northside-pharmacy"].voice, tenants["oakwood-compounding"].voice
    assert north and north.shaken_stir and north.voice_integrity and north.cnam and north.callers == ("main", "refills")
    assert north.dialing.countries == ("US", "CA") and not north.dialing.high_risk_special_numbers
    assert oak and oak.shaken_stir and oak.cnam is None and oak.business is not None
    assert tenants["oakwood-compounding"].business == oak.business, "a voice-only tenant's business is its voice one"


def test_every_caller_needs_an_emergency_address(tmp_path: Path) -> None:
    start = NORTH.index("  emergency_address:")
    end = NORTH.index("\n", start) + 1
    found = _problems(tmp_path, NORTH[:start] + NORTH[end:])
    inside = (_line(NORTH, "voice:"), _line(NORTH, "callers: [main, refills]"))  # the block, or its first key
    assert any(any(f":{line}:" in p for line in inside) and "voice.emergency_address" in p and "required" in p
               for p in found), found


@pytest.mark.parametrize("name, why", [
    ("NORTHSIDE PHARMACY", "at most 15"), ("1 NORTHSIDE", "start with a letter"), ("RX@NORTH", "letters, digits"),
    ("Unknown", "unknown or withheld"),
])
def test_a_caller_name_carriers_cannot_show_is_refused(tmp_path: Path, name: str, why: str) -> None:
    found = _problems(tmp_path, NORTH.replace("display_name: NORTHSIDE RX", f"display_name: {name}"))
    line = _line(NORTH, "display_name: NORTHSIDE RX")
    assert any(f":{line}:" in p and "voice.cnam.display_name" in p and why in p for p in found), found


def test_a_country_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    found = _problems(tmp_path, NORTH.replace("countries: [US, CA]", "countries: [US, PR, ZZ]"))
    line = _line(NORTH, "countries: [US, CA]")
    assert any(f":{line}:" in p and "voice.dialing.countries[2]" in p and "'ZZ'" in p for p in found), found
    assert not any("countries[1]" in p for p in found), "PR (Puerto Rico) is dialled as +1"


def test_callers_are_this_tenants_voice_numbers(tmp_path: Path) -> None:
    found = _problems(tmp_path, NORTH.replace("callers: [main, refills]", "callers: [main, pager]"))
    assert any("voice.callers[1]" in p and "`pager`" in p for p in found), found
    sms_only = NORTH.replace("      capabilities: [voice]\n    webhooks:", "      capabilities: [sms]\n    webhooks:")
    found = _problems(tmp_path, sms_only)
    assert any("voice.callers[1]" in p and "voice number" in p for p in found), found


def test_cnam_needs_a_us_local_caller(tmp_path: Path) -> None:
    found = _problems(tmp_path, NORTH.replace("callers: [main, refills]", "callers: [refills]"))
    assert any("voice.cnam" in p and "US local" in p for p in found), found


def test_the_business_is_declared_once(tmp_path: Path) -> None:
    business = OAK[OAK.index("  business:"):OAK.index("\nbudget:")]
    twice = NORTH.replace("voice:\n", "voice:\n" + business.rstrip("\n") + "\n", 1)
    found = _problems(tmp_path, twice)
    assert any("voice.business" in p and "declared once" in p for p in found), found
    none = OAK[:OAK.index("  business:")] + OAK[OAK.index("\nbudget:"):]
    found = _problems(tmp_path, none, "oakwood-compounding")
    assert any("voice:" in p and "add `business`" in p for p in found), found


def test_an_emergency_address_outside_the_us_and_canada_is_refused(tmp_path: Path) -> None:
    found = _problems(tmp_path, NORTH.replace('postal_code: "94105", country: US}\n  dialing',
                                              'postal_code: "94105", country: GB}\n  dialing'))
    assert any("voice.emergency_address.country" in p and "US, CA" in p for p in found), found
