"""Every permit question seed 004 lets a person ask, under one name each — the same on the CLI
(`smartborder permits check -q NAME`), over HTTP (`GET /persons/{id}/eligibility?question=NAME`)
and in Python (`ask(NAME, history, on, …)`), answered by the same rule and explained the same way.

| name                     | asks                                                        | needs               |
|--------------------------|-------------------------------------------------------------|---------------------|
| `apply`                  | may a temporary work permit be issued?                       |                     |
| `renew`                  | may the temporary work permit be renewed?                    |                     |
| `residency`              | may the holder apply for residency (five years held)?        |                     |
| `resident-permit`        | may a resident permit be issued (prior residence program)?  | announced           |
| `deportation-protection` | is the resident-permit applicant protected from deportation? | announced (issued)  |
| `citizenship`            | may the resident-permit holder apply for citizenship?       | issued              |
| `benefits`               | which benefits has the person earned (resident, or accrued)? |                     |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from smartborder.rules.bounds import check_year
from smartborder.rules.decision import Decision
from smartborder.rules.errors import RuleInputError
from smartborder.rules.history import History
from smartborder.rules.program import ProgramState
from smartborder.rules.resident_permit import (
    benefits,
    may_apply_for_citizenship,
    may_get_resident_permit,
    protected_from_deportation,
)
from smartborder.rules.work_permit import (
    accrued_rights,
    may_apply,
    may_apply_for_residency,
    may_renew,
)


@dataclass(frozen=True)
class Question:
    name: str
    asks: str
    needs: tuple[str, ...]
    answer: Callable[..., Decision]


def _benefits(h: History, on: dt.date, issued: dt.date | None) -> Decision:
    """Resident-permit holders: every benefit at once (seed: 'immediately eligible'); temporary
    permit holders: the months credited toward Social Security, Medicare and private benefits."""
    held, _ = h.as_of(on)
    earned = benefits(issued, on)
    if earned:
        return Decision(
            "benefits", on, True, [f"resident permit since {issued}: {', '.join(earned)}"], ["resident_benefits"]
        )
    rights = accrued_rights(held, on)
    months = int(rights["months_credited"])
    why = f"{months} month(s) credited while holding a temporary work permit, toward {', '.join(rights['accruing'])}"
    return Decision("benefits", on, months > 0, [why], ["accrued_rights"])


def _citizenship(h: History, on: dt.date, issued: dt.date) -> Decision:
    return may_apply_for_citizenship(issued, on)


#: The questions that read the program's own records (its announcement, its certifications).
PROGRAM_QUESTIONS = ("resident-permit", "deportation-protection")

QUESTIONS: dict[str, Question] = {
    q.name: q
    for q in (
        Question("apply", "may a temporary work permit be issued?", (), lambda h, on, **_: may_apply(h, on)),
        Question("renew", "may the temporary work permit be renewed?", (), lambda h, on, **_: may_renew(h, on)),
        Question(
            "residency", "may the holder apply for residency?", (), lambda h, on, **_: may_apply_for_residency(h, on)
        ),
        Question(
            "resident-permit",
            "may a resident permit be issued?",
            ("announced",),
            lambda h, on, announced, certified_crossings=None, **_: may_get_resident_permit(
                h, on, announced, certified_crossings
            ),
        ),
        Question(
            "deportation-protection",
            "is the applicant protected from deportation?",
            ("announced",),
            lambda h, on, announced, issued=None, **_: protected_from_deportation(h, on, announced, issued),
        ),
        Question(
            "citizenship",
            "may the resident-permit holder apply for citizenship?",
            ("issued",),
            lambda h, on, issued, **_: _citizenship(h, on, issued),
        ),
        Question(
            "benefits",
            "which benefits has the person earned?",
            (),
            lambda h, on, issued=None, **_: _benefits(h, on, issued),
        ),
    )
}


def ask(
    name: str,
    history: History,
    on: dt.date,
    *,
    announced: dt.date | None = None,
    issued: dt.date | None = None,
    certified_crossings: int | None = None,
    program: ProgramState | None = None,
) -> Decision:
    """Answer question *name* about *history* on *on*. ``announced``: the resident program's
    announcement; ``issued``: the resident permit's issue date; ``certified_crossings``: the
    year's jointly certified illegal crossings (the program runs only while they are low).
    ``program``: the program's records (``rules.program``), read as of *on* for the announcement
    and the certified figure not given; a figure given beside them is a what-if, and the
    decision's notes say which was used."""
    question = QUESTIONS.get(name)
    if question is None:
        raise RuleInputError(f"question: expected one of {', '.join(QUESTIONS)}, got {name!r}")
    notes: list[str] = []
    if program is not None and not program.empty and name in PROGRAM_QUESTIONS:  # nothing recorded: as None
        check_year(on.year, "on")
        read = program.answering(on, announced, certified_crossings, certification=name == "resident-permit")
        announced, certified_crossings, notes = read.announced, read.certified_crossings, read.notes
    for field, day in (("on", on), ("announced", announced), ("issued", issued)):
        if day is not None:
            check_year(day.year, field)
    given = {"announced": announced, "issued": issued}
    missing = [n for n in question.needs if given[n] is None]
    if missing:
        raise RuleInputError(f"{missing[0]}: the {name} question needs the {missing[0]} date")
    if certified_crossings is not None and certified_crossings < 0:
        raise RuleInputError(f"certified_crossings: a count cannot be negative, got {certified_crossings}")
    if announced is not None and announced > on:
        raise RuleInputError(f"announced: {announced} is after the day asked ({on})")
    if issued is not None and issued > on:
        raise RuleInputError(f"issued: {issued} is after the day asked ({on})")
    if issued is not None and announced is not None and issued < announced:
        raise RuleInputError(f"issued: {issued} is before the program's announcement ({announced})")
    decision: Decision = question.answer(
        history, on, announced=announced, issued=issued, certified_crossings=certified_crossings
    )
    return decision.noting(notes)
