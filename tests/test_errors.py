"""The one exception tree (``smartborder/errors.py``): every exception class smartborder defines
derives from ``SmartborderError``, and each layer raises its own — the analysis, the port models
and the CLI never raise the engine's ``ModelError``, and the TOML reader needs no twin."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import smartborder
from smartborder.cli.errors import UsageError
from smartborder.errors import InputFileError, SmartborderError
from smartborder.policy.errors import REFUSALS, AnalysisError
from smartborder.ports.errors import PortError
from smartborder.twin.errors import KernelInputError, ModelError

SRC = Path(smartborder.__file__).parent


def _modules() -> list[str]:
    return [
        m.name for m in pkgutil.walk_packages(smartborder.__path__, "smartborder.") if not m.name.endswith("__main__")
    ]


def test_every_exception_smartborder_defines_derives_from_the_root() -> None:
    defined = []
    for name in _modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException):
                defined.append(cls)
    assert len(defined) > 30  # the walk found the tree, not nothing
    strays = [f"{c.__module__}.{c.__qualname__}" for c in defined if not issubclass(c, SmartborderError)]
    assert strays == []


def _raised_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            names.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
    return names


@pytest.mark.parametrize("layer", ["policy", "ports", "cli", "report", "service", "data", "observations"])
def test_only_the_twin_raises_the_engines_errors(layer: str) -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted((SRC / layer).rglob("*.py"))
        if _raised_names(path) & {"ModelError", "KernelInputError"}
    ]
    assert offenders == []


def test_each_layer_raises_its_own() -> None:
    assert "AnalysisError" in set().union(*(_raised_names(p) for p in (SRC / "policy").rglob("*.py")))
    assert "PortError" in set().union(*(_raised_names(p) for p in (SRC / "ports").rglob("*.py")))
    assert "UsageError" in set().union(*(_raised_names(p) for p in (SRC / "cli").rglob("*.py")))
    imports = [
        n for n in ast.walk(ast.parse((SRC / "tomlfiles.py").read_text("utf-8"))) if isinstance(n, ast.ImportFrom)
    ]
    assert not any((n.module or "").startswith("smartborder.twin") for n in imports)


def test_the_tree_is_drawn_where_it_is_defined() -> None:
    drawing = inspect.getdoc(importlib.import_module("smartborder.errors")) or ""
    for cls in (InputFileError, ModelError, KernelInputError, PortError, AnalysisError, UsageError):
        assert cls.__name__ in drawing
        assert issubclass(cls, SmartborderError) and issubclass(cls, ValueError)  # a refusal of input
    assert set(REFUSALS) == {ModelError, PortError, AnalysisError, InputFileError}
