"""A port of several crossings run together: each crossing with its own model, and the total.

``run_place`` runs every crossing of a port (or one crossing) over the same months with the
same seed and replications, so replication *r* of the total is the sum of replication *r* of
each crossing and comparisons stay paired. Totals add what adds (vehicles, hours, costs,
booth-hours) and weight waits by the vehicles that waited.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

import pandas as pd

from smartborder.policy.analysis import PortRun, compare, run_port
from smartborder.policy.costs import CostParameters
from smartborder.policy.kpis import Hourly
from smartborder.ports.spec import DAY_TYPES, PortSpec

#: Figures that add up across crossings; waits are weighted by vehicles instead.
ADDITIVE = ("vehicles", "throughput_per_day", "vehicle_hours_delay", "person_hours_delay",
            "secondary_inspections", "illicit_loads", "illicit_caught", "targeted_inspections",
            "targeted_hits", "random_inspections", "random_hits", "value_of_time_usd",
            "fuel_gallons", "fuel_cost_usd", "co2_tonnes", "total_cost_usd", "booth_hours",
            "preopening_vehicles")


@dataclass
class PlaceRun:
    """Every crossing of a port simulated over the same months, and their total."""

    label: str
    runs: dict[str, PortRun]  # crossing id → its run

    @property
    def months(self) -> list[pd.Period]:
        return next(iter(self.runs.values())).months

    @property
    def seed(self) -> int:
        return next(iter(self.runs.values())).seed

    @property
    def replications(self) -> int:
        return len(next(iter(self.runs.values())).runs)

    @property
    def gaps(self) -> list[str]:
        return [g for run in self.runs.values() for g in run.gaps]

    def totals(self) -> pd.DataFrame:
        """One row per replication: class and port figures summed over the crossings."""
        frames = [run.runs for run in self.runs.values()]
        vehicles = sorted({c.split(".")[0] for f in frames for c in f.columns if c.split(".")[0] != "port"})
        out = pd.DataFrame(index=frames[0].index)
        for v in vehicles:
            for key in ADDITIVE:
                cols = [f[f"{v}.{key}"] for f in frames if f"{v}.{key}" in f]
                if cols:
                    out[f"{v}.{key}"] = sum(cols)
            weighted = [(f[f"{v}.wait_mean_min"], f[f"{v}.vehicles"]) for f in frames
                        if f"{v}.wait_mean_min" in f]
            if weighted:
                weight = sum(w for _, w in weighted)
                out[f"{v}.wait_mean_min"] = sum(m.fillna(0) * w for m, w in weighted) / weight.where(weight > 0)
        for key in ("total_cost_usd", "co2_tonnes", "vehicle_hours", "person_hours", "booth_hours"):
            cols = [f[f"port.{key}"] for f in frames if f"port.{key}" in f]
            if cols:
                out[f"port.{key}"] = sum(cols)
        return out

    def hourly(self) -> Hourly:
        """Waits by lane and hour over every crossing (sums, so means weight by vehicles)."""
        total = Hourly.empty()
        for run in self.runs.values():
            total.add(run.hourly)
        return total


def staffing_shape(specs: Sequence[PortSpec]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Staffed lanes by hour, ``{class: {lane: {weekday, weekend, saturday, sunday: [24]}}}``,
    summed over crossings; ``weekend`` is the mean of Saturday and Sunday."""
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for spec in specs:
        for vehicle, cls in spec.classes.items():
            for name, lane in cls.lanes.items():
                days = out.setdefault(vehicle, {}).setdefault(
                    name, {d: [0.0] * 24 for d in (*DAY_TYPES, "weekend")})
                for day in DAY_TYPES:
                    days[day] = [a + b for a, b in zip(days[day], lane.lanes(day), strict=True)]
    for lanes in out.values():
        for days in lanes.values():
            days["weekend"] = [(a + b) / 2 for a, b in zip(days["saturday"], days["sunday"], strict=True)]
    return out


