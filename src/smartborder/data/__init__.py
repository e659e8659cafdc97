"""Real US–Mexico crossing data (BTS/CBP), shipped with the package.

Public API::

    catalogue()                       ports keyed by code
    resolve_port("laredo")            Port; resolve() also returns how it matched
    monthly_series(code, measure, MonthRange.parse("2024-01", "2024-12"))
    occupancy(code), port_shares(measure, months), year_over_year(series)
    crossings()                       every modelled crossing (bridge, or a one-crossing port)
    resolve_place("B&M")              a port with its crossings, or one crossing
    crossing_series(crossing, measure, months), lane_facts(crossing)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartborder import lazy

if TYPE_CHECKING:
    from smartborder.data.anomalies import flagged
    from smartborder.data.bridges import bridge_series, bridge_shares
    from smartborder.data.bts import MEASURES, last_month, load_crossings, monthly_series, resolve_measure, totals
    from smartborder.data.crossing_times import rfid_crossing_times
    from smartborder.data.derived import border_month_total, occupancy, port_shares, year_over_year
    from smartborder.data.errors import (
        AmbiguousPortError,
        DataError,
        PeriodError,
        UnknownMeasureError,
        UnknownPortError,
    )
    from smartborder.data.periods import MonthRange, parse_month
    from smartborder.data.places import (
        Crossing,
        LaneFacts,
        Place,
        by_cbp_number,
        crossing_series,
        crossings,
        crossings_of,
        lane_facts,
        resolve_crossing,
        resolve_place,
    )
    from smartborder.data.ports import Port, Resolution, catalogue, resolve, resolve_port

#: Public name → the module that defines it (imported on first use: pandas only when data is read).
_LAZY = {
    "flagged": "anomalies",
    "bridge_series": "bridges",
    "bridge_shares": "bridges",
    "MEASURES": "bts",
    "last_month": "bts",
    "load_crossings": "bts",
    "monthly_series": "bts",
    "resolve_measure": "bts",
    "totals": "bts",
    "rfid_crossing_times": "crossing_times",
    "Crossing": "places",
    "LaneFacts": "places",
    "Place": "places",
    "by_cbp_number": "places",
    "crossing_series": "places",
    "crossings": "places",
    "crossings_of": "places",
    "lane_facts": "places",
    "resolve_crossing": "places",
    "resolve_place": "places",
    "border_month_total": "derived",
    "occupancy": "derived",
    "port_shares": "derived",
    "year_over_year": "derived",
    "AmbiguousPortError": "errors",
    "DataError": "errors",
    "PeriodError": "errors",
    "UnknownMeasureError": "errors",
    "UnknownPortError": "errors",
    "MonthRange": "periods",
    "parse_month": "periods",
    "Port": "ports",
    "Resolution": "ports",
    "catalogue": "ports",
    "resolve": "ports",
    "resolve_port": "ports",
}

__all__ = [
    "MEASURES",
    "AmbiguousPortError",
    "Crossing",
    "DataError",
    "LaneFacts",
    "MonthRange",
    "PeriodError",
    "Place",
    "Port",
    "Resolution",
    "UnknownMeasureError",
    "UnknownPortError",
    "border_month_total",
    "bridge_series",
    "bridge_shares",
    "by_cbp_number",
    "catalogue",
    "crossing_series",
    "crossings",
    "crossings_of",
    "flagged",
    "lane_facts",
    "last_month",
    "load_crossings",
    "monthly_series",
    "occupancy",
    "parse_month",
    "port_shares",
    "resolve",
    "resolve_crossing",
    "resolve_measure",
    "resolve_place",
    "resolve_port",
    "rfid_crossing_times",
    "totals",
    "year_over_year",
]

__getattr__ = lazy.loader(__name__, _LAZY, globals())
