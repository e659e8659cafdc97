"""PNG figures. The non-interactive Agg backend is used so that plots work on servers and CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from smartborder.twin.engine import SimulationResult

if TYPE_CHECKING:
    from smartborder.twin.lean import LeanResult


def plot_monthly(series: pd.Series, title: str, path: Path) -> Path:
    """Line chart of a monthly series with its 12-month rolling mean; returns *path*."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    x = series.index.to_timestamp()
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    ax.plot(x, series.to_numpy(), lw=1.0, color="#4a78b0", label="monthly")
    if len(series) >= 12:
        ax.plot(x, series.rolling(12).mean().to_numpy(), lw=2.0, color="#c0392b", label="12-month mean")
    ax.set_title(title)
    ax.set_ylabel(str(series.name))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.annotate("Source: U.S. DOT BTS, Border Crossing/Entry Data", (0.99, 0.01),
                xycoords="figure fraction", ha="right", fontsize=7, color="grey")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _by_hour_of_day(values: np.ndarray, arrival: np.ndarray, start_hour: int) -> np.ndarray:
    hours = ((arrival // 60 + start_hour) % 24).astype(int)
    sums = np.bincount(hours, weights=values, minlength=24)
    counts = np.bincount(hours, minlength=24)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def plot_hourly_waits(result: SimulationResult, path: Path) -> Path:
    """Mean wait to primary by hour of arrival, one line per class and lane."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        inside = trace.arrival < result.horizon
        if inside.sum() < 24:
            continue
        wait = trace.start[inside, flow.primary_step] - trace.arrival[inside]
        ax.plot(range(24), _by_hour_of_day(wait, trace.arrival[inside], result.start_hour),
                marker="o", ms=3, label=flow.name)
    return _finish_day_axes(ax, fig, path, "mean wait to primary (min)", "Wait by hour of day",
                            "hour of arrival (local time)")


def plot_hourly_lanes(hourly: dict[str, dict[str, dict[str, list[float | None]]]],
                      staffing: dict[str, dict[str, dict[str, list[float]]]], path: Path, title: str) -> Path:
    """Per class, weekday mean wait by hour of arrival for each lane type (lines) and the lanes
    staffed (steps, right axis): the shape CBP publishes, beside the staffing that makes it."""
    classes = [v for v in hourly if v in staffing] or list(hourly)
    fig, axes = plt.subplots(len(classes), 1, figsize=(10, 3.2 * max(len(classes), 1)),
                             layout="constrained", squeeze=False)
    for ax, vehicle in zip(axes[:, 0], classes, strict=True):
        lanes_ax = ax.twinx()
        for k, (lane, days) in enumerate(sorted(hourly[vehicle].items())):
            colour = f"C{k}"
            values = [np.nan if v is None else v for v in days["weekday"]]
            ax.plot(range(24), values, marker="o", ms=3, color=colour, label=f"{lane} wait")
            staffed = staffing.get(vehicle, {}).get(lane, {}).get("weekday")
            if staffed is not None:
                lanes_ax.step(range(24), staffed, where="mid", color=colour, alpha=0.35, lw=2,
                              label=f"{lane} lanes")
        ax.set_title(f"{vehicle}: weekday wait to primary by hour of arrival, and lanes staffed", fontsize=10)
        ax.set_ylabel("mean wait (min)")
        lanes_ax.set_ylabel("lanes staffed")
        lanes_ax.set_ylim(bottom=0)
        ax.set_xticks(range(0, 24, 2))
        ax.grid(alpha=0.3)
        lines, labels = ax.get_legend_handles_labels()
        more, more_labels = lanes_ax.get_legend_handles_labels()
        ax.legend(lines + more, labels + more_labels, fontsize=7, ncol=4, loc="upper left")
    axes[-1, 0].set_xlabel("hour of day (local time)")
    fig.suptitle(title)
    return _save(fig, path)


def plot_wait_distribution(result: SimulationResult | LeanResult, path: Path) -> Path:
    """Complementary CDF of waits per class: the share of vehicles waiting longer than x."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    by_vehicle: dict[str, list[np.ndarray]] = {}
    for flow in result.model.flows:
        trace = result.flows[flow.name]
        inside = trace.arrival < result.horizon
        by_vehicle.setdefault(flow.vehicle, []).append(trace.start[inside, 0] - trace.arrival[inside])
    for vehicle, parts in by_vehicle.items():
        waits = np.sort(np.concatenate(parts))
        if waits.size == 0:
            continue
        step = max(1, waits.size // 2000)
        share = 1.0 - np.arange(waits.size) / waits.size
        ax.plot(waits[::step], share[::step], label=vehicle)
    ax.set_yscale("log")
    ax.set_xlabel("wait to primary (min)")
    ax.set_ylabel("share of vehicles waiting longer")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    ax.set_title("Wait distribution")
    return _save(fig, path)


def plot_queue_typical_day(result: SimulationResult | LeanResult, path: Path) -> Path:
    """Average number waiting at each primary station by hour of day."""
    from smartborder.twin.kernels import queue_area_by_bin

    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    edges = np.arange(0.0, result.horizon + 60.0, 60.0)
    for index, name in enumerate(result.station_names):
        if result.model.station(name).stage != "primary":
            continue
        reach = np.concatenate([t.reach[t.station == index] for t in result.flows.values()])
        start = np.concatenate([t.start[t.station == index] for t in result.flows.values()])
        if reach.size == 0:
            continue
        hourly = queue_area_by_bin(reach, start, 60.0, edges.size - 1) / 60.0
        hour_of_day = (np.arange(hourly.size) + result.start_hour) % 24
        profile = np.bincount(hour_of_day, weights=hourly, minlength=24) / np.maximum(
            np.bincount(hour_of_day, minlength=24), 1)
        ax.plot(range(24), profile, marker="o", ms=3, label=name)
    return _finish_day_axes(ax, fig, path, "vehicles waiting (hourly average)", "Queue over a typical day",
                            "hour of day (local time)")


def _finish_day_axes(ax: plt.Axes, fig: plt.Figure, path: Path, ylabel: str, title: str, xlabel: str) -> Path:
    """Shared look of the hour-of-day charts, then save."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks(range(0, 24, 2))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    ax.set_title(title)
    return _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_border_map(summary: pd.DataFrame, path: Path, title: str) -> Path:
    """Ports at their coordinates, bubble area ∝ delay cost, colour = mean truck wait.

    *summary* is ``BorderRun.by_port()`` (labels in ``port``) or ``summary()`` (in ``name``)."""
    fig, ax = plt.subplots(figsize=(12, 5.5), layout="constrained")
    cost = summary["delay_cost_usd"].fillna(0).to_numpy(dtype=float)
    size = 30 + 2500 * np.sqrt(cost / cost.max()) if cost.max() > 0 else np.full(cost.size, 30.0)
    wait = summary["truck_wait_min"].fillna(0).to_numpy(dtype=float)
    points = ax.scatter(summary["longitude"].astype(float), summary["latitude"].astype(float), s=size,
                        c=wait, cmap="viridis_r", alpha=0.7, edgecolors="k", linewidths=0.5)
    fig.colorbar(points, ax=ax, label="mean truck wait to primary (min)")
    top = summary.nlargest(10, "delay_cost_usd")
    for _, row in top.iterrows():
        label = row["port"] if "port" in row.index else row["name"]
        ax.annotate(f"{label}\n${row['delay_cost_usd'] / 1e6:,.0f}M", (row["longitude"], row["latitude"]),
                    fontsize=7, xytext=(4, 6), textcoords="offset points")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.set_aspect("equal", adjustable="datalim")
    fig.text(0.99, 0.005, "Bubble area: annual delay cost (value of time + idling fuel). Source volumes: "
             "U.S. DOT BTS Border Crossing/Entry Data", ha="right", fontsize=7, color="grey")
    return _save(fig, path)


def plot_permit_projection(table: pd.DataFrame, path: Path) -> Path:
    """Permits issued, waiting list and holders by year."""
    fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
    for column, label in (("issued", "new permits issued"), ("waiting", "waiting list"),
                          ("holders", "permit holders"), ("eligible_for_residency", "to residency")):
        ax.plot(table.index, table[column], marker="o", ms=3, label=label)
    ax.set_xlabel("year")
    ax.set_ylabel("persons")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Temporary work permit program projection (seed 004 rules)")
    return _save(fig, path)
