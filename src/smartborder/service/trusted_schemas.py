"""Request and response bodies of the trusted trader and traveller programs (pydantic v2). The
responses type the OpenAPI document (clients generate code from it); fields a route adds beyond
them are let through (``extra="allow"``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from smartborder.timestamps import Day

# ---- requests -----------------------------------------------------------------------------------

Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
Country = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. MX, US")


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["importer", "manufacturer", "carrier", "broker"]
    country: str = Country


class FacilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["plant", "warehouse", "terminal"]
    country: str = Country
    city: str | None = Field(default=None, max_length=120)


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criterion: str
    met: bool
    note: str = Field(default="", max_length=2000)


class AuditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: Day
    findings: list[FindingIn] = Field(min_length=1)


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["certified", "revalidated", "suspended", "reinstated", "revoked"]
    on: Day
    reason: str = Field(default="", max_length=2000)
    audit_id: int | None = Field(default=None, description="the passing audit a certification rests on")


class WatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    dob: Day | None = None
    document_number: str | None = Field(default=None, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: str = Id
    program: Literal["SENTRI", "FAST"]
    full_name: str = Field(min_length=1, max_length=200)
    dob: Day
    nationality: str = Field(pattern=r"^[A-Z]{2}$")
    document_number: str = Field(min_length=3, max_length=64)
    document_expires: Day
    carrier_id: str | None = Field(default=None, description="FAST: the carrier the driver applies through")


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["cleared", "denied"]
    reason: str = Field(min_length=1, max_length=2000)


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passed: bool
    notes: str = Field(min_length=1, max_length=2000)


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_base64: str = Field(description="PNG or JPEG of the face, base64")


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: Day | None = Field(default=None, description="issue date (default: today)")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class RenewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: Day | None = Field(default=None, description="renewal date (default: today)")


class ResidentCardIn(BaseModel):
    """An identity card for a permanent resident: the person, whose resident permit is granted,
    and a face sample to enrol (its sealed template is kept, not the image)."""

    model_config = ConfigDict(extra="forbid")
    person_id: str = Field(min_length=1, max_length=64)
    image_base64: str = Field(description="PNG or JPEG of the face, base64")
    on: Day | None = Field(default=None, description="issue date (default: today)")


class CrossingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    card: str = Field(min_length=1, max_length=2000, description="the card's signed text as read at the booth")
    image_base64: str = Field(description="live face sample, PNG or JPEG, base64")
    port_code: str = Field(pattern=r"^\d{4}$")
    vehicle: Literal["truck", "pov", "pedestrian"]
    on: Day | None = None
    facility_id: str | None = Field(default=None, description="FAST: the facility the load left from")


# ---- responses ----------------------------------------------------------------------------------


class CriteriaOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    version: str
    source: str
    categories: Any
    criteria: list[dict[str, Any]]
    scoring: dict[str, Any]


class CompanyOut(BaseModel):
    id: str
    name: str
    kind: str
    country: str


class FacilityOut(BaseModel):
    company_id: str
    id: str
    name: str
    kind: str
    country: str
    city: str | None = None


class AuditOut(BaseModel):
    """A scored audit: passed or not, the score overall and by category, and why."""

    model_config = ConfigDict(extra="allow")
    id: int
    facility_id: str | None = None
    on: str
    auditor: str
    passed: bool
    score: float
    category_scores: dict[str, float]
    reasons: list[str]
    checklist_version: str


class AuditPage(BaseModel):
    items: list[AuditOut]


class FacilityStanding(BaseModel):
    """Trusted on the day asked? Since when, revalidation due, or why not."""

    model_config = ConfigDict(extra="allow")
    facility_id: str
    company_id: str
    name: str
    on: str
    trusted: bool
    state: str
    since: str | None
    revalidation_due: str | None
    reasons: list[str]
    pre_inspected_allowed: bool


class CompanyStanding(BaseModel):
    company_id: str
    name: str
    on: str
    trusted: bool
    since: str | None
    reasons: list[str]
    facilities: list[FacilityStanding]


class WatchEntryOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    dob: dt.date | None
    document_number: str | None
    reason: str


class WatchPage(BaseModel):
    items: list[WatchEntryOut]


class TravellerApplicationOut(BaseModel):
    """An application's state; ``vetting`` (the watch-list match report) is shown to officers only."""

    id: str
    person_id: str
    program: str
    state: str
    filed: str
    document_expires: str
    carrier_id: str | None
    vetting: dict[str, Any] | None = Field(default=None, description="officers only")


class TravellerApplicationPage(BaseModel):
    items: list[TravellerApplicationOut]
    limit: int
    offset: int


class PublicKeyOut(BaseModel):
    algorithm: str
    public_key: str


class CardOut(BaseModel):
    """A card: its state on the day asked and its signed text (checked offline with the public key)."""

    id: str
    person_id: str
    program: str
    issued: str
    expires: str
    status: str
    reason: str | None
    card: str = Field(description="the signed card text, SB1.…")


class PersonStanding(BaseModel):
    """Is the person trusted on the day asked? Which card, since when — or why not."""

    person_id: str
    on: str
    trusted: bool
    reasons: list[str]
    program: str | None = None
    card_id: str | None = None
    since: str | None = None
    expires: str | None = None


class CrossingOut(BaseModel):
    """A card checked at the booth: the outcome, the lane, the face distance and the reasons."""

    id: int | str
    card_id: str
    person_id: str
    outcome: str
    lane: str
    distance: float | None
    reasons: list[str]


class CrossingItem(BaseModel):
    on: str
    port_code: str
    vehicle: str
    lane: str
    outcome: str
    reasons: list[str]


class CardCrossings(BaseModel):
    card_id: str
    items: list[CrossingItem]
