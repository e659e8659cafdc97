"""The permit registry over HTTP: persons, their dated records, applications and explained
decisions. Each route checks the caller's role and calls its operation in ``permits_operations``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from smartborder.rules.bounds import MAX_CERTIFIED_CROSSINGS
from smartborder.service import permits_operations as ops
from smartborder.service.app import MAX_OFFSET, ReadSession, WriteSession, require
from smartborder.service.auth import OFFICERS, Caller
from smartborder.service.permits_schemas import (
    AnnouncementIn,
    AnnouncementOut,
    ApplicationDecisionOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    CertificationIn,
    CertificationOut,
    Day,
    DecideIn,
    DecisionOut,
    EligibilityIn,
    PersonIn,
    PersonOut,
    PersonWithRecords,
    ProgramOut,
    QuestionName,
    RecordIn,
    RecordOut,
    ReleaseIn,
    ReleaseOut,
    RevokedOut,
    RevokeIn,
    TradeAreaIn,
    TradeAreaOut,
)

router = APIRouter(tags=["permits"])


@router.post("/persons", status_code=201, response_model=PersonOut)
def create_person(
    *, body: PersonIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    return ops.create_person(session, caller, body)


@router.get("/persons/{person_id}", response_model=PersonWithRecords)
def read_person(
    *, person_id: str, session: ReadSession, caller: Caller = Depends(require("applicant", *OFFICERS))
) -> dict[str, object]:
    return ops.read_person(session, caller, person_id)


@router.post("/persons/{person_id}/records", status_code=201, response_model=RecordOut)
def add_record(
    *, person_id: str, body: RecordIn, session: WriteSession, caller: Caller = Depends(require("applicant", *OFFICERS))
) -> dict[str, object]:
    """Holders file their own reports and employment (seed: 'inform ... electronically of their
    address and place of employment'); officers record the rest."""
    return ops.add_record(session, caller, person_id, body)


@router.get("/persons/{person_id}/eligibility", response_model=DecisionOut)
def eligibility(
    *,
    person_id: str,
    question: QuestionName,
    on: Day,
    announced: Day | None = None,
    issued: Day | None = None,
    certified_crossings: Annotated[int | None, Query(ge=0, le=MAX_CERTIFIED_CROSSINGS)] = None,
    session: ReadSession,
    caller: Caller = Depends(require("applicant", *OFFICERS)),
) -> dict[str, object]:
    """The answer to *question* on any date *on* — the same names and rules as `smartborder permits
    check -q` and `smartborder.rules.questions.ask`. ``announced``: the resident program's
    announcement; ``issued``: the resident permit's issue date."""
    return ops.eligibility(session, caller, person_id, question, on, announced, certified_crossings, issued)


@router.post("/persons/{person_id}/eligibility", response_model=DecisionOut)
def eligibility_under_reform(
    *,
    person_id: str,
    body: EligibilityIn,
    session: ReadSession,
    caller: Caller = Depends(require("applicant", *OFFICERS)),
) -> dict[str, object]:
    """The same question as ``GET``, as a body that may carry a reform (dated parameter values
    added to the shipped ones): what `smartborder permits check --reform FILE` asks on the CLI."""
    return ops.eligibility_under(session, caller, person_id, body)


@router.post("/applications", status_code=201, response_model=ApplicationOut)
def file_application(
    *, body: ApplicationIn, session: WriteSession, caller: Caller = Depends(require("applicant", *OFFICERS))
) -> dict[str, object]:
    return ops.file_application(session, caller, body)


@router.post("/applications/{application_id}/decide", response_model=ApplicationDecisionOut)
def decide_application(
    *, application_id: str, body: DecideIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    return ops.decide_application(session, caller, application_id, body)


@router.post("/applications/{application_id}/revoke", response_model=RevokedOut)
def revoke_permit(
    *, application_id: str, body: RevokeIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    """Revoke a granted permit with a reason; a resident permit's identity cards go with it."""
    return ops.revoke_permit(session, caller, application_id, body.reason)


@router.get("/applications", response_model=ApplicationPage)
def list_applications(
    *,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    session: ReadSession,
    caller: Caller = Depends(require("applicant", *OFFICERS)),
) -> dict[str, object]:
    return ops.list_applications(session, caller, status, limit, offset)


@router.post("/applications/release", response_model=ReleaseOut)
def release_waiting(
    *, body: ReleaseIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    """Serve the waiting list from the cap of the year of ``on``, in filing order."""
    return ops.release_waiting(session, caller, body.on)


@router.post("/program/certifications", status_code=201, response_model=CertificationOut)
def certify(
    *, body: CertificationIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    """Record a year's joint certification of illegal crossings (seed 004: the resident-permit
    program runs while it is at most 200,000). Once a year; the questions read the latest made
    on or before the day asked."""
    return ops.record_certification(session, caller, body)


@router.post("/program/announcements", status_code=201, response_model=AnnouncementOut)
def announce(
    *, body: AnnouncementIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    """Record the resident-permit program's announcement (its applicants resided before it)."""
    return ops.record_announcement(session, caller, body)


@router.post("/program/trade-areas", status_code=201, response_model=TradeAreaOut)
def trade_area(
    *, body: TradeAreaIn, session: WriteSession, caller: Caller = Depends(require(*OFFICERS))
) -> dict[str, object]:
    """Record an agreement whose members trade tariff free: the rules-of-origin waiver's
    precondition ("tariff-free trade within NAFTA"), read by ``POST /trade/roo-waiver``."""
    return ops.record_trade_area(session, caller, body)


@router.get("/program", response_model=ProgramOut)
def program(
    *, on: Day, session: ReadSession, _: Caller = Depends(require("applicant", *OFFICERS))
) -> dict[str, object]:
    """The program's records as known on *on*: its announcement, the certification a question
    asked that day uses, and every certification made by then."""
    return ops.program_as_of(session, on)
