"""Run a port (baseline or scenario) over months with replications, and compare runs.

Random numbers are common across scenarios: replication *r* of every scenario draws each
flow's arrivals, routing and service times from the stream keyed by (seed, r, flow name), so a
difference between scenarios comes from the levers, not from luck, and a scenario that changes
nothing reproduces the baseline exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.costs import CostParameters
from smartborder.policy.studies.kpis import Hourly, add_port_totals, kpis, monthly
from smartborder.policy.studies.targeting_twin import select
from smartborder.ports.demand import demand_for, year_months
from smartborder.ports.spec import PRE_INSPECTED, PortSpec
from smartborder.ports.staffing import month_schedules, staffing_shape
from smartborder.twin import (
    LeanResult,
    SimulationResult,
    confidence_interval,
    flow_streams,
    run,
    station_summary,
)
from smartborder.twin.arrivals import poisson_arrivals

OCCUPANCY_MEASURES = {"pov": "Personal Vehicles", "bus": "Buses"}


def occupancy(spec: PortSpec, months: Sequence[pd.Period]) -> dict[str, float]:
    """Persons per vehicle by class over *months*: BTS passengers ÷ vehicles; trucks per TTI."""
    window = data.MonthRange(min(months), max(months))
    out = {"truck": CostParameters().truck_persons, "pedestrian": 1.0}
    for vehicle, measure in OCCUPANCY_MEASURES.items():
        if vehicle in spec.classes:
            try:
                out[vehicle] = data.occupancy(spec.data_port, measure, window)
            except data.DataError:
                try:  # BTS stops before the bridge counts do: the latest 12 months it has
                    end = data.resolve_port(spec.data_port).last_month
                    out[vehicle] = data.occupancy(spec.data_port, measure, data.MonthRange(end - 11, end))
                except data.DataError:
                    out[vehicle] = 1.5 if vehicle == "pov" else 20.0
    return out


def mean_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % half-width of each column over replications."""
    rows = {
        c: dict(zip(("mean", "ci95"), confidence_interval(frame[c].to_numpy()), strict=True)) for c in frame.columns
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass
class PortRun:
    """A port simulated over some months with replications."""

    spec: PortSpec
    months: list[pd.Period]
    seed: int
    runs: pd.DataFrame  # one row per replication
    last: SimulationResult | LeanResult | None = field(default=None, repr=False)
    stations: pd.DataFrame | None = None
    gaps: list[str] = field(default_factory=list)
    hourly: Hourly = field(default_factory=Hourly.empty)  # waits by lane and hour, all replications
    by_month: pd.DataFrame | None = None  # replication, month, class: vehicles, waited, wait_sum_min, queue_min

    def table(self) -> pd.DataFrame:
        """Mean and 95 % half-width of each figure over the replications."""
        return mean_table(self.runs)

    def staffing(self) -> dict[str, dict[str, dict[str, list[float]]]]:
        """The crossing's staffed lanes by hour (``ports.staffing.staffing_shape``)."""
        return staffing_shape([self.spec])


def run_port(
    spec: PortSpec,
    months: Sequence[pd.Period],
    replications: int = 5,
    seed: int = 0,
    costs: CostParameters | None = None,
    progress: Callable[[int], None] | None = None,
    keep_last: bool = True,
    reuse: PortRun | None = None,
    first_replication: int = 0,
    engine_workers: int | None = None,
    by_month: bool = False,
) -> PortRun:
    """Simulate *spec* over consecutive *months*, *replications* times with common random numbers.

    With *reuse* (a run of the same months, seed and replications), classes whose model is
    unchanged are not simulated again: with common random numbers their results would be
    identical, so they are copied, and only what the scenario touches costs time.

    Replication *r* always draws from the streams of index ``first_replication + r``, so a sweep
    can run replications one at a time, anywhere, and get the same numbers.

    With *by_month*, each replication's figures are also kept month by month (``PortRun.by_month``).
    """
    if replications < 1:
        raise AnalysisError(f"replications: must be >= 1, got {replications}")
    costs = costs or CostParameters()
    full_spec = spec
    reused: list[str] = []
    if (
        reuse is not None
        and reuse.seed == seed
        and len(reuse.runs) == replications
        and reuse.months == list(months)
        and reuse.spec.targeting == spec.targeting
        and reuse.spec.pre_inspection == spec.pre_inspection
    ):
        reused = [v for v, c in spec.classes.items() if reuse.spec.classes.get(v) == c]
        if len(reused) == len(spec.classes):
            reused = reused[1:]  # simulate one class so that figures and stations exist
        spec = spec.model_copy(update={"classes": {v: c for v, c in spec.classes.items() if v not in reused}})
    model = spec.to_model()
    gaps: list[str] = []
    demand, first_weekday = demand_for(spec, months, gaps)
    horizon = next(iter(demand.values())).size * 60.0
    schedules = month_schedules(spec, list(months))
    persons = occupancy(spec, months)
    rows, last, stations = [], None, None
    month_rows: list[dict[str, object]] = []
    hourly = Hourly.empty()
    for r in range(replications):
        streams = flow_streams(seed, first_replication + r, [f.name for f in model.flows])
        arrivals = {name: poisson_arrivals(expected, streams[name]) for name, expected in demand.items()}
        routing, outcomes = select(spec, model, arrivals, seed, first_replication + r, engine_workers)
        result = run(
            model,
            arrivals,
            rng=streams,
            horizon=horizon,
            start_weekday=first_weekday,
            workers=engine_workers,
            routing=routing,
            schedules=schedules,
        )
        rows.append(kpis(spec, result, persons, costs, outcomes, hourly))
        if by_month:
            month_rows += [{"replication": r, **row} for row in monthly(spec, result, list(months))]
        if r == replications - 1 and keep_last:
            last, stations = result, station_summary(result)
        if progress is not None:
            progress(r + 1)
    runs = pd.DataFrame(rows)
    if reused and reuse is not None:
        copied = [c for c in reuse.runs.columns if c.split(".")[0] in reused]
        runs = pd.concat([runs, reuse.runs[copied].reset_index(drop=True)], axis=1)
        order = [c for c in reuse.runs.columns if c in runs.columns] + [
            c for c in runs.columns if c not in reuse.runs.columns
        ]
        runs = runs[order]
    runs = add_port_totals(runs, list(full_spec.classes))
    if reused and reuse is not None:
        for key in [k for k in reuse.hourly.wait if k[0] in reused]:
            hourly.wait[key], hourly.count[key] = reuse.hourly.wait[key], reuse.hourly.count[key]
    months_frame = None
    if by_month:
        months_frame = pd.DataFrame(month_rows)
        if reused and reuse is not None and reuse.by_month is not None:
            months_frame = pd.concat(
                [months_frame, reuse.by_month[reuse.by_month["class"].isin(reused)]], ignore_index=True
            )
    return PortRun(full_spec, list(months), seed, runs, last, stations, gaps, hourly, months_frame)


#: The practical-significance rule: a change is *material* when it is statistically significant
#: and at least this large. Waits (any KPI in minutes): one minute — below what CBP publishes
#: (whole minutes, rounded) and what a driver notices. Everything else (vehicles, hours, dollars,
#: inspections): one percent of the baseline. Reasoning, not a cited standard; overridable.
MIN_EFFECT_MINUTES = 1.0
MIN_EFFECT_RELATIVE = 0.01


def material(
    column: str,
    difference: float,
    baseline: float,
    min_minutes: float = MIN_EFFECT_MINUTES,
    min_relative: float = MIN_EFFECT_RELATIVE,
) -> bool:
    """Is a change of *difference* in KPI *column* large enough to matter (see MIN_EFFECT_*)?"""
    if not np.isfinite(difference):
        return False
    if column.endswith("_min"):
        return abs(difference) >= min_minutes
    if not np.isfinite(baseline) or baseline == 0:
        return difference != 0
    return abs(difference) >= min_relative * abs(baseline)


def compare(baseline: PortRun, scenario: PortRun, level: float = 0.95) -> pd.DataFrame:
    """Scenario minus baseline per KPI, paired by replication (common random numbers): the mean
    difference, its interval, ``significant`` (the interval excludes zero) and ``material``
    (significant and at least the practical minimum effect, ``material``)."""
    if len(baseline.runs) != len(scenario.runs):
        raise AnalysisError("compare: runs need the same number of replications")
    rows = {}
    for column in baseline.runs.columns.union(scenario.runs.columns):
        base = baseline.runs.get(column, pd.Series(np.nan, index=baseline.runs.index)).to_numpy(float)
        other = scenario.runs.get(column, pd.Series(np.nan, index=scenario.runs.index)).to_numpy(float)
        diff = other - base
        mean, half = confidence_interval(diff, level)
        b_mean = float(np.nanmean(base)) if np.isfinite(base).any() else np.nan
        s_mean = float(np.nanmean(other)) if np.isfinite(other).any() else np.nan
        significant = bool(np.isfinite(half) and abs(mean) > half) if np.isfinite(mean) else False
        if np.isfinite(mean) and np.nanmax(np.abs(diff)) == 0:
            significant, half = False, 0.0
        rows[column] = {
            "baseline": b_mean,
            "scenario": s_mean,
            "difference": mean,
            "ci95": half,
            "significant": significant,
            "material": significant and material(str(column), float(mean), b_mean),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


__all__ = ["PRE_INSPECTED", "PortRun", "compare", "demand_for", "run_port", "year_months"]
