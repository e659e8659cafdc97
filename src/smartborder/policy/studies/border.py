"""The whole US–Mexico border: every crossing simulated for a year, in parallel processes.

Each worker builds a crossing's default model, runs it and keeps only its headline figures, so
memory stays bounded by the largest crossing, not the border. Crossings are dispatched largest
first so that the workers finish together. ``BorderRun.summary()`` has a row per crossing,
``by_port()`` a row per BTS port (its crossings summed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.pools import process_pool

SUMMARY_COLUMNS = {
    "truck.throughput_per_day": "trucks_per_day",
    "truck.wait_mean_min": "truck_wait_min",
    "pov.throughput_per_day": "cars_per_day",
    "pov.wait_mean_min": "car_wait_min",
    "pedestrian.throughput_per_day": "pedestrians_per_day",
    "pedestrian.wait_mean_min": "pedestrian_wait_min",
    "pov.person_hours_delay": "car_person_hours",
    "pedestrian.person_hours_delay": "pedestrian_person_hours",
    "port.vehicle_hours": "delay_vehicle_hours",
    "port.person_hours": "delay_person_hours",
    "port.total_cost_usd": "delay_cost_usd",
    "port.co2_tonnes": "co2_tonnes",
    "port.booth_hours": "booth_hours",
}
#: Figures that add across the crossings of a port.
SUMMED = (
    "vehicles",
    "trucks_per_day",
    "cars_per_day",
    "pedestrians_per_day",
    "car_person_hours",
    "pedestrian_person_hours",
    "delay_vehicle_hours",
    "delay_person_hours",
    "delay_cost_usd",
    "co2_tonnes",
    "booth_hours",
)


def crossing_year(
    crossing_id: str, year: int, replications: int, seed: int, engine_workers: int | None = 1
) -> dict[str, float]:
    """Mean headline figures of one crossing-year (runs in a worker process)."""
    from smartborder.policy.studies.analysis import run_port
    from smartborder.ports import default_spec, year_months

    spec = default_spec(crossing_id, year)
    run = run_port(spec, year_months(spec, year), replications, seed, keep_last=False, engine_workers=engine_workers)
    means = run.runs.mean()
    vehicles = sum(means[c] for c in means.index if c.endswith(".vehicles") and c.count(".") == 1)
    return {
        "vehicles": float(vehicles),
        "data_gaps": float(len(run.gaps)),
        "months": float(len(run.months)),
        **{k: float(v) for k, v in means.items()},
    }


@dataclass
class BorderRun:
    year: int
    replications: int
    seed: int
    ports: pd.DataFrame  # one row per crossing: all mean figures
    seconds: float = 0.0

    def summary(self) -> pd.DataFrame:
        """Per-crossing figures planners read, largest delay cost first."""
        table = self.ports.reindex(
            columns=["port_code", "port", "name", "state", "latitude", "longitude", "vehicles", *SUMMARY_COLUMNS]
        )
        table = table.rename(columns=SUMMARY_COLUMNS)
        return table.sort_values("delay_cost_usd", ascending=False)

    def by_port(self) -> pd.DataFrame:
        """Per BTS port: its crossings summed, waits weighted by traffic; largest cost first."""
        table = self.summary()
        rows = {}
        for code, group in table.groupby("port_code"):
            row: dict[str, object] = {
                "port": group["port"].iloc[0],
                "state": group["state"].iloc[0],
                "crossings": len(group),
                "latitude": float(group["latitude"].mean()),
                "longitude": float(group["longitude"].mean()),
            }
            for column in SUMMED:
                row[column] = float(group[column].fillna(0).sum())
            for wait, volume in (
                ("truck_wait_min", "trucks_per_day"),
                ("car_wait_min", "cars_per_day"),
                ("pedestrian_wait_min", "pedestrians_per_day"),
            ):
                weight = group[volume].fillna(0)
                row[wait] = float((group[wait].fillna(0) * weight).sum() / weight.sum()) if weight.sum() else np.nan
            rows[code] = row
        return pd.DataFrame.from_dict(rows, orient="index").sort_values("delay_cost_usd", ascending=False)


def _size(crossing: data.Crossing, year: int) -> float:
    months = data.MonthRange(pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M"))
    return float(sum(crossing.series(m, months).sum() for m in ("Trucks", "Personal Vehicles", "Pedestrians")))


def run_border(
    year: int,
    replications: int = 1,
    seed: int = 0,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    only: list[str] | None = None,
    engine_workers: int | None = 1,
) -> BorderRun:
    """Every US–Mexico crossing with data in *year* (or those of the ports or crossings in
    *only*); *workers* processes (default: all cores)."""
    import time

    wanted = {c.id for name in only for c in data.resolve_place(name).crossings} if only else None
    crossings = [
        c
        for c in data.crossings().values()
        if c.first_month.year <= year <= c.last_month.year and (wanted is None or c.id in wanted)
    ]
    if not crossings:
        raise AnalysisError(f"year: no crossing has data for {year}")
    crossings.sort(key=lambda c: _size(c, year), reverse=True)
    workers = workers or os.cpu_count() or 1
    start = time.perf_counter()
    rows: dict[str, dict[str, float]] = {}
    if workers == 1:
        for crossing in crossings:
            rows[crossing.id] = crossing_year(crossing.id, year, replications, seed, None)
            if progress:
                progress(crossing.name)
    else:
        with process_pool(workers) as pool:
            futures = {pool.submit(crossing_year, c.id, year, replications, seed, engine_workers): c for c in crossings}
            for future in as_completed(futures):
                crossing = futures[future]
                rows[crossing.id] = future.result()
                if progress:
                    progress(crossing.name)
    seconds = time.perf_counter() - start
    frame = pd.DataFrame.from_dict(rows, orient="index")
    meta = pd.DataFrame(
        {
            c.id: {
                "port_code": c.port_code,
                "port": c.port.label,
                "name": c.label,
                "state": c.port.state,
                "latitude": c.lat,
                "longitude": c.lon,
            }
            for c in crossings
        }
    ).T
    return BorderRun(year, replications, seed, meta.join(frame), seconds)
