"""The twin's engine: vehicles through a port's network of FCFS stations.

Routes never loop back (the model checks), so the network is solved one station at a time in
an order where every station comes after those that feed it: gather every vehicle that reaches
the station, sort by the time it got there, run the compiled FCFS kernel, and pass the
departure times on. For FCFS stations with unlimited waiting room this is exact — the same
per-vehicle times an event-by-event simulation gives (the SimPy/ciw reference tests check it) —
and it costs a sort and a kernel pass per station instead of Python work per vehicle.

Random numbers: each replication gets its own ``numpy.random.Generator``; arrivals, routing and
service draws come from it in a fixed order, so a seed reproduces a run exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from smartborder.twin.errors import ModelError
from smartborder.twin.kernels import fcfs_starts
from smartborder.twin.model import PortModel

#: Hours of staffing computed past the last arrival; the final hour's count holds after that.
TAIL_HOURS = 28 * 24


class InitialQueue(BaseModel):
    """Vehicles already at a station when the run starts ("what will the wait be in two hours")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    station: str
    flow: str
    waiting: int = Field(default=0, ge=0)
    in_service: int = Field(default=0, ge=0)


@dataclass
class FlowTrace:
    """Per-vehicle times of one flow. Columns are the steps of its route; -1 / NaN = not visited.

    The first ``n_initial`` vehicles are the initial queue (they arrive at time 0 at the step
    they were waiting at); waits are reported without them.
    """

    name: str
    arrival: np.ndarray
    station: np.ndarray  # (n, steps) int32 station index, -1 if the step was skipped
    reach: np.ndarray  # (n, steps) time the vehicle reached the step's queue
    start: np.ndarray  # (n, steps) service start
    end: np.ndarray  # (n, steps) service end
    n_initial: int = 0

    @property
    def size(self) -> int:
        return int(self.arrival.size)

    @property
    def exit(self) -> np.ndarray:
        """Time each vehicle leaves the port (end of its last visited step)."""
        return np.nanmax(np.where(self.station >= 0, self.end, np.nan), axis=1)


@dataclass
class SimulationResult:
    """Everything one run produced: per-vehicle traces and the staffing actually applied."""

    model: PortModel
    flows: dict[str, FlowTrace]
    servers: dict[str, np.ndarray]  # per station, open servers per hour from time 0
    horizon: float  # minutes: the period arrivals were generated for
    start_weekday: int
    start_hour: int
    station_names: list[str] = field(default_factory=list)


def _initial_counts(model: PortModel, initial: Iterable[InitialQueue]) -> dict[str, list[tuple[int, int, int, int]]]:
    """Per flow: (step, station index, waiting, in-service) rows, validated against the model."""
    index = {s.name: i for i, s in enumerate(model.stations)}
    rows: dict[str, list[tuple[int, int, int, int]]] = {}
    for item in initial:
        try:
            flow = model.flow(item.flow)
        except KeyError:
            raise ModelError(f"initial.flow: unknown flow {item.flow!r}") from None
        step = next((k for k, st in enumerate(flow.route) if item.station in st.stations), None)
        if step is None:
            raise ModelError(
                f"initial.station: flow {item.flow!r} never visits station {item.station!r}"
            )
        rows.setdefault(item.flow, []).append((step, index[item.station], item.waiting, item.in_service))
    return rows


