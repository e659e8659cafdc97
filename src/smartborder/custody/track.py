"""GPS tracks: corridor deviations, unscheduled stops, tracking gaps and overdue transit.

``scan`` reads a batch of pings in time order against the plan and the running state and returns
the new state and the anomalies the batch shows. One excursion from the corridor, one stop or
one gap is one anomaly, however many pings it spans. Geometry is vectorised (pyproj, shapely);
the walk over pings is a plain loop over floats.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from smartborder.custody.state import Anomaly, CustodyState, Plan, Timing


def _minutes(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def scan(
    plan: Plan,
    state: CustodyState,
    times: Sequence[dt.datetime],
    lats: Sequence[float] | np.ndarray,
    lons: Sequence[float] | np.ndarray,
) -> tuple[CustodyState, list[Anomaly]]:
    """Judge pings (UTC times, ascending, all after ``state.last_ping_at``) in one pass."""
    n = len(times)
    if n == 0:
        return state, []
    limits = plan.thresholds
    lat_array, lon_array = np.asarray(lats, float), np.asarray(lons, float)
    xy = plan.route.project(lat_array, lon_array)
    off = plan.route.distance_xy(xy, lat_array, lon_array)
    places = plan.scheduled
    place_xy = plan.route.project(np.array([p.lat for p in places]), np.array([p.lon for p in places]))
    near_scheduled = (
        np.hypot(xy[:, None, 0] - place_xy[None, :, 0], xy[:, None, 1] - place_xy[None, :, 1])
        <= limits.scheduled_zone_m
    )

    s = state.model_dump()
    anomalies: list[Anomaly] = []
    xs, ys = xy[:, 0].tolist(), xy[:, 1].tolist()
    off_m, scheduled = off.tolist(), near_scheduled.any(axis=1).tolist()
    at_origin = near_scheduled[:, 0].tolist()  # plan.scheduled starts with the origin
    lat_list, lon_list = lat_array.tolist(), lon_array.tolist()
    stop_x = stop_y = None
    if s["stop_since"] is not None:
        stop_x, stop_y = plan.route.project(np.array([s["stop_lat"]]), np.array([s["stop_lon"]]))[0].tolist()
    gap = dt.timedelta(minutes=limits.gap_minutes)
    stop_limit = dt.timedelta(minutes=limits.stop_minutes)
    transit_limit, buffer_m, radius_m = plan.transit_limit, limits.corridor_buffer_m, limits.stop_radius_m
    for i in range(n):
        at, lat, lon = times[i], lat_list[i], lon_list[i]
        # transit starts at the departing event, or else at the first ping away from the origin:
        # a device reporting from the plant's yard before departure is not in transit
        if s["first_ping_at"] is None and (s["departed_at"] is not None or not at_origin[i]):
            s["first_ping_at"] = at
        start = s["departed_at"] or s["first_ping_at"]
        in_transit = start is not None and s["arrived_at"] is None and at >= start
        # a gap: since the last ping in transit, or since departure for the first ping after it
        previous = s["last_ping_at"]
        if start is not None and (previous is None or previous < start):
            previous = start if s["departed_at"] is not None else None
        if in_transit and previous is not None and at - previous > gap:
            anomalies.append(
                Anomaly(
                    "tracking_gap",
                    previous,
                    {
                        "from": previous.isoformat(),
                        "to": at.isoformat(),
                        "minutes": _minutes(at - previous),
                        "limit_minutes": limits.gap_minutes,
                    },
                )
            )
        if s["arrived_at"] is not None:  # past the port: the corridor and stop rules have done their work
            s["last_ping_at"] = at
            continue
        # leaving the corridor: one anomaly per excursion
        if off_m[i] > buffer_m:
            if not s["off_corridor"]:
                anomalies.append(
                    Anomaly(
                        "off_corridor",
                        at,
                        {"lat": lat, "lon": lon, "distance_m": round(off_m[i], 1), "buffer_m": buffer_m},
                    )
                )
            s["off_corridor"] = True
        else:
            s["off_corridor"] = False
        # stops: pings within stop_radius of where the stop began
        if stop_x is not None and math.hypot(xs[i] - stop_x, ys[i] - stop_y) <= radius_m:
            if not s["stop_flagged"] and not s["stop_scheduled"] and at - s["stop_since"] > stop_limit:
                anomalies.append(
                    Anomaly(
                        "unscheduled_stop",
                        s["stop_since"],
                        {
                            "since": s["stop_since"].isoformat(),
                            "seen_at": at.isoformat(),
                            "minutes_so_far": _minutes(at - s["stop_since"]),
                            "lat": s["stop_lat"],
                            "lon": s["stop_lon"],
                            "limit_minutes": limits.stop_minutes,
                        },
                    )
                )
                s["stop_flagged"] = True
        else:
            s.update(stop_since=at, stop_lat=lat, stop_lon=lon, stop_flagged=False, stop_scheduled=scheduled[i])
            stop_x, stop_y = xs[i], ys[i]
        # overdue: still short of the port long after departure
        if in_transit and start is not None and not s["overdue_flagged"] and at - start > transit_limit:
            anomalies.append(overdue(plan, start, at, arrived=False))
            s["overdue_flagged"] = True
        s["last_ping_at"] = at
    s.update(last_lat=lat_list[-1], last_lon=lon_list[-1], pings=s["pings"] + n)
    return CustodyState(**s).noting(anomalies), anomalies


def overdue(plan: Timing, start: dt.datetime, at: dt.datetime, arrived: bool, ongoing: bool = False) -> Anomaly:
    """The transit-overdue finding, from a ping, an arrival or a read of the status."""
    return Anomaly(
        "transit_overdue",
        at,
        {
            "departed": start.isoformat(),
            "expected_minutes": _minutes(plan.expected_transit),
            "limit_minutes": _minutes(plan.transit_limit),
            "elapsed_minutes": _minutes(at - start),
            "arrived": arrived,
        },
        ongoing=ongoing,
    )
