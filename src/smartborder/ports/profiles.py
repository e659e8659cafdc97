"""Arrival profiles read back from observed waits: the queue's hourly balance, inverted.

Nobody publishes how many cars reach a crossing in each hour; CBP publishes how long they wait
(its historical averages give the mean wait by month, weekday and hour). Over an hour *h* the
queue in front of the booths balances::

    Q[h+1] = Q[h] + A[h] * (1 - B(W[h])) - C[h] * W[h] / (W[h] + s)

with ``Q = W * L / s`` the cars in line when the wait is ``W`` minutes at ``L`` lanes of ``s``
minutes a car, ``C = 60 * L / s`` the lanes' capacity in the hour, ``W / (W + s)`` the share of
it used (the M/M/1 relation between a line's wait and its utilisation, which is 1 for any line
worth queueing for and falls to 0 as the wait does), and ``B`` the drivers' patience (who finds
a line longer than they will wait does not join it). Solved for the arrivals::

    A[h] = (Q[h+1] - Q[h] + C[h] * W[h] / (W[h] + s)) / (1 - B(W[h]))

Only ratios matter (``A`` is normalised to a mean of 1 and the level comes from BTS's monthly
counts), so the lanes need only their shape over the day and the service time only its order of
magnitude. What it explains is the *shape* of the waits: a line that grows means more cars
arrive than the lanes clear; one that falls, fewer. ``fluid_waits`` runs the same balance
forward, so the two are exact inverses (the tests' oracle).

Readings from a few days (a feed's archive rather than CBP's averages over a year) are noisier
than the balance's differences bear: ``waits_by_hour`` takes their median by hour, fills an hour
with no reading from its neighbours and smooths each hour with its two neighbours (weights 1-2-1)
before the inversion. ``load_from_waits`` gives the level the same balance implies: the cars that
would like to cross in the day per car the lanes can clear, the roster's utilisation.

The day is taken as periodic (hour 23 flows into hour 0 of the same day type), as CBP's averages
are. Arrivals below ``floor`` of the busiest hour are raised to it: CBP's rounded readings can
fall faster than any lane clears a line, which would otherwise read as negative arrivals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartborder.ports.errors import PortError
from smartborder.twin.distributions import ServiceTime

#: Arrivals are at least this share of the busiest hour's (see the module's docstring).
FLOOR = 0.05


def _day(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (24,) or not np.all(np.isfinite(array)) or array.min() < 0:
        raise PortError(f"{name}: expected 24 finite values >= 0, one per hour")
    return array


def _balked(patience: ServiceTime | None, waits: np.ndarray) -> np.ndarray:
    return np.zeros_like(waits) if patience is None else np.asarray(patience.cdf(waits), dtype=np.float64)


def arrivals_from_waits(
    waits: Sequence[float] | np.ndarray,
    lanes: Sequence[float] | np.ndarray,
    service_min: float,
    patience: ServiceTime | None = None,
    floor: float = FLOOR,
    normalise: bool = True,
) -> np.ndarray:
    """Hourly arrival weights (mean 1) that explain the mean *waits* (minutes, hours 0-23) at
    *lanes* open by hour (any scale), *service_min* minutes a car, drivers' *patience*.
    ``normalise=False``: cars an hour where the busiest hour has one lane open."""
    w, lane = _day(waits, "waits"), _day(lanes, "lanes")
    if lane.max() <= 0:
        raise PortError("lanes: no lane open at any hour")
    if not service_min > 0:
        raise PortError("service_min: must be > 0")
    lane = lane / lane.max()
    queue = w * lane / service_min
    served = 60.0 * lane / service_min * w / (w + service_min)
    joining = 1.0 - _balked(patience, w)
    if joining.min() <= 0:
        raise PortError("patience: nobody joins a line as long as the waits given")
    arrivals = (np.roll(queue, -1) - queue + served) / joining
    arrivals = np.maximum(arrivals, floor * max(float(arrivals.max()), 1e-12))
    result: np.ndarray = arrivals / arrivals.mean() if normalise else arrivals
    return result


def fluid_waits(
    arrivals: Sequence[float] | np.ndarray,
    lanes: Sequence[float] | np.ndarray,
    service_min: float,
    patience: ServiceTime | None = None,
    days: int = 60,
) -> np.ndarray:
    """The balance of the module's docstring run forward: the periodic day's waits (minutes) of
    *arrivals* (cars an hour) at *lanes* (lanes open) once the day repeats itself."""
    a, lane = _day(arrivals, "arrivals"), _day(lanes, "lanes")
    queue, waits = 0.0, np.zeros(24)
    for _ in range(days):
        for h in range(24):
            w = queue * service_min / lane[h] if lane[h] > 0 else 0.0
            waits[h] = w
            joined = a[h] * (1.0 - float(_balked(patience, np.array([w]))[0]))
            queue = max(queue + joined - 60.0 * lane[h] / service_min * w / (w + service_min), 0.0)
    return waits


def from_averages(
    averages: pd.DataFrame,
    column: str,
    months: Sequence[int],
    weekdays: Sequence[int],
    lanes: Sequence[float] | np.ndarray,
    service_min: float,
    patience: ServiceTime | None = None,
) -> np.ndarray:
    """Arrival weights read from CBP's historical averages (the shipped table's columns: ``month``,
    ``day_of_week_index``, ``hour`` and *column*, minutes): the mean over *months* and *weekdays*
    (CBP's day index, 0 = Sunday) of each hour's wait, inverted at *lanes*."""
    rows = averages[averages["month"].isin(list(months)) & averages["day_of_week_index"].isin(list(weekdays))]
    if rows.empty:
        raise PortError(f"averages: no rows for months {list(months)} and weekdays {list(weekdays)}")
    waits = rows.groupby("hour")[column].mean().reindex(range(24))
    if waits.isna().any():
        raise PortError(f"averages: {column} lacks hours {[int(h) for h in waits.index[waits.isna()]]}")
    return arrivals_from_waits(waits.to_numpy(), lanes, service_min, patience)


def waits_by_hour(
    hours: Sequence[int] | np.ndarray, waits: Sequence[float] | np.ndarray, smooth: bool = True
) -> np.ndarray:
    """The median wait by hour of the day (0-23) of readings at *hours* (a handful of days: one
    night's rush, such as Sunday's returns still queued at 1 h on Monday, would carry a mean); an
    hour without a reading
    is interpolated from its neighbours around the clock, and with *smooth* each hour is averaged
    with its neighbours, weights 1-2-1 (see the module's docstring)."""
    hour, wait = np.asarray(hours, dtype=np.int64), np.asarray(waits, dtype=np.float64)
    if hour.shape != wait.shape or hour.size == 0:
        raise PortError("waits: expected as many readings as hours, at least one")
    if hour.min() < 0 or hour.max() > 23 or not np.all(np.isfinite(wait)) or wait.min() < 0:
        raise PortError("waits: hours must be 0-23 and waits finite values >= 0")
    means = np.array([float(np.median(wait[hour == h])) if np.any(hour == h) else 0.0 for h in range(24)])
    seen = np.flatnonzero(np.bincount(hour, minlength=24))
    if seen.size < 24:
        around = np.concatenate([seen - 24, seen, seen + 24])
        means = np.interp(np.arange(24), around, np.tile(means[seen], 3))
    return (np.roll(means, 1) + 2 * means + np.roll(means, -1)) / 4 if smooth else means


def load_from_waits(
    waits: Sequence[float] | np.ndarray,
    lanes: Sequence[float] | np.ndarray,
    service_min: float,
    patience: ServiceTime | None = None,
    floor: float = FLOOR,
) -> float:
    """The day's arrivals that explain *waits* (``arrivals_from_waits``) per car the *lanes*
    (scaled so the busiest hour has one) can clear in the day: above 1, a roster short of the
    officers the day's work needs (the drivers who find the line too long make up the rest)."""
    arrivals = arrivals_from_waits(waits, lanes, service_min, patience, floor, normalise=False)
    lane = _day(lanes, "lanes")
    return float(arrivals.sum() / (60.0 * lane / lane.max() / service_min).sum())
