"""Benchmark: what a truck's whole crossing (ports/chain.py) costs beside today's truck flow.

Why it exists: issue 25 asks that the chain (Mexico's customs and exam, the bridge, CBP, the
state's scale and inspection) cost no more than 30 % over today's truck flow (CBP primary and
secondary, the lean engine). This runs World Trade Bridge's trucks for a year (Laredo, the
busiest truck crossing: about 2.3 million in the shipped data for 2024) both ways on the same
arrivals, risk targeting and staffing, and prints the engine's and the KPIs' seconds and their
ratio: best of ``--repeats`` after one warm-up each.

Run from the repository root::

    .venv/bin/python bench/bench_chain.py [--crossing "world trade bridge"] [--year 2024] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crossing", default="world trade bridge")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from smartborder.policy.studies.analysis import occupancy
    from smartborder.policy.studies.costs import CostParameters
    from smartborder.policy.studies.kpis import Hourly, kpis
    from smartborder.policy.studies.scenario import Scenario, apply
    from smartborder.policy.studies.study import prepare
    from smartborder.policy.studies.targeting_twin import select
    from smartborder.ports.demand import demand_for
    from smartborder.ports.staffing import month_schedules
    from smartborder.twin import flow_streams, run
    from smartborder.twin.arrivals import poisson_arrivals

    study = prepare(args.crossing, args.year)
    spec = study.specs[0]
    today = spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}})
    whole = apply(today, Scenario.model_validate({"name": "whole", "classes": {"truck": {"chain": {"add": True}}}}))
    costs = CostParameters.model_validate({})

    def once(model_spec: Any) -> tuple[float, float, int]:
        model = model_spec.to_model()
        demand, first_weekday = demand_for(model_spec, study.months, [])
        schedules = month_schedules(model_spec, list(study.months))
        horizon = next(iter(demand.values())).size * 60.0
        streams = flow_streams(0, 0, [f.name for f in model.flows])
        arrivals = {n: poisson_arrivals(e, streams[n]) for n, e in demand.items()}
        routing, outcomes = select(model_spec, model, arrivals, 0, 0, 1)
        start = time.perf_counter()
        result = run(
            model,
            arrivals,
            rng=streams,
            horizon=horizon,
            start_weekday=first_weekday,
            workers=1,
            routing=routing,
            schedules=schedules,
        )
        engine = time.perf_counter() - start
        start = time.perf_counter()
        kpis(model_spec, result, occupancy(model_spec, study.months), costs, outcomes, Hourly.empty())
        return engine, time.perf_counter() - start, sum(a.size for a in arrivals.values())

    best: dict[str, tuple[float, float, int]] = {}
    for label, model_spec in (("today: CBP primary and secondary", today), ("whole crossing (chain)", whole)):
        once(model_spec)  # compile or load kernels
        runs = [once(model_spec) for _ in range(args.repeats)]
        best[label] = (min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2])
    print(f"{study.label}, {args.year}: trucks for a year, one replication, one thread (best of {args.repeats})")
    print(f"{'run':<36}{'trucks':>11}{'engine s':>10}{'KPIs s':>9}{'total s':>9}")
    for label, (engine, figures, trucks) in best.items():
        print(f"{label:<36}{trucks:>11,}{engine:>10.3f}{figures:>9.3f}{engine + figures:>9.3f}")
    (e0, k0, _), (e1, k1, _) = best.values()
    print(f"chain / today: engine {e1 / e0:.1f}x, KPIs {k1 / k0:.1f}x, total {(e1 + k1) / (e0 + k0):.1f}x (goal: 1.3x)")


if __name__ == "__main__":
    main()
