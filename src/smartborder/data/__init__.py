"""Real US–Mexico crossing data (BTS/CBP), shipped with the package.

Public API::

    catalogue()                       ports keyed by code
    resolve_port("laredo")            Port; resolve() also returns how it matched
    monthly_series(code, measure, MonthRange.parse("2024-01", "2024-12"))
    occupancy(code), port_shares(measure, months), year_over_year(series)
"""

from smartborder.data.bridges import bridge_series, bridge_shares
from smartborder.data.crossings import (
    MEASURES,
    last_month,
    load_crossings,
    monthly_series,
    resolve_measure,
    totals,
)
from smartborder.data.derived import border_month_total, occupancy, port_shares, year_over_year
from smartborder.data.errors import (
    AmbiguousPortError,
    DataError,
    PeriodError,
    UnknownMeasureError,
    UnknownPortError,
)
from smartborder.data.periods import MonthRange, parse_month
from smartborder.data.ports import Port, Resolution, catalogue, resolve, resolve_port

__all__ = [
    "bridge_series",
    "bridge_shares",
    "MEASURES",
    "AmbiguousPortError",
    "DataError",
    "MonthRange",
    "PeriodError",
    "Port",
    "Resolution",
    "UnknownMeasureError",
    "UnknownPortError",
    "border_month_total",
    "catalogue",
    "last_month",
    "load_crossings",
    "monthly_series",
    "occupancy",
    "parse_month",
    "port_shares",
    "resolve",
    "resolve_measure",
    "resolve_port",
    "totals",
    "year_over_year",
]
