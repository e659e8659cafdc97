"""Seed 004's resident permit program and the annual cap, as test tables quoting the seed."""

import datetime as dt

import pytest

from smartborder.rules import (
    Application,
    History,
    Nationality,
    Report,
    Spell,
    allocate,
    may_apply_for_citizenship,
    may_get_resident_permit,
    program_active,
    protected_from_deportation,
)
from smartborder.rules.resident_permit import benefits

D = dt.date
ANNOUNCED = D(2027, 1, 1)


@pytest.mark.seed("resident_permit.max_illegal_crossings")
# "The resident permit program would be launched when the Presidents ... could jointly certify
#  that the annual rate of illegal crossings does not exceed 200,000 persons ... The resident
#  permit program would be suspended in years when the Presidents could not make this certification."
@pytest.mark.parametrize(
    ("certified", "active"),
    [(199_999, True), (200_000, True), (200_001, False), (None, False)],
)
def test_program_runs_only_in_certified_years(certified, active) -> None:  # type: ignore[no-untyped-def]
    decision = program_active(2028, certified)
    assert decision.granted is active
    assert ("suspended" in str(decision)) is (certified is None)


@pytest.mark.seed("resident_permit.parallel_standards")
# "Individual eligibility would require evidence that the person resided in the United States
#  prior to the announcement of the program. Otherwise, eligibility standards would parallel those
#  for temporary work permits"
@pytest.mark.parametrize(
    ("resided", "check", "certified", "granted", "reason"),
    [
        (D(2010, 1, 1), "passed", 150_000, True, ""),
        (D(2027, 1, 1), "passed", 150_000, False, "no evidence of residence"),  # on the day: not prior
        (None, "passed", 150_000, False, "no evidence of residence"),
        (D(2010, 1, 1), "failed", 150_000, False, "background check failed"),
        (D(2010, 1, 1), "passed", 250_000, False, "above the 200,000 limit"),
    ],
)
def test_resident_permit_eligibility(resided, check, certified, granted, reason) -> None:  # type: ignore[no-untyped-def]
    h = History(person_id="r", background_check=check, resided_in_us_since=resided)
    decision = may_get_resident_permit(h, D(2028, 3, 1), ANNOUNCED, certified)
    assert decision.granted is granted
    assert reason in str(decision)


# "An applicant ... who could provide satisfactory evidence of residence in the United States prior
#  to the announcement of the program would not be subject to deportation ... so long as he
#  periodically reported a place of residence to the INS, and committed no felony after the
#  issuance of the residence permit."
@pytest.mark.parametrize(
    ("felony", "gap", "protected"),
    [(None, False, True), (D(2026, 5, 1), False, True), (D(2028, 5, 1), False, False), (None, True, False)],
)
def test_protection_from_deportation(felony, gap, protected) -> None:  # type: ignore[no-untyped-def]
    issued = D(2028, 1, 1)
    days = [D(2028, m, 1) for m in range(1, 13)] if not gap else [D(2028, 1, 1), D(2028, 9, 1)]
    reports = [Report(on=day, address="Calle 5 de Mayo 10", employer="Taller Sur") for day in days]
    h = History(
        person_id="r", resided_in_us_since=D(2010, 1, 1), reports=reports, felony_convictions=[felony] if felony else []
    )
    assert protected_from_deportation(h, D(2028, 12, 31), ANNOUNCED, issued).granted is protected


@pytest.mark.seed("resident_permit.citizenship_after_years")
# "They could apply for citizenship after five years." / "immediately eligible for public Social
#  Security and Medicare benefits, as well as private health and pension benefits."
def test_citizenship_after_five_years_and_benefits_at_once() -> None:
    assert may_apply_for_citizenship(D(2028, 3, 1), D(2033, 3, 1)).granted
    assert not may_apply_for_citizenship(D(2028, 3, 1), D(2033, 2, 28)).granted
    assert benefits(D(2028, 3, 1), D(2028, 3, 1)) == [
        "Social Security",
        "Medicare",
        "private health benefits",
        "private pension benefits",
    ]


@pytest.mark.seed("work_permit.annual_cap")
# "start with an expanded number of legal visas, say 300,000 persons from Mexico annually"
def test_cap_issues_in_filing_order_and_the_rest_wait() -> None:
    ok = History(person_id="x", background_check="passed")
    barred = History(person_id="y", background_check="passed", illegal_crossings=[D(2026, 6, 1)])
    apps = [
        Application(
            application_id=f"a{i}",
            filed=D(2027, 1, 1) + dt.timedelta(days=i),
            skill="unskilled" if i % 2 else "skilled",
            history=ok,
        )
        for i in range(5)
    ]
    apps.append(Application(application_id="barred", filed=D(2026, 12, 1), skill="skilled", history=barred))
    result = allocate(apps, 2027, cap=3)
    assert result.issued == ["a0", "a1", "a2"]  # the cap reached exactly
    assert result.waiting == ["a3", "a4"]
    assert "illegal crossing" in str(result.refused["barred"])
    assert allocate(apps[:3], 2027).cap == 300_000


