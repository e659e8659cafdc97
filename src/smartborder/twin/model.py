"""A port of entry as data: stations (pools of servers open by the hour) and flows through them.

A *flow* is one kind of traffic with one lane entitlement — e.g. FAST trucks, standard trucks,
SENTRI cars. Its route is a list of steps; each step names the stations that can serve it in
order of preference, and the probability of visiting the step at all (referral to secondary).
How a vehicle picks among a step's stations is the step's ``choice``: ``first_open`` takes the
first one open when it gets there (FAST trucks fall back to standard booths when the FAST
booths are closed, never the reverse); ``shortest`` joins the open station where it would
start soonest, as drivers pick the shorter line, except a ``loyal`` share who always keep to
the first open station of their list. A first step may carry a ``patience``: each vehicle draws
the longest wait it will accept, and one that finds a longer line on arrival does not join it
(it *balks*: it crosses another time or elsewhere, and the trace marks it with station -1).

Nothing here is code about a particular port: which stations exist and how many servers they
have is in the model, which can be written in TOML/YAML and validated by pydantic.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder.twin.distributions import ServiceTime

Vehicle = Literal["truck", "truck_empty", "pov", "pedestrian", "bus"]
HourCounts = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=24, max_length=24)]


class Staffing(BaseModel):
    """Open servers by hour of day (local time) for weekdays, Saturdays and Sundays.

    ``weekend`` sets both weekend days at once; ``saturday``/``sunday`` override it.
    ``Staffing.constant(4)`` keeps four servers open around the clock.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    weekday: HourCounts
    weekend: HourCounts | None = None
    saturday: HourCounts | None = None
    sunday: HourCounts | None = None

    @classmethod
    def constant(cls, servers: int) -> Staffing:
        return cls(weekday=[servers] * 24)

    @classmethod
    def hours(cls, servers: int, open_hour: int, close_hour: int, weekend: int | None = None) -> Staffing:
        """*servers* open from *open_hour* to *close_hour* (exclusive), closed otherwise."""
        day = [servers if open_hour <= h < close_hour else 0 for h in range(24)]
        end = None if weekend is None else [weekend if open_hour <= h < close_hour else 0 for h in range(24)]
        return cls(weekday=day, weekend=end)

    def week(self) -> np.ndarray:
        """168 hourly counts, Monday 00:00 first."""
        saturday = self.saturday or self.weekend or self.weekday
        sunday = self.sunday or self.weekend or self.weekday
        return np.array([*(self.weekday * 5), *saturday, *sunday], dtype=np.int64)

    @property
    def max_servers(self) -> int:
        return int(self.week().max())

    def blocks(self, start_weekday: int, start_hour: int, hours: int) -> np.ndarray:
        """Server counts for *hours* successive hours starting at a weekday (0 = Monday) and hour."""
        week = self.week()
        offset = (start_weekday % 7) * 24 + start_hour
        return week[(offset + np.arange(hours)) % week.size]


class Station(BaseModel):
    """A pool of identical servers (booths, docks, officers) with one FCFS queue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    stage: str = Field(description="what the station is, e.g. 'primary', 'secondary', 'export_lot'")
    staffing: Staffing
    after_close: Literal["closed", "finish_queue", "serve_all"] = Field(
        default="closed",
        description="who is served while no server is scheduled: nobody; vehicles that were in the "
        "queue before it closed (by the last open hour's servers); or everyone who reaches it",
    )

    unlimited: bool = Field(
        default=False,
        description="a road, not a queue: every vehicle starts on arrival and takes its service "
        "time (the travel time) whatever the others do (M/G/infinity); staffing is then ignored",
    )

    @property
    def overtime(self) -> int:
        """The kernel's code for ``after_close``."""
        return {"closed": 0, "finish_queue": 1, "serve_all": 2}[self.after_close]


