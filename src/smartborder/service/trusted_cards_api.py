"""Trusted traveller cards: issue, status, renewal, revocation, and crossings at the booth.

A card's text is signed (Ed25519), so a booth checks authenticity and expiry offline with the
public key (``GET /trusted/public-key``); at a connected booth ``POST /trusted/crossings`` adds
what only the registry knows (revoked?) and the biometric 1:1 check of the live face against
the holder's enrolled template. Revocation deletes the template. Templates never leave here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service import trusted_operations as ops
from smartborder.service.app import ApiError, get_session, get_write_session, require
from smartborder.service.audit import record
from smartborder.service.auth import ROLES, TRUSTED_STAFF, VETTERS, Caller
from smartborder.service.trusted_models import Card, Crossing, Facility, Template, WatchListEntry
from smartborder.service.trusted_operations import card_view
from smartborder.service.trusted_schemas import (
    CardCrossings,
    CardOut,
    CrossingOut,
    PersonStanding,
    PublicKeyOut,
)
from smartborder.service.trusted_support import card_key, domain_errors, image_from, template_cipher
from smartborder.timestamps import Day
from smartborder.trusted import (
    WatchEntry,
    card_expiry,
    card_state,
    check_renewal,
    screen,
    sign_card,
    verify_card,
)
from smartborder.trusted.cards import public_key_text
from smartborder.trusted.certification import CertEvent, standing
from smartborder.trusted.programs import program

if TYPE_CHECKING:
    from smartborder.service.trusted_models import TravellerApplication

router = APIRouter(prefix="/trusted", tags=["trusted travellers"])
STAFF = TRUSTED_STAFF


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class RenewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: Day | None = Field(default=None, description="renewal date (default: today)")


class CrossingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    card: str = Field(min_length=1, max_length=2000, description="the card's signed text as read at the booth")
    image_base64: str = Field(description="live face sample, PNG or JPEG, base64")
    port_code: str = Field(pattern=r"^\d{4}$")
    vehicle: Literal["truck", "pov", "pedestrian"]
    on: dt.date | None = None
    facility_id: str | None = Field(default=None, description="FAST: the facility the load left from")




def issue_card(session: Session, application: TravellerApplication, on: dt.date, caller: Caller) -> dict[str, object]:
    """Sign and store a card for *application* (no commit): one active card per person."""
    if session.scalar(select(Card.id).where(Card.person_id == application.person_id, Card.status == "active")):
        raise ApiError(409, "person_id", f"{application.person_id} already holds an active card")
    if session.scalar(select(Template.id).where(Template.person_id == application.person_id)) is None:
        raise ApiError(409, "biometrics", "no enrolled template: enrol the face before issuing a card")
    expires = card_expiry(application.program, on, application.document_expires)
    card_id = str(uuid.uuid4())
    text = sign_card(card_key(), card_id, application.person_id, application.program, on, expires)
    card = Card(id=card_id, person_id=application.person_id, application_id=application.id,
                program=application.program, issued=on, expires=expires, status="active", signed=text)
    session.add(card)
    record(session, caller.label, "trusted.card.issue", card_id,
           {"person_id": card.person_id, "program": card.program, "issued": on, "expires": expires})
    return card_view(card, on)




@router.get("/public-key", response_model=PublicKeyOut)
def public_key(_: Caller = Depends(require(*ROLES))) -> dict[str, str]:
    """The key a booth installs to check cards offline (Ed25519, raw, base64url)."""
    return {"algorithm": "Ed25519", "public_key": public_key_text(card_key())}


@router.get("/cards/{card_id}", response_model=CardOut)
def read_card(card_id: str, session: Session = Depends(get_session),
              caller: Caller = Depends(require("applicant", *STAFF))) -> dict[str, object]:
    return card_view(ops.card(session, card_id, caller), dt.date.today())


@router.post("/cards/{card_id}/revoke", response_model=CardOut)
def revoke(card_id: str, body: ReasonIn, session: Session = Depends(get_write_session),
           caller: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    """Revoke with a reason; the holder's biometric template is deleted in the same transaction."""
    return ops.revoke_card(session, caller, card_id, body.reason)


@router.post("/cards/{card_id}/renew", status_code=201, response_model=CardOut)
def renew(card_id: str, body: RenewIn, session: Session = Depends(get_write_session),
          caller: Caller = Depends(require(*VETTERS))) -> dict[str, object]:
    """A new card for five more years after a fresh watch-list screen; a possible match stops it."""
    from smartborder.service.trusted_models import TravellerApplication

    card = ops.card(session, card_id, caller)
    on = body.on or dt.date.today()
    with domain_errors():
        check_renewal(card.expires, on, card.status)
    application = session.get(TravellerApplication, card.application_id)
    assert application is not None
    entries = [WatchEntry(e.id, e.name, tuple(e.aliases), e.dob, e.document_number)
               for e in session.scalars(select(WatchListEntry))]
    report = screen(application.full_name, application.dob, application.document_number, entries)
    if report.outcome != "clear":
        raise ApiError(409, "vetting", f"possible watch-list match ({', '.join(c.entry_id for c in report.candidates)}); "
                       "file a new application for review")
    card.status, card.reason = "replaced", f"renewed on {on}"
    session.flush()  # the one-active-card index sees the old card replaced first
    new = issue_card(session, application, on, caller)
    record(session, caller.label, "trusted.card.renew", card.id, {"new_card": new["id"], "on": on})
    session.commit()
    return new


