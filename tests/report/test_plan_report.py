"""The investment plan's report: the frontier figure, the sources table and the scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartborder.policy.deciding.investments import as_scenario
from smartborder.policy.deciding.plan import plan_place
from smartborder.policy.studies.scenario import Scenario
from smartborder.report.plan import sources_frame, write_plan_report


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return plan_place("santa teresa", month="2024-06", replications=2, seed=3)


def test_report_files_and_every_option_has_its_sources(plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = write_plan_report(plan, tmp_path)
    text = page.read_text("utf-8")
    assert text.count("<img") == 1 and "Where every figure comes from" in text
    for option_id in plan.planner.options:
        assert f"<code>{option_id}." in text  # its figures listed with their sources
    sources = sources_frame(plan)
    option_rows = sources[sources["item"].isin(plan.planner.options)]
    assert option_rows["source"].str.match(r"^(FACT|ESTIMATE)").all()
    assert {"capital", "annual"} <= set(option_rows["figure"])


def test_each_scenario_file_runs_the_option_as_the_plan_did(plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_plan_report(plan, tmp_path)
    for option_id, option in plan.planner.options.items():
        path = tmp_path / "scenarios" / f"{option_id}.toml"
        assert path.exists(), option_id
        loaded = Scenario.load(path)
        assert loaded == as_scenario(plan.study.specs, [option])
