"""The resident-permit program's own state, as dated records: what the questions read as of the
day asked instead of being told again each time.

Seed 004: the program is launched when the two presidents "jointly certify that the annual rate
of illegal crossings does not exceed 200,000 persons", and suspended in years they cannot; its
applicants are those who resided before its announcement. So two facts belong to the program,
not to a question:

- ``Certification``: the figure certified for a year, who certified it and the day they did. A
  question asked on a day uses the latest certification made on or before it (one dated after
  the day is not known then): asked before a year's certification, it uses the previous one.
- ``Announcement``: the day the program was announced, and by whom (the first on record on or
  before the day asked).
- ``TradeArea``: the rules-of-origin waiver's precondition — "tariff-free trade within NAFTA" —
  as a record: the agreement, its member countries and the day trade between them became tariff
  free. A waiver between two members from that day meets it; between others it does not.

``ProgramState.answering`` gives a question its figure and date with the words the decision
notes: the certification used, or that a figure given with the question is a what-if.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, field_validator

from smartborder.rules.bounds import MAX_CERTIFIED_CROSSINGS, check_year


class Certification(BaseModel):
    """The joint certification of a year's illegal crossings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int = Field(description="the year whose illegal crossings were counted")
    crossings: int = Field(ge=0, le=MAX_CERTIFIED_CROSSINGS, description="the figure certified")
    certified_by: str = Field(min_length=1, max_length=200, description="who certified it (e.g. both presidents)")
    on: dt.date = Field(description="the day the certification was made")

    @field_validator("year")
    @classmethod
    def _year(cls, year: int) -> int:
        return check_year(year)

    @field_validator("on")
    @classmethod
    def _day(cls, day: dt.date) -> dt.date:
        check_year(day.year, "on")
        return day

    def describe(self) -> str:
        return f"{self.crossings:,} illegal crossings certified for {self.year} by {self.certified_by} on {self.on}"


class Announcement(BaseModel):
    """The program's announcement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: dt.date = Field(description="the day the program was announced")
    by: str = Field(min_length=1, max_length=200, description="who announced it")

    @field_validator("on")
    @classmethod
    def _day(cls, day: dt.date) -> dt.date:
        check_year(day.year, "on")
        return day


class TradeArea(BaseModel):
    """An agreement under which trade between its members is tariff free (the waiver's precondition)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200, description="the agreement, e.g. NAFTA")
    members: list[str] = Field(min_length=2, max_length=300, description="ISO 3166-1 alpha-2 codes")
    tariff_free_since: dt.date = Field(description="the day trade between the members became tariff free")

    @field_validator("members")
    @classmethod
    def _codes(cls, members: list[str]) -> list[str]:
        bad = [m for m in members if not (len(m) == 2 and m.isascii() and m.isalpha() and m.isupper())]
        if bad:
            raise ValueError(f"expected ISO 3166-1 alpha-2 codes (MX, US), got {bad[0]!r}")
        if len(set(members)) != len(members):
            raise ValueError("a member is named twice")
        return members

    @field_validator("tariff_free_since")
    @classmethod
    def _day(cls, day: dt.date) -> dt.date:
        check_year(day.year, "tariff_free_since")
        return day


@dataclass(frozen=True)
class Answering:
    """What a question is given from the program's state, and the notes saying so."""

    announced: dt.date | None
    certified_crossings: int | None
    notes: list[str] = field(default_factory=list)


class ProgramState(BaseModel):
    """The program's records: its certifications and its announcement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    certifications: list[Certification] = Field(default_factory=list)
    announcements: list[Announcement] = Field(default_factory=list)
    trade_areas: list[TradeArea] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing recorded: a question reads only what it is given, as without a state."""
        return not (self.certifications or self.announcements or self.trade_areas)

    def trade_area_of(self, day: dt.date, exporting: str, importing: str) -> TradeArea | None:
        """The agreement under which *exporting* and *importing* trade tariff free on *day*."""
        for area in sorted(self.trade_areas, key=lambda a: a.tariff_free_since):
            if area.tariff_free_since <= day and exporting in area.members and importing in area.members:
                return area
        return None

    def certification_on(self, day: dt.date) -> Certification | None:
        """The latest certification made on or before *day* (the later year on the same day)."""
        known = [c for c in self.certifications if c.on <= day]
        return max(known, key=lambda c: (c.on, c.year)) if known else None

    def announcement_on(self, day: dt.date) -> Announcement | None:
        """The program's announcement as known on *day*: the first on record on or before it."""
        known = [a for a in self.announcements if a.on <= day]
        return min(known, key=lambda a: a.on) if known else None

    def answering(
        self,
        on: dt.date,
        announced: dt.date | None = None,
        certified_crossings: int | None = None,
        certification: bool = True,
    ) -> Answering:
        """The announcement and certified figure a question asked on *on* reads: those given
        with it (a what-if where they differ from the records), else the records as of *on*.
        *certification*: whether the question reads the certified figure at all."""
        notes = []
        if announced is None:
            record = self.announcement_on(on)
            if record is not None:
                announced = record.on
                notes.append(f"program announced on {record.on} by {record.by} (on record)")
        if not certification:
            return Answering(announced, certified_crossings, notes)
        record_used = self.certification_on(on)
        if certified_crossings is None:
            if record_used is not None:
                certified_crossings = record_used.crossings
                notes.append(f"certification used: {record_used.describe()}")
            else:
                notes.append(f"no certification on record on {on}")
        elif record_used is None or record_used.crossings != certified_crossings:
            on_record = record_used.describe() if record_used else "none on record"
            notes.append(f"what-if: {certified_crossings:,} certified crossings given with the question ({on_record})")
        return Answering(announced, certified_crossings, notes)
