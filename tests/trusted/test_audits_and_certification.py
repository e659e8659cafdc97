"""Audit scoring and certification standing: input → expected output tables."""

import dataclasses
import datetime as dt

import pytest

from smartborder.trusted import CertEvent, CriteriaError, Finding, TransitionError, checklist, score
from smartborder.trusted.certification import add_years, check_next, pre_inspected, standing

D = dt.date


def all_met(**unmet: str) -> list[Finding]:
    return [Finding(c, c not in unmet, unmet.get(c, "")) for c in checklist().criteria]


def test_checklist_is_data_with_sources() -> None:
    rules = checklist()
    assert len(rules.categories) == 12 and "Seal security" in rules.categories.values()
    assert {c.category for c in rules.criteria.values()} == set(rules.categories)
    assert "C-TPAT" in rules.source and rules.scoring_source.startswith("ESTIMATE")
    assert rules.revalidation_years == 4 and "SAFE Port Act" in rules.certification_source


def test_everything_met_passes() -> None:
    result = score(all_met())
    assert result.passed and result.score == 1.0 and result.reasons == []


def test_an_unmet_must_fails_whatever_the_score() -> None:
    result = score(all_met(**{"seal.1": "bolt seals not ISO 17712"}))
    assert not result.passed and result.score > 0.9
    assert result.reasons == [
        "seal.1 (Seal security) not met: a 'must' criterion — bolt seals not ISO 17712",
        "Seal security scores 50% (at least 70% required)",
    ]


@pytest.mark.parametrize(
    "unmet, category_pass, passed, reason",
    [
        (["vision.2"], 0.70, True, None),  # vision 3 of 4 points = 75 %
        (["vision.2"], 0.80, False, "Security vision and responsibility scores 75% (at least 80% required)"),
    ],
)
def test_shoulds_count_towards_category_scores(
    unmet: list[str], category_pass: float, passed: bool, reason: str | None
) -> None:
    rules = dataclasses.replace(checklist(), category_pass=category_pass)
    result = score(all_met(**dict.fromkeys(unmet, "")), rules)
    assert result.category_scores["vision"] == pytest.approx(0.75)
    assert result.passed is passed
    assert result.reasons == ([reason] if reason else [])


def test_overall_threshold_from_shoulds_alone() -> None:
    shoulds = [c.id for c in checklist().criteria.values() if c.level == "should"]
    result = score(all_met(**dict.fromkeys(shoulds, "")))
    assert not result.passed
    assert any(r.startswith("overall score") for r in result.reasons)


@pytest.mark.parametrize(
    "findings, problem",
    [
        ([Finding("nope.1", True)], "unknown criterion 'nope.1'"),
        ([Finding("seal.1", True), Finding("seal.1", False)], "judged twice"),
        ([Finding("seal.1", True)], "missing vision.1"),
    ],
)
def test_bad_findings_are_refused(findings: list[Finding], problem: str) -> None:
    with pytest.raises(CriteriaError, match=problem) as exc:
        score(findings)
    assert exc.value.field == "findings"


EVENTS = [
    CertEvent("certified", D(2020, 3, 1)),
    CertEvent("suspended", D(2022, 5, 1), "seal tampering found"),
    CertEvent("reinstated", D(2022, 8, 1)),
    CertEvent("revalidated", D(2024, 2, 1)),
]


@pytest.mark.parametrize(
    "on, state, since, due",
    [
        (D(2020, 2, 29), "never", None, None),
        (D(2020, 3, 1), "certified", D(2020, 3, 1), D(2024, 3, 1)),
        (D(2022, 6, 1), "suspended", None, D(2024, 3, 1)),
        (D(2022, 8, 1), "certified", D(2022, 8, 1), D(2024, 3, 1)),
        (D(2025, 1, 1), "certified", D(2022, 8, 1), D(2028, 2, 1)),  # revalidation moves the due date, not 'since'
        (D(2028, 2, 1), "certified", D(2022, 8, 1), D(2028, 2, 1)),
        (D(2028, 2, 2), "lapsed", None, None),
    ],
)
def test_standing_on_each_day(on: dt.date, state: str, since: dt.date | None, due: dt.date | None) -> None:
    s = standing(EVENTS, on)
    assert (s.state, s.since, s.revalidation_due) == (state, since, due)
    assert s.trusted is (state == "certified")
    assert bool(s.reasons) is not s.trusted


def test_reasons_say_why_not() -> None:
    assert standing(EVENTS, D(2022, 6, 1)).reasons == ["suspended on 2022-05-01: seal tampering found"]
    assert standing(EVENTS, D(2029, 1, 1)).reasons == ["lapsed on 2028-02-02: not revalidated by 2028-02-01"]
    assert pre_inspected(EVENTS, D(2022, 6, 1)) == (False, ["suspended on 2022-05-01: seal tampering found"])
    assert pre_inspected(EVENTS, D(2023, 1, 1)) == (True, [])
    assert pre_inspected([], D(2023, 1, 1))[0] is False


def test_lapsed_while_suspended_cannot_be_reinstated() -> None:
    events = [CertEvent("certified", D(2018, 1, 1)), CertEvent("suspended", D(2021, 6, 1), "audit overdue")]
    with pytest.raises(TransitionError, match="lapsed"):
        check_next(events, CertEvent("reinstated", D(2022, 6, 1)))
    after = check_next(events, CertEvent("certified", D(2022, 6, 1)))
    assert after.trusted and after.since == D(2022, 6, 1)


@pytest.mark.parametrize(
    "new, field, problem",
    [
        (CertEvent("revoked", D(2023, 1, 1), " "), "reason", "needs a reason"),
        (CertEvent("reinstated", D(2023, 1, 1)), "kind", "while the certification is certified"),
        (CertEvent("suspended", D(2019, 1, 1), "x"), "on", "before the last recorded event"),
    ],
)
def test_steps_out_of_order_are_refused(new: CertEvent, field: str, problem: str) -> None:
    with pytest.raises(TransitionError, match=problem) as exc:
        check_next([CertEvent("certified", D(2020, 1, 1))], new)
    assert exc.value.field == field


def test_revocation_is_final() -> None:
    events = [CertEvent("certified", D(2020, 1, 1)), CertEvent("revoked", D(2021, 1, 1), "fraud")]
    assert standing(events, D(2030, 1, 1)).state == "revoked"
    with pytest.raises(TransitionError, match="revocation is final"):
        check_next(events, CertEvent("certified", D(2022, 1, 1)))


def test_leap_day_anniversary() -> None:
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
