"""What Pulumi's pip toolchain does in a fresh clone, reproduced without the CLI.

Pulumi.yaml says `toolchain: pip` and `virtualenv: .venv`. Pulumi's pip toolchain (sdk/python/toolchain/pip.go)
then runs, in the project directory: `python -m venv .venv`, `.venv/bin/python -m pip install --upgrade pip
setuptools wheel`, and `.venv/bin/python -m pip install -r requirements.txt` (only if that file exists), and runs
the program and the dynamic-provider server with that interpreter. This test does exactly that in a clean clone.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..support.paths import REPO

pytestmark = pytest.mark.slow


def test_pulumi_yaml_uses_the_pip_toolchain_with_a_requirements_file() -> None:
    runtime = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"] == {"toolchain": "pip", "virtualenv": ".venv"}
    lines = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()]
    assert "-e ." in lines, "the pip toolchain installs only requirements.txt: it must install the project"


def test_fresh_clone_installs_by_the_toolchain_rule_and_imports_the_program(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    # The working tree's requirements/pyproject may be uncommitted while developing: use them as they are.
    for name in ("requirements.txt", "pyproject.toml", "Pulumi.yaml"):
        shutil.copy(REPO / name, clone / name)
    venv = clone / ".venv"
    python = venv / "bin" / "python"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=clone, capture_output=True, text=True, timeout=600)

    assert run(sys.executable, "-m", "venv", str(venv)).returncode == 0
    upgrade = run(str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", "setuptools", "wheel")
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    install = run(str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt")
    assert install.returncode == 0, install.stderr[-2000:]
    # The program (as the language host runs it, from the project directory) and the provider server's imports.
    program = run(str(python), "-c", "import provider.program, provider.resources, pulumi.dynamic, twilio.rest;"
                                     "print('ok')")
    assert program.returncode == 0 and program.stdout.strip() == "ok", program.stderr[-2000:]
    # And from elsewhere (the provider server need not run in the project directory).
    elsewhere = subprocess.run([str(python), "-c", "import provider.resources; print(provider.resources.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert elsewhere.returncode == 0, elsewhere.stderr[-2000:]
    assert str(clone) in elsewhere.stdout
