"""Demand: a crossing's real monthly volumes spread over the hours its lanes are open.

BTS and CBP count vehicles that crossed, so every counted vehicle arrived while the class was
open — or, for the pre-opening queue, shortly before it opened. A month's volume is spread over
its days by the day-of-week weights (a day a class never opens gets none), then over each day's
open hours by the hourly weights; the class's ``pre_opening`` share of each day's vehicles
arrives evenly in the hours just before its first opening and waits for it. Nobody arrives at
a closed crossing otherwise.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.ports.errors import PortError
from smartborder.ports.spec import DAY_TYPES, ClassSpec, PortSpec, PreOpening


def day_type(weekday: int) -> str:
    """``weekday``, ``saturday`` or ``sunday`` for a weekday index (0 = Monday)."""
    return DAY_TYPES[max(0, weekday - 4)] if weekday >= 5 else "weekday"


def opening_hours(is_open: Sequence[bool] | np.ndarray, pre: PreOpening) -> tuple[int | None, list[int]]:
    """The day's first opening hour and the closed hours before it where the line forms."""
    flags = list(is_open)
    if all(flags) or not any(flags):
        return None, []
    first = next(h for h in range(24) if flags[h] and not flags[h - 1])
    before = [(first - k) % 24 for k in range(1, pre.hours + 1)]
    return first, [h for h in before if not flags[h]]


def day_shares(
    weights: Sequence[float] | np.ndarray, is_open: Sequence[bool] | np.ndarray, pre: PreOpening
) -> np.ndarray:
    """Share of one day's arrivals in each of its 24 hours (sums to 1, or to 0 if never open)."""
    flags = np.asarray(is_open, dtype=bool)
    shares = np.asarray(weights, dtype=np.float64) * flags
    if shares.sum() <= 0:
        shares = flags.astype(np.float64)  # open hours the shape gives no weight: spread evenly
    if shares.sum() <= 0:
        return np.zeros(24)
    shares /= shares.sum()
    _, waiting = opening_hours(flags, pre)
    if waiting and pre.share > 0:
        shares *= 1.0 - pre.share
        shares[waiting] += pre.share / len(waiting)
    result: np.ndarray = shares
    return result


def _hourly_weights(cls: ClassSpec, day: str) -> tuple[float, ...]:
    profile = cls.profile
    return profile.hourly_weekday if day == "weekday" else (profile.hourly_weekend or profile.hourly_weekday)


def day_factors(cls: ClassSpec, open_days: Sequence[bool]) -> np.ndarray:
    """Each weekday's share of a week's traffic (Monday first); days never open get none."""
    weights = np.asarray(cls.profile.daily, dtype=np.float64) * np.asarray(open_days, dtype=bool)
    result: np.ndarray = weights / weights.sum() if weights.sum() > 0 else weights
    return result


def design_day(cls: ClassSpec, day: str, by_window: bool = True) -> np.ndarray:
    """Expected arrivals per hour on an average *day* type at the class's ``design_volume``.

    *by_window*: which hours count as open — the lanes' opening hours (the staffing rule, which
    sets how many are staffed), or the hours with a lane staffed.
    """
    open_by_day = {d: _open(cls, d, by_window) for d in DAY_TYPES}
    weekly = day_factors(cls, [any(open_by_day[day_type(w)]) for w in range(7)])
    kinds = [w for w in range(7) if day_type(w) == day]
    per_day = (cls.design_volume or 0.0) * 7 * float(weekly[kinds].mean())
    return per_day * day_shares(_hourly_weights(cls, day), open_by_day[day], cls.pre_opening)


def _open(cls: ClassSpec, day: str, by_window: bool) -> list[bool]:
    if not by_window:
        return cls.is_open(day)
    windows = [lane.is_open(day) for lane in cls.lanes.values()]
    return [any(w[h] for w in windows) for h in range(24)]


