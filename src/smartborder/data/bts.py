"""Monthly inbound crossings at US–Mexico ports: the BTS "Border Crossing/Entry Data".

One tidy table (port, month, measure, value) loaded once per process. A missing row means
BTS reported nothing, which is not the same as zero, so series are never zero-filled here.
"""

from __future__ import annotations

import pandas as pd

from smartborder.data.errors import UnknownMeasureError
from smartborder.data.files import BTS_CROSSINGS, data_file
from smartborder.data.periods import MonthRange
from smartborder.lazy import once

#: The BTS measures, in the order reports show them.
MEASURES: tuple[str, ...] = (
    "Trucks",
    "Truck Containers Loaded",
    "Truck Containers Empty",
    "Personal Vehicles",
    "Personal Vehicle Passengers",
    "Pedestrians",
    "Buses",
    "Bus Passengers",
    "Trains",
    "Train Passengers",
    "Rail Containers Loaded",
    "Rail Containers Empty",
)

_MEASURE_ALIASES = {
    "pov": "Personal Vehicles",
    "povs": "Personal Vehicles",
    "cars": "Personal Vehicles",
    "passenger vehicles": "Personal Vehicles",
    "pov passengers": "Personal Vehicle Passengers",
    "truck": "Trucks",
    "pedestrian": "Pedestrians",
    "bus": "Buses",
}


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def resolve_measure(name: str) -> str:
    """Canonical BTS measure for *name* (case, ``-``/``_`` and a few aliases forgiven)."""
    key = _normalise(name)
    for measure in MEASURES:
        if _normalise(measure) == key:
            return measure
    if key in _MEASURE_ALIASES:
        return _MEASURE_ALIASES[key]
    raise UnknownMeasureError(name, list(MEASURES))


@once
def load_crossings() -> pd.DataFrame:
    """The whole US–Mexico table: ``port_code, port_name, state, month, measure, value, lat, lon``.

    ``month`` is a monthly ``Period``; ``measure`` a categorical. Cached: callers must not mutate.
    """
    frame = pd.read_csv(
        data_file(BTS_CROSSINGS),
        dtype={"port_code": str, "value": "int64"},
    )
    # Monthly period ordinals straight from "YYYY-MM" (string parsing per row is ~50× slower).
    date = frame.pop("date").astype(str)
    ordinals = (date.str.slice(0, 4).astype(int) - 1970) * 12 + date.str.slice(5, 7).astype(int) - 1
    frame["month"] = pd.PeriodIndex.from_ordinals(ordinals.to_numpy(), freq="M")
    frame["measure"] = pd.Categorical(frame["measure"], categories=list(MEASURES))
    return frame.rename(columns={"latitude": "lat", "longitude": "lon"})


def last_month() -> pd.Period:
    """The latest month any port reports."""
    return load_crossings()["month"].max()


@once
def _series_index() -> dict[tuple[str, str], pd.Series]:
    """(port code, measure) → full monthly series, built once: lookups are then O(1)."""
    frame = load_crossings()
    index: dict[tuple[str, str], pd.Series] = {}
    for (code, measure), rows in frame.groupby(["port_code", "measure"], observed=True, sort=False):
        series = rows.set_index("month")["value"].sort_index()
        series.name = str(measure)
        index[(str(code), str(measure))] = series
    return index


def monthly_series(port_code: str, measure: str, months: MonthRange | None = None) -> pd.Series:
    """Monthly values of one measure at one port (index: month), only months BTS reported."""
    measure = resolve_measure(measure)
    series = _series_index().get((port_code, measure))
    if series is None:
        return pd.Series([], index=pd.PeriodIndex([], freq="M"), dtype="int64", name=measure)
    if months is not None:
        series = months.select(series)
    return series.copy()


def totals(measures: list[str], months: MonthRange) -> pd.DataFrame:
    """Sum of each measure per port over *months*: index port_code, one column per measure."""
    wanted = [resolve_measure(m) for m in measures]
    frame = load_crossings()
    rows = frame[frame["measure"].isin(wanted) & months.contains(frame["month"])]
    table = rows.pivot_table(index="port_code", columns="measure", values="value", aggfunc="sum", observed=True)
    return table.reindex(columns=wanted).fillna(0).astype("int64")
