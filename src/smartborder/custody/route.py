"""Planned routes as GeoJSON LineStrings and distances to them in metres.

Geometry is computed in the UTM zone of the route's centre (pyproj), whose scale error is under
0.1 % inside the zone and about 1 % three zones away — ample for corridors of a kilometre — and
whose transformer is shared by every route in the zone (building one costs tens of milliseconds,
more than checking a batch of pings). Shapely does the distance to the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Geod, Transformer

from smartborder.custody.errors import CustodyInputError

_GEOD = Geod(ellps="WGS84")


def check_coordinates(lat: float, lon: float, field: str) -> None:
    """WGS 84 latitude and longitude ranges."""
    if not (-90.0 <= lat <= 90.0):
        raise CustodyInputError(field, f"latitude {lat} is outside -90..90")
    if not (-180.0 <= lon <= 180.0):
        raise CustodyInputError(field, f"longitude {lon} is outside -180..180")


def parse_linestring(geojson: Any, field: str = "route") -> list[tuple[float, float]]:
    """The [lon, lat] positions of a GeoJSON LineString (RFC 7946 order), checked."""
    if not isinstance(geojson, dict) or geojson.get("type") != "LineString":
        raise CustodyInputError(
            field, 'expected a GeoJSON LineString: {"type": "LineString", "coordinates": [[lon, lat], …]}'
        )
    coordinates = geojson.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise CustodyInputError(f"{field}.coordinates", "a LineString needs at least 2 positions")
    points: list[tuple[float, float]] = []
    for i, position in enumerate(coordinates):
        where = f"{field}.coordinates.{i}"
        if (
            not isinstance(position, list | tuple)
            or len(position) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise CustodyInputError(where, "expected a position [lon, lat] of two numbers")
        lon, lat = float(position[0]), float(position[1])
        check_coordinates(lat, lon, where)
        points.append((lon, lat))
    if len(set(points)) < 2:
        raise CustodyInputError(f"{field}.coordinates", "the route has no length (all positions equal)")
    return points


@lru_cache(maxsize=120)
def utm(zone: int, north: bool) -> Transformer:
    """WGS 84 → UTM *zone* (metres), one transformer per zone for the whole process."""
    return Transformer.from_crs("EPSG:4326", f"EPSG:{(32600 if north else 32700) + zone}", always_xy=True)


@dataclass(frozen=True)
class Route:
    """A planned route, projected once, answering distances in metres."""

    points: tuple[tuple[float, float], ...]

    @classmethod
    def from_geojson(cls, geojson: Any, field: str = "route") -> Route:
        return cls(tuple(parse_linestring(geojson, field)))

    @cached_property
    def _to_metres(self) -> Transformer:
        lons, lats = zip(*self.points, strict=True)
        lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        return utm(int((lon0 + 180) // 6) % 60 + 1, lat0 >= 0)

    @cached_property
    def line(self) -> shapely.LineString:
        lons, lats = np.array(self.points).T
        x, y = self._to_metres.transform(lons, lats)
        return shapely.LineString(np.column_stack([x, y]))

    def project(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Points as an (n, 2) array of metres in the route's projection."""
        x, y = self._to_metres.transform(np.asarray(lons, float), np.asarray(lats, float))
        return np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])

    def distance_m(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Distance of each point from the route, in metres."""
        return self.distance_xy(self.project(lats, lons), lats, lons)

    def distance_xy(self, xy: np.ndarray, lats: np.ndarray | None = None, lons: np.ndarray | None = None) -> np.ndarray:
        """Distance from the route of points already projected (``project``), in metres. A point
        the route's projection cannot place (far outside its UTM zone: a device reporting 0, 0,
        'null island') gets, when its *lats*/*lons* are given, the great-circle distance to the
        nearest vertex of the route instead — never infinity."""
        xy = np.asarray(xy, dtype=float)
        placed = np.isfinite(xy).all(axis=1)
        out = np.full(len(xy), np.inf)
        out[placed] = shapely.distance(self.line, shapely.points(xy[placed]))
        if not placed.all() and lats is not None and lons is not None:
            lost = ~placed
            out[lost] = self.far_distance_m(np.asarray(lats, float)[lost], np.asarray(lons, float)[lost])
        return out

    def far_distance_m(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Great-circle distance (WGS 84 ellipsoid) from each point to the route's nearest vertex,
        in metres: for points the projection cannot place, thousands of kilometres away, where the
        nearest vertex is as good as the nearest point of the line."""
        route_lons, route_lats = np.array(self.points, dtype=float).T
        n, m = len(lats), len(route_lats)
        _, _, metres = _GEOD.inv(np.repeat(lons, m), np.repeat(lats, m), np.tile(route_lons, n), np.tile(route_lats, n))
        result: np.ndarray = np.asarray(metres, dtype=float).reshape(n, m).min(axis=1)
        return result
