"""The package's one clock (smartborder.clock): frozen and restored, and the only reader of the
system clock for "today" and "now" in the package."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import smartborder
from smartborder import clock

PACKAGE = Path(smartborder.__file__).parent


def test_frozen_holds_and_restores_even_nested_and_on_error() -> None:
    real = clock.now()
    at = dt.datetime(2030, 7, 4, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with clock.frozen(at) as held:
        assert held == clock.now() == at and held.tzinfo == dt.UTC
        assert clock.today() == dt.date(2030, 7, 5)  # the instant's date in UTC
        with clock.frozen(dt.date(2031, 1, 2)):
            assert clock.now() == dt.datetime(2031, 1, 2, tzinfo=dt.UTC)
        assert clock.now() == at
        with pytest.raises(RuntimeError), clock.frozen(dt.datetime(2040, 1, 1)):  # naive: taken as UTC
            assert clock.now() == dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
            raise RuntimeError
        assert clock.now() == at
    assert abs((clock.now() - real).total_seconds()) < 60 and clock.now().tzinfo == dt.UTC


def _reads_system_clock(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = ast.unparse(node.func)
            if name.endswith(("date.today", "datetime.now", "datetime.utcnow", "Timestamp.now", "Timestamp.today")):
                lines.append(node.lineno)
    return lines


def test_only_the_clock_reads_the_system_clock() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): found
        for p in PACKAGE.rglob("*.py")
        if p.name != "clock.py" and (found := _reads_system_clock(p))
    }
    assert not offenders, f"use smartborder.clock.today()/now(): {offenders}"
