"""The report reads results; it never computes them.

Every figure, table and JSON the report writes comes from the result it is given (``PlaceRun``,
``Study``, ``Plan``, the twin's ``SimulationResult``…) through its own methods and fields. What
``report/`` may take at run time from the layers below is types and constants: a result's class,
a parameter model, an error tuple, a table of labels — never a function that computes (a mean
table, a staffing shape, the period's label, a twin kernel). Imports under ``TYPE_CHECKING`` are
annotations and do not count. import-linter's contract on ``smartborder.report`` (pyproject.toml)
forbids the computing modules themselves; this test holds the finer rule, name by name.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import smartborder

REPORT = Path(smartborder.__file__).parent / "report"
LOWER = ("smartborder.policy", "smartborder.ports", "smartborder.twin")


def _runtime_imports(tree: ast.Module) -> list[tuple[str, str | None, int]]:
    """(module, name, line) of every ``from smartborder.… import name`` and (module, None, line)
    of every ``import smartborder.…``, outside ``if TYPE_CHECKING:`` blocks (their body only:
    an ``else`` runs)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            skipped.update(id(child) for statement in node.body for child in ast.walk(statement))
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
    return found


def _computes(value: object) -> bool:
    """A function (Python or compiled), or a whole module (which hands out its functions)."""
    return (
        inspect.isfunction(value)
        or inspect.isbuiltin(value)
        or inspect.ismodule(value)
        or type(value).__name__ == "CPUDispatcher"
    )


@pytest.mark.parametrize("path", sorted(REPORT.glob("*.py")), ids=lambda p: p.name)
def test_the_report_imports_types_and_constants_only(path: Path) -> None:
    offending = []
    for module, name, line in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if not module.startswith(LOWER):
            continue
        value = importlib.import_module(module) if name is None else getattr(importlib.import_module(module), name)
        if _computes(value):
            offending.append(f"{path.name}:{line} imports {module}.{name}")
    assert offending == []


def test_the_rule_can_fail() -> None:
    """The probe finds a computing import where there is one."""
    tree = ast.parse("from smartborder.policy.studies.place import mean_table\n")
    ((module, name, _),) = _runtime_imports(tree)
    assert name is not None and _computes(getattr(importlib.import_module(module), name))
    hidden = ast.parse("if TYPE_CHECKING:\n    from smartborder.policy.studies.place import mean_table\n")
    assert _runtime_imports(hidden) == []
    for text in ("import smartborder.twin.metrics\n", "from smartborder.policy.studies import place\n"):
        ((module, name, _),) = _runtime_imports(ast.parse(text))
        value = importlib.import_module(module) if name is None else getattr(importlib.import_module(module), name)
        assert _computes(value), text
    shown = ast.parse("if not TYPE_CHECKING:\n    from smartborder.policy.studies.place import mean_table\n")
    assert len(_runtime_imports(shown)) == 1
