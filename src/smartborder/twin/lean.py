"""The lean engine: the same run as ``engine.simulate`` for crossing-shaped models, kept compact.

Crossing models (``ports.spec.PortSpec.to_model``) have one shape: each flow reaches a primary
step — a group of lanes it may choose among — and may be sent on to one secondary station.
For that shape the run needs, per vehicle, only its primary lane and start (its service time
gives the end), and the secondary times of the few sent there. ``simulate_lean`` draws the
same random numbers in the same order as ``engine.simulate``, runs the same compiled kernels and
gives the same times (a test holds the two to equality); it skips the per-step bookkeeping of
the general engine (initial queues, any number of steps), which is most of its cost on a
port-year. ``LeanTrace`` offers the general trace's columns on demand, so metrics and reports
read either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from smartborder.twin.distributions import uniform
from smartborder.twin.engine import TAIL_HOURS, FlowTrace, choice_groups, staffing_blocks
from smartborder.twin.errors import ModelError
from smartborder.twin.kernels import choice_run, fcfs_starts, times_problem
from smartborder.twin.model import Flow, PortModel


@dataclass
class LeanTrace:
    """One flow's vehicles: primary lane and times, and the secondary visits (by vehicle index)."""

    name: str
    arrival: np.ndarray
    lane: np.ndarray  # int32 station index at primary
    begin: np.ndarray  # primary service start
    service: np.ndarray  # primary service time
    referred: np.ndarray  # int64 indices of vehicles sent to the second step (sorted)
    second_station: int = -1
    second_start: np.ndarray = field(default_factory=lambda: np.empty(0))
    second_service: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_initial: int = 0
    finish: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)  # primary service end

    def __post_init__(self) -> None:
        if self.finish.shape != self.begin.shape:  # not given: begin + service
            self.finish = self.begin + self.service

    @property
    def size(self) -> int:
        return int(self.arrival.size)

    # The general engine's columns (steps: primary, then the second step if any), built on demand.
    @property
    def station(self) -> np.ndarray:
        out = np.full((self.size, 2), -1, dtype=np.int32)
        out[:, 0] = self.lane
        out[self.referred, 1] = self.second_station
        return out

    @property
    def reach(self) -> np.ndarray:
        out = np.full((self.size, 2), np.nan)
        out[:, 0] = self.arrival
        out[self.referred, 1] = self.finish[self.referred]
        return out

    @property
    def start(self) -> np.ndarray:
        out = np.full((self.size, 2), np.nan)
        out[:, 0] = self.begin
        out[self.referred, 1] = self.second_start
        return out

    @property
    def end(self) -> np.ndarray:
        out = np.full((self.size, 2), np.nan)
        out[:, 0] = self.finish
        out[self.referred, 1] = self.second_start + self.second_service
        return out

    @property
    def exit(self) -> np.ndarray:
        out = self.finish.copy()
        out[self.referred] = self.second_start + self.second_service
        return out


@dataclass
class LeanResult:
    """What ``simulate_lean`` produced (the same fields as ``engine.SimulationResult``); a run
    whose other parts took the general engine (``runner.run``) holds their ``FlowTrace`` too."""

    model: PortModel
    flows: dict[str, LeanTrace | FlowTrace]
    servers: dict[str, np.ndarray]
    horizon: float
    start_weekday: int
    start_hour: int
    station_names: list[str] = field(default_factory=list)

    def queue_profile(self) -> dict[str, np.ndarray]:
        """Per primary station, the mean number waiting by hour of day (``metrics.queue_profile``)."""
        from smartborder.twin.metrics import queue_profile

        return queue_profile(self)


def supports(model: PortModel) -> bool:
    """Whether *model* has the crossing shape the lean engine runs."""
    used = {name for flow in model.flows for step in flow.route for name in step.stations}
    if any(station.unlimited for station in model.stations if station.name in used):
        return False  # roads are the general engine's
    for flow in model.flows:
        if not 1 <= len(flow.route) <= 2 or flow.route[0].probability < 1.0 or flow.primary_step != 0:
            return False
        if any(step.patience is not None for step in flow.route[1:]):
            return False  # leaving at a later step is the general engine's
        if len(flow.route[0].stations) > 1 and flow.route[0].choice != "shortest":
            return False
        if len(flow.route) == 2 and len(flow.route[1].stations) != 1:
            return False
    primaries = {n for f in model.flows for n in f.route[0].stations}
    seconds = {f.route[1].stations[0] for f in model.flows if len(f.route) == 2}
    return not primaries & seconds


