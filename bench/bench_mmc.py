"""Benchmark: the smartborder FCFS kernel against SimPy and ciw on one M/M/c queue.

Why it exists: the twin's hot path, ``smartborder.twin.fcfs``, must be fast enough to run a
port-year of traffic in seconds and still be exact. This script runs the same M/M/8 queue
(arrival rate 7.2/min, service rate 1/min, utilisation 0.9, FCFS, times in minutes) in three
implementations in one process and reports, for each, the throughput (customers simulated per
second of wall time, random draws included) and the relative error of the mean wait against the
Erlang-C closed form. The issue's goal: smartborder >= 300x SimPy with Erlang-C error < 1%.

The first 10% of customers (by arrival order) are discarded as warm-up before any mean wait is
taken. The smartborder error is judged on the mean of ``--replications`` independent runs of
``--n-smartborder`` customers; its throughput on one run. SimPy and ciw are much slower, so they
run fewer customers; throughput in customers/s is comparable across sizes (each implementation's
cost is linear in the number of customers; SimPy and ciw slow down somewhat per customer on
bigger runs, so the speed-ups reported are if anything conservative), but their errors are
noisier.

Run from the repository root::

    .venv/bin/python bench/bench_mmc.py
    .venv/bin/python bench/bench_mmc.py --n-simpy 50000 --n-ciw 20000 --json bench/mmc.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import ciw
import numba
import numpy as np
import simpy
from scipy.stats import t as student_t

from smartborder.twin import fcfs
from smartborder.twin.oracles import mmc_mean_wait

ARRIVAL_RATE = 7.2  # customers per minute
SERVICE_RATE = 1.0  # per server, per minute
SERVERS = 8
WARMUP_FRACTION = 0.10
GOAL_SPEEDUP = 300.0
GOAL_ERROR = 0.01
BATCHES = 20  # batch means for the 95% confidence half-width of a single run


@dataclass(frozen=True)
class Result:
    """One row of the results table."""

    implementation: str
    customers: int
    seconds: float
    customers_per_s: float
    mean_wait: float
    erlang_c: float
    rel_error: float
    ci95_rel: float  # 95% half-width of the mean wait, relative to Erlang-C

    def row(self) -> list[str]:
        return [
            self.implementation,
            f"{self.customers:,}",
            f"{self.seconds:.3f}",
            f"{self.customers_per_s:,.0f}",
            f"{self.mean_wait:.5f}",
            f"{self.erlang_c:.5f}",
            f"{self.rel_error:+.3%}",
            f"±{self.ci95_rel:.3%}",
        ]


def steady_state(waits: np.ndarray) -> np.ndarray:
    """Waits in arrival order, less the first WARMUP_FRACTION of customers."""
    return waits[int(len(waits) * WARMUP_FRACTION) :]


def batch_means_ci95(waits: np.ndarray, batches: int = BATCHES) -> float:
    """95% half-width of the mean by non-overlapping batch means (waits are autocorrelated)."""
    usable = len(waits) - len(waits) % batches
    means = waits[:usable].reshape(batches, -1).mean(axis=1)
    # t quantile, 19 degrees of freedom, two-sided 95%.
    return 2.093 * float(means.std(ddof=1)) / np.sqrt(batches)


def make_result(name: str, waits: np.ndarray, seconds: float, oracle: float) -> Result:
    kept = steady_state(waits)
    mean = float(kept.mean())
    return Result(
        implementation=name,
        customers=len(waits),
        seconds=seconds,
        customers_per_s=len(waits) / seconds,
        mean_wait=mean,
        erlang_c=oracle,
        rel_error=(mean - oracle) / oracle,
        ci95_rel=batch_means_ci95(kept) / oracle,
    )


def timed(run: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    waits = run()
    return waits, time.perf_counter() - start


# --------------------------------------------------------------------------- implementations


def simpy_waits(n: int, seed: int) -> np.ndarray:
    """M/M/c in SimPy: a source process spawns one process per customer on a Resource."""
    rng = random.Random(seed)
    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=SERVERS)
    waits = [0.0] * n

    def customer(i: int) -> Generator[simpy.events.Event, Any, None]:
        arrived = env.now
        with pool.request() as request:
            yield request
            waits[i] = env.now - arrived
            yield env.timeout(rng.expovariate(SERVICE_RATE))

    def source() -> Generator[simpy.events.Event, Any, None]:
        for i in range(n):
            yield env.timeout(rng.expovariate(ARRIVAL_RATE))
            env.process(customer(i))

    env.process(source())
    env.run()
    return np.asarray(waits)


def ciw_waits(n: int, seed: int) -> np.ndarray:
    """M/M/c in ciw: one node, run until *n* customers have completed service."""
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(rate=SERVICE_RATE)],
        number_of_servers=[SERVERS],
    )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(n, method="Complete")
    records = simulation.get_all_records()
    records.sort(key=lambda record: record.arrival_date)
    return np.fromiter((record.waiting_time for record in records), dtype=np.float64, count=len(records))


def smartborder_waits(n: int, seed: int | np.random.SeedSequence) -> np.ndarray:
    """M/M/c with the compiled kernel; the random draws are part of the measured work."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / ARRIVAL_RATE, n))
    services = rng.exponential(1.0 / SERVICE_RATE, n)
    return fcfs(arrivals, services, SERVERS)


# --------------------------------------------------------------------------- reporting


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    return {
        "cpu": cpu_model(),
        "cores": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "simpy": simpy.__version__,
        "ciw": ciw.__version__,
    }


