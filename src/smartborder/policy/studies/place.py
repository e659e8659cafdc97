"""A port of several crossings run together: each crossing with its own model, and the total.

``run_place`` runs every crossing of a port (or one crossing) over the same months with the
same seed and replications, so replication *r* of the total is the sum of replication *r* of
each crossing and comparisons stay paired. Totals add what adds (vehicles, hours, costs,
booth-hours) and weight waits by the vehicles that waited.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from smartborder.policy.studies.analysis import PortRun, compare, mean_table, run_port
from smartborder.policy.studies.costs import CostParameters
from smartborder.policy.studies.kpis import Hourly
from smartborder.ports.spec import PortSpec
from smartborder.ports.staffing import staffing_shape

#: Figures that add up across crossings; waits are weighted by vehicles instead.
ADDITIVE = (
    "vehicles",
    "throughput_per_day",
    "vehicle_hours_delay",
    "person_hours_delay",
    "secondary_inspections",
    "illicit_loads",
    "illicit_caught",
    "targeted_inspections",
    "targeted_hits",
    "random_inspections",
    "random_hits",
    "value_of_time_usd",
    "fuel_gallons",
    "fuel_cost_usd",
    "co2_tonnes",
    "total_cost_usd",
    "booth_hours",
    "preopening_vehicles",
    "balked",
)


@dataclass
class PlaceRun:
    """Every crossing of a port simulated over the same months, and their total."""

    label: str
    runs: dict[str, PortRun]  # crossing id → its run

    @property
    def months(self) -> list[pd.Period]:
        return next(iter(self.runs.values())).months

    @property
    def seed(self) -> int:
        return next(iter(self.runs.values())).seed

    @property
    def replications(self) -> int:
        return len(next(iter(self.runs.values())).runs)

    @property
    def gaps(self) -> list[str]:
        return [g for run in self.runs.values() for g in run.gaps]

    def totals(self) -> pd.DataFrame:
        """One row per replication: class and port figures summed over the crossings; per lane
        type, vehicles and lane-hours summed and the mean wait weighted by vehicles (percentiles
        do not add, so a total has none)."""
        frames = [run.runs for run in self.runs.values()]
        vehicles = sorted({c.split(".")[0] for f in frames for c in f.columns if c.split(".")[0] != "port"})
        out: dict[str, pd.Series] = {}  # built whole, then framed once
        for v in vehicles:
            for key in ADDITIVE:
                cols = [f[f"{v}.{key}"] for f in frames if f"{v}.{key}" in f]
                if cols:
                    out[f"{v}.{key}"] = sum(cols)
            weighted = [(f[f"{v}.wait_mean_min"], f[f"{v}.vehicles"]) for f in frames if f"{v}.wait_mean_min" in f]
            if weighted:
                weight = sum(w for _, w in weighted)
                out[f"{v}.wait_mean_min"] = sum(m.fillna(0) * w for m, w in weighted) / weight.where(weight > 0)
            lanes = sorted(
                {c.split(".")[2] for f in frames for c in f.columns if c.startswith(f"{v}.lane.") and c.count(".") == 3}
            )
            for lane in lanes:  # a lane type over every crossing that has it
                prefix = f"{v}.lane.{lane}"
                for key in ("vehicles", "booth_hours"):
                    cols = [f[f"{prefix}.{key}"] for f in frames if f"{prefix}.{key}" in f]
                    out[f"{prefix}.{key}"] = sum(cols)
                weighted = [
                    (f[f"{prefix}.wait_mean_min"], f[f"{prefix}.vehicles"])
                    for f in frames
                    if f"{prefix}.wait_mean_min" in f
                ]
                if weighted:
                    weight = sum(w for _, w in weighted)
                    out[f"{prefix}.wait_mean_min"] = sum(m.fillna(0) * w for m, w in weighted) / weight.where(
                        weight > 0
                    )
        for key in ("total_cost_usd", "co2_tonnes", "vehicle_hours", "person_hours", "booth_hours"):
            cols = [f[f"port.{key}"] for f in frames if f"port.{key}" in f]
            if cols:
                out[f"port.{key}"] = sum(cols)
        return pd.DataFrame(out, index=frames[0].index)

    def by_month(self) -> pd.DataFrame:
        """Month by month, per class over every crossing: vehicles a day and the mean wait to
        primary, each with its 95 % half-width over replications (runs made with ``by_month``)."""
        from smartborder.twin import confidence_interval

        frames = [run.by_month for run in self.runs.values() if run.by_month is not None]
        if not frames:
            return pd.DataFrame(
                columns=["month", "class", "per_day", "per_day_ci95", "wait_mean_min", "wait_mean_ci95", "queue_hours"]
            )
        summed = pd.concat(frames).groupby(["replication", "month", "class"], sort=False).sum().reset_index()
        summed["days"] = [pd.Period(m).days_in_month for m in summed["month"]]
        summed["per_day"] = summed["vehicles"] / summed["days"]
        summed["wait"] = summed["wait_sum_min"] / summed["waited"].where(summed["waited"] > 0)
        rows = []
        for month in sorted(summed["month"].unique()):
            for vehicle in dict.fromkeys(summed["class"]):
                group = summed[(summed["month"] == month) & (summed["class"] == vehicle)]
                if group.empty:
                    continue
                per_day, per_day_half = confidence_interval(group["per_day"].to_numpy())
                wait, wait_half = confidence_interval(group["wait"].to_numpy())
                rows.append(
                    {
                        "month": month,
                        "class": vehicle,
                        "per_day": per_day,
                        "per_day_ci95": per_day_half,
                        "wait_mean_min": wait,
                        "wait_mean_ci95": wait_half,
                        "queue_hours": float(group["queue_min"].mean()) / 60.0,
                    }
                )
        return pd.DataFrame(rows)

    def hourly(self) -> Hourly:
        """Waits by lane and hour over every crossing (sums, so means weight by vehicles)."""
        total = Hourly.empty()
        for run in self.runs.values():
            total.add(run.hourly)
        return total

    def table(self) -> pd.DataFrame:
        """Mean and 95 % half-width over the replications of the place's totals (``totals``)."""
        return mean_table(self.totals())

    def staffing(self) -> dict[str, dict[str, dict[str, list[float]]]]:
        """Staffed lanes by hour summed over the crossings (``ports.staffing.staffing_shape``)."""
        return staffing_shape([run.spec for run in self.runs.values()])


