"""CBP's historical average waits by month, weekday and hour (Border Wait Times), as shipped.

Only San Ysidro is available (retrieved 2021-01; CBP does not state the averaging window, most
likely the year before). The day index is CBP's; 0 is most likely Sunday (see PROVENANCE.md).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from smartborder.data.errors import DataError
from smartborder.data.files import SAN_YSIDRO_WAITS, data_file

#: Ports with a shipped profile, by BTS port code.
PROFILES = {"2504": SAN_YSIDRO_WAITS}

#: (vehicle, lane) → column of the CBP file.
COLUMNS = {
    ("pov", "standard"): "passenger_standard_avg_min",
    ("pov", "SENTRI"): "passenger_sentri_avg_min",
    ("pov", "Ready"): "passenger_ready_lane_avg_min",
    ("pedestrian", "standard"): "pedestrian_standard_avg_min",
    ("pedestrian", "Ready"): "pedestrian_ready_lane_avg_min",
}


@lru_cache(maxsize=4)
def _load(code: str) -> pd.DataFrame:
    return pd.read_csv(data_file(PROFILES[code]))


def hourly_wait_profile(port_code: str, vehicle: str, lane: str, month: int) -> pd.Series:
    """CBP's average wait (minutes) by hour of day for one calendar month, days averaged."""
    if port_code not in PROFILES:
        raise DataError(f"port: CBP wait profiles are shipped for San Ysidro (2504) only, not {port_code}")
    if (vehicle, lane) not in COLUMNS:
        raise DataError(
            f"lane: no CBP profile for {vehicle}/{lane}; available: {', '.join(f'{v}/{k}' for v, k in COLUMNS)}"
        )
    if not 1 <= month <= 12:
        raise DataError(f"month: expected 1..12, got {month}")
    frame = _load(port_code)
    rows = frame[frame["month"] == month]
    return rows.groupby("hour")[COLUMNS[(vehicle, lane)]].mean().rename("cbp_wait_min")
