"""The README and every page of docs/ are run as typed: their sample tenants are valid next to the examples, every
`./tenantctl` command in them parses with the real argument parser, every script, benchmark and file they name
exists, every package is in the README's map and every dynamic resource in the providers' table; the README
stays short (12 KB)."""
from __future__ import annotations

import argparse
import re
import shlex
import shutil
from pathlib import Path

import pytest

from provider.cli import build_parser
from provider.tenancy import load_tenants

from ..support.paths import EXAMPLES, REPO

PAGES = {path.relative_to(REPO).as_posix(): path.read_text() for path in [REPO / "README.md",
                                                                            *sorted((REPO / "docs").glob("*.md"))]}
README = PAGES["README.md"]
EVERYTHING = "\n".join(PAGES.values())


def code_blocks(language: str, text: str = README) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def commands() -> list[str]:
    found = []
    for block in code_blocks("sh", EVERYTHING):
        for line in block.splitlines():
            line = re.split(r"\s+# ", line)[0].strip()
            if line:
                found.append(line)
    found += [m for m in re.findall(r"`(\./tenantctl [^`]+)`", EVERYTHING)]
    return found


def test_the_readme_fits_in_a_head_and_links_every_page() -> None:
    assert len(README.encode()) <= 12 * 1024
    for page in PAGES:
        if page != "README.md":
            assert f"({page})" in README, f"README does not link {page}"


def test_every_package_and_resource_is_named() -> None:
    import provider
    from provider import resources

    packages = sorted(p.name for p in Path(provider.__file__).parent.iterdir()
                      if p.is_dir() and (p / "__init__.py").exists())
    for package in packages:
        assert f"`provider.{package}`" in README, f"provider.{package} is missing from the README's package map"
    import pulumi

    for name in resources.__all__:
        kind = getattr(resources, name)
        if isinstance(kind, type) and issubclass(kind, pulumi.Resource):
            assert f"`{name}`" in PAGES["docs/operations.md"], f"{name} is missing from docs/operations.md"


@pytest.mark.parametrize("page", ["README.md", "docs/tenant-files.md"])
def test_the_sample_tenant_is_valid_next_to_the_examples(tmp_path: Path, page: str) -> None:
    sample = code_blocks("yaml", PAGES[page])[0]
    tenant_id = re.search(r"^id: (\S+)$", sample, re.M).group(1)  # type: ignore[union-attr]
    directory = tmp_path / "tenants"
    shutil.copytree(EXAMPLES, directory)
    (directory / f"{tenant_id}.yaml").write_text(sample)
    result = load_tenants([directory])
    assert result.ok, result.problems
    assert tenant_id in {t.id for t in result.tenants}


def subparser(words: list[str]) -> argparse.ArgumentParser:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[words[0]]


@pytest.mark.parametrize("command", sorted(set(c for c in commands() if c.startswith("./tenantctl "))))
def test_every_tenantctl_command_in_the_readme_is_accepted(command: str) -> None:
    """Runnable examples parse as typed; synopses (with [optional] parts or a|b choices) name only real options."""
    words = shlex.split(command.replace("$(date +%Y-%m)", "2026-10").replace("\\|", "|"))[1:]
    if any("[" in w or "|" in w for w in words):
        known = {flag for action in subparser(words)._actions for flag in action.option_strings}
        for flag in re.findall(r"--[a-z][\w-]*", command):
            assert flag in known, f"{command}: {flag} is not an option of tenantctl {words[0]}"
        return
    try:
        build_parser().parse_args(words)
    except SystemExit as exit_:
        raise AssertionError(f"README command does not parse: {command}") from exit_


def test_every_script_and_benchmark_the_readme_names_exists() -> None:
    for command in commands():
        for path in re.findall(r"(?:bash|python) ((?:scripts|bench)/[\w./-]+)", command):
            assert (REPO / path).exists(), path
    for path in set(re.findall(r"`((?:scripts|bench|specs|tests|provider|docs)/[\w./-]+\.\w+)`", EVERYTHING)):
        assert (REPO / path).exists(), path
    assert (REPO / "tenantctl").exists() and (REPO / "fx-rates.yaml").exists()
