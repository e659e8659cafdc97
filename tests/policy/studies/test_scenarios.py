"""Scenario levers, common random numbers and the cost formula."""

import numpy as np
import pandas as pd
import pytest

from smartborder import data
from smartborder.errors import InputFileError
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import compare, run_port
from smartborder.policy.studies.costs import CostParameters
from smartborder.policy.studies.scenario import Scenario, apply
from smartborder.ports import default_spec

MONTH = [pd.Period("2024-05", "M")]


@pytest.fixture(scope="module")
def nogales():  # type: ignore[no-untyped-def]
    spec = default_spec("nogales", 2024)
    return spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}})


@pytest.fixture(scope="module")
def baseline(nogales):  # type: ignore[no-untyped-def]
    return run_port(nogales, MONTH, replications=3, seed=11)


def test_zero_change_scenario_equals_baseline_exactly(nogales, baseline) -> None:  # type: ignore[no-untyped-def]
    same = run_port(apply(nogales, Scenario(name="nothing")), MONTH, replications=3, seed=11)
    pd.testing.assert_frame_equal(baseline.runs, same.runs)
    diff = compare(baseline, same)
    assert (diff["difference"].fillna(0) == 0).all()
    assert not diff["significant"].any()


def test_more_booths_never_increase_mean_wait(nogales, baseline) -> None:  # type: ignore[no-untyped-def]
    scenario = Scenario.model_validate(
        {"name": "+2 standard", "booths": [{"class": "truck", "lane": "standard", "delta": 2}]}
    )
    more = run_port(apply(nogales, scenario), MONTH, replications=3, seed=11)
    before = baseline.runs["truck.standard.wait_mean_min"].to_numpy()
    after = more.runs["truck.standard.wait_mean_min"].to_numpy()
    assert (after <= before + 1e-9).all()
    assert after.mean() < before.mean()  # and here it really helps


def test_fewer_booths_increase_waits_significantly(nogales, baseline) -> None:  # type: ignore[no-untyped-def]
    scenario = Scenario.model_validate({"name": "-2", "booths": [{"class": "truck", "lane": "standard", "delta": -2}]})
    fewer = run_port(apply(nogales, scenario), MONTH, replications=3, seed=11)
    row = compare(baseline, fewer).loc["truck.wait_mean_min"]
    assert row["difference"] > 0 and row["significant"]


def test_doubling_fast_enrolment_moves_trucks_to_fast(nogales) -> None:  # type: ignore[no-untyped-def]
    scenario = Scenario.model_validate({"name": "FAST x2", "classes": {"truck": {"entitlements": {"FAST": 0.4}}}})
    changed = apply(nogales, scenario)
    assert changed.classes["truck"].flow_shares() == pytest.approx({"FAST": 0.4, "standard": 0.6})
    assert nogales.classes["truck"].entitlements == {"FAST": 0.2}  # baseline untouched


def test_pre_inspection_lowers_referrals(nogales, baseline) -> None:  # type: ignore[no-untyped-def]
    scenario = Scenario.model_validate({"name": "plant", "classes": {"truck": {"pre_inspected_share": 0.3}}})
    run = run_port(apply(nogales, scenario), MONTH, replications=3, seed=11)
    assert "truck.pre_inspected.wait_mean_min" in run.runs
    row = compare(baseline, run).loc["truck.secondary_inspections"]
    assert row["difference"] < 0 and row["significant"]


