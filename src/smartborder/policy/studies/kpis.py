"""The figures of one replication: waits as CBP measures them, per lane, per hour, and their cost.

Waits are measured as CBP's Border Wait Times measures them — joining the queue to reaching
primary — for vehicles that arrived while the class was open. A vehicle that arrived before the
lanes opened (the pre-opening queue) has its time *waiting for opening* reported apart, and its
wait after opening beside it; both count in the delay and its cost.

Keys (``{v}`` a class, ``{lane}`` a physical lane type, ``{e}`` an entitlement group):

- ``{v}.wait_mean_min``, ``{v}.wait_p95_min``: CBP-style wait of arrivals while open (percentiles
  from quarter-minute histograms);
- ``{v}.lane.{lane}.wait_mean_min|wait_p95_min|vehicles|booth_hours|utilisation``: per lane
  type *used* (what CBP publishes per lane);
- ``{v}.{e}.wait_mean_min|wait_p95_min``: per entitlement (who holds what card);
- ``{v}.preopening_vehicles``, ``{v}.opening_wait_mean_min``: the pre-opening queue;
- ``{v}.balked`` (classes with ``patience``): drivers who found the line longer than they would
  wait and did not join it (not in ``{v}.vehicles``); with a chain (``ports/chain.py``), at the
  end of the line in Mexico;
- ``{v}.booth_hours``: staffed primary lane-hours in the period;
- ``{v}.vehicle_hours_delay`` (all waiting: to primary, for opening, at secondary), costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from smartborder.policy.studies.costs import CostParameters, class_cost
from smartborder.policy.studies.crossing_time import crossing_kpis
from smartborder.policy.studies.targeting_twin import FlowOutcome
from smartborder.ports.spec import PortSpec
from smartborder.twin import (
    HIST_BIN_MIN,
    HIST_MAX_MIN,
    FlowTrace,
    LeanResult,
    LeanTrace,
    SimulationResult,
    accumulate_waits,
    histogram_quantile,
)

DAYS = ("weekday", "weekend")


@dataclass
class Hourly:
    """Sums of waits and counts by (class, lane, day type, hour of arrival): additive over runs."""

    wait: dict[tuple[str, str, str], np.ndarray]
    count: dict[tuple[str, str, str], np.ndarray]

    @classmethod
    def empty(cls) -> Hourly:
        return cls({}, {})

    def add(self, other: Hourly) -> None:
        for key, value in other.wait.items():
            self.wait[key] = self.wait.get(key, np.zeros(24)) + value
            self.count[key] = self.count.get(key, np.zeros(24)) + other.count[key]

    def mean(self) -> dict[str, dict[str, dict[str, list[float | None]]]]:
        """``{class: {lane: {weekday: [24], weekend: [24]}}}``, None where nothing arrived."""
        out: dict[str, dict[str, dict[str, list[float | None]]]] = {}
        for (vehicle, lane, day), total in sorted(self.wait.items()):
            count = self.count[(vehicle, lane, day)]
            values = [float(w / n) if n > 0 else None for w, n in zip(total, count, strict=True)]
            out.setdefault(vehicle, {}).setdefault(lane, {})[day] = values
        for lanes in out.values():
            for days in lanes.values():
                for day in DAYS:
                    days.setdefault(day, [None] * 24)
        return out

    def frame(self) -> pd.DataFrame:
        rows = [
            (v, lane, day, h, float(self.wait[(v, lane, day)][h]), float(self.count[(v, lane, day)][h]))
            for (v, lane, day) in sorted(self.wait)
            for h in range(24)
        ]
        frame = pd.DataFrame(rows, columns=["class", "lane", "day", "hour", "wait_sum_min", "vehicles"])
        frame["wait_mean_min"] = frame["wait_sum_min"] / frame["vehicles"].where(frame["vehicles"] > 0)
        return frame


def _next_open(open_by_hour: np.ndarray) -> np.ndarray:
    """Per run hour, the first hour at or after it with a lane open (len if never)."""
    n = open_by_hour.size
    index = np.where(open_by_hour, np.arange(n), n)
    return np.minimum.accumulate(index[::-1])[::-1].astype(np.int64)


def _primary(trace: FlowTrace | LeanTrace, step: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """When every vehicle of a flow reached CBP's line, and its primary station, start and end
    (*step*: the route's primary step; after it the arrival at Mexico's customs, where a
    truck's crossing starts, is not the time it joined CBP's line)."""
    if isinstance(trace, LeanTrace):
        return trace.arrival, trace.lane, trace.begin, trace.finish
    reach = trace.arrival if step == 0 else trace.reach[:, step]
    return reach, trace.station[:, step], trace.start[:, step], trace.end[:, step]


def _second(trace: FlowTrace | LeanTrace, horizon: float, step: int = 1) -> tuple[int, float]:
    """Vehicles of the period sent to CBP's secondary (route *step*), and their minutes waiting there."""
    if isinstance(trace, LeanTrace):
        inside = trace.arrival[trace.referred] < horizon
        waits = trace.second_start[inside] - trace.finish[trace.referred][inside]
        return int(inside.sum()), float(waits.sum())
    if trace.station.shape[1] <= step:
        return 0, 0.0
    stop = int(np.searchsorted(trace.arrival, horizon))
    column = trace.station[trace.n_initial : stop, step]
    visited = np.flatnonzero(column >= 0) + trace.n_initial
    waits = trace.start[visited, step] - trace.reach[visited, step]
    return int(visited.size), float(waits.sum())


