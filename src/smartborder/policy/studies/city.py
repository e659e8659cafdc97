"""Bridges of one city share their drivers: who can cross at several bridges takes the shorter line.

Brownsville, Laredo, El Paso, Hidalgo–Pharr and San Diego each have several crossings a few
kilometres apart, and drivers see CBP's posted waits (apps, signs, radio) before they choose.
Without that feedback a crossing's queue answers only to its own lanes, and any fit of its
capacity is fragile (±5 % of service moves B&M's bias from −10 to +120 min, issue 23).

The model: a share of each crossing's drivers (``DriverChoice.share``) compare the city's
crossings that are open at that hour and pick one with logit probabilities on the expected
wait, ``P_i ∝ exp(−W_i / scale)``; the rest keep to their own crossing. The expected wait is the
twin's own, by hour and day type, so the choice and the queues must agree: a stochastic user
equilibrium, found by the method of successive averages (Sheffi 1985, ch. 12: the demand at step
*k* moves 1/(k+1) of the way to what the waits of step *k* would send; with common random
numbers each step is a deterministic function of the demand). Officers do not follow the
drivers: each crossing keeps the staffing its own traffic gives it (the roster staffs the
class's own volume, not the scenario's; ``ports/staffing.py``). Drivers who find every line
too long still give up (patience), as before.

A driver who came to crossing *j* and goes to crossing *i* instead is charged the drive between
them (great-circle distance × a circuity factor at an urban speed), so Brownsville's downtown
bridges trade drivers freely and Los Indios, 27 km up the river, hardly. What moves is each
crossing's demand by hour of the average weekday and weekend day; its monthly totals scale with
it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import run_port
from smartborder.ports.defaults import assumptions
from smartborder.ports.demand import demand_for
from smartborder.ports.spec import PortSpec

DAYS = ("weekday", "weekend")
#: Days of a week of each day type (the weekly total weighs them so).
DAYS_A_WEEK = {"weekday": 5, "weekend": 2}


@dataclass(frozen=True)
class DriverChoice:
    """Who compares the city's crossings, how sharply, and how long to look for the balance."""

    share: float
    scale_min: float
    iterations: int = 8
    vehicles: tuple[str, ...] = ("pov",)
    detour_kmh: float = 40.0  # speed of the drive between two crossings
    circuity: float = 1.3  # road distance over straight-line distance
    source: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.share <= 1.0 or math.isnan(self.share):
            raise AnalysisError(f"share: the drivers who compare crossings are a share in [0, 1], got {self.share}")
        if not self.scale_min > 0 or math.isinf(self.scale_min):
            raise AnalysisError(
                f"scale_min: the logit scale must be a positive number of minutes, got {self.scale_min}"
            )
        if not 1 <= self.iterations <= 50:
            raise AnalysisError(f"iterations: 1 to 50, got {self.iterations}")
        if not 0 < self.detour_kmh < math.inf:
            raise AnalysisError(f"detour_kmh: a positive speed, got {self.detour_kmh}")
        if not 1.0 <= self.circuity < math.inf:
            raise AnalysisError(f"circuity: road over straight-line distance, at least 1, got {self.circuity}")

    def detour_min(self, origin: str, other: str) -> float:
        """Minutes of driving from crossing *origin* to crossing *other* (ids; 0 for a crossing
        not in the catalogue, e.g. a new one): great-circle distance × circuity at the speed."""
        catalogue = data.crossings()
        if origin == other or origin not in catalogue or other not in catalogue:
            return 0.0
        a, b = catalogue[origin], catalogue[other]
        p1, p2 = math.radians(a.lat), math.radians(b.lat)
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
        km = 2 * 6371.0088 * math.asin(math.sqrt(h))
        return km * self.circuity / self.detour_kmh * 60.0

    @classmethod
    def defaults(cls, share: float | None = None) -> DriverChoice:
        """``assumptions.toml [city_choice]``; *share* overrides its share."""
        a = assumptions()["city_choice"]
        return cls(
            share=a["share"] if share is None else share,
            scale_min=a["scale_min"],
            iterations=a["iterations"],
            vehicles=tuple(a["vehicles"]),
            detour_kmh=a["detour_kmh"],
            circuity=a["circuity"],
            source=f"{a['share_source']} Scale: {a['scale_source']} Detour: {a['detour_source']}",
        )


