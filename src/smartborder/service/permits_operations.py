"""Operations of the permit registry: persons, their dated records, applications and explained
decisions, as plain functions of a session and a caller (an applicant sees and acts on their own
record only) that raise domain errors, write their audit entry and commit. Decisions come from
``smartborder.rules`` — the same functions the CLI and the projection use — applied to the
history stored here. The HTTP routes (``permits_api``) check roles and call these.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartborder import clock, rules
from smartborder.rules.bounds import FIRST_YEAR, LAST_YEAR
from smartborder.rules.cap import cap_nationality
from smartborder.rules.errors import RuleInputError
from smartborder.rules.questions import ask
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.errors import Conflict, Forbidden, Invalid, NotFound
from smartborder.service.models import (
    Application,
    DecisionRecord,
    Person,
    PersonRecord,
    ProgramAnnouncement,
    ProgramCertification,
    ProgramTradeArea,
)
from smartborder.service.permits_schemas import (
    AnnouncementIn,
    ApplicationIn,
    CertificationIn,
    DecideIn,
    EligibilityIn,
    PersonIn,
    RecordIn,
    TradeAreaIn,
)
from smartborder.tomlfiles import describe


def _person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person_id", f"no person {person_id!r}")
    return person


def _may_see(caller: Caller, person_id: str) -> None:
    if caller.role == "applicant" and caller.subject != person_id:
        raise Forbidden("person_id", "an applicant may only see and act on their own record")


def history_of(session: Session, person: Person, extra: PersonRecord | None = None) -> rules.History:
    """The person's stored records as the rules' History (validated: overlaps are refused)."""
    records = list(session.scalars(select(PersonRecord).where(PersonRecord.person_id == person.person_id)))
    if extra is not None:
        records.append(extra)
    spells = {"employment": [], "permit": []}  # type: dict[str, list[dict[str, object]]]
    events = {"illegal_crossing": [], "felony_conviction": []}  # type: dict[str, list[dt.date]]
    reports = []  # type: list[dict[str, object]]
    nationalities = []  # type: list[dict[str, object]]
    for r in records:
        if r.kind in spells:
            spells[r.kind].append({"start": r.start, "end": r.end})
        elif r.kind == "report":
            reports.append({"on": r.start, "address": r.address, "employer": r.employer})
        elif r.kind == "nationality":
            nationalities.append({"code": r.code, "since": r.start})
        else:
            events[r.kind].append(r.start)
    try:
        return rules.History.model_validate(
            {
                "person_id": person.person_id,
                "basis": person.basis,
                "background_check": person.background_check,
                "resided_in_us_since": person.resided_in_us_since,
                "illegal_crossings": events["illegal_crossing"],
                "felony_convictions": events["felony_conviction"],
                "reports": reports,
                "employment": spells["employment"],
                "permits": spells["permit"],
                "nationalities": nationalities,
            }
        )
    except ValidationError as exc:
        raise RuleInputError(describe(exc)) from None


def create_person(session: Session, caller: Caller, body: PersonIn) -> dict[str, object]:
    if session.get(Person, body.person_id) is not None:
        raise Conflict("person_id", f"person {body.person_id!r} already exists")
    if body.resided_in_us_since is not None and body.resided_in_us_since > clock.today():
        raise Invalid(
            "resided_in_us_since", f"{body.resided_in_us_since} is in the future; a record describes what has happened"
        )
    session.add(Person(**body.model_dump()))
    record(session, caller.label, "person.create", body.person_id, body.model_dump(mode="json"))
    session.commit()
    return body.model_dump(mode="json")


def read_person(session: Session, caller: Caller, person_id: str) -> dict[str, object]:
    _may_see(caller, person_id)
    person = _person(session, person_id)
    records = session.scalars(
        select(PersonRecord).where(PersonRecord.person_id == person_id).order_by(PersonRecord.start)
    )
    return {
        **PersonIn.model_validate(person, from_attributes=True).model_dump(mode="json"),
        "records": [
            {
                "kind": r.kind,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                **({"address": r.address, "employer": r.employer} if r.kind == "report" else {}),
                **({"code": r.code} if r.kind == "nationality" else {}),
            }
            for r in records
        ],
    }


def add_record(session: Session, caller: Caller, person_id: str, body: RecordIn) -> dict[str, object]:
    """Holders file their own reports and employment (seed: 'inform ... electronically of their
    address and place of employment'); officers record the rest."""
    _may_see(caller, person_id)
    if caller.role == "applicant" and body.kind not in ("report", "employment"):
        raise Forbidden("kind", "an applicant may file reports and employment only")
    today = clock.today()
    if body.start > today:
        raise Invalid("start", f"{body.start} is in the future; records describe what has happened")
    if body.end is not None and body.end < body.start:
        raise Invalid("end", f"{body.end} is before start {body.start}")
    if body.end is not None and body.kind not in ("employment", "permit"):
        raise Invalid("end", f"a {body.kind} is one day; only employment and permit spells have an end")
    if body.kind == "report":
        # A report states at least the address (the resident permit's duty: 'a place of
        # residence'); the work permit's duty counts only those that also name the employer.
        if not body.address or not body.address.strip():
            raise Invalid("address", "a report states at least the holder's address (seed 004)")
        if body.employer is not None and not body.employer.strip():
            raise Invalid("employer", "an employer, when given, is a name")
    else:
        for field in ("address", "employer"):
            if getattr(body, field) is not None:
                raise Invalid(field, f"only a report states an {field}, not a {body.kind}")
    if body.kind == "nationality" and body.code is None:
        raise Invalid("code", "a nationality record names the country: ISO 3166-1 alpha-2, e.g. MX")
    if body.kind != "nationality" and body.code is not None:
        raise Invalid("code", f"only a nationality record has a country code, not a {body.kind}")
    person = _person(session, person_id)
    new = PersonRecord(
        person_id=person_id,
        kind=body.kind,
        start=body.start,
        end=body.end,
        address=body.address,
        employer=body.employer,
        code=body.code,
    )
    history_of(session, person, extra=new)  # refuses overlaps before anything is written
    session.add(new)
    record(session, caller.label, "record.add", person_id, body.model_dump(mode="json", exclude_none=True))
    session.commit()
    return body.model_dump(mode="json")


#: The question each kind of application asks (``rules.questions``' names).
QUESTION_OF_KIND = {
    "work_permit": "apply",
    "renewal": "renew",
    "residency": "residency",
    "resident_permit": "resident-permit",
}


def program_state(session: Session) -> rules.ProgramState:
    """The programs' records as stored: every certification, announcement and trade area."""
    return rules.ProgramState(
        certifications=[
            rules.Certification(year=c.year, crossings=c.crossings, certified_by=c.certified_by, on=c.on)
            for c in session.scalars(select(ProgramCertification))
        ],
        announcements=[rules.Announcement(on=a.on, by=a.by) for a in session.scalars(select(ProgramAnnouncement))],
        trade_areas=[
            rules.TradeArea(name=t.name, members=t.members, tariff_free_since=t.tariff_free_since)
            for t in session.scalars(select(ProgramTradeArea))
        ],
    )


def record_certification(session: Session, caller: Caller, body: CertificationIn) -> dict[str, object]:
    """Store a year's joint certification (once a year: a second for the same year is a 409)."""
    if body.on > clock.today():
        raise Invalid("on", f"{body.on} is in the future; records describe what has happened")
    if body.on.year < body.year:
        raise Invalid("on", f"a certification of {body.year}'s crossings is made after the year starts, not {body.on}")
    if session.scalar(select(ProgramCertification).where(ProgramCertification.year == body.year)) is not None:
        raise Conflict("year", f"{body.year}'s crossings are certified already")
    row = ProgramCertification(**body.model_dump(), recorded_by=caller.label)
    session.add(row)
    session.flush()
    record(session, caller.label, "program.certify", str(body.year), body.model_dump(mode="json"))
    session.commit()
    return {"id": row.id, **body.model_dump()}


def record_announcement(session: Session, caller: Caller, body: AnnouncementIn) -> dict[str, object]:
    """Store the program's announcement."""
    if body.on > clock.today():
        raise Invalid("on", f"{body.on} is in the future; records describe what has happened")
    row = ProgramAnnouncement(**body.model_dump(), recorded_by=caller.label)
    session.add(row)
    session.flush()
    record(session, caller.label, "program.announce", str(body.on), body.model_dump(mode="json"))
    session.commit()
    return {"id": row.id, **body.model_dump()}


def record_trade_area(session: Session, caller: Caller, body: TradeAreaIn) -> dict[str, object]:
    """Store an agreement whose members trade tariff free (the waiver's precondition)."""
    try:
        rules.TradeArea.model_validate(body.model_dump())
    except ValidationError as exc:
        raise Invalid("members", describe(exc)) from None
    row = ProgramTradeArea(**body.model_dump(), recorded_by=caller.label)
    session.add(row)
    session.flush()
    record(session, caller.label, "program.trade_area", body.name, body.model_dump(mode="json"))
    session.commit()
    return {"id": row.id, **body.model_dump()}


def program_as_of(session: Session, on: dt.date) -> dict[str, object]:
    """The program's records as known on *on*: what a question asked that day reads."""
    state = program_state(session)
    rows = session.scalars(
        select(ProgramCertification).where(ProgramCertification.on <= on).order_by(ProgramCertification.on)
    )
    used = state.certification_on(on)
    announced = state.announcement_on(on)
    return {
        "on": on,
        "announcement": announced.model_dump() if announced else None,
        "certification_used": used.model_dump() if used else None,
        "certifications": [
            {"id": r.id, "year": r.year, "crossings": r.crossings, "certified_by": r.certified_by, "on": r.on}
            for r in rows
        ],
        "trade_areas": [a.model_dump() for a in state.trade_areas if a.tariff_free_since <= on],
    }


def _judge(
    question: str,
    history: rules.History,
    on: dt.date,
    announced: dt.date | None = None,
    issued: dt.date | None = None,
    certified_crossings: int | None = None,
    program: rules.ProgramState | None = None,
) -> rules.Decision:
    try:
        return ask(
            question,
            history,
            on,
            announced=announced,
            issued=issued,
            certified_crossings=certified_crossings,
            program=program,
        )
    except RuleInputError as exc:
        field, _, problem = str(exc).partition(": ")
        raise Invalid(field, problem or str(exc)) from None


def eligibility_under(session: Session, caller: Caller, person_id: str, body: EligibilityIn) -> dict[str, object]:
    """``eligibility`` asked in a body, under the body's reform if it names one (the decision's
    version says so): the same rules and answer as ``permits check --reform``."""
    from contextlib import AbstractContextManager, nullcontext

    from smartborder.rules.parameters import make_reform, under_reform

    scope: AbstractContextManager[None]
    if body.reform is None:
        scope = nullcontext()
    else:
        try:
            scope = under_reform(make_reform(body.reform.name, body.reform.values))
        except RuleInputError as exc:
            raise Invalid("reform", str(exc).removeprefix("reform: ")) from None
    with scope:
        return eligibility(
            session, caller, person_id, body.question, body.on, body.announced, body.certified_crossings, body.issued
        )


def eligibility(
    session: Session,
    caller: Caller,
    person_id: str,
    question: str,
    on: dt.date,
    announced: dt.date | None = None,
    certified_crossings: int | None = None,
    issued: dt.date | None = None,
) -> dict[str, object]:
    """The timeline engine: the answer to *question* (``rules.questions``) on any date *on*; the
    program's announcement and certification not given are read from its records as of *on*."""
    _may_see(caller, person_id)
    history = history_of(session, _person(session, person_id))
    program = program_state(session)  # read as of *on* by the questions that need it
    return _judge(question, history, on, announced, issued, certified_crossings, program).as_dict()


def file_application(session: Session, caller: Caller, body: ApplicationIn) -> dict[str, object]:
    _may_see(caller, body.person_id)
    person = _person(session, body.person_id)
    if body.filed > clock.today():
        raise Invalid("filed", f"{body.filed} is in the future")
    if caller.role == "applicant" and body.filed != clock.today():
        # The cap is taken in filing order: an applicant who could backdate would jump the queue.
        raise Invalid("filed", f"an applicant files today ({clock.today()}); officers record earlier filings")
    if body.kind == "work_permit" and body.skill is None:
        raise Invalid("skill", "a work permit application names the skill: skilled or unskilled")
    nationality = history_of(session, person).nationality_on(body.filed)  # what the cap counts
    application = Application(id=str(uuid.uuid4()), nationality=nationality, **body.model_dump())
    session.add(application)
    record(session, caller.label, "application.file", application.id, body.model_dump(mode="json"))
    session.commit()
    return {
        "id": application.id,
        "status": application.status,
        **body.model_dump(mode="json"),
        "nationality": nationality,
    }


def _counted(nationality: str) -> Any:
    """Applications the cap counts: of its nationality on the day filed, or with none on record."""
    return (Application.nationality == nationality) | Application.nationality.is_(None)


def _granted_in(session: Session, year: int, nationality: str) -> int:
    """Work permits granted by decisions dated in *year* to applicants the cap counts (what counts
    against that year's cap)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(DecisionRecord)
            .join(Application, Application.id == DecisionRecord.application_id)
            .where(
                Application.kind == "work_permit",
                _counted(nationality),
                DecisionRecord.granted.is_(True),
                DecisionRecord.on >= dt.date(year, 1, 1),
                DecisionRecord.on <= dt.date(year, 12, 31),
            )
        )
        or 0
    )


def _waiting_ahead(session: Session, application: Application, nationality: str) -> int:
    """Work-permit applications waiting for the cap that were filed before this one (they are
    served first)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Application)
            .where(
                Application.kind == "work_permit",
                _counted(nationality),
                Application.status == "waiting",
                Application.id != application.id,
                (Application.filed < application.filed)
                | ((Application.filed == application.filed) & (Application.id < application.id)),
            )
        )
        or 0
    )


