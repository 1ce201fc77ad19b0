"""`economics.yaml` beside Pulumi.yaml: what LTV and the split of shared costs assume, reviewed like tenant files.

Without the file, churn is measured from the tenants' own history and the parent's own usage is left out of tenant
margins (shown as a line of its own). Every bad value is a located error, and nothing is reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

from ..tenancy.problems import Problem, format_field
from ..tenancy.safe_files import UnreadableFile, read_text
from ..tenancy.schema import TenantValidator, schema_issues
from ..tenancy.yaml_source import YamlSourceError, load_located

ASSUMPTIONS_FILE = "economics.yaml"
SharedCosts = Literal["exclude", "usage_share", "even"]
SHARED_COSTS_RULES: dict[str, str] = {
    "exclude": "left out of tenant margins: the parent's own usage is a line of its own (cost without revenue)",
    "usage_share": "allocated to tenants in proportion to their own Twilio cost that month",
    "even": "allocated evenly to the tenants with a subaccount that month",
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "churn": {
            "type": "object",
            "additionalProperties": False,
            "required": ["monthly_rate"],
            "properties": {
                "monthly_rate": {
                    "type": "string", "pattern": r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$",
                    "x-rule": "must be a quoted fraction of tenants lost per month, from 0 to 1, e.g. \"0.015\" "
                              "for 1.5 %",
                },
                "note": {"type": "string", "maxLength": 300},
            },
        },
        "shared_costs": {"enum": list(SHARED_COSTS_RULES)},
    },
}


class AssumptionsError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class Assumptions:
    churn_monthly: Decimal | None = None  # declared; None: measured from history
    churn_source: str = ""
    shared_costs: SharedCosts = "exclude"
    shared_costs_source: str = "default"


@lru_cache(maxsize=1)
def _validator() -> Any:
    Draft202012Validator.check_schema(SCHEMA)
    return TenantValidator(SCHEMA)


def load_assumptions(root: Path) -> Assumptions:
    path = root / ASSUMPTIONS_FILE
    if not path.exists():
        return Assumptions()
    try:
        located = load_located(read_text(path, ASSUMPTIONS_FILE))
    except UnreadableFile as error:
        raise AssumptionsError([Problem(ASSUMPTIONS_FILE, 1, 1, "", str(error).removeprefix(ASSUMPTIONS_FILE + " "))]
                               ) from None
    except YamlSourceError as error:
        raise AssumptionsError([Problem(ASSUMPTIONS_FILE, error.mark.line, error.mark.column,
                                        format_field(error.path), error.message)]) from None
    data = located.data if located.data is not None else {}
    problems = []
    for issue in schema_issues(data, _validator()):
        mark = located.mark_of(issue.path)
        problems.append(Problem(ASSUMPTIONS_FILE, mark.line, mark.column, format_field(issue.path), issue.message))
    if problems:
        raise AssumptionsError(sorted(problems))
    churn = data.get("churn")
    return Assumptions(
        churn_monthly=Decimal(churn["monthly_rate"]) if churn else None,
        churn_source=f"declared in {ASSUMPTIONS_FILE}" + (f" ({churn['note']})" if churn and churn.get("note") else "")
        if churn else "",
        shared_costs=data.get("shared_costs", "exclude"),
        shared_costs_source=ASSUMPTIONS_FILE if "shared_costs" in data else "default",
    )
