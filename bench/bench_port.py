"""Benchmark: one port-month and one port-year of all traffic classes at Laredo, real volumes.

Why it exists: analysts run whole ports, many scenarios and replications; the issue's goal is a
port-year of all classes in under 0.5 s after compilation. Laredo is the busiest US–Mexico port
(about 3 million northbound trucks, 5 million cars and 3 million pedestrians a year in the
shipped BTS data). Each figure is the best and the median of ``--repeats`` runs of one
replication, after a warm-up run that compiles (or loads) the numba kernels.

Run from the repository root::

    .venv/bin/python bench/bench_port.py
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from smartborder.policy.analysis import demand_for, flow_streams, kpis, occupancy, run_port, year_months
from smartborder.policy.costs import CostParameters
from smartborder.ports import default_spec
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.engine import simulate


def _time(fn, repeats: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", default="laredo")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    spec = default_spec(args.port, args.year)
    months = year_months(spec, args.year)
    run_port(spec, months[:1], 1, keep_last=False)  # compile / load kernels

    print(f"{spec.name}, all classes ({', '.join(spec.classes)}), real BTS volumes, one replication")
    print(f"{'period':<12}{'vehicles':>12}{'best s':>9}{'median s':>10}{'vehicles/s':>14}")
    for label, period in (("port-month", months[5:6]), ("port-year", months)):
        best, median, run = _time(lambda p=period: run_port(spec, p, 1, keep_last=False), args.repeats)
        vehicles = sum(run.runs[c].iloc[0] for c in run.runs if c.endswith(".vehicles"))  # type: ignore[union-attr]
        print(f"{label:<12}{vehicles:>12,.0f}{best:>9.3f}{median:>10.3f}{vehicles / best:>14,.0f}")

    # Where a port-year's time goes (one replication, median of repeats).
    model = spec.to_model()
    demand, first_weekday = demand_for(spec, months)
    horizon = next(iter(demand.values())).size * 60.0
    names = [f.name for f in model.flows]

    def arrivals() -> dict[str, np.ndarray]:
        streams = flow_streams(0, 0, names)
        return {n: poisson_arrivals(demand[n], streams[n]) for n in names}

    _, t_arr, arr = _time(arrivals, args.repeats)
    _, t_sim, result = _time(lambda: simulate(model, arr, rng=flow_streams(0, 0, names), horizon=horizon,
                                             start_weekday=first_weekday), args.repeats)
    persons = occupancy(spec, months)
    _, t_kpi, _ = _time(lambda: kpis(spec, result, persons, CostParameters()), args.repeats)  # type: ignore[arg-type]
    n = sum(a.size for a in arr.values())  # type: ignore[union-attr]
    _, t_pass, _ = _time(lambda: [float(a.sum()) for a in arr.values()], args.repeats)  # type: ignore[union-attr]
    print("\nport-year split (median):")
    print(f"  arrivals (compiled NHPP)      {t_arr:7.3f} s")
    print(f"  engine (routing, services, FCFS stations, 2 threads) {t_sim:7.3f} s")
    print(f"  KPIs                          {t_kpi:7.3f} s")
    print(f"  a plain numpy pass over the {n:,} arrival times: {t_pass:.4f} s")
    goal = 0.5
    print(f"\nGoal: port-year of all classes < {goal} s after compilation: "
          f"{'MET' if best < goal else 'NOT MET'} (best {best:.3f} s)")


if __name__ == "__main__":
    main()
