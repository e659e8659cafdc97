"""Arrival profiles read back from waits (ports/profiles.py): the inversion against its forward
balance (an exact oracle), its invariances, its errors, and the regional shapes shipped in
``assumptions.toml`` recomputed from the data they cite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder import data, observations
from smartborder.data.files import data_file
from smartborder.policy.fitting.observed import for_crossing
from smartborder.ports import defaults, profiles
from smartborder.ports.defaults import default_spec
from smartborder.ports.errors import PortError
from smartborder.twin.distributions import ServiceTime

PATIENCE = ServiceTime(kind="lognormal", mean=120.0, cv=0.6)
ROSTER = np.array([0.40, 0.28, 0.28, 0.26, 0.39, 0.54] + [1.0] * 18)
# A day's arrivals, shaped like a commuter crossing's (a morning rush, an afternoon peak), in cars
# an hour where one lane (the busiest hour's) clears 60; scaled to a share of the roster's capacity.
SHAPE = np.array(
    [22, 16, 16, 15, 22, 34, 66, 70, 66, 62, 60, 62, 64, 68, 72, 74, 70, 64, 60, 58, 56, 54, 52, 30], dtype=float
)


def _day(load: float) -> np.ndarray:
    return SHAPE * load * 60 * ROSTER.sum() / SHAPE.sum()


@pytest.mark.parametrize(("load", "patience"), [(0.9, None), (0.98, None), (1.05, PATIENCE)])
def test_inverting_the_forward_balance_gives_back_the_arrivals(load: float, patience: ServiceTime | None) -> None:
    """Waits made by the balance from known arrivals read back as those arrivals, hour by hour:
    a crossing that copes (90 %, 98 % of its lane-hours) and one that cannot (105 %) whose line
    is held by the drivers who will not join it."""
    arrivals = _day(load)
    waits = profiles.fluid_waits(arrivals, ROSTER, 1.0, patience)
    assert waits.max() > 30  # the lanes are over-full for part of the day: a real test of the balance
    back = profiles.arrivals_from_waits(waits, ROSTER, 1.0, patience, normalise=False)
    assert back == pytest.approx(arrivals, rel=1e-6)
    assert profiles.arrivals_from_waits(waits, ROSTER, 1.0, patience) == pytest.approx(
        arrivals / arrivals.mean(), rel=1e-6
    )


def test_a_growing_line_means_more_cars_than_the_lanes_clear() -> None:
    """Constant lanes, a line growing by 6 min an hour until 14 h and shrinking after: arrivals
    10 % above the lanes' capacity while it grows, below while it shrinks (no patience)."""
    waits = np.array([30 + 6 * min(h, 14) - 6 * max(h - 14, 0) for h in range(24)], dtype=float)
    arrivals = profiles.arrivals_from_waits(waits, np.ones(24), 1.0, normalise=False)
    served = 60 * waits / (waits + 1.0)
    assert arrivals[3] == pytest.approx(served[3] + 6.0)
    assert arrivals[16] == pytest.approx(served[16] - 6.0)


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(0.1, 50.0), waits=st.lists(st.floats(0.0, 200.0), min_size=24, max_size=24))
def test_weights_depend_on_the_lanes_shape_not_their_number(scale: float, waits: list[float]) -> None:
    one = profiles.arrivals_from_waits(waits, ROSTER, 1.0, PATIENCE)
    many = profiles.arrivals_from_waits(waits, ROSTER * scale, 1.0, PATIENCE)
    assert one == pytest.approx(many, rel=1e-9)
    assert one.mean() == pytest.approx(1.0)
    assert one.min() >= profiles.FLOOR * one.max() - 1e-12


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"waits": [1.0] * 23}, "waits"),
        ({"waits": [-1.0] + [1.0] * 23}, "waits"),
        ({"waits": [np.nan] + [1.0] * 23}, "waits"),
        ({"lanes": [0.0] * 24}, "lanes"),
        ({"service_min": 0.0}, "service_min"),
        ({"waits": [1e6] * 24, "patience": ServiceTime(kind="deterministic", mean=10.0)}, "patience"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"waits": [10.0] * 24, "lanes": [1.0] * 24, "service_min": 1.0, **kwargs}
    with pytest.raises(PortError, match=f"^{field}:"):
        profiles.arrivals_from_waits(**args)  # type: ignore[arg-type]


