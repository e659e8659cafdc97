"""Seed 004's temporary work permit program as test tables. Each table quotes the seed."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartborder.rules import History, Report, Spell, may_apply, may_apply_for_residency, may_renew
from smartborder.rules.errors import RuleInputError

D = dt.date


def person(**kw):  # type: ignore[no-untyped-def]
    return History(person_id="p1", background_check="passed", **kw)


@pytest.mark.seed("work_permit.ineligibility_years_after_illegal_crossing")
# "ineligibility for a temporary work permit for three years after an illegal crossing"
@pytest.mark.parametrize(
    ("crossed", "on", "granted"),
    [
        (D(2020, 5, 1), D(2023, 4, 30), False),  # one day short of three years
        (D(2020, 5, 1), D(2023, 5, 1), True),  # exactly three years after
        (D(2020, 5, 1), D(2021, 1, 1), False),
        (D(2016, 2, 29), D(2019, 2, 28), True),  # leap-day crossing: anniversary is 28 Feb
        (None, D(2023, 1, 1), True),
    ],
)
def test_three_year_bar_after_illegal_crossing(crossed, on, granted) -> None:  # type: ignore[no-untyped-def]
    h = person(illegal_crossings=[crossed] if crossed else [])
    decision = may_apply(h, on)
    assert decision.granted is granted
    if not granted:
        assert "illegal crossing" in str(decision)


# "to obtain a temporary work permit, the Mexican applicant will have to undergo a background check"
# "Additional visas should be issued on a work skill basis (including unskilled workers), not on a
#  family reunification basis"
@pytest.mark.parametrize(
    ("check", "basis", "granted", "reason"),
    [
        ("passed", "work_skill", True, ""),
        ("pending", "work_skill", False, "background check pending"),
        ("failed", "work_skill", False, "background check failed"),
        ("passed", "family_reunification", False, "not family reunification"),
    ],
)
def test_background_check_and_work_skill_basis(check, basis, granted, reason) -> None:  # type: ignore[no-untyped-def]
    h = History(person_id="p", background_check=check, basis=basis)
    decision = may_apply(h, D(2024, 1, 1))
    assert decision.granted is granted
    assert reason in str(decision)


def employed(*months: tuple[int, int]) -> list[Spell]:
    """Whole calendar months of employment."""
    spells = []
    for year, month in months:
        last = D(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        spells.append(Spell(start=D(year, month, 1), end=last))
    return spells


def reports_monthly(start: dt.date, end: dt.date) -> list[Report]:
    """A report on the first of every month, stating address and employer."""
    out, day = [], start
    while day <= end:
        out.append(Report(on=day, address="Calle 5 de Mayo 10, Nuevo Laredo", employer="Maquiladora Norte"))
        day = D(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


@pytest.mark.seed("work_permit.renewal_min_months_employed")
# "Permit holders could renew their permits as long as they were employed a certain number of
#  months (say eight months) in each rolling twelve-month period, had no felony convictions, and
#  reported regularly to the INS."
@pytest.mark.parametrize(
    ("months_employed", "granted", "reason"),
    [
        ([(2026, m) for m in range(1, 9)], True, "at least 8 months"),  # exactly eight of twelve
        ([(2026, m) for m in range(1, 8)], False, "employed 7 of the 12 months ending 2026-12"),
        ([(2026, m) for m in range(1, 13)], True, ""),
    ],
)
def test_renewal_needs_eight_of_twelve_months(months_employed, granted, reason) -> None:  # type: ignore[no-untyped-def]
    h = person(
        permits=[Spell(start=D(2026, 1, 1))],
        employment=employed(*months_employed),
        reports=reports_monthly(D(2026, 1, 1), D(2027, 1, 1)),
    )
    decision = may_renew(h, D(2027, 1, 1))
    assert decision.granted is granted
    assert reason in str(decision)


@pytest.mark.seed("work_permit.renewal_window_months")
def test_every_rolling_window_counts_not_just_the_last() -> None:
    # 2026: 8 months employed (Jan-Aug); 2027: only Sep-Dec of 2026 + Jan-Apr 2027 -> the window
    # ending 2027-06 has Jul-Aug 2026 + Jan-Apr 2027 = 6 months.
    months = [(2026, m) for m in range(1, 9)] + [(2027, m) for m in range(1, 5)] + [(2027, m) for m in range(9, 13)]
    h = person(
        permits=[Spell(start=D(2026, 1, 1))],
        employment=employed(*months),
        reports=reports_monthly(D(2026, 1, 1), D(2028, 1, 1)),
    )
    decision = may_renew(h, D(2028, 1, 1))
    assert not decision.granted
    assert "of the 12 months ending 2027-0" in str(decision)


@pytest.mark.seed("work_permit.employed_month_min_days")
def test_a_few_days_do_not_make_a_month() -> None:
    spells = [*employed(*[(2026, m) for m in range(1, 8)]), Spell(start=D(2026, 8, 1), end=D(2026, 8, 10))]
    h = person(
        permits=[Spell(start=D(2026, 1, 1))], employment=spells, reports=reports_monthly(D(2026, 1, 1), D(2027, 1, 1))
    )
    assert not may_renew(h, D(2027, 1, 1)).granted  # 10 days in August: 7 months, not 8


@pytest.mark.seed("work_permit.report_interval_months")
@pytest.mark.parametrize(
    ("felony", "reports", "granted", "reason"),
    [
        (None, "monthly", True, ""),
        (D(2026, 6, 1), "monthly", False, "felony conviction on 2026-06-01"),
        (None, "gap", False, "no report of address and employer between"),
        (None, "bare", False, "stating no address or employer not counted"),
    ],
)
def test_renewal_needs_no_felony_and_regular_reports(felony, reports, granted, reason) -> None:  # type: ignore[no-untyped-def]
    dates = reports_monthly(D(2026, 1, 1), D(2027, 1, 1))
    if reports == "gap":
        dates = [d for d in dates if not D(2026, 3, 1) <= d.on <= D(2026, 8, 1)]
    if reports == "bare":  # the same days, recorded without what the seed says a report states
        dates = [Report(on=d.on) if D(2026, 3, 1) <= d.on <= D(2026, 8, 1) else d for d in dates]
    h = person(
        permits=[Spell(start=D(2026, 1, 1))],
        employment=employed(*[(2026, m) for m in range(1, 13)]),
        reports=dates,
        felony_convictions=[felony] if felony else [],
    )
    decision = may_renew(h, D(2027, 1, 1))
    assert decision.granted is granted
    assert reason in str(decision)


def test_renewal_in_the_first_year_is_prorated() -> None:
    h = person(
        permits=[Spell(start=D(2026, 1, 1))],
        employment=employed((2026, 1), (2026, 2), (2026, 3), (2026, 4)),
        reports=reports_monthly(D(2026, 1, 1), D(2026, 7, 1)),
    )
    decision = may_renew(h, D(2026, 7, 1))  # 6 months held: ceil(8 * 6 / 12) = 4 required
    assert decision.granted, str(decision)
    assert "at least 4 required" in str(decision)


@pytest.mark.seed("work_permit.residency_after_years")
# "They could apply for residency after a certain number of years (say a cumulative five years
#  as temporary permit holders)."
@pytest.mark.parametrize(
    ("permits", "on", "granted"),
    [
        ([Spell(start=D(2020, 3, 1))], D(2025, 3, 1), True),  # exactly five years
        ([Spell(start=D(2020, 3, 1))], D(2025, 2, 28), False),
        # cumulative: 3 years + a gap + 2 years
        ([Spell(start=D(2015, 1, 1), end=D(2017, 12, 31)), Spell(start=D(2019, 1, 1))], D(2021, 1, 2), True),
        ([Spell(start=D(2015, 1, 1), end=D(2017, 12, 31)), Spell(start=D(2019, 1, 1))], D(2020, 12, 1), False),
        # 3 + 2 calendar years with no leap day inside (1,825 days): five years (1,826 days refused it)
        (
            [Spell(start=D(2025, 1, 1), end=D(2027, 12, 31)), Spell(start=D(2029, 1, 1), end=D(2030, 12, 31))],
            D(2031, 1, 1),
            True,
        ),
        (
            [Spell(start=D(2025, 1, 1), end=D(2027, 12, 31)), Spell(start=D(2029, 1, 1), end=D(2030, 12, 30))],
            D(2031, 1, 1),
            False,
        ),
        # unbroken across two leap days (1,827 days to the anniversary): not a day before it
        ([Spell(start=D(2020, 1, 1))], D(2024, 12, 31), False),
        ([Spell(start=D(2020, 1, 1))], D(2025, 1, 1), True),
        # starting on 29 February: the fifth anniversary is 28 February
        ([Spell(start=D(2020, 2, 29))], D(2025, 2, 27), False),
        ([Spell(start=D(2020, 2, 29))], D(2025, 2, 28), True),
        # one spell of 4 years + one of exactly 1 year spanning 29 February 2028
        ([Spell(start=D(2019, 6, 1), end=D(2023, 5, 31)), Spell(start=D(2027, 6, 1))], D(2028, 6, 1), True),
        ([Spell(start=D(2019, 6, 1), end=D(2023, 5, 31)), Spell(start=D(2027, 6, 1))], D(2028, 5, 31), False),
        # a renewal recorded as two adjacent spells is one unbroken holding: five years on the
        # fifth anniversary (counted apart, the two fractions of years made 4.999: issue 27)
        ([Spell(start=D(2016, 3, 4), end=D(2019, 3, 5)), Spell(start=D(2019, 3, 6))], D(2021, 3, 4), True),
        ([Spell(start=D(2016, 3, 4), end=D(2019, 3, 5)), Spell(start=D(2019, 3, 6))], D(2021, 3, 3), False),
    ],
)
def test_residency_after_cumulative_five_years(permits, on, granted) -> None:  # type: ignore[no-untyped-def]
    decision = may_apply_for_residency(person(permits=permits), on)
    assert decision.granted is granted, str(decision)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ({"employment": [Spell(start=D(2026, 1, 1), end=D(2026, 6, 30)), Spell(start=D(2026, 6, 1))]}, "overlap"),
        ({"employment": [{"start": D(2026, 1, 1), "end": D(2025, 1, 1)}]}, "before start"),
    ],
)
def test_bad_histories_are_refused_with_a_clear_error(history, message) -> None:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    with pytest.raises((RuleInputError, ValidationError), match=message):
        h = person(permits=[Spell(start=D(2026, 1, 1))], **history)
        may_renew(h, D(2027, 1, 1))


def test_a_past_day_is_judged_as_the_history_stood_then() -> None:
    """Records dated after the day asked are left out (they could not be known), and the answer
    says so; the decision is the one the shorter history gets."""
    before = person(
        permits=[Spell(start=D(2026, 1, 1))],
        employment=[Spell(start=D(2026, 1, 1))],
        reports=reports_monthly(D(2026, 1, 1), D(2026, 7, 1)),
    )
    later = before.model_copy(
        update={
            "reports": [*before.reports, Report(on=D(2030, 1, 1))],
            "felony_convictions": [D(2031, 1, 1)],
            "permits": [
                *before.permits[:0],
                Spell(start=D(2026, 1, 1), end=D(2028, 12, 31)),
                Spell(start=D(2029, 6, 1)),
            ],
        }
    )
    asked = D(2026, 7, 1)
    plain, known = may_renew(before, asked), may_renew(later, asked)
    assert (known.granted, known.reasons, known.rules) == (plain.granted, plain.reasons, plain.rules)
    assert plain.notes == [] and known.notes[0] == f"judged on the history as it stood on {asked}"
    assert any("felony convictions dated after" in n for n in known.notes)
    assert any("permits spell(s) starting after" in n for n in known.notes)
    assert "left out" in str(known)


# "In the meantime, they should accumulate public Social Security and Medicare rights, as well as
#  any private health or pension benefits."
def test_rights_accrue_for_months_employed_while_holding() -> None:
    from smartborder.rules.work_permit import accrued_rights

    h = person(
        permits=[Spell(start=D(2026, 1, 1), end=D(2026, 12, 31))],
        employment=employed(*[(2025, m) for m in range(6, 13)], *[(2026, m) for m in range(1, 6)]),
    )
    rights = accrued_rights(h, D(2027, 6, 1))
    assert rights["months_credited"] == 5  # 2025 employment was before the permit
    assert "Medicare" in rights["accruing"]


@given(st.dates(dt.date(2010, 1, 1), dt.date(2040, 12, 31)), st.integers(1, 5 * 365))
def test_a_renewal_never_costs_a_day(start: dt.date, offset: int) -> None:
    """However a holding is split into adjacent spells (renewals), residency opens on the fifth
    anniversary, as for the unbroken spell."""
    from smartborder.rules.calendar import add_years

    split = start + dt.timedelta(days=offset)
    renewed = [Spell(start=start, end=split - dt.timedelta(days=1)), Spell(start=split)]
    anniversary = add_years(start, 5)
    assert may_apply_for_residency(person(permits=renewed), anniversary).granted
    assert not may_apply_for_residency(person(permits=renewed), anniversary - dt.timedelta(days=1)).granted


# "Cumulative five years": counted in calendar years, months and days (issue 27 item 11).
@pytest.mark.parametrize(
    ("spells", "until", "years"),
    [
        # two January-June holdings of 2 years 6 months: 5 years
        (
            [(dt.date(2020, 1, 1), dt.date(2022, 6, 30)), (dt.date(2023, 1, 1), dt.date(2025, 6, 30))],
            dt.date(2030, 1, 1),
            5,
        ),
        # 4 years 11 months and a whole February: 5
        (
            [(dt.date(2020, 3, 1), dt.date(2025, 1, 31)), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))],
            dt.date(2030, 1, 1),
            5,
        ),
        # the fifth anniversary of an unbroken holding, across a leap day: 5
        ([(dt.date(2020, 2, 29), None)], dt.date(2025, 2, 28), 5),
        ([(dt.date(2019, 7, 15), None)], dt.date(2024, 7, 15), 5),
        # a holding from 31 January: a whole month on the last day of February
        ([(dt.date(2025, 1, 31), None)], dt.date(2025, 2, 28), Fraction(1, 12)),
    ],
)
def test_years_held_count_whole_months(spells, until, years) -> None:  # type: ignore[no-untyped-def]
    from fractions import Fraction as F

    from smartborder.rules.calendar import years_held
    from smartborder.rules.history import Spell

    held = [Spell(start=a, end=b) for a, b in spells]
    assert years_held(held, until) == F(years)


def test_four_years_eleven_months_and_29_days_are_not_five() -> None:
    from smartborder.rules.calendar import years_held
    from smartborder.rules.history import Spell

    held = [
        Spell(start=dt.date(2020, 3, 1), end=dt.date(2025, 1, 31)),
        Spell(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 29)),
    ]
    assert 4 + Fraction(11, 12) < years_held(held, dt.date(2030, 1, 1)) < 5
