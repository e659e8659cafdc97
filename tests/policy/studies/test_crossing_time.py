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
        sent = inside & ~trace.left  # a truck its carrier would not send leaves the count at the state's line
        assert times["total"].size == int(sent.sum())  # every truck of the period sent crossed
        assert (~trace.left).sum() + trace.left.sum() == arrivals[name].size
        assert trace.left.mean() < 0.005
        assert np.isfinite(trace.exit).all()  # and left, none held for ever
        parts = sum(times[s] for s in SEGMENTS)
        np.testing.assert_allclose(parts, times["total"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(times["total"], (trace.exit - trace.arrival)[sent], rtol=0, atol=1e-9)
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
    five hours and more and commercial traffic down 30-60 % (CBP via KWTX and Overdrive). The
    shipped ``state-inspects-all`` on the default bays, held to that direction and order of
    magnitude: the trucks that cross take hours (default: under one), and throughput falls as
    carriers stop sending trucks into a crossing that would run past what they accept
    (``[truck.chain] carriers``), so the line stops growing without end. Measured at Pharr, June
    2024: 11-12 h for those who cross; 96 % not sent, more than Texas saw (its troopers were
    added and its inspections quicker than a Level I; the default's three bays are sized for 2 %)."""
    trucks = {"truck": pharr.classes["truck"]}
    base = run_port(pharr.model_copy(update={"classes": trucks}), MONTH, 1, seed=2).runs.iloc[0]
    every = apply(pharr.model_copy(update={"classes": trucks}), Scenario.load("state-inspects-all"))
    worse = run_port(every, MONTH, 1, seed=2).runs.iloc[0]
    assert base["truck.crossing.total.mean_min"] < 60
    assert worse["truck.crossing.state_inspections"] > 0.95 * worse["truck.crossing.trucks"]
    assert 2 * 60 < worse["truck.crossing.total.mean_min"] < 24 * 60  # hours, neither minutes nor weeks
    assert worse["truck.crossing.total.p95_min"] < 2 * 24 * 60
    sent = worse["truck.crossing.trucks"] + worse["truck.crossing.not_sent"]
    assert sent == pytest.approx(base["truck.crossing.trucks"] + base["truck.crossing.not_sent"], rel=0.02)
    assert worse["truck.crossing.trucks"] < 0.7 * base["truck.crossing.trucks"]  # throughput falls by a third or more
    assert base["truck.crossing.not_sent"] < 0.005 * base["truck.crossing.trucks"]  # an ordinary day sends them all


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


def test_the_whole_crossings_delay_counts_every_line_and_costs_it(pharr: PortSpec) -> None:
    """Hours waiting in lines, by segment, add up to the crossing's delay; CBP's part is what the
    run reports for CBP alone (its primary and secondary lines); the cost is class_cost's."""
    from smartborder.policy.studies.costs import CostParameters, class_cost

    runs = run_port(pharr.model_copy(update={"classes": {"truck": pharr.classes["truck"]}}), MONTH, 1, seed=4).runs
    row = runs.iloc[0]
    parts = [row[f"truck.crossing.{s}.queue_hours"] for s in SEGMENTS]
    assert sum(parts) == pytest.approx(row["truck.crossing.vehicle_hours_delay"], rel=1e-12)
    assert row["truck.crossing.bridge.queue_hours"] == 0.0  # a road: nobody waits on it
    cbp = row["truck.crossing.cbp_primary.queue_hours"] + row["truck.crossing.secondary.queue_hours"]
    assert cbp == pytest.approx(row["truck.vehicle_hours_delay"], rel=0.01)  # CBP's side, as before
    assert row["truck.crossing.mexico.queue_hours"] > 0
    cost = class_cost("truck", row["truck.crossing.vehicle_hours_delay"], 0.0, CostParameters())
    assert row["truck.crossing.total_cost_usd"] == pytest.approx(cost["total_cost_usd"], rel=1e-9)
    assert row["truck.crossing.total_cost_usd"] > row["truck.total_cost_usd"]  # Mexico's side counts too


def test_origin_preinspection_reaches_mexicos_exam_too(pharr: PortSpec) -> None:
    """Seed 004's sealed loads from audited plants: Mexico's red light falls by the referral
    factor, as CBP's referrals do, so their crossing is shorter on both sides of the line."""
    spec = apply(pharr, Scenario.load("origin-preinspection"))
    model = spec.to_model()
    factor = spec.pre_inspection.referral_factor
    chain = spec.classes["truck"].chain
    assert chain is not None
    assert model.flow("truck.pre_inspected").route[1].probability == pytest.approx(chain.mexico_exam.share * factor)
    assert model.flow("truck.standard").route[1].probability == chain.mexico_exam.share
    runs = run_port(spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}}), MONTH, 1, seed=6).runs
    row = runs.iloc[0]
    assert row["truck.pre_inspected.crossing.mexico.mean_min"] < row["truck.standard.crossing.mexico.mean_min"] - 5
    assert row["truck.pre_inspected.crossing.total.mean_min"] < row["truck.standard.crossing.total.mean_min"]


