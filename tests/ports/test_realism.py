"""The default car model against what CBP observed, with nothing fitted to the readings.

Two sets of readings ship with smartborder: CBP's historical averages at San Ysidro (by month,
weekday and hour) and the Brownsville archive (four bridges, August 2026). The default model
(officer-short roster, drivers' patience; ``assumptions.toml``) takes two things from them, each
read back through the queue's balance (ports/profiles.py): California's car arrival shape from San
Ysidro's averages of January-September, so San Ysidro is scored here on October-December only;
Texas's car shape and roster level from the archive's days before 2026-08-18, so Brownsville is
scored on the days from then on. These tests hold
the shape of San Ysidro's day and the level at the busy Brownsville bridges, and the planning
consequence that followed from the old shift rule (more night booths beating more day lanes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartborder import data, observations
from smartborder.policy.fitting.calibration import score
from smartborder.policy.fitting.observed import for_crossing, volume_month
from smartborder.policy.studies.analysis import run_port
from smartborder.policy.studies.scenario import Scenario, apply
from smartborder.ports import default_spec


def _weekday_profile(scored: pd.DataFrame, lane: str, hour: np.ndarray, weekday: np.ndarray) -> pd.DataFrame:
    rows = (scored["lane"].to_numpy() == lane) & (weekday < 5)
    return scored[rows].groupby(hour[rows])[["predicted", "delay_minutes"]].mean()


@pytest.fixture(scope="module")
def san_ysidro() -> pd.DataFrame:
    """CBP's averages for October-December: the months California's arrival shape was not read
    from (assumptions.toml [pov.regions.California] uses January-September)."""
    frame = for_crossing(observations.shipped("san-ysidro"), data.resolve_crossing("san ysidro"))
    cars = frame[(frame["vehicle"] == "pov") & frame["month"].isin([10, 11, 12])]
    return score(default_spec("san ysidro", 2024), cars, "average", 2024, seed=0)


def _at_peak(model: pd.Series, observed: pd.Series, hours: int = 2, share: float = 0.95) -> bool:
    """Whether the model's day reaches its peak within *hours* of CBP's busiest hour: its wait
    there is at least *share* of its highest. The model's afternoon at San Ysidro is a plateau
    (standard lanes 63-66 min from 14 to 17 h), across which the single busiest hour moves with
    a minute's noise; the peak's level near CBP's peak hour is what a planner reads."""
    busiest = int(observed.idxmax())
    near = [(busiest + d) % 24 for d in range(-hours, hours + 1)]
    return float(model.reindex(near).max()) >= share * float(model.max())


# Measured on those months: standard r 0.94, level 0.94 of CBP's, busiest hour 17 h (CBP 14 h;
# the model at 12-16 h reaches 98 % of its highest); Ready r 0.88, 1.04, 16 h (14 h); SENTRI
# r 0.52, 1.10 of CBP's 11 min, 15 h (13 h), its lanes at the level read from CBP's
# January-September SENTRI averages. Held a step below.
@pytest.mark.parametrize(
    ("lane", "least_r", "least_ratio"), [("standard", 0.8, 2 / 3), ("Ready", 0.6, 2 / 3), ("SENTRI", 0.4, 1 / 3)]
)
def test_san_ysidro_follows_cbps_averages_by_hour(
    san_ysidro: pd.DataFrame, lane: str, least_r: float, least_ratio: float
) -> None:
    profile = _weekday_profile(san_ysidro, lane, san_ysidro["hour"].to_numpy(), san_ysidro["weekday"].to_numpy())
    r = np.corrcoef(profile["predicted"], profile["delay_minutes"])[0, 1]
    assert r >= least_r
    assert _at_peak(profile["predicted"], profile["delay_minutes"])  # at its peak around CBP's peak hour
    ratio = profile["predicted"].mean() / profile["delay_minutes"].mean()
    assert least_ratio <= ratio <= 1.5


SPLIT = "2026-08-18"  # Texas's car shape and roster level are read from the archive's days before


