"""Crossings: the places with their own lanes, hours and traffic, and how names resolve to them.

A BTS port is one or several crossings. Texas ports are split into their bridges, whose monthly
counts CBP's field offices publish (``bridges.py``); elsewhere the BTS port is the crossing.
The catalogue (``files/crossings.toml``) says which BTS port, which bridge in the counts and
which CBP Border Wait Times entries describe each crossing, and the names people use for it.

``resolve_place("laredo")`` gives Laredo's four bridges, ``resolve_place("B&M")`` one bridge,
``resolve_place("230404")`` the crossing CBP numbers so. A name that fits several places equally
(``"Bridge I"``: Laredo's and Eagle Pass') is an error listing them; a typo is never guessed.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from rapidfuzz import fuzz, process

from smartborder.data.bridges import MODES, load_bridges
from smartborder.data.bts import monthly_series, resolve_measure
from smartborder.data.errors import AmbiguousPortError, DataError, UnknownPortError
from smartborder.data.files import data_file
from smartborder.data.periods import MonthRange
from smartborder.data.ports import STATE_CODES, Port, catalogue
from smartborder.lazy import once

CATALOGUE = "crossings.toml"
BWT_LANES = "cbp_bwt_mexico_crossings_2026-09-17.csv"
#: CBP's traffic types and lane types as the feed names them → smartborder's class and lane.
BWT_CLASSES = {"commercial": "truck", "passenger": "pov", "pedestrian": "pedestrian"}
BWT_LANE_TYPES = {"standard": "standard", "FAST": "FAST", "NEXUS_SENTRI": "SENTRI", "ready": "Ready"}


@dataclass(frozen=True)
class Crossing:
    """One crossing: a bridge, or a whole BTS port where BTS reports one place."""

    id: str
    name: str
    port_code: str
    bridge: str | None
    cbp: tuple[str, ...]
    cbp_also: tuple[str, ...]
    aliases: tuple[str, ...]
    lat: float
    lon: float
    first_month: pd.Period
    last_month: pd.Period

    @property
    def port(self) -> Port:
        return catalogue()[self.port_code]

    @property
    def label(self) -> str:
        """``"World Trade Bridge (Laredo, TX)"``, or the port's label when it is the port."""
        port = self.port
        if self.bridge is None:
            return port.label
        return f"{self.name}, {port.name} {STATE_CODES.get(port.state, port.state)}"

    @property
    def source(self) -> str:
        """Where the crossing's volumes come from, in words."""
        if self.bridge is None:
            return f"BTS Border Crossing/Entry Data, port {self.port.label}"
        return f"CBP northbound counts by bridge ({self.bridge!r}), compiled by UNT/TxDOT"

    def series(self, measure: str, months: MonthRange | None = None) -> pd.Series:
        """Monthly counts of a BTS measure (Trucks, Personal Vehicles, Pedestrians, Buses)."""
        return crossing_series(self, measure, months)


@dataclass(frozen=True)
class Place:
    """What a name resolves to: one crossing, or a BTS port and all its crossings."""

    port: Port
    crossings: tuple[Crossing, ...]
    kind: str  # "port" or "crossing"
    note: str | None = None

    @property
    def label(self) -> str:
        return self.port.label if self.kind == "port" else self.crossings[0].label


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@once
def _raw() -> list[dict[str, object]]:
    return list(tomllib.loads(data_file(CATALOGUE).read_text("utf-8"))["crossing"])


@once
def crossings() -> dict[str, Crossing]:
    """Every modelled crossing by id, in catalogue order (east to west within Texas, then west)."""
    ports = catalogue()
    bridges = load_bridges()
    out: dict[str, Crossing] = {}
    for row in _raw():
        code = str(row["port"])
        if code not in ports:
            raise DataError(f"crossings.toml: {row['id']}: unknown BTS port {code}")
        port = ports[code]
        bridge = row.get("bridge")
        if bridge is not None:
            rows = bridges[bridges["crossing"] == bridge]
            if rows.empty:
                raise DataError(f"crossings.toml: {row['id']}: no bridge {bridge!r} in the CBP Texas counts")
            located = rows.dropna(subset=["latitude"])
            lat = float(located["latitude"].iloc[0]) if len(located) else port.lat
            lon = float(located["longitude"].iloc[0]) if len(located) else port.lon
            first, last = rows["month"].min(), rows["month"].max()
        else:
            lat, lon, first, last = port.lat, port.lon, port.first_month, port.last_month
        out[str(row["id"])] = Crossing(
            id=str(row["id"]),
            name=str(row["name"]),
            port_code=code,
            bridge=str(bridge) if bridge is not None else None,
            cbp=tuple(str(c) for c in row.get("cbp", [])),  # type: ignore[attr-defined]
            cbp_also=tuple(str(c) for c in row.get("cbp_also", [])),  # type: ignore[attr-defined]
            aliases=tuple(str(a) for a in row.get("aliases", [])),  # type: ignore[attr-defined]
            lat=lat,
            lon=lon,
            first_month=first,
            last_month=last,
        )
    return out


