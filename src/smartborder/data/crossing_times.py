"""Trucks' crossing times measured by RFID (FHWA): the end of the line in Mexico to the exit of
the state's inspection station, monthly means at Bridge of the Americas and Pharr, 2011-2012
(``files/fhwa_rfid_truck_crossing_times.csv``; provenance in ``files/PROVENANCE.md`` §8)."""

from __future__ import annotations

import pandas as pd

from smartborder.data.files import data_file
from smartborder.lazy import once

FILE = "fhwa_rfid_truck_crossing_times.csv"


@once
def _table() -> pd.DataFrame:
    table = pd.read_csv(data_file(FILE), dtype={"crossing": str, "month": str})
    table["month"] = pd.PeriodIndex(table["month"], freq="M")
    return table


def rfid_crossing_times() -> pd.DataFrame:
    """Columns ``crossing`` (catalogue id), ``month`` (Period), ``crossing_time_min``, ``source``."""
    return _table().copy()
