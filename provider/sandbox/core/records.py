"""Rows of the stand-in's tables to JSON and back, for the state file and its journal: one path for every table.

Every row is a dataclass; its fields are converted back by their declared types (datetimes, dates, lists of
(date, text) pairs), so a new table needs no loading code of its own.
"""
from __future__ import annotations

import json
import typing
from dataclasses import asdict, fields
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def plain(row: Any) -> dict[str, Any]:
    return json.loads(json.dumps(asdict(row), default=str))


@cache
def _hints(cls: type) -> dict[str, Any]:
    import sys

    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _typed(hint: Any, value: Any) -> Any:
    if value is None or hint is None:
        return value
    args = typing.get_args(hint)
    if type(None) in args:  # X | None
        hint = next(a for a in args if a is not type(None))
        args = typing.get_args(hint)
    if hint is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if hint is date and isinstance(value, str):
        return date.fromisoformat(value)
    if typing.get_origin(hint) is list and args and typing.get_origin(args[0]) is tuple:
        parts = typing.get_args(args[0])
        return [tuple(_typed(h, v) for h, v in zip(parts, item, strict=True)) for item in value]
    return value


def load(cls: type[T], data: dict[str, Any]) -> T:
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    hints = _hints(cls)  # type: ignore[arg-type]  # classes are hashable
    values = {k: _typed(hints.get(k), v) for k, v in data.items() if k in known}
    return cls(**values)
