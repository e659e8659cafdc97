"""The border region's geography, shipped with the package: the US–Mexico international boundary,
the coasts (Pacific, Gulf of California, Gulf of Mexico), the state lines of both countries, the
land and a label point per state — for maps drawn by matplotlib or in a browser.

Read from ``files/geo/border_region.geojson`` (Natural Earth and US Census data, public domain;
built by ``scripts/build_geodata.py``, provenance in ``files/PROVENANCE.md`` section 7). Nothing
is downloaded: the file is inside the package.

Public API::

    border_region()          Geography: lines as (n, 2) lon/lat arrays, land rings, state labels
    border_region_json()     the same as plain lists, for JSON (a web map draws it as it is)
    distance_to_boundary_km(lon, lat)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from smartborder.data.files import data_file

GEOGRAPHY_FILE = "geo/border_region.geojson"
#: Kinds of line, in the order a map draws them (back to front).
LINE_KINDS = ("state", "coast", "boundary")
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, eq=False)
class Line:
    """One polyline: ``points[:, 0]`` longitudes, ``points[:, 1]`` latitudes (degrees)."""

    kind: str  # "boundary", "coast" or "state"
    name: str  # e.g. "Arizona – Sonora"
    points: np.ndarray

    @property
    def lon(self) -> np.ndarray:
        return self.points[:, 0]

    @property
    def lat(self) -> np.ndarray:
        return self.points[:, 1]


@dataclass(frozen=True, eq=False)
class Land:
    """A country's land in the region: polygons, each a tuple of rings (exterior first)."""

    name: str  # "United States" or "Mexico"
    polygons: tuple[tuple[np.ndarray, ...], ...]


@dataclass(frozen=True)
class StateLabel:
    name: str
    country: str  # "United States" or "Mexico"
    lon: float
    lat: float


@dataclass(frozen=True, eq=False)
class Geography:
    lines: tuple[Line, ...]
    land: tuple[Land, ...]
    labels: tuple[StateLabel, ...]
    bbox: tuple[float, float, float, float]  # lon min, lat min, lon max, lat max
    source: str

    def of_kind(self, kind: str) -> list[np.ndarray]:
        return [line.points for line in self.lines if line.kind == kind]

    @property
    def boundary(self) -> list[np.ndarray]:
        """The international boundary, Pacific to Gulf of Mexico, as (n, 2) lon/lat arrays."""
        return self.of_kind("boundary")

    @property
    def coast(self) -> list[np.ndarray]:
        return self.of_kind("coast")

    @property
    def states(self) -> list[np.ndarray]:
        """Lines between neighbouring states (the international boundary and coasts excluded)."""
        return self.of_kind("state")

    @property
    def state_names(self) -> list[str]:
        """Every state with a label point in the border band, US states first."""
        return [label.name for label in self.labels]

    def as_json(self) -> dict[str, Any]:
        """Plain lists: ``{"source", "bbox", "lines": [{"kind", "name", "lon", "lat"}],
        "labels": [{"name", "country", "at": [lon, lat]}]}``, lines back to front. Land polygons
        are left out (their rings would read as lines); ``land_json()`` gives them."""
        order = {kind: i for i, kind in enumerate(LINE_KINDS)}
        lines = sorted(self.lines, key=lambda line: order.get(line.kind, len(order)))
        return {
            "source": self.source,
            "bbox": list(self.bbox),
            "lines": [
                {"kind": line.kind, "name": line.name, "lon": line.lon.tolist(), "lat": line.lat.tolist()}
                for line in lines
            ],
            "labels": [
                {"name": label.name, "country": label.country, "at": [label.lon, label.lat]} for label in self.labels
            ],
        }

    def land_json(self) -> list[dict[str, Any]]:
        """Land as ``[{"name", "rings": [{"lon", "lat"}]}]``, exterior rings first."""
        return [
            {
                "name": land.name,
                "rings": [
                    {"lon": ring[:, 0].tolist(), "lat": ring[:, 1].tolist()}
                    for polygon in land.polygons
                    for ring in polygon
                ],
            }
            for land in self.land
        ]


def _parts(geometry: dict[str, Any]) -> list[np.ndarray]:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "LineString":
        coordinates = [coordinates]
    elif kind != "MultiLineString":
        raise ValueError(f"{GEOGRAPHY_FILE}: a line feature has {kind} geometry")
    return [np.asarray(part, dtype=float).reshape(-1, 2) for part in coordinates]


@cache
def border_region() -> Geography:
    """The shipped geography of the border region (read once)."""
    collection = json.loads(data_file(GEOGRAPHY_FILE).read_text("utf-8"))
    lines: list[Line] = []
    land: list[Land] = []
    labels: list[StateLabel] = []
    for feature in collection["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        kind = props["kind"]
        if kind in LINE_KINDS:
            lines += [Line(kind, props["name"], part) for part in _parts(geometry)]
        elif kind == "land":
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            land.append(
                Land(
                    props["name"],
                    tuple(
                        tuple(np.asarray(ring, dtype=float).reshape(-1, 2) for ring in polygon) for polygon in polygons
                    ),
                )
            )
        elif kind == "state_label":
            lon, lat = geometry["coordinates"]
            labels.append(StateLabel(props["name"], props.get("country", ""), float(lon), float(lat)))
    for line in lines:
        line.points.setflags(write=False)
    west, south, east, north = (float(v) for v in collection["bbox"])
    return Geography(tuple(lines), tuple(land), tuple(labels), (west, south, east, north), str(collection["source"]))


def border_region_json() -> dict[str, Any]:
    """``border_region().as_json()``: what a web map draws."""
    return border_region().as_json()


def distance_to_boundary_km(lon: float, lat: float) -> float:
    """Distance from a point to the international boundary line, in km (local equirectangular
    approximation: well under 1 % error at the tens of kilometres that matter here)."""
    best = np.inf
    scale = np.cos(np.radians(lat))
    for points in border_region().boundary:
        x = (points[:, 0] - lon) * scale
        y = points[:, 1] - lat
        ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0), 0.0, 1.0)
        px, py = ax + t * dx, ay + t * dy
        best = min(best, float(np.sqrt(px * px + py * py).min()))
    return float(np.radians(best) * EARTH_RADIUS_KM)