def test_volume_growth_and_new_port(nogales) -> None:  # type: ignore[no-untyped-def]
    grow = apply(nogales, Scenario.model_validate({"name": "g", "classes": {"truck": {"volume_factor": 1.2}}}))
    assert grow.classes["truck"].volume_factor == 1.2
    new = apply(nogales, Scenario.model_validate({"name": "n", "new_port": {"name": "X", "takes": {"Nogales": 0.25}}}))
    assert new.classes["truck"].volume_factor == pytest.approx(0.75)
    other = apply(nogales, Scenario.model_validate({"name": "n", "new_port": {"name": "X", "takes": {"Laredo": 0.25}}}))
    assert other.classes["truck"].volume_factor == 1.0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": "x", "booths": [{"class": "truck", "lane": "SENTRI", "delta": 1}]}, "no 'SENTRI' lane"),
        ({"name": "x", "booths": [{"class": "pov", "lane": "standard", "delta": 1}]}, "no pov traffic"),
        ({"name": "x", "classes": {"truck": {"pre_inspected_share": 1.5}}}, "pre_inspected_share"),
        ({"name": "x", "lever": 3}, "lever"),
        (
            {"name": "x", "classes": {"truck": {"entitlements": {"FAST": 0.9}, "pre_inspected_share": 0.3}}},
            "entitlements",
        ),
    ],
)
def test_bad_scenarios_are_rejected_before_running(nogales, raw, message, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import tomli_w

    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises((InputFileError, AnalysisError), match=message):
        apply(nogales, Scenario.from_toml(path))


def test_cost_follows_from_hours_by_the_documented_formula(baseline) -> None:  # type: ignore[no-untyped-def]
    p = CostParameters()
    runs = baseline.runs
    hours = runs["truck.vehicle_hours_delay"]
    expected = hours * p.truck_vot_per_vehicle_hour + hours * p.truck_idle_gallons_per_hour * p.diesel_price_per_gallon
    np.testing.assert_allclose(runs["truck.total_cost_usd"], expected)
    np.testing.assert_allclose(
        runs["truck.co2_tonnes"], hours * p.truck_idle_gallons_per_hour * p.diesel_kg_co2_per_gallon / 1000
    )
    np.testing.assert_allclose(runs["port.total_cost_usd"], runs["truck.total_cost_usd"])
    assert (hours > 0).all()


def test_reusing_unchanged_classes_gives_the_same_numbers() -> None:
    spec = default_spec("tecate", 2024)
    base = run_port(spec, MONTH, replications=2, seed=3)
    scenario = apply(
        spec, Scenario.model_validate({"name": "b", "booths": [{"class": "pov", "lane": "standard", "delta": -1}]})
    )
    full = run_port(scenario, MONTH, replications=2, seed=3)
    quick = run_port(scenario, MONTH, replications=2, seed=3, reuse=base)
    pd.testing.assert_frame_equal(full.runs[sorted(full.runs.columns)], quick.runs[sorted(quick.runs.columns)])
    assert not full.runs["pov.wait_mean_min"].equals(base.runs["pov.wait_mean_min"])


def test_new_port_carries_the_diverted_volume() -> None:
    from smartborder.ports.newport import new_port_spec

    spec = new_port_spec("New crossing", {"Laredo": 0.15}, 2024, booths={"truck": {"standard": 3}})
    assert spec.volume_sources == dict.fromkeys(
        ("gateway-to-the-americas", "juarez-lincoln", "colombia", "world-trade-bridge"), 0.15
    )
    assert spec.classes["truck"].lanes["standard"].booths == 3
    assert spec.classes["truck"].lanes["FAST"].booths >= 1  # sized
    new = run_port(spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}}), MONTH, replications=1, seed=1)
    trucks = sum(
        float(data.resolve_crossing(c).series("Trucks", data.MonthRange(MONTH[0], MONTH[0])).sum())
        for c in ("colombia", "world trade bridge")
    )
    assert new.runs["truck.vehicles"].iloc[0] == pytest.approx(0.15 * trucks, rel=0.03)
    assert spec.provenance["sources"].startswith("SCENARIO")


def test_a_lever_on_a_lane_type_that_never_opens_says_so() -> None:
    """Nogales staffs no FAST lane at any hour: doubling FAST enrolment cannot act through a FAST
    lane, and the comparison says so; a scenario that staffs a FAST lane says it opens one."""
    from smartborder.policy.studies.scenario import Scenario, apply_all
    from smartborder.policy.studies.study import lane_notes

    june = [pd.Period("2024-06", "M")]
    base = [default_spec("nogales", 2024)]
    fast = Scenario.load("double-fast")
    notes = lane_notes("double-fast", base, apply_all(base, fast), june)
    assert len(notes) == 1 and "staffs no truck FAST lane at any hour" in notes[0] and "20% → 50%" in notes[0]
    opened = Scenario.model_validate(
        {"name": "fast-lane", "booths": [{"class": "truck", "lane": "FAST", "delta": 1, "hours": [8, 16]}]}
    )
    notes = lane_notes("fast-lane", base, apply_all(base, opened), june)
    assert (
        len(notes) == 1 and "opens Nogales" in notes[0] and "7.3 lane-hours a day" in notes[0]
    )  # 8 h weekdays and Saturdays, 4 h Sundays (its FAST hours)
    assert lane_notes("none", base, base, june) == []