def run_place(
    specs: Sequence[PortSpec],
    months: Sequence[pd.Period],
    replications: int = 5,
    seed: int = 0,
    costs: CostParameters | None = None,
    label: str | None = None,
    progress: Callable[[int], None] | None = None,
    reuse: PlaceRun | None = None,
    keep_last: bool = True,
    engine_workers: int | None = None,
    workers: int | None = None,
    by_month: bool = False,
) -> PlaceRun:
    """Simulate every crossing of *specs* over *months*; *progress* gets replications done.

    Crossings are independent (each draws from its own streams), so they run in *workers*
    threads (default: up to 2), the busiest first: the compiled kernels and NumPy's random draws
    release the GIL, and one crossing's Python set-up overlaps another's simulation. Each
    crossing then runs on one thread unless *engine_workers* says otherwise. The result is the
    same whatever the number of threads.
    """
    runs: dict[str, PortRun] = {}
    done = 0
    lock = threading.Lock()

    def tick(_: int) -> None:
        nonlocal done
        with lock:
            done += 1
            if progress is not None:
                progress(done)

    n_workers = min(len(specs), workers if workers is not None else min(2, os.cpu_count() or 1))
    # Crossings side by side already fill the cores: each then runs its parts one after another
    # (unless told otherwise), which balances better than threads within threads.
    inner = engine_workers if engine_workers is not None or n_workers == 1 else 1

    def one(spec: PortSpec) -> PortRun:
        previous = reuse.runs.get(spec.crossing) if reuse is not None else None
        return run_port(
            spec,
            months,
            replications,
            seed,
            costs,
            progress=tick,
            reuse=previous,
            keep_last=keep_last,
            engine_workers=inner,
            by_month=by_month,
        )

    if n_workers > 1:
        busiest = sorted(specs, key=_load, reverse=True)
        with ThreadPoolExecutor(n_workers) as pool:
            futures = {spec.crossing: pool.submit(one, spec) for spec in busiest}
            done_runs = {crossing: future.result() for crossing, future in futures.items()}
        runs = {spec.crossing: done_runs[spec.crossing] for spec in specs}
    else:
        for spec in specs:
            runs[spec.crossing] = one(spec)
    return PlaceRun(label or (specs[0].name if len(specs) == 1 else "port"), runs)


