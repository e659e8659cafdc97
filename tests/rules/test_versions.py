"""Dated rules: a decision names the parameters in force on its day, and a reform (a new dated
value) changes decisions from its date only. The resident permit's 'parallel' standards are a
dated parameter quoting the seed."""

import datetime as dt

import pytest

from smartborder.rules import History, parameters
from smartborder.rules.parameters import Parameter
from smartborder.rules.questions import ask

D = dt.date
PERSON = History(
    person_id="r", basis="family_reunification", background_check="passed", resided_in_us_since=D(2015, 1, 1)
)


@pytest.fixture
def reform(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """From 2030, the resident permit also asks for the work-skill basis (a made-up reform)."""
    table = dict(parameters.parameters())
    old = table["resident_permit.parallel_standards"]
    table["resident_permit.parallel_standards"] = Parameter(
        old.name, {**old.values, D(2030, 1, 1): [*old.at(D(2029, 1, 1)), "work_skill_basis"]}, old.seed, old.choice
    )
    monkeypatch.setattr(parameters, "parameters", lambda: table)


def test_a_decision_names_the_parameters_in_force() -> None:
    decision = ask("apply", PERSON, D(2027, 1, 1))
    assert decision.version == "parameters of 2010-01-01" and decision.as_dict()["version"] == decision.version


def test_the_parallel_standards_are_the_dated_parameter() -> None:
    assert parameters.param("resident_permit.parallel_standards", D(2027, 1, 1)) == [
        "background_check",
        "illegal_crossing_bar",
        "no_felony",
    ]
    decision = ask("resident-permit", PERSON, D(2027, 1, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    # a family-reunification resident is not held to the work-skill basis
    assert decision.granted, str(decision)
    assert decision.rules == [
        "program_active",
        "prior_residence",
        "background_check",
        "illegal_crossing_bar",
        "no_felony",
    ]


def test_a_reform_applies_from_its_date(reform) -> None:  # type: ignore[no-untyped-def]
    before = ask("resident-permit", PERSON, D(2029, 6, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    after = ask("resident-permit", PERSON, D(2030, 6, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    assert before.granted and before.version == "parameters of 2010-01-01"
    assert not after.granted and after.rules == ["work_skill_basis"] and after.version == "parameters of 2030-01-01"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"announced": D(2028, 1, 1)}, "announced"),
    ],
)
def test_dates_given_to_the_resident_permit_are_checked(params: dict[str, dt.date], field: str) -> None:
    from smartborder.rules import may_get_resident_permit
    from smartborder.rules.errors import RuleInputError

    with pytest.raises(RuleInputError, match=f"^{field}: "):
        may_get_resident_permit(PERSON, D(2027, 1, 1), params["announced"], 150_000)


def test_deportation_protection_dates_are_checked() -> None:
    from smartborder.rules import protected_from_deportation
    from smartborder.rules.errors import RuleInputError

    with pytest.raises(RuleInputError, match=r"^issued: "):
        protected_from_deportation(PERSON, D(2027, 1, 1), D(2021, 1, 1), D(2020, 1, 1))  # issued before announced
    with pytest.raises(RuleInputError, match=r"^issued: "):
        protected_from_deportation(PERSON, D(2027, 1, 1), D(2021, 1, 1), D(2028, 1, 1))  # issued after the day


@pytest.fixture
def shorter_reports(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """From 1 July 2026 a report is due every 2 months instead of 3 (a made-up reform)."""
    table = dict(parameters.parameters())
    old = table["work_permit.report_interval_months"]
    table[old.name] = Parameter(old.name, {**old.values, D(2026, 7, 1): 2}, old.seed, old.choice)
    monkeypatch.setattr(parameters, "parameters", lambda: table)


@pytest.mark.parametrize(
    ("reports", "kept", "due"),
    [
        # Before the reform, 3-month gaps were the rule: conduct in the first half of 2026 is not judged by it.
        ([D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 9, 1), D(2026, 11, 1)], True, None),
        # A report of 15 May: under the old rule the next was due by 15 August; from 1 July the new
        # rule asks for one by 15 July.
        (
            [D(2026, 1, 1), D(2026, 4, 1), D(2026, 5, 15), D(2026, 8, 10), D(2026, 10, 10), D(2026, 12, 1)],
            False,
            "2026-07-15",
        ),
        # A report of 1 April: the new rule would have asked for one by 1 June, before it existed, so
        # it asks from its own date: due by 1 July.
        ([D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 9, 1), D(2026, 11, 1)], True, None),
        ([D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 2), D(2026, 9, 2), D(2026, 11, 2)], False, "2026-07-01"),
    ],
)
def test_a_reform_judges_conduct_from_its_date_only(shorter_reports, reports, kept, due) -> None:  # type: ignore[no-untyped-def]
    from smartborder.rules.history import Report
    from smartborder.rules.work_permit import reports_kept_up

    h = History(
        person_id="r", reports=[Report(on=d, address="Calle 5 de Mayo 10", employer="Taller Sur") for d in reports]
    )
    _, ok, why = reports_kept_up(h, D(2026, 1, 1), D(2026, 12, 31))
    assert ok is kept, why
    if due is not None:
        assert f"due by {due}" in why
