"""Where things are, said once: the repository, its example tenants, the tests' fixtures."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "tenants"
FIXTURES = REPO / "tests" / "fixtures"