def test_a_stage_left_without_servers_is_refused(pharr: PortSpec) -> None:
    """A stage trucks visit with no server would hold them for ever: the lever is refused, naming it."""
    for change in ({"state": {"extra_servers": -100}}, {"mexico": {"servers": 0}}):
        lever = Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": change}}})
        with pytest.raises(AnalysisError, match=r"scenario\.classes\.truck\.chain: (state|mexico): a stage"):
            apply(pharr, lever)
    closed = Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": {"state": {"share": 0.0}}}}})
    assert apply(pharr, closed).classes["truck"].chain.state.share == 0.0  # type: ignore[union-attr]
    no_design = default_spec("pharr", 2024)
    no_design.classes["truck"].design_volume = None
    with pytest.raises(AnalysisError, match="design_volume"):
        apply(no_design, WHOLE)


def test_trucks_that_turn_away_in_mexico_are_counted(pharr: PortSpec) -> None:
    """With a patience, trucks that find Mexico's line too long leave there: ``truck.balked``."""
    from smartborder.twin.distributions import ServiceTime

    spec = pharr.model_copy(deep=True)
    spec.classes["truck"].patience = ServiceTime(kind="deterministic", mean=5.0)
    spec.classes["truck"].chain.mexico.servers = 2  # type: ignore[union-attr]
    run = run_port(spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}}), MONTH, 1, seed=7)
    row = run.runs.iloc[0]
    assert row["truck.balked"] > 100
    assert run.last is not None
    arrived = sum(int((t.arrival < run.last.horizon).sum()) for t in run.last.flows.values())
    # every truck: crossed, turned away in Mexico, or not sent (its carrier would not wait that long)
    assert row["truck.balked"] + row["truck.crossing.trucks"] + row["truck.crossing.not_sent"] == arrived


def test_the_calibration_model_of_a_chain_starts_at_cbps_line(pharr: PortSpec) -> None:
    from smartborder.policy.fitting.observed import primary_model

    model = primary_model(pharr, "truck")
    assert all(len(f.route) == 1 and f.primary_step == 0 for f in model.flows)
    assert {s.stage for s in model.stations} == {"primary"}


def test_joint_inspection_spares_participants_mexicos_exam(pharr: PortSpec) -> None:
    """Unified Cargo Processing for FAST carriers (Nogales, 2016: about a quarter of trucks, waits
    'from three to four hours to just 25 minutes', CBP and SAT via AP; 85 % less). Held to the
    direction for participants: their crossing time falls (measured 37.4 → 28.3 min, -24 %, held
    at -15 % or more), the others' barely moves, and the trucks Mexico selects are examined once,
    in CBP's secondary. Not the magnitude: the model's Mexican side has no hours-long lines for
    the joint exam to remove (its exam is 110 min for one truck in ten)."""
    joint = Scenario.model_validate({"name": "joint", "classes": {"truck": {"chain": {"joint": {"lanes": ["FAST"]}}}}})
    spec = apply(pharr, joint)
    model = spec.to_model()
    assert model.flow("truck.FAST").route[1].probability == 0.0  # no exam of Mexico's own
    assert model.flow("truck.standard").route[1].probability > 0
    trucks = {"truck": spec.classes["truck"]}
    after = run_port(spec.model_copy(update={"classes": trucks}), MONTH, 1, seed=8).runs.iloc[0]
    before = run_port(
        pharr.model_copy(update={"classes": {"truck": pharr.classes["truck"]}}), MONTH, 1, seed=8
    ).runs.iloc[0]
    fast_before, fast_after = before["truck.FAST.crossing.total.mean_min"], after["truck.FAST.crossing.total.mean_min"]
    assert fast_after < 0.85 * fast_before
    assert after["truck.FAST.crossing.mexico.mean_min"] < 5  # the booth and its line only
    assert after["truck.standard.crossing.total.mean_min"] == pytest.approx(
        before["truck.standard.crossing.total.mean_min"], rel=0.15
    )
    assert after["truck.secondary_inspections"] > before["truck.secondary_inspections"]  # Mexico's picks join CBP's
    with pytest.raises(AnalysisError, match=r"chain\.joint\.lanes"):
        apply(
            pharr,
            Scenario.model_validate({"name": "x", "classes": {"truck": {"chain": {"joint": {"lanes": ["SENTRI"]}}}}}),
        )


def test_a_stage_that_cannot_keep_up_is_warned_about(pharr: PortSpec) -> None:
    """Every truck inspected on bays sized for 2 %: the run says the state's line grows without
    end before anyone reads its crossing times; the default chain draws no such warning."""
    from smartborder.ports.checks import capacity_warnings

    assert not [w for w in capacity_warnings(pharr, MONTH) if "cannot keep up" in w and "state" in w]
    warned = capacity_warnings(apply(pharr, EVERY), MONTH)
    assert any("the state's inspection cannot keep up" in w for w in warned)
