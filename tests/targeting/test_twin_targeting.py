"""The twin's secondary referral and interdiction come from risk targeting."""

import pandas as pd
import pytest

from smartborder.policy.studies.analysis import compare, run_port
from smartborder.policy.studies.scenario import Scenario, apply
from smartborder.ports import default_spec

MONTH = [pd.Period("2024-05", "M")]


@pytest.fixture(scope="module")
def nogales():  # type: ignore[no-untyped-def]
    spec = default_spec("nogales", 2024)
    return spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}})


@pytest.fixture(scope="module")
def targeted(nogales):  # type: ignore[no-untyped-def]
    return run_port(nogales, MONTH, replications=3, seed=5, keep_last=False)


def test_targeting_catches_more_than_random_selection_at_the_same_rate(nogales, targeted) -> None:  # type: ignore[no-untyped-def]
    random = run_port(
        apply(nogales, Scenario.model_validate({"name": "r", "targeting": {"selection": "random"}})),
        MONTH,
        replications=3,
        seed=5,
        keep_last=False,
    )
    t, r = targeted.runs, random.runs
    # same streams: the same arrivals and the same illicit loads
    pd.testing.assert_series_equal(t["truck.illicit_loads"], r["truck.illicit_loads"])
    pd.testing.assert_series_equal(t["truck.vehicles"], r["truck.vehicles"])
    # the same inspection rate, within the draws
    ratio = t["truck.secondary_inspections"] / r["truck.secondary_inspections"]
    assert ratio.between(0.95, 1.05).all()
    assert (t["truck.illicit_caught"] > 2 * r["truck.illicit_caught"]).all()
    assert (r["truck.targeted_inspections"] == 0).all()


def test_referrals_are_the_red_channel_and_spend_the_budget(nogales, targeted) -> None:  # type: ignore[no-untyped-def]
    runs = targeted.runs
    split = runs["truck.targeted_inspections"] + runs["truck.random_inspections"]
    forced_free = runs["truck.secondary_inspections"] - split  # forced reds (broken seals)
    assert (forced_free >= 0).all()
    referral = nogales.classes["truck"].secondary.referral
    shares = nogales.classes["truck"].flow_shares()
    budget = sum(shares[lane] * referral[lane] for lane in shares)
    rate = runs["truck.secondary_inspections"] / runs["truck.vehicles"]
    assert rate.mean() == pytest.approx(budget, rel=0.05)
    hits = runs["truck.targeted_hits"] + runs["truck.random_hits"]
    assert (hits <= runs["truck.illicit_caught"]).all()


def test_a_scenario_changes_thresholds_and_the_rest_stays_exact(nogales, targeted) -> None:  # type: ignore[no-untyped-def]
    more = run_port(
        apply(nogales, Scenario.model_validate({"name": "more", "targeting": {"inspection_rate": {"truck": 0.1}}})),
        MONTH,
        replications=3,
        seed=5,
        keep_last=False,
    )
    diff = compare(targeted, more)
    assert diff.loc["truck.secondary_inspections", "difference"] > 0
    assert diff.loc["truck.illicit_caught", "difference"] > 0
    assert diff.loc["truck.illicit_loads", "difference"] == 0  # common random numbers
    assert diff.loc["truck.wait_mean_min", "difference"] == 0  # primary is untouched


def test_unchanged_classes_are_identical_when_truck_targeting_changes() -> None:
    spec = default_spec("tecate", 2024)
    base = run_port(spec, MONTH, replications=1, seed=2, keep_last=False)
    other = run_port(
        apply(spec, Scenario.model_validate({"name": "t", "targeting": {"red_threshold": {"truck": 0.02}}})),
        MONTH,
        replications=1,
        seed=2,
        keep_last=False,
    )
    pov = [c for c in base.runs if c.startswith("pov.")]
    pd.testing.assert_frame_equal(base.runs[pov], other.runs[pov])
    assert not base.runs["truck.secondary_inspections"].equals(other.runs["truck.secondary_inspections"])


def test_classes_in_threads_give_the_same_selection() -> None:
    import numpy as np

    from smartborder.policy.studies.analysis import demand_for
    from smartborder.policy.studies.targeting_twin import select
    from smartborder.twin import flow_streams
    from smartborder.twin.arrivals import poisson_arrivals

    spec = default_spec("tecate", 2024)
    model = spec.to_model()
    demand, _ = demand_for(spec, MONTH)
    streams = flow_streams(4, 0, list(demand))
    arrivals = {name: poisson_arrivals(hourly, streams[name]) for name, hourly in demand.items()}
    one, two = select(spec, model, arrivals, 4, 0, workers=1), select(spec, model, arrivals, 4, 0, workers=2)
    assert one[0].keys() == two[0].keys() and len(one[0]) == len(arrivals)
    for name in one[0]:
        np.testing.assert_array_equal(one[0][name][1], two[0][name][1])
        np.testing.assert_array_equal(one[1][name].caught, two[1][name].caught)


def test_sweeps_reach_the_targeting_levers() -> None:
    from smartborder.policy.studies.sweep import scenario_for

    scenario = scenario_for(
        None, {"targeting.inspection_rate.truck": 0.05, "targeting.selection": "random", "targeting.random_share": 0.2}
    )
    spec = apply(default_spec("tecate", 2024), scenario)
    assert spec.targeting.inspection_rate == {"truck": 0.05}
    assert (spec.targeting.selection, spec.targeting.random_share) == ("random", 0.2)
