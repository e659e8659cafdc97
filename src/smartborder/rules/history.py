"""A person's history as the rules see it, validated before any rule runs.

Bad histories are refused as a whole (nothing is judged, nothing is written): spells that end
before they start, overlapping employment, events dated after the day being judged.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from smartborder.rules.errors import RuleInputError


class Spell(BaseModel):
    """A period from *start* to *end*, both days included; an open spell has no end."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date
    end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Spell:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def until(self, on: dt.date) -> tuple[dt.date, dt.date] | None:
        """The part of the spell up to *on* (inclusive), or None if it starts later."""
        if self.start > on:
            return None
        return self.start, min(self.end or on, on)


class History(BaseModel):
    """What the programs look at for one person."""

    model_config = ConfigDict(extra="forbid")

    person_id: str
    basis: Literal["work_skill", "family_reunification"] = "work_skill"
    background_check: Literal["passed", "failed", "pending"] = "pending"
    illegal_crossings: list[dt.date] = Field(default_factory=list)
    felony_convictions: list[dt.date] = Field(default_factory=list)
    permits: list[Spell] = Field(default_factory=list, description="temporary work permit holding periods")
    employment: list[Spell] = Field(default_factory=list)
    reports: list[dt.date] = Field(default_factory=list, description="address/employer reports filed")
    resided_in_us_since: dt.date | None = None

    @model_validator(mode="after")
    def _no_overlap(self) -> History:
        for name in ("employment", "permits"):
            spells = sorted(getattr(self, name), key=lambda s: s.start)
            for a, b in itertools.pairwise(spells):
                if a.end is None or a.end >= b.start:
                    raise ValueError(f"{name}: spells overlap ({a.start}..{a.end or 'open'} and {b.start}..)")
        return self

    def check_dates(self, on: dt.date) -> None:
        """Refuse histories with events after the day judged: they cannot be known yet."""
        for name in ("illegal_crossings", "felony_convictions", "reports"):
            late = [d for d in getattr(self, name) if d > on]
            if late:
                raise RuleInputError(f"{name}: {late[0]} is after the date judged ({on}); a record cannot be dated in the future")
        for name in ("permits", "employment"):
            late = [s.start for s in getattr(self, name) if s.start > on]
            if late:
                raise RuleInputError(f"{name}: a spell starts {late[0]}, after the date judged ({on})")
