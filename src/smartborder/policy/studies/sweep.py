"""Scenario sweeps: scenarios × ports × periods × replications, one Parquet row per cell.

A sweep spec (TOML)::

    name = "fast-and-booths"
    ports = ["tecate", "nogales"]
    months = ["2024-05"]            # or: years = [2024]
    replications = 10
    seed = 7
    scenario = "double-fast"        # optional base scenario (file or shipped name)

    [grid]                          # every combination is one scenario
    "classes.truck.entitlements.FAST" = [0.2, 0.4]
    "booths.truck.standard" = [0, 2]   # booths added to a lane, all day

Each cell is one replication of one scenario at one crossing over one period (a port of several
crossings gives a cell per crossing); its result is a row with the grid values as columns. Cells are independent and seeded by their replication index,
so they can run in any order, in local processes or on a dask.distributed cluster, and give the
same numbers. Finished cells are written as they complete; re-running skips them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.pools import process_pool
from smartborder.tomlfiles import describe, read_model

CHUNK = 8  # cells per task: enough work per task to hide scheduling overhead


class SweepSpec(BaseModel):
    """What to run; validated before any work starts."""

    model_config = ConfigDict(extra="forbid")

    name: str
    ports: list[str] = Field(min_length=1)
    months: list[str] | None = None
    years: list[int] | None = None
    replications: int = Field(default=5, ge=1)
    seed: int = 0
    scenario: str | None = None
    grid: dict[str, list[Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind_of_period(self) -> SweepSpec:
        if bool(self.months) == bool(self.years):
            raise ValueError("give either months = [...] or years = [...]")
        for key, values in self.grid.items():
            if not values:
                raise ValueError(f"grid.{key}: needs at least one value")
        return self

    @classmethod
    def from_toml(cls, path: str | Path) -> SweepSpec:
        return read_model(cls, path, "sweep", {"name": Path(path).stem})

    def combinations(self) -> list[dict[str, Any]]:
        keys = list(self.grid)
        return [dict(zip(keys, values, strict=True)) for values in itertools.product(*self.grid.values())]

    def periods(self) -> list[str]:
        return list(self.months or [str(y) for y in self.years or []])

    def cells(self) -> list[dict[str, Any]]:
        """Every cell, in a stable order, each with a content-derived id."""
        cells = []
        crossings = {port: [c.id for c in data.resolve_place(port).crossings] for port in self.ports}
        for params in self.combinations():
            for port in self.ports:
                for crossing in crossings[port]:
                    for period in self.periods():
                        for r in range(self.replications):
                            cell = {
                                "params": params,
                                "port": port,
                                "crossing": crossing,
                                "period": period,
                                "replication": r,
                                "seed": self.seed,
                                "scenario": self.scenario,
                            }
                            key = json.dumps(cell, sort_keys=True, default=str)
                            cell["cell_id"] = hashlib.sha1(key.encode()).hexdigest()[:16]
                            cells.append(cell)
        return cells

    def check(self) -> None:
        """Fail fast: ports resolve, periods parse, grid keys are levers the scenario knows."""
        for port in self.ports:
            data.resolve_place(port)
        for period in self.periods():
            if "-" in period:
                data.parse_month(period, "months")
        for params in self.combinations()[:1]:
            scenario_for(self.scenario, params)


def scenario_for(base: str | None, params: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The scenario of one grid point: the base scenario with the grid's levers set."""
    from smartborder.policy.studies.scenario import Scenario

    raw: dict[str, Any] = Scenario.load(base).model_dump(by_alias=True, exclude_none=True) if base else {}
    raw.setdefault("name", "sweep")
    for key, value in params.items():
        parts = key.split(".")
        if parts[0] == "booths" and len(parts) == 3:
            raw.setdefault("booths", []).append({"class": parts[1], "lane": parts[2], "delta": int(value)})
        elif parts[0] in ("classes", "targeting"):
            node = raw
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        else:
            raise AnalysisError(
                f"grid.{key}: not a lever; use classes.<class>.<field>[.<lane>], "
                "booths.<class>.<lane> or targeting.<field>"
            )
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise AnalysisError(f"grid: {describe(exc)}") from None


@lru_cache(maxsize=64)
def _base_spec(crossing: str, year: int):  # type: ignore[no-untyped-def]
    from smartborder.ports import default_spec

    return default_spec(crossing, year)


