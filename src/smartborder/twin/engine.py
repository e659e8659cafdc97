"""The twin's engine: vehicles through a port's network of FCFS stations.

Routes never loop back (the model checks), so the network is solved one station at a time in
an order where every station comes after those that feed it: gather every vehicle that reaches
the station, sort by the time it got there, run the compiled FCFS kernel, and pass the
departure times on. For FCFS stations with unlimited waiting room this is exact — the same
per-vehicle times an event-by-event simulation gives (the SimPy/ciw reference tests check it) —
and it costs a sort and a kernel pass per station instead of Python work per vehicle.

Stations among which drivers choose (a step with ``choice = "shortest"``: the primary lanes of a
class) are solved together, in arrival order, by one compiled pass that knows every queue
(``kernels.choice_starts``); the rest of the network is unchanged by it.

Random numbers: each replication gets its own ``numpy.random.Generator``; arrivals, routing and
service draws come from it in a fixed order, so a seed reproduces a run exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from smartborder.twin.errors import ModelError
from smartborder.twin.kernels import choice_starts, fcfs_starts
from smartborder.twin.model import Flow, PortModel

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
    def left(self) -> np.ndarray:
        """Whether each vehicle left at a line it reached (a step with patience) instead of
        joining it: reached (``reach`` set) but not served there (station -1)."""
        return np.asarray(((self.station < 0) & ~np.isnan(self.reach)).any(axis=1))

    @property
    def exit(self) -> np.ndarray:
        """Time each vehicle leaves the port (end of its last visited step; NaN if it left
        without joining any)."""
        visited = self.station >= 0
        last = np.max(np.where(visited, self.end, -np.inf), axis=1)
        return np.where(visited.any(axis=1), last, np.nan)


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

    def queue_profile(self) -> dict[str, np.ndarray]:
        """Per primary station, the mean number waiting by hour of day (``metrics.queue_profile``)."""
        from smartborder.twin.metrics import queue_profile

        return queue_profile(self)


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
            raise ModelError(f"initial.station: flow {item.flow!r} never visits station {item.station!r}")
        rows.setdefault(item.flow, []).append((step, index[item.station], item.waiting, item.in_service))
    return rows


def staffing_blocks(
    model: PortModel, hours: int, start_weekday: int, start_hour: int, schedules: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Open servers per hour from time 0 for every station: its weekly staffing, or *schedules*."""
    schedules = schedules or {}
    unknown = sorted(set(schedules) - {s.name for s in model.stations})
    if unknown:
        raise ModelError(f"schedules: no station named {unknown} in model {model.name!r}")
    out = {}
    for station in model.stations:
        given = schedules.get(station.name)
        if given is None:
            out[station.name] = station.staffing.blocks(start_weekday, start_hour, hours)
            continue
        counts = np.asarray(given)
        if counts.ndim != 1 or counts.size == 0 or (counts < 0).any():
            raise ModelError(f"schedules.{station.name}: expected open-server counts >= 0 by hour")
        counts = counts.astype(np.int64)
        if counts.size < hours:  # after the schedule: its last week again, and again
            week = counts[-168:] if counts.size >= 168 else counts[-1:]
            counts = np.concatenate([counts, np.resize(week, hours - counts.size)])
        out[station.name] = counts[:hours]
    return out


def choice_groups(model: PortModel) -> list[list[str]]:
    """Sets of stations that vehicles choose among (joined through shared ``shortest`` steps)."""
    groups: list[set[str]] = []
    for flow in model.flows:
        for step in flow.route:
            if (step.choice != "shortest" or len(step.stations) < 2) and step.patience is None:
                continue  # a step vehicles may leave is solved by the choice kernel too
            names = set(step.stations)
            touching = [g for g in groups if g & names]
            groups = [g for g in groups if not (g & names)] + [names.union(*touching)]
    order = [s.name for s in model.stations]
    return [sorted(g, key=order.index) for g in groups]


