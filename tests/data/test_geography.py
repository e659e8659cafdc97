"""The shipped geography of the border region: where its lines are, that the ports sit on the
boundary, and that reading it needs no network."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from smartborder import data
from smartborder.data import geography
from smartborder.data.files import data_file
from smartborder.data.geography import border_region, border_region_json, distance_to_boundary_km

STATES = [
    "California",
    "Arizona",
    "New Mexico",
    "Texas",
    "Baja California",
    "Sonora",
    "Chihuahua",
    "Coahuila",
    "Nuevo León",
    "Tamaulipas",
]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    mid = np.radians((a[1] + b[1]) / 2)
    return float(np.hypot(np.radians(a[0] - b[0]) * np.cos(mid), np.radians(a[1] - b[1])) * 6371.0)


def _nearest_km(lines: list[np.ndarray], point: tuple[float, float]) -> float:
    return min(_km(point, (x, y)) for line in lines for x, y in line)


def test_the_file_is_shipped_small_and_in_the_region() -> None:
    path = data_file(geography.GEOGRAPHY_FILE)
    assert path.stat().st_size < 1_000_000
    geo = border_region()
    west, south, east, north = geo.bbox
    assert (west, south, east, north) == (-121.0, 22.0, -93.0, 37.0)
    points = np.vstack([line.points for line in geo.lines])
    assert points.shape[0] > 3000
    assert (points[:, 0] >= west - 1e-9).all() and (points[:, 0] <= east + 1e-9).all()
    assert (points[:, 1] >= south - 1e-9).all() and (points[:, 1] <= north + 1e-9).all()
    assert {line.kind for line in geo.lines} == {"boundary", "coast", "state"}
    assert "Natural Earth" in geo.source and "Census" in geo.source


def test_the_boundary_runs_from_the_pacific_to_the_gulf() -> None:
    (boundary,) = border_region().boundary  # one line, not pieces
    west_end = boundary[np.argmin(boundary[:, 0])]
    east_end = boundary[np.argmax(boundary[:, 0])]
    assert _km(tuple(west_end), (-117.12, 32.53)) < 5  # Monument 258, Border Field State Park
    assert _km(tuple(east_end), (-97.14, 25.96)) < 5  # the mouth of the Rio Grande
    assert {tuple(boundary[0]), tuple(boundary[-1])} == {tuple(west_end), tuple(east_end)}
    lat = np.radians(boundary[:, 1])
    steps = np.diff(boundary, axis=0)
    length = np.sum(np.hypot(np.radians(steps[:, 0]) * np.cos((lat[1:] + lat[:-1]) / 2), np.radians(steps[:, 1])))
    # ~3,100 km officially (every meander of the Rio Grande); less once simplified, never a fragment.
    assert 2400 < length * 6371.0 < 3300
    # The land boundary's straight segments: the parallel 31° 20' N and the meridian 108° 12' W.
    assert distance_to_boundary_km(-110.0, 31.333) < 1
    assert distance_to_boundary_km(-108.208, 31.55) < 1


@pytest.mark.parametrize("crossing", sorted(data.crossings()), ids=str)
def test_every_crossing_lies_on_the_boundary(crossing: str) -> None:
    place = data.crossings()[crossing]
    assert distance_to_boundary_km(place.lon, place.lat) < 5, place.label


def test_distance_to_the_boundary_is_a_distance() -> None:
    assert distance_to_boundary_km(-110.97, 32.22) == pytest.approx(95, abs=10)  # Tucson, north of Nogales
    assert distance_to_boundary_km(-100.31, 25.67) == pytest.approx(147, abs=15)  # Monterrey
    assert distance_to_boundary_km(-99.13, 19.43) > 600  # Mexico City


def test_coasts_of_both_seas_and_the_gulf_of_california() -> None:
    coast = border_region().coast
    for name, point in {
        "Pacific at San Diego": (-117.25, 32.75),
        "Pacific at Ensenada": (-116.62, 31.85),
        "head of the Gulf of California": (-114.85, 31.75),
        "Guaymas": (-110.9, 27.92),
        "Gulf of Mexico at South Padre": (-97.17, 26.1),
        "Corpus Christi": (-97.4, 27.8),
    }.items():
        assert _nearest_km(coast, point) < 10, name
    assert _nearest_km(coast, (-106.44, 31.76)) > 400  # El Paso is inland


def test_states_of_both_countries_with_label_points_inside_them() -> None:
    geo = border_region()
    assert set(STATES) <= set(geo.state_names)
    countries = {label.name: label.country for label in geo.labels}
    assert countries["Texas"] == "United States" and countries["Sonora"] == "Mexico"
    land = {item.name: item for item in geo.land}

    def on_land(country: str, lon: float, lat: float) -> bool:
        return any(MplPath(polygon[0]).contains_point((lon, lat)) for polygon in land[country].polygons)

    for label in geo.labels:
        assert on_land(label.country, label.lon, label.lat), label
    assert on_land("Mexico", -100.31, 25.67) and not on_land("United States", -100.31, 25.67)  # Monterrey
    assert on_land("United States", -98.49, 29.42) and not on_land("Mexico", -98.49, 29.42)  # San Antonio
    assert not on_land("Mexico", -119.0, 30.0) and not on_land("United States", -119.0, 30.0)  # the Pacific
    assert not on_land("Mexico", -113.5, 30.0) and not on_land("Mexico", -111.0, 26.8)  # Gulf of California
    # The state lines are lines between states (none along the international boundary).
    names = {line.name for line in geo.lines if line.kind == "state"}
    assert {
        "Arizona – California",
        "New Mexico – Texas",
        "Chihuahua – Sonora",
        "Coahuila – Nuevo León",
        "Nuevo León – Tamaulipas",
        "Baja California – Sonora",
    } <= names
    for line in geo.lines:
        if line.kind == "state":  # it may end on the boundary, never run along it
            on_boundary = [distance_to_boundary_km(x, y) < 1 for x, y in line.points]
            assert sum(on_boundary) <= 2 and not any(on_boundary[1:-1]), line.name


def test_the_json_form_is_plain_lists() -> None:
    payload = border_region_json()
    text = json.dumps(payload)  # plain types only
    assert json.loads(text) == payload
    kinds = [line["kind"] for line in payload["lines"]]
    assert kinds == sorted(kinds, key=["state", "coast", "boundary"].index)  # drawn back to front
    for line in payload["lines"]:
        assert len(line["lon"]) == len(line["lat"]) >= 2
        assert all(isinstance(v, float) for v in line["lon"][:3])
    assert {label["name"] for label in payload["labels"]} >= set(STATES)
    assert all(len(label["at"]) == 2 for label in payload["labels"])


def test_reading_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the geography tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    border_region.cache_clear()
    try:
        assert border_region().boundary
    finally:
        border_region.cache_clear()
