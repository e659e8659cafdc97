"""Synthetic GPS tracks along a route — for the worked example, the tests and the benchmark.

They are made up on purpose (a truck at constant speed, a ping every interval), never data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def along(
    points: Sequence[tuple[float, float]],
    start: dt.datetime,
    speed_kmh: float = 70.0,
    every: dt.timedelta = dt.timedelta(minutes=1),
) -> list[tuple[dt.datetime, float, float]]:
    """(time, lat, lon) every *every* from the first [lon, lat] point to the last at *speed_kmh*."""
    legs = [_km(points[i], points[i + 1]) for i in range(len(points) - 1)]
    total, step = sum(legs), speed_kmh * every.total_seconds() / 3600
    track = []
    for k in range(int(total / step) + 1):
        done, leg = k * step, 0
        while leg < len(legs) - 1 and done > legs[leg]:
            done -= legs[leg]
            leg += 1
        f = min(1.0, done / legs[leg]) if legs[leg] else 0.0
        (lon1, lat1), (lon2, lat2) = points[leg], points[leg + 1]
        track.append((start + k * every, lat1 + f * (lat2 - lat1), lon1 + f * (lon2 - lon1)))
    return track