class Step(BaseModel):
    """One stage of a flow's route."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stations: list[str] = Field(min_length=1, description="eligible stations, preferred first")
    probability: float = Field(default=1.0, ge=0.0, le=1.0, description="chance the step is visited")
    service: ServiceTime
    choice: Literal["first_open", "shortest"] = Field(
        default="first_open", description="how a vehicle picks among the step's stations"
    )
    loyal: float = Field(
        default=0.0, ge=0.0, le=1.0, description="with 'shortest': share who keep to the first open station"
    )
    patience: ServiceTime | None = Field(
        default=None,
        description="the longest wait (minutes) each vehicle accepts, drawn per vehicle: "
        "one that finds a longer line on arrival, at the station it would choose and the staffing "
        "then open, leaves without joining (balks). At a later step the minutes count from the "
        "vehicle's arrival at the port: one whose time in the port by the start of service there "
        "would exceed them leaves at that step and visits nothing after. None: everyone joins",
    )


class Flow(BaseModel):
    """Traffic of one vehicle type and lane entitlement, with its route through the port."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    vehicle: Vehicle
    lane: str = Field(description="lane type used at primary: FAST, SENTRI, Ready, standard")
    trusted: bool = False
    route: list[Step] = Field(min_length=1)
    primary_step: int = Field(default=0, ge=0, description="index of the step whose start ends the wait")

    @model_validator(mode="after")
    def _primary_in_route(self) -> Flow:
        if self.primary_step >= len(self.route):
            raise ValueError(f"primary_step: {self.primary_step} is past the end of the {len(self.route)}-step route")
        return self

    @property
    def patience(self) -> ServiceTime | None:
        """The patience of the flow's first step (None: every vehicle joins)."""
        return self.route[0].patience

    def leaves_before(self, k: int) -> bool:
        """Whether a vehicle can leave the flow at a step before step *k* (one with patience)."""
        return any(step.patience is not None for step in self.route[:k])


class PortModel(BaseModel):
    """Stations and flows of one port of entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    stations: list[Station] = Field(min_length=1)
    flows: list[Flow] = Field(min_length=1)

    @field_validator("stations")
    @classmethod
    def _unique_stations(cls, stations: list[Station]) -> list[Station]:
        names = [s.name for s in stations]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"station names must be unique; repeated: {', '.join(duplicates)}")
        return stations

    @model_validator(mode="after")
    def _routes_name_known_stations(self) -> PortModel:
        known = {s.name for s in self.stations}
        names = [f.name for f in self.flows]
        if len(set(names)) != len(names):
            raise ValueError("flows: flow names must be unique")
        for flow in self.flows:
            for k, step in enumerate(flow.route):
                unknown = [s for s in step.stations if s not in known]
                if unknown:
                    raise ValueError(
                        f"flows.{flow.name}.route[{k}].stations: unknown station(s) {unknown}; known: {sorted(known)}"
                    )
        self.station_order()  # raises on cycles
        return self

    def station(self, name: str) -> Station:
        return next(s for s in self.stations if s.name == name)

    def flow(self, name: str) -> Flow:
        for f in self.flows:
            if f.name == name:
                return f
        raise KeyError(name)

    def station_order(self) -> list[str]:
        """Stations in an order where every station comes after all stations that feed it.

        Raises ``ValueError`` when routes form a cycle (a vehicle could never leave).
        """
        names = [s.name for s in self.stations]
        before: dict[str, set[str]] = {n: set() for n in names}
        for flow in self.flows:
            for prev, step in zip(flow.route, flow.route[1:], strict=False):
                for later in step.stations:
                    before[later].update(s for s in prev.stations)
            # A skipped step passes vehicles further down: all earlier steps feed later ones.
            for k, step in enumerate(flow.route):
                for earlier in flow.route[:k]:
                    for later in step.stations:
                        before[later].update(earlier.stations)
        order: list[str] = []
        done: set[str] = set()
        while len(order) < len(names):
            ready = [n for n in names if n not in done and before[n] <= done]
            if not ready:
                stuck = sorted(n for n in names if n not in done)
                raise ValueError(f"flows: routes form a cycle through stations {stuck}")
            order.extend(ready)
            done.update(ready)
        return order
