"""Figures users derive from the monthly counts: occupancy, port shares, year-over-year change."""

from __future__ import annotations

import pandas as pd

from smartborder.data.anomalies import flagged
from smartborder.data.bts import load_crossings, monthly_series, resolve_measure, totals
from smartborder.data.errors import DataError
from smartborder.data.periods import MonthRange

#: Which passenger measure pairs with which vehicle measure.
_OCCUPANCY_PAIRS = {
    "Personal Vehicles": "Personal Vehicle Passengers",
    "Buses": "Bus Passengers",
    "Trains": "Train Passengers",
}


def occupancy(port_code: str, vehicles: str = "Personal Vehicles", months: MonthRange | None = None) -> float:
    """Average persons per vehicle (passengers ÷ vehicles) over months where both are reported."""
    vehicles = resolve_measure(vehicles)
    if vehicles not in _OCCUPANCY_PAIRS:
        raise DataError(f"vehicles: occupancy is defined for {', '.join(_OCCUPANCY_PAIRS)}, not {vehicles!r}.")
    count = monthly_series(port_code, vehicles, months)
    people = monthly_series(port_code, _OCCUPANCY_PAIRS[vehicles], months)
    both = pd.concat([count, people], axis=1, join="inner")
    both = both[both.iloc[:, 0] > 0]
    if both.empty:
        raise DataError(f"occupancy: port {port_code} reports no {vehicles} in the range.")
    return float(both.iloc[:, 1].sum() / both.iloc[:, 0].sum())


def port_shares(measure: str, months: MonthRange) -> pd.Series:
    """Each port's share (0..1) of the border total of *measure* over *months*, largest first."""
    table = totals([measure], months).iloc[:, 0]
    total = table.sum()
    if total == 0:
        raise DataError(f"share: no {measure} crossings reported in the range.")
    return (table / total).sort_values(ascending=False)


def year_over_year(series: pd.Series, skip_flagged: bool = True) -> pd.Series:
    """Change (fraction) of each month against the same month a year before; NaN if absent, or
    (with *skip_flagged*) if either month is flagged as departing from its neighbours
    (``anomalies.flagged``): one bad month is not a growth figure."""
    previous = series.copy()
    previous.index = previous.index + 12
    aligned = previous.reindex(series.index)
    change = (series - aligned) / aligned.where(aligned != 0)
    if skip_flagged:
        bad = flagged(series.sort_index()).reindex(series.index, fill_value=False)
        shifted = bad.copy()
        shifted.index = shifted.index + 12
        change = change.where(~(bad | shifted.reindex(series.index, fill_value=False)))
    return change


def border_month_total(measure: str, months: MonthRange) -> pd.Series:
    """Border-wide monthly total of *measure* (index: month)."""
    measure = resolve_measure(measure)
    frame = load_crossings()
    rows = frame[(frame["measure"] == measure) & months.contains(frame["month"])]
    return rows.groupby("month")["value"].sum()
