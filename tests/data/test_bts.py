import pandas as pd
import pytest

from smartborder import data
from tests.conftest import raw_bts_sums


def _raw_sum(code: str, measure: str, start: str, end: str) -> int:
    return sum(v for (c, month, m), v in raw_bts_sums().items() if c == code and m == measure and start <= month <= end)


@pytest.mark.parametrize(
    ("code", "measure", "start", "end"),
    [
        ("2304", "Trucks", "2024-03", "2025-02"),
        ("2506", "Personal Vehicles", "2019-01", "2019-12"),
        ("2504", "Pedestrians", "1996-01", "2025-02"),
        ("2606", "Bus Passengers", "2021-01", "2021-03"),
    ],
)
def test_series_total_matches_raw_csv(code: str, measure: str, start: str, end: str) -> None:
    series = data.monthly_series(code, measure, data.MonthRange.parse(start, end))
    assert int(series.sum()) == _raw_sum(code, measure, start, end)
    assert series.index.is_monotonic_increasing


def test_conflicting_duplicate_kept_as_documented() -> None:
    # Provenance note: Sasabe 2021-02 Bus Passengers, the non-zero value 2175 was kept.
    series = data.monthly_series("2606", "Bus Passengers", data.MonthRange.parse("2021-02", "2021-02"))
    assert series.tolist() == [2175]


def test_range_edges_are_inclusive() -> None:
    series = data.monthly_series("2304", "Trucks", data.MonthRange.parse("2024-01", "2024-03"))
    assert [str(m) for m in series.index] == ["2024-01", "2024-02", "2024-03"]


def test_open_ended_range_covers_whole_record() -> None:
    whole = data.monthly_series("2304", "Trucks")
    assert str(whole.index[0]) == "1996-01"
    assert whole.index[-1] == data.last_month()


def test_missing_months_are_not_zero_filled() -> None:
    ysleta = data.monthly_series("2401", "Trucks")
    assert str(ysleta.index[0]) == "2020-03"  # Ysleta reported separately from 2020-03


def test_totals_cover_every_port() -> None:
    months = data.MonthRange.parse("2024-03", "2025-02")
    table = data.totals(["Trucks", "Pedestrians"], months)
    raw = sum(v for (c, m, meas), v in raw_bts_sums().items() if meas == "Trucks" and "2024-03" <= m <= "2025-02")
    assert int(table["Trucks"].sum()) == raw


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("trucks", "Trucks"),
        ("personal-vehicles", "Personal Vehicles"),
        ("POV", "Personal Vehicles"),
        ("bus_passengers", "Bus Passengers"),
    ],
)
def test_measure_names_are_forgiving(query: str, expected: str) -> None:
    assert data.resolve_measure(query) == expected


def test_unknown_measure_lists_valid_ones() -> None:
    with pytest.raises(data.UnknownMeasureError, match=r"measure:.*Trucks"):
        data.resolve_measure("lorries")


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "24-01", "2024/01", "", "March"])
def test_malformed_months_are_rejected(bad: str) -> None:
    with pytest.raises(data.PeriodError):
        data.parse_month(bad)


def test_reversed_range_is_rejected() -> None:
    with pytest.raises(data.PeriodError, match="reversed"):
        data.MonthRange.parse("2024-05", "2024-01")


def test_parse_month_gives_period() -> None:
    assert data.parse_month("2024-02") == pd.Period("2024-02", freq="M")
