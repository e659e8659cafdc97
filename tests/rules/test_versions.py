"""Dated rules: a decision names the parameters in force on its day, and a reform (a new dated
value) changes decisions from its date only. The resident permit's 'parallel' standards are a
dated parameter quoting the seed."""

import datetime as dt

import pytest

from smartborder.rules import History, parameters
from smartborder.rules.parameters import Parameter
from smartborder.rules.questions import ask

D = dt.date
PERSON = History(person_id="r", basis="family_reunification", background_check="passed",
                 resided_in_us_since=D(2015, 1, 1))


@pytest.fixture
def reform(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """From 2030, the resident permit also asks for the work-skill basis (a made-up reform)."""
    table = dict(parameters.parameters())
    old = table["resident_permit.parallel_standards"]
    table["resident_permit.parallel_standards"] = Parameter(
        old.name, {**old.values, D(2030, 1, 1): [*old.at(D(2029, 1, 1)), "work_skill_basis"]}, old.seed, old.choice)
    monkeypatch.setattr(parameters, "parameters", lambda: table)


def test_a_decision_names_the_parameters_in_force() -> None:
    decision = ask("apply", PERSON, D(2027, 1, 1))
    assert decision.version == "parameters of 2010-01-01" and decision.as_dict()["version"] == decision.version


def test_the_parallel_standards_are_the_dated_parameter() -> None:
    assert parameters.param("resident_permit.parallel_standards", D(2027, 1, 1)) == [
        "background_check", "illegal_crossing_bar", "no_felony"]
    decision = ask("resident-permit", PERSON, D(2027, 1, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    # a family-reunification resident is not held to the work-skill basis
    assert decision.granted, str(decision)
    assert decision.rules == ["program_active", "prior_residence", "background_check", "illegal_crossing_bar", "no_felony"]


def test_a_reform_applies_from_its_date(reform) -> None:  # type: ignore[no-untyped-def]
    before = ask("resident-permit", PERSON, D(2029, 6, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    after = ask("resident-permit", PERSON, D(2030, 6, 1), announced=D(2020, 1, 1), certified_crossings=150_000)
    assert before.granted and before.version == "parameters of 2010-01-01"
    assert not after.granted and after.rules == ["work_skill_basis"] and after.version == "parameters of 2030-01-01"


@pytest.mark.parametrize(("params", "field"), [
    ({"announced": D(2028, 1, 1)}, "announced"),
])
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
