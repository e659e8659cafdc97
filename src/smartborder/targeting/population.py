"""Simulated arrivals with attributes: who is illicit, and what that looks like in the data.

There is no public record of how illicit loads are distributed over custody status, goods,
shipper history and so on, so these are ESTIMATES, written in ``population.toml`` with their
reasoning and overridable by a file of the same shape. Each arrival is illicit at the port's
base rate for its lane (``TargetingSpec.illicit_rate``); its attributes are then drawn from
their distributions *given* that, independently of each other. The difference between the
licit and illicit distributions is all that targeting can exploit, and it is stated, not hidden.

Speed without a second code path: every attribute has finitely many values (numbers are drawn in
the bins listed in the file and carry the bin's lower edge), so a lane group has a finite table
of attribute *cells*. An arrival draws its cell with one uniform (Walker's alias method); the
cells are scored once by the same ``score`` function the service calls, and arrivals take their
cell's score. The draw of who is illicit depends only on the uniform and the rate, so changing
thresholds or profiles never changes who arrives or what they carry.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from smartborder.targeting.attributes import SCHEMA, Columns, empty
from smartborder.targeting.errors import TargetingError

#: How a flow's lane entitlement fixes membership attributes (not drawn).
GROUPS: dict[str, dict[str, dict[str, object]]] = {
    "shipment": {
        "standard": {"program": "none", "trusted": False},
        "FAST": {"program": "FAST", "trusted": True},
        "pre_inspected": {"program": "FAST", "trusted": True},
    },
    "traveller": {
        "standard": {"program": "none", "trusted": False},
        "Ready": {"program": "Ready", "trusted": False},
        "SENTRI": {"program": "SENTRI", "trusted": True},
    },
}
Dist = list[Annotated[float, Field(ge=0)]] | Annotated[float, Field(ge=0, le=1)] | dict[str, float] | str


class AttributeDraw(BaseModel):
    """Distribution of one attribute for licit and illicit arrivals, by lane group ("*": any)."""

    model_config = ConfigDict(extra="forbid")

    licit: dict[str, Dist]
    illicit: dict[str, Dist]
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> AttributeDraw:
        for side in (self.licit, self.illicit):
            for group, dist in side.items():
                if isinstance(dist, list) and abs(sum(dist) - 1) > 1e-6:
                    raise ValueError(f"{group}: probabilities must add up to 1, got {sum(dist):.6f}")
                if isinstance(dist, dict) and (set(dist) != {"exponential"} or dist["exponential"] <= 0):
                    raise ValueError(f"{group}: a number is drawn as {{exponential = mean > 0}}, got {dist}")
                if isinstance(dist, str) and dist != "absent":
                    raise ValueError(f'{group}: the only text allowed is "absent", got {dist!r}')
        return self

    def dist(self, illicit: bool, group: str) -> Dist:
        side = self.illicit if illicit else self.licit
        return side.get(group, side.get("*", "absent"))


@dataclass(frozen=True)
class Cells:
    """The finite attribute cells of one lane group, with their chances if licit and if illicit."""

    columns: Columns
    licit: tuple[np.ndarray, np.ndarray]  # alias tables (probability, alias)
    illicit: tuple[np.ndarray, np.ndarray]
    p_licit: np.ndarray
    p_illicit: np.ndarray

    @property
    def size(self) -> int:
        return int(self.p_licit.size)


class Population(BaseModel):
    """Attribute distributions for shipments (trucks) and travellers (cars, walkers, buses)."""

    model_config = ConfigDict(extra="forbid")

    source: str = ""
    bins: dict[str, list[Annotated[float, Field(ge=0)]]]
    shipment: dict[str, AttributeDraw]
    traveller: dict[str, AttributeDraw]
    _cells: dict[tuple[str, str], Cells] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Population:
        for kind in ("shipment", "traveller"):
            for name, draw in getattr(self, kind).items():
                attribute = SCHEMA.get(name)
                if attribute is None or name in ("kind", "program", "trusted"):
                    raise ValueError(f"{kind}.{name}: not an attribute that is drawn")
                if attribute.kind == "number":
                    edges = self.bins.get(name)
                    if not edges or edges[0] != 0 or any(b <= a for a, b in itertools.pairwise(edges)):
                        raise ValueError(f"bins.{name}: a number needs increasing bin edges starting at 0")
                for d in [*draw.licit.values(), *draw.illicit.values()]:
                    ok = {
                        "category": isinstance(d, list) and len(d) == len(attribute.levels),
                        "bool": isinstance(d, float | int) and not isinstance(d, bool),
                        "number": isinstance(d, dict),
                    }[attribute.kind] or d == "absent"
                    if not ok:
                        raise ValueError(f"{kind}.{name}: {d!r} does not fit a {attribute.kind} attribute")
        return self

    def cells(self, kind: str, group: str) -> Cells:
        """Every combination of attribute values a lane group can have (cached)."""
        if kind not in GROUPS or group not in GROUPS[kind]:
            raise TargetingError("group", f"no {kind} lane group {group!r}; known: {', '.join(GROUPS.get(kind, {}))}")
        key = (kind, group)
        if key not in self._cells:
            self._cells[key] = self._build(kind, group)
        return self._cells[key]

    def _build(self, kind: str, group: str) -> Cells:
        names, values, probabilities = [], [], []
        for name, spec in getattr(self, kind).items():
            options = _options(name, spec.dist(False, group), spec.dist(True, group), self.bins.get(name, []))
            names.append(name)
            values.append([v for v, _, _ in options])
            probabilities.append([(p, q) for _, p, q in options])
        combos = list(itertools.product(*[range(len(v)) for v in values]))
        columns = empty(len(combos))
        columns["kind"][:] = SCHEMA["kind"].code(kind)
        fixed = GROUPS[kind][group]
        columns["program"][:] = SCHEMA["program"].code(str(fixed["program"]))
        columns["trusted"][:] = bool(fixed["trusted"])
        index = np.array(combos, dtype=np.int64).reshape(len(combos), len(names))
        p_licit = np.ones(len(combos))
        p_illicit = np.ones(len(combos))
        for j, name in enumerate(names):
            columns[name][:] = np.asarray(values[j], dtype=columns[name].dtype)[index[:, j]]
            pairs = np.asarray(probabilities[j])
            p_licit *= pairs[index[:, j], 0]
            p_illicit *= pairs[index[:, j], 1]
        return Cells(columns, _alias(p_licit), _alias(p_illicit), p_licit, p_illicit)

    def sample(
        self, kind: str, group: str, u: np.ndarray, illicit_rate: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """From one uniform per arrival: its cell, whether it is illicit, a fresh uniform for its
        channel draw (see ``_sample``); and the number of arrivals in each cell."""
        if not 0 <= illicit_rate <= 1:
            raise TargetingError("illicit_rate", f"expected a share in [0, 1], got {illicit_rate}")
        cells = self.cells(kind, group)
        return _sample(np.asarray(u, dtype=np.float64), float(illicit_rate), *cells.licit, *cells.illicit)

    def draw(
        self, kind: str, group: str, n: int, illicit_rate: float, rng: np.random.Generator
    ) -> tuple[Columns, np.ndarray]:
        """*n* arrivals' attributes as columns, and whether each is illicit."""
        cell, illicit, _, _ = self.sample(kind, group, rng.random(n), illicit_rate)
        return {k: v[cell] for k, v in self.cells(kind, group).columns.items()}, illicit


