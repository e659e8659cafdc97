"""The trusted traveller application: a small state machine, and the card's validity rules.

    submitted ─vet─► clear ─interview─► interviewed ─enrol─► enrolled ─issue─► issued
         │            ▲                     │
         └─vet─► possible_match ─review: cleared
                      └─review: denied─► denied ◄─interview failed
    (withdrawn from any state before issued)

A possible watch-list match never moves on by itself: a vetting officer reviews it, so no
application with a possible match is approved automatically.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from smartborder.trusted.certification import add_years
from smartborder.trusted.errors import TransitionError, TrustedError
from smartborder.trusted.programs import parameters, program

AppState = Literal["submitted", "clear", "possible_match", "interviewed", "enrolled", "issued", "denied", "withdrawn"]
Step = Literal[
    "vet_clear",
    "vet_match",
    "review_cleared",
    "review_denied",
    "interview_passed",
    "interview_failed",
    "enrol",
    "issue",
    "withdraw",
]

TRANSITIONS: dict[tuple[str, str], str] = {
    ("submitted", "vet_clear"): "clear",
    ("submitted", "vet_match"): "possible_match",
    ("possible_match", "review_cleared"): "clear",
    ("possible_match", "review_denied"): "denied",
    ("clear", "interview_passed"): "interviewed",
    ("clear", "interview_failed"): "denied",
    ("interviewed", "enrol"): "enrolled",
    ("enrolled", "issue"): "issued",
}
OPEN = ("submitted", "clear", "possible_match", "interviewed", "enrolled")


def advance(state: str, step: str) -> str:
    """The state after *step*, or a TransitionError saying what the state allows."""
    if step == "withdraw" and state in OPEN:
        return "withdrawn"
    if (state, step) not in TRANSITIONS:
        allowed = [s for (st, s) in TRANSITIONS if st == state] + (["withdraw"] if state in OPEN else [])
        raise TransitionError(
            "state",
            f"the application is {state}; {step} is not possible "
            f"(possible now: {', '.join(allowed) or 'nothing, it is closed'})",
        )
    return TRANSITIONS[(state, step)]


def check_document(expires: dt.date, on: dt.date) -> None:
    """A travel document must still be valid on the day it is relied on."""
    if expires < on:
        raise TrustedError(
            "document_expires", f"the document expired on {expires} (before {on}); apply with a valid passport or card"
        )


def card_expiry(program_name: str, issued: dt.date, document_expires: dt.date | None = None) -> dt.date:
    """Cards run the program's years (5) from issue; never past the document they were issued on."""
    end = add_years(issued, int(program(program_name)["card_years"]))
    return min(end, document_expires) if document_expires else end


def card_state(status: str, expires: dt.date, on: dt.date) -> str:
    """active, expired, revoked or replaced on *on* (expiry needs no write)."""
    if status == "active" and on > expires:
        return "expired"
    return status


def check_renewal(expires: dt.date, on: dt.date, status: str) -> None:
    """Renewal opens a year before expiry; revoked cards are not renewed."""
    if status != "active":
        raise TransitionError("card", f"a {status} card cannot be renewed; apply anew")
    opens = expires - dt.timedelta(days=int(parameters()["renewal"]["window_days"]))
    if on < opens:
        raise TransitionError("on", f"renewal opens on {opens} (a year before expiry on {expires})")
