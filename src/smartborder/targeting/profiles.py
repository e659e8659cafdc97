"""Risk profiles as data: rules over arrival attributes, each with a hit rate that learns.

A profile file (TOML) is versioned and dated::

    version = "2026-11-a"
    effective = 2026-11-01
    background_hit_rate = 0.0005   # an arrival no profile matches

    [[profile]]
    id = "custody_suspect"
    description = "seal or GPS trace reported suspect by the custody service"
    when = { custody = "suspect" }             # text: equals; list: one of; {lt = 6}: compare
    prior_hit_rate = 0.02
    prior_strength = 50
    force = "red"                              # optional: this channel whatever the score

Several keys in ``when`` must all hold. ``hits``/``inspections`` carry recorded outcomes, so a
file exported from the service keeps what was learned.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from smartborder.targeting.attributes import SCHEMA, Columns
from smartborder.targeting.errors import TargetingError
from smartborder.targeting.learning import HitRate

Channel = Literal["green", "yellow", "red", "blue"]
Comparison = dict[Literal["lt", "le", "gt", "ge"], float]
Test = str | bool | list[str] | Comparison


class Profile(BaseModel):
    """One rule: when its conditions hold, the arrival carries the profile's hit rate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    description: str
    when: dict[str, Test] = Field(min_length=1)
    prior_hit_rate: Annotated[float, Field(gt=0, lt=1)]
    prior_strength: Annotated[float, Field(gt=0)] = 20.0
    force: Channel | None = None
    hits: Annotated[int, Field(ge=0)] = 0
    inspections: Annotated[int, Field(ge=0)] = 0

    @field_validator("when")
    @classmethod
    def _known(cls, when: dict[str, Test]) -> dict[str, Test]:
        for key, test in when.items():
            attribute = SCHEMA.get(key)
            if attribute is None:
                raise ValueError(f"unknown attribute {key!r}; known: {', '.join(SCHEMA)}")
            if attribute.kind == "bool" and not isinstance(test, bool):
                raise ValueError(f"{key} is true or false, got {test!r}")
            if attribute.kind == "number" and not isinstance(test, dict):
                raise ValueError(f"{key} is a number: compare with {{lt|le|gt|ge = value}}, got {test!r}")
            if attribute.kind == "category":
                for level in [test] if isinstance(test, str) else test if isinstance(test, list) else [None]:
                    if level not in attribute.levels:
                        raise ValueError(f"{key} is one of {', '.join(attribute.levels)}, got {test!r}")
        return when

    @model_validator(mode="after")
    def _counts(self) -> Profile:
        if self.hits > self.inspections:
            raise ValueError(f"hits ({self.hits}) cannot exceed inspections ({self.inspections})")
        return self

    @property
    def hit_rate(self) -> HitRate:
        """Prior updated with the recorded outcomes."""
        return HitRate.prior(self.prior_hit_rate, self.prior_strength).update(self.hits, self.inspections)

    def matches(self, columns: Columns) -> np.ndarray:
        """Boolean per arrival: every condition holds."""
        n = next(iter(columns.values())).shape[0]
        mask = np.ones(n, dtype=bool)
        for key, test in self.when.items():
            values = columns[key]
            attribute = SCHEMA[key]
            if attribute.kind == "category":
                levels = [test] if isinstance(test, str) else test
                codes = [attribute.levels.index(level) for level in levels]  # type: ignore[union-attr]
                mask &= values == codes[0] if len(codes) == 1 else np.isin(values, codes)
            elif attribute.kind == "bool":
                mask &= values == test
            else:
                for op, bound in test.items():  # type: ignore[union-attr]
                    mask &= getattr(np, {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}[op])(
                        values, bound
                    )
        return mask


class ProfileSet(BaseModel):
    """The profiles in force: versioned and dated, with the rate of an arrival none matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, max_length=64)
    effective: dt.date
    background_hit_rate: Annotated[float, Field(ge=0, lt=1)]
    background_source: str = ""
    profiles: list[Profile] = Field(alias="profile", default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> ProfileSet:
        ids = [p.id for p in self.profiles]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"profile ids must be unique; repeated: {', '.join(repeated)}")
        return self

    def profile(self, profile_id: str) -> Profile:
        for p in self.profiles:
            if p.id == profile_id:
                return p
        raise TargetingError("profile", f"no profile {profile_id!r}; known: {', '.join(p.id for p in self.profiles)}")

    def with_outcomes(self, counts: dict[str, tuple[int, int]]) -> ProfileSet:
        """A copy with (hits, inspections) added per profile id (the learning loop)."""
        updated = []
        for p in self.profiles:
            hits, n = counts.get(p.id, (0, 0))
            updated.append(p.model_copy(update={"hits": p.hits + hits, "inspections": p.inspections + n}))
        return self.model_copy(update={"profiles": updated})

    def to_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


def parse(raw: dict[str, object], where: str = "profiles") -> ProfileSet:
    """Validate raw data into a ProfileSet; errors name the key (``profile.2.when``)."""
    try:
        return ProfileSet.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"]) or where
        raise TargetingError(field, error["msg"]) from None


def load(path: str | Path | None = None) -> ProfileSet:
    """A profile file, or the shipped default profiles when *path* is None."""
    source = Path(path) if path is not None else Path(str(files("smartborder.targeting") / "profiles.toml"))
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetingError("profiles", f"file {source} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetingError("profiles", f"{source} is not valid TOML: {exc}") from None
    return parse(raw)