def test_californias_car_shape_is_what_cbps_averages_give() -> None:
    """The numbers in assumptions.toml are the derivation they cite, from the shipped file."""
    a = defaults.assumptions()
    region = a["pov"]["regions"]["California"]
    how = region["derived_from"]
    roster = a["staffing"]["roster"]
    averages = pd.read_csv(data_file("cbp_bwt_historical_avg_san_ysidro.csv.gz"), dtype={"crossing_id": str})
    patience = ServiceTime(**a["pov"]["patience"])
    service = a["pov"]["service"]["standard"]["mean"]
    for day, key in (("weekday", "hourly_weekday"), ("weekend", "hourly_weekend")):
        derived = profiles.from_averages(
            averages, how["column"], how["months"], how[day], roster[day], service, patience
        )
        assert derived == pytest.approx(region[key], abs=0.006)
    assert set(how["months"]).isdisjoint({10, 11, 12})  # the realism test scores those


def test_the_sentri_lanes_level_is_what_cbps_averages_give() -> None:
    """[staffing.roster] protected_utilisation recomputed from San Ysidro's SENTRI averages, from
    the months the realism test does not score."""
    a = defaults.assumptions()
    roster = a["staffing"]["roster"]
    how = roster["protected_derived_from"]
    assert set(how["months"]).isdisjoint({10, 11, 12})  # tests/ports/test_realism.py scores those
    averages = pd.read_csv(data_file("cbp_bwt_historical_avg_san_ysidro.csv.gz"), dtype={"crossing_id": str})
    rows = averages[averages["month"].isin(how["months"]) & averages["day_of_week_index"].isin(how["weekdays"])]
    waits = rows.groupby("hour")[how["column"]].mean().reindex(range(24)).to_numpy()
    load = profiles.load_from_waits(
        waits, roster["weekday"], a["pov"]["service"]["SENTRI"]["mean"], ServiceTime(**a["pov"]["patience"])
    )
    assert load == pytest.approx(roster["protected_utilisation"], abs=0.006)


def test_crossings_use_their_regions_shape() -> None:
    regional = defaults.assumptions()["pov"]["regions"]["California"]["hourly_weekday"]
    assert default_spec("otay mesa", 2024).classes["pov"].profile.hourly_weekday == tuple(regional)
    assert "historical average" in default_spec("tecate", 2024).provenance["classes.pov.profile"]
    texas = default_spec("b&m", 2024).classes["pov"]
    assert texas.profile.hourly_weekday == tuple(defaults.assumptions()["pov"]["regions"]["Texas"]["hourly_weekday"])
    assert texas.staffing_rule is not None and texas.staffing_rule.target_utilisation == 0.98
    arizona = default_spec("nogales", 2024).classes["pov"]  # no region: the border-wide shape and level
    assert arizona.profile.hourly_weekday == tuple(defaults.assumptions()["pov"]["hourly_weekday"])
    assert arizona.staffing_rule is not None
    assert arizona.staffing_rule.target_utilisation == defaults.assumptions()["staffing"]["roster"]["utilisation"]


