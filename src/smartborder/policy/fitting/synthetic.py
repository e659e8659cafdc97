"""Synthetic CBP readings: what CBP would publish if a crossing ran exactly as a model says.

For testing calibration (parameters known, fitted back) and for the README's example file.
Each hour, for each lane type of each class, the "officer's estimate" is the simulated mean wait
of vehicles reaching the lane within half an hour, plus Gaussian noise, rounded to 5 minutes
as CBP rounds, never below zero; lanes open are the model's. The rows are the flat CSV of
``smartborder.observations`` (``update_time_local`` and all), labelled synthetic in the
crossing's name only if the caller says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.fitting.observed import LANE_TYPES, TRAFFIC, Window, lane_hours, simulate_window
from smartborder.ports.spec import PortSpec

#: CBP's time-zone abbreviation in August by state (daylight time; Arizona keeps MST).
ZONES = {"Texas": "CDT", "New Mexico": "MDT", "Arizona": "MST", "California": "PDT"}


def synthesize(
    spec: PortSpec,
    start: str,
    days: int,
    volume_month: str,
    seed: int = 7,
    noise: float = 3.0,
    label: str | None = None,
) -> pd.DataFrame:
    """Hourly readings for every class and lane type of *spec* over *days* from *start*."""
    crossing = data.crossings()[spec.crossing]
    window = Window(pd.Timestamp(start).normalize(), days, pd.Period(volume_month, "M"))
    rng = np.random.default_rng(seed)
    zone = ZONES.get(crossing.port.state, "CDT")
    rows = []
    for vehicle, cls in spec.classes.items():
        if vehicle not in TRAFFIC:
            continue
        mean, count = simulate_window(spec, vehicle, window, seed, 1)
        lanes = lane_hours(spec, vehicle, window)
        for k, lane in enumerate(cls.lanes):
            open_lanes = lanes[f"{vehicle}.primary.{lane}"]
            for hour in range(window.hours):
                if open_lanes[hour] <= 0:
                    continue  # CBP shows "Lanes Closed": no reading
                truth = mean[k, hour] if np.isfinite(mean[k, hour]) else 0.0
                reading = max(0.0, 5.0 * round((truth + rng.normal(0.0, noise)) / 5.0))
                when = window.start + pd.Timedelta(hours=hour)
                rows.append(
                    {
                        "crossing": label or crossing.name,
                        "bts_port_code": crossing.port_code,
                        "traffic_type": TRAFFIC[vehicle],
                        "lane_type": LANE_TYPES[lane],
                        "update_time_local": f"{when:%Y-%m-%d %H:%M}",
                        "tz": zone,
                        "delay_minutes": reading,
                        "lanes_open": int(open_lanes[hour]),
                        "max_lanes": sum(lane_.booths for lane_ in cls.lanes.values()),
                        "hours": _hours_text(cls.lanes["standard"].open),
                    }
                )
        del count
    return pd.DataFrame(rows)


def _hours_text(window: tuple[int, int]) -> str:
    """CBP's way of writing opening hours: '24 hrs/day', '6 am-10 pm', '7 am-Midnight'."""
    start, end = window
    if (start, end) == (0, 24):
        return "24 hrs/day"

    def clock(hour: int) -> str:
        if hour in (0, 24):
            return "Midnight"
        if hour == 12:
            return "Noon"
        return f"{hour % 12} {'am' if hour < 12 else 'pm'}"

    return f"{clock(start)}-{clock(end)}"
