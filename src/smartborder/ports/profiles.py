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

The day is taken as periodic (hour 23 flows into hour 0 of the same day type), as CBP's averages
are. Arrivals below ``floor`` of the busiest hour are raised to it: CBP's rounded readings can
fall faster than any lane clears a line, which would otherwise read as negative arrivals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from smartborder.twin.distributions import ServiceTime
from smartborder.twin.errors import ModelError

#: Arrivals are at least this share of the busiest hour's (see the module's docstring).
FLOOR = 0.05


def _day(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (24,) or not np.all(np.isfinite(array)) or array.min() < 0:
        raise ModelError(f"{name}: expected 24 finite values >= 0, one per hour")
    return array


def _balked(patience: ServiceTime | None, waits: np.ndarray) -> np.ndarray:
    return np.zeros_like(waits) if patience is None else np.asarray(patience.cdf(waits), dtype=np.float64)


def arrivals_from_waits(waits: Sequence[float] | np.ndarray, lanes: Sequence[float] | np.ndarray,
                        service_min: float, patience: ServiceTime | None = None,
                        floor: float = FLOOR, normalise: bool = True) -> np.ndarray:
    """Hourly arrival weights (mean 1) that explain the mean *waits* (minutes, hours 0-23) at
    *lanes* open by hour (any scale), *service_min* minutes a car, drivers' *patience*.
    ``normalise=False``: cars an hour where the busiest hour has one lane open."""
    w, lane = _day(waits, "waits"), _day(lanes, "lanes")
    if lane.max() <= 0:
        raise ModelError("lanes: no lane open at any hour")
    if not service_min > 0:
        raise ModelError("service_min: must be > 0")
    lane = lane / lane.max()
    queue = w * lane / service_min
    served = 60.0 * lane / service_min * w / (w + service_min)
    joining = 1.0 - _balked(patience, w)
    if joining.min() <= 0:
        raise ModelError("patience: nobody joins a line as long as the waits given")
    arrivals = (np.roll(queue, -1) - queue + served) / joining
    arrivals = np.maximum(arrivals, floor * max(float(arrivals.max()), 1e-12))
    result: np.ndarray = arrivals / arrivals.mean() if normalise else arrivals
    return result


def fluid_waits(arrivals: Sequence[float] | np.ndarray, lanes: Sequence[float] | np.ndarray,
                service_min: float, patience: ServiceTime | None = None, days: int = 60) -> np.ndarray:
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


def from_averages(averages: pd.DataFrame, column: str, months: Sequence[int], weekdays: Sequence[int],
                  lanes: Sequence[float] | np.ndarray, service_min: float,
                  patience: ServiceTime | None = None) -> np.ndarray:
    """Arrival weights read from CBP's historical averages (the shipped table's columns: ``month``,
    ``day_of_week_index``, ``hour`` and *column*, minutes): the mean over *months* and *weekdays*
    (CBP's day index, 0 = Sunday) of each hour's wait, inverted at *lanes*."""
    rows = averages[averages["month"].isin(list(months)) & averages["day_of_week_index"].isin(list(weekdays))]
    if rows.empty:
        raise ModelError(f"averages: no rows for months {list(months)} and weekdays {list(weekdays)}")
    waits = rows.groupby("hour")[column].mean().reindex(range(24))
    if waits.isna().any():
        raise ModelError(f"averages: {column} lacks hours {[int(h) for h in waits.index[waits.isna()]]}")
    return arrivals_from_waits(waits.to_numpy(), lanes, service_min, patience)