def simulate_lean(
    model: PortModel,
    arrivals: Mapping[str, np.ndarray],
    *,
    rng: np.random.Generator | Mapping[str, np.random.Generator],
    horizon: float | None = None,
    start_weekday: int = 0,
    start_hour: int = 0,
    workers: int | None = None,
    routing: Mapping[str, Mapping[int, np.ndarray]] | None = None,
    schedules: Mapping[str, np.ndarray] | None = None,
) -> LeanResult:
    """``engine.simulate`` for crossing-shaped models (see ``supports``), without initial queues."""
    if not supports(model):
        raise ModelError(
            f"model {model.name!r}: the lean engine runs crossing-shaped models only "
            "(a primary step, then at most one single-station step)"
        )
    unknown = sorted(set(arrivals) - {f.name for f in model.flows})
    if unknown:
        raise ModelError(f"arrivals: no flow named {unknown} in model {model.name!r}")
    if not (0 <= start_weekday < 7 and 0 <= start_hour < 24):
        raise ModelError("start_weekday must be 0..6 and start_hour 0..23")
    routing = routing or {}
    station_index = {s.name: i for i, s in enumerate(model.stations)}
    last = max((float(a[-1]) for a in arrivals.values() if len(a)), default=0.0)
    horizon = float(horizon) if horizon is not None else last
    hours = int(np.ceil(max(horizon, last) / 60.0)) + TAIL_HOURS
    servers = staffing_blocks(model, hours, start_weekday, start_hour, schedules)
    for name, steps in routing.items():
        if name not in arrivals:
            raise ModelError(f"routing: no arrivals for flow {name!r}")
        for k, mask in steps.items():
            if k != 1 or len(model.flow(name).route) < 2 or np.shape(mask) != np.shape(arrivals[name]):
                raise ModelError(f"routing.{name}[{k}]: need a later step and one bool per arrival")

    def jobs_of(flows: list[Flow]) -> list[tuple[list[str], list[Flow]]]:
        """The part's primary groups: the stations run side by side and the flows using them."""
        groups = [g for g in all_groups if g[0] in {n for f in flows for n in f.route[0].stations}]
        grouped = {n for g in groups for n in g}
        jobs = [(names, [f for f in flows if f.route[0].stations[0] in names]) for names in groups]
        assigned = {f.name for _, members in jobs for f in members}
        for flow in flows:  # flows whose lanes nobody chooses among: one lane, or first-open lists
            if flow.name not in assigned:
                members = [f for f in flows if f.name not in assigned and f.route[0].stations == flow.route[0].stations]
                jobs.append(([n for n in flow.route[0].stations if n not in grouped], members))
                assigned.update(f.name for f in members)
        return jobs

    def run_part(flows: list[Flow]) -> dict[str, LeanTrace]:
        """Draw every flow of the part (in flow order), then run its groups and second steps.

        Each group's vehicles lie side by side in one array per quantity (what the kernel
        takes), and each flow's draws are made straight into its slice of them.
        """
        jobs = jobs_of(flows)
        times: dict[str, np.ndarray] = {}
        for flow in flows:
            values = np.ascontiguousarray(arrivals.get(flow.name, np.empty(0)), dtype=np.float64)
            if times_problem(values):
                raise ModelError(f"arrivals.{flow.name}: times must be >= 0, sorted and not NaN")
            times[flow.name] = values
        slot: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        patient: dict[str, np.ndarray] = {}
        buffers = []
        for _, members in jobs:
            sizes = [times[f.name].size for f in members]
            bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
            reach = times[members[0].name] if len(members) == 1 else np.concatenate([times[f.name] for f in members])
            service = np.empty(int(bounds[-1]))
            loyal = np.empty(int(bounds[-1]), dtype=bool)
            patience = np.full(int(bounds[-1]), np.inf) if any(f.patience is not None for f in members) else None
            for f, lo, hi in zip(members, bounds[:-1], bounds[1:], strict=True):
                slot[f.name] = (service[lo:hi], loyal[lo:hi])
                if patience is not None:
                    patient[f.name] = patience[lo:hi]
            buffers.append((bounds, reach, service, loyal, patience))
        drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # The engine's draws, in its order: primary service, loyalty, referral, secondary, patience.
        for flow in flows:
            frng = rng if isinstance(rng, np.random.Generator) else rng[flow.name]
            service, loyal = slot[flow.name]
            n = service.size
            primary = flow.route[0]
            primary.service.sample(frng, n, out=service)
            if primary.choice == "shortest" and len(primary.stations) > 1:
                if primary.loyal > 0:
                    np.less(uniform(frng, n), primary.loyal, out=loyal)
                else:
                    loyal[:] = False
            else:
                loyal[:] = True  # 'first_open': the first open station of its list
            referred = np.empty(0, dtype=np.int64)
            second = np.empty(0)
            if len(flow.route) == 2:
                step = flow.route[1]
                given = routing.get(flow.name, {}).get(1)
                if given is not None:
                    referred = np.flatnonzero(np.asarray(given, dtype=bool))
                elif step.probability < 1.0:
                    referred = np.flatnonzero(uniform(frng, n) < step.probability)
                else:
                    referred = np.arange(n, dtype=np.int64)
                second = step.service.sample(frng, referred.size)
            if flow.patience is not None:
                flow.patience.sample(frng, n, out=patient[flow.name])
            drawn[flow.name] = (referred, second)
        traces: dict[str, LeanTrace] = {}
        for (names, members), (bounds, reach, service, loyal, patience) in zip(jobs, buffers, strict=True):
            lane, begin, finish = run_group(names, members, bounds, reach, service, loyal, patience)
            for flow, lo, hi in zip(members, bounds[:-1], bounds[1:], strict=True):
                referred, second = drawn[flow.name]
                if patience is not None and referred.size:  # who left is sent nowhere
                    kept = lane[lo:hi][referred] >= 0
                    referred, second = referred[kept], second[kept]
                traces[flow.name] = LeanTrace(
                    flow.name,
                    times[flow.name],
                    lane[lo:hi],
                    begin[lo:hi],
                    service[lo:hi],
                    referred,
                    station_index[flow.route[1].stations[0]] if len(flow.route) == 2 else -1,
                    np.empty(0),
                    second,
                    finish=finish[lo:hi],
                )
        # Second steps: everyone sent there, in order of reaching it, FCFS.
        by_station: dict[str, list[Flow]] = {}
        for flow in flows:
            if len(flow.route) == 2:
                by_station.setdefault(flow.route[1].stations[0], []).append(flow)
        for name, members in by_station.items():
            reach = np.concatenate([traces[f.name].finish[traces[f.name].referred] for f in members])
            service = np.concatenate([traces[f.name].second_service for f in members])
            order = np.argsort(reach, kind="stable")
            starts = np.empty_like(reach)
            starts[order] = fcfs_starts(reach[order], service[order], servers[name], 60.0, model.station(name).overtime)
            cut = 0
            for f in members:
                size = traces[f.name].referred.size
                traces[f.name].second_start = starts[cut : cut + size]
                cut += size
        return {flow.name: traces[flow.name] for flow in flows}

    def run_group(
        names: list[str],
        flows: list[Flow],
        bounds: np.ndarray,
        reach: np.ndarray,
        service: np.ndarray,
        loyal: np.ndarray,
        patience: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Primary lane (model station index, -1: left without joining), start and end of every
        vehicle of the group."""
        local = {name: i for i, name in enumerate(names)}
        rows = [[local[n] for n in f.route[0].stations] for f in flows]
        width = max(len(r) for r in rows)
        options = np.full((len(rows), width), -1, dtype=np.int64)
        for r, row in enumerate(rows):
            options[r, : len(row)] = row
        n_options = np.array([len(r) for r in rows], dtype=np.int64)
        schedule = np.stack([servers[n] for n in names])
        overtime = np.array([model.station(n).overtime for n in names], dtype=np.int64)
        lane, begin, finish = choice_run(
            reach,
            service,
            bounds,
            np.arange(len(flows), dtype=np.int64),
            options,
            n_options,
            loyal,
            schedule,
            60.0,
            overtime,
            patience=patience,
        )
        index = np.array([station_index[n] for n in names], dtype=np.int32)
        if patience is not None:
            return np.append(index, -1)[lane], begin, finish  # -1 (left) picks the appended -1
        if np.array_equal(index, np.arange(index[0], index[0] + index.size)):
            lane += index[0]  # the usual case: the group's stations are consecutive
            return lane, begin, finish
        return index[lane], begin, finish

    all_groups = choice_groups(model)
    parts = _parts(model)
    n_workers = min(len(parts), workers if workers is not None else min(2, os.cpu_count() or 1))
    traces: dict[str, LeanTrace] = {}
    if n_workers > 1:
        with ThreadPoolExecutor(n_workers) as pool:
            for result in pool.map(run_part, parts):
                traces.update(result)
    else:
        for part in parts:
            traces.update(run_part(part))
    return LeanResult(
        model,
        {f.name: traces[f.name] for f in model.flows},
        servers,
        horizon,
        start_weekday,
        start_hour,
        [s.name for s in model.stations],
    )


def _parts(model: PortModel) -> list[list[Flow]]:
    """Flows in groups that share no station (run independently, in threads)."""
    groups: list[tuple[set[str], list[Flow]]] = []
    for flow in model.flows:
        names = {n for step in flow.route for n in step.stations}
        touching = [g for g in groups if g[0] & names]
        merged = names.union(*(g[0] for g in touching))
        groups = [g for g in groups if not (g[0] & names)] + [(merged, [f for g in touching for f in g[1]] + [flow])]
    return [flows for _, flows in groups]
