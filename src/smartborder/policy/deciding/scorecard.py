"""The port scorecard: each port's and crossing's KPIs for a year, against targets, with the trend.

``build_scorecard(year=2024, ports=["laredo"])`` simulates each port the way ``simulate PORT
--year Y`` does — the same models, seed and replications, so every figure equals ``simulate``'s
— for the year and the years before it (the trend), and scores each KPI per port, crossing,
traffic class and (for waits) lane type against the targets in ``scorecard_targets.toml``
(overridable with a file of the same shape), each with its reasoning or source.

KPIs (``KPIS``), all from ``simulate``'s figures (means over replications):

- ``vehicles_per_day``: volume (context, no target);
- ``wait_mean_min``, ``wait_p95_min``: wait to primary, per class and lane type (a port of
  several crossings has no percentile: percentiles do not add, as in ``simulate``);
- ``delay_vehicle_hours``, ``total_cost_usd``, ``co2_tonnes``: delay, its cost, CO₂ from idling;
- ``trusted_share``: share of the class processed in trusted lanes (FAST, Ready, SENTRI);
- ``secondary_rate``: sent to secondary ÷ vehicles;
- ``interdiction_rate``: illicit loads caught ÷ illicit loads arriving;
- ``throughput_per_booth_hour``: vehicles ÷ staffed primary lane-hours.

Ratios are ratios of the means ``simulate`` reports. Traffic lights (``light``): for a KPI where
lower is better, green at or under the target, amber within the file's ``amber`` margin over it,
red beyond (mirrored where higher is better). A ``trend`` target compares the KPI per vehicle
with the same place's previous year; the first year of the trend has no light.
"""

from __future__ import annotations

import math
import os
import time
import tomllib
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartborder import data
from smartborder.errors import SmartborderError
from smartborder.policy.errors import AnalysisError
from smartborder.pools import process_pool
from smartborder.tomlfiles import describe
from smartborder.vocabulary import ALL_CROSSINGS, ALL_LANES

VEHICLES = ("truck", "pov", "pedestrian", "bus")
TRUSTED_LANES = ("FAST", "Ready", "SENTRI")
#: The KPIs in the order every door shows them: key → (label, unit).
KPIS: dict[str, tuple[str, str]] = {
    "vehicles_per_day": ("vehicles a day", "vehicles/day"),
    "wait_mean_min": ("mean wait to primary", "min"),
    "wait_p95_min": ("95th-percentile wait", "min"),
    "delay_vehicle_hours": ("delay, all waiting", "vehicle-h"),
    "total_cost_usd": ("delay cost (time + fuel)", "US$"),
    "co2_tonnes": ("CO₂ from idling", "t"),
    "trusted_share": ("processed in trusted lanes", "share"),
    "secondary_rate": ("sent to secondary", "share"),
    "interdiction_rate": ("illicit loads caught", "share"),
    "throughput_per_booth_hour": ("vehicles per staffed booth-hour", "vehicles/booth-h"),
}
LIGHTS = ("green", "amber", "red", "none")


# --- targets -------------------------------------------------------------------------------------


class KpiTarget(BaseModel):
    """One KPI's target per class (``trusted``: trusted lane types' waits), and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    better: Literal["lower", "higher"]
    unit: str = ""
    kind: Literal["level", "trend"] = "level"
    truck: float | None = None
    pov: float | None = None
    pedestrian: float | None = None
    bus: float | None = None
    trusted: float | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _values(self) -> KpiTarget:
        for name in (*VEHICLES, "trusted"):
            value = getattr(self, name)
            if value is None:
                continue
            if not math.isfinite(value):
                raise ValueError(f"{name}: must be a finite number, got {value}")
            if self.kind == "level" and value < 0:
                raise ValueError(f"{name}: a target must be >= 0, got {value}")
            if self.kind == "trend" and value <= -1:
                raise ValueError(f"{name}: a trend allows a change > -1 (-100 %), got {value}")
            if self.kind == "level" and self.unit == "share" and value > 1:
                raise ValueError(f"{name}: a share is a fraction 0..1, got {value}")
        if self.trusted is not None and self.kind == "trend":
            raise ValueError("trusted: lane targets are for waits (kind = 'level')")
        return self

    def value(self, vehicle: str, lane: str = ALL_LANES) -> float | None:
        """The target of *vehicle* (of its *lane* type: trusted lanes take ``trusted`` if set)."""
        if lane in TRUSTED_LANES and self.trusted is not None:
            return self.trusted
        return getattr(self, vehicle, None)


class Targets(BaseModel):
    """Every KPI's target (``scorecard_targets.toml``) and the amber margin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amber: float = Field(ge=0, lt=1, description="how far past a target is amber, relative")
    amber_source: str = Field(min_length=1)
    wait_mean_min: KpiTarget
    wait_p95_min: KpiTarget
    delay_vehicle_hours: KpiTarget
    total_cost_usd: KpiTarget
    co2_tonnes: KpiTarget
    trusted_share: KpiTarget
    secondary_rate: KpiTarget
    interdiction_rate: KpiTarget
    throughput_per_booth_hour: KpiTarget

    def of(self, kpi: str) -> KpiTarget | None:
        """The target of *kpi*, if it has one (volume has none)."""
        value = getattr(self, kpi, None) if kpi in KPIS else None
        return value if isinstance(value, KpiTarget) else None

    @classmethod
    def shipped_raw(cls) -> dict[str, Any]:
        return tomllib.loads((files("smartborder.policy.deciding") / "scorecard_targets.toml").read_text("utf-8"))

    @classmethod
    def load(cls, path: Path | None = None) -> Targets:
        """The shipped targets, with what *path* (a TOML file of the same shape) gives replacing
        them; every problem names the file and the key."""
        raw = cls.shipped_raw()
        where = "scorecard_targets.toml (shipped)"
        if path is not None:
            where = str(path)
            try:
                given = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise AnalysisError(f"targets: file {path} does not exist") from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise AnalysisError(f"targets: {path} is not valid TOML: {exc}") from None
            raw = _merge(raw, given)
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise AnalysisError(f"targets: {where}: {describe(exc)}") from None


