"""A located problem in a tenant file: the unit every validation error is reported in."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int


def format_field(path: Sequence[PathPart]) -> str:
    """`phone_numbers[1].webhooks.voice_url`, the way a reader of the YAML names a field."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class RuleIssue:
    """A broken rule at a field path of one file's data, before it is located at a line."""

    path: tuple[PathPart, ...]
    message: str


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule, with where it is: file, 1-based line and column, and the field path."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


class TenantFilesInvalid(Exception):
    """Raised by callers that need all-or-nothing: carries every problem, never only the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(problems))
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in tenant files:\n{lines}")
