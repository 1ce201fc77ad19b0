"""Plain-data YAML with a line and column for every key and value.

libyaml does the scanning and parsing; this module composes its events into plain data itself, so it can
refuse what a tenant file has no use for (anchors, aliases, tags, duplicate keys, several documents, deep
nesting) before anything is built, and read scalars by YAML 1.2 core rules (`NO` stays a string, a price
becomes a Decimal from its exact text).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from .problems import PathPart

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing: same rules, slower
    _Loader = yaml.SafeLoader

MAX_DEPTH = 32

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


class YamlSourceError(Exception):
    """The text is not plain-data YAML; `mark` says where."""

    def __init__(self, message: str, mark: Mark, path: tuple[PathPart, ...] = ()):
        super().__init__(message)
        self.message = message
        self.mark = mark
        self.path = path


@dataclass
class LocatedData:
    """The document as plain data plus where each value (and each mapping key) starts."""

    data: Any
    values: dict[tuple[PathPart, ...], Mark] = field(default_factory=dict)
    keys: dict[tuple[PathPart, ...], Mark] = field(default_factory=dict)

    def mark_of(self, path: tuple[PathPart, ...]) -> Mark:
        """The nearest known location: the value itself, else its closest located ancestor."""
        while True:
            if path in self.values:
                return self.values[path]
            if not path:
                return Mark(1, 1)
            path = path[:-1]


def _mark(event: Any) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


MAX_NUMBER_DIGITS = 100  # no tenant field needs more; Python refuses to convert past 4,300 anyway


def scalar_value(event: Any, path: tuple[PathPart, ...] = ()) -> Any:
    """YAML 1.2 core schema for plain scalars; quoted ones are always strings."""
    text = event.value
    if (not event.style and event.implicit[0] and len(text) > MAX_NUMBER_DIGITS
            and sum(c.isdigit() for c in text) > MAX_NUMBER_DIGITS and _looks_numeric(text)):
        raise YamlSourceError(f"number is too long ({len(text)} characters; at most {MAX_NUMBER_DIGITS} digits)",
                              _mark(event), path)
    if event.style or not event.implicit[0]:  # libyaml reports plain as "", pure PyYAML as None
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return Decimal(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _looks_numeric(text: str) -> bool:
    return bool(_INT.match(text) or _OCT.match(text) or _HEX.match(text) or _FLOAT.match(text))


def _refuse_decorations(event: Any, path: tuple[PathPart, ...]) -> None:
    if isinstance(event, yaml.AliasEvent):
        raise YamlSourceError("YAML aliases (*name) are not allowed: write the data out", _mark(event), path)
    if getattr(event, "anchor", None) is not None:
        raise YamlSourceError("YAML anchors (&name) are not allowed: write the data out", _mark(event), path)
    if getattr(event, "tag", None) is not None:
        raise YamlSourceError(f"YAML tags ({event.tag}) are not allowed: use plain data", _mark(event), path)


class _Container:
    __slots__ = ("value", "path", "pending_key")

    def __init__(self, value: Any, path: tuple[PathPart, ...]):
        self.value = value
        self.path = path
        self.pending_key: str | None = None


def load_located(text: str) -> LocatedData:
    """Parse exactly one YAML document of plain data. Raises YamlSourceError with a location."""
    located = LocatedData(data=None)
    stack: list[_Container] = []
    documents = 0
    root_set = False
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlSourceError("a tenant file holds exactly one YAML document", _mark(event))
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue

            parent = stack[-1] if stack else None
            # A scalar in key position of a mapping is a key, not a value.
            if parent is not None and isinstance(parent.value, dict) and parent.pending_key is None:
                _refuse_decorations(event, parent.path)
                if not isinstance(event, yaml.ScalarEvent):
                    raise YamlSourceError("mapping keys must be plain strings", _mark(event), parent.path)
                key = event.value
                if key in parent.value:
                    raise YamlSourceError(f"duplicate key `{key}`", _mark(event), parent.path + (key,))
                parent.pending_key = key
                located.keys[parent.path + (key,)] = _mark(event)
                continue

            if parent is None:
                path: tuple[PathPart, ...] = ()
            elif isinstance(parent.value, dict):
                assert parent.pending_key is not None
                path = parent.path + (parent.pending_key,)
            else:
                path = parent.path + (len(parent.value),)
            _refuse_decorations(event, path)

            if isinstance(event, yaml.ScalarEvent):
                value: Any = scalar_value(event, path)
                container = None
            elif isinstance(event, yaml.MappingStartEvent):
                value = {}
                container = _Container(value, path)
            elif isinstance(event, yaml.SequenceStartEvent):
                value = []
                container = _Container(value, path)
            else:  # pragma: no cover - libyaml emits nothing else here
                raise YamlSourceError(f"unexpected YAML construct {type(event).__name__}", _mark(event), path)

            located.values[path] = _mark(event)
            if parent is None:
                located.data = value
                root_set = True
            elif isinstance(parent.value, dict):
                parent.value[parent.pending_key] = value
                parent.pending_key = None
            else:
                parent.value.append(value)
            if container is not None:
                if len(stack) >= MAX_DEPTH:
                    raise YamlSourceError(f"nesting deeper than {MAX_DEPTH} levels", _mark(event), path)
                stack.append(container)
    except yaml.MarkedYAMLError as exc:
        message, where = explain_syntax_error(exc, text)
        raise YamlSourceError(f"YAML syntax error: {message}", where) from None
    except yaml.YAMLError as exc:  # reader errors (control characters, bad encoding) carry their own position
        raise YamlSourceError(f"YAML error: {_reader_message(exc)}", _reader_mark(exc, text)) from None
    if not root_set:
        located.data = None
    return located


def _mark_of(mark: Any) -> Mark:
    return Mark(mark.line + 1, mark.column + 1)


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, Mark]:
    """PyYAML's wording translated into what to fix, at the line to fix (often not the line PyYAML stopped at)."""
    problem = exc.problem or exc.context or "malformed YAML"
    at = exc.problem_mark or exc.context_mark
    where = _mark_of(at) if at else Mark(1, 1)
    lines = text.splitlines()
    start = _mark_of(exc.context_mark) if exc.context_mark else where
    for number, line in enumerate(lines[: where.line], 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return "tab characters are not allowed in YAML indentation; indent with spaces", Mark(number, 1)
    if "mapping values are not allowed" in problem:
        line = lines[where.line - 1] if where.line <= len(lines) else ""
        first_colon = line.find(": ")
        if 0 <= first_colon < where.column - 1:
            return "this value contains ': ': put the value in quotes", Mark(where.line, first_colon + 3)
        return ("indentation: this line is indented under a line that already has a value; line it up with the "
                "fields above it", Mark(where.line, 1))
    if "expected '-' indicator" in problem or "expected <block end>" in problem:
        return ("indentation: this line does not line up with the entries above it (a list's `- ` items and "
                "each item's fields must start in the same columns)", Mark(where.line, 1))
    if "end of stream" in problem and exc.context and "quoted" in exc.context:
        return "a quoted value opened here is never closed (add the closing quote)", start
    if "expected ',' or ']'" in problem:
        return "a [list] opened here is not closed with ] (or its items are not separated by commas)", start
    if "expected ',' or '}'" in problem:
        return "a {mapping} opened here is not closed with } (or its fields are not separated by commas)", start
    if "could not find expected ':'" in problem:
        return "this line is not `key: value` (a missing ': ', or text that needs quotes)", start
    if "block sequence entries are not allowed" in problem:
        return "a `- ` list item where a single value was expected; put list items on their own lines", where
    if "cannot start any token" in problem:
        return f"{problem}: quote the value", where
    return problem, where


def _reader_message(exc: yaml.YAMLError) -> str:
    reason = getattr(exc, "reason", None)
    character = getattr(exc, "character", None)
    if reason and character is not None:
        return f"{reason} ({character!r})"
    return str(exc).splitlines()[0]


def _reader_mark(exc: yaml.YAMLError, text: str) -> Mark:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return Mark(1, 1)
    return mark_at_offset(text, position)


def mark_at_offset(text: str, offset: int) -> Mark:
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return Mark(line, column)
