"""Operations of the trusted trader and traveller programs: plain functions that take a session
and a caller, enforce the program's rules (who may see what, which step may follow which), write
their audit entry and commit, and raise domain errors (``service.errors``) — never HTTP.

The HTTP routes (``trusted_*_api``) and the CLI (``smartborder trusted …``) both call these, so a
certification recorded at the terminal and one recorded over the API are the same act, logged the
same way. Roles are checked where a caller comes in: the routes' ``require`` and the CLI's role.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder import clock
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.errors import Conflict, Forbidden, Invalid, NotFound
from smartborder.service.models import Application as PermitApplication
from smartborder.service.trusted_models import (
    Audit,
    Card,
    CertEventRow,
    Company,
    Crossing,
    Facility,
    Template,
    TravellerApplication,
    WatchListEntry,
)
from smartborder.service.trusted_schemas import (
    ApplicationIn,
    AuditIn,
    CompanyIn,
    CrossingIn,
    FacilityIn,
    InterviewIn,
    IssueIn,
    RenewIn,
    ResidentCardIn,
    ReviewIn,
    WatchIn,
)
from smartborder.service.trusted_support import card_key, domain_errors, image_from, template_cipher
from smartborder.trusted import (
    CertEvent,
    Finding,
    WatchEntry,
    advance,
    card_expiry,
    card_state,
    check_document,
    check_renewal,
    checklist,
    score,
    screen,
    sign_card,
    verify_card,
)
from smartborder.trusted.cards import public_key_text
from smartborder.trusted.certification import check_next, standing
from smartborder.trusted.programs import program

CertAction = Literal["certified", "revalidated", "suspended", "reinstated", "revoked"]
MAX_REASON = 2000
#: The identity card of a permanent resident (programs.toml [programs.RESIDENT]) and the permit it rests on.
RESIDENT = "RESIDENT"
RESIDENT_PERMIT = "resident_permit"


# ---- facilities and companies ------------------------------------------------------------------


def facility(session: Session, facility_id: str) -> Facility:
    found = session.get(Facility, facility_id)
    if found is None:
        raise NotFound("facility_id", f"no facility {facility_id!r}; register it under its company first")
    return found


def cert_events(session: Session, facility_id: str) -> list[CertEvent]:
    rows = session.scalars(
        select(CertEventRow).where(CertEventRow.facility_id == facility_id).order_by(CertEventRow.on, CertEventRow.id)
    )
    return [CertEvent(r.kind, r.on, r.reason) for r in rows]  # type: ignore[arg-type]


def not_future(on: dt.date, field: str = "on") -> None:
    if on > clock.today():
        raise Invalid(field, f"{on} is in the future; record what has happened")


def facility_standing(session: Session, found: Facility, on: dt.date) -> dict[str, object]:
    s = standing(cert_events(session, found.id), on, checklist().revalidation_years)
    return {
        "facility_id": found.id,
        "company_id": found.company_id,
        "name": found.name,
        **s.as_dict(),
        "pre_inspected_allowed": s.trusted,
    }


def facility_status(session: Session, facility_id: str, on: dt.date | None = None) -> dict[str, object]:
    """Trusted on *on* (default today)? Since when, revalidation due, or why not."""
    return facility_standing(session, facility(session, facility_id), on or clock.today())


def company_status(session: Session, company_id: str, on: dt.date | None = None) -> dict[str, object]:
    """A company is trusted where at least one of its facilities is; each facility says why (not)."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("company_id", f"no company {company_id!r}")
    day = on or clock.today()
    facilities = session.scalars(select(Facility).where(Facility.company_id == company_id).order_by(Facility.id))
    rows = [facility_standing(session, f, day) for f in facilities]
    trusted = [r for r in rows if r["trusted"]]
    since = min((str(r["since"]) for r in trusted), default=None)
    reasons = (
        []
        if trusted
        else (
            [f"{r['facility_id']}: {'; '.join(r['reasons'])}" for r in rows]  # type: ignore[arg-type]
            or ["no facility registered"]
        )
    )
    return {
        "company_id": company.id,
        "name": company.name,
        "on": day.isoformat(),
        "trusted": bool(trusted),
        "since": since,
        "reasons": reasons,
        "facilities": rows,
    }