def test_texas_car_shape_and_level_are_what_the_brownsville_readings_give() -> None:
    """[pov.regions.Texas] and [staffing.roster.regions.Texas] recomputed from the shipped archive,
    from the days before the realism test's split only."""
    a = defaults.assumptions()
    region, roster = a["pov"]["regions"]["Texas"], a["staffing"]["roster"]
    how = region["derived_from"]
    assert how["before"] == "2026-08-18"  # tests/ports/test_realism.py scores the days from then on
    archive = observations.shipped(how["archive"])
    frame = pd.concat([for_crossing(archive, data.resolve_crossing(name)) for name in how["crossings"]])
    frame = frame[(frame["vehicle"] == "pov") & (frame["lane"] == how["lane"])]
    times = pd.to_datetime(frame["time_local"])
    frame, times = frame[times < how["before"]], times[times < how["before"]]
    patience = ServiceTime(**a["pov"]["patience"])
    service = a["pov"]["service"]["standard"]["mean"]
    for day, rows in (("weekday", times.dt.day_of_week < 5), ("weekend", times.dt.day_of_week >= 5)):
        waits = profiles.waits_by_hour(
            times[rows].dt.hour.to_numpy(), frame.loc[rows, "delay_minutes"].to_numpy(), smooth=how["smooth"]
        )
        derived = profiles.arrivals_from_waits(waits, roster[day], service, patience)
        assert derived == pytest.approx(region[f"hourly_{day}"], abs=0.006)
        if day == "weekday":
            load = profiles.load_from_waits(waits, roster[day], service, patience)
            assert load == pytest.approx(roster["regions"]["Texas"]["utilisation"], abs=0.006)


def test_waits_by_hour_takes_the_median_fills_and_smooths() -> None:
    hours = np.array([0, 0, 0, 1, 2, 5])
    waits = np.array([10.0, 12.0, 120.0, 20.0, 30.0, 60.0])
    raw = profiles.waits_by_hour(hours, waits, smooth=False)
    assert raw[0] == 12.0  # the median: one night's 120 does not carry the hour
    assert raw[3] == pytest.approx(40.0) and raw[4] == pytest.approx(50.0)  # filled between 2 h and 5 h
    assert raw[23] == pytest.approx(60 - 48 * 18 / 19)  # around the clock: from 5 h (60) to 0 h next day (12)
    smoothed = profiles.waits_by_hour(hours, waits)
    assert smoothed[1] == pytest.approx((12 + 2 * 20 + 30) / 4)
    assert smoothed.mean() == pytest.approx(raw.mean())  # smoothing moves waits between hours, adds none
    with pytest.raises(PortError, match=r"^waits:"):
        profiles.waits_by_hour([24], [1.0])
    with pytest.raises(PortError, match=r"^waits:"):
        profiles.waits_by_hour([1, 2], [1.0])


@pytest.mark.parametrize("load", [0.9, 1.05])
def test_the_load_read_from_waits_is_the_load_that_made_them(load: float) -> None:
    """Waits the balance makes from arrivals at *load* times the lanes' day read back as that
    load (no patience: every arriving car joins)."""
    arrivals = _day(load)
    waits = profiles.fluid_waits(arrivals, ROSTER, 1.0)
    if load > 1:  # the line never clears: it grows without end, and the balance cannot repeat
        waits = profiles.fluid_waits(arrivals, ROSTER, 1.0, PATIENCE)
        back = profiles.arrivals_from_waits(waits, ROSTER, 1.0, PATIENCE, normalise=False)
        assert profiles.load_from_waits(waits, ROSTER, 1.0, PATIENCE) == pytest.approx(load, rel=1e-6)
        assert back == pytest.approx(arrivals, rel=1e-6)
    else:
        assert profiles.load_from_waits(waits, ROSTER, 1.0) == pytest.approx(load, rel=1e-6)


def test_from_averages_says_what_is_missing() -> None:
    frame = pd.DataFrame({"month": [1] * 23, "day_of_week_index": [1] * 23, "hour": range(23), "w": [5.0] * 23})
    with pytest.raises(PortError, match="lacks hours \\[23\\]"):
        profiles.from_averages(frame, "w", [1], [1], ROSTER, 1.0)
    with pytest.raises(PortError, match="no rows"):
        profiles.from_averages(frame, "w", [2], [1], ROSTER, 1.0)
