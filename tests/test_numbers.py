"""One rule for short numbers (smartborder.numbers), as each table used to print them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartborder.numbers import DASH, compact, money


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (1_234_567, {}, "1.2M"),  # tables of counts (simulate)
        (12_345, {}, "12.3k"),
        (9_999, {}, "9,999.0"),
        (9_999, {"digits": 0}, "9,999"),
        (-12_345, {}, "-12.3k"),
        (2.5e9, {}, "2.5G"),
        (3_865, {"digits": 0, "kilo_from": 1e3, "whole_from": 10}, "3.9k"),  # scorecard cells
        (774_912, {"digits": 0, "kilo_from": 1e3, "whole_from": 10}, "775k"),
        (850_850_413, {"digits": 0, "kilo_from": 1e3, "whole_from": 100, "billion": "bn"}, "851M"),  # appraisal
        (42.25, {"whole_from": 100}, "42.2"),
        (142.5, {"whole_from": 100}, "142"),
        (float("nan"), {}, DASH),
        (None, {}, DASH),
        (math.inf, {}, DASH),
    ],
)
def test_compact(value: float | None, kwargs: dict[str, object], text: str) -> None:
    assert compact(value, **kwargs) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (206e6, "$206M"),
        (44.8e6, "$44.8M"),
        (4.1e6, "$4.1M"),
        (929e3, "$929k"),
        (4.5e3, "$4.5k"),
        (1.2e9, "$1.2bn"),
        (-5e6, "-$5.0M"),
    ],
)
def test_money(value: float, text: str) -> None:
    assert money(value) == text


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_compact_is_short_and_keeps_the_sign(value: float) -> None:
    text = compact(value, 0, kilo_from=1e3, whole_from=10)
    assert len(text.lstrip("-")) <= 6 or abs(value) >= 1e12
    assert text.startswith("-") == (value < 0 and text.lstrip("-") not in ("0", "0.0"))
