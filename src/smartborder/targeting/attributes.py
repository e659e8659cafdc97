"""What an arrival is scored on: one schema for shipments and travellers, as columns.

Arrivals are held as a dict of numpy arrays (one entry per attribute), so the twin scores a
month of simulated trucks in a few vectorised passes and the service scores one stored shipment
through the same code with arrays of length one. Categories are small integer codes into the
levels listed here; a number the arrival does not have is NaN (no rule on it matches).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from smartborder.targeting.errors import TargetingError


@dataclass(frozen=True)
class Attribute:
    """One attribute: ``kind`` is "category", "bool" or "number"; ``default`` when not given."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()
    default: Any = None
    doc: str = ""

    def code(self, level: str) -> int:
        try:
            return self.levels.index(level)
        except ValueError:
            raise TargetingError(self.name, f"expected one of {', '.join(self.levels)}, got {level!r}") from None


HISTORY = ("none", "established", "new", "violation")
SCHEMA: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("kind", "category", ("shipment", "traveller"), "shipment", "what arrives"),
        Attribute("trusted", "bool", default=False, doc="member of a trusted program (FAST/C-TPAT, SENTRI)"),
        Attribute(
            "program",
            "category",
            ("none", "FAST", "SENTRI", "Ready"),
            "none",
            "the trusted program or document that gives a lane",
        ),
        Attribute(
            "custody",
            "category",
            ("untracked", "intact", "suspect", "broken"),
            "untracked",
            "chain-of-custody status of the sealed load (custody service)",
        ),
        Attribute("facility_audited", "bool", default=False, doc="origin plant audited (seed 004)"),
        Attribute(
            "goods",
            "category",
            ("none", "produce", "manufactured", "electronics", "mixed", "other"),
            "none",
            "declared goods, by category",
        ),
        Attribute("shipper_history", "category", HISTORY, "none", "shipper's record with customs"),
        Attribute("carrier_history", "category", HISTORY, "none", "carrier's record with customs"),
        Attribute("route_anomaly", "bool", default=False, doc="tracked route left the declared corridor"),
        Attribute(
            "months_since_certification",
            "number",
            default=np.nan,
            doc="months since the trusted membership was (re)certified",
        ),
        Attribute("crossings_last_year", "number", default=np.nan, doc="crossings of the card in 12 months"),
        Attribute("prior_violation", "bool", default=False, doc="traveller with a recorded violation"),
    )
}

Columns = dict[str, np.ndarray]

GOODS_WORDS = {
    "produce": ("produce", "avocado", "tomato", "berr", "fruit", "vegetable", "pepper", "lime", "fresh"),
    "electronics": ("electronic", "television", "computer", "phone", "semiconductor"),
    "manufactured": ("auto", "part", "machinery", "appliance", "steel", "textile", "furniture"),
    "mixed": ("mixed", "consolidated", "general merchandise", "assorted"),
}


def goods_category(description: str | None) -> str:
    """Declared goods text → category, by keywords (a first cut; unknown text is "other")."""
    if not description:
        return "none"
    text = description.lower()
    for category, words in GOODS_WORDS.items():
        if any(w in text for w in words):
            return category
    return "other"


def empty(n: int) -> Columns:
    """*n* arrivals with every attribute at its default."""
    out: Columns = {}
    for a in SCHEMA.values():
        if a.kind == "category":
            out[a.name] = np.full(n, a.code(a.default), dtype=np.int8)
        elif a.kind == "bool":
            out[a.name] = np.full(n, bool(a.default))
        else:
            out[a.name] = np.full(n, float(a.default))
    return out


def from_records(records: Sequence[Mapping[str, Any]]) -> Columns:
    """Columns from plain dicts (the service's one arrival); unknown keys and bad values raise."""
    out = empty(len(records))
    for i, record in enumerate(records):
        for key, value in record.items():
            attribute = SCHEMA.get(key)
            if attribute is None:
                raise TargetingError(key, f"unknown attribute; known: {', '.join(SCHEMA)}")
            if value is None:
                continue
            if attribute.kind == "category":
                out[key][i] = attribute.code(str(value))
            elif attribute.kind == "bool":
                if not isinstance(value, bool | np.bool_):
                    raise TargetingError(key, f"expected true or false, got {value!r}")
                out[key][i] = bool(value)
            else:
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    raise TargetingError(key, f"expected a number, got {value!r}") from None
                if not number >= 0:
                    raise TargetingError(key, f"expected a number >= 0, got {value!r}")
                out[key][i] = number
    return out


def size(columns: Columns) -> int:
    """Number of arrivals; every column must have it."""
    sizes = {k: v.shape[0] for k, v in columns.items()}
    if len(set(sizes.values())) > 1:
        raise TargetingError("columns", f"all attributes need the same length, got {sizes}")
    return next(iter(sizes.values()), 0)


def record(columns: Columns, i: int = 0) -> dict[str, Any]:
    """Arrival *i* as plain values (levels as text), for reasons and storage."""
    out: dict[str, Any] = {}
    for name, a in SCHEMA.items():
        value = columns[name][i]
        if a.kind == "category":
            out[name] = a.levels[int(value)]
        elif a.kind == "bool":
            out[name] = bool(value)
        else:
            out[name] = None if np.isnan(value) else float(value)
    return out