@njit(cache=True, nogil=True)
def _outcome_counts(
    illicit: np.ndarray, red: np.ndarray, random: np.ndarray, caught: np.ndarray, lo: int, hi: int
) -> np.ndarray:
    """Over vehicles lo..hi-1, in one pass: illicit, caught, red not random, caught not random,
    random, caught at random."""
    illicit_n, caught_n, red_n, targeted_hits, random_n, random_hits = 0, 0, 0, 0, 0, 0
    for i in range(lo, hi):
        at_random = random[np.uint64(i)]
        found = caught[np.uint64(i)]
        illicit_n += illicit[np.uint64(i)]
        caught_n += found
        red_n += red[np.uint64(i)] > at_random  # red and not at random
        targeted_hits += found > at_random
        random_n += at_random
        random_hits += found & at_random
    out = np.empty(6, dtype=np.int64)
    out[0], out[1], out[2] = illicit_n, caught_n, red_n
    out[3], out[4], out[5] = targeted_hits, random_n, random_hits
    return out


def kpis(
    spec: PortSpec,
    result: SimulationResult | LeanResult,
    persons: dict[str, float],
    costs: CostParameters,
    outcomes: dict[str, FlowOutcome] | None = None,
    hourly: Hourly | None = None,
) -> dict[str, float]:
    """Headline figures of one replication (what scenarios are compared on); *hourly*, if given,
    receives this replication's waits by lane and hour. Percentiles come from wait histograms
    in quarter-minute bins (``twin.metrics.HIST_BIN_MIN``)."""
    out: dict[str, float] = {}
    outcomes = outcomes or {}
    days = result.horizon / 1440.0
    hours_in_run = int(np.ceil(result.horizon / 60.0))
    index = {name: i for i, name in enumerate(result.station_names)}
    n_bins = int(HIST_MAX_MIN / HIST_BIN_MIN) + 1
    for vehicle, cls in spec.classes.items():
        primaries = [f"{vehicle}.primary.{lane}" for lane in cls.lanes]
        lanes = list(cls.lanes)
        servers = np.stack([result.servers[name] for name in primaries])
        open_by_hour = servers.sum(axis=0) > 0
        next_open = _next_open(open_by_hour)
        always_open = np.ones_like(open_by_hour)
        always_next = _next_open(always_open)
        local = np.full(len(index), -1, dtype=np.int64)
        for k, name in enumerate(primaries):
            local[index[name]] = k
        n_lanes = len(lanes)
        class_hist = np.zeros((n_lanes, n_bins), dtype=np.int64)
        class_counts, class_sums = np.zeros(n_lanes), np.zeros(n_lanes)
        hourly_sum, hourly_count = np.zeros((n_lanes, 2, 24)), np.zeros((n_lanes, 2, 24))
        busy = np.zeros(n_lanes)
        totals = np.zeros(5)  # vehicles, all waiting, pre-opening vehicles, minutes until opening, left
        referred, secondary_minutes = 0, 0.0
        illicit_present, illicit_caught = 0.0, 0.0
        split = {"targeted_inspections": 0.0, "targeted_hits": 0.0, "random_inspections": 0.0, "random_hits": 0.0}
        for entitlement in cls.flow_shares():
            trace = result.flows[f"{vehicle}.{entitlement}"]
            step = result.model.flow(f"{vehicle}.{entitlement}").primary_step
            arrival, station, begin, finish = _primary(trace, step)
            # After a chain's stages in Mexico every truck that reaches CBP's line is served
            # (ports/chain.py); the pre-opening queue forms at Mexico's customs, not here.
            flow_open, flow_next = (open_by_hour, next_open) if step == 0 else (always_open, always_next)
            hist = np.zeros((n_lanes, n_bins), dtype=np.int64)
            counts, sums = np.zeros(n_lanes), np.zeros(n_lanes)
            accumulate_waits(
                arrival,
                station,
                begin,
                finish,
                trace.n_initial,
                result.horizon,
                flow_open,
                flow_next,
                result.start_weekday,
                result.start_hour,
                HIST_BIN_MIN,
                counts,
                sums,
                hist,
                hourly_sum,
                hourly_count,
                busy,
                totals,
                lane_of=local,
            )
            if step > 0 and isinstance(trace, FlowTrace):  # who turned away at the end of the line in Mexico
                stop = int(np.searchsorted(trace.arrival, result.horizon))
                totals[4] += float((trace.station[trace.n_initial : stop] < 0).all(axis=1).sum())
            class_hist += hist
            class_counts += counts
            class_sums += sums
            if counts.sum():
                flow_hist = hist.sum(axis=0)
                out[f"{vehicle}.{entitlement}.wait_mean_min"] = float(sums.sum() / counts.sum())
                out[f"{vehicle}.{entitlement}.wait_p95_min"] = histogram_quantile(flow_hist, 0.95)
            sent, minutes = _second(trace, result.horizon, step + 1)
            referred += sent
            secondary_minutes += minutes
            outcome = outcomes.get(f"{vehicle}.{entitlement}")
            if outcome is not None:
                stop = int(np.searchsorted(trace.arrival, result.horizon)) - trace.n_initial
                lo, hi, _ = slice(0, stop).indices(outcome.red.size)
                tally = _outcome_counts(outcome.illicit, outcome.red, outcome.random, outcome.caught, lo, hi)
                illicit_present += float(tally[0])
                illicit_caught += float(tally[1])
                split["targeted_inspections"] += float(tally[2])
                split["targeted_hits"] += float(tally[3])
                split["random_inspections"] += float(tally[4])
                split["random_hits"] += float(tally[5])
        if hourly is not None:
            for k, lane in enumerate(lanes):
                for d, day in enumerate(DAYS):
                    if hourly_count[k, d].sum():
                        cell = (vehicle, lane, day)
                        hourly.wait[cell] = hourly.wait.get(cell, np.zeros(24)) + hourly_sum[k, d]
                        hourly.count[cell] = hourly.count.get(cell, np.zeros(24)) + hourly_count[k, d]
        booth_hours = 0.0
        for k, (name, lane) in enumerate(zip(primaries, lanes, strict=True)):
            staffed = float(result.servers[name][:hours_in_run].sum())
            booth_hours += staffed
            out[f"{vehicle}.lane.{lane}.booth_hours"] = staffed
            out[f"{vehicle}.lane.{lane}.vehicles"] = float(class_counts[k])
            if class_counts[k]:
                out[f"{vehicle}.lane.{lane}.wait_mean_min"] = float(class_sums[k] / class_counts[k])
                out[f"{vehicle}.lane.{lane}.wait_p95_min"] = histogram_quantile(class_hist[k], 0.95)
            out[f"{vehicle}.lane.{lane}.utilisation"] = float(busy[k]) / (staffed * 60.0) if staffed else float("nan")
        count = int(totals[0])
        queue_minutes = float(totals[1]) + secondary_minutes
        vehicle_hours = queue_minutes / 60.0
        person_hours = vehicle_hours * persons.get(vehicle, 1.0)
        out[f"{vehicle}.vehicles"] = float(count)
        out[f"{vehicle}.throughput_per_day"] = count / days if days else np.nan
        if class_counts.sum():
            out[f"{vehicle}.wait_mean_min"] = float(class_sums.sum() / class_counts.sum())
            out[f"{vehicle}.wait_p95_min"] = histogram_quantile(class_hist.sum(axis=0), 0.95)
        pre = int(totals[2])
        out[f"{vehicle}.preopening_vehicles"] = float(pre)
        if cls.patience is not None:  # drivers who found the line too long and did not join it
            out[f"{vehicle}.balked"] = float(totals[4])
        out[f"{vehicle}.opening_wait_mean_min"] = float(totals[3]) / pre if pre else 0.0
        out[f"{vehicle}.booth_hours"] = booth_hours
        out[f"{vehicle}.vehicle_hours_delay"] = vehicle_hours
        out[f"{vehicle}.person_hours_delay"] = person_hours
        out[f"{vehicle}.secondary_inspections"] = float(referred)
        out[f"{vehicle}.secondary_wait_mean_min"] = secondary_minutes / referred if referred else 0.0
        out[f"{vehicle}.illicit_loads"] = float(illicit_present)
        out[f"{vehicle}.illicit_caught"] = float(illicit_caught)
        for key, value in split.items():
            out[f"{vehicle}.{key}"] = value
        for key, value in class_cost(vehicle, vehicle_hours, person_hours, costs).items():
            out[f"{vehicle}.{key}"] = value
    out.update(crossing_kpis(spec, result, persons, costs))
    return out