def class_volume(spec: PortSpec, vehicle: str, month: pd.Period) -> float | None:
    """The class's volume in *month* (sources × shares × growth); None if the data lack it."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    total, seen = 0.0, False
    catalogue = data.crossings()
    for crossing_id, share in spec.volume_sources.items():
        if crossing_id not in catalogue:
            raise PortError(f"sources: no crossing {crossing_id!r} in the catalogue")
        series = catalogue[crossing_id].series(cls.measure, data.MonthRange(month, month))
        if series.empty:
            continue
        seen = True
        total += float(series.iloc[0]) * share
    return total * cls.volume_factor if seen else None


def class_volumes(spec: PortSpec, vehicle: str, months: Sequence[pd.Period]) -> list[float | None]:
    """``class_volume`` for each of *months*, each source's series read once."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    catalogue = data.crossings()
    sources = []
    for crossing_id, share in spec.volume_sources.items():
        if crossing_id not in catalogue:
            raise PortError(f"sources: no crossing {crossing_id!r} in the catalogue")
        sources.append((catalogue[crossing_id].series(cls.measure), share))
    out: list[float | None] = []
    for month in months:
        total, seen = 0.0, False
        for series, share in sources:
            value = series.get(month)
            if value is None:
                continue
            seen = True
            total += float(value) * share
        out.append(total * cls.volume_factor if seen else None)
    return out


def monthly_demand(
    spec: PortSpec, month: pd.Period, strict: bool = True, gaps: list[str] | None = None
) -> tuple[dict[str, np.ndarray], int]:
    """Expected arrivals per hour for every flow over one calendar month, and its first weekday.

    A month the data do not report is an error when *strict*; otherwise it carries no traffic
    of that class and is listed in *gaps*, so the run can say so.
    """
    return _demand(spec, [month], strict, gaps)


def _demand(
    spec: PortSpec, months: Sequence[pd.Period], strict: bool, gaps: list[str] | None
) -> tuple[dict[str, np.ndarray], int]:
    """Hourly expected arrivals per flow over *months* (in order), and the first weekday: each
    class's day shapes made once, its volumes read once, then spread month by month."""
    calendars = [calendar.monthrange(m.year, m.month) for m in months]
    demand: dict[str, np.ndarray] = {}
    for vehicle, cls in spec.classes.items():
        open_by_day = {d: cls.is_open(d) for d in DAY_TYPES}
        weekly = day_factors(cls, [any(open_by_day[day_type(w)]) for w in range(7)])
        shapes = {d: day_shares(_hourly_weights(cls, d), open_by_day[d], cls.pre_opening) for d in DAY_TYPES}
        parts = []
        for month, (first_weekday, days), volume in zip(
            months, calendars, class_volumes(spec, vehicle, months), strict=True
        ):
            if volume is None:
                message = f"{spec.name} has no {cls.measure} data for {month}"
                if strict:
                    raise PortError(f"month: {message}")
                if gaps is not None:
                    gaps.append(message)
                volume = 0.0
            weekdays = [(first_weekday + d) % 7 for d in range(days)]
            day_weights = weekly[weekdays]
            day_weights = day_weights / day_weights.sum() if day_weights.sum() > 0 else day_weights
            hourly = np.concatenate([day_weights[d] * shapes[day_type(w)] for d, w in enumerate(weekdays)])
            hourly *= volume
            parts.append(hourly)
        for entitlement, share in cls.flow_shares().items():
            demand[f"{vehicle}.{entitlement}"] = np.concatenate([hourly * share for hourly in parts])
    return demand, calendars[0][0]


def demand_for(
    spec: PortSpec, months: Sequence[pd.Period], gaps: list[str] | None = None
) -> tuple[dict[str, np.ndarray], int]:
    """Hourly expected arrivals per flow over consecutive months, and the first weekday.

    Over several months a month the data did not report carries no traffic of that class and
    is listed in *gaps*; a single month without data is an error.
    """
    months = sorted(months)
    if any((b - a).n != 1 for a, b in itertools.pairwise(months)):
        raise PortError("months: must be consecutive")
    return _demand(spec, months, len(months) == 1, gaps)


def data_months(spec: PortSpec) -> tuple[pd.Period, pd.Period]:
    """First and last month the spec's volume sources all report."""
    catalogue = data.crossings()
    sources = [catalogue[c] for c in spec.volume_sources if c in catalogue]
    if not sources:
        raise PortError(f"sources: {spec.name} names no crossing of the catalogue")
    return max(c.first_month for c in sources), min(c.last_month for c in sources)


def year_months(spec: PortSpec, year: int) -> list[pd.Period]:
    """The months of *year* for which the crossing has data; an error if none."""
    first, last = data_months(spec)
    months = [pd.Period(f"{year}-{m:02d}", "M") for m in range(1, 13)]
    months = [m for m in months if first <= m <= last]
    if not months:
        raise PortError(f"year: {spec.name} has data from {first} to {last}, not {year}")
    return months
