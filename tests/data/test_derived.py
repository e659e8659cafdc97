import math

import pytest

from smartborder import data
from tests.conftest import raw_bts_sums


def test_occupancy_is_passengers_over_vehicles() -> None:
    months = data.MonthRange.parse("2024-01", "2024-12")
    raw = raw_bts_sums()
    keys = [f"2024-{m:02d}" for m in range(1, 13)]
    people = sum(raw[("2504", k, "Personal Vehicle Passengers")] for k in keys)
    cars = sum(raw[("2504", k, "Personal Vehicles")] for k in keys)
    assert data.occupancy("2504", months=months) == pytest.approx(people / cars)
    assert 1.0 < people / cars < 4.0


def test_occupancy_rejects_non_vehicle_measure() -> None:
    with pytest.raises(data.DataError, match="vehicles"):
        data.occupancy("2504", "Pedestrians")


def test_port_shares_sum_to_one_and_rank_laredo_first() -> None:
    shares = data.port_shares("Trucks", data.MonthRange.parse("2024-03", "2025-02"))
    assert shares.sum() == pytest.approx(1.0)
    assert shares.index[0] == "2304"


def test_year_over_year_against_same_month_last_year() -> None:
    series = data.monthly_series("2304", "Trucks", data.MonthRange.parse("2023-01", "2024-12"))
    yoy = data.year_over_year(series)
    jan23, jan24 = series.iloc[0], series.iloc[12]
    assert yoy.iloc[12] == pytest.approx((jan24 - jan23) / jan23)
    assert math.isnan(yoy.iloc[0])  # no 2022 in the input series


def test_border_month_total_adds_ports() -> None:
    months = data.MonthRange.parse("2024-06", "2024-06")
    total = data.border_month_total("Trucks", months)
    raw = sum(v for (c, m, meas), v in raw_bts_sums().items() if m == "2024-06" and meas == "Trucks")
    assert int(total.iloc[0]) == raw


def test_bridge_split_of_laredo_trucks() -> None:
    months = data.MonthRange.parse("2024-01", "2024-12")
    shares = data.bridge_shares("Laredo", "Trucks", months)
    assert shares.index[0] == "World Trade Bridge"
    assert 0.6 < shares.iloc[0] < 0.9
    assert shares.sum() == pytest.approx(1.0)
    bridges = data.bridge_series("Laredo", "Trucks", months)
    # CBP's bridge counts and BTS's port figure are separate sources; they agree within 5 %.
    bts = data.monthly_series("2304", "Trucks", months).sum()
    assert abs(bridges.to_numpy().sum() - bts) / bts < 0.05


def test_bridge_split_rejects_non_texas_port() -> None:
    with pytest.raises(data.DataError, match="Texas"):
        data.bridge_series("Nogales", "Trucks")
