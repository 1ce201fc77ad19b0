"""Shared fixtures: the repository's example tenants and scratch copies of them to break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tenants"


@pytest.fixture
def tenant_dir(tmp_path: Path) -> Path:
    """A copy of the example tenants that a test may break."""
    target = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture(autouse=True)
def _run_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in messages are relative to the working directory; keep it the scratch dir."""
    monkeypatch.chdir(tmp_path)
