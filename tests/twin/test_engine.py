"""The network engine: routing, lane rules, staffing hours, initial queues, reproducibility."""

import numpy as np
import pytest
from pydantic import ValidationError

from smartborder.twin import ModelError
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.distributions import ServiceTime
from smartborder.twin.engine import InitialQueue, SimulationResult, simulate
from smartborder.twin.metrics import queue_area, station_summary, vehicle_table, wait_by_lane
from smartborder.twin.model import Flow, PortModel, Staffing, Station, Step
from tests.twin.conftest import truck_port

DAYS = 7


def run(port: PortModel, seed: int = 1, fast_rate: float = 30.0, std_rate: float = 50.0) -> SimulationResult:
    rng = np.random.default_rng(seed)
    hours = DAYS * 24
    # Trucks only arrive while the port is open (06–22), as the port tells carriers.
    open_mask = np.tile([(6 <= h < 22) for h in range(24)], DAYS).astype(float)
    arrivals = {
        "truck_fast": poisson_arrivals(open_mask * fast_rate, rng),
        "truck_std": poisson_arrivals(open_mask * std_rate, rng),
    }
    return simulate(port, arrivals, rng=rng, horizon=hours * 60.0)


def test_every_vehicle_is_served_once_and_leaves(port: PortModel) -> None:
    result = run(port)
    for name, trace in result.flows.items():
        primary = trace.station[:, 0]
        assert (primary >= 0).all(), f"{name}: a vehicle skipped primary"
        assert np.isfinite(trace.start[:, 0]).all()
        visited = trace.station >= 0
        assert np.all(np.isfinite(trace.end[visited]))
        assert np.all(np.isnan(trace.start[~visited]))
        # Time moves forward through the route.
        assert np.all(trace.reach[:, 0] == trace.arrival)
        second = trace.station[:, 1] >= 0
        assert np.all(trace.reach[second, 1] == trace.end[second, 0])
    table = station_summary(result)
    total = sum(t.size for t in result.flows.values())
    assert table.loc[["fast", "standard"], "visits"].sum() == total


