"""A truck's whole crossing: every truck kept, every share and time what its parameter says, the
segments adding up to the total, a closed stage holding trucks, and the state inspecting every
truck doing what it did in Texas in April 2022."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import run_port
from smartborder.policy.studies.crossing_time import segment_times
from smartborder.policy.studies.scenario import Scenario, apply
from smartborder.policy.studies.targeting_twin import select
from smartborder.ports import default_spec, demand_for
from smartborder.ports.chain import REPORTED, SEGMENTS
from smartborder.ports.spec import PortSpec
from smartborder.twin import FlowTrace, LeanTrace, flow_streams, run
from smartborder.twin.arrivals import poisson_arrivals

MONTH = [pd.Period("2024-06", "M")]


WHOLE = Scenario.model_validate({"name": "whole crossing", "classes": {"truck": {"chain": {"add": True}}}})
EVERY = Scenario.model_validate(
    {
        "name": "state inspects all",
        "classes": {
            "truck": {
                "chain": {
                    "add": True,
                    "state": {"share": 1.0, "service": {"kind": "gamma", "mean": 52.5, "cv": 0.15}},
                }
            }
        },
    }
)


@pytest.fixture(scope="module")
def pharr() -> PortSpec:
    return apply(default_spec("pharr", 2024), WHOLE)


def _run(spec: PortSpec, seed: int = 1, engine: str = "auto"):  # type: ignore[no-untyped-def]
    model = spec.to_model()
    demand, first_weekday = demand_for(spec, MONTH)
    horizon = next(iter(demand.values())).size * 60.0
    names = [f.name for f in model.flows]
    arrivals = {n: poisson_arrivals(h, flow_streams(seed, 0, names)[n]) for n, h in demand.items()}
    routing, _ = select(spec, model, arrivals, seed, 0)
    result = run(
        model,
        arrivals,
        rng=flow_streams(seed, 0, names),
        horizon=horizon,
        start_weekday=first_weekday,
        routing=routing,
        engine=engine,  # type: ignore[arg-type]
    )
    return result, arrivals


@pytest.fixture(scope="module")
def pharr_run(pharr: PortSpec):  # type: ignore[no-untyped-def]
    return _run(pharr)


def test_every_crossing_that_handles_trucks_takes_the_default_chain() -> None:
    with_trucks = [
        c
        for c in data.crossings().values()
        if c.series("Trucks", data.MonthRange.parse("2024-01", "2024-12")).sum() > 0
    ]
    assert len(with_trucks) > 20
    for crossing in with_trucks:
        assert default_spec(crossing, 2024).classes["truck"].chain is None  # not yet by default
        spec = apply(default_spec(crossing, 2024), WHOLE)
        chain = spec.classes["truck"].chain
        assert chain is not None, crossing.id
        assert all(stage.servers >= 1 for stage in (chain.mexico, chain.mexico_exam, chain.scale, chain.state))
        assert "classes.truck.chain.mexico_exam.share" in spec.provenance


def test_the_route_runs_from_mexico_to_the_state_facility(pharr: PortSpec) -> None:
    model = pharr.to_model()
    flow = model.flow("truck.standard")
    stages = [model.station(step.stations[0]).stage for step in flow.route]
    assert stages == ["mexico_export", "mexico_exam", "bridge", "primary", "secondary", "state", "state"]
    assert flow.primary_step == 3
    assert model.flow("pov.standard").primary_step == 0  # cars start at CBP's line, as before


def test_no_truck_is_lost_and_the_segments_add_up(pharr_run) -> None:  # type: ignore[no-untyped-def]
    result, arrivals = pharr_run
    for name in ("truck.standard", "truck.FAST"):
        trace = result.flows[name]
        assert isinstance(trace, FlowTrace)
        inside = arrivals[name] < result.horizon
        times = segment_times(result, name)
        assert times["total"].size == int(inside.sum())  # every truck of the period crossed
        assert np.isfinite(trace.exit).all()  # and left, none held for ever
        parts = sum(times[s] for s in SEGMENTS)
        np.testing.assert_allclose(parts, times["total"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(times["total"], (trace.exit - trace.arrival)[inside], rtol=0, atol=1e-9)
        assert (times["cbp_wait"] <= times["cbp_primary"] + 1e-9).all()  # CBP's wait is inside its segment
        assert all((times[s] >= 0).all() for s in REPORTED)


def test_shares_and_times_are_their_parameters(pharr: PortSpec, pharr_run) -> None:  # type: ignore[no-untyped-def]
    """Measured from the simulated trucks: the share sent to each stage and its mean service,
    within four standard errors of the parameter."""
    result, _ = pharr_run
    chain = pharr.classes["truck"].chain
    assert chain is not None
    trace = result.flows["truck.standard"]
    assert isinstance(trace, FlowTrace)
    n = trace.size
    for k, (stage, share) in enumerate(
        [
            (chain.mexico, 1.0),
            (chain.mexico_exam, chain.mexico_exam.share),
            (None, 1.0),  # the bridge: below
            (None, 1.0),  # CBP primary
            (None, None),  # CBP secondary: risk targeting decides
            (chain.scale, 1.0),
            (chain.state, chain.state.share),
        ]
    ):
        visited = trace.station[:, k] >= 0
        if share is not None:
            assert abs(visited.mean() - share) <= 4 * np.sqrt(share * (1 - share) / n) + 1e-12
        if stage is not None:
            service = (trace.end[:, k] - trace.start[:, k])[visited]
            sd = stage.service.expected * (stage.service.cv or 1.0)
            assert abs(service.mean() - stage.service.expected) <= 4 * sd / np.sqrt(service.size)
    bridge = trace.end[:, 2] - trace.reach[:, 2]  # a road: nobody waits, the drive is the time
    assert abs(bridge.mean() - chain.bridge.expected) <= 4 * chain.bridge.expected * 0.4 / np.sqrt(n)
    np.testing.assert_array_equal(trace.start[:, 2], trace.reach[:, 2])


def test_the_chain_runs_the_same_on_the_general_engine_and_leaves_cars_lean(pharr: PortSpec, pharr_run) -> None:  # type: ignore[no-untyped-def]
    """``run`` takes the general engine only for the trucks' part of the port; every vehicle's
    times are those of the general engine run on the whole port."""
    mixed, _ = pharr_run
    general, _ = _run(pharr, engine="general")
    for name, trace in mixed.flows.items():
        other = general.flows[name]
        assert isinstance(other, FlowTrace)
        if name.startswith("truck."):
            assert isinstance(trace, FlowTrace)
            np.testing.assert_array_equal(trace.start, other.start)
            np.testing.assert_array_equal(trace.station, other.station)
        else:
            assert isinstance(trace, LeanTrace)
            np.testing.assert_array_equal(trace.begin, other.start[:, 0])
    assert mixed.servers.keys() == general.servers.keys()


def test_a_closed_stage_holds_trucks_until_it_opens(pharr: PortSpec) -> None:
    """Mexico's exams only from 08 to 12: a truck sent red later waits for the next morning,
    and crosses then; none is lost."""
    spec = pharr.model_copy(deep=True)
    chain = spec.classes["truck"].chain
    assert chain is not None
    chain.mexico_exam.open = (8, 12)
    result, _ = _run(spec)
    trace = result.flows["truck.standard"]
    assert isinstance(trace, FlowTrace)
    sent = trace.station[:, 1] >= 0
    reach_hour = (trace.reach[sent, 1] // 60) % 24
    start_hour = (trace.start[sent, 1] // 60) % 24
    late = (reach_hour >= 12) | (reach_hour < 8)
    assert late.sum() > 100
    assert ((start_hour[late] >= 8) & (start_hour[late] < 12)).all()  # they waited for it to open
    assert np.isfinite(trace.exit).all()


def test_the_state_inspecting_every_truck_reaches_hours(pharr: PortSpec) -> None:
    """Texas, April 2022: every truck inspected on bays sized for a few. CBP reported waits of
    five hours and more and commercial traffic down 30-60 % (CBP via KWTX and Overdrive). Held to
    direction on the order's first day: trucks that arrive on it take hours to cross (default:
    under one), and fewer trucks leave the state's facility. The magnitude overshoots: on the
    three bays the default sizes for 2 % of trucks the first day's trucks take 165 h on average
    (measured), not 5: carriers who stop sending trucks, a full facility blocking the bridge and
    the troopers Texas added are not modelled yet, so the line grows without end."""
    trucks = {"truck": pharr.classes["truck"]}
    base = run_port(pharr.model_copy(update={"classes": trucks}), MONTH, 1, seed=2)
    every = apply(pharr.model_copy(update={"classes": trucks}), EVERY)
    worse = run_port(every, MONTH, 1, seed=2)
    assert base.last is not None and worse.last is not None
    assert base.runs.iloc[0]["truck.crossing.total.mean_min"] < 60
    assert worse.runs.iloc[0]["truck.crossing.state_inspections"] > 0.95 * worse.runs.iloc[0]["truck.crossing.trucks"]
    first_day: list[np.ndarray] = []
    left: dict[str, float] = {}
    for label, result in (("base", base.last), ("every", worse.last)):
        leaving = 0.0
        for trace in result.flows.values():
            assert isinstance(trace, FlowTrace)
            leaving += float((trace.exit < result.horizon).sum())
            if label == "every":
                day = trace.arrival < 1440.0
                first_day.append((trace.exit - trace.arrival)[day])
        left[label] = leaving
    hours = np.concatenate(first_day).mean() / 60.0
    assert hours > 2.0  # hours, not minutes
    assert left["every"] < 0.7 * left["base"]  # a third fewer trucks out of the facility, or less


def test_chain_levers_name_their_errors(pharr: PortSpec) -> None:
    no_chain = default_spec("pharr", 2024)
    lever = Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": {"state": {"share": 1.0}}}}})
    with pytest.raises(AnalysisError, match=r"classes\.truck\.chain"):
        apply(no_chain, lever)
    more = apply(
        pharr, Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": {"state": {"extra_servers": 2}}}}})
    )
    assert more.classes["truck"].chain.state.servers == pharr.classes["truck"].chain.state.servers + 2  # type: ignore[union-attr]
    with pytest.raises(AnalysisError, match=r"classes\.pov\.chain\.add"):
        apply(no_chain, Scenario.model_validate({"name": "x", "classes": {"pov": {"chain": {"add": True}}}}))
    with pytest.raises(ValueError, match="share"):
        Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": {"state": {"share": 2}}}}})


def test_every_crossing_figure_is_explained(pharr: PortSpec) -> None:
    from smartborder.report.summary import explain

    runs = run_port(pharr.model_copy(update={"classes": {"truck": pharr.classes["truck"]}}), MONTH, 1, seed=3).runs
    keys = [k for k in runs.columns if ".crossing." in k]
    assert len(keys) > 30
    assert not [k for k in keys if explain(k)[0] == k]