@pytest.fixture(scope="module")
def all_lanes() -> pd.DataFrame:
    """The default model against the Brownsville bridges' car readings from the split on."""
    scored = []
    for name in ("B&M", "Gateway", "Veterans", "Los Indios"):
        crossing = data.resolve_crossing(name)
        frame = for_crossing(observations.shipped("brownsville"), crossing)
        cars = frame[frame["vehicle"] == "pov"]
        cars = cars[pd.to_datetime(cars["time_local"]) >= SPLIT]
        month = volume_month(crossing, pd.Timestamp(cars["time_local"].min()), None, [])
        scored.append(
            score(default_spec(crossing, month.year), cars, "snapshot", month, seed=0, replications=2).assign(
                bridge=name
            )
        )
    return pd.concat(scored, ignore_index=True)


@pytest.fixture(scope="module")
def brownsville(all_lanes: pd.DataFrame) -> pd.DataFrame:
    """The busy bridges' standard car lanes."""
    busy = all_lanes["bridge"].isin(["B&M", "Gateway", "Veterans"]) & (all_lanes["lane"] == "standard")
    return all_lanes[busy]


@pytest.mark.parametrize("name", ["B&M", "Gateway", "Veterans", "Los Indios"])
def test_ready_lanes_are_read_as_the_line_cbp_posts(all_lanes: pd.DataFrame, name: str) -> None:
    """CBP posts the Ready lanes' delay equal to the standard lanes' at every Brownsville bridge
    (observed.posted_as_standard): the model's standard line is what it is compared with, and
    its mean is within a factor of 3 of CBP's (measured 1.19, 1.95, 0.97, 1.14; read from the
    model's own Ready lanes, the validation's 0.81, 0.43, 0.37, 0.09)."""
    ready = all_lanes[(all_lanes["bridge"] == name) & (all_lanes["lane"] == "Ready")]
    ratio = ready["predicted"].mean() / ready["delay_minutes"].mean()
    assert 1 / 3 <= ratio <= 3


@pytest.mark.parametrize("name", ["B&M", "Gateway", "Veterans"])
def test_busy_brownsville_bridges_wait_at_cbps_level(brownsville: pd.DataFrame, name: str) -> None:
    """Mean default car wait at the standard lanes within a factor of 1.5 of CBP's readings, on
    days the Texas shape and level never saw (measured: 1.07, 1.25, 1.00 with the roster's
    fractions of a lane spread over the day; 1.12, 1.25, 1.28 with them in the first hours; the
    border-wide shape and San Diego's level gave 1.65, 1.52, 1.61)."""
    scored = brownsville[brownsville["bridge"] == name]
    ratio = scored["predicted"].mean() / scored["delay_minutes"].mean()
    assert 1 / 1.5 <= ratio <= 1.5


def test_brownsville_follows_cbps_day(brownsville: pd.DataFrame) -> None:
    """The three bridges' weekday standard-lane waits by hour, on the days after the split, move
    with CBP's (measured r 0.64, 0.57 with the roster's fractions of a lane in the first hours;
    the border-wide shape gave -0.01, peaking at 18 h)."""
    times = pd.to_datetime(brownsville["time_local"])
    weekdays = brownsville[(times.dt.day_of_week < 5).to_numpy()]
    profile = weekdays.groupby(pd.to_datetime(weekdays["time_local"]).dt.hour)[["predicted", "delay_minutes"]].mean()
    assert np.corrcoef(profile["predicted"], profile["delay_minutes"])[0, 1] >= 0.4
    assert profile["predicted"].loc[2:5].mean() < profile["predicted"].loc[7:17].mean() / 3  # the night clears


def test_night_booths_do_not_beat_day_lanes_at_otay_mesa() -> None:
    """Two more car booths at night (22-06) help less than two more by day (06-22)."""
    spec = default_spec("otay mesa", 2024)
    spec = spec.model_copy(update={"classes": {"pov": spec.classes["pov"]}})
    months = [pd.Period("2024-06", "M")]

    def wait(hours: list[int] | None) -> float:
        changed = (
            spec
            if hours is None
            else apply(
                spec,
                Scenario.model_validate(
                    {"name": "+2", "booths": [{"class": "pov", "lane": "standard", "delta": 2, "hours": hours}]}
                ),
            )
        )
        return float(run_port(changed, months, replications=2, seed=3).runs["pov.wait_mean_min"].mean())

    base, night, day = wait(None), wait([22, 6]), wait([6, 22])
    assert day < night <= base + 1e-9