def _load(spec: PortSpec) -> float:
    """Vehicles a crossing serves in a design day (to start the busiest first)."""
    return float(sum(cls.design_volume or 0.0 for cls in spec.classes.values()))


class Differences(dict[str, pd.DataFrame]):
    """Scenario minus baseline per crossing (and "total"): what ``compare_places`` returns, with
    the waits it makes worse (``worse``) for the reports that list them."""

    def worse(self) -> list[dict[str, Any]]:
        return worse_waits(self)


def compare_places(baseline: PlaceRun, scenario: PlaceRun, level: float = 0.95) -> Differences:
    """Scenario minus baseline per crossing, and for the total ("total") when several. A crossing
    only the scenario has (a new port) gets its figures with no baseline and no difference."""
    out = {
        crossing: compare(run, scenario.runs[crossing], level)
        for crossing, run in baseline.runs.items()
        if crossing in scenario.runs
    }
    for crossing, run in scenario.runs.items():
        if crossing not in baseline.runs:
            table = mean_table(run.runs)
            out[crossing] = pd.DataFrame(
                {
                    "baseline": float("nan"),
                    "scenario": table["mean"],
                    "difference": float("nan"),
                    "ci95": float("nan"),
                    "significant": False,
                    "material": False,
                },
                index=table.index,
            )
    if len(baseline.runs) > 1 or len(scenario.runs) > 1:
        out["total"] = compare(_as_run(baseline), _as_run(scenario), level)
    return Differences(out)


def worse_waits(diffs: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Every wait a scenario makes materially worse (significant, at least the practical minimum,
    and up): per class, per group of holders (e.g. FAST holders) and per lane, at each crossing.
    A lever that helps a class on average can still lengthen one lane's queue (doubling FAST can
    lengthen the FAST lanes' own wait)."""
    found: list[dict[str, Any]] = []
    for crossing, diff in diffs.items():
        if crossing == "total" and len(diffs) > 1:
            continue  # each crossing's lanes are listed on their own
        for figure, row in diff.iterrows():
            parts = str(figure).split(".")
            if parts[-1] != "wait_mean_min" or not row.get("material", False) or not row["difference"] > 0:
                continue
            if len(parts) == 2:
                lane, holders = None, None
            elif len(parts) == 4 and parts[1] == "lane":
                lane, holders = parts[2], None
            elif len(parts) == 3:
                lane, holders = None, parts[1]
            else:
                continue
            who = f"{lane} lanes" if lane else f"{holders} holders" if holders else "all"
            found.append(
                {
                    "crossing": crossing,
                    "class": parts[0],
                    "lane": lane,
                    "holders": holders,
                    "who": who,
                    "figure": str(figure),
                    "baseline": float(row["baseline"]),
                    "scenario": float(row["scenario"]),
                    "difference": float(row["difference"]),
                    "ci95": float(row["ci95"]),
                }
            )
    return found


def _as_run(place: PlaceRun) -> PortRun:
    first = next(iter(place.runs.values()))
    return PortRun(first.spec, first.months, first.seed, place.totals())


__all__ = ["Differences", "PlaceRun", "compare_places", "mean_table", "run_place", "staffing_shape", "worse_waits"]
