"""The figures of one replication: waits as CBP measures them, per lane, per hour, and their cost.

Waits are measured as CBP's Border Wait Times measures them — joining the queue to reaching
primary — for vehicles that arrived while the class was open. A vehicle that arrived before the
lanes opened (the pre-opening queue) has its time *waiting for opening* reported apart, and its
wait after opening beside it; both count in the delay and its cost.

Keys (``{v}`` a class, ``{lane}`` a physical lane type, ``{e}`` an entitlement group):

- ``{v}.wait_mean_min``, ``{v}.wait_p95_min``: CBP-style wait of arrivals while open;
- ``{v}.lane.{lane}.wait_mean_min|wait_p95_min|vehicles|booth_hours|utilisation``: per lane
  type *used* (what CBP publishes per lane);
- ``{v}.{e}.wait_mean_min|wait_p95_min``: per entitlement (who holds what card);
- ``{v}.preopening_vehicles``, ``{v}.opening_wait_mean_min``: the pre-opening queue;
- ``{v}.booth_hours``: staffed primary lane-hours in the period;
- ``{v}.vehicle_hours_delay`` (all waiting: to primary, for opening, at secondary), costs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder.policy.costs import CostParameters, class_cost
from smartborder.policy.targeting_twin import FlowOutcome
from smartborder.ports.spec import PortSpec
from smartborder.twin.engine import SimulationResult

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
        rows = [(v, lane, day, h, float(self.wait[(v, lane, day)][h]), float(self.count[(v, lane, day)][h]))
                for (v, lane, day) in sorted(self.wait) for h in range(24)]
        frame = pd.DataFrame(rows, columns=["class", "lane", "day", "hour", "wait_sum_min", "vehicles"])
        frame["wait_mean_min"] = frame["wait_sum_min"] / frame["vehicles"].where(frame["vehicles"] > 0)
        return frame


def _clock(result: SimulationResult, minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local hour of day and weekend flag of run times (minutes)."""
    absolute = minutes + result.start_hour * 60.0
    hour = (absolute // 60.0).astype(np.int64) % 24
    weekday = (result.start_weekday + (absolute // 1440.0).astype(np.int64)) % 7
    return hour, weekday >= 5


def _next_open(open_by_hour: np.ndarray) -> np.ndarray:
    """Per run hour, the first hour at or after it with a lane open (len if never)."""
    n = open_by_hour.size
    out = np.full(n, n, dtype=np.int64)
    nxt = n
    for h in range(n - 1, -1, -1):
        if open_by_hour[h]:
            nxt = h
        out[h] = nxt
    return out


def kpis(spec: PortSpec, result: SimulationResult, persons: dict[str, float],
         costs: CostParameters, outcomes: dict[str, FlowOutcome] | None = None,
         hourly: Hourly | None = None) -> dict[str, float]:
    """Headline figures of one replication (what scenarios are compared on); *hourly*, if given,
    receives this replication's waits by lane and hour."""
    out: dict[str, float] = {}
    outcomes = outcomes or {}
    days = result.horizon / 1440.0
    hours_in_run = int(np.ceil(result.horizon / 60.0))
    index = {name: i for i, name in enumerate(result.station_names)}
    for vehicle, cls in spec.classes.items():
        primaries = [f"{vehicle}.primary.{lane}" for lane in cls.lanes]
        servers = np.stack([result.servers[name] for name in primaries])
        open_by_hour = servers.sum(axis=0) > 0
        next_open = _next_open(open_by_hour)
        lane_of = {index[name]: name.rsplit(".", 1)[1] for name in primaries}
        lane_waits: dict[str, list[np.ndarray]] = {lane: [] for lane in cls.lanes}
        waits, queue_minutes, referred, count = [], 0.0, 0, 0
        pre_count, opening_minutes = 0, 0.0
        illicit_present, illicit_caught, secondary_minutes = 0.0, 0.0, 0.0
        split = {"targeted_inspections": 0.0, "targeted_hits": 0.0, "random_inspections": 0.0, "random_hits": 0.0}
        busy = np.zeros(len(index))
        for entitlement in cls.flow_shares():
            trace = result.flows[f"{vehicle}.{entitlement}"]
            # Vehicles that arrived within the period (all but the initial queue, usually).
            inside = slice(trace.n_initial, int(np.searchsorted(trace.arrival, result.horizon)))
            arrival = trace.arrival[inside]
            wait = trace.start[inside, 0] - arrival
            station = trace.station[inside, 0]
            hour_index = np.minimum((arrival // 60.0).astype(np.int64), open_by_hour.size - 1)
            while_open = open_by_hour[hour_index]
            queue_minutes += float(wait.sum())
            if not while_open.all():
                closed = ~while_open
                opens = next_open[hour_index[closed]] * 60.0
                pre_count += int(closed.sum())
                opening_minutes += float(np.clip(opens - arrival[closed], 0, None).sum())
            open_wait = wait[while_open] if not while_open.all() else wait
            waits.append(open_wait)
            open_station = station[while_open] if not while_open.all() else station
            for st, lane in lane_of.items():
                lane_waits[lane].append(open_wait[open_station == st])
            if hourly is not None and open_wait.size:
                hour, weekend = _clock(result, arrival[while_open] if not while_open.all() else arrival)
                for st, lane in lane_of.items():
                    here = open_station == st
                    if not here.any():
                        continue
                    for flag, day in ((False, "weekday"), (True, "weekend")):
                        pick = here & (weekend == flag)
                        key = (vehicle, lane, day)
                        hourly.wait[key] = hourly.wait.get(key, np.zeros(24)) + np.bincount(
                            hour[pick], open_wait[pick], minlength=24)
                        hourly.count[key] = hourly.count.get(key, np.zeros(24)) + np.bincount(
                            hour[pick], minlength=24)
            served = np.clip(np.minimum(trace.end[:, 0], result.horizon)
                             - np.minimum(trace.start[:, 0], result.horizon), 0, None)
            codes = trace.station[:, 0]
            busy += np.bincount(codes[codes >= 0], served[codes >= 0], minlength=len(index))
            referred_here = 0
            for k in range(1, trace.station.shape[1]):
                visited = np.flatnonzero(trace.station[inside, k] >= 0)
                secondary = float((trace.start[inside, k][visited] - trace.reach[inside, k][visited]).sum())
                queue_minutes += secondary
                secondary_minutes += secondary
                referred_here += visited.size
            referred += referred_here
            count += wait.size
            outcome = outcomes.get(f"{vehicle}.{entitlement}")
            if outcome is not None:
                window = slice(0, inside.stop - trace.n_initial)
                red, rand, caught = outcome.red[window], outcome.random[window], outcome.caught[window]
                illicit_present += float(np.count_nonzero(outcome.illicit[window]))
                illicit_caught += float(np.count_nonzero(caught))
                split["targeted_inspections"] += float(np.count_nonzero(red & ~rand))
                split["targeted_hits"] += float(np.count_nonzero(caught & ~rand))
                split["random_inspections"] += float(np.count_nonzero(rand))
                split["random_hits"] += float(np.count_nonzero(caught & rand))
            if open_wait.size:
                out[f"{vehicle}.{entitlement}.wait_mean_min"] = float(open_wait.mean())
                out[f"{vehicle}.{entitlement}.wait_p95_min"] = float(np.quantile(open_wait, 0.95))
        booth_hours = 0.0
        for name, lane in ((n, n.rsplit(".", 1)[1]) for n in primaries):
            staffed = float(result.servers[name][:hours_in_run].sum())
            booth_hours += staffed
            values = np.concatenate(lane_waits[lane]) if lane_waits[lane] else np.empty(0)
            out[f"{vehicle}.lane.{lane}.booth_hours"] = staffed
            out[f"{vehicle}.lane.{lane}.vehicles"] = float(values.size)
            if values.size:
                out[f"{vehicle}.lane.{lane}.wait_mean_min"] = float(values.mean())
                out[f"{vehicle}.lane.{lane}.wait_p95_min"] = float(np.quantile(values, 0.95))
            out[f"{vehicle}.lane.{lane}.utilisation"] = (
                float(busy[index[name]]) / (staffed * 60.0) if staffed else float("nan"))
        all_waits = np.concatenate(waits) if waits else np.empty(0)
        vehicle_hours = queue_minutes / 60.0
        person_hours = vehicle_hours * persons.get(vehicle, 1.0)
        out[f"{vehicle}.vehicles"] = float(count)
        out[f"{vehicle}.throughput_per_day"] = count / days if days else np.nan
        if all_waits.size:
            out[f"{vehicle}.wait_mean_min"] = float(all_waits.mean())
            out[f"{vehicle}.wait_p95_min"] = float(np.quantile(all_waits, 0.95))
        out[f"{vehicle}.preopening_vehicles"] = float(pre_count)
        out[f"{vehicle}.opening_wait_mean_min"] = opening_minutes / pre_count if pre_count else 0.0
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
    return out


def add_port_totals(runs: pd.DataFrame, vehicles: list[str]) -> pd.DataFrame:
    """Crossing-wide sums of cost, CO₂ and hours over the classes present."""
    runs = runs.copy()
    for key, column in (("total_cost_usd", "total_cost_usd"), ("co2_tonnes", "co2_tonnes"),
                        ("vehicle_hours", "vehicle_hours_delay"), ("person_hours", "person_hours_delay"),
                        ("booth_hours", "booth_hours")):
        runs[f"port.{key}"] = sum(runs[f"{v}.{column}"] for v in vehicles)
    return runs
