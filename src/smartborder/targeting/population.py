"""Simulated arrivals with attributes: who is illicit, and what that looks like in the data.

There is no public record of how illicit loads are distributed over custody status, goods,
shipper history and so on, so these are ESTIMATES, written in ``population.toml`` with their
reasoning and overridable by a file of the same shape. Each arrival is first drawn illicit or
not (the port's base rate for its lane, ``TargetingSpec.illicit_rate``), then every attribute
is drawn from its distribution *given* that: the difference between the licit and illicit
distributions is the whole of what targeting can exploit, and it is stated, not hidden.

Draw order is fixed (illicit flag, then attributes in file order, one uniform per arrival each),
so the same stream gives the same arrivals whatever the thresholds or profiles.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smartborder.targeting.attributes import SCHEMA, Columns, empty
from smartborder.targeting.errors import TargetingError

#: How a flow's lane entitlement fixes membership attributes (not drawn).
GROUPS: dict[str, dict[str, dict[str, object]]] = {
    "shipment": {"standard": {"program": "none", "trusted": False},
                 "FAST": {"program": "FAST", "trusted": True},
                 "pre_inspected": {"program": "FAST", "trusted": True}},
    "traveller": {"standard": {"program": "none", "trusted": False},
                  "Ready": {"program": "Ready", "trusted": False},
                  "SENTRI": {"program": "SENTRI", "trusted": True}},
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
                if isinstance(dist, dict) and set(dist) != {"exponential"}:
                    raise ValueError(f"{group}: a number is drawn as {{exponential = mean}}, got {dist}")
                if isinstance(dist, str) and dist != "absent":
                    raise ValueError(f"{group}: the only text allowed is \"absent\", got {dist!r}")
        return self

    def dist(self, illicit: bool, group: str) -> Dist:
        side = self.illicit if illicit else self.licit
        return side.get(group, side.get("*", "absent"))


class Population(BaseModel):
    """Attribute distributions for shipments (trucks) and travellers (cars, walkers, buses)."""

    model_config = ConfigDict(extra="forbid")

    source: str = ""
    shipment: dict[str, AttributeDraw]
    traveller: dict[str, AttributeDraw]

    @model_validator(mode="after")
    def _known(self) -> Population:
        for kind in ("shipment", "traveller"):
            for name, draw in getattr(self, kind).items():
                attribute = SCHEMA.get(name)
                if attribute is None or name in ("kind", "program", "trusted"):
                    raise ValueError(f"{kind}.{name}: not an attribute that is drawn")
                for d in [*draw.licit.values(), *draw.illicit.values()]:
                    ok = {"category": isinstance(d, list) and len(d) == len(attribute.levels),
                          "bool": isinstance(d, float | int) and not isinstance(d, bool),
                          "number": isinstance(d, dict)}[attribute.kind] or d == "absent"
                    if not ok:
                        raise ValueError(f"{kind}.{name}: {d!r} does not fit a {attribute.kind} attribute")
        return self

    def draw(self, kind: str, group: str, n: int, illicit_rate: float,
             rng: np.random.Generator) -> tuple[Columns, np.ndarray]:
        """*n* arrivals of a lane *group*: their attributes and whether each is illicit."""
        if kind not in GROUPS or group not in GROUPS[kind]:
            raise TargetingError("group", f"no {kind} lane group {group!r}; known: {', '.join(GROUPS.get(kind, {}))}")
        illicit = rng.random(n) < illicit_rate
        columns = empty(n)
        columns["kind"][:] = SCHEMA["kind"].code(kind)
        fixed = GROUPS[kind][group]
        columns["program"][:] = SCHEMA["program"].code(str(fixed["program"]))
        columns["trusted"][:] = bool(fixed["trusted"])
        bad = np.flatnonzero(illicit)
        for name, spec in getattr(self, kind).items():
            u = rng.random(n)
            column = columns[name]
            column[:] = _values(spec.dist(False, group), u, column)
            if bad.size:
                column[bad] = _values(spec.dist(True, group), u[bad], column[bad])
        return columns, illicit


def _values(dist: Dist, u: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Values of one attribute from uniforms *u* (inverse CDF)."""
    if isinstance(dist, str):  # absent: keep the default
        return like
    if isinstance(dist, list):
        cumulative = np.cumsum(dist)
        cumulative[-1] = np.inf
        return np.searchsorted(cumulative, u, side="right").astype(like.dtype)
    if isinstance(dist, dict):
        return np.floor(-dist["exponential"] * np.log1p(-u))
    return u < dist


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
