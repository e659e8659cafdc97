"""Analytic checks of the engine that a user can run (``smartborder validate``).

Each case simulates a queue whose steady-state mean wait is known in closed form and reports
simulated vs analytic with the relative error and the bound it must stay under. Long runs at
high utilisation are needed because waits are strongly autocorrelated there; the first 10 % of
each replication is discarded as warm-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from smartborder.twin.kernels import fcfs, fcfs_starts
from smartborder.twin.oracles import md1_mean_wait, mg1_mean_wait, mmc_mean_wait
from smartborder.twin.replications import confidence_interval, streams

WARMUP = 0.10


@dataclass(frozen=True)
class CaseResult:
    """One analytic check: simulated vs analytic mean wait (minutes)."""

    name: str
    simulated: float
    ci_half_width: float
    analytic: float
    relative_error: float
    bound: float
    customers: int

    @property
    def passed(self) -> bool:
        return self.relative_error < self.bound

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "passed": self.passed}


def _queue_case(
    name: str,
    arrival_rate: float,
    service: Callable[[np.random.Generator, int], np.ndarray],
    servers: int,
    analytic: float,
    customers: int,
    replications: int,
    seed: int,
    bound: float,
) -> CaseResult:
    per_rep = customers // replications
    means = []
    for rng in streams(seed, replications):
        arrivals = np.cumsum(rng.exponential(1.0 / arrival_rate, per_rep))
        waits = fcfs(arrivals, service(rng, per_rep), servers)
        means.append(waits[int(per_rep * WARMUP) :].mean())
    mean, half = confidence_interval(np.array(means))
    error = abs(mean - analytic) / analytic
    return CaseResult(name, mean, half, float(analytic), float(error), bound, per_rep * replications)


def little_case(customers: int, seed: int, bound: float = 0.02) -> CaseResult:
    """Little's law L = λW on a run with servers opening and closing by the hour.

    L is estimated independently of the waits, by counting vehicles in queue at random instants.
    """
    rng = np.random.default_rng(seed)
    rate = 2.0  # per minute
    arrivals = np.cumsum(rng.exponential(1.0 / rate, customers))
    services = rng.lognormal(np.log(1.6) - 0.5 * np.log1p(0.25), np.sqrt(np.log1p(0.25)), customers)
    horizon = float(arrivals[-1])
    day = np.array([2, 3, 5, 4, 2, 4, 6, 3] * 3, dtype=np.int64)  # mean 3.6 servers for 3.2 busy
    schedule = np.tile(day, int(horizon // (24 * 60)) + 2)
    starts = fcfs_starts(arrivals, services, schedule, 60.0)
    probes = np.sort(rng.uniform(0, horizon, 200_000))
    in_queue = np.searchsorted(np.sort(arrivals), probes, "right") - np.searchsorted(np.sort(starts), probes, "right")
    queue_length = float(in_queue.mean())
    inside = arrivals < horizon
    # λ·W over the window, counting only waiting time that falls inside [0, horizon].
    waited = np.clip(np.minimum(starts, horizon) - arrivals, 0, None)[inside].sum() / horizon
    error = abs(queue_length - waited) / waited
    return CaseResult(
        "Little L=λW, staffing", queue_length, float("nan"), float(waited), float(error), bound, customers
    )


def run_cases(scale: float = 1.0, seed: int = 20261124) -> list[CaseResult]:
    """All analytic cases; *scale* multiplies the number of customers (1.0 ≈ 62 M customers, ~5 s)."""
    n = int(20_000_000 * scale)

    def exponential(mean: float) -> Callable[[np.random.Generator, int], np.ndarray]:
        return lambda rng, size: rng.exponential(mean, size)

    def lognormal(mean: float, cv: float) -> Callable[[np.random.Generator, int], np.ndarray]:
        s2 = np.log1p(cv * cv)
        return lambda rng, size: rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), size)

    return [
        _queue_case("M/M/1 ρ=0.9 Erlang-C", 0.9, exponential(1.0), 1, mmc_mean_wait(0.9, 1.0, 1), n, 10, seed, 0.02),
        _queue_case(
            "M/M/8 ρ=0.9 Erlang-C", 7.2, exponential(1.0), 8, mmc_mean_wait(7.2, 1.0, 8), n, 10, seed + 1, 0.02
        ),
        _queue_case(
            "M/D/1 ρ=0.8 P-K",
            0.8,
            lambda rng, size: np.ones(size),
            1,
            md1_mean_wait(0.8, 1.0),
            n // 2,
            10,
            seed + 2,
            0.02,
        ),
        _queue_case(
            "M/G/1 logn ρ=0.85 P-K",
            0.85,
            lognormal(1.0, 0.5),
            1,
            mg1_mean_wait(0.85, 1.0, 0.25),
            n // 2,
            10,
            seed + 3,
            0.02,
        ),
        little_case(max(int(2_000_000 * scale), 10_000), seed + 4),
    ]
