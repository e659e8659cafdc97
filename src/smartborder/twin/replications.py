"""Independent replications and 95 % confidence intervals.

Each replication gets its own stream from ``numpy.random.SeedSequence(seed).spawn(n)``, so
replication *k* is reproducible on its own and independent of the others (and of how many were
run). Intervals are Student-t on the replication means, the standard method for terminating
simulations.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from smartborder.twin.errors import ModelError


def streams(seed: int, replications: int) -> list[np.random.Generator]:
    """One independent generator per replication."""
    if replications < 1:
        raise ModelError(f"replications: must be >= 1, got {replications}")
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(replications)]


def confidence_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of the Student-t interval (half-width NaN with one value)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    mean = float(values.mean())
    if values.size < 2:
        return mean, float("nan")
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, float(half)
