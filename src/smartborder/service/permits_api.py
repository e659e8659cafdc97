"""The permit registry: persons, their dated records, applications and explained decisions.

Decisions come from ``smartborder.rules`` — the same functions the CLI and the projection
use — applied to the history stored here. Every write is one transaction with its audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartborder import rules
from smartborder.rules.errors import RuleInputError
from smartborder.service.app import MAX_OFFSET, ApiError, get_session, get_write_session, require
from smartborder.service.audit import record
from smartborder.service.auth import OFFICERS, Caller
from smartborder.service.models import Application, DecisionRecord, Person, PersonRecord
from smartborder.tomlfiles import describe

router = APIRouter(tags=["permits"])
RecordKind = Literal["illegal_crossing", "felony_conviction", "report", "employment", "permit"]
ApplicationKind = Literal["work_permit", "renewal", "residency", "resident_permit"]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    basis: Literal["work_skill", "family_reunification"] = "work_skill"
    background_check: Literal["passed", "failed", "pending"] = "pending"
    resided_in_us_since: dt.date | None = None


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RecordKind
    start: dt.date = Field(description="the day of the event, or the first day of a spell")
    end: dt.date | None = Field(default=None, description="last day of a spell (employment, permit)")


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: str
    kind: ApplicationKind
    skill: Literal["skilled", "unskilled"] | None = None
    filed: dt.date


class DecideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: dt.date | None = Field(default=None, description="date judged (default: today)")
    announced: dt.date | None = Field(default=None, description="resident program announcement")
    certified_crossings: int | None = Field(default=None, ge=0)


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


class PersonWithRecords(PersonOut):
    records: list[RecordOut]


class DecisionOut(BaseModel):
    """A decision: granted or not, each reason in words and the rule it comes from."""

    question: str
    on: dt.date
    granted: bool
    reasons: list[str]
    rules: list[str]


class ApplicationOut(BaseModel):
    id: str
    status: str
    person_id: str
    kind: ApplicationKind
    skill: str | None
    filed: dt.date


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


def _person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise ApiError(404, "person_id", f"no person {person_id!r}")
    return person


def _may_see(caller: Caller, person_id: str) -> None:
    if caller.role == "applicant" and caller.subject != person_id:
        raise ApiError(403, "person_id", "an applicant may only see and act on their own record")


def history_of(session: Session, person: Person, extra: PersonRecord | None = None) -> rules.History:
    """The person's stored records as the rules' History (validated: overlaps are refused)."""
    records = list(session.scalars(select(PersonRecord).where(PersonRecord.person_id == person.person_id)))
    if extra is not None:
        records.append(extra)
    spells = {"employment": [], "permit": []}  # type: dict[str, list[dict[str, object]]]
    events = {"illegal_crossing": [], "felony_conviction": [], "report": []}  # type: dict[str, list[dt.date]]
    for r in records:
        if r.kind in spells:
            spells[r.kind].append({"start": r.start, "end": r.end})
        else:
            events[r.kind].append(r.start)
    try:
        return rules.History.model_validate({
            "person_id": person.person_id, "basis": person.basis, "background_check": person.background_check,
            "resided_in_us_since": person.resided_in_us_since, "illegal_crossings": events["illegal_crossing"],
            "felony_convictions": events["felony_conviction"], "reports": events["report"],
            "employment": spells["employment"], "permits": spells["permit"]})
    except ValidationError as exc:
        raise RuleInputError(describe(exc)) from None


@router.post("/persons", status_code=201, response_model=PersonOut)
def create_person(body: PersonIn, session: Session = Depends(get_write_session),
                  caller: Caller = Depends(require(*OFFICERS))) -> dict[str, object]:
    if session.get(Person, body.person_id) is not None:
        raise ApiError(409, "person_id", f"person {body.person_id!r} already exists")
    session.add(Person(**body.model_dump()))
    record(session, caller.label, "person.create", body.person_id, body.model_dump(mode="json"))
    session.commit()
    return body.model_dump(mode="json")


@router.get("/persons/{person_id}", response_model=PersonWithRecords)
def read_person(person_id: str, session: Session = Depends(get_session),
                caller: Caller = Depends(require("applicant", *OFFICERS))) -> dict[str, object]:
    _may_see(caller, person_id)
    person = _person(session, person_id)
    records = session.scalars(select(PersonRecord).where(PersonRecord.person_id == person_id).order_by(PersonRecord.start))
    return {**PersonIn.model_validate(person, from_attributes=True).model_dump(mode="json"),
            "records": [{"kind": r.kind, "start": r.start.isoformat(), "end": r.end.isoformat() if r.end else None}
                        for r in records]}


@router.post("/persons/{person_id}/records", status_code=201, response_model=RecordOut)
def add_record(person_id: str, body: RecordIn, session: Session = Depends(get_write_session),
               caller: Caller = Depends(require("applicant", *OFFICERS))) -> dict[str, object]:
    """Holders file their own reports and employment (seed: 'inform ... electronically of their
    address and place of employment'); officers record the rest."""
    _may_see(caller, person_id)
    if caller.role == "applicant" and body.kind not in ("report", "employment"):
        raise ApiError(403, "kind", "an applicant may file reports and employment only")
    today = dt.date.today()
    if body.start > today:
        raise ApiError(422, "start", f"{body.start} is in the future; records describe what has happened")
    if body.end is not None and body.end < body.start:
        raise ApiError(422, "end", f"{body.end} is before start {body.start}")
    if body.end is not None and body.kind not in ("employment", "permit"):
        raise ApiError(422, "end", f"a {body.kind} is one day; only employment and permit spells have an end")
    person = _person(session, person_id)
    new = PersonRecord(person_id=person_id, kind=body.kind, start=body.start, end=body.end)
    history_of(session, person, extra=new)  # refuses overlaps before anything is written
    session.add(new)
    record(session, caller.label, "record.add", person_id, body.model_dump(mode="json"))
    session.commit()
    return body.model_dump(mode="json")


QUESTIONS = {
    "work_permit": lambda h, on, body: rules.may_apply(h, on),
    "renewal": lambda h, on, body: rules.may_renew(h, on),
    "residency": lambda h, on, body: rules.may_apply_for_residency(h, on),
}


def _judge(kind: str, history: rules.History, on: dt.date, body: DecideIn) -> rules.Decision:
    if kind == "resident_permit":
        if body.announced is None:
            raise ApiError(422, "announced", "the resident permit needs the program's announcement date")
        return rules.may_get_resident_permit(history, on, body.announced, body.certified_crossings)
    return QUESTIONS[kind](history, on, body)


@router.get("/persons/{person_id}/eligibility", response_model=DecisionOut)
def eligibility(person_id: str, question: ApplicationKind, on: dt.date,
                announced: dt.date | None = None,
                certified_crossings: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
                session: Session = Depends(get_session),
                caller: Caller = Depends(require("applicant", *OFFICERS))) -> dict[str, object]:
    """The timeline engine: is this person eligible for *question* on any date *on*?"""
    _may_see(caller, person_id)
    history = history_of(session, _person(session, person_id))
    body = DecideIn(announced=announced, certified_crossings=certified_crossings)
    return _judge(question, history, on, body).as_dict()


@router.post("/applications", status_code=201, response_model=ApplicationOut)
def file_application(body: ApplicationIn, session: Session = Depends(get_write_session),
                     caller: Caller = Depends(require("applicant", *OFFICERS))) -> dict[str, object]:
    _may_see(caller, body.person_id)
    _person(session, body.person_id)
    if body.filed > dt.date.today():
        raise ApiError(422, "filed", f"{body.filed} is in the future")
    if body.kind == "work_permit" and body.skill is None:
        raise ApiError(422, "skill", "a work permit application names the skill: skilled or unskilled")
    application = Application(id=str(uuid.uuid4()), **body.model_dump())
    session.add(application)
    record(session, caller.label, "application.file", application.id, body.model_dump(mode="json"))
    session.commit()
    return {"id": application.id, "status": application.status, **body.model_dump(mode="json")}


@router.post("/applications/{application_id}/decide", response_model=ApplicationDecisionOut)
def decide_application(application_id: str, body: DecideIn, session: Session = Depends(get_write_session),
                       caller: Caller = Depends(require(*OFFICERS))) -> dict[str, object]:
    application = session.get(Application, application_id)
    if application is None:
        raise ApiError(404, "application_id", f"no application {application_id!r}")
    if application.status != "pending":
        raise ApiError(409, "status", f"application already {application.status}")
    on = body.on or dt.date.today()
    history = history_of(session, _person(session, application.person_id))
    decision = _judge(application.kind, history, on, body)
    if application.kind == "work_permit" and decision.granted:
        year_start = dt.date(on.year, 1, 1)
        issued = session.scalar(select(func.count()).select_from(Application).where(
            Application.kind == "work_permit", Application.status == "granted",
            Application.filed >= year_start))
        cap = rules.parameters.param("work_permit.annual_cap", on)
        if issued >= cap:
            decision = rules.Decision(decision.question, on, False,
                                      [f"the {on.year} cap of {cap:,} permits is reached; the application waits"],
                                      ["annual_cap"])
    application.status = "granted" if decision.granted else ("waiting" if decision.rules == ["annual_cap"] else "refused")
    session.add(DecisionRecord(application_id=application.id, on=on, granted=decision.granted,
                               reasons=decision.reasons, rules=decision.rules, decided_by=caller.label))
    record(session, caller.label, "application.decide", application.id, decision.as_dict())
    session.commit()
    return {"id": application.id, "status": application.status, **decision.as_dict()}


@router.get("/applications", response_model=ApplicationPage)
def list_applications(status: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                      offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0, session: Session = Depends(get_session),
                      caller: Caller = Depends(require("applicant", *OFFICERS))) -> dict[str, object]:
    query = select(Application).order_by(Application.created_at, Application.id)
    if caller.role == "applicant":
        query = query.where(Application.person_id == caller.subject)
    if status:
        query = query.where(Application.status == status)
    rows = session.scalars(query.offset(offset).limit(limit)).all()
    return {"items": [{"id": a.id, "person_id": a.person_id, "kind": a.kind, "filed": a.filed.isoformat(),
                       "status": a.status} for a in rows], "limit": limit, "offset": offset}
