"""Run a port (baseline or scenario) over months with replications, and compare runs.

Random numbers are common across scenarios: replication *r* of every scenario draws each
flow's arrivals, routing and service times from the stream keyed by (seed, r, flow name), so a
difference between scenarios comes from the levers, not from luck, and a scenario that changes
nothing reproduces the baseline exactly.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.costs import CostParameters, class_cost
from smartborder.policy.targeting_twin import FlowOutcome, select
from smartborder.ports.calibrate import monthly_demand
from smartborder.ports.spec import PRE_INSPECTED, PortSpec
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.engine import SimulationResult, simulate
from smartborder.twin.errors import ModelError
from smartborder.twin.metrics import station_summary
from smartborder.twin.replications import confidence_interval

OCCUPANCY_MEASURES = {"pov": "Personal Vehicles", "bus": "Buses"}


def flow_streams(seed: int, replication: int, flows: Sequence[str]) -> dict[str, np.random.Generator]:
    """One generator per flow, keyed by name so streams survive changes to other flows."""
    return {f: np.random.default_rng([seed, replication, zlib.crc32(f.encode())]) for f in flows}


def year_months(spec: PortSpec, year: int) -> list[pd.Period]:
    """The months of *year* for which the port has data."""
    port = data.resolve_port(spec.data_port)
    months = [pd.Period(f"{year}-{m:02d}", "M") for m in range(1, 13)]
    months = [m for m in months if port.first_month <= m <= port.last_month]
    if not months:
        raise ModelError(f"year: {port.label} has data from {port.first_month} to {port.last_month}, not {year}")
    return months


def demand_for(spec: PortSpec, months: Sequence[pd.Period],
               gaps: list[str] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Hourly expected arrivals per flow over consecutive months, and the first weekday.

    Over several months a month BTS did not report carries no traffic of that class and is
    listed in *gaps*; a single month without data is an error.
    """
    months = sorted(months)
    if any((b - a).n != 1 for a, b in zip(months, months[1:], strict=False)):
        raise ModelError("months: must be consecutive")
    strict = len(months) == 1
    parts = [monthly_demand(spec, m, strict=strict, gaps=gaps) for m in months]
    first_weekday = parts[0][1]
    flows = parts[0][0].keys()
    return {f: np.concatenate([p[0][f] for p in parts]) for f in flows}, first_weekday


def occupancy(spec: PortSpec, months: Sequence[pd.Period]) -> dict[str, float]:
    """Persons per vehicle by class over *months*: BTS passengers ÷ vehicles; trucks per TTI."""
    window = data.MonthRange(min(months), max(months))
    out = {"truck": CostParameters().truck_persons, "pedestrian": 1.0}
    for vehicle, measure in OCCUPANCY_MEASURES.items():
        if vehicle in spec.classes:
            try:
                out[vehicle] = data.occupancy(spec.data_port, measure, window)
            except data.DataError:
                out[vehicle] = 1.5 if vehicle == "pov" else 20.0
    return out


def kpis(spec: PortSpec, result: SimulationResult, persons: dict[str, float],
         costs: CostParameters, outcomes: dict[str, FlowOutcome] | None = None) -> dict[str, float]:
    """Headline figures of one replication (the numbers scenarios are compared on).

    Interdiction comes from risk targeting's per-vehicle *outcomes*: illicit loads among the
    arrivals, those found (sent red and detected), and inspections and finds split between
    targeted and random selection (the figures customs services publish).
    """
    out: dict[str, float] = {}
    outcomes = outcomes or {}
    days = result.horizon / 1440.0
    for vehicle, cls in spec.classes.items():
        waits, queue_minutes, referred, count = [], 0.0, 0, 0
        illicit_present, illicit_caught, secondary_minutes = 0.0, 0.0, 0.0
        split = {"targeted_inspections": 0.0, "targeted_hits": 0.0, "random_inspections": 0.0, "random_hits": 0.0}
        for lane in cls.flow_shares():
            trace = result.flows[f"{vehicle}.{lane}"]
            # Vehicles that arrived within the period (all but the initial queue, usually).
            inside = slice(trace.n_initial, int(np.searchsorted(trace.arrival, result.horizon)))
            wait = trace.start[inside, 0] - trace.arrival[inside]
            waits.append(wait)
            queue_minutes += float(wait.sum())
            referred_here = 0
            for k in range(1, trace.station.shape[1]):
                visited = np.flatnonzero(trace.station[inside, k] >= 0)
                column = slice(inside.start + 0, inside.stop)
                secondary = float((trace.start[column, k][visited] - trace.reach[column, k][visited]).sum())
                queue_minutes += secondary
                secondary_minutes += secondary
                referred_here += visited.size
            referred += referred_here
            count += wait.size
            outcome = outcomes.get(f"{vehicle}.{lane}")
            if outcome is not None:
                window = slice(0, inside.stop - trace.n_initial)
                red, rand, caught = outcome.red[window], outcome.random[window], outcome.caught[window]
                illicit_present += float(np.count_nonzero(outcome.illicit[window]))
                illicit_caught += float(np.count_nonzero(caught))
                split["targeted_inspections"] += float(np.count_nonzero(red & ~rand))
                split["targeted_hits"] += float(np.count_nonzero(caught & ~rand))
                split["random_inspections"] += float(np.count_nonzero(rand))
                split["random_hits"] += float(np.count_nonzero(caught & rand))
            if wait.size:
                out[f"{vehicle}.{lane}.wait_mean_min"] = float(wait.mean())
                out[f"{vehicle}.{lane}.wait_p95_min"] = float(np.quantile(wait, 0.95))
        all_waits = np.concatenate(waits) if waits else np.empty(0)
        vehicle_hours = queue_minutes / 60.0
        person_hours = vehicle_hours * persons.get(vehicle, 1.0)
        out[f"{vehicle}.vehicles"] = float(count)
        out[f"{vehicle}.throughput_per_day"] = count / days if days else np.nan
        if all_waits.size:
            out[f"{vehicle}.wait_mean_min"] = float(all_waits.mean())
            out[f"{vehicle}.wait_p95_min"] = float(np.quantile(all_waits, 0.95))
        out[f"{vehicle}.vehicle_hours_delay"] = vehicle_hours
        out[f"{vehicle}.person_hours_delay"] = person_hours
        out[f"{vehicle}.secondary_inspections"] = float(referred)
        out[f"{vehicle}.secondary_wait_mean_min"] = secondary_minutes / referred if referred else 0.0
        out[f"{vehicle}.illicit_loads"] = float(illicit_present)
        out[f"{vehicle}.illicit_caught"] = float(illicit_caught)
        for key, value in split.items():
            out[f"{vehicle}.{key}"] = value
        for key, value in class_cost(vehicle, vehicle_hours, person_hours, costs).items():
            out[f"{vehicle}.{key}"] = value
    return out