def certification_step(
    session: Session,
    caller: Caller,
    facility_id: str,
    action: str,
    on: dt.date,
    reason: str = "",
    audit_id: int | None = None,
) -> dict[str, object]:
    """Certify or revalidate from a passing audit; suspend, reinstate or revoke with a reason.
    Returns the facility's standing on *on* after the step."""
    if action not in get_args(CertAction):
        raise Invalid("action", f"expected one of {', '.join(get_args(CertAction))}, got {action!r}")
    if len(reason) > MAX_REASON:
        raise Invalid("reason", f"{len(reason):,} characters; at most {MAX_REASON:,}")
    found = facility(session, facility_id)
    not_future(on)
    if action in ("certified", "revalidated"):
        audit = session.get(Audit, audit_id) if audit_id is not None else None
        if audit is None or audit.facility_id != facility_id:
            raise Invalid(
                "audit_id", f"a {action} step rests on an audit of facility {facility_id!r}; got {audit_id!r}"
            )
        if not audit.passed:
            raise Conflict("audit_id", f"audit {audit.id} did not pass: " + "; ".join(audit.result["reasons"]))
        if audit.on > on:
            raise Invalid("on", f"{on} is before the audit it rests on ({audit.on})")
    elif audit_id is not None:
        raise Invalid("audit_id", f"a {action} step does not rest on an audit")
    with domain_errors():
        after = check_next(
            cert_events(session, facility_id),
            CertEvent(action, on, reason.strip()),  # type: ignore[arg-type]
            checklist().revalidation_years,
        )
    session.add(
        CertEventRow(
            facility_id=facility_id,
            kind=action,
            on=on,
            reason=reason.strip(),
            audit_id=audit_id,
            decided_by=caller.label,
        )
    )
    record(
        session,
        caller.label,
        f"trusted.certification.{action}",
        facility_id,
        {"action": action, "on": on, "reason": reason, "audit_id": audit_id, "standing": after.as_dict()},
    )
    session.commit()
    return facility_standing(session, found, on)


# ---- cards ---------------------------------------------------------------------------------------


def card_view(card: Card, on: dt.date) -> dict[str, object]:
    return {
        "id": card.id,
        "person_id": card.person_id,
        "program": card.program,
        "issued": card.issued.isoformat(),
        "expires": card.expires.isoformat(),
        "status": card_state(card.status, card.expires, on),
        "reason": card.reason,
        "card": card.signed,
    }


def visible_card(session: Session, card_id: str, caller: Caller) -> Card:
    """The card, if this caller may see it (an applicant only their own)."""
    found = session.get(Card, card_id)
    if found is None or (caller.role == "applicant" and found.person_id != caller.subject):
        raise NotFound("card_id", f"no card {card_id!r}")
    return found


def revoke_card(session: Session, caller: Caller, card_id: str, reason: str) -> dict[str, object]:
    """Revoke with a reason; the holder's biometric template is deleted in the same transaction."""
    if not reason.strip():
        raise Invalid("reason", "say why the card is revoked")
    if len(reason) > MAX_REASON:
        raise Invalid("reason", f"{len(reason):,} characters; at most {MAX_REASON:,}")
    found = visible_card(session, card_id, caller)
    if found.status != "active":
        raise Conflict("status", f"the card is already {found.status}")
    found.status, found.reason = "revoked", reason
    template = session.scalar(select(Template).where(Template.person_id == found.person_id))
    if template is not None:
        session.delete(template)
    record(
        session,
        caller.label,
        "trusted.card.revoke",
        found.id,
        {"person_id": found.person_id, "reason": reason, "template_deleted": template is not None},
    )
    session.commit()
    return card_view(found, clock.today())


def person_status(session: Session, caller: Caller, person_id: str, on: dt.date | None = None) -> dict[str, object]:
    """Is this traveller or driver trusted on *on*? Which card, since when, or why not."""
    if caller.role == "applicant" and caller.subject != person_id:
        raise Forbidden("person_id", "an applicant may only see their own status")
    day = on or clock.today()
    cards = [  # trusted-traveller membership: a resident's identity card is not one
        c
        for c in session.scalars(select(Card).where(Card.person_id == person_id).order_by(Card.issued))
        if program(c.program).get("trusted", True)
    ]
    live = [c for c in cards if card_state(c.status, c.expires, day) == "active" and c.issued <= day]
    if live:
        c = live[-1]
        return {
            "person_id": person_id,
            "on": day.isoformat(),
            "trusted": True,
            "program": c.program,
            "card_id": c.id,
            "since": cards[0].issued.isoformat() if all(x.status != "revoked" for x in cards) else c.issued.isoformat(),
            "expires": c.expires.isoformat(),
            "reasons": [],
        }
    last = cards[-1] if cards else None
    why = (
        "no card issued"
        if last is None
        else f"card {last.id} {card_state(last.status, last.expires, day)}"
        + (f": {last.reason}" if last.reason else "")
    )
    return {"person_id": person_id, "on": day.isoformat(), "trusted": False, "reasons": [why]}


