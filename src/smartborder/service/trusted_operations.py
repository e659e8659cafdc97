"""Operations of the trusted trader and traveller programs: plain functions that take a session
and a caller, enforce the program's rules (who may see what, which step may follow which), write
their audit entry and commit, and raise domain errors (``service.errors``) — never HTTP.

The HTTP routes (``trusted_*_api``) and the CLI (``smartborder trusted …``) both call these, so a
certification recorded at the terminal and one recorded over the API are the same act, logged the
same way. Roles are checked where a caller comes in: the routes' ``require`` and the CLI's role.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.errors import Conflict, Forbidden, Invalid, NotFound
from smartborder.service.trusted_models import (
    Audit,
    Card,
    CertEventRow,
    Company,
    Facility,
    Template,
    TravellerApplication,
)
from smartborder.service.trusted_support import domain_errors, image_from, template_cipher
from smartborder.trusted import CertEvent, advance, card_state, checklist
from smartborder.trusted.certification import check_next, standing

CertAction = Literal["certified", "revalidated", "suspended", "reinstated", "revoked"]
MAX_REASON = 2000


# ---- facilities and companies ------------------------------------------------------------------

def facility(session: Session, facility_id: str) -> Facility:
    found = session.get(Facility, facility_id)
    if found is None:
        raise NotFound("facility_id", f"no facility {facility_id!r}; register it under its company first")
    return found


def cert_events(session: Session, facility_id: str) -> list[CertEvent]:
    rows = session.scalars(select(CertEventRow).where(CertEventRow.facility_id == facility_id)
                           .order_by(CertEventRow.on, CertEventRow.id))
    return [CertEvent(r.kind, r.on, r.reason) for r in rows]  # type: ignore[arg-type]


def not_future(on: dt.date, field: str = "on") -> None:
    if on > dt.date.today():
        raise Invalid(field, f"{on} is in the future; record what has happened")


def facility_standing(session: Session, found: Facility, on: dt.date) -> dict[str, object]:
    s = standing(cert_events(session, found.id), on, checklist().revalidation_years)
    return {"facility_id": found.id, "company_id": found.company_id, "name": found.name,
            **s.as_dict(), "pre_inspected_allowed": s.trusted}


def facility_status(session: Session, facility_id: str, on: dt.date | None = None) -> dict[str, object]:
    """Trusted on *on* (default today)? Since when, revalidation due, or why not."""
    return facility_standing(session, facility(session, facility_id), on or dt.date.today())


def company_status(session: Session, company_id: str, on: dt.date | None = None) -> dict[str, object]:
    """A company is trusted where at least one of its facilities is; each facility says why (not)."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound("company_id", f"no company {company_id!r}")
    day = on or dt.date.today()
    facilities = session.scalars(select(Facility).where(Facility.company_id == company_id).order_by(Facility.id))
    rows = [facility_standing(session, f, day) for f in facilities]
    trusted = [r for r in rows if r["trusted"]]
    since = min((str(r["since"]) for r in trusted), default=None)
    reasons = [] if trusted else ([f"{r['facility_id']}: {'; '.join(r['reasons'])}" for r in rows]  # type: ignore[arg-type]
                                  or ["no facility registered"])
    return {"company_id": company.id, "name": company.name, "on": day.isoformat(), "trusted": bool(trusted),
            "since": since, "reasons": reasons, "facilities": rows}


def certification_step(session: Session, caller: Caller, facility_id: str, action: str, on: dt.date,
                       reason: str = "", audit_id: int | None = None) -> dict[str, object]:
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
            raise Invalid("audit_id", f"a {action} step rests on an audit of facility {facility_id!r}; got {audit_id!r}")
        if not audit.passed:
            raise Conflict("audit_id", f"audit {audit.id} did not pass: " + "; ".join(audit.result["reasons"]))
        if audit.on > on:
            raise Invalid("on", f"{on} is before the audit it rests on ({audit.on})")
    elif audit_id is not None:
        raise Invalid("audit_id", f"a {action} step does not rest on an audit")
    with domain_errors():
        after = check_next(cert_events(session, facility_id), CertEvent(action, on, reason.strip()),  # type: ignore[arg-type]
                           checklist().revalidation_years)
    session.add(CertEventRow(facility_id=facility_id, kind=action, on=on, reason=reason.strip(),
                             audit_id=audit_id, decided_by=caller.label))
    record(session, caller.label, f"trusted.certification.{action}", facility_id,
           {"action": action, "on": on, "reason": reason, "audit_id": audit_id, "standing": after.as_dict()})
    session.commit()
    return facility_standing(session, found, on)


