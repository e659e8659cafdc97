"""The catalogue of US–Mexico land ports and forgiving-but-never-silent name resolution.

``resolve_port("laredo")``, ``resolve_port("Laredo, TX")`` and ``resolve_port("2304")`` all
give Laredo. Bridge names (``"World Trade Bridge"``, ``"Pharr"``) resolve to the BTS port
that reports them, and say so (``Resolution.note``). An unknown or ambiguous name raises an
error listing the closest matches; nothing is guessed from a typo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from smartborder.data.bts import MEASURES, load_crossings
from smartborder.data.errors import AmbiguousPortError, UnknownPortError
from smartborder.data.files import TEXAS_BRIDGES, data_file
from smartborder.lazy import once

STATE_CODES = {
    "Texas": "TX",
    "New Mexico": "NM",
    "Arizona": "AZ",
    "California": "CA",
}

#: Names people use for a crossing that BTS reports inside another port. Checked against the
#: CBP Texas bridge file (Pharr and Anzalduas inside Hidalgo; Marcelino Serna is Tornillo) and
#: the port facts file (Mariposa is Nogales' commercial crossing).
_EXTRA_ALIASES = {
    "pharr": "2305",
    "mcallen": "2305",
    "anzalduas": "2305",
    "bota": "2402",
    "zaragoza": "2401",
    "ysleta zaragoza": "2401",
    "marcelino serna": "2404",
    "fort hancock": "2404",
    "mariposa": "2604",
    "nogales mariposa": "2604",
    "cbx": "2582",
    "calexico west": "2503",
    "otay": "2506",
    "world trade bridge": "2304",
    "colombia solidarity": "2304",
    "los indios": "2301",
    "los tomates": "2301",
    "donna": "2309",
}

#: CBP Texas "port_of_entry" names that are not BTS port names.
_TEXAS_POE_TO_CODE = {"Marcelino Serna": "2404"}


@dataclass(frozen=True)
class Port:
    """A US–Mexico land port of entry as BTS reports it."""

    code: str
    name: str
    state: str
    lat: float
    lon: float
    measures: tuple[str, ...]
    first_month: pd.Period
    last_month: pd.Period

    @property
    def label(self) -> str:
        """``"Laredo, TX (2304)"`` — what reports print."""
        return f"{self.name}, {STATE_CODES.get(self.state, self.state)} ({self.code})"


@dataclass(frozen=True)
class Resolution:
    """A resolved port and, when the match was not exact, a note saying how it was matched."""

    port: Port
    note: str | None = None


def _norm(text: str) -> str:
    text = text.lower().replace("á", "a").replace("é", "e")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@once
def catalogue() -> dict[str, Port]:
    """All ports keyed by 4-digit code, with coordinates, measures and months covered."""
    frame = load_crossings()
    grouped = frame.groupby("port_code", sort=True)  # whole columns at once: read at every start
    first = grouped[["port_name", "state", "lat", "lon"]].first()
    months = grouped["month"].agg(["min", "max"])
    reported: dict[str, set[str]] = {}
    for code, measure in frame[["port_code", "measure"]].drop_duplicates().itertuples(index=False):
        reported.setdefault(str(code), set()).add(str(measure))
    return {
        str(code): Port(
            code=str(code),
            name=str(row.port_name),
            state=str(row.state),
            lat=float(row.lat),
            lon=float(row.lon),
            measures=tuple(m for m in MEASURES if m in reported[str(code)]),
            first_month=months.at[code, "min"],
            last_month=months.at[code, "max"],
        )
        for code, row in first.iterrows()
    }


@once
def _aliases() -> dict[str, str]:
    """Normalised alias → port code, from bridge names in the CBP Texas file plus a short list."""
    ports = catalogue()
    by_name = {_norm(p.name): p.code for p in ports.values()}
    aliases: dict[str, str] = {}
    bridges = pd.read_csv(data_file(TEXAS_BRIDGES), usecols=["port_of_entry", "crossing"])
    for poe, crossing in bridges.drop_duplicates().itertuples(index=False):
        code = _TEXAS_POE_TO_CODE.get(poe) or by_name.get(_norm(poe))
        if code is None:
            continue
        key = _norm(crossing)
        if key not in by_name:
            aliases[key] = code
            short = _norm(re.sub(r"(international )?(bridge|crossing)$", "", key, flags=re.IGNORECASE))
            if short and short not in by_name:
                aliases.setdefault(short, code)
    aliases.update(_EXTRA_ALIASES)
    return aliases


def _strip_state(text: str) -> str:
    """Drop a trailing ", TX" / ", Texas" so "Laredo, TX" matches "Laredo"."""
    states = [*STATE_CODES, *STATE_CODES.values()]
    pattern = r"\s*,?\s*(" + "|".join(re.escape(s) for s in states) + r")\.?\s*$"
    return re.sub(pattern, "", text, flags=re.IGNORECASE) or text


def resolve(query: str) -> Resolution:
    """Resolve a port name, alias or code; raise ``UnknownPortError`` / ``AmbiguousPortError``."""
    ports = catalogue()
    text = str(query).strip()
    if text.isdigit():
        if text.zfill(4) in ports:
            return Resolution(ports[text.zfill(4)])
        raise UnknownPortError(text, [p.label for p in ports.values() if p.code[:2] == text[:2]][:5])
    key = _norm(_strip_state(text))
    if not key:
        raise UnknownPortError(text, [])
    by_name = {_norm(p.name): p for p in ports.values()}
    if key in by_name:
        return Resolution(by_name[key])
    aliases = _aliases()
    if key in aliases:
        port = ports[aliases[key]]
        return Resolution(port, f"{text!r} is reported by BTS within port {port.label}")
    # A unique whole-word prefix ("calexico e", "cross border") is a match; several are not.
    prefixed = sorted({p.code for name, p in by_name.items() if name.startswith((key + " ", key))})
    if len(prefixed) == 1:
        port = ports[prefixed[0]]
        return Resolution(port, f"{text!r} matched {port.label} by prefix")
    if len(prefixed) > 1:
        raise AmbiguousPortError(text, [ports[c].label for c in prefixed])
    choices = {**{n: p.label for n, p in by_name.items()}, **{a: ports[c].label for a, c in aliases.items()}}
    best = process.extract(key, list(choices), scorer=fuzz.WRatio, limit=8)
    suggestions: list[str] = []
    for name, score, _ in best:
        label = choices[name]
        if score >= 60 and label not in suggestions:
            suggestions.append(label)
    raise UnknownPortError(text, suggestions[:3])


def resolve_port(query: str) -> Port:
    """The port for *query* (see ``resolve``), without the match note."""
    return resolve(query).port