def _within_years(day: dt.date, field: str) -> None:
    """The operation's own check of the bounds the request bodies hold (a call from Python, or a
    body built without validation, must not decide against a cap of year 2999)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(field, f"{day} is outside the years {FIRST_YEAR}..{LAST_YEAR}")


def decide_application(session: Session, caller: Caller, application_id: str, body: DecideIn) -> dict[str, object]:
    """Decide a pending application, or one waiting for the cap. Seed 004: eligible applications
    are issued in the order filed up to the year's cap; the rest wait, in order, for the next
    year's cap. A granted decision counts against the cap of the year it is dated in; an
    application is not granted while the applications filed before it that wait would be left
    without room."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("application_id", f"no application {application_id!r}")
    if application.status not in ("pending", "waiting"):
        raise Conflict("status", f"application already {application.status}")
    on = body.on or clock.today()
    _within_years(on, "on")
    if on < application.filed:
        raise Invalid("on", f"{on} is before the application was filed ({application.filed})")
    history = history_of(session, _person(session, application.person_id))
    decision = _judge(
        QUESTION_OF_KIND[application.kind],
        history,
        on,
        body.announced,
        certified_crossings=body.certified_crossings,
        program=program_state(session),
    )
    # The nationality on the day filed, as the record stands now (a nationality recorded after the
    # filing, dated before it, counts): what the cap asks of its applicants.
    application.nationality = history.nationality_on(application.filed)
    counted = cap_nationality(on)
    outside = application.nationality is not None and application.nationality != counted
    if application.kind == "work_permit" and decision.granted and outside:
        note = (
            f"issued outside the annual cap: a national of {application.nationality} on the day filed "
            f"({application.filed}); the cap counts persons from {counted}"
        )
        decision = dataclasses.replace(decision, notes=[*decision.notes, note])
    elif application.kind == "work_permit" and decision.granted:
        cap = rules.parameters.param("work_permit.annual_cap", on)
        room = cap - _granted_in(session, on.year, counted)
        ahead = _waiting_ahead(session, application, counted)
        if room <= ahead:
            why = (
                f"the {on.year} cap of {cap:,} permits is reached; the application waits for the next year's cap"
                if room <= 0
                else f"{ahead:,} application(s) filed earlier wait for the {room:,} permit(s) left in {on.year}; "
                "this one waits behind them"
            )
            decision = rules.Decision(decision.question, on, False, [why], ["annual_cap"], decision.notes)
    application.status = (
        "granted" if decision.granted else ("waiting" if decision.rules == ["annual_cap"] else "refused")
    )
    session.add(
        DecisionRecord(
            application_id=application.id,
            on=on,
            granted=decision.granted,
            reasons=decision.reasons,
            rules=decision.rules,
            decided_by=caller.label,
        )
    )
    record(session, caller.label, "application.decide", application.id, decision.as_dict())
    session.commit()
    return {"id": application.id, "status": application.status, **decision.as_dict()}


