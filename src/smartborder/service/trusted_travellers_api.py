"""Trusted travellers: the watch list and the application, from filing to an issued card.

    file → vet (watch list) → [review a possible match] → interview → enrol (biometric) → card

Vetting screens the applicant against the stored watch list (``smartborder.trusted.vetting``)
and keeps the match report on the application for officers; a possible match waits for a
vetting officer's review, never approved automatically. Applicants see their state, never the
report. Every step is one transaction with its audit entry (who, and why where a person decides).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from smartborder.service import trusted_operations as ops
from smartborder.service.app import MAX_OFFSET, ReadSession, WriteSession, require
from smartborder.service.auth import VETTERS, Caller
from smartborder.service.trusted_schemas import (
    ApplicationIn,
    CardOut,
    EnrolIn,
    InterviewIn,
    IssueIn,
    ReviewIn,
    TravellerApplicationOut,
    TravellerApplicationPage,
    WatchEntryOut,
    WatchIn,
    WatchPage,
)

router = APIRouter(prefix="/trusted", tags=["trusted travellers"])
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")


@router.post("/watchlist", status_code=201, response_model=WatchEntryOut)
def add_watch_entry(
    *, body: WatchIn, session: WriteSession, caller: Caller = Depends(require(*VETTERS))
) -> dict[str, object]:
    return ops.add_watch_entry(session, caller, body)


@router.get("/watchlist", response_model=WatchPage)
def list_watch_entries(*, session: ReadSession, _: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    return ops.list_watch_entries(session)


@router.get("/applications", response_model=TravellerApplicationPage, response_model_exclude_unset=True)
def list_applications(
    *,
    state: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    session: ReadSession,
    caller: Caller = Depends(require("applicant", *VETTERS)),
) -> dict[str, object]:
    """The vetting queue (e.g. ``state=possible_match``); an applicant sees only their own."""
    return ops.list_applications(session, caller, state, limit, offset)


@router.post(
    "/applications", status_code=201, response_model=TravellerApplicationOut, response_model_exclude_unset=True
)
def file_application(
    *, body: ApplicationIn, session: WriteSession, caller: Caller = Depends(require("applicant", *VETTERS))
) -> dict[str, object]:
    return ops.file_application(session, caller, body)


@router.get("/applications/{application_id}", response_model=TravellerApplicationOut, response_model_exclude_unset=True)
def read_application(
    *, application_id: str, session: ReadSession, caller: Caller = Depends(require("applicant", *VETTERS))
) -> dict[str, object]:
    return ops.application_view(ops.visible_application(session, application_id, caller), caller)


@router.post(
    "/applications/{application_id}/vet", response_model=TravellerApplicationOut, response_model_exclude_unset=True
)
def vet(
    *, application_id: str, session: WriteSession, caller: Caller = Depends(require("vetting_officer"))
) -> dict[str, object]:
    """Screen against the whole watch list; the report is kept on the application."""
    return ops.vet(session, caller, application_id)


@router.post(
    "/applications/{application_id}/review", response_model=TravellerApplicationOut, response_model_exclude_unset=True
)
def review(
    *, application_id: str, body: ReviewIn, session: WriteSession, caller: Caller = Depends(require("vetting_officer"))
) -> dict[str, object]:
    """A person decides a possible match, saying why."""
    return ops.review(session, caller, application_id, body)


@router.post(
    "/applications/{application_id}/interview",
    response_model=TravellerApplicationOut,
    response_model_exclude_unset=True,
)
def interview(
    *,
    application_id: str,
    body: InterviewIn,
    session: WriteSession,
    caller: Caller = Depends(require("vetting_officer")),
) -> dict[str, object]:
    return ops.interview(session, caller, application_id, body)


@router.post(
    "/applications/{application_id}/enrol", response_model=TravellerApplicationOut, response_model_exclude_unset=True
)
def enrol(
    *, application_id: str, body: EnrolIn, session: WriteSession, caller: Caller = Depends(require("vetting_officer"))
) -> dict[str, object]:
    """Take the face sample, keep only its sealed template (the image is not stored)."""
    return ops.enrol(session, caller, application_id, body.image_base64)


@router.post("/applications/{application_id}/card", status_code=201, response_model=CardOut)
def issue(
    *, application_id: str, body: IssueIn, session: WriteSession, caller: Caller = Depends(require(*VETTERS))
) -> dict[str, object]:
    """Issue the card: documents still valid, one active card per person, the template enrolled."""
    return ops.issue(session, caller, application_id, body)


@router.post(
    "/applications/{application_id}/withdraw", response_model=TravellerApplicationOut, response_model_exclude_unset=True
)
def withdraw(
    *, application_id: str, session: WriteSession, caller: Caller = Depends(require("applicant", *VETTERS))
) -> dict[str, object]:
    return ops.withdraw(session, caller, application_id)
