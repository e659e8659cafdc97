"""The whole US–Mexico border: every port simulated for a year, in parallel processes.

Each worker builds a port's default model, runs it and keeps only its headline figures, so
memory stays bounded by the largest port, not the border. Ports are dispatched largest first
so that two workers finish together.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import pandas as pd

from smartborder import data
from smartborder.twin.errors import ModelError

SUMMARY_COLUMNS = {
    "truck.throughput_per_day": "trucks_per_day",
    "truck.wait_mean_min": "truck_wait_min",
    "pov.throughput_per_day": "cars_per_day",
    "pov.wait_mean_min": "car_wait_min",
    "pedestrian.throughput_per_day": "pedestrians_per_day",
    "pedestrian.wait_mean_min": "pedestrian_wait_min",
    "port.vehicle_hours": "delay_vehicle_hours",
    "port.person_hours": "delay_person_hours",
    "port.total_cost_usd": "delay_cost_usd",
    "port.co2_tonnes": "co2_tonnes",
}


def port_year(code: str, year: int, replications: int, seed: int,
              engine_workers: int | None = 1) -> dict[str, float]:
    """Mean headline figures of one port-year (runs in a worker process)."""
    from smartborder.policy.analysis import run_port, year_months
    from smartborder.ports import default_spec

    spec = default_spec(code, year)
    run = run_port(spec, year_months(spec, year), replications, seed, keep_last=False, engine_workers=engine_workers)
    means = run.runs.mean()
    vehicles = sum(means[c] for c in means.index if c.endswith(".vehicles"))
    return {"vehicles": float(vehicles), "data_gaps": float(len(run.gaps)),
            **{k: float(v) for k, v in means.items()}}


@dataclass
class BorderRun:
    year: int
    replications: int
    seed: int
    ports: pd.DataFrame  # one row per port: all mean figures
    seconds: float = 0.0

    def summary(self) -> pd.DataFrame:
        """Per-port figures planners read, largest delay cost first."""
        table = self.ports.reindex(columns=["name", "state", "latitude", "longitude", "vehicles",
                                            *SUMMARY_COLUMNS])
        table = table.rename(columns=SUMMARY_COLUMNS)
        return table.sort_values("delay_cost_usd", ascending=False)


def keep_freed_memory() -> None:
    """Worker initializer: serve big arrays from the heap and keep freed memory (glibc only).

    A port-year allocates gigabytes that the next port needs again; by default glibc maps and
    unmaps each big array, so every port pays the page faults anew (~10 % of a border-year).
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-4, 0)  # M_MMAP_MAX = 0
        libc.mallopt(-1, 2**31 - 1)  # M_TRIM_THRESHOLD: do not give freed memory back
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def _size(port: data.Port, year: int) -> float:
    months = data.MonthRange(pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M"))
    table = data.totals(["Trucks", "Personal Vehicles", "Pedestrians", "Buses"], months)
    return float(table.loc[port.code].sum()) if port.code in table.index else 0.0


def run_border(year: int, replications: int = 1, seed: int = 0, workers: int | None = None,
               progress: Callable[[str], None] | None = None, only: list[str] | None = None,
               engine_workers: int | None = 1) -> BorderRun:
    """Every US–Mexico port with data in *year* (or those in *only*); *workers* processes
    (default: all cores)."""
    import time

    wanted = {data.resolve_port(p).code for p in only} if only else None
    ports = [p for p in data.catalogue().values()
             if p.first_month.year <= year <= p.last_month.year and (wanted is None or p.code in wanted)]
    if not ports:
        raise ModelError(f"year: no port has data for {year}")
    ports.sort(key=lambda p: _size(p, year), reverse=True)
    workers = workers or os.cpu_count() or 1
    start = time.perf_counter()
    rows: dict[str, dict[str, float]] = {}
    if workers == 1:
        for port in ports:
            rows[port.code] = port_year(port.code, year, replications, seed, None)
            if progress:
                progress(port.name)
    else:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=keep_freed_memory) as pool:
            futures = {pool.submit(port_year, p.code, year, replications, seed, engine_workers): p for p in ports}
            for future in as_completed(futures):
                port = futures[future]
                rows[port.code] = future.result()
                if progress:
                    progress(port.name)
    seconds = time.perf_counter() - start
    frame = pd.DataFrame.from_dict(rows, orient="index")
    meta = pd.DataFrame({p.code: {"name": p.name, "state": p.state, "latitude": p.lat, "longitude": p.lon}
                         for p in ports}).T
    return BorderRun(year, replications, seed, meta.join(frame), seconds)
