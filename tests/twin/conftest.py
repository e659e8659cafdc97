"""A small two-lane truck port used by the engine tests."""

import pytest

from smartborder.twin.distributions import ServiceTime
from smartborder.twin.model import Flow, PortModel, Staffing, Station, Step


def truck_port(fast_servers: int = 2, standard_servers: int = 3) -> PortModel:
    secondary = Step(stations=["secondary"], probability=0.1, service=ServiceTime(kind="gamma", mean=20.0, cv=0.7))
    return PortModel(
        name="test port",
        stations=[
            Station(name="fast", stage="primary", staffing=Staffing.hours(fast_servers, 6, 22)),
            Station(name="standard", stage="primary", staffing=Staffing.hours(standard_servers, 6, 22)),
            Station(name="secondary", stage="secondary", staffing=Staffing.hours(4, 6, 22)),
        ],
        flows=[
            Flow(
                name="truck_fast",
                vehicle="truck",
                lane="FAST",
                trusted=True,
                route=[
                    Step(stations=["fast", "standard"], service=ServiceTime(kind="lognormal", mean=1.5, cv=0.5)),
                    secondary.model_copy(update={"probability": 0.02}),
                ],
            ),
            Flow(
                name="truck_std",
                vehicle="truck",
                lane="standard",
                route=[
                    Step(stations=["standard"], service=ServiceTime(kind="lognormal", mean=2.5, cv=0.5)),
                    secondary,
                ],
            ),
        ],
    )


@pytest.fixture
def port() -> PortModel:
    return truck_port()