def simulate(
    model: PortModel,
    arrivals: Mapping[str, np.ndarray],
    *,
    rng: np.random.Generator | Mapping[str, np.random.Generator],
    horizon: float | None = None,
    start_weekday: int = 0,
    start_hour: int = 0,
    initial: Iterable[InitialQueue] = (),
) -> SimulationResult:
    """Run vehicles through *model*; *arrivals* maps flow name → sorted arrival minutes.

    Time 0 is *start_hour* o'clock on *start_weekday* (0 = Monday), which fixes which staffing
    applies when. Every vehicle is followed until it leaves, even past *horizon*.

    *rng* is one generator, or one per flow name: per-flow streams keep each flow's routing and
    service draws unchanged when another flow changes (common random numbers across scenarios).
    """
    unknown = sorted(set(arrivals) - {f.name for f in model.flows})
    if unknown:
        raise ModelError(f"arrivals: no flow named {unknown} in model {model.name!r}")
    if not (0 <= start_weekday < 7 and 0 <= start_hour < 24):
        raise ModelError("start_weekday must be 0..6 and start_hour 0..23")
    stations = model.stations
    station_index = {s.name: i for i, s in enumerate(stations)}
    last = max((float(a[-1]) for a in arrivals.values() if len(a)), default=0.0)
    horizon = float(horizon) if horizon is not None else last
    hours = int(np.ceil(max(horizon, last) / 60.0)) + TAIL_HOURS
    servers = {s.name: s.staffing.blocks(start_weekday, start_hour, hours) for s in stations}
    initial_rows = _initial_counts(model, initial)

    traces: dict[str, FlowTrace] = {}
    visits: dict[str, list[np.ndarray]] = {}
    services: dict[str, list[np.ndarray]] = {}
    forced: dict[str, np.ndarray] = {}  # step at which initial vehicles enter (-1 = normal)
    for flow in model.flows:
        frng = rng if isinstance(rng, np.random.Generator) else rng[flow.name]
        times = np.asarray(arrivals.get(flow.name, np.empty(0)), dtype=np.float64)
        if times.size and (np.any(np.diff(times) < 0) or times[0] < 0 or np.isnan(times).any()):
            raise ModelError(f"arrivals.{flow.name}: times must be >= 0, sorted and not NaN")
        rows = initial_rows.get(flow.name, [])
        # In-service vehicles first, then waiting ones: both arrive at 0, FCFS keeps this order.
        entry = [step for step, _, _, busy in rows for _ in range(busy)]
        entry += [step for step, _, wait, _ in rows for _ in range(wait)]
        n_init = len(entry)
        n = n_init + times.size
        steps = len(flow.route)
        entry_step = np.full(n, -1, dtype=np.int64)
        entry_step[:n_init] = entry
        forced[flow.name] = entry_step
        arrival = np.concatenate([np.zeros(n_init), times])
        station = np.full((n, steps), -1, dtype=np.int32)
        visit_list, service_list = [], []
        for k, step in enumerate(flow.route):
            visit = frng.random(n) < step.probability if step.probability < 1.0 else np.ones(n, bool)
            # Initial vehicles skip the steps before the one they are queued at, visit that
            # one for sure, and are routed like everyone else afterwards.
            head = entry_step[:n_init]
            visit[:n_init] = np.where(head < k, visit[:n_init], head == k)
            visit_list.append(visit)
            draws = np.full(n, np.nan)
            draws[visit] = step.service.sample(frng, int(visit.sum()))
            service_list.append(draws)
        visits[flow.name], services[flow.name] = visit_list, service_list
        nan = np.full((n, steps), np.nan)
        traces[flow.name] = FlowTrace(flow.name, arrival, station, nan.copy(), nan.copy(), nan.copy(), n_init)
        # Initial vehicles are pinned to the station they were queued at.
        offset = 0
        for step_k, st_idx, wait, busy in rows:
            station[offset : offset + busy, step_k] = st_idx
            offset += busy
        for step_k, st_idx, wait, busy in rows:
            station[offset : offset + wait, step_k] = st_idx
            offset += wait

    cursor = {f.name: traces[f.name].arrival.copy() for f in model.flows}
    resolved = {f.name: -1 for f in model.flows}

    def resolve_step(flow_name: str, k: int) -> None:
        """Fix when vehicles reach step k and which eligible station each one uses."""
        flow = model.flow(flow_name)
        trace = traces[flow_name]
        for j in range(resolved[flow_name] + 1, k + 1):
            if j > 0:  # commit step j-1: departures become the clock for later steps
                done = trace.station[:, j - 1] >= 0
                cursor[flow_name] = np.where(done, trace.end[:, j - 1], cursor[flow_name])
            visit = visits[flow_name][j]
            trace.reach[visit, j] = cursor[flow_name][visit]
            pinned = trace.station[:, j] >= 0
            free = visit & ~pinned
            choice = np.full(trace.size, -1, dtype=np.int32)
            hour = np.minimum((cursor[flow_name] // 60.0).astype(np.int64), hours - 1)
            for name in flow.route[j].stations:
                open_now = servers[name][np.where(free, hour, 0)] > 0
                take = free & (choice < 0) & open_now
                choice[take] = station_index[name]
            # Nothing open: queue at the preferred station until it opens.
            choice[free & (choice < 0)] = station_index[flow.route[j].stations[0]]
            trace.station[free, j] = choice[free]
            resolved[flow_name] = j

    feeds: dict[str, list[tuple[str, int]]] = {s.name: [] for s in stations}
    for flow in model.flows:
        for k, step in enumerate(flow.route):
            for name in step.stations:
                feeds[name].append((flow.name, k))

    for name in model.station_order():
        idx = station_index[name]
        parts = []
        for flow_name, k in feeds[name]:
            resolve_step(flow_name, k)
            trace = traces[flow_name]
            members = np.flatnonzero(trace.station[:, k] == idx)
            parts.append((flow_name, k, members))
        if not parts:
            continue
        # Initial vehicles (in order: in service, then waiting) go ahead of everyone at time 0.
        ordered = [(f, k, m[m < traces[f].n_initial]) for f, k, m in parts]
        ordered += [(f, k, m[m >= traces[f].n_initial]) for f, k, m in parts]
        reach = np.concatenate([traces[f].reach[m, k] for f, k, m in ordered])
        service = np.concatenate([services[f][k][m] for f, k, m in ordered])
        order = np.argsort(reach, kind="stable")
        initial_busy = sum(
            busy for f, _, _ in parts for _, st, _, busy in initial_rows.get(f, []) if st == idx
        )
        if initial_busy > servers[name][0]:
            raise ModelError(
                f"initial.in_service: {initial_busy} vehicles in service at {name!r} but only "
                f"{servers[name][0]} servers are open at the start"
            )
        starts = np.empty_like(reach)
        starts[order] = fcfs_starts(reach[order], service[order], servers[name], 60.0)
        cut = 0
        for f, k, m in ordered:
            trace = traces[f]
            trace.start[m, k] = starts[cut : cut + m.size]
            trace.end[m, k] = starts[cut : cut + m.size] + service[cut : cut + m.size]
            cut += m.size

    return SimulationResult(
        model=model,
        flows=traces,
        servers=servers,
        horizon=horizon,
        start_weekday=start_weekday,
        start_hour=start_hour,
        station_names=[s.name for s in stations],
    )
