"""Trusted travellers: the watch list and the application, from filing to an issued card.

    file → vet (watch list) → [review a possible match] → interview → enrol (biometric) → card

Vetting screens the applicant against the stored watch list (``smartborder.trusted.vetting``)
and keeps the match report on the application for officers; a possible match waits for a
vetting officer's review, never approved automatically. Applicants see their state, never the
report. Every step is one transaction with its audit entry (who, and why where a person decides).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service import trusted_operations as ops
from smartborder.service.app import MAX_OFFSET, ApiError, get_session, get_write_session, require
from smartborder.service.audit import record
from smartborder.service.auth import VETTERS, Caller
from smartborder.service.trusted_cards_api import issue_card
from smartborder.service.trusted_models import (
    Card,
    Company,
    Template,
    TravellerApplication,
    WatchListEntry,
)
from smartborder.service.trusted_schemas import (
    CardOut,
    TravellerApplicationOut,
    TravellerApplicationPage,
    WatchEntryOut,
    WatchPage,
)
from smartborder.service.trusted_support import domain_errors
from smartborder.timestamps import Day
from smartborder.trusted import WatchEntry, advance, check_document, screen
from smartborder.trusted.programs import program

router = APIRouter(prefix="/trusted", tags=["trusted travellers"])
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


class WatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    dob: dt.date | None = None
    document_number: str | None = Field(default=None, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: str = Id
    program: Literal["SENTRI", "FAST"]
    full_name: str = Field(min_length=1, max_length=200)
    dob: dt.date
    nationality: str = Field(pattern=r"^[A-Z]{2}$")
    document_number: str = Field(min_length=3, max_length=64)
    document_expires: dt.date
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








@router.post("/watchlist", status_code=201, response_model=WatchEntryOut)
def add_watch_entry(body: WatchIn, session: Session = Depends(get_write_session),
                    caller: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    if session.get(WatchListEntry, body.id) is not None:
        raise ApiError(409, "id", f"watch-list entry {body.id!r} already exists")
    session.add(WatchListEntry(added_by=caller.label, **body.model_dump()))
    record(session, caller.label, "trusted.watchlist.add", body.id, body.model_dump(mode="json"))
    session.commit()
    return body.model_dump(mode="json")


@router.get("/watchlist", response_model=WatchPage)
def list_watch_entries(session: Session = Depends(get_session),
                       _: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    rows = session.scalars(select(WatchListEntry).order_by(WatchListEntry.id))
    return {"items": [{"id": e.id, "name": e.name, "aliases": e.aliases, "dob": e.dob.isoformat() if e.dob else None,
                       "document_number": e.document_number, "reason": e.reason} for e in rows]}


@router.get("/applications", response_model=TravellerApplicationPage, response_model_exclude_unset=True)
def list_applications(state: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                      offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0, session: Session = Depends(get_session),
                      caller: Caller = Depends(require("applicant", *VETTERS))) -> dict[str, object]:
    """The vetting queue (e.g. ``state=possible_match``); an applicant sees only their own."""
    query = select(TravellerApplication).order_by(TravellerApplication.created_at, TravellerApplication.id)
    if caller.role == "applicant":
        query = query.where(TravellerApplication.person_id == caller.subject)
    if state:
        query = query.where(TravellerApplication.state == state)
    rows = session.scalars(query.offset(offset).limit(limit)).all()
    return {"items": [ops.application_view(a, caller) for a in rows], "limit": limit, "offset": offset}


@router.post("/applications", status_code=201, response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def file_application(body: ApplicationIn, session: Session = Depends(get_write_session),
                     caller: Caller = Depends(require("applicant", *VETTERS))) -> dict[str, object]:
    if caller.role == "applicant" and caller.subject != body.person_id:
        raise ApiError(403, "person_id", "an applicant may only apply for themselves")
    today = dt.date.today()
    with domain_errors():
        check_document(body.document_expires, today)
        needs_carrier = bool(program(body.program).get("needs_carrier"))
    if body.dob >= today:
        raise ApiError(422, "dob", f"{body.dob} is not in the past")
    if needs_carrier:
        carrier = session.get(Company, body.carrier_id) if body.carrier_id else None
        if carrier is None or carrier.kind != "carrier":
            raise ApiError(422, "carrier_id", f"a {body.program} driver applies through a registered carrier; "
                           f"got {body.carrier_id!r}")
    elif body.carrier_id is not None:
        raise ApiError(422, "carrier_id", f"{body.program} applications name no carrier")
    if session.scalar(select(Card.id).where(Card.person_id == body.person_id, Card.status == "active")):
        raise ApiError(409, "person_id", f"{body.person_id} already holds an active card; renew or revoke it")
    open_states = ("submitted", "clear", "possible_match", "interviewed", "enrolled")
    if session.scalar(select(TravellerApplication.id).where(TravellerApplication.person_id == body.person_id,
                                                            TravellerApplication.state.in_(open_states))):
        raise ApiError(409, "person_id", f"{body.person_id} already has an open application")
    application = TravellerApplication(id=str(uuid.uuid4()), state="submitted", filed=today, **body.model_dump())
    session.add(application)
    record(session, caller.label, "trusted.application.file", application.id, body.model_dump(mode="json"))
    session.commit()
    return ops.application_view(application, caller)


@router.get("/applications/{application_id}", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def read_application(application_id: str, session: Session = Depends(get_session),
                     caller: Caller = Depends(require("applicant", *VETTERS))) -> dict[str, object]:
    return ops.application_view(ops.application(session, application_id, caller), caller)


@router.post("/applications/{application_id}/vet", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def vet(application_id: str, session: Session = Depends(get_write_session),
        caller: Caller = Depends(require("vetting_officer"))) -> dict[str, object]:
    """Screen against the whole watch list; the report is kept on the application."""
    application = ops.application(session, application_id, caller)
    entries = [WatchEntry(e.id, e.name, tuple(e.aliases), e.dob, e.document_number)
               for e in session.scalars(select(WatchListEntry))]
    report = screen(application.full_name, application.dob, application.document_number, entries)
    application.vetting = {**report.as_dict(), "screened_entries": len(entries), "by": caller.label}
    step = "vet_clear" if report.outcome == "clear" else "vet_match"
    return ops.application_step(session, application, step, caller, {"vetting": application.vetting})


@router.post("/applications/{application_id}/review", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def review(application_id: str, body: ReviewIn, session: Session = Depends(get_write_session),
           caller: Caller = Depends(require("vetting_officer"))) -> dict[str, object]:
    """A person decides a possible match, saying why."""
    application = ops.application(session, application_id, caller)
    return ops.application_step(session, application, f"review_{body.decision}", caller, body.model_dump())


@router.post("/applications/{application_id}/interview", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def interview(application_id: str, body: InterviewIn, session: Session = Depends(get_write_session),
              caller: Caller = Depends(require("vetting_officer"))) -> dict[str, object]:
    application = ops.application(session, application_id, caller)
    step = "interview_passed" if body.passed else "interview_failed"
    return ops.application_step(session, application, step, caller, body.model_dump())


@router.post("/applications/{application_id}/enrol", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def enrol(application_id: str, body: EnrolIn, session: Session = Depends(get_write_session),
          caller: Caller = Depends(require("vetting_officer"))) -> dict[str, object]:
    """Take the face sample, keep only its sealed template (the image is not stored)."""
    return ops.enrol(session, caller, application_id, body.image_base64)


@router.post("/applications/{application_id}/card", status_code=201, response_model=CardOut)
def issue(application_id: str, body: IssueIn, session: Session = Depends(get_write_session),
          caller: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    """Issue the card: documents still valid, one active card per person, the template enrolled."""
    application = ops.application(session, application_id, caller)
    on = body.on or dt.date.today()
    with domain_errors():
        advance(application.state, "issue")
        check_document(application.document_expires, on)
    card = issue_card(session, application, on, caller)
    application.state = "issued"
    session.commit()
    return card


@router.post("/applications/{application_id}/withdraw", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def withdraw(application_id: str, session: Session = Depends(get_write_session),
             caller: Caller = Depends(require("applicant", *VETTERS))) -> dict[str, object]:
    application = ops.application(session, application_id, caller)
    template = session.scalar(select(Template).where(Template.application_id == application.id))
    if template is not None:
        session.delete(template)
    return ops.application_step(session, application, "withdraw", caller, {})
