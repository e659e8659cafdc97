"""Request and response bodies of the permit registry (pydantic v2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from smartborder.rules.bounds import FIRST_YEAR, LAST_YEAR, MAX_CERTIFIED_CROSSINGS
from smartborder.timestamps import day_text, years_between

#: A day of the permit registry: ISO text, years FIRST_YEAR..LAST_YEAR (the rules' own bounds).
Day = Annotated[dt.date, BeforeValidator(day_text), years_between(FIRST_YEAR, LAST_YEAR)]
RecordKind = Literal["illegal_crossing", "felony_conviction", "report", "employment", "permit", "nationality"]
ApplicationKind = Literal["work_permit", "renewal", "residency", "resident_permit"]
#: The questions of ``rules.questions``, one name each on the CLI, over HTTP and in Python.
QuestionName = Literal[
    "apply", "renew", "residency", "resident-permit", "deportation-protection", "citizenship", "benefits"
]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    basis: Literal["work_skill", "family_reunification"] = "work_skill"
    background_check: Literal["passed", "failed", "pending"] = "pending"
    resided_in_us_since: Day | None = None


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RecordKind
    start: Day = Field(description="the day of the event, or the first day of a spell")
    end: Day | None = Field(default=None, description="last day of a spell (employment, permit)")
    address: str | None = Field(default=None, min_length=1, max_length=500, description="a report: the address")
    employer: str | None = Field(
        default=None, min_length=1, max_length=200, description="a report: the place of employment"
    )
    code: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{2}$",
        description="a nationality: ISO 3166-1 alpha-2 code (MX, US), held from start until the next one",
    )


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str
    kind: ApplicationKind
    skill: Literal["skilled", "unskilled"] | None = None
    filed: Day


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: Day | None = Field(default=None, description="date judged (default: today)")
    announced: Day | None = Field(default=None, description="resident program announcement")
    certified_crossings: int | None = Field(default=None, ge=0, le=MAX_CERTIFIED_CROSSINGS)


# ---- responses ----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    person_id: str
    basis: Literal["work_skill", "family_reunification"]
    background_check: Literal["passed", "failed", "pending"]
    resided_in_us_since: dt.date | None


class RecordOut(BaseModel):
    kind: RecordKind
    start: dt.date
    end: dt.date | None
    address: str | None = None
    employer: str | None = None
    code: str | None = None


class PersonWithRecords(PersonOut):
    records: list[RecordOut]


class ReformIn(BaseModel):
    """A reform to ask under: dated values added to the shipped parameters (the shape of
    ``rules/parameters.toml``: parameter name → ISO date → value)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    values: dict[str, dict[str, int | float | str | list[str]]] = Field(
        min_length=1, max_length=50, description='e.g. {"work_permit.report_interval_months": {"2026-07-01": 2}}'
    )


class EligibilityIn(BaseModel):
    """``GET /persons/{id}/eligibility``'s question as a body, with an optional reform."""

    model_config = ConfigDict(extra="forbid")

    question: QuestionName
    on: Day
    announced: Day | None = None
    issued: Day | None = None
    certified_crossings: int | None = Field(default=None, ge=0, le=MAX_CERTIFIED_CROSSINGS)
    reform: ReformIn | None = None


class DecisionOut(BaseModel):
    """A decision: granted or not, each reason in words and the rule it comes from."""

    question: str
    on: dt.date
    granted: bool
    reasons: list[str]
    rules: list[str]
    notes: list[str] = Field(default_factory=list, description="e.g. records dated after the day asked, left out")
    version: str = Field(default="", description="the dated parameters in force on the day decided")


class ApplicationOut(BaseModel):
    id: str
    status: str
    person_id: str
    kind: ApplicationKind
    skill: str | None
    filed: dt.date
    nationality: str | None = Field(
        default=None, description="the applicant's on the day filed, as on record when filed (what the cap counts)"
    )


class ApplicationDecisionOut(DecisionOut):
    id: str
    status: Literal["granted", "refused", "waiting"]


class ApplicationSummary(BaseModel):
    id: str
    person_id: str
    kind: ApplicationKind
    filed: dt.date
    status: str


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    limit: int
    offset: int


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000, description="why the permit is revoked")


class RevokedOut(BaseModel):
    """A revoked permit, and the identity cards revoked with it."""

    id: str
    status: str
    cards_revoked: list[str]


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: Day = Field(description="the day the waiting list is served (its year's cap applies)")


class ReleaseOut(BaseModel):
    """What serving the waiting list did, application ids in filing order."""

    on: dt.date
    granted: list[str]
    refused: list[str]
    waiting: list[str]


class CertificationIn(BaseModel):
    """A joint certification of a year's illegal crossings, as made."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(
        strict=True, ge=FIRST_YEAR, le=LAST_YEAR, description="the year whose illegal crossings were counted"
    )
    crossings: int = Field(strict=True, ge=0, le=MAX_CERTIFIED_CROSSINGS, description="the figure certified")
    certified_by: str = Field(min_length=1, max_length=200, description="who certified it")
    on: Day = Field(description="the day the certification was made")


class AnnouncementIn(BaseModel):
    """The resident-permit program's announcement."""

    model_config = ConfigDict(extra="forbid")

    on: Day = Field(description="the day the program was announced")
    by: str = Field(min_length=1, max_length=200, description="who announced it")


class TradeAreaIn(BaseModel):
    """An agreement whose members trade tariff free: the rules-of-origin waiver's precondition."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="the agreement, e.g. NAFTA")
    members: list[Annotated[str, Field(pattern=r"^[A-Z]{2}$")]] = Field(
        min_length=2, max_length=300, description="ISO 3166-1 alpha-2 codes of its members"
    )
    tariff_free_since: Day = Field(description="the day trade between the members became tariff free")


class TradeAreaOut(TradeAreaIn):
    id: int


class CertificationOut(CertificationIn):
    id: int


class AnnouncementOut(AnnouncementIn):
    id: int


class ProgramOut(BaseModel):
    """The program's records as known on a day: what a question asked that day reads."""

    on: dt.date
    announcement: AnnouncementIn | None
    certification_used: CertificationIn | None = Field(description="the latest made on or before the day")
    certifications: list[CertificationOut] = Field(description="every certification made on or before the day")
    trade_areas: list[TradeAreaIn] = Field(default_factory=list, description="trade tariff free by the day")
