"""Months whose count departs from its neighbours: likely errors in the published record.

BTS's monthly counts carry the odd month that cannot be real: Laredo's pedestrians were 228,826
in September 2023, 1,539 in October and 238,164 in November; whole ports report 0 for a month
between normal ones. Such a month is *flagged*, never changed: outputs mark it, and growth
figures leave it out by default, so one bad month does not print as "+16,165 %" a year later.

The rule (each number a parameter of ``flagged``): a month is flagged when its count is more
than ``factor`` (5) times, or less than 1/``factor`` of, the median of the ``window`` (3) months
on each side, provided those neighbours agree among themselves (the largest within ``stable``
(2) times the smallest: a step such as April 2020's closure to non-essential travel moves the
neighbours too, and is not flagged) and are not tiny (median at least ``floor``, 100: a small
crossing's 3 → 40 is noise, not an error). Over the whole shipped record (1996-2025, 94,227
port × measure × month counts) it flags about a hundred months, most of them zeros reported
between normal months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FACTOR = 5.0
WINDOW = 3
STABLE = 2.0
FLOOR = 100.0


def flagged(
    series: pd.Series, factor: float = FACTOR, window: int = WINDOW, stable: float = STABLE, floor: float = FLOOR
) -> pd.Series:
    """True for each month of *series* (indexed by month, in order) that departs from its
    neighbours as the module's docstring says; False elsewhere (and where neighbours are too
    few: fewer than two)."""
    values = series.to_numpy(dtype=np.float64)
    out = np.zeros(values.size, dtype=bool)
    for i in range(values.size):
        around = np.r_[values[max(0, i - window) : i], values[i + 1 : i + 1 + window]]
        around = around[np.isfinite(around)]
        if around.size < 2:
            continue
        middle = float(np.median(around))
        if middle < floor or around.max() > stable * max(float(around.min()), 1.0):
            continue
        ratio = values[i] / middle
        out[i] = bool(ratio > factor or ratio < 1.0 / factor)
    return pd.Series(out, index=series.index)