def print_table(results: list[Result]) -> None:
    header = [
        "implementation",
        "customers",
        "seconds",
        "customers/s",
        "mean wait",
        "Erlang-C",
        "rel. error",
        "95% CI (rel)",
    ]
    rows = [header] + [r.row() for r in results]
    widths = [max(len(row[k]) for row in rows) for k in range(len(header))]
    for j, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if j == 0:
            print("  ".join("-" * w for w in widths))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="M/M/8 benchmark: smartborder vs SimPy vs ciw.")
    parser.add_argument("--n-smartborder", type=int, default=1_000_000, help="customers per smartborder run")
    parser.add_argument("--n-simpy", type=int, default=1_000_000, help="customers for SimPy")
    parser.add_argument("--n-ciw", type=int, default=1_000_000, help="customers for ciw")
    parser.add_argument(
        "--replications", type=int, default=10, help="independent smartborder runs averaged for the Erlang-C error"
    )
    parser.add_argument("--seed", type=int, default=20_240_517, help="base seed for every stream")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write results as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    oracle = mmc_mean_wait(ARRIVAL_RATE, SERVICE_RATE, SERVERS)
    info = machine()
    rho = ARRIVAL_RATE / (SERVERS * SERVICE_RATE)
    print(
        f"M/M/{SERVERS}: arrival rate {ARRIVAL_RATE}/min, service rate {SERVICE_RATE}/min, "
        f"rho = {rho:.2f}; Erlang-C mean wait = {oracle:.6f} min"
    )
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print()

    # Warm up: JIT-compile (or load from numba's cache) outside any timing.
    smartborder_waits(args.n_smartborder, args.seed)  # compile, and touch the memory once

    seeds = np.random.SeedSequence(args.seed).spawn(args.replications + 1)

    print(f"smartborder: 1 timed run of {args.n_smartborder:,} ...", flush=True)
    waits, seconds = timed(partial(smartborder_waits, args.n_smartborder, seeds[0]))
    smart = make_result("smartborder", waits, seconds, oracle)

    print(f"smartborder: {args.replications} replications of {args.n_smartborder:,} ...", flush=True)
    rep_means: list[float] = []
    rep_seconds: list[float] = []
    for seq in seeds[1:]:
        waits, seconds = timed(partial(smartborder_waits, args.n_smartborder, seq))
        rep_means.append(float(steady_state(waits).mean()))
        rep_seconds.append(seconds)
    grand = float(np.mean(rep_means))
    half = 0.0
    if len(rep_means) > 1:
        half = float(student_t.ppf(0.975, len(rep_means) - 1) * np.std(rep_means, ddof=1) / np.sqrt(len(rep_means)))
    total = args.replications * args.n_smartborder
    reps = Result(
        implementation=f"smartborder ({args.replications} reps)",
        customers=total,
        seconds=sum(rep_seconds),
        customers_per_s=total / sum(rep_seconds),
        mean_wait=grand,
        erlang_c=oracle,
        rel_error=(grand - oracle) / oracle,
        ci95_rel=half / oracle,
    )

    print(f"SimPy: {args.n_simpy:,} ...", flush=True)
    waits, seconds = timed(partial(simpy_waits, args.n_simpy, args.seed))
    simpy_result = make_result("SimPy", waits, seconds, oracle)

    print(f"ciw: {args.n_ciw:,} ...", flush=True)
    waits, seconds = timed(partial(ciw_waits, args.n_ciw, args.seed))
    ciw_result = make_result("ciw", waits, seconds, oracle)
    print()

    results = [smart, reps, simpy_result, ciw_result]
    print_table(results)
    # Speed-ups use the replicated row: ten runs of the same work (draws + kernel) are a
    # steadier measure than one run, whose time is dominated by first-touch page faults.
    vs_simpy = reps.customers_per_s / simpy_result.customers_per_s
    vs_ciw = reps.customers_per_s / ciw_result.customers_per_s
    single = smart.customers_per_s / simpy_result.customers_per_s
    print()
    print(f"speed-up smartborder/SimPy: {vs_simpy:,.1f}x  (single first run: {single:,.1f}x)")
    print(f"speed-up smartborder/ciw:   {vs_ciw:,.1f}x")
    print()
    print("Notes: runs differ in size; customers/s is comparable across sizes (cost is linear in")
    print("customers; SimPy and ciw get somewhat slower per customer on bigger runs, so the")
    print("speed-ups are if anything conservative). Mean waits exclude the first 10% of customers.")
    print("95% CI: batch means for single runs, Student t over replication means for the")
    print("replicated row. Speed-ups use the replicated smartborder row. Seconds include the random")
    print("draws for every implementation.")
    met = vs_simpy >= GOAL_SPEEDUP and abs(reps.rel_error) < GOAL_ERROR
    print(
        f"Goal (>= {GOAL_SPEEDUP:.0f}x SimPy and |Erlang-C error| < {GOAL_ERROR:.0%}): "
        f"{'MET' if met else 'NOT MET'} "
        f"({vs_simpy:,.1f}x, error {reps.rel_error:+.3%})"
    )

    if args.json is not None:
        payload = {
            "model": {
                "arrival_rate": ARRIVAL_RATE,
                "service_rate": SERVICE_RATE,
                "servers": SERVERS,
                "rho": rho,
                "warmup_fraction": WARMUP_FRACTION,
                "erlang_c_mean_wait": oracle,
            },
            "seed": args.seed,
            "machine": info,
            "results": [asdict(r) for r in results],
            "smartborder_replication_means": rep_means,
            "smartborder_replication_seconds": rep_seconds,
            "speedup_vs_simpy": vs_simpy,
            "speedup_vs_ciw": vs_ciw,
            "goal_met": met,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
