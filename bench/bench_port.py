"""Benchmark: a port-year of all traffic classes at Laredo, its four crossings, real volumes.

Why it exists: analysts run whole ports, many scenarios and replications; the issue's goal is a
port-year of all classes, one replication, in at most 0.8 s after compilation (stretch: 0.5 s)
on the 2-core development machine. Laredo is the busiest US–Mexico port: its four crossings
(World Trade Bridge, Colombia Solidarity, Gateway to the Americas, Juárez-Lincoln) carried
about 11 million northbound trucks, cars, pedestrians and buses in 2024 in the shipped data.

What is timed is what ``smartborder simulate laredo --year 2024 -r 1`` runs after it has built
the models: ``policy.place.run_place(study.specs, study.months, 1, keep_last=False)`` with
``study = policy.study.prepare("laredo", 2024)`` (models, demand, staffing, arrivals, risk
targeting, the lean engine, KPIs; crossings in two threads). Best and median of ``--repeats``
runs after one warm-up run (numba kernels compiled or loaded from cache, data files read).

The split then runs the same phases one crossing after another in one thread, each timed on
its own (median of ``--repeats``), to show where the CPU time goes; with two threads the wall
time is less than their sum.

Run from the repository root::

    .venv/bin/python bench/bench_port.py [--port laredo] [--year 2024] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

GOAL_S = 0.8
STRETCH_S = 0.5


def _times(fn: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


def _arrivals(demand: dict[str, Any], streams: dict[str, Any], poisson: Callable[..., Any]) -> dict[str, Any]:
    return {name: poisson(expected, streams[name]) for name, expected in demand.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", default="laredo")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from smartborder.policy.studies.analysis import occupancy
    from smartborder.policy.studies.costs import CostParameters
    from smartborder.policy.studies.kpis import Hourly, kpis
    from smartborder.policy.studies.place import run_place
    from smartborder.policy.studies.study import prepare
    from smartborder.policy.studies.targeting_twin import select
    from smartborder.ports.demand import demand_for
    from smartborder.ports.staffing import month_schedules
    from smartborder.twin import flow_streams
    from smartborder.twin.arrivals import poisson_arrivals
    from smartborder.twin.lean import simulate_lean

    study = prepare(args.port, args.year)
    specs, months = study.specs, study.months
    start = time.perf_counter()
    run_place(specs, months, 1, keep_last=False)  # compile / load kernels, read data files
    warm = time.perf_counter() - start

    times, run = _times(lambda: run_place(specs, months, 1, keep_last=False), args.repeats)
    totals = run.totals()
    vehicles = sum(float(totals[c].iloc[0]) for c in totals if c.count(".") == 1 and c.endswith(".vehicles"))
    seq, _ = _times(
        lambda: run_place(specs, months, 1, keep_last=False, workers=1, engine_workers=1), max(1, args.repeats // 2)
    )
    best, median = min(times), statistics.median(times)

    print(
        f"{study.label}, {args.year}: {len(specs)} crossings ({', '.join(s.crossing for s in specs)}), "
        f"all classes, real volumes, one replication"
    )
    print(f"warm-up run (compile or load kernels, read data): {warm:.2f} s")
    print(f"{'run':<34}{'vehicles':>12}{'best s':>9}{'median s':>10}{'vehicles/s':>14}")
    print(
        f"{'port-year, crossings in 2 threads':<34}{vehicles:>12,.0f}{best:>9.3f}{median:>10.3f}"
        f"{vehicles / best:>14,.0f}"
    )
    print(
        f"{'port-year, 1 thread':<34}{vehicles:>12,.0f}{min(seq):>9.3f}{statistics.median(seq):>10.3f}"
        f"{vehicles / min(seq):>14,.0f}"
    )

    # Where the CPU time goes: the phases of run_port, crossing after crossing, one thread.
    setup = "set-up: model, demand, staffing, occupancy (Python)"
    costs = CostParameters.model_validate({})
    phases: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        spent: dict[str, float] = {}

        def timed(
            name: str, fn: Callable[..., Any], *fn_args: Any, spent: dict[str, float] = spent, **kwargs: Any
        ) -> Any:
            t0 = time.perf_counter()
            value = fn(*fn_args, **kwargs)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
            return value

        for spec in specs:
            model = timed(setup, spec.to_model)
            demand, first_weekday = timed(setup, demand_for, spec, months, [])
            schedules = timed(setup, month_schedules, spec, list(months))
            persons = timed(setup, occupancy, spec, months)
            horizon = next(iter(demand.values())).size * 60.0
            streams = flow_streams(0, 0, [f.name for f in model.flows])
            arrivals = timed("arrivals (compiled Poisson by hour)", _arrivals, demand, streams, poisson_arrivals)
            routing, outcomes = timed(
                "risk targeting (population draw, scores, channels)", select, spec, model, arrivals, 0, 0, 1
            )
            result = timed(
                "engine (service draws, lane choice, FCFS)",
                simulate_lean,
                model,
                arrivals,
                rng=streams,
                horizon=horizon,
                start_weekday=first_weekday,
                workers=1,
                routing=routing,
                schedules=schedules,
            )
            timed(
                "KPIs (compiled pass, histograms, costs)", kpis, spec, result, persons, costs, outcomes, Hourly.empty()
            )
        for name, seconds in spent.items():
            phases.setdefault(name, []).append(seconds)
    print("\nport-year split, one thread, crossing after crossing (median of runs):")
    for name, values in phases.items():
        print(f"  {name:<54}{statistics.median(values):7.3f} s")
    total = sum(statistics.median(v) for v in phases.values())
    print(f"  {'sum':<54}{total:7.3f} s   (2 threads: median {median:.3f} s wall)")

    verdict = "MET" if best <= GOAL_S else "NOT MET"
    stretch = "MET" if best <= STRETCH_S else "NOT MET"
    print(
        f"\nGoal: port-year of all classes <= {GOAL_S} s after compilation: {verdict} (best {best:.3f} s, "
        f"median {median:.3f} s); stretch <= {STRETCH_S} s: {stretch}"
    )


if __name__ == "__main__":
    main()
