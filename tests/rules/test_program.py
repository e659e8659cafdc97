"""The resident-permit program's own state (issue 29 item 2): its certifications and its
announcement, read by the questions as of the day asked."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from smartborder.rules import Announcement, Certification, History, ProgramState, Spell
from smartborder.rules.questions import ask

D = dt.date
PRESIDENTS = "the presidents of Mexico and the United States"
STATE = ProgramState(
    certifications=[
        Certification(year=2025, crossings=150_000, certified_by=PRESIDENTS, on=D(2026, 1, 20)),
        Certification(year=2026, crossings=250_000, certified_by=PRESIDENTS, on=D(2027, 1, 20)),
    ],
    announcements=[Announcement(on=D(2021, 1, 1), by=PRESIDENTS)],
)
RESIDENT = History(
    person_id="r1",
    background_check="passed",
    resided_in_us_since=D(2010, 1, 1),
    permits=[Spell(start=D(2015, 1, 1))],
    employment=[Spell(start=D(2015, 1, 1))],
)


@pytest.mark.parametrize(
    ("day", "year_used"),
    [(D(2026, 1, 19), None), (D(2026, 1, 20), 2025), (D(2027, 1, 19), 2025), (D(2027, 1, 20), 2026)],
)
def test_the_certification_known_on_a_day_is_the_latest_made_by_then(day: dt.date, year_used: int | None) -> None:
    used = STATE.certification_on(day)
    assert (used.year if used else None) == year_used


def test_a_question_before_a_years_certification_uses_the_previous_one_and_names_it() -> None:
    """Issue 29's done-when: asked on 2027-01-10, before 2026's certification (made 2027-01-20),
    the question uses 2025's and says so; from 2027-01-20 it uses 2026's (above 200,000: the
    program is suspended). The announcement comes from the records too."""
    before = ask("resident-permit", RESIDENT, D(2027, 1, 10), program=STATE)
    assert before.granted, str(before)
    assert any("certification used: 150,000 illegal crossings certified for 2025" in n for n in before.notes)
    assert any("program announced on 2021-01-01" in n for n in before.notes)
    after = ask("resident-permit", RESIDENT, D(2027, 2, 1), program=STATE)
    assert not after.granted and "program_active" in after.rules
    assert any("certified for 2026" in n and "on 2027-01-20" in n for n in after.notes)


def test_a_figure_given_with_the_question_is_a_what_if_and_says_so() -> None:
    what_if = ask("resident-permit", RESIDENT, D(2027, 2, 1), certified_crossings=100_000, program=STATE)
    assert what_if.granted
    assert any(n.startswith("what-if: 100,000 certified crossings") and "250,000" in n for n in what_if.notes)
    same = ask("resident-permit", RESIDENT, D(2027, 2, 1), certified_crossings=250_000, program=STATE)
    assert not any(n.startswith("what-if") for n in same.notes)  # the figure on record, given again


def test_without_a_certification_on_record_the_program_is_suspended() -> None:
    early = ask("resident-permit", RESIDENT, D(2025, 6, 1), program=STATE)
    assert not early.granted and any("no certification on record" in n for n in early.notes)


def test_questions_that_read_no_program_fact_are_unchanged() -> None:
    plain = ask("residency", RESIDENT, D(2024, 1, 1))
    assert ask("residency", RESIDENT, D(2024, 1, 1), program=STATE) == plain
    protected = ask("deportation-protection", RESIDENT, D(2027, 1, 10), program=STATE)
    assert any("program announced on 2021-01-01" in n for n in protected.notes)
    assert not any("certification" in n for n in protected.notes)  # it reads no certified figure


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"year": 2025, "crossings": -1, "certified_by": "x", "on": "2026-01-01"}, "crossings"),
        ({"year": 1, "crossings": 1, "certified_by": "x", "on": "2026-01-01"}, "year"),
        ({"year": 2025, "crossings": 1, "certified_by": "", "on": "2026-01-01"}, "certified_by"),
        ({"year": 2025, "crossings": 1, "certified_by": "x", "on": "9999-01-01"}, "on"),
    ],
)
def test_a_certification_is_checked_naming_the_field(record: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Certification.model_validate(record)
    assert exc.value.errors()[0]["loc"] == (field,)


def test_an_empty_program_state_is_no_state() -> None:
    """A registry with nothing recorded answers as a question given its figures alone (the
    three doors agree whether or not a state is passed)."""
    empty = ProgramState()
    given = {"announced": D(2021, 1, 1), "certified_crossings": 1_500_000}
    assert ask("resident-permit", RESIDENT, D(2026, 6, 1), program=empty, **given) == ask(  # type: ignore[arg-type]
        "resident-permit",
        RESIDENT,
        D(2026, 6, 1),
        **given,  # type: ignore[arg-type]
    )


def test_the_waivers_precondition_is_a_recorded_trade_area() -> None:
    """Seed 004: rules of origin "waived for tariff-free trade within NAFTA": with a trade area on
    record the waiver checks that the two countries trade tariff free within it in the year; with
    none it is assumed and the decision says so."""
    from decimal import Decimal

    from smartborder.rules import InputImport, TradeArea, roo_waiver
    from smartborder.rules.errors import RuleInputError

    nafta = ProgramState(
        trade_areas=[TradeArea(name="NAFTA", members=["CA", "MX", "US"], tariff_free_since=D(2008, 1, 1))]
    )
    inputs = [InputImport(tariff_line="8708.29", value=Decimal("100"), tariff_paid_pct=Decimal("2.0"))]
    mfn = {"8708.29": Decimal("2.2")}
    within = roo_waiver("gulf-fab", 2027, inputs, mfn, exporting_country="MX", importing_country="US", program=nafta)
    assert (
        within.granted
        and within.rules[0] == "tariff_free_trade"
        and "within NAFTA since 2008-01-01" in within.reasons[0]
    )
    outside = roo_waiver("gulf-fab", 2027, inputs, mfn, exporting_country="CN", importing_country="US", program=nafta)
    assert not outside.granted and outside.rules == ["tariff_free_trade"]
    later = ProgramState(trade_areas=[TradeArea(name="X", members=["MX", "US"], tariff_free_since=D(2030, 1, 1))])
    before = roo_waiver("gulf-fab", 2027, inputs, mfn, exporting_country="MX", importing_country="US", program=later)
    assert not before.granted and "no tariff-free trade area of MX and US on record on 2027-01-01" in before.reasons[0]
    with pytest.raises(RuleInputError, match=r"^exporting_country"):
        roo_waiver("gulf-fab", 2027, inputs, mfn, program=nafta)
    assumed = roo_waiver("gulf-fab", 2027, inputs, mfn)
    assert assumed.granted and assumed.notes == [
        "precondition assumed: tariff-free trade between the two countries (no trade area on record)"
    ]
    with pytest.raises(ValidationError, match="a member is named twice"):
        TradeArea(name="x", members=["MX", "MX"], tariff_free_since=D(2008, 1, 1))
