"""Staffing plans: the fewest lanes open, hour by hour, that keep the wait under a target.

``plan_staffing("laredo", "2024-06", target=20)`` finds, for every crossing, class, lane type
and day type (weekday, Saturday, Sunday) of a port, how many lanes to open each hour so that the
wait statistic (``mean`` or ``p95`` to primary, as CBP measures it) stays at or under the target
in every hour where some staffing can keep it there; it says which hours no staffing within the
installed booths reaches, and what the plan costs in officer-hours against today's schedule.
The plan is a staffing file (``ports.staffing`` format) that ``simulate --staffing`` runs.

How it searches. Queues carry backlog from hour to hour, so an hour's wait depends on the lanes
of the hours before it — and on the next hour's too, which serves the queue its late arrivals
join. The planner starts from every booth open, where every hour that can meet the target does,
and goes in time order (0 h to 23 h, the three day types side by side, standard lanes before
trusted ones): for each hour, day type and lane type it picks the smallest lane count with which
every hour that met the target still meets it, given the hours already chosen; then it passes
again until a pass takes nothing away (lane types interact — a SENTRI holder may take the Ready
or the standard lane — and an evening queue reaches past midnight). Every candidate is the whole
month simulated again with common random numbers — the same arrivals, service times and lane
choices as ``simulate`` with the same seed and replications — so the comparison between two
candidates is exact and the plan is deterministic. Only the class planned is simulated (classes
share no station and draw from their own streams, so a class alone gives the numbers the whole
crossing gives), its arrivals and targeting are drawn once, replications run side by side, and
a count is found by bisection between the floor and the lanes open, starting from the count
just chosen for the hour before. A crossing's classes are planned in parallel processes.

An hour's *statistic* pools every vehicle that arrived in that hour of that day type over the
month and all replications, per lane type used (what CBP publishes per lane type): its mean, or
its 95th percentile from quarter-minute histograms (as ``simulate`` computes p95). A lane type's
hour is *unreachable* when even every installed booth of every lane type, all day, leaves its
statistic over the target; its lanes then all stay open (the plan gets as close as it can). What
the plan guarantees, once a pass changes nothing: every other hour meets the target, and taking
away any one lane-hour above the floor makes some hour miss it (that hour, the one before, whose
queue it serves, or a later one, which inherits a longer queue). The search is greedy: another
schedule with fewer lane-hours in all may exist, but none is one lane-hour short of this one.

The floor: while a class is open today (the crossing's published hours), one standard lane
stays open, so the plan never closes the crossing (closing an hour would change who arrives
when). Trusted lanes open only within their own published hours; no lane type above its booths.
What a lane-hour costs is ``OfficerCost`` (``assumptions.toml [officers]``, with its sources).
"""

from __future__ import annotations

import calendar
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numba import njit
from pydantic import BaseModel, ConfigDict, Field

from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.study import Study, prepare
from smartborder.policy.studies.targeting_twin import select
from smartborder.pools import process_pool
from smartborder.ports.defaults import assumptions
from smartborder.ports.demand import day_type, demand_for
from smartborder.ports.spec import DAY_TYPES, ClassSpec, PortSpec
from smartborder.ports.staffing import COLUMNS, month_schedules
from smartborder.twin import (
    HIST_BIN_MIN,
    HIST_MAX_MIN,
    TAIL_HOURS,
    LeanTrace,
    flow_streams,
    histogram_quantile,
    run,
)
from smartborder.twin.arrivals import poisson_arrivals

Statistic = Literal["mean", "p95"]
STATISTICS: tuple[str, ...] = ("mean", "p95")
#: Status of a lane type's hour in a plan.
MET, UNREACHABLE, MISSED, CLOSED = "met", "unreachable", "missed", "closed"
#: ``{lane: {day: [24 values]}}``, day ∈ DAY_TYPES.
Lanes = dict[str, dict[str, list[int]]]
Waits = dict[str, dict[str, list[float | None]]]
#: ``progress(done, total)``: lane-hours examined out of those to examine (the total may grow).
Progress = Callable[[int, int], None]