@pytest.mark.seed("work_permit.cap_nationality")
# "say 300,000 persons from Mexico annually": the cap counts Mexico's nationals only
def test_the_cap_counts_persons_from_mexico_only() -> None:
    """Cap 2: the third Mexican application waits; a US national filed between them is issued
    outside the cap (not counted, not waiting); one who became Mexican after filing is judged by
    the nationality on the day filed; one with no nationality on record is counted."""

    def person(pid: str, *held: tuple[str, dt.date]) -> History:
        return History(
            person_id=pid,
            background_check="passed",
            nationalities=[Nationality(code=code, since=since) for code, since in held],
        )

    born = D(1990, 1, 1)
    apps = [
        Application(application_id="mx1", filed=D(2027, 1, 2), skill="skilled", history=person("a", ("MX", born))),
        Application(application_id="us", filed=D(2027, 1, 3), skill="skilled", history=person("b", ("US", born))),
        Application(application_id="mx2", filed=D(2027, 1, 4), skill="skilled", history=person("c", ("MX", born))),
        Application(application_id="mx3", filed=D(2027, 1, 5), skill="skilled", history=person("d", ("MX", born))),
        Application(  # a Guatemalan on the day filed, Mexican later: not this cap's
            application_id="gt",
            filed=D(2027, 1, 6),
            skill="skilled",
            history=person("e", ("GT", born), ("MX", D(2027, 6, 1))),
        ),
        Application(application_id="none", filed=D(2027, 1, 7), skill="skilled", history=person("f")),
    ]
    result = allocate(apps, 2027, cap=2)
    assert (result.issued, result.waiting) == (["mx1", "mx2"], ["mx3", "none"])
    assert result.outside_cap == ["us", "gt"] and result.nationality == "MX"
    assert person("e", ("GT", born), ("MX", D(2027, 6, 1))).nationality_on(D(2027, 6, 1)) == "MX"
    with pytest.raises(ValueError, match="code"):
        Nationality.model_validate({"code": "Mexico", "since": "1990-01-01"})


def test_an_application_filed_after_the_year_does_not_take_its_cap() -> None:
    """allocate(year=2028) used to issue an application filed in 2029."""
    ok = History(person_id="x", background_check="passed")
    apps = [
        Application(application_id="early", filed=D(2028, 5, 1), skill="skilled", history=ok),
        Application(application_id="later", filed=D(2029, 1, 2), skill="skilled", history=ok),
    ]
    result = allocate(apps, 2028, cap=5)
    assert result.issued == ["early"] and result.not_yet_filed == ["later"] and result.waiting == []


def test_overlapping_permits_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="overlap"):
        History(person_id="z", permits=[Spell(start=D(2020, 1, 1)), Spell(start=D(2021, 1, 1))])


# The same clause, at its edges (issue 27 item 13): the seed asks for "a place of residence", not an
# employer, and speaks of "an applicant": no permit need have been issued.
@pytest.mark.parametrize(
    ("employer", "issued", "felony", "protected", "reason"),
    [
        (None, D(2028, 1, 1), None, True, "reported place of residence"),  # address only counts
        ("Taller Sur", D(2028, 1, 1), None, True, "reported place of residence"),
        (None, None, None, True, "no residence permit issued yet"),  # an applicant
        (None, None, D(2028, 6, 1), True, "felony condition runs from its issuance"),
        (None, D(2028, 1, 1), D(2028, 6, 1), False, "felony"),
    ],
)
def test_protection_asks_a_place_of_residence_of_an_applicant(
    employer,
    issued,
    felony,
    protected,  # type: ignore[no-untyped-def]
    reason,
) -> None:
    reports = [Report(on=D(2027, m, 2), address="Calle 5 de Mayo 10", employer=employer) for m in range(1, 13)]
    reports += [Report(on=D(2028, m, 2), address="Calle 5 de Mayo 10", employer=employer) for m in range(1, 13)]
    h = History(
        person_id="r", resided_in_us_since=D(2010, 1, 1), reports=reports, felony_convictions=[felony] if felony else []
    )
    decision = protected_from_deportation(h, D(2028, 12, 31), ANNOUNCED, issued)
    assert decision.granted is protected
    assert reason in str(decision)


def test_an_applicant_without_residence_reports_is_not_protected() -> None:
    h = History(
        person_id="r", resided_in_us_since=D(2010, 1, 1), reports=[Report(on=D(2027, 3, 1), employer="Taller Sur")]
    )  # an employer, no address
    decision = protected_from_deportation(h, D(2028, 12, 31), ANNOUNCED)
    assert not decision.granted and "no report of place of residence" in str(decision)


def test_a_reform_can_name_another_country_but_not_a_name_for_one() -> None:
    from smartborder.rules.errors import RuleInputError
    from smartborder.rules.parameters import make_reform, under_reform

    mexican = History(
        person_id="m", background_check="passed", nationalities=[Nationality(code="MX", since=D(1990, 1, 1))]
    )
    apps = [Application(application_id="m", filed=D(2031, 2, 1), skill="skilled", history=mexican)]
    with under_reform(make_reform("us-cap", {"work_permit.cap_nationality": {"2031-01-01": "US"}})):
        assert allocate(apps, 2031, cap=0).outside_cap == ["m"]  # the cap is now the US's: not counted
    with (
        under_reform(make_reform("bad", {"work_permit.cap_nationality": {"2031-01-01": "Mexico"}})),
        pytest.raises(RuleInputError, match=r"work_permit\.cap_nationality"),
    ):
        allocate(apps, 2031)