def test_no_service_starts_while_station_closed(port: PortModel) -> None:
    result = run(port)
    for k, name in enumerate(result.station_names):
        for trace in result.flows.values():
            starts = trace.start[trace.station == k]
            hours = (starts // 60).astype(int)
            assert (result.servers[name][hours] > 0).all(), name


def test_lane_rules_fast_may_use_standard_never_reverse(port: PortModel) -> None:
    result = run(port)
    fast, standard = result.station_names.index("fast"), result.station_names.index("standard")
    std_trace = result.flows["truck_std"]
    assert set(np.unique(std_trace.station[:, 0])) == {standard}
    fast_trace = result.flows["truck_fast"]
    assert set(np.unique(fast_trace.station[:, 0])) == {fast}  # FAST booths open whenever trucks come
    # Close the FAST booths: FAST trucks fall back to the standard booths.
    closed = truck_port(fast_servers=0)
    fallback = run(closed).flows["truck_fast"]
    assert set(np.unique(fallback.station[:, 0])) == {standard}


def test_referral_share_matches_probability(port: PortModel) -> None:
    result = run(port, std_rate=200.0)
    share = (result.flows["truck_std"].station[:, 1] >= 0).mean()
    n = result.flows["truck_std"].size
    assert abs(share - 0.1) < 4 * np.sqrt(0.1 * 0.9 / n)


def test_fast_lane_waits_less_than_standard(port: PortModel) -> None:
    waits = wait_by_lane(run(port, std_rate=65.0))
    assert waits.loc[("truck", "FAST"), "mean"] < waits.loc[("truck", "standard"), "mean"]
    assert waits.loc[("truck", "standard"), "mean"] > 1.0  # a queue forms at ρ≈0.9


def test_same_seed_same_result_other_seed_differs(port: PortModel) -> None:
    a, b, c = run(port, seed=5), run(port, seed=5), run(port, seed=6)
    np.testing.assert_array_equal(a.flows["truck_std"].start, b.flows["truck_std"].start)
    assert a.flows["truck_std"].size != c.flows["truck_std"].size or not np.array_equal(
        a.flows["truck_std"].start, c.flows["truck_std"].start
    )


def test_initial_queue_is_served_first_in_order() -> None:
    model = PortModel(
        name="one booth pair",
        stations=[Station(name="booths", stage="primary", staffing=Staffing.constant(2))],
        flows=[
            Flow(
                name="cars",
                vehicle="pov",
                lane="standard",
                route=[Step(stations=["booths"], service=ServiceTime(kind="deterministic", mean=5.0))],
            )
        ],
    )
    rng = np.random.default_rng(0)
    result = simulate(
        model,
        {"cars": np.array([1.0])},
        rng=rng,
        horizon=60.0,
        initial=[InitialQueue(station="booths", flow="cars", waiting=3, in_service=2)],
    )
    trace = result.flows["cars"]
    assert trace.n_initial == 5
    # Two in service start at 0; the three waiting at 5, 5, 10; the newcomer (t=1) at 10.
    np.testing.assert_allclose(trace.start[:, 0], [0, 0, 5, 5, 10, 10])
    table = vehicle_table(result)
    assert table["initial"].sum() == 5
    assert wait_by_lane(result).loc[("pov", "standard"), "count"] == 1


def test_initial_in_service_beyond_open_servers_is_rejected(port: PortModel) -> None:
    with pytest.raises(ModelError, match="in_service"):
        simulate(
            port,
            {},
            rng=np.random.default_rng(0),
            start_hour=8,
            initial=[InitialQueue(station="standard", flow="truck_std", in_service=9)],
        )


def test_initial_queue_at_a_station_the_flow_never_visits(port: PortModel) -> None:
    with pytest.raises(ModelError, match="never visits"):
        simulate(
            port, {}, rng=np.random.default_rng(0), initial=[InitialQueue(station="fast", flow="truck_std", waiting=1)]
        )


def test_model_errors_name_the_key() -> None:
    with pytest.raises(ValidationError, match=r"route\[0\].stations: unknown station"):
        PortModel(
            name="x",
            stations=[Station(name="a", stage="primary", staffing=Staffing.constant(1))],
            flows=[
                Flow(
                    name="f",
                    vehicle="pov",
                    lane="standard",
                    route=[Step(stations=["b"], service=ServiceTime(mean=1.0))],
                )
            ],
        )
    with pytest.raises(ValidationError, match="cycle"):
        step_a = Step(stations=["a"], service=ServiceTime(mean=1.0))
        step_b = Step(stations=["b"], service=ServiceTime(mean=1.0))
        PortModel(
            name="x",
            stations=[
                Station(name="a", stage="p", staffing=Staffing.constant(1)),
                Station(name="b", stage="s", staffing=Staffing.constant(1)),
            ],
            flows=[
                Flow(name="f", vehicle="pov", lane="s", route=[step_a, step_b]),
                Flow(name="g", vehicle="pov", lane="s", route=[step_b, step_a]),
            ],
        )
    with pytest.raises(ValidationError, match="cv"):
        ServiceTime(kind="lognormal", mean=1.0)
    with pytest.raises(ModelError, match="arrivals"):
        simulate(truck_port(), {"nope": np.array([1.0])}, rng=np.random.default_rng(0))


def test_staffing_follows_weekday_and_weekend() -> None:
    staffing = Staffing(weekday=[1] * 24, weekend=[3] * 24)
    blocks = staffing.blocks(start_weekday=4, start_hour=22, hours=6)  # Friday 22:00
    assert blocks.tolist() == [1, 1, 3, 3, 3, 3]


def test_littles_law_at_each_station(port: PortModel) -> None:
    result = run(port, std_rate=65.0)
    rng = np.random.default_rng(2)
    for k, name in enumerate(result.station_names):
        reach = np.concatenate([t.reach[t.station == k] for t in result.flows.values()])
        start = np.concatenate([t.start[t.station == k] for t in result.flows.values()])
        end_time = float(start.max())
        probes = rng.uniform(0, end_time, 100_000)
        sampled = (
            np.searchsorted(np.sort(reach), probes, "right") - np.searchsorted(np.sort(start), probes, "right")
        ).mean()
        little = (start - reach).sum() / end_time  # λ·W over the window
        assert sampled == pytest.approx(little, rel=0.05, abs=0.02), name
        assert queue_area(reach, start, np.array([end_time]))[0] / end_time == pytest.approx(little)


def test_utilisation_matches_busy_time() -> None:
    model = PortModel(
        name="u",
        stations=[Station(name="s", stage="primary", staffing=Staffing.constant(2))],
        flows=[
            Flow(
                name="f",
                vehicle="pov",
                lane="standard",
                route=[Step(stations=["s"], service=ServiceTime(kind="deterministic", mean=6.0))],
            )
        ],
    )
    arrivals = np.arange(0.0, 600.0, 10.0)  # one every 10 min, 6-min service, 2 booths → 30 %
    result = simulate(model, {"f": arrivals}, rng=np.random.default_rng(0), horizon=600.0)
    assert station_summary(result).loc["s", "utilisation"] == pytest.approx(0.3)


def test_visit_table_has_one_row_per_station_visit(port: PortModel) -> None:
    from smartborder.twin.metrics import visit_table

    result = run(port)
    visits = visit_table(result)
    expected = sum(int((t.station >= 0).sum()) for t in result.flows.values())
    assert len(visits) == expected
    assert (visits["wait"] >= 0).all() and (visits["service"] >= 0).all()
    assert set(visits["station"]) == {"fast", "standard", "secondary"}


def test_a_road_delays_every_vehicle_by_its_own_travel_time() -> None:
    """An unlimited station (M/G/infinity): nobody waits for anybody; order is not kept."""
    model = PortModel(
        name="road",
        stations=[
            Station(name="booth", stage="primary", staffing=Staffing.constant(1)),
            Station(name="road", stage="bridge", staffing=Staffing.constant(1), unlimited=True),
        ],
        flows=[
            Flow(
                name="car",
                vehicle="pov",
                lane="standard",
                route=[
                    Step(stations=["booth"], service=ServiceTime(kind="exponential", mean=1.0)),
                    Step(stations=["road"], service=ServiceTime(kind="lognormal", mean=5.0, cv=0.8)),
                ],
            )
        ],
    )
    rng = np.random.default_rng(4)
    arrivals = np.sort(rng.uniform(0, 600, 500))
    result = simulate(model, {"car": arrivals}, rng=np.random.default_rng(5))
    trace = result.flows["car"]
    np.testing.assert_array_equal(trace.start[:, 1], trace.reach[:, 1])
    assert (np.diff(trace.end[:, 1]) < 0).any()  # later vehicles overtake: the road keeps no order
    travel = trace.end[:, 1] - trace.start[:, 1]
    assert abs(travel.mean() - 5.0) < 4 * 5.0 * 0.8 / np.sqrt(travel.size)