@dataclass(frozen=True)
class Moved:
    """One crossing's class before and after the drivers chose."""

    crossing: str
    name: str
    vehicle: str
    per_day_before: float
    per_day_after: float
    wait_before: float
    wait_after: float

    @property
    def change(self) -> float:
        return self.per_day_after / self.per_day_before - 1.0 if self.per_day_before > 0 else 0.0


def day_demand(spec: PortSpec, vehicle: str, months: Sequence[pd.Period]) -> dict[str, np.ndarray]:
    """Expected arrivals by hour on the period's average weekday and weekend day."""
    only = spec.model_copy(update={"classes": {vehicle: spec.classes[vehicle]}})  # type: ignore[index]
    demand, first = demand_for(only, months)
    total = sum(values for name, values in demand.items() if name.startswith(f"{vehicle}."))
    days = np.asarray(total).reshape(-1, 24)
    weekend = (first + np.arange(days.shape[0])) % 7 >= 5
    return {
        "weekday": days[~weekend].mean(axis=0) if (~weekend).any() else np.zeros(24),
        "weekend": days[weekend].mean(axis=0) if weekend.any() else np.zeros(24),
    }


def _open_hours(spec: PortSpec, vehicle: str) -> dict[str, np.ndarray]:
    cls = spec.classes[vehicle]  # type: ignore[index]
    return {
        "weekday": np.asarray(cls.is_open("weekday"), dtype=bool),
        "weekend": np.asarray(cls.is_open("saturday"), dtype=bool) | np.asarray(cls.is_open("sunday"), dtype=bool),
    }


def _weekly(day: dict[str, np.ndarray]) -> float:
    return float(sum(DAYS_A_WEEK[d] * day[d].sum() for d in DAYS))


def with_demand(spec: PortSpec, vehicle: str, base: dict[str, np.ndarray], target: dict[str, np.ndarray]) -> PortSpec:
    """*spec* whose *vehicle* demand is *target* (by day type and hour) instead of *base*: the
    hourly shapes become the target's, the volume scales with the weekly total."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    old, new = _weekly(base), _weekly(target)
    if old <= 0:
        return spec
    weekday = tuple(float(v) for v in target["weekday"]) if target["weekday"].sum() > 0 else cls.profile.hourly_weekday
    weekend = tuple(float(v) for v in target["weekend"]) if target["weekend"].sum() > 0 else cls.profile.hourly_weekend
    profile = cls.profile.model_copy(
        update={
            "hourly_weekday": weekday,
            "hourly_weekend": weekend,
            "source": cls.profile.source + " Shared with the city's other crossings (policy/studies/city.py).",
        }
    )
    changed = cls.model_copy(update={"profile": profile, "volume_factor": cls.volume_factor * new / old})
    return spec.model_copy(update={"classes": {**spec.classes, vehicle: changed}})


def _waits(
    spec: PortSpec, vehicle: str, months: Sequence[pd.Period], replications: int, seed: int
) -> tuple[dict[str, np.ndarray], float]:
    """The class's mean wait by day type and hour (0 where nobody waited), and over the period."""
    run = run_port(spec, months, replications=replications, seed=seed, keep_last=False)
    out = {}
    for day in DAYS:
        total, count = np.zeros(24), np.zeros(24)
        for key, wait in run.hourly.wait.items():
            if key[0] == vehicle and key[2] == day:
                total += wait
                count += run.hourly.count[key]
        out[day] = np.divide(total, count, out=np.zeros(24), where=count > 0)
    column = f"{vehicle}.wait_mean_min"
    return out, float(run.runs[column].mean()) if column in run.runs else 0.0


def _short_name(spec: PortSpec) -> str:
    catalogue = data.crossings()
    return catalogue[spec.crossing].name if spec.crossing in catalogue else spec.name