# ---- traveller applications ----------------------------------------------------------------------


def visible_application(session: Session, application_id: str, caller: Caller) -> TravellerApplication:
    """The application, if this caller may see it (an applicant only their own)."""
    found = session.get(TravellerApplication, application_id)
    if found is None or (caller.role == "applicant" and found.person_id != caller.subject):
        raise NotFound("application_id", f"no application {application_id!r}")
    return found


def application_view(found: TravellerApplication, caller: Caller) -> dict[str, object]:
    out: dict[str, object] = {
        "id": found.id,
        "person_id": found.person_id,
        "program": found.program,
        "state": found.state,
        "filed": found.filed.isoformat(),
        "document_expires": found.document_expires.isoformat(),
        "carrier_id": found.carrier_id,
    }
    if caller.role != "applicant":  # the match report is for officers only
        out["vetting"] = found.vetting
    return out


def application_step(
    session: Session, found: TravellerApplication, step: str, caller: Caller, why: dict[str, object]
) -> dict[str, object]:
    """Advance the application by *step* (the enrolment rules say which may follow), log, commit."""
    with domain_errors():
        found.state = advance(found.state, step)
    record(session, caller.label, f"trusted.application.{step}", found.id, {"state": found.state, **why})
    session.commit()
    return application_view(found, caller)


def enrol(session: Session, caller: Caller, application_id: str, image_base64: str) -> dict[str, object]:
    """Take the face sample, keep only its sealed template (the image is not stored)."""
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    found = visible_application(session, application_id, caller)
    if found.state != "interviewed":
        raise Conflict("state", f"the application is {found.state}; enrolment follows the interview")
    image = image_from(image_base64)
    matcher = LBPHMatcher()
    with domain_errors():
        sealed = template_cipher().seal(matcher.enrol(image), found.person_id)
    existing = session.scalar(select(Template).where(Template.person_id == found.person_id))
    if existing is not None:
        session.delete(existing)
        session.flush()
    session.add(Template(person_id=found.person_id, application_id=found.id, matcher=matcher.name, sealed=sealed))
    return application_step(session, found, "enrol", caller, {"matcher": matcher.name})


# ---- the rest of the programs' routes -----------------------------------------------------------


def issue_card(session: Session, application: TravellerApplication, on: dt.date, caller: Caller) -> dict[str, object]:
    """Sign and store a card for *application* (no commit): one active card per person."""
    active = select(Card.id).where(
        Card.person_id == application.person_id, Card.program == application.program, Card.status == "active"
    )
    if session.scalar(active):
        raise Conflict("person_id", f"{application.person_id} already holds an active {application.program} card")
    if session.scalar(select(Template.id).where(Template.person_id == application.person_id)) is None:
        raise Conflict("biometrics", "no enrolled template: enrol the face before issuing a card")
    expires = card_expiry(application.program, on, application.document_expires)
    card_id = str(uuid.uuid4())
    text = sign_card(card_key(), card_id, application.person_id, application.program, on, expires)
    card = Card(
        id=card_id,
        person_id=application.person_id,
        application_id=application.id,
        program=application.program,
        issued=on,
        expires=expires,
        status="active",
        signed=text,
    )
    session.add(card)
    record(
        session,
        caller.label,
        "trusted.card.issue",
        card_id,
        {"person_id": card.person_id, "program": card.program, "issued": on, "expires": expires},
    )
    return card_view(card, on)


def resident_permit(session: Session, person_id: str, permit_id: str | None = None) -> PermitApplication:
    """The person's granted resident permit (the one named, or the latest granted), else a 409."""
    query = select(PermitApplication).where(
        PermitApplication.person_id == person_id, PermitApplication.kind == RESIDENT_PERMIT
    )
    if permit_id is not None:
        query = query.where(PermitApplication.id == permit_id)
    permits = list(session.scalars(query.order_by(PermitApplication.filed)))
    granted = [p for p in permits if p.status == "granted"]
    if not granted:
        state = permits[-1].status if permits else "none on record"
        raise Conflict("permit", f"{person_id} holds no granted resident permit ({state}): no resident card")
    return granted[-1]


