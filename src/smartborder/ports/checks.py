"""Warnings a run must carry: demand at closed lanes, lanes that cannot keep up.

Both are computed from the model and the demand that drives it, before anything is simulated,
so the CLI can print them on stderr and the report can show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd

from smartborder.ports.demand import day_type, demand_for, opening_hours
from smartborder.ports.spec import DAY_TYPES, PortSpec, eligible_lanes
from smartborder.ports.staffing import month_schedules

#: Warn when the work left over at the end of a day exceeds this share of a day's staffed time.
BACKLOG_DAYS = 0.25
#: For a class whose drivers leave long lines (``patience``), the queue cannot grow without end;
#: warn instead when the work that would like to cross exceeds the staffed time by this factor
#: (a third of the drivers or more would find the line too long and leave).
TURNED_AWAY_LOAD = 1.5
#: The stages of a truck chain (ports/chain.py) that have servers, as warnings name them.
CHAIN_STAGES = {
    "mexico": "Mexico's export customs",
    "mexico_exam": "Mexico's exam",
    "scale": "the state's scale",
    "state": "the state's inspection",
}


def capacity_warnings(spec: PortSpec, months: Sequence[pd.Period]) -> list[str]:
    """Plain-language warnings for *spec* over *months* (empty when all is well).

    - a stage of a truck chain (``ports/chain.py``) whose work carries from day to day;
    - demand arriving in hours when no lane of its class is open (beyond the documented
      pre-opening queue);
    - a class, or the standard lanes on their own (standard-only vehicles may use no other),
      whose work left over at the end of a day — carried from day to day — reaches a quarter of
      a day's staffed lane time: its queue grows through the run instead of clearing. A class
      whose drivers leave long lines (``patience``) keeps its queue bounded that way, as the
      default car model is designed to (an officer-short roster): it is warned about only when
      its work exceeds the staffed time by ``TURNED_AWAY_LOAD``.
    """
    warnings: list[str] = []
    demand, first_weekday = demand_for(spec, months)
    seasonal = month_schedules(spec, list(months))
    hours = next(iter(demand.values())).size
    weekday = (first_weekday + np.arange(hours) // 24) % 7
    hour = np.arange(hours) % 24
    # Each run hour's day type (row of a day-type × hour table), so tables are read, not rebuilt.
    kind = np.array([DAY_TYPES.index(day_type(w)) for w in range(7)])[weekday]
    for vehicle, cls in spec.classes.items():
        flows = {e: demand[f"{vehicle}.{e}"] for e in cls.flow_shares()}
        total = cast(np.ndarray, sum(flows.values()))
        open_now = np.array([cls.is_open(day) for day in DAY_TYPES], dtype=bool)[kind, hour]
        waiting = {day: set(opening_hours(cls.is_open(day), cls.pre_opening)[1]) for day in DAY_TYPES}
        expected_waiting = np.array([[h in waiting[day] for h in range(24)] for day in DAY_TYPES])[kind, hour]
        stray = float(total[~open_now & ~expected_waiting].sum())
        if stray > 0.5:
            warnings.append(f"{vehicle}: {stray:,.0f} vehicles arrive while every {vehicle} lane is closed")
        work = {e: flows[e] * cls.service_of(e, spec.pre_inspection).expected for e in flows}
        lanes = {
            name: seasonal.get(
                f"{vehicle}.primary.{name}", np.array([lane.lanes(day) for day in DAY_TYPES])[kind, hour]
            )[:hours]
            for name, lane in cls.lanes.items()
        }
        days = hours // 24
        if cls.chain is not None:  # the whole crossing's stages (ports/chain.py) must keep up too
            class_open = {day: cls.is_open(day) for day in DAY_TYPES}
            for name, label in CHAIN_STAGES.items():
                stage = getattr(cls.chain, name)
                staffing = stage.staffing(class_open)
                servers = np.array([staffing.weekday, staffing.saturday, staffing.sunday])[kind, hour]
                worst, mean_capacity, load = _backlog(
                    total * stage.share * stage.service.expected, servers * 60.0, days
                )
                if worst > BACKLOG_DAYS * mean_capacity:
                    warnings.append(
                        f"{vehicle}: {label} cannot keep up: {load:.0%} of its capacity is asked of it and "
                        f"the work left over carries from day to day (up to {worst / max(mean_capacity, 1e-9):.1f} "
                        "days of its time); its line grows through the run, so crossing times there are not steady"
                    )
        for label, minutes, capacity in (
            ("its lanes", sum(work.values()), sum(lanes.values()) * 60.0),
            (
                "the standard lanes",
                sum(w for e, w in work.items() if eligible_lanes(e, cls.lanes) == ["standard"]),
                lanes["standard"] * 60.0,
            ),
        ):
            worst, mean_capacity, load = _backlog(minutes, capacity, days)
            if cls.patience is not None:
                if load > TURNED_AWAY_LOAD:
                    warnings.append(
                        f"{vehicle}: {label} cannot keep up: the work is {load:.0%} of the period's staffed "
                        f"time, so about {1 - 1 / load:.0%} of the drivers or more would find the line "
                        "longer than they will wait and not cross"
                    )
                    break
                continue
            if worst > BACKLOG_DAYS * mean_capacity:
                warnings.append(
                    f"{vehicle}: {label} cannot keep up: the work left over carries from day to day "
                    f"(up to {worst / max(mean_capacity, 1e-9):.1f} days of staffed lane time; "
                    f"{load:.0%} of the period's capacity); the queue grows through the run"
                )
                break
    return warnings


def _backlog(minutes: np.ndarray | float, capacity: np.ndarray | float, days: int) -> tuple[float, float, float]:
    """Work left over at the end of the worst day (a fluid bound: the queue cannot be shorter),
    a day's mean capacity and the period's load, from work and capacity minutes by run hour."""
    daily_work = np.asarray(minutes).reshape(days, 24).sum(axis=1)
    daily_capacity = np.asarray(capacity).reshape(days, 24).sum(axis=1)
    backlog, worst = 0.0, 0.0
    for work_today, capacity_today in zip(daily_work, daily_capacity, strict=True):
        backlog = max(0.0, backlog + work_today - capacity_today)
        worst = max(worst, backlog)
    return worst, float(daily_capacity.mean()), float(daily_work.sum() / max(daily_capacity.sum(), 1e-9))