def add_port_totals(runs: pd.DataFrame, vehicles: list[str]) -> pd.DataFrame:
    """Crossing-wide sums of cost, CO₂ and hours over the classes present."""
    runs = runs.copy()
    for key, column in (
        ("total_cost_usd", "total_cost_usd"),
        ("co2_tonnes", "co2_tonnes"),
        ("vehicle_hours", "vehicle_hours_delay"),
        ("person_hours", "person_hours_delay"),
        ("booth_hours", "booth_hours"),
    ):
        runs[f"port.{key}"] = sum(runs[f"{v}.{column}"] for v in vehicles)
    return runs


def monthly(spec: PortSpec, result: SimulationResult | LeanResult, months: list[pd.Period]) -> list[dict[str, object]]:
    """One replication's figures by calendar month and class: vehicles arriving in the month,
    those that arrived while open (``waited``) and the sum of their waits to primary (minutes),
    and every vehicle's minutes to primary (``queue_min``: waits plus waiting for opening).

    The run starts at midnight on the first day of ``months[0]``; a vehicle belongs to the month
    it arrived in. Means are ``wait_sum_min / waited``, as ``kpis`` computes them over the run.
    """
    bounds = np.cumsum([0] + [m.days_in_month * 1440.0 for m in months])
    rows: list[dict[str, object]] = []
    for vehicle, cls in spec.classes.items():
        open_by_hour = np.stack([result.servers[f"{vehicle}.primary.{lane}"] for lane in cls.lanes]).sum(axis=0) > 0
        n = len(months)
        count, waited, wait_sum, queue = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
        for entitlement in cls.flow_shares():
            trace = result.flows[f"{vehicle}.{entitlement}"]
            step = result.model.flow(f"{vehicle}.{entitlement}").primary_step
            arrival, _, begin, _ = _primary(trace, step)
            stop = int(np.searchsorted(trace.arrival, result.horizon))
            arrival, begin = arrival[trace.n_initial : stop], begin[trace.n_initial : stop]
            joined = ~np.isnan(begin)  # who found the line too long and left is not counted
            arrival, begin = arrival[joined], begin[joined]
            served = np.isfinite(begin)
            month = np.searchsorted(bounds, arrival, side="right") - 1
            hour = np.minimum((arrival // 60.0).astype(np.int64), open_by_hour.size - 1)
            is_open = (open_by_hour[hour] | (step > 0)) & served  # chains: see kpis
            wait = np.where(served, begin - arrival, 0.0)
            count += np.bincount(month, minlength=n)[:n]
            waited += np.bincount(month, weights=is_open, minlength=n)[:n]
            wait_sum += np.bincount(month, weights=np.where(is_open, wait, 0.0), minlength=n)[:n]
            queue += np.bincount(month, weights=wait, minlength=n)[:n]
        for k, period in enumerate(months):
            rows.append(
                {
                    "month": str(period),
                    "class": vehicle,
                    "vehicles": float(count[k]),
                    "waited": float(waited[k]),
                    "wait_sum_min": float(wait_sum[k]),
                    "queue_min": float(queue[k]),
                }
            )
    return rows
