"""Certification of a facility (or company) as a trusted trader, from its dated events.

Status is never stored as a flag: it is worked out from the events (certified from a passing
audit, revalidated, suspended, reinstated, revoked) and the date asked about, so "is this facility
trusted today, since when, and why not" always has one answer, and a lapse needs no clerk.

Rules (revalidation period from ``criteria.toml``, SAFE Port Act 2006 sec. 218):
- a certification is valid until its revalidation date (last passing audit + 4 years); after
  that it has *lapsed* until a new passing audit certifies it again;
- a suspension stops trust until reinstated; revocation is final;
- a shipment from a facility that is not trusted on the day is never treated as pre-inspected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from smartborder.trusted.errors import TransitionError

EventKind = Literal["certified", "revalidated", "suspended", "reinstated", "revoked"]
State = Literal["never", "certified", "suspended", "lapsed", "revoked"]

# Which events each state allows (anything else is a TransitionError naming the state).
ALLOWED: dict[str, tuple[str, ...]] = {
    "never": ("certified",),
    "certified": ("revalidated", "suspended", "revoked"),
    "suspended": ("reinstated", "revoked"),
    "lapsed": ("certified", "revoked"),
    "revoked": (),
}


@dataclass(frozen=True)
class CertEvent:
    kind: EventKind
    on: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Standing:
    """The answer an officer needs: trusted or not on *on*, since when, until when, why not."""

    on: dt.date
    state: State
    since: dt.date | None = None
    revalidation_due: dt.date | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def trusted(self) -> bool:
        return self.state == "certified"

    def as_dict(self) -> dict[str, object]:
        return {
            "on": self.on.isoformat(),
            "trusted": self.trusted,
            "state": self.state,
            "since": self.since.isoformat() if self.since else None,
            "revalidation_due": self.revalidation_due.isoformat() if self.revalidation_due else None,
            "reasons": self.reasons,
        }


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day *years* later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def standing(events: list[CertEvent], on: dt.date, years: int = 4) -> Standing:
    """Replay *events* (in date order, ties in given order) up to *on*."""
    state: State = "never"
    since: dt.date | None = None
    due: dt.date | None = None
    reason = "never certified: no passing audit has led to a certification"
    for e in sorted(events, key=lambda e: e.on):
        if e.on > on:
            break
        if due is not None and state in ("certified", "suspended") and e.on > due:
            state, reason = "lapsed", f"lapsed on {due + dt.timedelta(days=1)}: not revalidated by {due}"
        if e.kind not in ALLOWED[state]:
            raise TransitionError("kind", f"{e.kind} on {e.on} is not possible while {state}")
        if e.kind in ("certified", "revalidated"):
            due = add_years(e.on, years)
            if e.kind == "certified" or state != "certified":
                since = e.on
            state = "certified"
        elif e.kind == "suspended":
            state, reason = "suspended", f"suspended on {e.on}: {e.reason}"
        elif e.kind == "reinstated":
            state, since = "certified", e.on
        else:
            state, reason = "revoked", f"revoked on {e.on}: {e.reason}"
    if state in ("certified", "suspended") and due is not None and on > due:
        state, reason = "lapsed", f"lapsed on {due + dt.timedelta(days=1)}: not revalidated by {due}"
    if state == "certified":
        return Standing(on, state, since, due, [])
    return Standing(on, state, None, due if state == "suspended" else None, [reason])


def check_next(events: list[CertEvent], new: CertEvent, years: int = 4) -> Standing:
    """The standing after adding *new*; refuses steps out of order or dated before the last event."""
    if events and new.on < max(e.on for e in events):
        raise TransitionError("on", f"{new.on} is before the last recorded event ({max(e.on for e in events)})")
    if new.kind in ("suspended", "revoked") and not new.reason.strip():
        raise TransitionError("reason", f"a {new.kind} certification needs a reason")
    current = standing(events, new.on, years)
    if new.kind not in ALLOWED[current.state]:
        hint = {"lapsed": "it lapsed: certify it anew from a passing audit", "revoked": "revocation is final"}.get(
            current.state, f"allowed now: {', '.join(ALLOWED[current.state]) or 'nothing'}"
        )
        raise TransitionError("kind", f"cannot record {new.kind} while the certification is {current.state} ({hint})")
    return standing([*events, new], new.on, years)


def pre_inspected(events: list[CertEvent], on: dt.date, years: int = 4) -> tuple[bool, list[str]]:
    """May a shipment from this facility on *on* be treated as pre-inspected? Only if trusted that day."""
    s = standing(events, on, years)
    return s.trusted, s.reasons