def _components(model: PortModel) -> list[tuple[set[str], list[Flow]]]:
    """Groups of stations (and the flows through them) that share no station with each other."""
    groups: list[tuple[set[str], list[Flow]]] = []
    for flow in model.flows:
        names = {n for step in flow.route for n in step.stations}
        touching = [g for g in groups if g[0] & names]
        merged_names = names.union(*(g[0] for g in touching))
        merged_flows = [f for g in touching for f in g[1]] + [flow]
        groups = [g for g in groups if not (g[0] & names)] + [(merged_names, merged_flows)]
    used = set().union(*(g[0] for g in groups)) if groups else set()
    idle = {s.name for s in model.stations} - used
    if idle:
        groups.append((idle, []))
    return groups


def simulate(
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
) -> SimulationResult:
    """Run vehicles through *model*; *arrivals* maps flow name → sorted arrival minutes.

    Time 0 is *start_hour* o'clock on *start_weekday* (0 = Monday), which fixes which staffing
    applies when. Every vehicle is followed until it leaves, even past *horizon*.

    *rng* is one generator, or one per flow name: per-flow streams keep each flow's routing and
    service draws unchanged when another flow changes (common random numbers across scenarios).

    Parts of the port that share no station (trucks and pedestrians, say) are independent; they
    run in *workers* threads (default: up to 2) — the compiled kernels release the GIL.

    *routing* decides, for some steps, which vehicles visit them instead of the step's
    probability: flow name → step index → one bool per arriving vehicle (risk targeting sends
    its red channel to secondary this way). No random number is drawn for such a step.

    *schedules* gives some stations their open servers hour by hour from time 0 (staffing that
    changes with the season, say), in place of their weekly ``staffing``; after it ends its last
    week repeats (its last hour, if it is shorter than a week).
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
    servers = staffing_blocks(model, hours, start_weekday, start_hour, schedules)
    initial_rows = _initial_counts(model, initial)
    routing = routing or {}
    for name, steps in routing.items():
        if name not in arrivals:
            raise ModelError(f"routing: no arrivals for flow {name!r}")
        for k, mask in steps.items():
            if not 0 < k < len(model.flow(name).route) or np.shape(mask) != np.shape(arrivals[name]):
                raise ModelError(f"routing.{name}[{k}]: need a later step and one bool per arrival")

    def always(flow: Flow, k: int) -> bool:
        """Every vehicle visits step k (no draw, no override, nobody left before it)."""
        return flow.route[k].probability >= 1.0 and k not in routing.get(flow.name, {}) and not flow.leaves_before(k)

    traces: dict[str, FlowTrace] = {}
    visits: dict[str, list[np.ndarray]] = {}
    services: dict[str, list[np.ndarray]] = {}
    loyals: dict[str, dict[int, np.ndarray]] = {}
    # per flow and step with patience, each arriving vehicle's (not the initial queue's)
    patiences: dict[str, dict[int, np.ndarray]] = {}
    groups = choice_groups(model)
    group_of = {name: g for g, names in enumerate(groups) for name in names}

    def setup_flow(flow: Flow) -> None:
        """Draw routing and service times of one flow and allocate its trace."""
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
        arrival = np.concatenate([np.zeros(n_init), times]) if n_init else times.copy()
        # Column-major, so that each step's column is one contiguous array. Columns that every
        # vehicle visits are written in full later; only the others need their "not visited"
        # markers (-1 / NaN) up front, which saves touching gigabytes on a border-year.
        full = [always(flow, k) and n_init == 0 for k in range(len(flow.route))]
        station = np.empty((n, steps), dtype=np.int32, order="F")
        reach_start_end = [np.empty((n, steps), order="F") for _ in range(3)]
        for k, complete in enumerate(full):
            if not complete:
                station[:, k] = -1
                for array in reach_start_end:
                    array[:, k] = np.nan
        visit_list, service_list = [], []
        loyal_list: dict[int, np.ndarray] = {}
        for k, step in enumerate(flow.route):
            given = routing.get(flow.name, {}).get(k)
            if given is not None:
                visit = np.zeros(n, dtype=bool)
                visit[n_init:] = given
            elif step.probability < 1.0:
                visit = frng.random(n) < step.probability
            else:
                visit = np.ones(n, dtype=bool)
            # Initial vehicles skip the steps before the one they are queued at, visit that
            # one for sure, and are routed like everyone else afterwards.
            head = entry_step[:n_init]
            visit[:n_init] = np.where(head < k, visit[:n_init], head == k)
            visit_list.append(visit)
            if always(flow, k) and n_init == 0:
                draws = step.service.sample(frng, n)
            else:
                draws = np.full(n, np.nan)
                draws[visit] = step.service.sample(frng, int(visit.sum()))
            service_list.append(draws)
            if step.choice == "shortest" and len(step.stations) > 1:
                loyal_list[k] = frng.random(n) < step.loyal if step.loyal > 0 else np.zeros(n, dtype=bool)
        visits[flow.name], services[flow.name] = visit_list, service_list
        loyals[flow.name] = loyal_list
        for k, step in enumerate(flow.route):  # drawn last: the other draws are those of a flow without it
            if step.patience is not None:
                patiences.setdefault(flow.name, {})[k] = step.patience.sample(frng, times.size)
        reach, start, end = reach_start_end
        traces[flow.name] = FlowTrace(flow.name, arrival, station, reach, start, end, n_init)
        # Initial vehicles are pinned to the station they were queued at.
        offset = 0
        for step_k, st_idx, _wait, busy in rows:
            station[offset : offset + busy, step_k] = st_idx
            offset += busy
        for step_k, st_idx, wait, _busy in rows:
            station[offset : offset + wait, step_k] = st_idx
            offset += wait

    cursor: dict[str, np.ndarray] = {}
    resolved: dict[str, int] = {}

    def first_open(names: list[str]) -> np.ndarray:
        """Per hour, the preferred station that is open (the first one if none is)."""
        table = np.full(hours, station_index[names[0]], dtype=np.int32)
        chosen = np.zeros(hours, dtype=bool)
        for name in names:
            take = ~chosen & (servers[name] > 0)
            table[take] = station_index[name]
            chosen |= take
        return table

    def resolve_step(flow_name: str, k: int) -> None:
        """Fix when vehicles reach step k and which eligible station each one uses."""
        flow = model.flow(flow_name)
        trace = traces[flow_name]
        for j in range(resolved[flow_name] + 1, k + 1):
            if j > 0:  # commit step j-1: departures become the clock for later steps
                done = trace.station[:, j - 1] >= 0
                cursor[flow_name] = np.where(done, trace.end[:, j - 1], cursor[flow_name])
            visit = visits[flow_name][j]
            clock = cursor[flow_name]
            names = flow.route[j].stations
            everyone = trace.n_initial == 0 and always(flow, j)
            if names[0] in group_of:  # stations are chosen when the group is solved
                if everyone:
                    trace.reach[:, j] = clock
                else:
                    trace.reach[visit, j] = clock[visit]
            elif everyone:
                trace.reach[:, j] = clock
                if len(names) == 1:
                    trace.station[:, j] = station_index[names[0]]
                else:
                    hour = np.minimum((clock // 60.0).astype(np.int64), hours - 1)
                    trace.station[:, j] = first_open(names)[hour]
            else:
                trace.reach[visit, j] = clock[visit]
                free = visit & (trace.station[:, j] < 0)
                if len(names) == 1:
                    trace.station[free, j] = station_index[names[0]]
                else:
                    hour = np.minimum((clock[free] // 60.0).astype(np.int64), hours - 1)
                    trace.station[free, j] = first_open(names)[hour]
            resolved[flow_name] = j

    feeds: dict[str, list[tuple[str, int]]] = {s.name: [] for s in stations}
    for flow in model.flows:
        for k, step in enumerate(flow.route):
            for name in step.stations:
                feeds[name].append((flow.name, k))

    sequence = model.station_order()
    station_names = [st.name for st in stations]

    def run_component(component: set[str], flows: list[Flow]) -> None:
        """Set up the flows of one independent part of the port and solve its stations."""
        for flow in flows:
            setup_flow(flow)
            cursor[flow.name] = traces[flow.name].arrival
            resolved[flow.name] = -1
        solved: set[int] = set()
        for name in [n for n in sequence if n in component]:
            if name not in group_of:
                solve_station(name)
            elif group_of[name] not in solved:
                solved.add(group_of[name])
                solve_group(groups[group_of[name]])

    def solve_group(names: list[str]) -> None:
        """Stations drivers choose among: everyone who reaches any of them, in one pass."""
        local = {name: i for i, name in enumerate(names)}
        steps = sorted({fk for name in names for fk in feeds[name]})
        rows: list[list[int]] = []
        # (flow, step, vehicle indices, option row, keeps to the first open station)
        busy_parts: list[tuple[str, int, np.ndarray, int, bool]] = []
        waiting_parts: list[tuple[str, int, np.ndarray, int, bool]] = []
        arriving: list[tuple[str, int, np.ndarray, int, bool]] = []
        for flow_name, k in steps:
            resolve_step(flow_name, k)
            step = model.flow(flow_name).route[k]
            if any(n not in local for n in step.stations):
                raise ModelError(
                    f"flows.{flow_name}.route[{k}]: stations {step.stations} mix lanes "
                    f"drivers choose among ({names}) with others"
                )
            trace = traces[flow_name]
            rows.append([local[n] for n in step.stations])
            arriving_row = len(rows) - 1
            who = np.flatnonzero(visits[flow_name][k])
            # The initial queue stays where it is, in service first, then waiting (FCFS at 0).
            in_service = sum(busy for _, _, _, busy in initial_rows.get(flow_name, []))
            for pinned, out in (
                (who[who < in_service], busy_parts),
                (who[(who >= in_service) & (who < trace.n_initial)], waiting_parts),
            ):
                for st in np.unique(trace.station[pinned, k]):
                    rows.append([local[station_names[st]]])
                    out.append((flow_name, k, pinned[trace.station[pinned, k] == st], len(rows) - 1, True))
            later = who[who >= trace.n_initial]
            if k > 0 and later.size > 1:  # earlier stations can reorder vehicles (a customs exam, say)
                order = trace.reach[later, k]
                if np.any(order[1:] < order[:-1]):
                    later = later[np.argsort(order, kind="stable")]
            arriving.append((flow_name, k, later, arriving_row, step.choice != "shortest"))
        parts = busy_parts + waiting_parts + arriving
        width = max(len(r) for r in rows)
        options = np.full((len(rows), width), -1, dtype=np.int64)
        for r, row in enumerate(rows):
            options[r, : len(row)] = row
        n_options = np.array([len(r) for r in rows], dtype=np.int64)
        reach = np.concatenate([traces[f].reach[m, k] for f, k, m, _, _ in parts])
        service = np.concatenate([services[f][k][m] for f, k, m, _, _ in parts])
        loyal = np.concatenate(
            [
                np.ones(m.size, dtype=bool) if fixed or k not in loyals[f] else loyals[f][k][m]
                for f, k, m, _, fixed in parts
            ]
        )
        bounds = np.concatenate([[0], np.cumsum([m.size for _, _, m, _, _ in parts])]).astype(np.int64)
        part_option = np.array([r for _, _, _, r, _ in parts], dtype=np.int64)
        schedule = np.stack([servers[n] for n in names])
        overtime = np.array([model.station(n).overtime for n in names], dtype=np.int64)
        for f, k, m, _, _ in parts:
            if m.size and np.any(np.diff(traces[f].reach[m, k]) < 0):
                raise ModelError(f"flows.{f}: vehicles reach step {k} out of order")
        patience = None
        if any(k in patiences.get(f, {}) for f, k, _, _, _ in parts):
            pieces = []
            for f, k, m, _, _ in parts:
                drawn = patiences.get(f, {}).get(k)
                if drawn is None or not m.size or m[0] < traces[f].n_initial:  # the initial queue has joined
                    pieces.append(np.full(m.size, np.inf))
                elif k == 0:
                    pieces.append(drawn[m - traces[f].n_initial])
                else:  # minutes from arriving at the port: what is left of them on reaching this line
                    pieces.append(drawn[m - traces[f].n_initial] - (traces[f].reach[m, k] - traces[f].arrival[m]))
            patience = np.concatenate(pieces)
        chosen, starts = choice_starts(
            reach, service, bounds, part_option, options, n_options, loyal, schedule, 60.0, overtime, patience
        )
        global_index = np.append(np.array([station_index[n] for n in names], dtype=np.int32), -1)
        for (f, k, m, _, _), lo, hi in zip(parts, bounds[:-1], bounds[1:], strict=True):
            trace = traces[f]
            trace.station[m, k] = global_index[chosen[lo:hi]]  # -1 (balked) picks the appended -1
            trace.start[m, k] = starts[lo:hi]
            trace.end[m, k] = starts[lo:hi] + service[lo:hi]
            left = m[chosen[lo:hi] < 0]
            for later in visits[f][k + 1 :]:  # who left visits nothing after
                later[left] = False

    def solve_station(name: str) -> None:
        """Gather everyone who reaches the station, in order of arrival, and run the kernel."""
        idx = station_index[name]
        parts: list[tuple[str, int, np.ndarray | slice]] = []
        for flow_name, k in feeds[name]:
            resolve_step(flow_name, k)
            here = traces[flow_name].station[:, k] == idx
            # Everyone of the flow comes here (the usual primary step): a slice, not a copy.
            parts.append((flow_name, k, slice(None) if here.all() else np.flatnonzero(here)))
        initial_busy = sum(busy for f, _, _ in parts for _, st, _, busy in initial_rows.get(f, []) if st == idx)
        if initial_busy > servers[name][0]:
            raise ModelError(
                f"initial.in_service: {initial_busy} vehicles in service at {name!r} but only "
                f"{servers[name][0]} servers are open at the start"
            )
        # Initial vehicles (in order: in service, then waiting) go ahead of everyone at time 0.
        ordered: list[tuple[str, int, np.ndarray | slice]] = []
        if any(traces[f].n_initial for f, _, _ in parts):
            for f, k, m in parts:
                m = np.arange(traces[f].size)[m]
                ordered.append((f, k, m[m < traces[f].n_initial]))
            for f, k, m in parts:
                m = np.arange(traces[f].size)[m]
                ordered.append((f, k, m[m >= traces[f].n_initial]))
        else:
            ordered = parts
        if not ordered:  # no flow of this run comes here
            return
        if len(ordered) == 1 and isinstance(ordered[0][2], slice):
            # One flow, everyone (the usual primary lane): work on the trace's own columns.
            f, k, _ = ordered[0]
            reach, service = traces[f].reach[:, k], services[f][k]
        else:
            reach = np.concatenate([traces[f].reach[m, k] for f, k, m in ordered])
            service = np.concatenate([services[f][k][m] for f, k, m in ordered])
        if reach.size == 0:
            return
        overtime = model.station(name).overtime
        if model.station(name).unlimited:  # a road: everyone starts on arrival, in any order
            starts = reach.copy()
        elif reach.size < 2 or (reach[1:] >= reach[:-1]).all():
            starts = fcfs_starts(reach, service, servers[name], 60.0, overtime)
        else:
            # Timsort: the parts are sorted runs already, so this merge is close to linear.
            sort = np.argsort(reach, kind="stable")
            starts = np.empty_like(reach)
            starts[sort] = fcfs_starts(reach[sort], service[sort], servers[name], 60.0, overtime)
        cut = 0
        for f, k, m in ordered:
            trace = traces[f]
            size = trace.size if isinstance(m, slice) else m.size
            chunk = slice(cut, cut + size)
            if isinstance(m, slice):  # whole columns: write in place, no temporaries
                trace.start[:, k] = starts[chunk]
                np.add(trace.start[:, k], service[chunk], out=trace.end[:, k])
            else:
                trace.start[m, k] = starts[chunk]
                trace.end[m, k] = starts[chunk] + service[chunk]
            cut += size

    parts_of_port = _components(model)
    n_workers = min(len(parts_of_port), workers if workers is not None else min(2, os.cpu_count() or 1))
    if n_workers > 1:
        with ThreadPoolExecutor(n_workers) as pool:
            for future in [pool.submit(run_component, c, f) for c, f in parts_of_port]:
                future.result()
    else:
        for component, flows in parts_of_port:
            run_component(component, flows)
    traces = {f.name: traces[f.name] for f in model.flows}  # model order, whatever finished first

    return SimulationResult(
        model=model,
        flows=traces,
        servers=servers,
        horizon=horizon,
        start_weekday=start_weekday,
        start_hour=start_hour,
        station_names=[s.name for s in stations],
    )
