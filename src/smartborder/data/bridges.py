"""Texas crossings bridge by bridge (CBP counts compiled by UNT/TxDOT, 2008–2025).

BTS reports a port such as Laredo as one figure; CBP's field offices count each bridge (World
Trade Bridge, Colombia Solidarity, …). This splits a BTS port's traffic into its bridges, which
port models use where a published booth count covers one bridge only.
"""

from __future__ import annotations

import pandas as pd

from smartborder.data.errors import DataError
from smartborder.data.files import TEXAS_BRIDGES, data_file
from smartborder.data.periods import MonthRange
from smartborder.lazy import once

#: CBP bridge-file modes by BTS measure.
MODES = {
    "Trucks": "Commercial Trucks",
    "Personal Vehicles": "Passenger Vehicles",
    "Pedestrians": "Pedestrians/ Bicyclists",
    "Buses": "Buses",
}
#: CBP "port_of_entry" names that differ from the BTS port name.
_POE_NAMES = {"Tornillo": "Marcelino Serna"}


@once
def load_bridges() -> pd.DataFrame:
    """The whole CBP Texas file with a monthly ``month`` column."""
    frame = pd.read_csv(data_file(TEXAS_BRIDGES))
    # 'YYYY-MM' strings: parsed vectorised (a PeriodIndex built from the strings parses each of
    # the 34,000 rows one by one, a quarter of a second at every start).
    frame["month"] = pd.to_datetime(frame.pop("date"), format="%Y-%m").dt.to_period("M")
    return frame


def bridge_series(port_name: str, measure: str, months: MonthRange | None = None) -> pd.DataFrame:
    """Monthly northbound counts per bridge of a Texas port: index month, one column per bridge."""
    if measure not in MODES:
        raise DataError(f"measure: bridge counts exist for {', '.join(MODES)}, not {measure!r}")
    frame = load_bridges()
    poe = _POE_NAMES.get(port_name, port_name)
    rows = frame[(frame["port_of_entry"] == poe) & (frame["mode"] == MODES[measure])]
    if rows.empty:
        raise DataError(f"port: no CBP bridge counts for {port_name!r}; they cover Texas ports only")
    if months is not None:
        rows = rows[months.contains(rows["month"]).to_numpy()]
    table = rows.pivot_table(index="month", columns="crossing", values="northbound_count", aggfunc="sum")
    return table.loc[:, table.sum() > 0].fillna(0).astype("int64")


def bridge_shares(port_name: str, measure: str, months: MonthRange | None = None) -> pd.Series:
    """Each bridge's share of the port's traffic over *months*, largest first."""
    totals = bridge_series(port_name, measure, months).sum()
    if totals.sum() == 0:
        raise DataError(f"{port_name}: no {measure} counted on any bridge in the range")
    return (totals / totals.sum()).sort_values(ascending=False)
