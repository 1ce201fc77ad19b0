"""What `usage` and `economics` share, declared once: where tenants and their subaccounts come from, which cost
columns, which currency rates, how many requests in flight. Each job's request adds its own period and options."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass
class FinanceOptions:
    stack: str
    categories: tuple[str, ...]
    tenants_dir: str
    only: set[str] | None
    fx: dict[str, Decimal]
    concurrency: int
    mapping: str  # auto | outputs | names
    root: Path
