"""A compiled yes/no check of the tenant schema, for the common case: a valid file.

jsonschema walks the schema for every file and builds the located errors a reviewer reads; fastjsonschema compiles
the schema into plain Python once and answers "valid" in a fraction of the time. Only that answer is used: a file
it does not pass goes through jsonschema for the full explanation. So the compiled check may be stricter than
jsonschema (a file then costs both), never kinder: `tests/test_fast_schema.py` holds that against jsonschema on
generated and mutated files (ECMA `$`, `true` vs `1`, Decimal numbers, unknown keys...). fastjsonschema knows
drafts 4, 6 and 7; the 2020-12 keywords this schema uses (`$defs` references, `const`, `contains`, `not`,
`propertyNames`) mean the same in draft 7.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import fastjsonschema

from .schema import tenant_schema

DRAFT_7 = "http://json-schema.org/draft-07/schema#"


@lru_cache(maxsize=1)
def compiled_tenant_check() -> Callable[[Any], Any]:
    return fastjsonschema.compile({**tenant_schema(), "$schema": DRAFT_7}, use_formats=False)  # type: ignore[no-any-return]


def surely_valid(data: Any) -> bool:
    """True only if the tenant schema accepts `data`; False means "ask jsonschema" (it may still be valid)."""
    try:
        compiled_tenant_check()(data)
    except Exception:  # noqa: BLE001 - a refusal, or data the generated code did not expect: jsonschema decides
        return False
    return True