def crossings_of(port_code: str) -> tuple[Crossing, ...]:
    """The crossings of a BTS port, in catalogue order."""
    return tuple(c for c in crossings().values() if c.port_code == port_code)


def crossing_series(crossing: Crossing, measure: str, months: MonthRange | None = None) -> pd.Series:
    """Monthly counts of one measure at one crossing (only months the source reported)."""
    measure = resolve_measure(measure)
    if crossing.bridge is None:
        return monthly_series(crossing.port_code, measure, months)
    if measure not in MODES:
        raise DataError(f"measure: bridge counts exist for {', '.join(MODES)}, not {measure!r}")
    series = _bridge_index().get((crossing.bridge, MODES[measure]))
    if series is None:
        return pd.Series([], index=pd.PeriodIndex([], freq="M"), dtype="int64", name=measure)
    if months is not None:
        series = months.select(series)
    out = series.copy()
    out.name = measure
    return out


@once
def _bridge_index() -> dict[tuple[str, str], pd.Series]:
    """(bridge, mode) → its whole monthly series, built once (lookups are then cheap)."""
    frame = load_bridges()
    index: dict[tuple[str, str], pd.Series] = {}
    for (bridge, mode), rows in frame.groupby(["crossing", "mode"], sort=False):
        series = rows.groupby("month")["northbound_count"].sum().astype("int64").sort_index()
        series.index = pd.PeriodIndex(series.index, freq="M")
        index[(str(bridge), str(mode))] = series
    return index


@once
def _names() -> dict[str, list[tuple[str, str]]]:
    """Normalised name → [(kind, key)]: kind "port" (BTS code) or "crossing" (id)."""
    names: dict[str, list[tuple[str, str]]] = {}

    def add(text: str, kind: str, key: str) -> None:
        entry = names.setdefault(_norm(text), [])
        if (kind, key) not in entry:
            entry.append((kind, key))

    for port in catalogue().values():
        add(port.name, "port", port.code)
    for crossing in crossings().values():
        for text in (crossing.id, crossing.name, crossing.bridge or "", *crossing.aliases):
            if text and not (_norm(text) in names and names[_norm(text)][0][0] == "port"):
                add(text, "crossing", crossing.id)
    names.pop("", None)
    return names


def _place(kind: str, key: str, note: str | None = None) -> Place:
    if kind == "port":
        return Place(catalogue()[key], crossings_of(key), "port", note)
    crossing = crossings()[key]
    # A crossing that is its whole BTS port (no bridge split) is the port.
    return Place(crossing.port, (crossing,), "port" if crossing.bridge is None else "crossing", note)


def _strip_state(text: str) -> str:
    return (
        re.sub(r"\s*,?\s*(texas|tx|new mexico|nm|arizona|az|california|ca)\.?\s*$", "", text, flags=re.IGNORECASE)
        or text
    )


def by_cbp_number(number: str) -> Crossing | None:
    """The crossing a CBP Border Wait Times port number describes, if any."""
    number = str(number).strip()
    for crossing in crossings().values():
        if number in crossing.cbp or number in crossing.cbp_also:
            return crossing
    return None


