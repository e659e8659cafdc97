"""The twin's one door: run a port model once, on the engine that fits it, with the random
streams common random numbers rest on.

Two engines run the same vehicles (``tests/twin/test_lean.py`` holds them equal, vehicle for
vehicle): the general one (``engine.simulate``: any route, initial queues) and the lean one
(``lean.simulate_lean``: a crossing's shape, primary then at most one secondary, several times
faster). ``run`` takes the lean engine for every part of the port (flows that share no station
with the rest) that has that shape and the general one for the others — a truck's whole
crossing, Mexico to the state inspection, say (``ports/chain.py``) — unless something asks for
the general one everywhere, so no caller chooses.

``flow_streams(seed, r, flows)`` gives replication *r* one generator per flow, keyed by the
flow's name (not its position), so a scenario that changes one flow leaves every other flow's
draws as they were: the difference between two runs comes from the levers, not from luck.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np

from smartborder.twin.engine import InitialQueue, SimulationResult, _components, simulate
from smartborder.twin.lean import LeanResult, simulate_lean, supports
from smartborder.twin.model import Flow, PortModel


def flow_streams(seed: int, replication: int, flows: Sequence[str]) -> dict[str, np.random.Generator]:
    """One generator per flow, keyed by name so streams survive changes to other flows."""
    return {f: np.random.default_rng([seed, replication, zlib.crc32(f.encode())]) for f in flows}


def uses_lean(model: PortModel, initial: Sequence[InitialQueue] = ()) -> bool:
    """Whether ``run`` takes the lean engine for the whole of *model*."""
    return not initial and supports(model)


def _lean_parts(model: PortModel) -> tuple[list[Flow], list[Flow]]:
    """The flows of the parts of *model* the lean engine runs, and those of the other parts."""
    lean: list[Flow] = []
    general: list[Flow] = []
    for _, flows in _components(model):
        if flows:
            part = model.model_copy(update={"flows": flows})
            (lean if supports(part) else general).extend(flows)
    return lean, general


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
    if engine == "auto" and not queued:
        lean, general = (model.flows, []) if supports(model) else _lean_parts(model)
        if lean and general and horizon is None:  # both parts run over the same period
            horizon = max((float(a[-1]) for a in arrivals.values() if len(a)), default=0.0)
        if lean:
            lean_names = {f.name for f in lean}
            result = simulate_lean(
                model.model_copy(update={"flows": lean}) if general else model,
                {name: times for name, times in arrivals.items() if name in lean_names},
                rng=rng,
                horizon=horizon,
                start_weekday=start_weekday,
                start_hour=start_hour,
                workers=workers,
                routing={name: steps for name, steps in (routing or {}).items() if name in lean_names},
                schedules=schedules,
            )
            if not general:
                return result
            rest = simulate(
                model.model_copy(update={"flows": general}),
                {name: times for name, times in arrivals.items() if name not in lean_names},
                rng=rng,
                horizon=horizon,
                start_weekday=start_weekday,
                start_hour=start_hour,
                workers=workers,
                routing={name: steps for name, steps in (routing or {}).items() if name not in lean_names},
                schedules=schedules,
            )
            # Both ran on all the model's stations, so station indices and servers agree.
            flows = {**result.flows, **rest.flows}
            return LeanResult(
                model=model,
                flows={f.name: flows[f.name] for f in model.flows},
                servers={name: max(counts, rest.servers[name], key=len) for name, counts in result.servers.items()},
                horizon=result.horizon,
                start_weekday=start_weekday,
                start_hour=start_hour,
                station_names=result.station_names,
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