def _merge(base: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def light(value: float | None, target: float | None, better: str, amber: float) -> str:
    """``green`` meets the target, ``amber`` misses it by at most *amber* (relative), ``red``
    misses it by more; ``none`` without a value or a target."""
    if value is None or target is None or not math.isfinite(value) or not math.isfinite(target):
        return "none"
    if better == "lower":
        if value <= target:
            return "green"
        return "amber" if value <= target * (1 + amber) else "red"
    if value >= target:
        return "green"
    return "amber" if value >= target * (1 - amber) else "red"


# --- one port and year, as simulate runs it ------------------------------------------------------


def default_year() -> int:
    """The last calendar year the data cover in full (``simulate --border``'s default)."""
    last = data.last_month()
    return int(last.year if last.month == 12 else last.year - 1)


def port_year(place: str, year: int, replications: int, seed: int, threads: int | None = None) -> dict[str, Any]:
    """Simulate *place* over *year* as ``simulate PLACE --year YEAR`` does; its KPI tables (mean
    and 95 % half-width per figure) per crossing and, for several, ``"all"`` (their total).
    *threads* (default: up to 2) changes the speed, never the numbers (``run_place``)."""
    from smartborder.policy.studies.place import mean_table, run_place
    from smartborder.policy.studies.study import prepare

    try:
        study = prepare(place, year=year)
        run = run_place(
            study.specs, study.months, replications, seed, keep_last=False, workers=threads, engine_workers=threads
        )
    except SmartborderError as exc:
        return {"place": place, "year": year, "error": str(exc)}
    tables = {spec.crossing: mean_table(run.runs[spec.crossing].runs) for spec in study.specs}
    if len(study.specs) > 1:
        tables["all"] = mean_table(run.totals())
    return {
        "place": place,
        "year": year,
        "label": study.label,
        "code": study.code,
        "kind": study.kind,
        "crossings": [(spec.crossing, spec.name) for spec in study.specs],
        "months": [str(m) for m in study.months],
        "tables": tables,
        "notes": list(study.notes),
        "warnings": list(study.warnings),
    }


def _lanes(table: pd.DataFrame, vehicle: str) -> list[str]:
    found = {k.split(".")[2] for k in table.index.astype(str) if k.startswith(f"{vehicle}.lane.") and k.count(".") == 3}
    return sorted(found, key=lambda lane: (lane != "standard", lane))


def figures(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The scorecard's KPIs from one place's KPI table (``mean_table`` of ``simulate``'s runs):
    one row per class, lane and KPI with its value, 95 % half-width (where it is a figure of its
    own) and the class's vehicles (what trend targets divide by)."""

    def get(key: str, part: str = "mean") -> float:
        return float(table.loc[key, part]) if key in table.index else float("nan")

    def ratio(top: float, bottom: float) -> float:
        return top / bottom if math.isfinite(top) and math.isfinite(bottom) and bottom > 0 else float("nan")

    rows: list[dict[str, Any]] = []
    present = [v for v in VEHICLES if f"{v}.vehicles" in table.index]
    for v in present:
        vehicles = get(f"{v}.vehicles")

        def add(
            kpi: str,
            value: float,
            ci95: float = float("nan"),
            lane: str = ALL_LANES,
            v: str = v,
            vehicles: float = vehicles,
        ) -> None:
            rows.append({"class": v, "lane": lane, "kpi": kpi, "value": value, "ci95": ci95, "vehicles": vehicles})

        lanes = [
            lane for lane in _lanes(table, v) if get(f"{v}.lane.{lane}.vehicles") or get(f"{v}.lane.{lane}.booth_hours")
        ]
        add("vehicles_per_day", get(f"{v}.throughput_per_day"), get(f"{v}.throughput_per_day", "ci95"))
        for kpi in ("wait_mean_min", "wait_p95_min"):
            if f"{v}.{kpi}" in table.index:
                add(kpi, get(f"{v}.{kpi}"), get(f"{v}.{kpi}", "ci95"))
            for lane in lanes:
                key = f"{v}.lane.{lane}.{kpi}"
                if key in table.index:
                    add(kpi, get(key), get(key, "ci95"), lane)
        add("delay_vehicle_hours", get(f"{v}.vehicle_hours_delay"), get(f"{v}.vehicle_hours_delay", "ci95"))
        add("total_cost_usd", get(f"{v}.total_cost_usd"), get(f"{v}.total_cost_usd", "ci95"))
        add("co2_tonnes", get(f"{v}.co2_tonnes"), get(f"{v}.co2_tonnes", "ci95"))
        trusted = [lane for lane in lanes if lane in TRUSTED_LANES]
        if trusted:
            used = sum(get(f"{v}.lane.{lane}.vehicles") for lane in lanes)
            add("trusted_share", ratio(sum(get(f"{v}.lane.{lane}.vehicles") for lane in trusted), used))
        add("secondary_rate", ratio(get(f"{v}.secondary_inspections"), vehicles))
        add("interdiction_rate", ratio(get(f"{v}.illicit_caught"), get(f"{v}.illicit_loads")))
        add("throughput_per_booth_hour", ratio(vehicles, get(f"{v}.booth_hours")))
    return rows


# --- the scorecard -------------------------------------------------------------------------------


@dataclass
class Scorecard:
    """KPIs of ports and their crossings over *years*, scored for the last year."""

    year: int
    years: list[int]
    replications: int
    seed: int
    targets: Targets
    figures: pd.DataFrame  # one row per port, place, class, lane, KPI and year
    ports: list[dict[str, Any]]  # code, label, crossings [(id, name)], in the order asked
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def scored(self) -> pd.DataFrame:
        """The scorecard year's rows with their target, light and the values over the years
        (``trend``: one per year of ``years``, NaN where the place has no figure)."""
        keys = ["port_code", "place", "class", "lane", "kpi"]
        frame = self.figures
        if frame.empty:
            return frame.assign(target=[], better=[], light=[], trend=[])
        wide = frame.pivot_table(index=keys, columns="year", values="value", aggfunc="first", dropna=False)
        per_vehicle = frame.assign(pv=frame["value"] / frame["vehicles"].where(frame["vehicles"] > 0))
        pv = per_vehicle.pivot_table(index=keys, columns="year", values="pv", aggfunc="first", dropna=False)
        now = frame[frame["year"] == self.year].copy()
        targets, lights, trends, betters, kinds = [], [], [], [], []
        for _, row in now.iterrows():
            key = tuple(row[k] for k in keys)
            spec = self.targets.of(str(row["kpi"]))
            target = None
            if spec is not None:
                allowed = spec.value(str(row["class"]), str(row["lane"]))
                if allowed is not None and spec.kind == "level":
                    target = allowed
                elif allowed is not None and self.year - 1 in pv.columns and key in pv.index:
                    before = pv.loc[key, self.year - 1]
                    if np.isfinite(before) and row["vehicles"] > 0:
                        target = float(before) * (1 + allowed) * float(row["vehicles"])  # in this year's units
            targets.append(target)
            betters.append(spec.better if spec is not None else None)
            kinds.append(spec.kind if spec is not None else None)
            lights.append(light(float(row["value"]), target, spec.better if spec else "lower", self.targets.amber))
            trends.append(
                [
                    float(wide.loc[key, y]) if key in wide.index and y in wide.columns else float("nan")
                    for y in self.years
                ]
            )
        now["target"] = targets
        now["better"] = betters
        now["target_kind"] = kinds
        now["light"] = lights
        now["trend"] = trends
        return now.reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """How many KPIs (with a target) are green, amber and red."""
        lights = self.scored()["light"] if not self.figures.empty else pd.Series(dtype=str)
        return {name: int((lights == name).sum()) for name in LIGHTS}

    def to_json(self, report: str | None = None) -> dict[str, Any]:
        scored = self.scored()
        return {
            "year": self.year,
            "years": self.years,
            "replications": self.replications,
            "seed": self.seed,
            "ports": [
                {"code": p["code"], "name": p["label"], "crossings": [{"id": c, "name": n} for c, n in p["crossings"]]}
                for p in self.ports
            ],
            "lights": self.counts(),
            "kpis": {k: {"label": label, "unit": unit} for k, (label, unit) in KPIS.items()},
            "targets": self.targets.model_dump(),
            "scorecard": scored.drop(columns=["vehicles"]).to_dict(orient="records"),
            "notes": self.notes,
            "warnings": self.warnings,
            "report": report,
            "seconds": self.seconds,
        }


Progress = Callable[[int, int], None]


def _size(place: str, year: int) -> float:
    """Vehicles a place carries in *year* (to start the biggest port-years first)."""
    months = data.MonthRange(pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M"))
    return float(
        sum(
            c.series(m, months).sum()
            for c in data.resolve_place(place).crossings
            for m in ("Trucks", "Personal Vehicles", "Pedestrians")
        )
    )


def all_ports(year: int) -> list[str]:
    """Codes of every US–Mexico port with a crossing that has data in *year*."""
    codes = {c.port_code for c in data.crossings().values() if c.first_month.year <= year <= c.last_month.year}
    if not codes:
        raise AnalysisError(f"year: no crossing has data for {year}")
    return sorted(codes)


def build_scorecard(
    year: int | None = None,
    ports: list[str] | None = None,
    targets: Path | None = None,
    trend_years: int = 3,
    replications: int = 1,
    seed: int = 0,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Scorecard:
    """Simulate every port of *ports* (names, codes or crossings; default every US–Mexico port
    with data in *year*) over *year* and the ``trend_years - 1`` years before it, and score it
    (module docstring). Port-years run in *workers* processes (default: all cores; 1 runs here)."""
    chosen = Targets.load(targets)  # a bad file fails before any work
    if trend_years < 1:
        raise AnalysisError(f"trend-years: must be >= 1, got {trend_years}")
    if replications < 1:
        raise AnalysisError(f"replications: must be >= 1, got {replications}")
    year = default_year() if year is None else year
    first = min(c.first_month for c in data.crossings().values())
    last = max(c.last_month for c in data.crossings().values())
    if not first.year <= year <= last.year:
        raise AnalysisError(f"year: the data cover {first.year}..{last.year}, not {year}")
    years = [y for y in range(year - trend_years + 1, year + 1) if y >= first.year]
    places = ports or all_ports(year)
    for place in places:
        data.resolve_place(place)  # an unknown or ambiguous name fails before any work
    tasks = sorted(((place, y) for place in places for y in years), key=lambda t: -_size(t[0], t[1]))
    started = time.perf_counter()
    done = 0
    results: dict[tuple[str, int], dict[str, Any]] = {}
    n_workers = min(len(tasks), workers if workers is not None else (os.cpu_count() or 1))

    def finished(result: dict[str, Any]) -> None:
        nonlocal done
        results[(result["place"], result["year"])] = result
        done += 1
        if progress is not None:
            progress(done, len(tasks))

    if progress is not None:
        progress(0, len(tasks))
    if n_workers <= 1:
        for place, y in tasks:
            finished(port_year(place, y, replications, seed))
    else:
        with process_pool(n_workers) as pool:
            futures = [pool.submit(port_year, place, y, replications, seed, 1) for place, y in tasks]
            for future in as_completed(futures):
                finished(future.result())
    rows: list[dict[str, Any]] = []
    described: list[dict[str, Any]] = []
    notes: list[str] = []
    warnings: list[str] = []
    for place in places:
        current = results[(place, year)]
        if "error" in current:
            raise AnalysisError(f"ports: {place}: {current['error']}")
        described.append(
            {
                "code": current["code"],
                "label": current["label"],
                "kind": current["kind"],
                "crossings": current["crossings"],
            }
        )
        names = dict(current["crossings"])
        notes += [f"{current['label']}: {n}" for n in current["notes"]]
        for y in years:
            result = results[(place, y)]
            if "error" in result:
                notes.append(f"{current['label']} {y}: not in the trend ({result['error']})")
                continue
            if y == year:
                warnings += [f"{current['label']}: {w}" for w in result["warnings"]]
            for place_id, table in result["tables"].items():
                for row in figures(table):
                    rows.append(
                        {
                            "port_code": current["code"],
                            "port": current["label"],
                            "place": place_id,
                            "place_name": ALL_CROSSINGS if place_id == "all" else names.get(place_id, place_id),
                            "year": y,
                            **row,
                        }
                    )
    frame = pd.DataFrame(
        rows,
        columns=[
            "port_code",
            "port",
            "place",
            "place_name",
            "year",
            "class",
            "lane",
            "kpi",
            "value",
            "ci95",
            "vehicles",
        ],
    )
    return Scorecard(
        year, years, replications, seed, chosen, frame, described, notes, warnings, time.perf_counter() - started
    )


__all__ = [
    "KPIS",
    "KpiTarget",
    "Scorecard",
    "Targets",
    "build_scorecard",
    "default_year",
    "figures",
    "light",
    "port_year",
]
