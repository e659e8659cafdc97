"""Data flows one way: policy orchestrates ports and twin; it neither draws nor prints."""

from __future__ import annotations

import ast
from pathlib import Path

import smartborder.policy

POLICY = Path(smartborder.policy.__file__).parent
FORBIDDEN = ("matplotlib", "smartborder.report", "smartborder.cli", "typer", "rich")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_policy_imports_no_plotting_reporting_or_cli() -> None:
    offenders = {
        str(path.relative_to(POLICY)): sorted(m for m in _imports(path) if m.startswith(FORBIDDEN))
        for path in POLICY.rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}
