"""Trusted traveller cards: issue, status, renewal, revocation, and crossings at the booth.

A card's text is signed (Ed25519), so a booth checks authenticity and expiry offline with the
public key (``GET /trusted/public-key``); at a connected booth ``POST /trusted/crossings`` adds
what only the registry knows (revoked?) and the biometric 1:1 check of the live face against
the holder's enrolled template. Revocation deletes the template. Templates never leave here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends

from smartborder.service import trusted_operations as ops
from smartborder.service.app import ReadSession, WriteSession, require
from smartborder.service.auth import ROLES, TRUSTED_STAFF, VETTERS, Caller
from smartborder.service.trusted_schemas import (
    CardCrossings,
    CardOut,
    CrossingIn,
    CrossingOut,
    PersonStanding,
    PublicKeyOut,
    ReasonIn,
    RenewIn,
    ResidentCardIn,
)
from smartborder.timestamps import Day

if TYPE_CHECKING:
    pass

router = APIRouter(prefix="/trusted", tags=["trusted travellers"])
STAFF = TRUSTED_STAFF


@router.get("/public-key", response_model=PublicKeyOut)
def public_key(*, _: Caller = Depends(require(*ROLES))) -> dict[str, str]:
    """The key a booth installs to check cards offline (Ed25519, raw, base64url)."""
    return ops.public_key()


@router.get("/cards/{card_id}", response_model=CardOut)
def read_card(
    *, card_id: str, session: ReadSession, caller: Caller = Depends(require("applicant", *STAFF))
) -> dict[str, object]:
    return ops.read_card(session, caller, card_id)


@router.post("/cards/{card_id}/revoke", response_model=CardOut)
def revoke(
    *, card_id: str, body: ReasonIn, session: WriteSession, caller: Caller = Depends(require(*VETTERS))
) -> dict[str, object]:
    """Revoke with a reason; the holder's biometric template is deleted in the same transaction."""
    return ops.revoke_card(session, caller, card_id, body.reason)


@router.post("/cards/{card_id}/renew", status_code=201, response_model=CardOut)
def renew(
    *, card_id: str, body: RenewIn, session: WriteSession, caller: Caller = Depends(require(*VETTERS))
) -> dict[str, object]:
    """A new card for five more years after a fresh watch-list screen; a possible match stops it."""
    return ops.renew(session, caller, card_id, body)


@router.get("/persons/{person_id}/status", response_model=PersonStanding, response_model_exclude_unset=True)
def person_status(
    *,
    person_id: str,
    on: Day | None = None,
    session: ReadSession,
    caller: Caller = Depends(require("applicant", *STAFF)),
) -> dict[str, object]:
    """Is this traveller or driver trusted on *on*? Which card, since when, or why not."""
    return ops.person_status(session, caller, person_id, on)


@router.post("/crossings", status_code=201, response_model=CrossingOut)
def crossing(
    *, body: CrossingIn, session: WriteSession, caller: Caller = Depends(require("booth_officer"))
) -> dict[str, object]:
    """Check a card at the booth: signature and expiry, registry status, the live face 1:1,
    and for FAST the load's facility; any failure refers the vehicle (recorded with reasons)."""
    return ops.crossing(session, caller, body)


@router.get("/cards/{card_id}/crossings", response_model=CardCrossings)
def card_crossings(
    *, card_id: str, session: ReadSession, caller: Caller = Depends(require("applicant", *STAFF))
) -> dict[str, object]:
    return ops.card_crossings(session, caller, card_id)


@router.post("/resident-cards", status_code=201, response_model=CardOut)
def issue_resident_card(
    *, body: ResidentCardIn, session: WriteSession, caller: Caller = Depends(require(*VETTERS))
) -> dict[str, object]:
    """Seed 004's identity card for a permanent resident: signed, with the face enrolled, issued
    only on a granted resident permit and revoked with it; checked at the booth like any card
    (``POST /trusted/crossings``), where it proves identity and gives no trusted lane."""
    return ops.issue_resident_card(session, caller, body)
