"""Drivers who find a line longer than their patience leave without joining it (balking).

The oracle: an M/M/1 queue whose arrivals join only when the work ahead of them (the wait the
line shows, exact for FCFS at constant staffing) is at most τ. Its stationary workload has the
density ``p0·λ·e^{-(μ-λ)v}`` on (0, τ] and ``f(τ)·e^{-μ(v-τ)}`` beyond (level crossing: the
workload falls at rate 1 and jumps by an Exp(μ) service at each arrival that joins), so by
PASTA an arrival leaves with probability ``P(V > τ) = p0·λ·e^{-(μ-λ)τ}/μ`` — finite even with
λ > μ, which is why balking keeps an over-full crossing's queue from growing without end.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from smartborder.policy.studies.costs import CostParameters
from smartborder.policy.studies.kpis import kpis
from smartborder.ports import default_spec, demand_for
from smartborder.twin import flow_streams
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.distributions import ServiceTime
from smartborder.twin.engine import simulate
from smartborder.twin.kernels import choice_run
from smartborder.twin.lean import simulate_lean
from smartborder.twin.metrics import summary
from smartborder.twin.model import Flow, Step


def _balking_mm1(lam: float, mu: float, tau: float) -> tuple[float, float]:
    """(share who leave, mean wait of those who join) of M/M/1 with patience τ for everyone."""
    delta = mu - lam
    inside = (1 - math.exp(-delta * tau)) / delta if delta else tau
    p0 = 1.0 / (1.0 + lam * inside + lam * math.exp(-delta * tau) / mu)
    leave = p0 * lam * math.exp(-delta * tau) / mu
    first_moment, _ = integrate.quad(lambda v: v * p0 * lam * math.exp(-delta * v), 0.0, tau)
    return leave, first_moment / (1.0 - leave)


def _one_station(
    arrivals: np.ndarray, service: np.ndarray, patience: np.ndarray | None, servers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    n = arrivals.size
    station, start, _ = choice_run(
        arrivals,
        service,
        np.array([0, n]),
        np.array([0]),
        np.array([[0]]),
        np.array([1]),
        np.ones(n, dtype=bool),
        np.full((1, 1), servers),
        60.0,
        np.zeros(1, dtype=np.int64),
        finish=False,
        patience=patience,
    )
    return station, start


@pytest.mark.parametrize(("lam", "tau"), [(0.8, 5.0), (1.2, 10.0), (2.0, 3.0)])
def test_balking_matches_the_mm1_oracle(lam: float, tau: float) -> None:
    rng = np.random.default_rng(11)
    n = 400_000
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    service = rng.exponential(1.0, n)
    station, start = _one_station(arrivals, service, np.full(n, tau))
    left = station < 0
    leave, mean_wait = _balking_mm1(lam, 1.0, tau)
    assert np.isnan(start[left]).all() and not np.isnan(start[~left]).any()
    assert left.mean() == pytest.approx(leave, abs=0.006)
    waits = start[~left] - arrivals[~left]
    assert waits.mean() == pytest.approx(mean_wait, rel=0.03)
    assert waits.max() <= tau + 1e-9  # nobody who joined waited past their patience


def test_infinite_patience_changes_nothing() -> None:
    rng = np.random.default_rng(3)
    arrivals = np.cumsum(rng.exponential(0.5, 5_000))
    service = rng.exponential(1.8, 5_000)
    plain = _one_station(arrivals, service, None, servers=3)
    patient = _one_station(arrivals, service, np.full(5_000, np.inf), servers=3)
    np.testing.assert_array_equal(plain[0], patient[0])
    np.testing.assert_array_equal(plain[1], patient[1])


def test_who_comes_before_the_opening_joins() -> None:
    """A vehicle that arrives while its lanes are closed came for the opening: it stays."""
    n = 3
    servers = np.array([[0, 1]])  # closed the first hour
    station, start, _ = choice_run(
        np.array([1.0, 2.0, 3.0]),
        np.full(n, 1.0),
        np.array([0, n]),
        np.array([0]),
        np.array([[0]]),
        np.array([1]),
        np.ones(n, dtype=bool),
        servers,
        60.0,
        np.zeros(1, dtype=np.int64),
        patience=np.zeros(n),
    )
    np.testing.assert_array_equal(station, [0, 0, 0])
    np.testing.assert_array_equal(start, [60.0, 61.0, 62.0])


def test_patience_at_a_later_step_counts_from_the_arrival() -> None:
    """At a later step patience is the vehicle's time in the port by the start of service there
    (a carrier who would not have sent the truck): behind a first step that takes every vehicle
    exactly 1 minute, leaving at the second with patience τ is the one-station balking of
    arrivals 1 minute later with patience τ - 1, vehicle for vehicle; a vehicle that left visits
    nothing after, and the lean engine leaves such a model to the general one."""
    from smartborder.twin.lean import supports
    from smartborder.twin.model import PortModel, Staffing, Station

    one = ServiceTime(kind="deterministic", mean=1.0)
    patience = ServiceTime(kind="lognormal", mean=6.0, cv=0.5)
    model = PortModel(
        name="tandem",
        stations=[
            Station(name="a", stage="primary", staffing=Staffing.constant(1), unlimited=True),
            Station(name="b", stage="state", staffing=Staffing.constant(1)),
            Station(name="c", stage="state", staffing=Staffing.constant(1), unlimited=True),
        ],
        flows=[
            Flow(
                name="t",
                vehicle="truck",
                lane="standard",
                route=[
                    Step(stations=["a"], service=one),
                    Step(stations=["b"], service=ServiceTime(kind="exponential", mean=1.0), patience=patience),
                    Step(stations=["c"], service=one),
                ],
            )
        ],
    )
    assert not supports(model)
    rng = np.random.default_rng(8)
    arrivals = np.cumsum(rng.exponential(1 / 1.3, 20_000))  # over-full: the line at b grows until people leave
    result = simulate(model, {"t": arrivals}, rng=np.random.default_rng(2))
    trace = result.flows["t"]
    # The engine's draws, in its order: services at a, b and c, then the patience.
    draws = np.random.default_rng(2)
    one.sample(draws, arrivals.size)
    service_b = ServiceTime(kind="exponential", mean=1.0).sample(draws, arrivals.size)
    one.sample(draws, arrivals.size)
    tau = patience.sample(draws, arrivals.size)
    station, start = _one_station(arrivals + 1.0, service_b, tau - 1.0)
    left = station < 0
    assert 0.05 < left.mean() < 0.5
    np.testing.assert_array_equal(trace.station[:, 1] < 0, left)
    np.testing.assert_allclose(trace.start[~left, 1], start[~left])
    assert np.isnan(trace.start[left, 1]).all() and not np.isnan(trace.reach[left, 1]).any()
    assert (trace.station[left, 2] < 0).all() and (trace.station[~left, 2] >= 0).all()  # who left went no further
    assert (trace.start[~left, 1] - arrivals[~left] <= tau[~left] + 1e-9).all()


def test_lean_equals_the_general_engine_with_patience() -> None:
    """Who leaves, and everyone else's times and secondary visits, vehicle for vehicle."""
    spec = default_spec("san ysidro", 2024)
    cls = spec.classes["pov"]
    spec.classes["pov"] = cls.model_copy(
        update={"patience": ServiceTime(kind="lognormal", mean=20.0, cv=0.6), "volume_factor": 1.6}
    )  # over-full, so that many leave
    model = spec.to_model()
    demand, first_weekday = demand_for(spec, [pd.Period("2024-02", "M")])
    horizon = next(iter(demand.values())).size * 60.0
    names = [f.name for f in model.flows]
    arrivals = {n: poisson_arrivals(h, flow_streams(5, 0, names)[n]) for n, h in demand.items()}
    full = simulate(model, arrivals, rng=flow_streams(5, 0, names), horizon=horizon, start_weekday=first_weekday)
    lean = simulate_lean(model, arrivals, rng=flow_streams(5, 0, names), horizon=horizon, start_weekday=first_weekday)
    left = 0
    for name in names:
        a, b = full.flows[name], lean.flows[name]
        np.testing.assert_array_equal(a.station, b.station)
        np.testing.assert_array_equal(a.start, b.start)
        np.testing.assert_array_equal(a.end, b.end)
        if name.startswith("pov."):
            gone = a.station[:, 0] < 0
            left += int(gone.sum())
            assert (a.station[gone, 1] < 0).all()  # who left is inspected nowhere
    assert left > 1000
    in_period = sum(
        int(((full.flows[n].station[:, 0] < 0) & (full.flows[n].arrival < horizon)).sum())
        for n in names
        if n.startswith("pov.")
    )
    assert summary(full)["balked"] == in_period
    for result in (full, lean):  # the KPIs count them apart from the vehicles that crossed
        figures = kpis(spec, result, {}, CostParameters())
        assert figures["pov.balked"] == in_period
        crossed = sum(int((full.flows[n].arrival < horizon).sum()) for n in names if n.startswith("pov."))
        assert figures["pov.vehicles"] == crossed - in_period