# ---- cards ---------------------------------------------------------------------------------------

def card_view(card: Card, on: dt.date) -> dict[str, object]:
    return {"id": card.id, "person_id": card.person_id, "program": card.program, "issued": card.issued.isoformat(),
            "expires": card.expires.isoformat(), "status": card_state(card.status, card.expires, on),
            "reason": card.reason, "card": card.signed}


def card(session: Session, card_id: str, caller: Caller) -> Card:
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
    found = card(session, card_id, caller)
    if found.status != "active":
        raise Conflict("status", f"the card is already {found.status}")
    found.status, found.reason = "revoked", reason
    template = session.scalar(select(Template).where(Template.person_id == found.person_id))
    if template is not None:
        session.delete(template)
    record(session, caller.label, "trusted.card.revoke", found.id,
           {"person_id": found.person_id, "reason": reason, "template_deleted": template is not None})
    session.commit()
    return card_view(found, dt.date.today())


def person_status(session: Session, caller: Caller, person_id: str, on: dt.date | None = None) -> dict[str, object]:
    """Is this traveller or driver trusted on *on*? Which card, since when, or why not."""
    if caller.role == "applicant" and caller.subject != person_id:
        raise Forbidden("person_id", "an applicant may only see their own status")
    day = on or dt.date.today()
    cards = list(session.scalars(select(Card).where(Card.person_id == person_id).order_by(Card.issued)))
    live = [c for c in cards if card_state(c.status, c.expires, day) == "active" and c.issued <= day]
    if live:
        c = live[-1]
        return {"person_id": person_id, "on": day.isoformat(), "trusted": True, "program": c.program,
                "card_id": c.id, "since": cards[0].issued.isoformat() if all(
                    x.status != "revoked" for x in cards) else c.issued.isoformat(),
                "expires": c.expires.isoformat(), "reasons": []}
    last = cards[-1] if cards else None
    why = ("no card issued" if last is None else
           f"card {last.id} {card_state(last.status, last.expires, day)}" + (f": {last.reason}" if last.reason else ""))
    return {"person_id": person_id, "on": day.isoformat(), "trusted": False, "reasons": [why]}


# ---- traveller applications ----------------------------------------------------------------------

def application(session: Session, application_id: str, caller: Caller) -> TravellerApplication:
    """The application, if this caller may see it (an applicant only their own)."""
    found = session.get(TravellerApplication, application_id)
    if found is None or (caller.role == "applicant" and found.person_id != caller.subject):
        raise NotFound("application_id", f"no application {application_id!r}")
    return found


def application_view(found: TravellerApplication, caller: Caller) -> dict[str, object]:
    out: dict[str, object] = {
        "id": found.id, "person_id": found.person_id, "program": found.program,
        "state": found.state, "filed": found.filed.isoformat(),
        "document_expires": found.document_expires.isoformat(), "carrier_id": found.carrier_id}
    if caller.role != "applicant":  # the match report is for officers only
        out["vetting"] = found.vetting
    return out


def application_step(session: Session, found: TravellerApplication, step: str, caller: Caller,
                     why: dict[str, object]) -> dict[str, object]:
    """Advance the application by *step* (the enrolment rules say which may follow), log, commit."""
    with domain_errors():
        found.state = advance(found.state, step)
    record(session, caller.label, f"trusted.application.{step}", found.id, {"state": found.state, **why})
    session.commit()
    return application_view(found, caller)


def enrol(session: Session, caller: Caller, application_id: str, image_base64: str) -> dict[str, object]:
    """Take the face sample, keep only its sealed template (the image is not stored)."""
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    found = application(session, application_id, caller)
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
