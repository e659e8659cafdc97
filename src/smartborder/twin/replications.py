"""Independent replications and 95 % confidence intervals.

Each replication gets its own stream from ``numpy.random.SeedSequence(seed).spawn(n)``, so
replication *k* is reproducible on its own and independent of the others (and of how many were
run). Intervals are Student-t on the replication means, the standard method for terminating
simulations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from smartborder.twin.engine import SimulationResult
from smartborder.twin.errors import ModelError
from smartborder.twin.metrics import summary


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


@dataclass
class Replicated:
    """Per-replication headline figures and their means with 95 % intervals."""

    runs: pd.DataFrame  # one row per replication, one column per figure

    def table(self, level: float = 0.95) -> pd.DataFrame:
        rows = {}
        for column in self.runs.columns:
            mean, half = confidence_interval(self.runs[column].to_numpy(), level)
            rows[column] = {"mean": mean, "ci_low": mean - half, "ci_high": mean + half,
                            "half_width": half, "replications": int(self.runs[column].notna().sum())}
        return pd.DataFrame.from_dict(rows, orient="index")


def replicate(
    run: Callable[[np.random.Generator], SimulationResult],
    replications: int,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Replicated:
    """Call *run* once per independent stream and collect each run's ``metrics.summary``."""
    rows = []
    for k, rng in enumerate(streams(seed, replications)):
        rows.append(summary(run(rng)))
        if progress is not None:
            progress(k + 1)
    return Replicated(pd.DataFrame(rows))
