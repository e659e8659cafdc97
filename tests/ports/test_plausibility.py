"""Every default crossing model against plausibility bands drawn from cited evidence
(``src/smartborder/ports/plausibility.toml``), on June 2024."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from smartborder import data
from smartborder.policy.studies.analysis import PortRun, run_port
from smartborder.ports import default_spec
from smartborder.ports.checks import capacity_warnings

MONTH = [pd.Period("2024-06", "M")]
BANDS = tomllib.loads((files("smartborder.ports") / "plausibility.toml").read_text("utf-8"))
CROSSINGS = [c.id for c in data.crossings().values() if c.first_month <= MONTH[0] <= c.last_month]


@cache
def run(crossing: str) -> PortRun:
    return run_port(default_spec(crossing, 2024), MONTH, replications=1, seed=5)


def busiest_hour_utilisation(result, station: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(busy / staffed minutes in the busiest weekday hour of the day, vehicles a day, lanes
    staffed on average in that hour)."""
    busy = np.zeros(24)
    vehicles = 0
    for trace in result.flows.values():
        here = trace.lane == station
        vehicles += int(here.sum())
        start, end = trace.begin[here], trace.finish[here]
        # Each service split over the hours it spans (services are minutes long: two hours at most).
        for lo, hi in (
            (start, np.minimum(end, (np.floor(start / 60) + 1) * 60)),
            (np.maximum(start, (np.floor(start / 60) + 1) * 60), end),
        ):
            length = np.clip(hi - lo, 0, None)
            clock = lo + result.start_hour * 60
            weekday = (result.start_weekday + (clock // 1440).astype(int)) % 7 < 5
            hour = (clock // 60).astype(int) % 24
            busy += np.bincount(hour[weekday], length[weekday], minlength=24)
    servers = result.servers[result.station_names[station]][: int(result.horizon // 60)]
    run_hours = np.arange(servers.size)
    weekday = (result.start_weekday + (run_hours // 24)) % 7 < 5
    staffed = np.bincount(run_hours[weekday] % 24, servers[weekday] * 60.0, minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(staffed > 0, busy / staffed, np.nan)
    peak = int(np.nanargmax(np.where(staffed > 0, busy, -1)))
    days = max(int(np.bincount(run_hours[weekday] % 24, minlength=24)[peak]), 1)
    return float(ratio[peak]), vehicles / (result.horizon / 1440), float(staffed[peak] / 60.0 / days)


@pytest.mark.parametrize("crossing", CROSSINGS)
def test_no_default_model_waits_for_a_closed_port_or_grows_a_queue(crossing: str) -> None:
    spec = default_spec(crossing, 2024)
    assert capacity_warnings(spec, MONTH) == []
    runs = run(crossing).runs.iloc[0]
    for vehicle, cls in spec.classes.items():
        mean = runs.get(f"{vehicle}.wait_mean_min", 0.0)
        assert mean <= BANDS["closed"]["max_mean_wait"], (crossing, vehicle, mean)
        vehicles = runs[f"{vehicle}.vehicles"]
        if vehicles:
            early = runs[f"{vehicle}.preopening_vehicles"] / vehicles
            noise = 3 * np.sqrt(max(cls.pre_opening.share, 0.01) / vehicles)  # small crossings: few vehicles
            assert early <= cls.pre_opening.share + noise + 0.01, (crossing, vehicle, early)
            assert runs[f"{vehicle}.opening_wait_mean_min"] <= 60.0 * cls.pre_opening.hours + 1e-6


@pytest.mark.parametrize("crossing", CROSSINGS)
def test_staffed_lanes_are_busy_in_their_busiest_hour(crossing: str) -> None:
    band = BANDS["utilisation"]
    result = run(crossing).last
    assert result is not None
    for index, name in enumerate(result.station_names):
        if ".primary." not in name:
            continue
        utilisation, per_day, lanes = busiest_hour_utilisation(result, index)
        if per_day < band["min_vehicles_per_day"] or lanes < 2:
            continue  # a quiet lane, or the one lane kept open whatever the load
        assert band["low"] <= utilisation <= band["high"] + band["tolerance"], (crossing, name, utilisation)


def _busiest(vehicle: str, measure: str, count: int) -> list[str]:
    volume = {
        c: float(data.crossings()[c].series(measure, data.MonthRange(MONTH[0], MONTH[0])).sum()) for c in CROSSINGS
    }
    return sorted(volume, key=volume.get, reverse=True)[:count]  # type: ignore[arg-type]


def _weekday_afternoon(run_: PortRun, vehicle: str) -> float:
    waits, counts = np.zeros(24), np.zeros(24)
    for (v, _lane, day), total in run_.hourly.wait.items():
        if v == vehicle and day == "weekday":
            waits += total
            counts += run_.hourly.count[(v, _lane, day)]
    return float(waits[13:19].sum() / counts[13:19].sum())


@pytest.mark.parametrize("crossing", _busiest("pov", "Personal Vehicles", BANDS["car_waits"]["crossings"]))
def test_cars_wait_tens_of_minutes_at_the_busiest_crossings(crossing: str) -> None:
    band = BANDS["car_waits"]
    wait = _weekday_afternoon(run(crossing), "pov")
    assert band["low"] <= wait <= band["high"], (crossing, wait)


@pytest.mark.parametrize("crossing", _busiest("truck", "Trucks", BANDS["truck_waits"]["crossings"]))
def test_truck_waits_at_the_busiest_commercial_crossings(crossing: str) -> None:
    band = BANDS["truck_waits"]
    runs = run(crossing).runs.iloc[0]
    assert band["low"] <= runs["truck.wait_mean_min"] <= band["high"], (crossing, runs["truck.wait_mean_min"])


def test_san_ysidro_has_the_largest_passenger_delay() -> None:
    """The busiest passenger crossing on the continent leads on car and pedestrian delay."""
    hours = {
        c: float(
            run(c)
            .runs.iloc[0]
            .filter(like="person_hours_delay")
            .drop(labels=[k for k in run(c).runs.columns if k.startswith("truck")], errors="ignore")
            .sum()
        )
        for c in CROSSINGS
    }
    top = sorted(hours, key=hours.get, reverse=True)[:3]  # type: ignore[arg-type]
    assert "san-ysidro" in top, top