def sign_resident_card(
    session: Session, person_id: str, permit_id: str, on: dt.date, caller: Caller
) -> dict[str, object]:
    """Sign and store a resident's identity card (no commit): one active per person, its face enrolled."""
    active = select(Card.id).where(Card.person_id == person_id, Card.program == RESIDENT, Card.status == "active")
    if session.scalar(active):
        raise Conflict("person_id", f"{person_id} already holds an active {RESIDENT} card")
    if session.scalar(select(Template.id).where(Template.person_id == person_id)) is None:
        raise Conflict("biometrics", "no enrolled template: enrol the face before issuing a card")
    expires = card_expiry(RESIDENT, on)
    card_id = str(uuid.uuid4())
    card = Card(
        id=card_id,
        person_id=person_id,
        application_id=None,
        permit_application_id=permit_id,
        program=RESIDENT,
        issued=on,
        expires=expires,
        status="active",
        signed=sign_card(card_key(), card_id, person_id, RESIDENT, on, expires),
    )
    session.add(card)
    record(
        session,
        caller.label,
        "trusted.card.issue",
        card_id,
        {"person_id": person_id, "program": RESIDENT, "permit": permit_id, "issued": on, "expires": expires},
    )
    return card_view(card, on)


def issue_resident_card(session: Session, caller: Caller, body: ResidentCardIn) -> dict[str, object]:
    """Seed 004's identity card for a permanent resident: issued only on a granted resident
    permit, with the face enrolled from the sample given (its sealed template kept, the image not)."""
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    on = body.on or clock.today()
    not_future(on)
    image = image_from(body.image_base64)  # the input's faults before the registry's
    permit = resident_permit(session, body.person_id)
    matcher = LBPHMatcher()
    with domain_errors():
        sealed = template_cipher().seal(matcher.enrol(image), body.person_id)
    existing = session.scalar(select(Template).where(Template.person_id == body.person_id))
    if existing is not None:  # one face per person: a member's template is the same face, taken again
        session.delete(existing)
        session.flush()
    session.add(Template(person_id=body.person_id, application_id=None, matcher=matcher.name, sealed=sealed))
    card = sign_resident_card(session, body.person_id, permit.id, on, caller)
    session.commit()
    return card


def revoke_resident_cards(session: Session, caller: Caller, permit_id: str, reason: str) -> list[str]:
    """Revoke (no commit) the active cards resting on resident permit *permit_id*: revoked with it.
    The face template goes too unless another active card still needs it."""
    cards = list(session.scalars(select(Card).where(Card.permit_application_id == permit_id, Card.status == "active")))
    for card in cards:
        card.status, card.reason = "revoked", f"resident permit revoked: {reason}"
        session.flush()
        others = select(Card.id).where(Card.person_id == card.person_id, Card.status == "active")
        if session.scalar(others) is None:
            template = session.scalar(select(Template).where(Template.person_id == card.person_id))
            if template is not None:
                session.delete(template)
        record(
            session, caller.label, "trusted.card.revoke", card.id, {"person_id": card.person_id, "reason": card.reason}
        )
    return [c.id for c in cards]


def criteria() -> dict[str, object]:
    """The checklist an audit judges, with its source and the pass marks."""
    rules = checklist()
    return {
        "version": rules.version,
        "source": rules.source,
        "categories": rules.categories,
        "criteria": [c.__dict__ for c in rules.criteria.values()],
        "scoring": {
            "weights": rules.weights,
            "overall_pass": rules.overall_pass,
            "category_pass": rules.category_pass,
            "source": rules.scoring_source,
        },
    }


def create_company(session: Session, caller: Caller, body: CompanyIn) -> dict[str, object]:
    if session.get(Company, body.id) is not None:
        raise Conflict("id", f"company {body.id!r} already exists")
    session.add(Company(**body.model_dump()))
    record(session, caller.label, "trusted.company.create", body.id, body.model_dump())
    session.commit()
    return body.model_dump()


