"""The resident permit program of seed 004.

It runs only in years the two presidents certify at most 200,000 illegal crossings; applicants
must have resided in the United States before the program was announced and otherwise meet the
temporary permits' standards.
"""

from __future__ import annotations

import datetime as dt

from smartborder.rules.bounds import MAX_CERTIFIED_CROSSINGS, check_count, check_year
from smartborder.rules.calendar import add_years
from smartborder.rules.decision import Decision, decide
from smartborder.rules.errors import RuleInputError
from smartborder.rules.history import History
from smartborder.rules.parameters import param
from smartborder.rules.work_permit import (
    background_check,
    no_felony,
    not_barred_by_illegal_crossing,
    reports_kept_up,
    work_skill_basis,
)


def program_active(year: int, certified_crossings: int | None) -> Decision:
    """Seed: launched when the presidents 'jointly certify that the annual rate of illegal
    crossings does not exceed 200,000 persons', suspended in years they cannot.

    *certified_crossings* is the jointly certified figure, or None when no joint certification
    was made that year.
    """
    on = dt.date(check_year(year), 1, 1)
    if certified_crossings is not None:
        check_count(certified_crossings, "certified_crossings", MAX_CERTIFIED_CROSSINGS)
    limit = param("resident_permit.max_illegal_crossings", on)
    if certified_crossings is None:
        return Decision(
            "resident permit program",
            on,
            False,
            [f"no joint presidential certification for {year}: program suspended"],
            ["certification"],
        )
    ok = certified_crossings <= limit
    # The figure is the latest certified (rules.program names its year); the limit is the year's.
    why = f"certified {certified_crossings:,} illegal crossings ({'within' if ok else 'above'} the {limit:,} limit)"
    return decide("resident permit program", on, [("certification", ok, why)])


def resided_before(h: History, announced: dt.date) -> tuple[str, bool, str]:
    """Seed: 'evidence that the person resided in the United States prior to the announcement'."""
    if h.resided_in_us_since is not None and h.resided_in_us_since < announced:
        return ("prior_residence", True, f"resided in the US since {h.resided_in_us_since}, before {announced}")
    return ("prior_residence", False, f"no evidence of residence in the US before the announcement on {announced}")


def may_get_resident_permit(h: History, on: dt.date, announced: dt.date, certified_crossings: int | None) -> Decision:
    """Seed: prior residence, and 'otherwise, eligibility standards would parallel those for
    temporary work permits': which of them is the dated parameter
    ``resident_permit.parallel_standards`` (background check, the three-year bar, no felony)."""
    if announced > on:
        raise RuleInputError(f"announced: {announced} is after the day asked ({on})")
    h, left_out = h.as_of(on)
    program = program_active(on.year, certified_crossings)
    standards = {
        "background_check": lambda: background_check(h),
        "work_skill_basis": lambda: work_skill_basis(h),
        "illegal_crossing_bar": lambda: not_barred_by_illegal_crossing(h, on),
        "no_felony": lambda: no_felony(h),
    }
    parallel = param("resident_permit.parallel_standards", on)
    unknown = [name for name in parallel if name not in standards]
    if unknown:
        raise RuleInputError(
            f"resident_permit.parallel_standards: unknown standard(s) {unknown}; known: {', '.join(standards)}"
        )
    checks = [
        ("program_active", program.granted, program.reasons[0]),
        resided_before(h, announced),
        *(standards[name]() for name in parallel),
    ]
    return decide("resident permit", on, checks).noting(left_out)


def protected_from_deportation(h: History, on: dt.date, announced: dt.date, issued: dt.date | None = None) -> Decision:
    """Seed: 'an applicant for a residence permit' with satisfactory evidence of prior residence
    'would not be subject to deportation (whether or not he met other eligibility requirements)
    so long as he periodically reported a place of residence to the INS, and committed no felony
    after the issuance of the residence permit'.

    An applicant, so no permit need have been issued (*issued* None): the reports are then due
    from the announcement, and the felony condition, which runs from issuance, has not begun. A
    report counts when it states a place of residence; the seed asks no employer here."""
    if announced > on or (issued is not None and issued > on):
        late = announced if announced > on else issued
        raise RuleInputError(f"{'announced' if announced > on else 'issued'}: {late} is after the day asked ({on})")
    if issued is not None and issued < announced:
        raise RuleInputError(f"issued: {issued} is before the program's announcement ({announced})")
    h, left_out = h.as_of(on)
    felony = (
        no_felony(h, since=issued)
        if issued is not None
        else ("no_felony", True, "no residence permit issued yet: the felony condition runs from its issuance")
    )
    return decide(
        "protection from deportation",
        on,
        [resided_before(h, announced), reports_kept_up(h, issued or announced, on, residence_only=True), felony],
    ).noting(left_out)


def may_apply_for_citizenship(resident_since: dt.date, on: dt.date) -> Decision:
    """Seed: holders of residence permits 'could apply for citizenship after five years'."""
    years = param("resident_permit.citizenship_after_years", on)
    eligible_from = add_years(resident_since, years)
    ok = on >= eligible_from
    return decide(
        "citizenship application",
        on,
        [("residence_years", ok, f"resident permit since {resident_since}; eligible from {eligible_from}")],
    )


def benefits(holder_since: dt.date | None, on: dt.date) -> list[str]:
    """Seed: holders are 'immediately eligible for public Social Security and Medicare benefits,
    as well as private health and pension benefits'."""
    if holder_since is None or on < holder_since:
        return []
    return ["Social Security", "Medicare", "private health benefits", "private pension benefits"]
