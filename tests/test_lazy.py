"""Packages that load their names on first use (``smartborder.lazy``) must not name a function
after one of their own modules: importing that module would replace the function with it
(``data.crossings()`` then fails with "'module' object is not callable")."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest


@pytest.mark.parametrize("package", ["smartborder.data", "smartborder.ports", "smartborder.twin"])
def test_no_lazy_name_is_also_a_module(package: str) -> None:
    module = importlib.import_module(package)
    names = set(getattr(module, "_LAZY", {}))
    assert names, f"{package} loads nothing lazily"
    modules = {p.stem for p in Path(module.__file__).parent.glob("*.py")}  # type: ignore[arg-type]
    assert not names & modules


def test_lazy_names_resolve_after_their_modules_load() -> None:
    from smartborder import data
    from smartborder.data import places  # noqa: F401  (the module loaded before the name is used)

    assert callable(data.crossings) and data.crossings()
