"""The chain against FHWA's RFID crossing times: the shipped readings as published, and the
check that puts the model beside them month by month."""

from __future__ import annotations

import pytest

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.policy.fitting.crossing_times import BUFFER_MIN, check_crossing_times


def test_the_shipped_readings_are_fhwas_ranges() -> None:
    """Issue 25 quotes the published ranges: 2012 (Jan-Nov) BOTA 42-57, Pharr 43-63; 2011-12
    BOTA 40-64, Pharr 43-73 minutes."""
    rfid = data.rfid_crossing_times()
    assert len(rfid) == 46 and not rfid.duplicated(["crossing", "month"]).any()
    year = rfid["month"].dt.year
    for crossing, low, high in (("bota", 42, 57), ("pharr", 43, 63)):
        minutes = rfid[(rfid["crossing"] == crossing) & (year == 2012)]["crossing_time_min"]
        assert (minutes.min(), minutes.max(), len(minutes)) == (low, high, 11)
    for crossing, low, high in (("bota", 40, 64), ("pharr", 43, 73)):
        minutes = rfid[rfid["crossing"] == crossing]["crossing_time_min"]
        assert (minutes.min(), minutes.max()) == (low, high)
    assert set(rfid["crossing"]) <= set(data.crossings())


def test_each_measured_month_gets_its_modelled_crossing_time() -> None:
    check = check_crossing_times([2012], replications=1, seed=1, crossings=["pharr"])
    table = check.table
    assert list(table["month"]) == [f"2012-{m:02d}" for m in range(1, 12)]
    assert (table["model_min"] > table["mexico_min"]).all()  # Mexico is part of the crossing
    assert (table["model_min"] > table["cbp_wait_min"]).all()  # and CBP's wait is too
    assert (table["model_within_buffer_min"] <= BUFFER_MIN).all()
    assert (table["model_within_buffer_min"] <= table["model_min"] + 1e-9).all()
    summary = check.summary().iloc[0]
    assert summary["months"] == 11 and summary["rfid_min"] == [43.0, 63.0]
    assert 0 <= summary["within_tolerance"] <= 1


def test_a_year_without_readings_is_refused() -> None:
    with pytest.raises(AnalysisError, match="year: RFID crossing times exist for 2011, 2012"):
        check_crossing_times([2024])
