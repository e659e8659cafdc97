"""Benchmark: every US–Mexico crossing, all traffic classes, one year, one replication.

Why it exists: the issue's goal is the whole border-year (about 1.26 x 10^8 vehicles at 44
crossings in 2024) in <= 10 s on this 2-core machine after compilation, as
``policy.border.run_border(2024, workers=2)`` runs it. Prints the wall time with 1 and 2 worker
processes, vehicles per second, the CPU time the workers used (parallel efficiency = CPU /
(2 x wall)), and a plain memory pass over arrays of the same size for scale.

Run from the repository root::

    .venv/bin/python bench/bench_border.py [--year 2024]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from smartborder.policy.studies.border import run_border


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    run_border(args.year, workers=1, only=["naco"])  # compile / load the kernels
    print(f"US–Mexico border {args.year}, all ports and classes, one replication")
    vehicles = 0.0
    timings = {}
    cpu = 0.0
    for workers in (1, 2):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = run_border(args.year, workers=workers)
        timings[workers] = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        vehicles = float(run.ports["vehicles"].sum())
        print(
            f"  {workers} worker(s): {timings[workers]:6.2f} s, {vehicles / 1e6:,.1f}M vehicles, "
            f"{vehicles / timings[workers] / 1e6:,.1f}M vehicles/s"
        )
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(
        f"  speed-up 1 -> 2 workers: {timings[1] / timings[2]:.2f}x; the 2 workers used {cpu:.1f} s of CPU "
        f"(parallel efficiency {cpu / (2 * timings[2]):.2f})"
    )
    # A plain pass: allocate and sum one float64 array per vehicle-step the engine touches
    # (arrival + two steps of reach/start/end), in chunks of 10M.
    start = time.perf_counter()
    total = 0.0
    remaining = int(vehicles)
    while remaining > 0:
        n = min(remaining, 10_000_000)
        for _ in range(7):
            total += float(np.ones(n).sum())
        remaining -= n
    plain = time.perf_counter() - start
    print(
        f"  plain memory pass over the same vehicle-step arrays: {plain:.2f} s "
        f"(the simulation is {timings[2] / plain:.1f}x that)"
    )
    print(f"Goal <= 10 s: {'MET' if timings[2] <= 10 else 'NOT MET'} ({timings[2]:.1f} s with 2 workers)")


if __name__ == "__main__":
    main()
