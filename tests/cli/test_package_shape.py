"""The code's shape as a developer relies on it: imports flow one way, and the stand-in is one folder per Twilio API,
each reached through the registry (a folder left out of it would serve nothing, silently)."""
from __future__ import annotations

import importlib
import pkgutil

import grimp
import pytest

import provider.sandbox
from provider.sandbox import urls as registry
from provider.sandbox.core.http import Call


def _cycles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.startswith(package) and graph.chain_exists(importer=imported, imported=module):
                found.append((module, *graph.find_shortest_chain(importer=imported, imported=module)))
    return found


def test_no_module_imports_itself_back() -> None:
    """Imports inside functions count too: a late import only hides a cycle until the day it runs first."""
    graph = grimp.build_graph("provider", exclude_type_checking_imports=True, cache_dir=None)
    assert _cycles(graph, "provider") == []


def test_the_cycle_check_sees_a_late_import(tmp_path, monkeypatch) -> None:
    """The check above would pass on a tree it cannot read; this one shows it finds a cycle hidden in a function."""
    package = tmp_path / "tangled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def late():\n    from . import a\n    return a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("tangled", cache_dir=None)
    assert [cycle[:2] for cycle in _cycles(graph, "tangled")] == [("tangled.a", "tangled.b"), ("tangled.b", "tangled.a")]


API_FOLDERS = sorted(info.name for info in pkgutil.iter_modules(provider.sandbox.__path__)
                     if info.ispkg and info.name != "core")


def test_every_api_folder_is_registered_once() -> None:
    assert sorted(service.__name__.split(".")[-2] for service in registry.SERVICES) == API_FOLDERS


@pytest.mark.parametrize("folder", API_FOLDERS)
def test_an_api_folder_routes_to_its_own_responses(folder: str) -> None:
    """moto's layout: `urls` holds HOST and ROUTES; every handler is in the folder's `responses`, takes a Call, and a
    route's permission is a Twilio permission name or None (account administration)."""
    urls = importlib.import_module(f"provider.sandbox.{folder}.urls")
    responses = importlib.import_module(f"provider.sandbox.{folder}.responses")
    assert urls.HOST.endswith(".twilio.com")
    assert urls.ROUTES
    for pattern, methods in urls.ROUTES:
        assert methods, pattern
        for method, (handler, permission) in methods.items():
            assert method in {"GET", "POST", "DELETE"}, (pattern, method)
            assert handler.__module__ == responses.__name__, (pattern, handler)
            assert list(handler.__annotations__.values())[0] in (Call, "Call"), handler
            assert permission is None or permission.startswith("/twilio/"), (pattern, permission)
