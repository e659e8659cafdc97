"""Months as the data knows them (``YYYY-MM``), parsed strictly.

Strict because a silently mis-read month ("2024-13" → January) would give wrong totals
without anyone noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder.data.errors import PeriodError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | pd.Period, field: str = "month") -> pd.Period:
    """Parse ``YYYY-MM`` into a monthly ``pandas.Period``; raise ``PeriodError`` naming *field*."""
    if isinstance(text, pd.Period):
        return text.asfreq("M")
    match = _MONTH.match(str(text).strip())
    if not match:
        raise PeriodError(f"{field}: expected a month as YYYY-MM (e.g. 2024-03), got {text!r}.")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"{field}: month must be 01..12, got {text!r}.")
    return pd.Period(year=year, month=month, freq="M")


@dataclass(frozen=True)
class MonthRange:
    """An inclusive range of months; either end may be open (``None``)."""

    start: pd.Period | None = None
    end: pd.Period | None = None

    @classmethod
    def parse(cls, start: str | None = None, end: str | None = None) -> MonthRange:
        """Build from ``YYYY-MM`` strings (CLI ``--from``/``--to``); reversed ranges are errors."""
        first = parse_month(start, "from") if start else None
        last = parse_month(end, "to") if end else None
        if first is not None and last is not None and first > last:
            raise PeriodError(f"from/to: the range is reversed ({first} is after {last}).")
        return cls(first, last)

    def contains(self, months: pd.Series) -> pd.Series:
        """Boolean mask of *months* (a Series of monthly Periods) inside the range."""
        mask = pd.Series(True, index=months.index)
        if self.start is not None:
            mask &= months >= self.start
        if self.end is not None:
            mask &= months <= self.end
        return mask

    def mask(self, index: pd.Index) -> np.ndarray:
        """``contains`` for an index of months, as a NumPy mask: the same answer, computed on
        the monthly ordinals when index and range are monthly (a lookup per month of a
        port-year costs microseconds instead of milliseconds)."""
        ends = [p for p in (self.start, self.end) if p is not None]
        if not (
            isinstance(index, pd.PeriodIndex)
            and index.freqstr == "M"
            and all(isinstance(p, pd.Period) and p.freqstr == "M" for p in ends)
        ):
            result: np.ndarray = self.contains(index.to_series()).to_numpy()
            return result
        ordinals = index.asi8
        keep = np.ones(ordinals.size, dtype=bool)
        if ends:  # NaT compares false with either end
            keep &= ordinals != np.iinfo(np.int64).min
        if self.start is not None:
            keep &= ordinals >= self.start.ordinal
        if self.end is not None:
            keep &= ordinals <= self.end.ordinal
        return keep

    def select(self, series: pd.Series) -> pd.Series:
        """``series[self.mask(series.index)]``: a slice when the months inside form one run (a
        sorted index), which is cheaper than a boolean selection and gives the same series."""
        mask = self.mask(series.index)
        inside = np.flatnonzero(mask)
        if inside.size == 0:
            return series.iloc[0:0]
        if inside[-1] - inside[0] + 1 == inside.size:
            return series.iloc[int(inside[0]) : int(inside[-1]) + 1]
        return series[mask]