def revoke_permit(session: Session, caller: Caller, application_id: str, reason: str) -> dict[str, object]:
    """Revoke a granted permit; a resident permit's identity cards are revoked with it, in the
    same transaction (their face template too, unless another active card needs it)."""
    from smartborder.service.trusted_operations import MAX_REASON, revoke_resident_cards

    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("application_id", f"no application {application_id!r}")
    if not reason.strip():
        raise Invalid("reason", "say why the permit is revoked")
    if len(reason) > MAX_REASON:
        raise Invalid("reason", f"{len(reason):,} characters; at most {MAX_REASON:,}")
    if application.status != "granted":
        raise Conflict("status", f"only a granted permit is revoked; this application is {application.status}")
    application.status = "revoked"
    cards = revoke_resident_cards(session, caller, application.id, reason)
    record(session, caller.label, "application.revoke", application.id, {"reason": reason, "cards_revoked": cards})
    session.commit()
    return {"id": application.id, "status": application.status, "cards_revoked": cards}


def release_waiting(session: Session, caller: Caller, on: dt.date) -> dict[str, object]:
    """Serve the waiting list from the cap of *on*'s year: waiting work-permit applications are
    decided again in the order they were filed, each granted while the year has room (and
    refused if no longer eligible); those beyond the room keep waiting."""
    _within_years(on, "on")
    queue = list(
        session.scalars(
            select(Application)
            .where(Application.kind == "work_permit", Application.status == "waiting", Application.filed <= on)
            .order_by(Application.filed, Application.id)
        )
    )
    outcome: dict[str, list[str]] = {"granted": [], "refused": [], "waiting": []}
    for application in queue:
        decided = decide_application(session, caller, application.id, DecideIn(on=on))
        outcome[str(decided["status"])].append(application.id)
    return {"on": on.isoformat(), **outcome}


def list_applications(
    session: Session, caller: Caller, status: str | None = None, limit: int = 50, offset: int = 0
) -> dict[str, object]:
    query = select(Application).order_by(Application.created_at, Application.id)
    if caller.role == "applicant":
        query = query.where(Application.person_id == caller.subject)
    if status:
        query = query.where(Application.status == status)
    rows = session.scalars(query.offset(offset).limit(limit)).all()
    return {
        "items": [
            {"id": a.id, "person_id": a.person_id, "kind": a.kind, "filed": a.filed.isoformat(), "status": a.status}
            for a in rows
        ],
        "limit": limit,
        "offset": offset,
    }
