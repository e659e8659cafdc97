"""Benchmark: every US–Mexico port, all traffic classes, one year, one replication.

Why it exists: the issue's goal is the whole border-year (about 10^8 crossings) in <= 10 s on
this 2-core machine after compilation. Prints the wall time with 1 and 2 worker processes,
vehicles per second, and a plain memory pass over arrays of the same size for scale.

Run from the repository root::

    .venv/bin/python bench/bench_border.py [--year 2024]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from smartborder.policy.border import run_border


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    run_border(args.year, workers=1, only=["naco"])  # compile / load the kernels
    print(f"US–Mexico border {args.year}, all ports and classes, one replication")
    vehicles = 0.0
    timings = {}
    for workers in (1, 2):
        start = time.perf_counter()
        run = run_border(args.year, workers=workers)
        timings[workers] = time.perf_counter() - start
        vehicles = float(run.ports["vehicles"].sum())
        print(f"  {workers} worker(s): {timings[workers]:6.2f} s, {vehicles / 1e6:,.1f}M vehicles, "
              f"{vehicles / timings[workers] / 1e6:,.1f}M vehicles/s")
    print(f"  speed-up 1 -> 2 workers: {timings[1] / timings[2]:.2f}x")
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
    print(f"  plain memory pass over the same vehicle-step arrays: {plain:.2f} s "
          f"(the simulation is {timings[2] / plain:.1f}x that)")
    print(f"Goal <= 10 s: {'MET' if timings[2] <= 10 else 'NOT MET'} ({timings[2]:.1f} s with 2 workers)")


if __name__ == "__main__":
    main()