def create_facility(session: Session, caller: Caller, company_id: str, body: FacilityIn) -> dict[str, object]:
    if session.get(Company, company_id) is None:
        raise NotFound("company_id", f"no company {company_id!r}")
    if session.get(Facility, body.id) is not None:
        raise Conflict("id", f"facility {body.id!r} already exists")
    session.add(Facility(company_id=company_id, **body.model_dump()))
    record(session, caller.label, "trusted.facility.create", body.id, {"company_id": company_id, **body.model_dump()})
    session.commit()
    return {"company_id": company_id, **body.model_dump()}


def record_audit(session: Session, caller: Caller, facility_id: str, body: AuditIn) -> dict[str, object]:
    """Score a complete audit; only an auditor records one (their label is kept as the auditor)."""
    facility(session, facility_id)
    not_future(body.on)
    with domain_errors():
        result = score([Finding(f.criterion, f.met, f.note) for f in body.findings])
    audit = Audit(
        facility_id=facility_id,
        on=body.on,
        auditor=caller.label,
        passed=result.passed,
        score=result.score,
        result=result.as_dict(),
        findings=[f.model_dump() for f in body.findings],
    )
    session.add(audit)
    session.flush()
    record(
        session, caller.label, "trusted.audit", facility_id, {"audit_id": audit.id, "on": body.on, **result.as_dict()}
    )
    session.commit()
    return {
        "id": audit.id,
        "facility_id": facility_id,
        "on": body.on.isoformat(),
        "auditor": caller.label,
        **result.as_dict(),
    }


def list_audits(session: Session, facility_id: str) -> dict[str, object]:
    facility(session, facility_id)
    rows = session.scalars(select(Audit).where(Audit.facility_id == facility_id).order_by(Audit.on, Audit.id))
    return {
        "items": [
            {"id": a.id, "on": a.on.isoformat(), "auditor": a.auditor, **a.result, "findings": a.findings} for a in rows
        ]
    }


def add_watch_entry(session: Session, caller: Caller, body: WatchIn) -> dict[str, object]:
    if session.get(WatchListEntry, body.id) is not None:
        raise Conflict("id", f"watch-list entry {body.id!r} already exists")
    session.add(WatchListEntry(added_by=caller.label, **body.model_dump()))
    record(session, caller.label, "trusted.watchlist.add", body.id, body.model_dump(mode="json"))
    session.commit()
    return body.model_dump(mode="json")


def list_watch_entries(session: Session) -> dict[str, object]:
    rows = session.scalars(select(WatchListEntry).order_by(WatchListEntry.id))
    return {
        "items": [
            {
                "id": e.id,
                "name": e.name,
                "aliases": e.aliases,
                "dob": e.dob.isoformat() if e.dob else None,
                "document_number": e.document_number,
                "reason": e.reason,
            }
            for e in rows
        ]
    }


def list_applications(
    session: Session, caller: Caller, state: str | None, limit: int, offset: int
) -> dict[str, object]:
    """The vetting queue (e.g. ``state=possible_match``); an applicant sees only their own."""
    query = select(TravellerApplication).order_by(TravellerApplication.created_at, TravellerApplication.id)
    if caller.role == "applicant":
        query = query.where(TravellerApplication.person_id == caller.subject)
    if state:
        query = query.where(TravellerApplication.state == state)
    rows = session.scalars(query.offset(offset).limit(limit)).all()
    return {"items": [application_view(a, caller) for a in rows], "limit": limit, "offset": offset}


def file_application(session: Session, caller: Caller, body: ApplicationIn) -> dict[str, object]:
    if caller.role == "applicant" and caller.subject != body.person_id:
        raise Forbidden("person_id", "an applicant may only apply for themselves")
    today = clock.today()
    with domain_errors():
        check_document(body.document_expires, today)
        needs_carrier = bool(program(body.program).get("needs_carrier"))
    if body.dob >= today:
        raise Invalid("dob", f"{body.dob} is not in the past")
    if needs_carrier:
        carrier = session.get(Company, body.carrier_id) if body.carrier_id else None
        if carrier is None or carrier.kind != "carrier":
            raise Invalid(
                "carrier_id", f"a {body.program} driver applies through a registered carrier; got {body.carrier_id!r}"
            )
    elif body.carrier_id is not None:
        raise Invalid("carrier_id", f"{body.program} applications name no carrier")
    if session.scalar(select(Card.id).where(Card.person_id == body.person_id, Card.status == "active")):
        raise Conflict("person_id", f"{body.person_id} already holds an active card; renew or revoke it")
    open_states = ("submitted", "clear", "possible_match", "interviewed", "enrolled")
    if session.scalar(
        select(TravellerApplication.id).where(
            TravellerApplication.person_id == body.person_id, TravellerApplication.state.in_(open_states)
        )
    ):
        raise Conflict("person_id", f"{body.person_id} already has an open application")
    application = TravellerApplication(id=str(uuid.uuid4()), state="submitted", filed=today, **body.model_dump())
    session.add(application)
    record(session, caller.label, "trusted.application.file", application.id, body.model_dump(mode="json"))
    session.commit()
    return application_view(application, caller)


