"""The editable description of a port: what ``smartborder port show`` prints and ``--model`` reads.

A ``PortSpec`` is plain data (TOML) an analyst can copy and edit: traffic classes with their lane
entitlements, booths by lane and hours, service times, referral rates and demand shape, and a
``provenance`` table that says, for every value, whether it is a published FACT (with its
citation) or an ESTIMATE (with its reasoning). ``to_model`` turns it into the twin's network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder.tomlfiles import describe, read_model  # noqa: F401  (describe re-exported)
from smartborder.twin.arrivals import DemandProfile
from smartborder.twin.distributions import ServiceTime
from smartborder.twin.model import Flow, PortModel, Staffing, Station, Step

Vehicle = Literal["truck", "pov", "pedestrian", "bus"]
Hour = Annotated[int, Field(ge=0, le=24)]
Window = tuple[Hour, Hour]
PRE_INSPECTED = "pre_inspected"


class BoothChange(BaseModel):
    """Booths added (or removed, negative) on one lane during some hours: a scenario lever."""

    model_config = ConfigDict(extra="forbid")

    delta: int
    hours: Window = (0, 24)
    days: Literal["all", "weekday", "weekend"] = "all"


class LaneSpec(BaseModel):
    """Primary booths of one lane type and when they are open."""

    model_config = ConfigDict(extra="forbid")

    booths: int = Field(ge=0)
    open: Window = (0, 24)
    open_saturday: Window | None = None
    open_sunday: Window | None = None
    changes: list[BoothChange] = Field(default_factory=list)

    @field_validator("open", "open_saturday", "open_sunday")
    @classmethod
    def _ordered(cls, window: Window | None) -> Window | None:
        if window is not None and window[0] > window[1]:
            raise ValueError(f"hours must be [open, close] with open <= close, got {list(window)}")
        return window

    def staffing(self) -> Staffing:
        """Hourly booth counts for weekday / Saturday / Sunday, changes applied, never below 0."""
        days = {"weekday": self.open, "saturday": self.open_saturday or self.open,
                "sunday": self.open_sunday or self.open_saturday or self.open}
        counts: dict[str, list[int]] = {}
        for day, (start, end) in days.items():
            hours = [self.booths if start <= h < end else 0 for h in range(24)]
            for change in self.changes:
                if change.days == "weekday" and day != "weekday":
                    continue
                if change.days == "weekend" and day == "weekday":
                    continue
                lo, hi = change.hours
                span = range(lo, hi) if lo <= hi else [*range(lo, 24), *range(0, hi)]
                for h in span:
                    hours[h] = max(0, hours[h] + change.delta)
            counts[day] = hours
        return Staffing(weekday=counts["weekday"], saturday=counts["saturday"], sunday=counts["sunday"])


class SecondarySpec(BaseModel):
    """Secondary inspection: bays, referral probability by lane entitlement, service time."""

    model_config = ConfigDict(extra="forbid")

    bays: int = Field(ge=0)
    referral: dict[str, Annotated[float, Field(ge=0, le=1)]]
    service: ServiceTime


class ClassSpec(BaseModel):
    """One traffic class at the port (trucks, cars, pedestrians or buses)."""

    model_config = ConfigDict(extra="forbid")

    measure: str = Field(description="BTS measure whose monthly counts drive arrivals")
    volume_factor: float = Field(default=1.0, ge=0, description="growth lever: 1.2 = +20 %")
    entitlements: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="share of the class entitled to each trusted lane")
    pre_inspected_share: float = Field(default=0.0, ge=0, le=1,
                                       description="trucks sealed and tracked from an audited plant")
    lanes: dict[str, LaneSpec]
    service: dict[str, ServiceTime]
    secondary: SecondarySpec
    profile: DemandProfile

    @model_validator(mode="after")
    def _consistent(self) -> ClassSpec:
        if "standard" not in self.lanes:
            raise ValueError("lanes: a 'standard' lane is required (every vehicle may use it)")
        trusted = sum(self.entitlements.values()) + self.pre_inspected_share
        if trusted > 1 + 1e-9:
            raise ValueError(f"entitlements: trusted shares add up to {trusted:.3f} > 1")
        for lane in ["standard", *self.entitlements]:
            if lane not in self.service:
                raise ValueError(f"service: no service time for lane {lane!r}")
            if lane not in self.secondary.referral:
                raise ValueError(f"secondary.referral: no referral rate for lane {lane!r}")
        return self

    def flow_shares(self) -> dict[str, float]:
        """Share of the class volume in each flow (entitlement), standard taking the rest."""
        shares = {lane: share for lane, share in self.entitlements.items() if share > 0}
        if self.pre_inspected_share > 0:
            shares[PRE_INSPECTED] = self.pre_inspected_share
        shares["standard"] = max(0.0, 1.0 - sum(shares.values()))
        return shares


class TargetingSpec(BaseModel):
    """Risk targeting in the twin: who is illicit, how arrivals are selected for secondary.

    Each simulated arrival carries attributes drawn from ``population`` (illicit at the lane's
    ``illicit_rate``), is scored by the risk ``profiles`` — the same code the live service runs —
    and its channel decides the referral: red goes to secondary. The share sent red is the
    class's budget: ``inspection_rate`` where given, else the lanes' ``secondary.referral`` rates
    weighted by traffic (so a port's secondary load stays what the model says), or a fixed
    ``red_threshold`` in score units. ``selection = "random"`` spends the same budget at random.
    """

    model_config = ConfigDict(extra="forbid")

    illicit_rate: dict[str, Annotated[float, Field(ge=0, le=1)]]
    detection: float = Field(ge=0, le=1, description="chance a secondary inspection finds an illicit load")
    selection: Literal["profiles", "random"] = "profiles"
    profiles: str | None = Field(default=None, description="risk profile file; None: the shipped profiles")
    population: str | None = Field(default=None, description="attribute distributions; None: shipped estimates")
    inspection_rate: dict[Vehicle, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)
    red_threshold: dict[Vehicle, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict)
    random_share: float = Field(default=0.1, ge=0, le=1, description="share of the budget selected at random")
    lift: float | None = Field(default=None, ge=0, description="unused: the placeholder before targeting")


class PreInspectionSpec(BaseModel):
    """How origin pre-inspection changes a truck's border processing (seed 004)."""

    model_config = ConfigDict(extra="forbid")

    service_factor: float = Field(gt=0)
    referral_factor: float = Field(ge=0)


class PortSpec(BaseModel):
    """A whole port of entry as editable data."""

    model_config = ConfigDict(extra="forbid")

    code: str
    name: str
    classes: dict[Vehicle, ClassSpec]
    sources: dict[str, Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="port code → share of its volumes this port carries; "
        "None means the port's own BTS volumes (a new port takes shares of its neighbours')")
    targeting: TargetingSpec
    pre_inspection: PreInspectionSpec
    provenance: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: Path) -> PortSpec:
        """Read and validate a port file; errors name the key and the problem."""
        return read_model(cls, path, "model")

    @property
    def volume_sources(self) -> dict[str, float]:
        """Where arrivals come from: BTS port code → share of its volumes."""
        return dict(self.sources) if self.sources else {self.code: 1.0}

    @property
    def data_port(self) -> str:
        """The BTS port whose record (months covered, occupancy) stands for this port."""
        return next(iter(self.volume_sources))

    def estimates(self) -> dict[str, str]:
        """Provenance entries that are estimates or placeholders, for reports."""
        return {k: v for k, v in self.provenance.items() if not v.startswith("FACT")}

    def to_model(self) -> PortModel:
        """The twin's station network for this port."""
        stations: list[Station] = []
        flows: list[Flow] = []
        for vehicle, spec in self.classes.items():
            for lane, lane_spec in spec.lanes.items():
                stations.append(Station(name=f"{vehicle}.primary.{lane}", stage="primary",
                                        staffing=lane_spec.staffing()))
            standard = spec.lanes["standard"]
            bays = LaneSpec(booths=spec.secondary.bays, open=standard.open,
                            open_saturday=standard.open_saturday, open_sunday=standard.open_sunday)
            stations.append(Station(name=f"{vehicle}.secondary", stage="secondary", staffing=bays.staffing()))
            for entitlement in spec.flow_shares():
                flows.append(self._flow(vehicle, spec, entitlement))
        return PortModel(name=self.name, stations=stations, flows=flows)

    def _flow(self, vehicle: str, spec: ClassSpec, entitlement: str) -> Flow:
        pre = entitlement == PRE_INSPECTED
        lane = "FAST" if pre and "FAST" in spec.lanes else entitlement
        preferred = [f"{vehicle}.primary.{lane}"] if lane in spec.lanes and lane != "standard" else []
        if pre:
            base = spec.service.get("FAST", spec.service["standard"])
            service = base.scaled(self.pre_inspection.service_factor)
            referral = spec.secondary.referral.get("FAST", spec.secondary.referral["standard"])
            referral = min(1.0, referral * self.pre_inspection.referral_factor)
        else:
            service = spec.service[entitlement]
            referral = spec.secondary.referral[entitlement]
        return Flow(
            name=f"{vehicle}.{entitlement}",
            vehicle=vehicle,  # type: ignore[arg-type]
            lane=entitlement,
            trusted=entitlement != "standard",
            route=[
                Step(stations=[*preferred, f"{vehicle}.primary.standard"], service=service),
                Step(stations=[f"{vehicle}.secondary"], probability=referral, service=spec.secondary.service),
            ],
        )