def _options(name: str, licit: Dist, illicit: Dist, edges: list[float]) -> list[tuple[object, float, float]]:
    """(value, P(value | licit), P(value | illicit)) for the values either side can take."""
    attribute = SCHEMA[name]
    if attribute.kind == "category":
        pl = licit if isinstance(licit, list) else _absent(attribute, len(attribute.levels))
        pi = illicit if isinstance(illicit, list) else _absent(attribute, len(attribute.levels))
        out: list[tuple[object, float, float]] = [(k, a, b) for k, (a, b) in enumerate(zip(pl, pi, strict=True))]
    elif attribute.kind == "bool":
        pl_true = 0.0 if isinstance(licit, str) else float(licit)  # type: ignore[arg-type]
        pi_true = 0.0 if isinstance(illicit, str) else float(illicit)  # type: ignore[arg-type]
        out = [(False, 1 - pl_true, 1 - pi_true), (True, pl_true, pi_true)]
    else:
        out = [(np.nan, float(isinstance(licit, str)), float(isinstance(illicit, str)))]
        upper = [*edges[1:], np.inf]
        for low, high in zip(edges, upper, strict=True):
            out.append((low, _in_bin(licit, low, high), _in_bin(illicit, low, high)))
    return [o for o in out if o[1] > 0 or o[2] > 0]