def resolve_place(query: str) -> Place:
    """A port (all its crossings) or one crossing, by name, alias, id, BTS code or CBP number.

    Raises ``UnknownPortError`` (with the closest names) or ``AmbiguousPortError`` (listing
    every place the name fits).
    """
    text = str(query).strip()
    if not text:
        raise UnknownPortError(text, [])
    ports = catalogue()
    if text.isdigit() and len(text) <= 4:
        if text.zfill(4) in ports:
            return _place("port", text.zfill(4))
        raise UnknownPortError(text, [p.label for p in ports.values() if p.code[:2] == text[:2]][:5])
    cbp = by_cbp_number(text)
    if cbp is not None:
        return _place("crossing", cbp.id, f"CBP Border Wait Times port {text} is {cbp.label}")
    if text in crossings():
        return _place("crossing", text)
    key = _norm(_strip_state(text))
    names = _names()
    if key in names:
        hits = names[key]
        if len(hits) > 1:
            raise AmbiguousPortError(text, [_place(k, v).label for k, v in hits])
        kind, value = hits[0]
        place = _place(kind, value)
        exact = key in (_norm(place.port.name), _norm(place.crossings[0].name), place.crossings[0].id)
        return place if exact else _place(kind, value, f"{text!r} is {place.label}")
    prefixed = sorted({hit for name, hits in names.items() if name.startswith(key + " ") for hit in hits})
    if len(prefixed) == 1:
        kind, value = prefixed[0]
        place = _place(kind, value)
        return _place(kind, value, f"{text!r} matched {place.label} by prefix")
    if len(prefixed) > 1:
        raise AmbiguousPortError(text, sorted({_place(k, v).label for k, v in prefixed}))
    labels = {name: _place(*hits[0]).label for name, hits in names.items()}
    suggestions: list[str] = []
    for name, score, _ in process.extract(key, list(labels), scorer=fuzz.WRatio, limit=10):
        if score >= 60 and labels[name] not in suggestions:
            suggestions.append(labels[name])
    raise UnknownPortError(text, suggestions[:4])


def resolve_crossing(query: str) -> Crossing:
    """Exactly one crossing; a port of several crossings is an error naming them."""
    place = resolve_place(query)
    if len(place.crossings) != 1:
        names = "; ".join(c.label for c in place.crossings)
        raise DataError(
            f"crossing: {query!r} is {place.port.label}, a port of {len(place.crossings)} "
            f"crossings ({names}); name one of them"
        )
    return place.crossings[0]


@dataclass(frozen=True)
class LaneFacts:
    """What CBP's Border Wait Times feed says of one traffic class at a crossing."""

    max_lanes: int  # lanes for the class, summed over the crossing's CBP entries
    lane_types: tuple[str, ...]  # smartborder lane names, standard first
    hours: tuple[str, ...]  # the published hours of each CBP entry serving the class
    source: str


@once
def _bwt_table() -> pd.DataFrame:
    frame = pd.read_csv(data_file(BWT_LANES), dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.strip())


def lane_facts(crossing: Crossing) -> dict[str, LaneFacts]:
    """Per class (truck, pov, pedestrian): CBP's maximum lanes, lane types and hours.

    From the feed snapshot of 2026-09-17 (``files/PROVENANCE.md``, section 5), summed over the
    CBP entries the catalogue names for the crossing. Empty for crossings CBP does not list.
    The shipped snapshot does not change, so each crossing's facts are read once (a new dict
    each call; the facts themselves are frozen).
    """
    return dict(_lane_facts(crossing.cbp))


@lru_cache(maxsize=256)
def _lane_facts(cbp: tuple[str, ...]) -> dict[str, LaneFacts]:
    table = _bwt_table()
    rows = table[table["port_number"].isin(cbp)]
    facts: dict[str, LaneFacts] = {}
    for traffic, vehicle in BWT_CLASSES.items():
        serving = rows[rows[f"{traffic}_max_lanes"].str.isdigit()]
        if serving.empty:
            continue
        types = {BWT_LANE_TYPES[t] for cell in serving[f"{traffic}_lane_types"] for t in cell.split("|") if t}
        ordered = tuple(t for t in ("standard", "Ready", "SENTRI", "FAST") if t in types)
        # Columns zipped rather than itertuples(): that builds a namedtuple class per call (~5 ms).
        entries = ", ".join(
            f"{number} {name} {crossing_name}".strip()
            for number, name, crossing_name in zip(
                serving["port_number"], serving["port_name"], serving["crossing_name"], strict=True
            )
        )
        facts[vehicle] = LaneFacts(
            max_lanes=int(serving[f"{traffic}_max_lanes"].astype(int).sum()),
            lane_types=ordered or ("standard",),
            hours=tuple(serving["hours"]),
            source=f"CBP Border Wait Times feed, 2026-09-17 snapshot ({entries})",
        )
    return facts