def vet(session: Session, caller: Caller, application_id: str) -> dict[str, object]:
    """Screen against the whole watch list; the report is kept on the application."""
    application = visible_application(session, application_id, caller)
    entries = [
        WatchEntry(e.id, e.name, tuple(e.aliases), e.dob, e.document_number)
        for e in session.scalars(select(WatchListEntry))
    ]
    report = screen(application.full_name, application.dob, application.document_number, entries)
    application.vetting = {**report.as_dict(), "screened_entries": len(entries), "by": caller.label}
    step = "vet_clear" if report.outcome == "clear" else "vet_match"
    return application_step(session, application, step, caller, {"vetting": application.vetting})


def review(session: Session, caller: Caller, application_id: str, body: ReviewIn) -> dict[str, object]:
    """A person decides a possible match, saying why."""
    application = visible_application(session, application_id, caller)
    return application_step(session, application, f"review_{body.decision}", caller, body.model_dump())


def interview(session: Session, caller: Caller, application_id: str, body: InterviewIn) -> dict[str, object]:
    application = visible_application(session, application_id, caller)
    step = "interview_passed" if body.passed else "interview_failed"
    return application_step(session, application, step, caller, body.model_dump())


def issue(session: Session, caller: Caller, application_id: str, body: IssueIn) -> dict[str, object]:
    """Issue the card: documents still valid, one active card per person, the template enrolled."""
    application = visible_application(session, application_id, caller)
    on = body.on or clock.today()
    with domain_errors():
        advance(application.state, "issue")
        check_document(application.document_expires, on)
    card = issue_card(session, application, on, caller)
    application.state = "issued"
    session.commit()
    return card


def withdraw(session: Session, caller: Caller, application_id: str) -> dict[str, object]:
    application = visible_application(session, application_id, caller)
    template = session.scalar(select(Template).where(Template.application_id == application.id))
    if template is not None:
        session.delete(template)
    return application_step(session, application, "withdraw", caller, {})


def public_key() -> dict[str, str]:
    """The key a booth installs to check cards offline (Ed25519, raw, base64url)."""
    return {"algorithm": "Ed25519", "public_key": public_key_text(card_key())}


def read_card(session: Session, caller: Caller, card_id: str) -> dict[str, object]:
    return card_view(visible_card(session, card_id, caller), clock.today())


def renew(session: Session, caller: Caller, card_id: str, body: RenewIn) -> dict[str, object]:
    """A new card for five more years after a fresh watch-list screen; a possible match stops it."""
    from smartborder.service.trusted_models import TravellerApplication

    card = visible_card(session, card_id, caller)
    on = body.on or clock.today()
    with domain_errors():
        check_renewal(card.expires, on, card.status)
    if card.permit_application_id is not None:  # a resident's card: renewed while the permit stands
        permit = resident_permit(session, card.person_id, card.permit_application_id)
        card.status, card.reason = "replaced", f"renewed on {on}"
        session.flush()
        new = sign_resident_card(session, card.person_id, permit.id, on, caller)
        record(session, caller.label, "trusted.card.renew", card.id, {"new_card": new["id"], "on": on})
        session.commit()
        return new
    application = session.get(TravellerApplication, card.application_id)
    assert application is not None
    entries = [
        WatchEntry(e.id, e.name, tuple(e.aliases), e.dob, e.document_number)
        for e in session.scalars(select(WatchListEntry))
    ]
    report = screen(application.full_name, application.dob, application.document_number, entries)
    if report.outcome != "clear":
        raise Conflict(
            "vetting",
            f"possible watch-list match ({', '.join(c.entry_id for c in report.candidates)}); "
            "file a new application for review",
        )
    card.status, card.reason = "replaced", f"renewed on {on}"
    session.flush()  # the one-active-card index sees the old card replaced first
    new = issue_card(session, application, on, caller)
    record(session, caller.label, "trusted.card.renew", card.id, {"new_card": new["id"], "on": on})
    session.commit()
    return new


