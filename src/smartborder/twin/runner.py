"""The twin's one door: run a port model once, on the engine that fits it, with the random
streams common random numbers rest on.

Two engines run the same vehicles (``tests/twin/test_lean.py`` holds them equal, vehicle for
vehicle): the general one (``engine.simulate``: any route, initial queues) and the lean one
(``lean.simulate_lean``: a crossing's shape, primary then at most one secondary, several times
faster). ``run`` takes the lean engine whenever the model has that shape and nothing asks for
the general one, so no caller chooses.

``flow_streams(seed, r, flows)`` gives replication *r* one generator per flow, keyed by the
flow's name (not its position), so a scenario that changes one flow leaves every other flow's
draws as they were: the difference between two runs comes from the levers, not from luck.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np

from smartborder.twin.engine import InitialQueue, SimulationResult, simulate
from smartborder.twin.lean import LeanResult, simulate_lean, supports
from smartborder.twin.model import PortModel


def flow_streams(seed: int, replication: int, flows: Sequence[str]) -> dict[str, np.random.Generator]:
    """One generator per flow, keyed by name so streams survive changes to other flows."""
    return {f: np.random.default_rng([seed, replication, zlib.crc32(f.encode())]) for f in flows}


def uses_lean(model: PortModel, initial: Sequence[InitialQueue] = ()) -> bool:
    """Whether ``run`` takes the lean engine for *model*."""
    return not initial and supports(model)


def run(
    model: PortModel,
    arrivals: Mapping[str, np.ndarray],
    *,
    rng: np.random.Generator | Mapping[str, np.random.Generator],
    horizon: float | None = None,
    start_weekday: int = 0,
    start_hour: int = 0,
    initial: Iterable[InitialQueue] = (),
    workers: int | None = None,
    routing: Mapping[str, Mapping[int, np.ndarray]] | None = None,
    schedules: Mapping[str, np.ndarray] | None = None,
    engine: Literal["auto", "general"] = "auto",
) -> SimulationResult | LeanResult:
    """Run the vehicles of *arrivals* (flow name → sorted arrival minutes) through *model*: the
    lean engine where it applies (no initial queue, a crossing's shape), else the general one;
    ``engine="general"`` asks for the general engine's trace (every step's station and start).
    Other arguments as ``engine.simulate``."""
    queued = tuple(initial)
    if engine == "auto" and uses_lean(model, queued):
        return simulate_lean(
            model,
            arrivals,
            rng=rng,
            horizon=horizon,
            start_weekday=start_weekday,
            start_hour=start_hour,
            workers=workers,
            routing=routing,
            schedules=schedules,
        )
    return simulate(
        model,
        arrivals,
        rng=rng,
        horizon=horizon,
        start_weekday=start_weekday,
        start_hour=start_hour,
        initial=queued,
        workers=workers,
        routing=routing,
        schedules=schedules,
    )
