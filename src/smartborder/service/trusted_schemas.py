"""What the trusted trader and traveller routes return, typed for the OpenAPI document (clients
generate code from it). Fields a route adds beyond these are let through (``extra="allow"``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
