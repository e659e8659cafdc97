"""The lean engine gives the general engine's times, vehicle for vehicle, on crossing models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartborder.policy.studies.targeting_twin import select
from smartborder.ports import default_spec, demand_for
from smartborder.twin import flow_streams
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.engine import simulate
from smartborder.twin.lean import simulate_lean, supports
from tests.twin.conftest import truck_port


@pytest.mark.parametrize("crossing", ["san ysidro", "tecate", "world trade bridge", "veterans"])
def test_lean_equals_the_general_engine(crossing: str) -> None:
    spec = default_spec(crossing, 2024)
    model = spec.to_model()
    assert supports(model)
    demand, first_weekday = demand_for(spec, [pd.Period("2024-02", "M")])
    horizon = next(iter(demand.values())).size * 60.0
    names = [f.name for f in model.flows]
    arrivals = {n: poisson_arrivals(h, flow_streams(5, 0, names)[n]) for n, h in demand.items()}
    routing, _ = select(spec, model, arrivals, 5, 0)
    full = simulate(
        model, arrivals, rng=flow_streams(5, 0, names), horizon=horizon, start_weekday=first_weekday, routing=routing
    )
    lean = simulate_lean(
        model, arrivals, rng=flow_streams(5, 0, names), horizon=horizon, start_weekday=first_weekday, routing=routing
    )
    for name in names:
        a, b = full.flows[name], lean.flows[name]
        np.testing.assert_array_equal(a.station, b.station)
        np.testing.assert_array_equal(a.start, b.start)
        np.testing.assert_array_equal(a.end, b.end)
        np.testing.assert_array_equal(a.reach, b.reach)
    assert full.servers.keys() == lean.servers.keys()


def test_general_models_are_not_lean() -> None:
    assert not supports(truck_port())  # first-open lane lists: the general engine's job