def _absent(attribute: object, size: int) -> list[float]:
    default = attribute.code(attribute.default)  # type: ignore[attr-defined]
    return [1.0 if k == default else 0.0 for k in range(size)]


def _in_bin(dist: Dist, low: float, high: float) -> float:
    if not isinstance(dist, dict):
        return 0.0
    mean = dist["exponential"]
    return float(np.exp(-low / mean) - (np.exp(-high / mean) if np.isfinite(high) else 0.0))


def _alias(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias tables: a draw is one uniform, whatever the number of cells."""
    k = p.size
    total = p.sum()
    scaled = p * k / total if total > 0 else np.ones(k)
    prob = np.ones(k)
    alias = np.arange(k)
    small = [i for i in range(k) if scaled[i] < 1.0]
    large = [i for i in range(k) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        prob[s], alias[s] = scaled[s], g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    return prob, alias


def _sample(
    u: np.ndarray,
    rate: float,
    prob_licit: np.ndarray,
    alias_licit: np.ndarray,
    prob_illicit: np.ndarray,
    alias_illicit: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """u < rate: illicit, and u / rate (uniform again) picks its cell; else (u - rate) / (1 - rate).

    What is left of the uniform after the alias choice is uniform again and independent of the
    cell and the flag (it keeps about 25 of the 53 bits): it is returned as the arrival's
    channel draw, which saves a second random number per arrival. Also counts arrivals per cell
    (the weights thresholds are fitted with).

    The outputs are NumPy's arrays, filled by a compiled pass (NumPy gets huge pages for big
    arrays; memory allocated inside compiled code costs ~7 ns per 8 bytes first written on the
    virtual machines this runs on, more than the draw itself).
    """
    n = u.size
    cell = np.empty(n, dtype=np.int64)
    illicit = np.empty(n, dtype=np.bool_)
    rest = np.empty(n, dtype=np.float64)
    counts = _sample_into(u, rate, prob_licit, alias_licit, prob_illicit, alias_illicit, cell, illicit, rest)
    return cell, illicit, counts, rest


@njit(cache=True, nogil=True)
def _sample_into(u, rate, prob_licit, alias_licit, prob_illicit, alias_illicit, cell, illicit, rest):  # type: ignore[no-untyped-def]
    """``_sample`` into given arrays; the counts per cell."""
    k_cells = prob_licit.size
    counts = np.zeros(k_cells, dtype=np.int64)
    scale_bad = k_cells / rate if rate > 0 else 0.0
    scale_good = k_cells / (1.0 - rate) if rate < 1 else 0.0
    for i in range(u.size):
        ui = u[i]
        bad = ui < rate
        illicit[i] = bad
        x = ui * scale_bad if bad else (ui - rate) * scale_good
        k = min(int(x), k_cells - 1)
        f = min(x - k, 1.0)
        p = prob_illicit[k] if bad else prob_licit[k]
        if f < p:
            c = k
            rest[i] = f / p
        else:
            c = alias_illicit[k] if bad else alias_licit[k]
            rest[i] = (f - p) / (1.0 - p)
        cell[i] = c
        counts[c] += 1
    return counts


def load_population(path: str | Path | None = None) -> Population:
    """A population file, or the shipped estimates when *path* is None."""
    source = Path(path) if path is not None else Path(str(files("smartborder.targeting") / "population.toml"))
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
        return Population.model_validate(raw)
    except FileNotFoundError:
        raise TargetingError("population", f"file {source} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetingError("population", f"{source} is not valid TOML: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        raise TargetingError(".".join(str(p) for p in error["loc"]), error["msg"]) from None
