"""Reports lead with labelled figures per class and lane; every raw key is explained."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartborder.policy.studies.place import mean_table, worse_waits
from smartborder.policy.studies.study import compare_study, simulate_study
from smartborder.report.html import write_comparison_report, write_simulation_report
from smartborder.report.summary import (
    comparison_summary,
    explain,
    period_label,
    run_summary,
)
from smartborder.vocabulary import ALL_LANES


@pytest.fixture(scope="module")
def laredo():  # type: ignore[no-untyped-def]
    return simulate_study("laredo", month="2024-06", replications=2, seed=1)


@pytest.fixture(scope="module")
def fast():  # type: ignore[no-untyped-def]
    return compare_study("laredo", ["double-fast"], month="2024-06", classes=["truck"], replications=3)


def test_every_key_a_run_records_is_explained(laredo) -> None:  # type: ignore[no-untyped-def]
    keys = set(laredo.run.totals().columns) | {c for r in laredo.run.runs.values() for c in r.runs.columns}
    unexplained = sorted(k for k in keys if explain(k)[0] == k)
    assert not unexplained
    assert explain("truck.lane.FAST.wait_mean_min") == (
        "trucks, FAST lanes: mean wait to primary (arrivals while open)",
        "min",
    )
    assert explain("pov.SENTRI.wait_p95_min")[0].startswith("cars, SENTRI holders")


def test_summary_rows_are_the_run_figures(laredo) -> None:  # type: ignore[no-untyped-def]
    summary = run_summary(laredo.study, laredo.run)
    for spec in laredo.study.specs:
        table = mean_table(laredo.run.runs[spec.crossing].runs)
        place = re.sub(r"\s*\(.*\)", "", spec.name).split(",")[0]
        for vehicle, cls in spec.classes.items():
            rows = summary[(summary["place"] == place) & (summary["class"] == vehicle)]
            head = rows[rows["lane"] == ALL_LANES].iloc[0]
            assert head["wait_mean_min"] == pytest.approx(table.loc[f"{vehicle}.wait_mean_min", "mean"])
            assert head["per_day"] == pytest.approx(table.loc[f"{vehicle}.throughput_per_day", "mean"])
            opened = {
                f"{lane} lanes" for lane in cls.lanes if table.loc[f"{vehicle}.lane.{lane}.booth_hours", "mean"] > 0
            }
            assert opened <= set(rows["lane"]) - {ALL_LANES} <= {f"{lane} lanes" for lane in cls.lanes}
            lanes = rows[rows["lane"] != ALL_LANES]
            assert lanes["lane_hours_per_day"].sum() == pytest.approx(head["lane_hours_per_day"])


def test_the_total_of_a_lane_type_weights_each_crossing_by_its_vehicles(laredo) -> None:  # type: ignore[no-untyped-def]
    totals = laredo.run.totals()
    runs = [r.runs for r in laredo.run.runs.values() if "truck.lane.FAST.vehicles" in r.runs]
    assert len(runs) == 2  # Colombia and World Trade Bridge
    weight = sum(r["truck.lane.FAST.vehicles"] for r in runs)
    expected = sum(r["truck.lane.FAST.wait_mean_min"] * r["truck.lane.FAST.vehicles"] for r in runs) / weight
    np.testing.assert_allclose(totals["truck.lane.FAST.wait_mean_min"], expected)
    np.testing.assert_allclose(totals["truck.lane.FAST.vehicles"], weight)


def test_comparison_summary_flags_what_worse_waits_flags(fast) -> None:  # type: ignore[no-untyped-def]
    _, diffs = fast.scenarios["double-fast"]
    names = {c: c for c in diffs}
    summary = comparison_summary(diffs, names)
    flagged = {(r["place"], r["key"]) for _, r in summary[summary["worse"]].iterrows() if r["place"] != "total"}
    found = {(w["crossing"], w["figure"]) for w in worse_waits(diffs) if w["holders"] is None}
    assert flagged == found and found  # doubling FAST lengthens the FAST lanes' own queue


def test_period_label_says_when_a_year_is_partial() -> None:
    year = list(pd.period_range("2024-01", "2024-12", freq="M"))
    assert period_label(year) == "2024"
    assert period_label(year[:2]) == "2024-01..2024-02 (partial year: 2 of 12 months)"
    assert period_label(year[5:6]) == "2024-06"


def test_the_html_report_leads_with_the_summary_and_ends_with_raw_keys(laredo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = write_simulation_report(laredo.study, laredo.run, tmp_path).read_text("utf-8")
    summary_at, raw_at = page.index("<h2>Summary</h2>"), page.index("<h2>All figures</h2>")
    assert summary_at < page.index("What is assumed") < raw_at
    assert "wait_mean_min" not in page[:raw_at]  # no internal name before the explained dump
    assert "Mean wait, min" in page[:raw_at] and "FAST lanes" in page[:raw_at]
    sheets = pd.read_excel(tmp_path / "summary.xlsx", sheet_name=None)
    assert {"Summary", "All figures", "Hourly", "Staffing", "Provenance"} <= set(sheets)
    csv = pd.read_csv(tmp_path / "summary.csv")
    pd.testing.assert_frame_equal(sheets["Summary"], csv, check_dtype=False)


def test_the_comparison_report_flags_worse_lanes_in_its_summary(fast, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = write_comparison_report(fast.study, fast.baseline, fast.scenarios, tmp_path).read_text("utf-8")
    raw_at = page.index("<h2>All figures</h2>")
    first = page[: page.index("<h2>By hour</h2>")]
    assert "materially longer" in first and "FAST lanes" in first and "class='worse'" in first
    assert "wait_mean_min" not in page[:raw_at]
    assert pd.read_excel(tmp_path / "comparison.xlsx", sheet_name=None)


def test_a_new_port_is_compared_as_a_network() -> None:
    """The new crossing, each neighbour and the total: traffic moves, it is not created."""
    result = compare_study("laredo", ["new-port-laredo"], month="2024-06", classes=["truck"], replications=2)
    run, diffs = result.scenarios["new-port-laredo"]
    assert "new" in run.runs and "new" not in result.baseline.runs
    assert {"new", "total", "colombia", "world-trade-bridge"} <= set(diffs)
    new = diffs["new"]
    assert np.isnan(new.loc["truck.vehicles", "baseline"]) and new.loc["truck.vehicles", "scenario"] > 0
    total = diffs["total"].loc["truck.vehicles"]
    assert abs(total["difference"]) <= 0.01 * total["baseline"]  # the network keeps its trucks
    for neighbour in ("colombia", "world-trade-bridge"):
        assert diffs[neighbour].loc["truck.vehicles", "difference"] < 0  # each gives some up
    assert set(run.runs["new"].spec.classes) == {"truck"}  # --class holds for the new crossing too
