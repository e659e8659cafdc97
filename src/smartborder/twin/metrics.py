"""From per-vehicle times to the figures people read.

Wait is measured as CBP's Border Wait Times measures it: from joining the queue at the port to
reaching primary inspection (the start of the primary step), per lane type. Time in port runs
from arrival to leaving the last station. Vehicles of the initial queue are excluded from wait
statistics (their queueing began before the run) but counted in throughput and queue length.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numba import njit

from smartborder.twin.engine import SimulationResult
from smartborder.twin.kernels import queue_area_by_bin

if TYPE_CHECKING:
    from smartborder.twin.lean import LeanResult

QUANTILES = (0.5, 0.95)


def vehicle_table(result: SimulationResult) -> pd.DataFrame:
    """One row per vehicle: flow, vehicle, lane, arrival, wait to primary, time in port."""
    frames = []
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        k = flow.primary_step
        frames.append(
            pd.DataFrame(
                {
                    "flow": flow.name,
                    "vehicle": flow.vehicle,
                    "lane": flow.lane,
                    "initial": np.arange(trace.size) < trace.n_initial,
                    "arrival": trace.arrival,
                    "wait": trace.start[:, k] - (trace.reach[:, k] if k else trace.arrival),  # from its line
                    "primary_station": trace.station[:, k],
                    "time_in_port": trace.exit - trace.arrival,
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table["primary_station"] = (
        pd.Categorical.from_codes(
            table["primary_station"].clip(lower=-1), categories=result.station_names, validate=False
        )
        if len(table)
        else table["primary_station"]
    )
    return table


def _stats(waits: pd.Series) -> dict[str, float]:
    values = waits.to_numpy(dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return {"count": 0, "mean": np.nan, "p50": np.nan, "p95": np.nan, "max": np.nan}
    p50, p95 = np.quantile(values, QUANTILES)
    return {
        "count": int(values.size),
        "mean": float(values.mean()),
        "p50": float(p50),
        "p95": float(p95),
        "max": float(values.max()),
    }


def wait_by_lane(result: SimulationResult) -> pd.DataFrame:
    """Wait to primary (minutes) per vehicle type and lane: count, mean, p50, p95, max."""
    table = vehicle_table(result)
    table = table[~table["initial"] & (table["arrival"] < result.horizon)]
    rows = {key: _stats(group["wait"]) for key, group in table.groupby(["vehicle", "lane"])}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = ["vehicle", "lane"]
    return out


def _station_visits(result: SimulationResult | LeanResult, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    reach, start, end = [], [], []
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        mask = trace.station == index
        reach.append(trace.reach[mask])
        start.append(trace.start[mask])
        end.append(trace.end[mask])
    return np.concatenate(reach), np.concatenate(start), np.concatenate(end)


def queue_area(reach: np.ndarray, start: np.ndarray, t: np.ndarray) -> np.ndarray:
    """∫₀ᵗ (number waiting) for each time in *t*: Σ over vehicles of their waiting time before t."""
    reach_sorted, start_sorted = np.sort(reach), np.sort(start)
    cum_r = np.concatenate([[0.0], np.cumsum(reach_sorted)])
    cum_s = np.concatenate([[0.0], np.cumsum(start_sorted)])
    n_r = np.searchsorted(reach_sorted, t, side="left")
    n_s = np.searchsorted(start_sorted, t, side="left")
    result: np.ndarray = (n_r * t - cum_r[n_r]) - (n_s * t - cum_s[n_s])
    return result


def station_summary(result: SimulationResult | LeanResult) -> pd.DataFrame:
    """Per station over the horizon: visits, served, mean wait, mean/max queue, utilisation."""
    horizon = result.horizon
    rows = {}
    for index, name in enumerate(result.station_names):
        reach, start, end = _station_visits(result, index)
        in_horizon = reach < horizon
        capacity = result.servers[name]
        full_hours = int(horizon // 60)
        available = capacity[:full_hours].sum() * 60.0 + capacity[full_hours] * (horizon - full_hours * 60)
        busy = np.clip(np.minimum(end, horizon) - np.minimum(start, horizon), 0, None).sum()
        bins = int(np.ceil(horizon / 60.0)) if horizon > 0 else 0
        hourly_area = queue_area_by_bin(reach, start, 60.0, bins) if reach.size and bins else np.zeros(0)
        # The last bin may run past the horizon; drop what lies beyond it.
        overshoot = queue_area_by_bin(reach, start, horizon, 1)[0] if reach.size and bins else 0.0
        area = overshoot
        hourly = hourly_area / 60.0
        station = result.model.station(name)
        rows[name] = {
            "stage": station.stage,
            "visits": int(in_horizon.sum()),
            "served": int((end <= horizon).sum()),
            "mean_wait": float((start - reach)[in_horizon].mean()) if in_horizon.any() else np.nan,
            "mean_queue": float(area / horizon) if horizon > 0 else np.nan,
            "max_hourly_queue": float(hourly.max()) if hourly.size else 0.0,
            "utilisation": float(busy / available) if available > 0 else np.nan,
            "server_hours": float(available / 60.0),
            "unserved": int(np.isinf(start).sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def summary(result: SimulationResult) -> dict[str, float]:
    """Headline figures of one run (what replications average and put intervals on)."""
    table = vehicle_table(result)
    table = table[~table["initial"] & (table["arrival"] < result.horizon)]
    left = table["primary_station"].isna() if len(table) else table["wait"]
    figures: dict[str, float] = {
        "vehicles": float(len(table) - int(left.sum())),
        "mean_time_in_port": float(table["time_in_port"].mean()) if len(table) else np.nan,
    }
    if any(flow.patience is not None for flow in result.model.flows):
        figures["balked"] = float(left.sum())
    for (vehicle, lane), group in table.groupby(["vehicle", "lane"]):
        stats = _stats(group["wait"])
        for key in ("mean", "p95", "max"):
            figures[f"wait_{key}[{vehicle}/{lane}]"] = stats[key]
        figures[f"count[{vehicle}/{lane}]"] = stats["count"]
    stations = station_summary(result)
    for name, row in stations.iterrows():
        figures[f"utilisation[{name}]"] = row["utilisation"]
        figures[f"visits[{name}]"] = row["visits"]
    return figures


def visit_table(result: SimulationResult) -> pd.DataFrame:
    """One row per (vehicle, station visited): reach, start, end, wait and service minutes."""
    frames = []
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        vehicle_ids, steps = np.nonzero(trace.station >= 0)
        frames.append(
            pd.DataFrame(
                {
                    "flow": flow.name,
                    "vehicle_id": vehicle_ids,
                    "step": steps,
                    "station": np.asarray(result.station_names, dtype=object)[trace.station[vehicle_ids, steps]],
                    "reach": trace.reach[vehicle_ids, steps],
                    "start": trace.start[vehicle_ids, steps],
                    "end": trace.end[vehicle_ids, steps],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table["wait"] = table["start"] - table["reach"]
    table["service"] = table["end"] - table["start"]
    return table


#: Wait histograms (for percentiles without keeping every wait): bins this wide, up to this long.
HIST_BIN_MIN = 0.25
HIST_MAX_MIN = 4320.0  # three days; longer waits fall in the last bin


def accumulate_waits(
    arrival: np.ndarray,
    lane: np.ndarray,
    begin: np.ndarray,
    finish: np.ndarray,
    first: int,
    horizon: float,
    open_hour: np.ndarray,
    next_open: np.ndarray,
    start_weekday: int,
    start_hour: int,
    bin_width: float,
    counts: np.ndarray,
    sums: np.ndarray,
    hist: np.ndarray,
    hourly_sum: np.ndarray,
    hourly_count: np.ndarray,
    busy: np.ndarray,
    totals: np.ndarray,
    lane_of: np.ndarray | None = None,
) -> None:
    """One pass over a flow's vehicles, adding to per-lane figures (arrays indexed by *lane*).

    Vehicles from index *first* (after any initial queue) that arrived before *horizon* count:
    those arriving while their class is open (``open_hour`` by run hour) add their wait to
    ``counts``/``sums``/``hist``/``hourly_*`` (day 0 weekday, 1 weekend; local hour); those that
    arrived while it was closed add to ``totals[2]`` (count) and ``totals[3]`` (minutes until it
    opened, from ``next_open``). ``totals[0]`` counts every vehicle in the period, ``totals[1]``
    sums every wait; a vehicle that left without joining (start NaN, a flow with ``patience``)
    counts in none of these but in ``totals[4]``, if *totals* has five places. ``busy`` gets
    each vehicle's service minutes inside the period.

    With *lane_of*, *lane* holds station indices and vehicle *i* counts for lane
    ``lane_of[lane[i]]`` (the same as passing ``lane_of[lane]``, without building that array).
    The per-lane arrays must be C-contiguous (they are written through flat views).
    """
    outputs = (counts, sums, hist, hourly_sum, hourly_count, busy, totals)
    if (
        not all(a.flags.c_contiguous for a in outputs)
        or hourly_sum.shape[1:] != (2, 24)
        or hourly_count.shape != hourly_sum.shape
    ):
        raise ValueError("accumulate_waits: the per-lane arrays must be C-contiguous, hourly ones (lanes, 2, 24)")
    mapping = np.empty(0, dtype=np.int64) if lane_of is None else np.asarray(lane_of, dtype=np.int64)
    _accumulate(
        arrival,
        lane,
        mapping,
        lane_of is not None,
        begin,
        finish,
        int(first),
        float(horizon),
        open_hour,
        next_open,
        int(start_weekday),
        int(start_hour),
        float(bin_width),
        hist.shape[1],
        counts,
        sums,
        hist.reshape(-1),
        hourly_sum.reshape(-1),
        hourly_count.reshape(-1),
        busy,
        totals,
    )


@njit(cache=True, inline="always")
def _first_reaching(level: int, offset: float, width: float) -> float:
    """The smallest time x with ``int((x + offset) / width) >= level`` (level >= 1), found from
    ``level * width - offset`` by stepping one float at a time; NaN if that does not settle."""
    x = level * width - offset
    for _ in range(64):
        if not (x + offset) / width >= level:
            break
        x = np.nextafter(x, -np.inf)
    else:
        return np.nan
    for _ in range(64):
        if (x + offset) / width >= level:
            return x
        x = np.nextafter(x, np.inf)
    return np.nan


@njit(cache=True, nogil=True)
def _accumulate(
    arrival: np.ndarray,
    lane: np.ndarray,
    lane_of: np.ndarray,
    mapped: bool,
    begin: np.ndarray,
    finish: np.ndarray,
    first: int,
    horizon: float,
    open_hour: np.ndarray,
    next_open: np.ndarray,
    start_weekday: int,
    start_hour: int,
    bin_width: float,
    n_bins: int,
    counts: np.ndarray,
    sums: np.ndarray,
    hist: np.ndarray,
    hourly_sum: np.ndarray,
    hourly_count: np.ndarray,
    busy: np.ndarray,
    totals: np.ndarray,
) -> None:
    """``accumulate_waits`` on flat views of the 2-D/3-D arrays.

    The same arithmetic, arranged for speed: the run hour, local hour and day of an arrival are
    step functions of its time, so they are computed (by the same divisions) only when the time
    leaves the interval where they last held — arrivals are sorted, so about once an hour; the
    bin of a wait is ``wait * (1 / bin_width)`` when the width is a power of two (exactly
    ``wait / bin_width`` then); unsigned indices where they are known to be >= 0 (numba wraps
    signed ones around: a compare and an add per access).
    """
    n_lanes = counts.size
    n_hours = open_hour.size
    offset = start_hour * 60.0
    scale = 1.0 / bin_width
    exact_scale = math.frexp(bin_width)[0] == 0.5  # a power of two: x / width == x * scale
    # The totals in locals (the same additions in the same order, without a store per vehicle).
    vehicles, waited, closed, until_open = totals[0], totals[1], totals[2], totals[3]
    left = totals[4] if totals.size > 4 else 0.0
    low, high = np.inf, -np.inf  # arrival times in [low, high) share h, hour and day
    h, hour, day = 0, 0, 0
    for i in range(arrival.size):
        ui = np.uint64(i)
        start = begin[ui]
        if start != start:  # NaN: left without joining (balked)
            if i >= first and arrival[ui] < horizon:
                left += 1.0
            continue
        end = finish[ui]
        s = lane_of[lane[ui]] if mapped else lane[ui]  # signed: -1 means the last, as numpy does
        if s >= 0:
            served = min(horizon, end) - min(horizon, start)
            if served > 0:
                busy[np.uint64(s)] += served
        else:
            s += n_lanes
        if i < first:
            continue
        t = arrival[ui]
        if not t < horizon:
            continue
        wait = start - t
        vehicles += 1.0
        waited += wait
        if not (t >= low and t < high):
            run_hour = int(t / 60.0)
            clock = t + offset
            clock_hour = int(clock / 60.0)
            clock_day = int(clock / 1440.0)
            h = run_hour if run_hour < n_hours else n_hours - 1
            hour = clock_hour % 24
            day = 1 if (start_weekday + clock_day) % 7 >= 5 else 0
            low = t
            high = -np.inf  # recompute at the next arrival unless the bounds below are found
            if run_hour >= 0 and clock_hour >= 0 and clock_day >= 0:
                next_run = _first_reaching(run_hour + 1, 0.0, 60.0)
                next_hour = _first_reaching(clock_hour + 1, offset, 60.0)
                next_day = _first_reaching(clock_day + 1, offset, 1440.0)
                if next_run > t and next_hour > t and next_day > t:  # else (NaN) recompute each time
                    high = min(next_run, next_hour, next_day)
        if open_hour[np.uint64(h)]:
            us = np.uint64(s)
            counts[us] += 1.0
            sums[us] += wait
            b = int(wait * scale) if exact_scale else int(wait / bin_width)
            if b >= n_bins or b < 0:
                b = n_bins - 1
            hist[np.uint64(s * n_bins + b)] += 1
            cell = np.uint64(s * 48 + day * 24 + hour)
            hourly_sum[cell] += wait
            hourly_count[cell] += 1.0
        else:
            closed += 1.0
            opens = next_open[np.uint64(h)] * 60.0
            if opens > t:
                until_open += opens - t
    totals[0] = vehicles
    totals[1] = waited
    totals[2] = closed
    totals[3] = until_open
    if totals.size > 4:
        totals[4] = left


def histogram_quantile(hist: np.ndarray, q: float, bin_width: float = HIST_BIN_MIN) -> float:
    """The *q* quantile of waits counted in *hist* (linear within the bin); NaN if empty."""
    total = float(hist.sum())
    if total <= 0:
        return float("nan")
    cumulative = np.cumsum(hist)
    target = q * total
    b = int(np.searchsorted(cumulative, target, side="left"))
    before = float(cumulative[b - 1]) if b > 0 else 0.0
    inside = float(hist[b])
    fraction = (target - before) / inside if inside > 0 else 0.0
    return (b + fraction) * bin_width


def queue_profile(result: SimulationResult | LeanResult) -> dict[str, np.ndarray]:
    """Per primary station, the mean number waiting in each hour of the day (24 values) over
    the run: the typical day's queue a report draws (``SimulationResult.queue_profile``)."""
    edges = np.arange(0.0, result.horizon + 60.0, 60.0)
    out: dict[str, np.ndarray] = {}
    for index, name in enumerate(result.station_names):
        if result.model.station(name).stage != "primary":
            continue
        reach = np.concatenate([t.reach[t.station == index] for t in result.flows.values()])
        start = np.concatenate([t.start[t.station == index] for t in result.flows.values()])
        if reach.size == 0:
            continue
        hourly = queue_area_by_bin(reach, start, 60.0, edges.size - 1) / 60.0
        hour_of_day = (np.arange(hourly.size) + result.start_hour) % 24
        out[name] = np.bincount(hour_of_day, weights=hourly, minlength=24) / np.maximum(
            np.bincount(hour_of_day, minlength=24), 1
        )
    return out
