"""Rows of the stand-in's per-account tables to JSON and back, for the state file and its journal.

Every row is a dataclass with `sid` and `account_sid`; its time fields are named `date_*` (datetimes, or None).
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


def plain(row: Any) -> dict[str, Any]:
    return json.loads(json.dumps(asdict(row), default=str))


def load(cls: type[T], data: dict[str, Any]) -> T:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in known}
    for name, value in values.items():
        if name.startswith("date_") and isinstance(value, str):
            values[name] = datetime.fromisoformat(value)
    return cls(**values)