def run_cell(cell: dict[str, Any]) -> dict[str, Any]:
    """One replication of one scenario at one port and period → one flat row. Never raises."""
    from smartborder.policy.studies.analysis import run_port, year_months
    from smartborder.policy.studies.scenario import apply

    row: dict[str, Any] = {
        "cell_id": cell["cell_id"],
        "port": cell["port"],
        "crossing": cell["crossing"],
        "period": cell["period"],
        "replication": cell["replication"],
        "seed": cell["seed"],
        **{f"param.{k}": v for k, v in cell["params"].items()},
    }
    start = time.perf_counter()
    try:
        period = cell["period"]
        year = int(period[:4])
        spec = apply(_base_spec(cell["crossing"], year), scenario_for(cell["scenario"], cell["params"]))
        months = [pd.Period(period, "M")] if "-" in period else year_months(spec, year)
        run = run_port(
            spec, months, 1, cell["seed"], keep_last=False, first_replication=cell["replication"], engine_workers=1
        )
        row.update({k: float(v) for k, v in run.runs.iloc[0].items()})
        row.update(status="ok", error="")
    except Exception as exc:  # noqa: BLE001 - a failed cell is reported, the sweep goes on
        row.update(status="error", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc(limit=3))
    row["seconds"] = time.perf_counter() - start
    return row


def run_chunk(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [run_cell(cell) for cell in cells]


def _chunks(cells: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(cells), size):
        yield cells[i : i + size]


@dataclass
class SweepOutcome:
    """What a sweep ran, and the whole dataset (this run's cells and earlier ones) with its summary."""

    done: int
    skipped: int
    failed: int
    seconds: float
    path: Path
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def errors(self) -> pd.DataFrame:
        return self.results[self.results["status"] != "ok"] if len(self.results) else self.results


def finished_cells(path: Path) -> set[str]:
    """Ids of cells already in the dataset with status ok."""
    if not path.exists() or not any(path.glob("part-*.parquet")):
        return set()
    frame = pd.concat([pd.read_parquet(part, columns=["cell_id", "status"]) for part in _parts(path)])
    return set(frame.loc[frame["status"] == "ok", "cell_id"])


def _parts(path: Path) -> list[Path]:
    """The dataset's Parquet parts, in the order written (other files, e.g. summary.csv, are not data)."""
    return sorted(Path(path).glob("part-*.parquet"))


def read_results(path: Path) -> pd.DataFrame:
    """The sweep dataset, latest row per cell (a re-run replaces a failed row)."""
    parts = _parts(path)
    if not parts:
        raise FileNotFoundError(f"{path}: no part-*.parquet files (not a sweep dataset)")
    frame = pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True)
    return frame.drop_duplicates("cell_id", keep="last").sort_values("cell_id").reset_index(drop=True)


#: What a sweep's summary shows per scenario, place and period: mean over replications with the
#: 95 % half-width (Student t), for every class present.
SUMMARY_FIGURES = ("wait_mean_min", "wait_p95_min", "throughput_per_day", "booth_hours", "total_cost_usd")


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """One row per grid point × port × crossing × period: replications, then for each class the
    mean and 95 % half-width of the summary figures (``SUMMARY_FIGURES``). Failed cells are left
    out (they are listed apart)."""
    from smartborder.twin import confidence_interval

    ok = results[results["status"] == "ok"]
    params = [c for c in ok.columns if c.startswith("param.")]
    keys = [*params, "port", "crossing", "period"]
    figures = [c for c in ok.columns if c.count(".") == 1 and c.split(".")[1] in SUMMARY_FIGURES]
    rows = []
    for key, group in ok.groupby(keys, dropna=False, sort=True):
        row: dict[str, Any] = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row["replications"] = len(group)
        for figure in figures:
            mean, half = confidence_interval(group[figure].to_numpy(float))
            row[figure], row[f"{figure}.ci95"] = mean, half
        rows.append(row)
    return pd.DataFrame(rows)


def run_sweep(
    spec: SweepSpec,
    out: Path,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepOutcome:
    """Run every unfinished cell; write each finished chunk as a Parquet part file in *out*."""
    spec.check()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cells = spec.cells()
    done_ids = finished_cells(out)
    todo = [c for c in cells if c["cell_id"] not in done_ids]
    skipped = len(cells) - len(todo)
    part = len(list(out.glob("part-*.parquet")))
    failed = done = 0
    start = time.perf_counter()

    def write(rows: list[dict[str, Any]]) -> None:
        nonlocal part, failed, done
        frame = pd.DataFrame(rows)
        frame.to_parquet(out / f"part-{part:05d}.parquet", index=False)
        part += 1
        failed += int((frame["status"] != "ok").sum())
        done += len(rows)
        if progress:
            progress(done, len(todo))

    chunks = list(_chunks(todo, CHUNK))
    scheduler = scheduler or os.environ.get("SMARTBORDER_DASK_SCHEDULER")
    if scheduler:
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            futures = client.map(run_chunk, chunks, pure=False)
            for future in dask_completed(futures):  # type: ignore[no-untyped-call]
                write(future.result())
    elif (workers or os.cpu_count() or 1) > 1 and len(chunks) > 1:
        with process_pool(workers or os.cpu_count() or 1) as pool:
            for future in as_completed([pool.submit(run_chunk, chunk) for chunk in chunks]):
                write(future.result())
    else:
        for chunk in chunks:
            write(run_chunk(chunk))
    seconds = time.perf_counter() - start
    results = read_results(out)
    return SweepOutcome(done, skipped, failed, seconds, out, results, summarise(results))