class OfficerCost(BaseModel):
    """What one staffed primary lane-hour costs: officers per lane × US$ per officer-hour."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    officers_per_lane: float = Field(gt=0)
    usd_per_officer_hour: float = Field(gt=0)
    source: str = ""

    @classmethod
    def default(cls, usd_per_officer_hour: float | None = None) -> OfficerCost:
        """The shipped figures (``assumptions.toml [officers]``), the hourly cost overridable."""
        a = assumptions()["officers"]
        source = f"officers per lane: {a['officers_per_lane_source']} Cost: {a['usd_per_officer_hour_source']}"
        if usd_per_officer_hour is not None:
            if not math.isfinite(usd_per_officer_hour) or usd_per_officer_hour <= 0:
                raise AnalysisError(
                    f"officer-cost: must be a positive number of US$ per officer-hour, got {usd_per_officer_hour}"
                )
            source = (
                f"officers per lane: {a['officers_per_lane_source']} Cost: US${usd_per_officer_hour:g} "
                "per officer-hour, given by the user."
            )
        return cls(
            officers_per_lane=float(a["officers_per_lane"]),
            usd_per_officer_hour=float(usd_per_officer_hour or a["usd_per_officer_hour"]),
            source=source,
        )


# --- the statistic of a schedule, hour by hour --------------------------------------------------

N_BINS = int(HIST_MAX_MIN / HIST_BIN_MIN) + 1  # the histogram ``simulate`` takes percentiles from


@njit(cache=True, nogil=True)
def _accumulate(
    arrival: np.ndarray,
    station: np.ndarray,
    begin: np.ndarray,
    cells: np.ndarray,
    lane_of: np.ndarray,
    bin_width: float,
    n_bins: int,
    sums: np.ndarray,
    counts: np.ndarray,
    hist: np.ndarray,
) -> None:
    """Per (lane type, day type × 24 + hour) slot: sum and count of waits and their histogram
    (bins of *bin_width*, the last one holding everything longer), over vehicles whose cell is
    not -1 (arrived in the month while the class was open) and who joined the line (station -1:
    left it, as ``simulate`` leaves them out of waits)."""
    for i in range(arrival.size):
        cell = cells[i]
        if cell < 0 or station[i] < 0:
            continue
        slot = lane_of[station[i]] * 72 + cell
        wait = begin[i] - arrival[i]
        sums[slot] += wait
        counts[slot] += 1.0
        b = int(wait / bin_width)
        if b >= n_bins or b < 0:
            b = n_bins - 1
        hist[slot * n_bins + b] += 1


@dataclass
class _Drawn:
    """One replication's draws for a class, made once: arrivals, routing, the streams' state."""

    arrivals: dict[str, np.ndarray]
    routing: dict[str, dict[int, np.ndarray]]
    states: dict[str, Mapping[str, Any]]
    cells: dict[str, np.ndarray]  # per flow: day type × 24 + hour of each arrival counted, else -1


class ClassEvaluator:
    """Simulates one class of a crossing over a month under candidate schedules, with the same
    random numbers every time (those ``simulate`` draws with the same seed and replications),
    and gives each lane type's statistic by day type and hour: ``stats(x)``, ``over(x, target)``.

    A schedule ``x`` is lane counts ``x[lane, day type, hour]`` (lanes in the class's order, day
    types as ``DAY_TYPES``).
    """

    def __init__(
        self,
        spec: PortSpec,
        vehicle: str,
        months: Sequence[pd.Period],
        replications: int,
        seed: int,
        stat: str,
        workers: int | None = None,
    ) -> None:
        if stat not in STATISTICS:
            raise AnalysisError(f"stat: must be one of {', '.join(STATISTICS)}, got {stat!r}")
        # CBP's lanes are staffed for the trucks that reach CBP's line: the stages of a chain
        # (ports/chain.py) before and after it change when they come, not what the lanes must
        # clear, so the plan is made on the class without them (its hours then count as they
        # are measured, from joining CBP's line).
        cls = spec.classes[vehicle].model_copy(update={"chain": None})  # type: ignore[index]
        self.spec = spec.model_copy(update={"classes": {vehicle: cls}})
        self.vehicle, self.stat = vehicle, stat
        self.lanes = list(cls.lanes)
        self.model = self.spec.to_model()
        self.stations = [f"{vehicle}.primary.{lane}" for lane in self.lanes]
        index = {s.name: i for i, s in enumerate(self.model.stations)}
        self.lane_of = np.zeros(len(self.model.stations), dtype=np.int64)
        for k, name in enumerate(self.stations):
            self.lane_of[index[name]] = k
        demand, self.first_weekday = demand_for(self.spec, list(months))
        hours_in_month = next(iter(demand.values())).size
        self.horizon = hours_in_month * 60.0
        kinds = [day_type((self.first_weekday + h // 24) % 7) for h in range(hours_in_month)]
        open_hours = np.array([cls.is_open(kinds[h])[h % 24] for h in range(hours_in_month)])
        kind = np.array([DAY_TYPES.index(k) for k in kinds])
        self.drawn: list[_Drawn] = []
        last = 0.0
        for r in range(replications):
            streams = flow_streams(seed, r, [f.name for f in self.model.flows])
            arrivals = {name: poisson_arrivals(expected, streams[name]) for name, expected in demand.items()}
            routing, _ = select(self.spec, self.model, arrivals, seed, r, 1)
            cells = {}
            for name, times in arrivals.items():
                hour = np.minimum((times // 60.0).astype(np.int64), hours_in_month - 1)
                counted = (times < self.horizon) & open_hours[hour]
                cells[name] = np.where(counted, kind[hour] * 24 + hour % 24, -1).astype(np.int64)
                if times.size:
                    last = max(last, float(times[-1]))
            states = {name: rng.bit_generator.state for name, rng in streams.items()}
            self.drawn.append(_Drawn(arrivals, routing, states, cells))
        self.hours = int(np.ceil(max(self.horizon, last) / 60.0)) + TAIL_HOURS
        self.workers = min(replications, workers if workers is not None else min(2, os.cpu_count() or 1))
        self.evaluations = 0
        self._cache: dict[tuple[bytes, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def blocks(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Open lanes hour by hour over the run, as the weekly staffing of a spec gives them."""
        offset = self.first_weekday * 24
        out = {}
        for k, name in enumerate(self.stations):
            week = np.concatenate([x[k, 0]] * 5 + [x[k, 1], x[k, 2]]).astype(np.int64)
            out[name] = week[(offset + np.arange(self.hours)) % 168]
        return out

    def _run(
        self, drawn: _Drawn, schedules: dict[str, np.ndarray]
    ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """One replication under *schedules*: per flow, arrival, primary station and start."""
        streams = {}
        for name, state in drawn.states.items():
            rng = np.random.Generator(np.random.PCG64())
            rng.bit_generator.state = state
            streams[name] = rng
        result = run(
            self.model,
            drawn.arrivals,
            rng=streams,
            horizon=self.horizon,
            start_weekday=self.first_weekday,
            workers=1,
            routing=drawn.routing,
            schedules=schedules,
        )
        out = {}
        for name, trace in result.flows.items():
            if isinstance(trace, LeanTrace):
                out[name] = (trace.arrival, trace.lane, trace.begin)
            else:  # a chain's trucks join CBP's line at their primary step (ports/chain.py)
                k = self.model.flow(name).primary_step
                out[name] = (trace.arrival if k == 0 else trace.reach[:, k], trace.station[:, k], trace.start[:, k])
        return out

    def _each(self, x: np.ndarray, work: Callable[[_Drawn, dict[str, np.ndarray]], Any]) -> list[Any]:
        """*work* on every replication under schedule *x*, in threads (the kernels release the GIL)."""
        schedules = self.blocks(x)
        if self.workers > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                return list(pool.map(lambda drawn: work(drawn, schedules), self.drawn))
        return [work(drawn, schedules) for drawn in self.drawn]

    def _totals(self, x: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sums, counts and histograms (*n_bins* quarter-minute bins, the last open-ended) of
        waits per (lane type, day type × 24 + hour) slot over every replication."""
        key = (np.ascontiguousarray(x, dtype=np.int64).tobytes(), n_bins)
        found = self._cache.get(key)
        if found is not None:
            return found
        self.evaluations += 1
        n = len(self.lanes) * 72

        def work(drawn: _Drawn, schedules: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            sums, counts, hist = np.zeros(n), np.zeros(n), np.zeros(n * n_bins, dtype=np.int64)
            for name, (arrival, station, begin) in self._run(drawn, schedules).items():
                _accumulate(
                    arrival, station, begin, drawn.cells[name], self.lane_of, HIST_BIN_MIN, n_bins, sums, counts, hist
                )
            return sums, counts, hist

        parts = self._each(x, work)
        totals = (sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts))
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = totals
        return totals

    def stats(self, x: np.ndarray) -> np.ndarray:
        """Each lane type's statistic by day type and hour, ``[lane, day type, hour]``; NaN where
        nobody arrived. The p95 is ``simulate``'s: from a histogram of quarter-minute bins."""
        if self.stat == "mean":
            sums, counts, _ = self._totals(x, 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                flat = np.where(counts > 0, sums / np.maximum(counts, 1.0), np.nan)
            return flat.reshape(len(self.lanes), 3, 24)

        def work(drawn: _Drawn, schedules: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            slots, waits = [], []
            for name, (arrival, station, begin) in self._run(drawn, schedules).items():
                keep = (drawn.cells[name] >= 0) & (station >= 0)
                slots.append(self.lane_of[station[keep]] * 72 + drawn.cells[name][keep])
                waits.append(begin[keep] - arrival[keep])
            return np.concatenate(slots), np.concatenate(waits)

        parts = self._each(x, work)
        slot = np.concatenate([p[0] for p in parts])
        wait = np.concatenate([p[1] for p in parts])
        flat = np.full(len(self.lanes) * 72, np.nan)
        order = np.argsort(slot, kind="stable")
        for group in np.split(order, np.flatnonzero(np.diff(slot[order])) + 1):
            if group.size:
                bins = np.minimum((wait[group] / HIST_BIN_MIN).astype(np.int64), N_BINS - 1)
                flat[slot[group[0]]] = histogram_quantile(np.bincount(bins), 0.95)
        return flat.reshape(len(self.lanes), 3, 24)

    def over(self, x: np.ndarray, target: float) -> np.ndarray:
        """Where the statistic exceeds *target*, ``[lane, day type, hour]`` (False where nobody
        arrived). For p95 only the histogram up to the target is kept: a quantile in the bin
        past it is over the target, one before it is the number ``stats`` gives."""
        if self.stat == "mean":
            sums, counts, _ = self._totals(x, 1)
            with np.errstate(invalid="ignore", divide="ignore"):
                flat = (counts > 0) & (sums / np.maximum(counts, 1.0) > target)
            result: np.ndarray = flat.reshape(len(self.lanes), 3, 24)
            return result
        edge = min(int(target / HIST_BIN_MIN) + 1, N_BINS - 1)  # bin ``edge`` starts past the target
        _, counts, hist = self._totals(x, edge + 1)
        table = hist.reshape(-1, edge + 1)
        flat = np.zeros(counts.size, dtype=bool)
        for slot in np.flatnonzero(counts > 0):
            flat[slot] = histogram_quantile(table[slot], 0.95) > target
        return flat.reshape(len(self.lanes), 3, 24)


# --- the plan ------------------------------------------------------------------------------------


def today_lanes(spec: PortSpec, vehicle: str, month: pd.Period) -> Lanes:
    """The lanes *spec* staffs in *month* by lane type, day type and hour: the staffing rule's
    schedule for that month where the class follows the season, else its weekly schedule."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    seasonal = month_schedules(spec.model_copy(update={"classes": {vehicle: cls}}), [month])
    first = calendar.monthrange(month.year, month.month)[0]
    out: Lanes = {}
    for name, lane in cls.lanes.items():
        hours = seasonal.get(f"{vehicle}.primary.{name}")
        days = {}
        for day in DAY_TYPES:
            if hours is None:
                days[day] = lane.lanes(day)
            else:
                d = next(d for d in range(7) if day_type((first + d) % 7) == day)
                days[day] = [int(v) for v in hours[d * 24 : (d + 1) * 24]]
        out[name] = days
    return out


def bounds(cls: ClassSpec) -> tuple[np.ndarray, np.ndarray]:
    """Floor and ceiling of every lane count, ``[lane, day type, hour]``: nothing while the class
    is closed today; while open, one standard lane at least and each lane type within its booths
    (trusted lane types only within their own published hours)."""
    names = list(cls.lanes)
    floor = np.zeros((len(names), 3, 24), dtype=np.int64)
    ceiling = np.zeros_like(floor)
    for d, day in enumerate(DAY_TYPES):
        open_class = cls.is_open(day)
        for k, name in enumerate(names):
            lane = cls.lanes[name]
            own = lane.is_open(day)
            today = lane.lanes(day)
            for h in range(24):
                if not open_class[h]:
                    continue
                if name == "standard":
                    ceiling[k, d, h] = max(lane.booths, 1)
                    floor[k, d, h] = 1
                elif own[h] or today[h] > 0:
                    ceiling[k, d, h] = lane.booths
    return floor, ceiling


@dataclass
class ClassPlan:
    """One class of one crossing: today's lanes and the plan's, each lane type's statistic by
    day type and hour under both and with every booth open, and the status of every hour."""

    crossing: str
    name: str
    vehicle: str
    lanes: Lanes
    today: Lanes
    floor: Lanes
    ceiling: Lanes
    wait: Waits
    wait_today: Waits
    wait_all_booths: Waits
    status: dict[str, dict[str, list[str]]]
    evaluations: int
    sweeps: int
    converged: bool


def _as_lanes(names: list[str], x: np.ndarray) -> Lanes:
    return {name: {day: [int(v) for v in x[k, d]] for d, day in enumerate(DAY_TYPES)} for k, name in enumerate(names)}


def _as_waits(names: list[str], s: np.ndarray) -> Waits:
    return {
        name: {day: [None if not np.isfinite(v) else float(v) for v in s[k, d]] for d, day in enumerate(DAY_TYPES)}
        for k, name in enumerate(names)
    }


def _array(names: list[str], lanes: Lanes) -> np.ndarray:
    return np.array([[lanes[name][day] for day in DAY_TYPES] for name in names], dtype=np.int64)


def plan_class(
    spec: PortSpec,
    vehicle: str,
    month: pd.Period,
    target: float,
    stat: str = "mean",
    replications: int = 5,
    seed: int = 0,
    max_sweeps: int = 10,
    progress: Callable[[int], None] | None = None,
    threads: int | None = None,
) -> ClassPlan:
    """The fewest lanes by hour that keep *vehicle*'s wait statistic at *spec* under *target*
    minutes in every hour it can be kept there (module docstring: the search and its guarantees).

    The search starts from every booth open, where every reachable hour meets the target by
    definition, and only takes a lane away when every reachable hour still meets it afterwards;
    it goes hour by hour in time order (day types side by side, standard lanes before trusted
    ones) and repeats until a pass takes nothing away. A lane type's unreachable hours keep
    every booth open. *threads* (default: up to 2) run the replications side by side; they change
    the speed, never the plan.
    """
    cls = spec.classes[vehicle]  # type: ignore[index]
    names = list(cls.lanes)
    order = sorted(range(len(names)), key=lambda k: names[k] != "standard")  # standard first
    evaluate = ClassEvaluator(spec, vehicle, [month], replications, seed, stat, threads)
    lo, hi = bounds(cls)
    today = _array(names, today_lanes(spec, vehicle, month))
    unreachable = evaluate.over(hi, target)  # over the target with every booth open, all day

    def meets(x: np.ndarray) -> bool:
        return not bool(np.any(evaluate.over(x, target) & ~unreachable))

    x = hi.copy()
    sweeps, converged = 0, False
    while sweeps < max_sweeps:
        sweeps += 1
        changed = False
        for h in range(24):
            for d in range(3):
                for k in order:
                    if progress is not None and lo[k, d, h] < hi[k, d, h]:
                        progress(1)
                    count = int(x[k, d, h])
                    if count <= lo[k, d, h] or unreachable[k, d, h]:
                        continue  # at the floor; or no staffing meets this hour: every booth stays open

                    def ok(c: int, k: int = k, d: int = d, h: int = h, base: np.ndarray = x) -> bool:
                        trial = base.copy()
                        trial[k, d, h] = c
                        return meets(trial)

                    floor = int(lo[k, d, h])
                    # Where to look first: the lanes just chosen for the hour before (waits change
                    # little from one hour to the next), else for a weekday at this hour.
                    guess = (
                        int(x[k, d, h - 1])
                        if h > 0 and lo[k, d, h - 1] < hi[k, d, h - 1]
                        else int(x[k, 0, h])
                        if d > 0 and lo[k, 0, h] < hi[k, 0, h]
                        else count - 1
                    )
                    guess = min(max(guess, floor), count - 1)
                    if ok(guess):  # the smallest c in [floor, guess] with ok(c)
                        if guess == floor or not ok(guess - 1):
                            a = b = guess
                        else:
                            a, b = floor, guess - 1
                    elif guess == count - 1:
                        continue  # one lane fewer breaks a target: this count is the fewest
                    else:  # the smallest c in [guess + 1, count] with ok(c); ok(count) holds
                        a, b = guess + 1, count
                    while a < b:  # ok(b) holds; below a, every count evaluated breaks a target
                        m = (a + b) // 2
                        if ok(m):
                            b = m
                        else:
                            a = m + 1
                    if b < count:
                        x = x.copy()
                        x[k, d, h] = b
                        changed = True
        if not changed:
            converged = True
            break
    final = evaluate.stats(x)
    over = evaluate.over(x, target)
    status = np.full(x.shape, MET, dtype=object)
    status[hi == 0] = CLOSED
    status[(hi > 0) & unreachable] = UNREACHABLE
    status[(hi > 0) & ~unreachable & over] = MISSED  # never, by construction (tests hold it so)
    return ClassPlan(
        crossing=spec.crossing,
        name=spec.name,
        vehicle=vehicle,
        lanes=_as_lanes(names, x),
        today=_as_lanes(names, today),
        floor=_as_lanes(names, lo),
        ceiling=_as_lanes(names, hi),
        wait=_as_waits(names, final),
        wait_today=_as_waits(names, evaluate.stats(today)),
        wait_all_booths=_as_waits(names, evaluate.stats(hi)),
        status={
            name: {day: [str(v) for v in status[k, d]] for d, day in enumerate(DAY_TYPES)}
            for k, name in enumerate(names)
        },
        evaluations=evaluate.evaluations,
        sweeps=sweeps,
        converged=converged,
    )


def _free(cls: ClassSpec) -> int:
    """Lane counts the search chooses for a class (those with a floor below the ceiling)."""
    lo, hi = bounds(cls)
    return int(np.count_nonzero(lo < hi))


def _load(spec: PortSpec, vehicle: str) -> float:
    """Vehicles a day the class was designed for (the busiest classes are planned first)."""
    return float(spec.classes[vehicle].design_volume or 1.0)  # type: ignore[index]


def day_counts(month: pd.Period) -> dict[str, int]:
    """Days of each day type in *month*."""
    first = calendar.monthrange(month.year, month.month)[0]
    kinds = [day_type((first + d) % 7) for d in range(month.days_in_month)]
    return {day: kinds.count(day) for day in DAY_TYPES}


def lane_hours(lanes: dict[str, list[int]], days: dict[str, int]) -> float:
    """Lane-hours staffed over a month with *days* of each day type."""
    return float(sum(sum(lanes[day]) * days[day] for day in DAY_TYPES))


@dataclass
class StaffingPlan:
    """A port's (or a crossing's) staffing plan for one month, against today's schedule."""

    label: str
    code: str
    month: pd.Period
    target: float
    stat: str
    replications: int
    seed: int
    cost: OfficerCost
    classes: list[ClassPlan]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def days(self) -> dict[str, int]:
        return day_counts(self.month)

    def frame(self) -> pd.DataFrame:
        """The plan as a staffing file (``crossing,class,lane,day,hour,lanes``)."""
        rows = [
            (c.crossing, c.vehicle, lane, day, hour, count)
            for c in self.classes
            for lane, days in c.lanes.items()
            for day in DAY_TYPES
            for hour, count in enumerate(days[day])
        ]
        return pd.DataFrame(rows, columns=COLUMNS)

    def write(self, path: Path) -> Path:
        """Write the plan as a staffing file ``simulate --staffing`` reads."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.frame().to_csv(path, index=False)
        return path

    def summary(self) -> pd.DataFrame:
        """Per crossing, class and lane type: lane-hours and officer-hours in the month, today and
        planned, their cost and its change; lane-type hours (day type × hour) met, unreachable
        and missed, and those over the target today."""
        days = self.days
        rows = []
        for c in self.classes:
            for lane in c.lanes:
                today = lane_hours(c.today[lane], days)
                plan = lane_hours(c.lanes[lane], days)
                flags = [s for day in DAY_TYPES for s in c.status[lane][day]]
                over_today = sum(
                    1 for day in DAY_TYPES for h in range(24) if (c.wait_today[lane][day][h] or 0.0) > self.target
                )
                officers = self.cost.officers_per_lane
                rows.append(
                    {
                        "crossing": c.crossing,
                        "name": c.name,
                        "class": c.vehicle,
                        "lane": lane,
                        "lane_hours_today": today,
                        "lane_hours_plan": plan,
                        "officer_hours_today": today * officers,
                        "officer_hours_plan": plan * officers,
                        "cost_today_usd": today * officers * self.cost.usd_per_officer_hour,
                        "cost_plan_usd": plan * officers * self.cost.usd_per_officer_hour,
                        "cost_change_usd": (plan - today) * officers * self.cost.usd_per_officer_hour,
                        "hours_met": flags.count(MET),
                        "hours_unreachable": flags.count(UNREACHABLE),
                        "hours_missed": flags.count(MISSED),
                        "hours_over_today": over_today,
                    }
                )
        return pd.DataFrame(rows)

    def unreachable(self) -> pd.DataFrame:
        """Every lane-type hour no staffing brings under the target (and any the plan misses):
        the statistic with every booth open, and under the plan."""
        rows = []
        for c in self.classes:
            for lane, days in c.status.items():
                for day in DAY_TYPES:
                    for hour, flag in enumerate(days[day]):
                        if flag in (UNREACHABLE, MISSED):
                            rows.append(
                                {
                                    "crossing": c.crossing,
                                    "name": c.name,
                                    "class": c.vehicle,
                                    "lane": lane,
                                    "day": day,
                                    "hour": hour,
                                    "status": flag,
                                    "booths": c.ceiling[lane][day][hour],
                                    "wait_all_booths_min": c.wait_all_booths[lane][day][hour],
                                    "wait_plan_min": c.wait[lane][day][hour],
                                }
                            )
        return pd.DataFrame(
            rows,
            columns=[
                "crossing",
                "name",
                "class",
                "lane",
                "day",
                "hour",
                "status",
                "booths",
                "wait_all_booths_min",
                "wait_plan_min",
            ],
        )

    def totals(self) -> dict[str, float]:
        s = self.summary()
        keys = [
            "lane_hours_today",
            "lane_hours_plan",
            "officer_hours_today",
            "officer_hours_plan",
            "cost_today_usd",
            "cost_plan_usd",
            "cost_change_usd",
            "hours_met",
            "hours_unreachable",
            "hours_missed",
            "hours_over_today",
        ]
        return {k: float(s[k].sum()) if len(s) else 0.0 for k in keys}

    def to_json(self, out: str | None = None) -> dict[str, Any]:
        return {
            "port": {"code": self.code, "name": self.label},
            "month": str(self.month),
            "target_min": self.target,
            "stat": self.stat,
            "replications": self.replications,
            "seed": self.seed,
            "officer_cost": self.cost.model_dump(),
            "days": self.days,
            "seconds": self.seconds,
            "totals": self.totals(),
            "summary": self.summary().to_dict(orient="records"),
            "unreachable": self.unreachable().to_dict(orient="records"),
            "classes": [
                {
                    "crossing": c.crossing,
                    "name": c.name,
                    "class": c.vehicle,
                    "lanes": c.lanes,
                    "today": c.today,
                    "floor": c.floor,
                    "booths": c.ceiling,
                    "wait": c.wait,
                    "wait_today": c.wait_today,
                    "wait_all_booths": c.wait_all_booths,
                    "status": c.status,
                    "evaluations": c.evaluations,
                    "sweeps": c.sweeps,
                    "converged": c.converged,
                }
                for c in self.classes
            ],
            "notes": self.notes,
            "warnings": self.warnings,
            "staffing_file": out,
        }


def plan_staffing(
    place: str,
    month: str,
    target: float,
    stat: str = "mean",
    replications: int = 5,
    seed: int = 0,
    classes: list[str] | None = None,
    model: Path | None = None,
    officer_cost: float | None = None,
    announce: Callable[[Study], None] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> StaffingPlan:
    """The staffing plan of *place* for *month* (``YYYY-MM``): see the module docstring. Classes
    are planned in *workers* processes (default: all cores; 1 plans them here, each class's
    replications in threads); the plan is the same either way."""
    if not month:
        raise AnalysisError("month: give the month to plan, YYYY-MM")
    if not math.isfinite(target) or target <= 0:
        raise AnalysisError(f"target-wait: must be a positive number of minutes, got {target}")
    if stat not in STATISTICS:
        raise AnalysisError(f"stat: must be one of {', '.join(STATISTICS)}, got {stat!r}")
    if replications < 1:
        raise AnalysisError(f"replications: must be >= 1, got {replications}")
    cost = OfficerCost.default(officer_cost)
    started = time.perf_counter()
    study = prepare(place, None, month, model, classes)
    if study.kind == "new":
        raise AnalysisError("port: give an existing port or crossing; a new crossing has no schedule today")
    if announce is not None:
        announce(study)
    period = study.months[0]
    jobs = [(spec, vehicle) for spec in study.specs for vehicle in spec.classes]
    size = {(spec.crossing, v): _free(spec.classes[v]) for spec, v in jobs}
    total = 2 * sum(size.values())
    done = 0

    def tick(n: int) -> None:
        nonlocal done, total
        done += n
        total = max(total, done)
        if progress is not None:
            progress(done, total)

    n_workers = min(len(jobs), workers if workers is not None else (os.cpu_count() or 1))
    if n_workers <= 1:
        plans = [
            plan_class(spec, vehicle, period, target, stat, replications, seed, progress=tick) for spec, vehicle in jobs
        ]
    else:  # classes in processes, the busiest first, each on one thread
        order = sorted(jobs, key=lambda job: -size[(job[0].crossing, job[1])] * _load(job[0], job[1]))
        found: dict[tuple[str, str], ClassPlan] = {}
        with process_pool(n_workers) as pool:
            futures = {
                pool.submit(plan_class, spec, vehicle, period, target, stat, replications, seed, threads=1): (
                    spec.crossing,
                    vehicle,
                )
                for spec, vehicle in order
            }
            for future in as_completed(futures):
                key = futures[future]
                found[key] = future.result()
                tick(2 * size[key])
        plans = [found[(spec.crossing, vehicle)] for spec, vehicle in jobs]
    if progress is not None:
        progress(total, total)
    return StaffingPlan(
        study.label,
        study.code,
        period,
        float(target),
        stat,
        replications,
        seed,
        cost,
        plans,
        list(study.notes),
        list(study.warnings),
        time.perf_counter() - started,
    )


__all__ = [
    "ClassEvaluator",
    "ClassPlan",
    "OfficerCost",
    "StaffingPlan",
    "bounds",
    "day_counts",
    "lane_hours",
    "plan_class",
    "plan_staffing",
    "today_lanes",
]