@router.get("/persons/{person_id}/status", response_model=PersonStanding, response_model_exclude_unset=True)
def person_status(person_id: str, on: dt.date | None = None, session: Session = Depends(get_session),
                  caller: Caller = Depends(require("applicant", *STAFF))) -> dict[str, object]:
    """Is this traveller or driver trusted on *on*? Which card, since when, or why not."""
    return ops.person_status(session, caller, person_id, on)


@router.post("/crossings", status_code=201, response_model=CrossingOut)
def crossing(body: CrossingIn, session: Session = Depends(get_write_session),
             caller: Caller = Depends(require("booth_officer"))) -> dict[str, object]:
    """Check a card at the booth: signature and expiry, registry status, the live face 1:1,
    and for FAST the load's facility; any failure refers the vehicle (recorded with reasons)."""
    from smartborder.trusted.biometrics.lbph import LBPHMatcher

    on = body.on or dt.date.today()
    image = image_from(body.image_base64)
    check = verify_card(card_key().public_key(), body.card, on)
    card = session.get(Card, check.claims.get("id", "")) if check.genuine else None
    if card is None:  # a forged or unknown card is a security event: logged, though the answer is a 4xx
        record(session, caller.label, "trusted.crossing.refused", body.port_code,
               {"reasons": check.reasons or ["card not in the registry"], "vehicle": body.vehicle})
        session.commit()
        raise ApiError(422, "card", "; ".join(check.reasons or ["card not in the registry"]))
    spec = program(card.program)
    if body.vehicle not in spec["classes"]:
        raise ApiError(422, "vehicle", f"a {card.program} card is for {', '.join(spec['classes'])}, not {body.vehicle}")
    reasons = list(check.reasons)
    state = card_state(card.status, card.expires, on)
    if state != "active":
        reasons.append(f"card {state}" + (f": {card.reason}" if card.reason else ""))
    distance = None
    template = session.scalar(select(Template).where(Template.person_id == card.person_id))
    if template is None:
        reasons.append("no enrolled template")
    else:
        with domain_errors():
            result = LBPHMatcher().verify(template_cipher().open(template.sealed, card.person_id), image)
        distance = result.distance
        if not result.match:
            reasons.append(f"face does not match the enrolled template (distance {result.distance:.1f} > "
                           f"{result.threshold})")
    if body.facility_id is not None:
        from smartborder.service.trusted_models import CertEventRow

        if session.get(Facility, body.facility_id) is None:
            raise ApiError(422, "facility_id", f"no facility {body.facility_id!r}")
        rows = session.scalars(select(CertEventRow).where(CertEventRow.facility_id == body.facility_id)
                               .order_by(CertEventRow.on, CertEventRow.id))
        s = standing([CertEvent(r.kind, r.on, r.reason) for r in rows], on)  # type: ignore[arg-type]
        if not s.trusted:
            reasons.append(f"facility {body.facility_id} not trusted: {'; '.join(s.reasons)}")
    outcome = "trusted_lane" if not reasons else "referred"
    row = Crossing(card_id=card.id, port_code=body.port_code, vehicle=body.vehicle, lane=spec["lane"], on=on,
                   verified=not reasons, distance=distance, outcome=outcome, reasons=reasons,
                   facility_id=body.facility_id, recorded_by=caller.label)
    session.add(row)
    record(session, caller.label, "trusted.crossing", card.id,
           {"port_code": body.port_code, "vehicle": body.vehicle, "on": on, "outcome": outcome, "reasons": reasons})
    session.commit()
    return {"id": row.id, "card_id": card.id, "person_id": card.person_id, "outcome": outcome, "lane": spec["lane"],
            "distance": distance, "reasons": reasons}


@router.get("/cards/{card_id}/crossings", response_model=CardCrossings)
def card_crossings(card_id: str, session: Session = Depends(get_session),
                   caller: Caller = Depends(require("applicant", *STAFF))) -> dict[str, object]:
    card = ops.card(session, card_id, caller)
    rows = session.scalars(select(Crossing).where(Crossing.card_id == card.id).order_by(Crossing.on, Crossing.id))
    return {"card_id": card.id, "items": [
        {"on": r.on.isoformat(), "port_code": r.port_code, "vehicle": r.vehicle, "lane": r.lane,
         "outcome": r.outcome, "reasons": r.reasons} for r in rows]}