def crossing(session: Session, caller: Caller, body: CrossingIn) -> dict[str, object]:
    """Check a card at the booth: signature and expiry, registry status, the live face 1:1,
    and for FAST the load's facility; any failure refers the vehicle (recorded with reasons).
    """
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    on = body.on or clock.today()
    image = image_from(body.image_base64)
    check = verify_card(card_key().public_key(), body.card, on)
    card = session.get(Card, check.claims.get("id", "")) if check.genuine else None
    if card is None:  # a forged or unknown card is a security event: logged, though the answer is a 4xx
        record(
            session,
            caller.label,
            "trusted.crossing.refused",
            body.port_code,
            {"reasons": check.reasons or ["card not in the registry"], "vehicle": body.vehicle},
        )
        session.commit()
        raise Invalid("card", "; ".join(check.reasons or ["card not in the registry"]))
    spec = program(card.program)
    if body.vehicle not in spec["classes"]:
        raise Invalid("vehicle", f"a {card.program} card is for {', '.join(spec['classes'])}, not {body.vehicle}")
    reasons = list(check.reasons)
    state = card_state(card.status, card.expires, on)
    if state != "active":
        reasons.append(f"card {state}" + (f": {card.reason}" if card.reason else ""))
    if card.permit_application_id is not None:  # a resident's card stands only with the permit
        permit = session.get(PermitApplication, card.permit_application_id)
        if permit is None or permit.status != "granted":
            reasons.append(f"resident permit {permit.status if permit else 'missing'}")
    distance = None
    template = session.scalar(select(Template).where(Template.person_id == card.person_id))
    if template is None:
        reasons.append("no enrolled template")
    else:
        with domain_errors():
            result = LBPHMatcher().verify(template_cipher().open(template.sealed, card.person_id), image)
        distance = result.distance
        if not result.match:
            reasons.append(
                f"face does not match the enrolled template (distance {result.distance:.1f} > {result.threshold})"
            )
    if body.facility_id is not None:
        from smartborder.service.trusted_models import CertEventRow

        if session.get(Facility, body.facility_id) is None:
            raise Invalid("facility_id", f"no facility {body.facility_id!r}")
        rows = session.scalars(
            select(CertEventRow)
            .where(CertEventRow.facility_id == body.facility_id)
            .order_by(CertEventRow.on, CertEventRow.id)
        )
        s = standing([CertEvent(r.kind, r.on, r.reason) for r in rows], on)  # type: ignore[arg-type]
        if not s.trusted:
            reasons.append(f"facility {body.facility_id} not trusted: {'; '.join(s.reasons)}")
    # A trusted program's card sends the vehicle to its trusted lane; an identity card (a
    # resident's) is verified and the vehicle goes on in the lane it is in.
    outcome = ("trusted_lane" if spec.get("trusted", True) else "verified") if not reasons else "referred"
    row = Crossing(
        card_id=card.id,
        port_code=body.port_code,
        vehicle=body.vehicle,
        lane=spec["lane"],
        on=on,
        verified=not reasons,
        distance=distance,
        outcome=outcome,
        reasons=reasons,
        facility_id=body.facility_id,
        recorded_by=caller.label,
    )
    session.add(row)
    record(
        session,
        caller.label,
        "trusted.crossing",
        card.id,
        {"port_code": body.port_code, "vehicle": body.vehicle, "on": on, "outcome": outcome, "reasons": reasons},
    )
    session.commit()
    return {
        "id": row.id,
        "card_id": card.id,
        "person_id": card.person_id,
        "outcome": outcome,
        "lane": spec["lane"],
        "distance": distance,
        "reasons": reasons,
    }


def card_crossings(session: Session, caller: Caller, card_id: str) -> dict[str, object]:
    card = visible_card(session, card_id, caller)
    rows = session.scalars(select(Crossing).where(Crossing.card_id == card.id).order_by(Crossing.on, Crossing.id))
    return {
        "card_id": card.id,
        "items": [
            {
                "on": r.on.isoformat(),
                "port_code": r.port_code,
                "vehicle": r.vehicle,
                "lane": r.lane,
                "outcome": r.outcome,
                "reasons": r.reasons,
            }
            for r in rows
        ],
    }