def run_place(specs: Sequence[PortSpec], months: Sequence[pd.Period], replications: int = 5,
              seed: int = 0, costs: CostParameters | None = None, label: str | None = None,
              progress: Callable[[int], None] | None = None, reuse: PlaceRun | None = None,
              keep_last: bool = True, engine_workers: int | None = None,
              workers: int | None = None) -> PlaceRun:
    """Simulate every crossing of *specs* over *months*; *progress* gets replications done.

    Crossings are independent (each draws from its own streams), so up to *workers* of them
    (default: up to 2) run at once, the busiest first. Without ``keep_last`` each runs in a
    worker process (forked, so nothing is loaded twice; only the figures come back, and the
    crossings' Python set-up runs in parallel too); with it — the traces are gigabytes — in
    threads, where the compiled kernels and NumPy's draws release the GIL. The result is the
    same either way, and whatever the number of workers.
    """
    runs: dict[str, PortRun] = {}
    done = 0
    lock = threading.Lock()

    def tick(_: int) -> None:
        nonlocal done
        with lock:
            done += 1
            if progress is not None:
                progress(done)

    def one(spec: PortSpec) -> PortRun:
        previous = reuse.runs.get(spec.crossing) if reuse is not None else None
        return run_port(spec, months, replications, seed, costs, progress=tick, reuse=previous,
                        keep_last=keep_last, engine_workers=engine_workers)

    n_workers = min(len(specs), workers if workers is not None else min(2, os.cpu_count() or 1))
    busiest = sorted(specs, key=_load, reverse=True)
    if n_workers > 1 and not keep_last and "fork" in multiprocessing.get_all_start_methods():
        done_runs = _in_processes(busiest, months, replications, seed, costs, reuse, engine_workers,
                                  n_workers, tick, one)
    elif n_workers > 1:
        with ThreadPoolExecutor(n_workers) as pool:
            futures = {spec.crossing: pool.submit(one, spec) for spec in busiest}
            done_runs = {crossing: future.result() for crossing, future in futures.items()}
    else:
        done_runs = {spec.crossing: one(spec) for spec in specs}
    runs = {spec.crossing: done_runs[spec.crossing] for spec in specs}
    return PlaceRun(label or (specs[0].name if len(specs) == 1 else "port"), runs)


def _crossing_run(spec: PortSpec, months: Sequence[pd.Period], replications: int, seed: int,
                  costs: CostParameters | None, previous: PortRun | None, engine_workers: int | None) -> PortRun:
    """One crossing in a worker process (figures only, no traces)."""
    return run_port(spec, months, replications, seed, costs, reuse=previous, keep_last=False,
                    engine_workers=engine_workers)


def _in_processes(specs: list[PortSpec], months: Sequence[pd.Period], replications: int, seed: int,
                  costs: CostParameters | None, reuse: PlaceRun | None, engine_workers: int | None,
                  n_workers: int, tick: Callable[[int], None],
                  in_process: Callable[[PortSpec], PortRun]) -> dict[str, PortRun]:
    """``run_port`` for each crossing in *n_workers* forked processes, busiest first.

    A crossing whose worker raised is run again here, so the caller gets the very exception
    an in-process run gives (some of the project's exceptions do not survive pickling).
    """
    from smartborder.policy.border import keep_freed_memory

    context = multiprocessing.get_context("fork")
    out: dict[str, PortRun] = {}
    failed: list[PortSpec] = []
    with ProcessPoolExecutor(n_workers, mp_context=context, initializer=keep_freed_memory) as pool:
        futures = {}
        for spec in specs:
            previous = reuse.runs.get(spec.crossing) if reuse is not None else None
            if previous is not None:  # what reuse needs, not the traces of its last replication
                previous = replace(previous, last=None, stations=None)
            futures[pool.submit(_crossing_run, spec, list(months), replications, seed, costs, previous,
                                engine_workers if engine_workers is not None else 1)] = spec
        for future in as_completed(futures):
            spec = futures[future]
            try:
                out[spec.crossing] = future.result()
            except Exception:  # noqa: BLE001 (re-raised by the in-process run below)
                failed.append(spec)
                continue
            for _ in range(replications):
                tick(1)
    for spec in failed:
        out[spec.crossing] = in_process(spec)
    return out


def _load(spec: PortSpec) -> float:
    """Vehicles a crossing serves in a design day (to start the busiest first)."""
    return float(sum(cls.design_volume or 0.0 for cls in spec.classes.values()))


def compare_places(baseline: PlaceRun, scenario: PlaceRun, level: float = 0.95) -> dict[str, pd.DataFrame]:
    """Scenario minus baseline per crossing, and for the total ("total") when several."""
    out = {crossing: compare(run, scenario.runs[crossing], level)
           for crossing, run in baseline.runs.items() if crossing in scenario.runs}
    if len(baseline.runs) > 1:
        out["total"] = compare(_as_run(baseline), _as_run(scenario), level)
    return out


def _as_run(place: PlaceRun) -> PortRun:
    first = next(iter(place.runs.values()))
    return PortRun(first.spec, first.months, first.seed, place.totals())


def mean_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % half-width of each column over replications."""
    from smartborder.twin.replications import confidence_interval

    rows = {c: dict(zip(("mean", "ci95"), confidence_interval(frame[c].to_numpy()), strict=True))
            for c in frame.columns}
    return pd.DataFrame.from_dict(rows, orient="index")


__all__ = ["PlaceRun", "compare_places", "mean_table", "run_place", "staffing_shape"]
