"""Months that depart from their neighbours (data/anomalies.py): flagged, kept as published, and
left out of growth figures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder import data
from smartborder.data.anomalies import flagged


def _months(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.period_range("2020-01", periods=len(values), freq="M"))


def test_laredos_october_2023_pedestrians_are_flagged_and_grow_nothing() -> None:
    """228,826 → 1,539 → 238,164: flagged; its YoY and the YoY a year later are left out."""
    series = data.monthly_series("2304", "Pedestrians")
    bad = flagged(series)
    october = pd.Period("2023-10", "M")
    assert bad[october] and not bad[october - 1] and not bad[october + 1]
    yoy = data.year_over_year(series)
    assert np.isnan(yoy[october]) and np.isnan(yoy[october + 12])  # not "+16,165 %"
    assert yoy[october + 13] == pytest.approx(series[october + 13] / series[october + 1] - 1)
    raw = data.year_over_year(series, skip_flagged=False)
    assert raw[october + 12] > 100  # what it would have printed


def test_a_step_is_not_an_anomaly() -> None:
    """April 2020's closure to non-essential travel moved every month after it: not flagged."""
    series = data.monthly_series("2504", "Pedestrians")  # San Ysidro
    window = flagged(series).loc[pd.Period("2019-10", "M") : pd.Period("2020-12", "M")]
    assert not window.any()


@settings(max_examples=60, deadline=None)
@given(
    level=st.floats(200, 1e6),
    spike=st.sampled_from([0.0, 0.1, 8.0, 30.0]),
    where=st.integers(3, 20),
    noise=st.lists(st.floats(0.8, 1.2), min_size=24, max_size=24),
)
def test_one_bad_month_in_a_steady_series_is_the_one_flagged(
    level: float, spike: float, where: int, noise: list[float]
) -> None:
    values = [level * n for n in noise]
    values[where] = level * spike
    bad = flagged(_months(values))
    assert list(bad[bad].index) == [_months(values).index[where]]


def test_small_or_unsteady_neighbours_flag_nothing() -> None:
    assert not flagged(_months([3, 4, 2, 40, 3, 5, 2])).any()  # counts too small to judge
    assert not flagged(_months([100, 900, 150, 4000, 120, 800, 200])).any()  # neighbours disagree


def test_volumes_marks_the_month(capsys: pytest.CaptureFixture[str]) -> None:
    from smartborder.cli import main

    args = ["volumes", "laredo", "--measure", "Pedestrians", "--from", "2023-08", "--to", "2024-11"]
    with pytest.raises(SystemExit) as info:
        main([*args, "--json"])
    assert not info.value.code
    rows = {r["month"]: r for r in json.loads(capsys.readouterr().out)["series"]}
    assert rows["2023-10"]["anomaly"] is True and rows["2023-09"]["anomaly"] is False
    with pytest.raises(SystemExit):
        main(args)
    shown = capsys.readouterr().out
    assert "anomaly" in shown and "16165" not in shown.replace(",", "")
