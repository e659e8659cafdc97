"""Months as the data knows them (``YYYY-MM``), parsed strictly.

Strict because a silently mis-read month ("2024-13" → January) would give wrong totals
without anyone noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
