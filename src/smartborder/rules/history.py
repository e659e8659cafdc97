"""A person's history as the rules see it, validated before any rule runs.

Bad histories are refused as a whole (nothing is judged, nothing is written): spells that end
before they start, overlapping employment. A question asked about a past day judges the history
as it stood that day (``History.as_of``): records dated later are left out, and the answer says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder.rules.bounds import FIRST_YEAR, LAST_YEAR


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


class Report(BaseModel):
    """A holder's report. Seed 004: holders 'inform the Immigration and Naturalization Service
    electronically of their address and place of employment'. A report counts toward the
    reporting duty when it states both; one recorded as a bare date states neither."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: dt.date
    address: str | None = Field(default=None, max_length=500)
    employer: str | None = Field(default=None, max_length=200)

    @property
    def complete(self) -> bool:
        return bool(self.address and self.address.strip() and self.employer and self.employer.strip())


class Nationality(BaseModel):
    """A nationality the person holds from *since* (ISO 3166-1 alpha-2: ``MX``, ``US``) until the
    next one on record (a change of nationality is a new entry, so the history keeps both)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code")
    since: dt.date


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
    reports: list[Report] = Field(
        default_factory=list,
        description="reports filed: {on, address, employer} (a bare date is a report with no content)",
    )
    resided_in_us_since: dt.date | None = None
    nationalities: list[Nationality] = Field(
        default_factory=list, description="nationality on record, each from its date (ISO 3166-1 alpha-2)"
    )

    def nationality_on(self, day: dt.date) -> str | None:
        """The nationality on record on *day* (the latest from on or before it); None if none yet."""
        held = [n for n in self.nationalities if n.since <= day]
        return max(held, key=lambda n: n.since).code if held else None

    @field_validator("reports", mode="before")
    @classmethod
    def _bare_dates(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"on": item} if isinstance(item, dt.date | str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _within_years(self) -> History:
        """Every day on record within the years the rules judge (``rules.bounds``): a spell from year
        0001 would count two thousand years held."""
        days: list[tuple[str, dt.date]] = [("illegal_crossings", d) for d in self.illegal_crossings]
        days += [("felony_convictions", d) for d in self.felony_convictions]
        for name in ("permits", "employment"):
            for spell in getattr(self, name):
                days += [(name, spell.start)] + ([(name, spell.end)] if spell.end is not None else [])
        days += [("reports", r.on) for r in self.reports]
        days += [("resided_in_us_since", self.resided_in_us_since)] if self.resided_in_us_since else []
        days += [("nationalities", n.since) for n in self.nationalities]
        dates = [n.since for n in self.nationalities]
        if len(set(dates)) != len(dates):
            twice = next(d for d in dates if dates.count(d) > 1)
            raise ValueError(f"nationalities: two from {twice}; a change of nationality is a new date")
        for name, day in days:
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValueError(f"{name}: {day} is outside the years {FIRST_YEAR}..{LAST_YEAR}")
        return self

    @model_validator(mode="after")
    def _no_overlap(self) -> History:
        for name in ("employment", "permits"):
            spells = sorted(getattr(self, name), key=lambda s: s.start)
            for a, b in itertools.pairwise(spells):
                if a.end is None or a.end >= b.start:
                    raise ValueError(f"{name}: spells overlap ({a.start}..{a.end or 'open'} and {b.start}..)")
        return self

    def as_of(self, on: dt.date) -> tuple[History, list[str]]:
        """The history as it stood on *on*, and what was left out: events dated after it and
        spells starting after it could not be known that day. (Spells already running keep the
        end on record: a permit's end is set when it is issued.)"""
        kept: dict[str, object] = {}
        notes: list[str] = []
        for name in ("illegal_crossings", "felony_convictions"):
            dates: list[dt.date] = getattr(self, name)
            late = [d for d in dates if d > on]
            if late:
                kept[name] = [d for d in dates if d <= on]
                notes.append(f"{len(late)} {name.replace('_', ' ')} dated after {on} left out (first {min(late)})")
        late_reports = [r.on for r in self.reports if r.on > on]
        if late_reports:
            kept["reports"] = [r for r in self.reports if r.on <= on]
            notes.append(f"{len(late_reports)} reports dated after {on} left out (first {min(late_reports)})")
        for name in ("permits", "employment"):
            spells: list[Spell] = getattr(self, name)
            late_spells = [s for s in spells if s.start > on]
            if late_spells:
                kept[name] = [s for s in spells if s.start <= on]
                notes.append(
                    f"{len(late_spells)} {name} spell(s) starting after {on} left out "
                    f"(first {min(s.start for s in late_spells)})"
                )
        if self.resided_in_us_since is not None and self.resided_in_us_since > on:
            kept["resided_in_us_since"] = None
            notes.append(f"residence from {self.resided_in_us_since}, after {on}, left out")
        if notes:
            notes.insert(0, f"judged on the history as it stood on {on}")
        return (self.model_copy(update=kept) if kept else self), notes
