"""A deterministic phone number inventory per country and type.

Every number the sandbox can sell is computed, never stored: a block (area code or prefix) and a line
number. What is available is the pool minus what some account owns, so a released number returns to
the inventory by itself. Capabilities follow from the line number, so searches have stable answers.
"""
from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass

LINES_PER_BLOCK = 10_000
KEYPAD = {c: d for d, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS",
                                  "8": "TUV", "9": "WXYZ"}.items() for c in letters}


@dataclass(frozen=True)
class Block:
    """10,000 consecutive numbers sharing a prefix, e.g. +1 415 555 xxxx."""

    country: str
    number_type: str  # local | mobile | toll_free
    prefix: str  # E.164 without the last four digits
    area_code: str | None
    locality: str | None
    region: str | None
    postal_code: str | None
    lat: str | None
    lon: str | None

    def number(self, line: int) -> str:
        return f"{self.prefix}{line:04d}"


@dataclass(frozen=True)
class NumberInfo:
    phone_number: str
    block: Block
    capabilities: dict[str, bool]

    @property
    def friendly_name(self) -> str:
        digits = self.phone_number
        if self.block.country in ("US", "CA"):
            return f"({digits[2:5]}) {digits[5:8]}-{digits[8:]}"
        return digits


def _blocks() -> list[Block]:
    nanp_local = [
        ("US", "206", "Seattle", "WA", "98101", "47.6062", "-122.3321"),
        ("US", "212", "New York", "NY", "10001", "40.7128", "-74.0060"),
        ("US", "305", "Miami", "FL", "33101", "25.7617", "-80.1918"),
        ("US", "312", "Chicago", "IL", "60601", "41.8781", "-87.6298"),
        ("US", "404", "Atlanta", "GA", "30301", "33.7490", "-84.3880"),
        ("US", "415", "San Francisco", "CA", "94102", "37.7749", "-122.4194"),
        ("US", "503", "Portland", "OR", "97201", "45.5152", "-122.6784"),
        ("US", "510", "Oakland", "CA", "94601", "37.8044", "-122.2712"),
        ("US", "512", "Austin", "TX", "73301", "30.2672", "-97.7431"),
        ("US", "612", "Minneapolis", "MN", "55401", "44.9778", "-93.2650"),
        ("US", "617", "Boston", "MA", "02101", "42.3601", "-71.0589"),
        ("US", "619", "San Diego", "CA", "92101", "32.7157", "-117.1611"),
        ("CA", "416", "Toronto", "ON", "M5H", "43.6532", "-79.3832"),
        ("CA", "514", "Montreal", "QC", "H2Y", "45.5017", "-73.5673"),
        ("CA", "604", "Vancouver", "BC", "V6B", "49.2827", "-123.1207"),
    ]
    blocks = [Block(c, "local", f"+1{area}555", area, city, region, postal, lat, lon)
              for c, area, city, region, postal, lat, lon in nanp_local]
    for prefix in ("800", "833", "844", "855", "866", "877", "888"):
        blocks.append(Block("US", "toll_free", f"+1{prefix}555", prefix, None, None, None, None, None))
    blocks.append(Block("CA", "toll_free", "+1800556", "800", None, None, None, None, None))
    blocks += [
        Block("GB", "local", "+4420794", None, "London", "GB", None, "51.5072", "-0.1276"),
        Block("GB", "local", "+4416149", None, "Manchester", "GB", None, "53.4808", "-2.2426"),
        Block("GB", "mobile", "+4477009", None, None, None, None, None, None),
        Block("GB", "toll_free", "+4480080", None, None, None, None, None, None),
        Block("DE", "local", "+4930901", None, "Berlin", "DE", None, "52.5200", "13.4050"),
        Block("DE", "mobile", "+4915123", None, None, None, None, None, None),
        Block("NO", "mobile", "+4740012", None, None, None, None, None, None),
    ]
    return blocks


BLOCKS = _blocks()
_BY_PREFIX = {block.prefix: block for block in BLOCKS}
NANP_AREA_CODES = {b.area_code for b in BLOCKS if b.country in ("US", "CA") and b.number_type == "local"}
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


# What Twilio requires before it sells a number of a country and type (its Regulatory Compliance rules): an
# approved regulatory bundle (21649) and/or an address (21631). US and Canadian numbers need neither.
REGULATION: dict[tuple[str, str], tuple[str, ...]] = {
    ("GB", "local"): ("bundle",), ("GB", "mobile"): ("bundle",), ("GB", "toll_free"): ("bundle",),
    ("DE", "local"): ("address", "bundle"), ("DE", "mobile"): ("bundle",), ("NO", "mobile"): ("bundle",),
}


def regulation_of(country: str, number_type: str) -> tuple[str, ...]:
    return REGULATION.get((country, number_type), ())


def capabilities_of(line: int, number_type: str) -> dict[str, bool]:
    """Most numbers do everything; some lines are voice-only or SMS-only, as in a real inventory."""
    voice = number_type != "mobile" or line % 4 != 0
    sms = line % 5 != 0
    mms = sms and line % 3 != 0 and number_type != "toll_free"
    return {"voice": voice, "sms": sms, "mms": mms, "fax": False}


def describe(phone_number: str) -> NumberInfo | None:
    """The number's inventory entry, or None if the sandbox never sells it."""
    block = _BY_PREFIX.get(phone_number[:-4])
    if block is None or not phone_number[-4:].isdigit():
        return None
    line = int(phone_number[-4:])
    return NumberInfo(phone_number, block, capabilities_of(line, block.number_type))


def countries() -> list[str]:
    return sorted({b.country for b in BLOCKS})


def contains_pattern(contains: str) -> re.Pattern[str]:
    """Twilio's `Contains`: digits, keypad letters, `*` for any one digit, matched anywhere in the number."""
    digits = "".join(KEYPAD.get(ch.upper(), ch) for ch in contains)
    return re.compile(re.escape(digits).replace(r"\*", r"\d"))


def search(
    country: str,
    number_type: str,
    *,
    area_code: str | None = None,
    contains: str | None = None,
    require: dict[str, bool] | None = None,
    exclude: Container[str] = frozenset(),
    limit: int = 50,
) -> Iterator[NumberInfo]:
    """Available numbers in a stable order: blocks in order, lines from 0100 up, wrapping below."""
    pattern = contains_pattern(contains) if contains else None
    found = 0
    for block in BLOCKS:
        if block.country != country or block.number_type != number_type:
            continue
        if area_code is not None and block.area_code != area_code:
            continue
        for offset in range(LINES_PER_BLOCK):
            line = (offset + 100) % LINES_PER_BLOCK
            number = block.number(line)
            if number in exclude:
                continue
            if pattern is not None and not pattern.search(number[1:]):
                continue
            caps = capabilities_of(line, block.number_type)
            if require and any(wanted and not caps[name] for name, wanted in require.items()):
                continue
            yield NumberInfo(number, block, caps)
            found += 1
            if found >= limit:
                return