def share_drivers(
    specs: Sequence[PortSpec], months: Sequence[pd.Period], choice: DriverChoice, replications: int = 1, seed: int = 0
) -> tuple[list[PortSpec], list[Moved]]:
    """The city's crossings with their drivers shared at the balance of queues and choices;
    and, per crossing and class, the vehicles a day and mean wait before and after."""
    specs = list(specs)
    if len({s.crossing for s in specs}) < 2:
        raise AnalysisError("city choice: give a place of two or more crossings (e.g. brownsville, laredo)")
    moved: list[Moved] = []
    for vehicle in choice.vehicles:
        index = [i for i, s in enumerate(specs) if vehicle in s.classes]
        if len(index) < 2:
            continue
        base = {i: day_demand(specs[i], vehicle, months) for i in index}
        opened = {i: _open_hours(specs[i], vehicle) for i in index}
        # Drivers at a crossing's closed hours are its pre-opening line, waiting for it: they
        # stay. The others who compare choose among the open crossings, each charged the drive
        # from the crossing they came to.
        compare = {i: {d: choice.share * base[i][d] * opened[i][d] for d in DAYS} for i in index}
        detour = {(j, i): choice.detour_min(specs[j].crossing, specs[i].crossing) for j in index for i in index}
        current = {i: {d: base[i][d].copy() for d in DAYS} for i in index}
        first: dict[int, float] = {}
        for k in range(1, choice.iterations + 1):
            waits = {}
            for i in index:
                waits[i], mean = _waits(
                    with_demand(specs[i], vehicle, base[i], current[i]), vehicle, months, replications, seed
                )
                first.setdefault(i, mean)
            step = 1.0 / (k + 1)
            for d in DAYS:
                target = {i: base[i][d] - compare[i][d] for i in index}
                for j in index:
                    utility = np.array(
                        [
                            np.where(opened[i][d], -(waits[i][d] + detour[(j, i)]) / choice.scale_min, -np.inf)
                            for i in index
                        ]
                    )
                    anyone = np.isfinite(utility).any(axis=0)
                    utility[:, ~anyone] = 0.0  # no crossing open: they stay where they were
                    weights = np.exp(utility - utility.max(axis=0))
                    probability = weights / weights.sum(axis=0)
                    for row, i in enumerate(index):
                        target[i] = target[i] + np.where(
                            anyone, compare[j][d] * probability[row], compare[j][d] if i == j else 0.0
                        )
                for i in index:
                    current[i][d] += step * (target[i] - current[i][d])
        for i in index:
            shifted = with_demand(specs[i], vehicle, base[i], current[i])
            _, after = _waits(shifted, vehicle, months, replications, seed)
            before_day, after_day = _weekly(base[i]) / 7.0, _weekly(current[i]) / 7.0
            name = _short_name(specs[i])
            moved.append(Moved(specs[i].crossing, name, vehicle, before_day, after_day, first[i], after))
            provenance = {**shifted.provenance, f"classes.{vehicle}.city_choice": choice.source or "ESTIMATE"}
            specs[i] = shifted.model_copy(update={"provenance": provenance})
    return specs, moved


def describe(choice: DriverChoice, moved: Sequence[Moved]) -> str:
    """One line for a study's notes."""
    parts = [
        f"{m.name} {m.vehicle} {m.per_day_before:,.0f} → {m.per_day_after:,.0f} a day "
        f"({m.change:+.0%}), wait {m.wait_before:.1f} → {m.wait_after:.1f} min"
        for m in moved
    ]
    return (
        f"drivers shared across the city's crossings ({choice.share:.0%} compare the crossings open, "
        f"logit scale {choice.scale_min:g} min, {choice.iterations} steps): " + "; ".join(parts)
    )


def to_json(choice: DriverChoice, moved: Sequence[Moved]) -> dict[str, Any]:
    return {
        "share": choice.share,
        "scale_min": choice.scale_min,
        "iterations": choice.iterations,
        "detour_kmh": choice.detour_kmh,
        "circuity": choice.circuity,
        "source": choice.source,
        "crossings": [
            {
                "crossing": m.crossing,
                "name": m.name,
                "class": m.vehicle,
                "per_day_before": m.per_day_before,
                "per_day_after": m.per_day_after,
                "wait_before_min": m.wait_before,
                "wait_after_min": m.wait_after,
            }
            for m in moved
        ],
    }
