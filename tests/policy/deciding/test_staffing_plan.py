"""The staffing planner's claims, checked by re-simulating its staffing file the ordinary way.

The plan says, for every lane type, day type and hour: this many lanes, and the hour meets the
target (or no staffing within the booths can). Each claim is checked here by running the plan
through ``prepare(..., staffing=FILE)`` and ``run_port`` — what ``simulate --staffing`` runs —
and measuring each hour's wait from the simulated vehicles with pandas, independently of the
planner's own bookkeeping (that measurement is tied to ``simulate``'s published hourly means).
Common random numbers make every comparison exact: the same seed and replications give the same
vehicles whatever the schedule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartborder.errors import SmartborderError
from smartborder.policy.deciding.staffing_plan import (
    CLOSED,
    MET,
    MISSED,
    UNREACHABLE,
    OfficerCost,
    StaffingPlan,
    day_counts,
    plan_staffing,
)
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import run_port
from smartborder.policy.studies.place import run_place
from smartborder.policy.studies.study import prepare
from smartborder.ports.spec import DAY_TYPES, PortSpec
from smartborder.ports.staffing import read_schedule, with_schedule
from smartborder.twin.lean import LeanTrace
from smartborder.twin.metrics import HIST_BIN_MIN, histogram_quantile

PLACE, MONTH, REPS, SEED = "colombia", "2024-06", 2, 3


def measured(spec: PortSpec, vehicle: str, stat: str, replications: int = REPS, seed: int = SEED) -> pd.Series:
    """Each lane type's wait statistic by (lane, day, hour) in an ordinary run of *spec*: vehicles
    that arrived in the month while the class was open, grouped by the lane type they used and
    the day type and hour they arrived in, over every replication."""
    study_months = [pd.Period(MONTH, "M")]
    frames = []
    for r in range(replications):
        run = run_port(spec, study_months, 1, seed, first_replication=r)
        result = run.last
        assert result is not None
        names = result.station_names
        primaries = [f"{vehicle}.primary.{lane}" for lane in spec.classes[vehicle].lanes]  # type: ignore[index]
        open_hours = np.stack([result.servers[p] for p in primaries]).sum(axis=0) > 0
        for flow, trace in result.flows.items():
            if not flow.startswith(f"{vehicle}."):
                continue
            assert isinstance(trace, LeanTrace)  # crossing models run on the lean engine
            hour = (trace.arrival // 60).astype(int)
            keep = (trace.arrival < result.horizon) & open_hours[np.minimum(hour, open_hours.size - 1)]
            keep &= trace.lane >= 0  # who found the line too long and left waited nowhere
            weekday = (result.start_weekday + hour[keep] // 24) % 7
            frames.append(
                pd.DataFrame(
                    {
                        "lane": [names[s].split(".")[-1] for s in trace.lane[keep]],
                        "day": np.select([weekday == 5, weekday == 6], ["saturday", "sunday"], "weekday"),
                        "hour": hour[keep] % 24,
                        "wait": trace.begin[keep] - trace.arrival[keep],
                    }
                )
            )
    waits = pd.concat(frames)
    if stat == "mean":
        return waits.groupby(["lane", "day", "hour"])["wait"].mean()

    def p95(values: pd.Series) -> float:  # simulate's percentile: quarter-minute histogram
        return histogram_quantile(np.bincount((values.to_numpy() / HIST_BIN_MIN).astype(int)), 0.95)

    return waits.groupby(["lane", "day", "hour"])["wait"].apply(p95)


def _schedule(plan: StaffingPlan, lanes_of: str = "lanes") -> pd.DataFrame:
    frame = plan.frame()
    if lanes_of == "ceiling":
        cls = plan.classes[0]
        frame["lanes"] = [
            cls.ceiling[lane][day][hour]
            for lane, day, hour in zip(frame["lane"], frame["day"], frame["hour"], strict=True)
        ]
    return frame


def _statuses(plan: StaffingPlan) -> dict[tuple[str, str, int], str]:
    cls = plan.classes[0]
    return {(lane, day, h): cls.status[lane][day][h] for lane in cls.status for day in DAY_TYPES for h in range(24)}


@pytest.fixture(scope="module", params=[("truck", "mean", 8.0), ("pov", "p95", 2.0)], ids=["truck-mean", "pov-p95"])
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[StaffingPlan, Path, str]:
    vehicle, stat, target = request.param
    plan = plan_staffing(PLACE, MONTH, target, stat, REPS, SEED, classes=[vehicle])
    path = plan.write(tmp_path_factory.mktemp("plan") / f"{vehicle}.csv")
    return plan, path, vehicle


def test_the_written_plan_meets_its_target_where_it_says(planned: tuple[StaffingPlan, Path, str]) -> None:
    plan, path, vehicle = planned
    study = prepare(PLACE, month=MONTH, classes=[vehicle], staffing=path)
    stats = measured(study.specs[0], vehicle, plan.stat)
    status = _statuses(plan)
    cls = plan.classes[0]
    assert cls.converged
    assert MISSED not in status.values()
    checked = 0
    for (lane, day, hour), value in stats.items():
        assert status[(lane, day, hour)] != CLOSED  # nobody is counted in a closed hour
        assert value == pytest.approx(cls.wait[lane][day][hour], rel=1e-9, abs=1e-9)  # the plan's own figure
        if status[(lane, day, hour)] == MET:
            assert value <= plan.target
            checked += 1
    assert checked > 20
    assert UNREACHABLE in status.values()  # the targets are set so that some hours cannot be met


def test_the_measurement_is_simulates_hourly_mean(planned: tuple[StaffingPlan, Path, str]) -> None:
    """The pandas measurement above is what ``simulate`` publishes (weekdays; its weekend pools
    Saturdays and Sundays), so the planner is checked against the figures users read."""
    _, path, vehicle = planned
    study = prepare(PLACE, month=MONTH, classes=[vehicle], staffing=path)
    mine = measured(study.specs[0], vehicle, "mean")
    hourly = run_place(study.specs, study.months, REPS, SEED).hourly().mean()[vehicle]
    for lane, days in hourly.items():
        for hour, value in enumerate(days["weekday"]):
            if value is None:
                assert (lane, "weekday", hour) not in mine.index
            else:
                assert mine[(lane, "weekday", hour)] == pytest.approx(value, rel=1e-9)


def test_removing_any_lane_hour_breaks_a_target(planned: tuple[StaffingPlan, Path, str]) -> None:
    """Every lane-hour above the floor is needed: without it some hour that met the target no
    longer does (that hour; an earlier one, whose queue it still serves; or a later one, which
    inherits the longer queue)."""
    plan, path, vehicle = planned
    base = prepare(PLACE, month=MONTH, classes=[vehicle]).specs[0]
    schedule = read_schedule(path)
    status = _statuses(plan)
    cls = plan.classes[0]
    cells = [
        (lane, day, hour)
        for lane in cls.lanes
        for day in DAY_TYPES
        for hour in range(24)
        if cls.lanes[lane][day][hour] > cls.floor[lane][day][hour]
    ]
    assert len(cells) >= 10
    for lane, day, hour in cells:
        fewer = schedule.copy()
        row = (fewer["lane"] == lane) & (fewer["day"] == day) & (fewer["hour"] == hour)
        assert row.sum() == 1
        fewer.loc[row, "lanes"] -= 1
        stats = measured(with_schedule(base, fewer, "fewer"), vehicle, plan.stat)
        broken = [key for key, value in stats.items() if status[key] == MET and value > plan.target]
        assert broken, f"{lane} {day} {hour}h: one lane fewer still meets every target"


def test_unreachable_hours_stay_over_target_with_every_booth(planned: tuple[StaffingPlan, Path, str]) -> None:
    plan, _, vehicle = planned
    base = prepare(PLACE, month=MONTH, classes=[vehicle]).specs[0]
    stats = measured(with_schedule(base, _schedule(plan, "ceiling"), "all booths"), vehicle, plan.stat)
    unreachable = [key for key, flag in _statuses(plan).items() if flag == UNREACHABLE]
    assert unreachable
    for key in unreachable:
        assert stats[key] > plan.target
        lane, day, hour = key
        assert plan.classes[0].lanes[lane][day][hour] == plan.classes[0].ceiling[lane][day][hour]  # all opened


def test_lanes_stay_within_booths_and_the_floor(planned: tuple[StaffingPlan, Path, str]) -> None:
    plan, _, _ = planned
    cls = plan.classes[0]
    spec = prepare(PLACE, month=MONTH).specs[0]
    for lane, days in cls.lanes.items():
        booths = spec.classes[cls.vehicle].lanes[lane].booths  # type: ignore[index]
        for day in DAY_TYPES:
            for hour, count in enumerate(days[day]):
                assert cls.floor[lane][day][hour] <= count <= cls.ceiling[lane][day][hour] <= max(booths, 1)
                open_today = any(cls.today[other][day][hour] > 0 for other in cls.today)
                assert (cls.ceiling[lane][day][hour] > 0) <= open_today  # never opens a closed hour


def test_officer_hours_and_cost_are_the_lane_hours_simulate_counts(planned: tuple[StaffingPlan, Path, str]) -> None:
    plan, path, vehicle = planned
    study = prepare(PLACE, month=MONTH, classes=[vehicle], staffing=path)
    run = run_place(study.specs, study.months, 1, SEED)
    booth_hours = float(run.totals()[f"{vehicle}.booth_hours"].iloc[0])
    totals = plan.totals()
    assert totals["lane_hours_plan"] == pytest.approx(booth_hours)
    today = run_place(prepare(PLACE, month=MONTH, classes=[vehicle]).specs, study.months, 1, SEED)
    assert totals["lane_hours_today"] == pytest.approx(float(today.totals()[f"{vehicle}.booth_hours"].iloc[0]))
    cost = plan.cost
    assert totals["officer_hours_plan"] == pytest.approx(booth_hours * cost.officers_per_lane)
    assert totals["cost_change_usd"] == pytest.approx(
        (totals["lane_hours_plan"] - totals["lane_hours_today"]) * cost.officers_per_lane * cost.usd_per_officer_hour
    )
    assert sum(day_counts(plan.month).values()) == plan.month.days_in_month


def test_the_plan_is_the_same_in_processes_or_here() -> None:
    here = plan_staffing(PLACE, MONTH, 8.0, "mean", 1, SEED, classes=["truck", "pedestrian"], workers=1)
    apart = plan_staffing(PLACE, MONTH, 8.0, "mean", 1, SEED, classes=["truck", "pedestrian"], workers=2)
    pd.testing.assert_frame_equal(here.frame(), apart.frame())
    assert [c.wait for c in here.classes] == [c.wait for c in apart.classes]


def test_officer_cost_has_a_source_and_can_be_overridden() -> None:
    shipped = OfficerCost.default()
    assert shipped.usd_per_officer_hour > 0 and "cbp.gov" in shipped.source and "A-76" in shipped.source
    assert OfficerCost.default(100.0).usd_per_officer_hour == 100.0
    with pytest.raises(AnalysisError, match="officer-cost"):
        OfficerCost.default(-5.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"target": 0.0}, "target-wait"),
        ({"target": float("nan")}, "target-wait"),
        ({"stat": "median"}, "stat"),
        ({"replications": 0}, "replications"),
        ({"month": "2024-13"}, "month"),
        ({"month": ""}, "month"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"place": PLACE, "month": MONTH, "target": 10.0, **kwargs}
    with pytest.raises(SmartborderError, match=f"^{field}:"):
        plan_staffing(**args)  # type: ignore[arg-type]
