"""Small facts live once (issue 24): a short number, a crossing's short name, a process pool and
an atomic file write each have one implementation, which everything else calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import smartborder

PACKAGE = Path(smartborder.__file__).parent

#: (what, a pattern only its home module may contain, that module)
ONE_PLACE = [
    ("compact numbers (1.2M, 3.9k)", r"\(1e[369],", "numbers.py"),
    ("short crossing names", r"re\.sub\(r\"\\s\*\\\(", "vocabulary.py"),
    ("process pools", r"ProcessPoolExecutor\(", "pools.py"),
    ("atomic file writes", r"os\.replace\(", "atomic.py"),
]


@pytest.mark.parametrize(("what", "pattern", "home"), ONE_PLACE)
def test_one_implementation(what: str, pattern: str, home: str) -> None:
    found = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if re.search(pattern, path.read_text("utf-8"))
    )
    assert found == [home], f"{what}: written in {found}; call smartborder/{home} instead"
