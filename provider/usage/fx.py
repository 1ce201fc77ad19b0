"""Committed exchange rates (`fx-rates.yaml` beside Pulumi.yaml), so the report needs no flags for the examples."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from ..tenancy.safe_files import UnreadableFile, read_text

FX_FILE = "fx-rates.yaml"


class FxError(ValueError):
    pass


@dataclass(frozen=True)
class FxRates:
    rates: dict[str, Decimal] = field(default_factory=dict)
    source: str = ""  # where the rates come from, said next to the figures

    def overridden(self, overrides: dict[str, Decimal]) -> FxRates:
        if not overrides:
            return self
        given = ", ".join(f"{k}={v}" for k, v in sorted(overrides.items()))
        source = f"{self.source}; --fx {given}" if self.source else f"--fx {given}"
        return FxRates({**self.rates, **overrides}, source)


def load_fx(root: Path) -> FxRates:
    path = root / FX_FILE
    if not path.exists():
        return FxRates()
    try:
        document = yaml.safe_load(read_text(path, FX_FILE)) or {}
    except UnreadableFile as error:
        raise FxError(str(error)) from None
    except yaml.YAMLError as error:
        raise FxError(f"{FX_FILE} is not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("rates"), dict):
        raise FxError(f"{FX_FILE} must have `rates:` mapping currency codes to quoted rates")
    rates: dict[str, Decimal] = {}
    for currency, rate in document["rates"].items():
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise FxError(f"{FX_FILE}: {currency!r} is not an ISO 4217 code in capitals")
        if not isinstance(rate, str):
            raise FxError(f"{FX_FILE}: the {currency} rate must be quoted (\"1.27\") to be read exactly")
        if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,10})?", rate.strip()):
            raise FxError(f"{FX_FILE}: the {currency} rate {rate!r} must be a plain decimal number such as \"1.27\" "
                          "(digits, at most 6 before the point and 10 after)")
        try:
            value = Decimal(rate)
        except InvalidOperation:
            raise FxError(f"{FX_FILE}: the {currency} rate {rate!r} is not a number") from None
        if not value.is_finite() or value <= 0:
            raise FxError(f"{FX_FILE}: the {currency} rate must be a positive number")
        rates[currency] = value
    as_of = document.get("as_of")
    return FxRates(rates, f"{FX_FILE}" + (f", as of {as_of}" if as_of else ""))
