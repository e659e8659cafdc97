"""Issue 27, items 9 and 14: what the HTTP bodies refused, the rules themselves refuse (a call from
Python or the CLI cannot skip it), and the cap's two doors — ``allocate`` and ``project`` — judge
an application on the same day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from smartborder.rules.cap import Application, allocate
from smartborder.rules.errors import RuleInputError
from smartborder.rules.history import History
from smartborder.rules.projection import project
from smartborder.rules.questions import ask
from smartborder.rules.trade import InputImport, roo_waiver
from tests.cli.test_data_commands import run

PASSED = {"person_id": "a1", "background_check": "passed"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employment", [{"start": "0001-01-01"}]),
        ("permits", [{"start": "2020-01-01", "end": "9999-12-31"}]),
        ("illegal_crossings", ["0001-06-15"]),
        ("reports", [{"on": "2300-01-01", "address": "x", "employer": "y"}]),
        ("resided_in_us_since", "1850-01-01"),
    ],
)
def test_a_history_day_outside_the_years_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=f"{field}: .* is outside the years 1900..2199"):
        History.model_validate({**PASSED, field: value})


@pytest.mark.parametrize("field", ["on", "announced", "issued"])
def test_the_days_asked_about_are_within_the_years(field: str) -> None:
    days = {"on": dt.date(2030, 1, 1), "announced": dt.date(2026, 1, 1), "issued": dt.date(2027, 1, 1)}
    days[field] = dt.date(9999, 12, 31)
    with pytest.raises(RuleInputError, match=f"^{field}: 9999 is outside the years"):
        ask(
            "citizenship",
            History.model_validate(PASSED),
            days["on"],
            announced=days["announced"],
            issued=days["issued"],
        )


def test_an_importing_mfn_rate_is_a_tariff_rate() -> None:
    inputs = [InputImport(tariff_line="7208", value=100.0, tariff_paid_pct=0.0)]
    with pytest.raises(RuleInputError, match=r"^importing_mfn_pct.7208: 1001.0 is not a tariff rate"):
        roo_waiver("importer", 2027, inputs, {"7208": 1001.0})


def test_allocate_and_project_issue_a_mid_year_bar_in_the_same_year() -> None:
    """A crossing on 2024-06-15 bars an application filed 2025-01-10 until 2027-06-15: both doors
    judge the year's cap on 1 January (or the filing day), so both issue it in 2028."""
    history = History.model_validate({**PASSED, "illegal_crossings": ["2024-06-15"]})
    application = Application(application_id="a1", filed=dt.date(2025, 1, 10), skill="skilled", history=history)
    frame = pd.DataFrame(
        [
            {
                "applicant_id": "a1",
                "filed": dt.date(2025, 1, 10),
                "skill": "skilled",
                "background_check": "passed",
                "last_illegal_crossing": dt.date(2024, 6, 15),
            }
        ]
    )
    projected = project(frame, 2025, 5)["issued"]
    allocated = {year: len(allocate([application], year).issued) for year in range(2025, 2030)}
    assert allocated == {2025: 0, 2026: 0, 2027: 0, 2028: 1, 2029: 1}  # a fresh allocation each year
    assert projected.to_dict() == {2025: 0, 2026: 0, 2027: 0, 2028: 1, 2029: 0}  # issued once, in the first


def test_project_refuses_years_it_cannot_count() -> None:
    frame = pd.DataFrame(
        [{"applicant_id": "a1", "filed": dt.date(2025, 1, 10), "skill": "skilled", "background_check": "passed"}]
    )
    with pytest.raises(RuleInputError, match=r"^start_year: 0 is outside"):
        project(frame, 0, 2)
    with pytest.raises(RuleInputError, match=r"^years: 2200 is outside"):
        project(frame, 2199, 2)


def test_the_cli_answers_far_years_with_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "h.json"
    history.write_text(json.dumps(PASSED))
    code, _, err = run(
        ["permits", "check", str(history), "--on", "9999-12-31", "-q", "citizenship", "--issued", "9999-12-31"], capsys
    )
    assert code == 2 and "outside the years" in err and "Traceback" not in err
    applicants = tmp_path / "a.csv"
    applicants.write_text("applicant_id,filed,skill,background_check\na1,2025-01-10,skilled,passed\n")
    for start in ("9999", "0"):
        code, _, err = run(["permits", "project", str(applicants), "--start-year", start, "--years", "2"], capsys)
        assert code == 2 and "outside the years" in err, (start, err)
