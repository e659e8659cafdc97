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


def test_a_table_read_once_is_read_once_however_many_threads_ask_first() -> None:
    """``lazy.once``: threads that ask while the first one computes wait for its result
    (``functools.lru_cache`` computed it in each: 32 request threads read the BTS table 32 times)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from smartborder.lazy import once

    calls: list[int] = []
    start = threading.Barrier(16)

    @once
    def table() -> list[int]:
        calls.append(1)
        time.sleep(0.05)  # long enough that every thread arrives while it runs
        return [1, 2, 3]

    def ask(_: int) -> list[int]:
        start.wait()
        return table()

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(ask, range(16)))
    assert len(calls) == 1 and all(a is answers[0] for a in answers)
    table.cache_clear()
    assert table() == [1, 2, 3] and len(calls) == 2