def add_port_totals(runs: pd.DataFrame, vehicles: Sequence[str]) -> pd.DataFrame:
    """Port-wide sums of cost, CO₂ and hours over the classes present."""
    runs = runs.copy()
    for key, column in (("total_cost_usd", "total_cost_usd"), ("co2_tonnes", "co2_tonnes"),
                        ("vehicle_hours", "vehicle_hours_delay"), ("person_hours", "person_hours_delay")):
        runs[f"port.{key}"] = sum(runs[f"{v}.{column}"] for v in vehicles)
    return runs


@dataclass
class PortRun:
    """A port simulated over some months with replications."""

    spec: PortSpec
    months: list[pd.Period]
    seed: int
    runs: pd.DataFrame  # one row per replication
    last: SimulationResult | None = field(default=None, repr=False)
    stations: pd.DataFrame | None = None
    gaps: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        rows = {}
        for column in self.runs.columns:
            mean, half = confidence_interval(self.runs[column].to_numpy())
            rows[column] = {"mean": mean, "ci95": half}
        return pd.DataFrame.from_dict(rows, orient="index")


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
) -> PortRun:
    """Simulate *spec* over consecutive *months*, *replications* times with common random numbers.

    With *reuse* (a run of the same months, seed and replications), classes whose model is
    unchanged are not simulated again: with common random numbers their results would be
    identical, so they are copied, and only what the scenario touches costs time.

    Replication *r* always draws from the streams of index ``first_replication + r``, so a sweep
    can run replications one at a time, anywhere, and get the same numbers.
    """
    if replications < 1:
        raise ModelError(f"replications: must be >= 1, got {replications}")
    costs = costs or CostParameters()
    full_spec = spec
    reused: list[str] = []
    if (reuse is not None and reuse.seed == seed and len(reuse.runs) == replications
            and reuse.months == list(months) and reuse.spec.targeting == spec.targeting
            and reuse.spec.pre_inspection == spec.pre_inspection):
        reused = [v for v, c in spec.classes.items() if reuse.spec.classes.get(v) == c]
        if len(reused) == len(spec.classes):
            reused = reused[1:]  # simulate one class so that figures and stations exist
        spec = spec.model_copy(update={"classes": {v: c for v, c in spec.classes.items() if v not in reused}})
    model = spec.to_model()
    gaps: list[str] = []
    demand, first_weekday = demand_for(spec, months, gaps)
    horizon = next(iter(demand.values())).size * 60.0
    persons = occupancy(spec, months)
    rows, last, stations = [], None, None
    for r in range(replications):
        streams = flow_streams(seed, first_replication + r, [f.name for f in model.flows])
        arrivals = {name: poisson_arrivals(hourly, streams[name]) for name, hourly in demand.items()}
        routing, outcomes = select(spec, model, arrivals, seed, first_replication + r, engine_workers)
        result = simulate(model, arrivals, rng=streams, horizon=horizon, start_weekday=first_weekday,
                          workers=engine_workers, routing=routing)
        rows.append(kpis(spec, result, persons, costs, outcomes))
        if r == replications - 1 and keep_last:
            last, stations = result, station_summary(result)
        if progress is not None:
            progress(r + 1)
    runs = pd.DataFrame(rows)
    if reused and reuse is not None:
        copied = [c for c in reuse.runs.columns if c.split(".")[0] in reused]
        runs = pd.concat([runs, reuse.runs[copied].reset_index(drop=True)], axis=1)
        order = [c for c in reuse.runs.columns if c in runs.columns] + [c for c in runs.columns if c not in reuse.runs.columns]
        runs = runs[order]
    runs = add_port_totals(runs, list(full_spec.classes))
    return PortRun(full_spec, list(months), seed, runs, last, stations, gaps)


def compare(baseline: PortRun, scenario: PortRun, level: float = 0.95) -> pd.DataFrame:
    """Scenario minus baseline per KPI, paired by replication (common random numbers)."""
    if len(baseline.runs) != len(scenario.runs):
        raise ModelError("compare: runs need the same number of replications")
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
        rows[column] = {"baseline": b_mean, "scenario": s_mean, "difference": mean, "ci95": half,
                        "significant": significant}
    return pd.DataFrame.from_dict(rows, orient="index")


__all__ = ["PRE_INSPECTED", "PortRun", "compare", "run_port", "year_months"]
