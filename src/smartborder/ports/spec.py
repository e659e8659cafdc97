"""The editable description of a crossing: what ``smartborder port show`` prints and ``--model`` reads.

A ``PortSpec`` is plain data (TOML) an analyst can copy and edit. It models one crossing (a
bridge, or a whole BTS port where BTS reports one place): its traffic classes with their lane
entitlements; per lane type the installed booths (a ceiling) and the lanes *staffed* by hour on
weekdays, Saturdays and Sundays; service times; the share of drivers who never switch lanes;
referral rates; the demand's daily shape and its pre-opening queue; and a ``provenance`` table
that says, for every value, whether it is a published FACT (with its citation), an ESTIMATE
(with its reasoning) or CALIBRATED (fitted to observations). ``to_model`` turns it into the
twin's network.

Lanes a vehicle may use (its entitlement), first its own: SENTRI → SENTRI, Ready, standard;
Ready → Ready, standard; FAST and origin pre-inspected trucks → FAST, standard; standard →
standard. A crossing without a lane type routes its holders to what it has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder.ports.chain import TruckChain
from smartborder.tomlfiles import describe, read_model  # noqa: F401  (describe re-exported)
from smartborder.twin.arrivals import DemandProfile
from smartborder.twin.distributions import ServiceTime
from smartborder.twin.model import Flow, PortModel, Staffing, Station, Step

Vehicle = Literal["truck", "pov", "pedestrian", "bus"]
Hour = Annotated[int, Field(ge=0, le=24)]
Window = tuple[Hour, Hour]
HourLanes = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=24, max_length=24)]
DAY_TYPES = ("weekday", "saturday", "sunday")
PRE_INSPECTED = "pre_inspected"
#: Lanes each entitlement may use, its own first (only those the crossing has are kept).
ELIGIBLE = {
    "standard": ("standard",),
    "Ready": ("Ready", "standard"),
    "SENTRI": ("SENTRI", "Ready", "standard"),
    "FAST": ("FAST", "standard"),
    PRE_INSPECTED: ("FAST", "standard"),
}


def eligible_lanes(entitlement: str, lanes: dict[str, LaneSpec] | list[str]) -> list[str]:
    """The lanes of *lanes* an entitlement may use, preferred first (standard always last)."""
    order = ELIGIBLE.get(entitlement, (entitlement, "standard"))
    return [lane for lane in order if lane in lanes]


class BoothChange(BaseModel):
    """Lanes opened (or closed, negative) on one lane type during some hours: a scenario lever.

    Applies only while the lane type is open; more lanes than are installed means building them.
    """

    model_config = ConfigDict(extra="forbid")

    delta: int
    hours: Window = (0, 24)
    days: Literal["all", "weekday", "weekend"] = "all"


class DaySchedule(BaseModel):
    """Lanes open by hour of day (local time) on weekdays, Saturdays and Sundays."""

    model_config = ConfigDict(extra="forbid")

    weekday: HourLanes
    saturday: HourLanes
    sunday: HourLanes

    def day(self, day: str) -> list[int]:
        return list(getattr(self, day))


class LaneSpec(BaseModel):
    """One lane type at primary: installed booths, opening hours and the lanes staffed by hour."""

    model_config = ConfigDict(extra="forbid")

    booths: int = Field(ge=0, description="installed lanes of this type: the most that can be staffed")
    open: Window = Field(default=(0, 24), description="published opening hours [open, close) on weekdays")
    open_saturday: Window | None = None
    open_sunday: Window | None = None
    staffed: DaySchedule | None = Field(
        default=None,
        description="lanes open by day type and hour, what the twin runs (zero outside "
        "the opening hours in default models); none: every booth during the opening hours",
    )
    changes: list[BoothChange] = Field(default_factory=list)

    @field_validator("open", "open_saturday", "open_sunday")
    @classmethod
    def _ordered(cls, window: Window | None) -> Window | None:
        if window is not None and window[0] > window[1]:
            raise ValueError(f"hours must be [open, close] with open <= close, got {list(window)}")
        return window

    def window(self, day: str) -> Window:
        """Opening hours on a day type."""
        if day == "saturday":
            return self.open_saturday or self.open
        if day == "sunday":
            return self.open_sunday or self.open_saturday or self.open
        return self.open

    def is_open(self, day: str) -> list[bool]:
        start, end = self.window(day)
        return [start <= h < end for h in range(24)]

    def base_lanes(self, day: str) -> list[int]:
        """Lanes open by hour before scenario changes: the schedule, or every booth while open."""
        if self.staffed is not None:
            return [min(n, self.booths) for n in self.staffed.day(day)]
        return [self.booths if o else 0 for o in self.is_open(day)]

    def lanes(self, day: str) -> list[int]:
        """Lanes open by hour on a day type: the schedule within the installed booths, then the
        scenario's changes (which apply while the lane type is open)."""
        return self.with_changes(self.base_lanes(day), day)

    def scheduled(self, staffed: list[int], day: str) -> list[int]:
        """What ``lanes`` gives with *staffed* as the day's schedule (a staffing rule's lanes for
        one month) instead of the lane's own."""
        return self.with_changes([min(n, self.booths) for n in staffed], day)

    def with_changes(self, hours: list[int], day: str) -> list[int]:
        """*hours* (lanes by hour, within the booths) with the scenario's changes applied."""
        hours = list(hours)
        window = self.is_open(day)
        is_open = [window[h] or hours[h] > 0 for h in range(24)]
        for change in self.changes:
            if (change.days == "weekday") != (day == "weekday") and change.days != "all":
                continue
            lo, hi = change.hours
            span = range(lo, hi) if lo <= hi else [*range(lo, 24), *range(hi)]
            for h in span:
                if is_open[h]:
                    hours[h] = max(0, hours[h] + change.delta)
        return hours

    def staffing(self) -> Staffing:
        """The twin's hourly server counts for this lane type."""
        return Staffing(weekday=self.lanes("weekday"), saturday=self.lanes("saturday"), sunday=self.lanes("sunday"))


class SecondarySpec(BaseModel):
    """Secondary inspection: bays, referral probability by lane entitlement, service time."""

    model_config = ConfigDict(extra="forbid")

    bays: int = Field(ge=0)
    referral: dict[str, Annotated[float, Field(ge=0, le=1)]]
    service: ServiceTime


class PreOpening(BaseModel):
    """Vehicles that line up before the lanes open: a share of each day's demand, arriving
    evenly over the *hours* before the day's first opening. Zero where a class never closes."""

    model_config = ConfigDict(extra="forbid")

    share: float = Field(default=0.0, ge=0, lt=1)
    hours: int = Field(default=1, ge=1, le=6)


class StaffingRule(BaseModel):
    """How lanes are staffed where no schedule is published (``ports/staffing.py``).

    ``kind = "shifts"``: officers work fixed shifts, so a shift staffs for its own average load,
    not for each hour: each lane type gets enough lanes that the shift's average load keeps them
    ``target_utilisation`` busy, at least ``minimum`` while it is open and at most its booths.

    ``kind = "roster"``: a port short of officers. The day's lanes follow a fixed shape by hour
    (``roster_weekday`` / ``roster_weekend``, relative lanes open, as CBP's feed reports them)
    whatever the hour's demand; its level staffs the *day's* work at ``target_utilisation``
    (above 1: fewer lane-hours than the drivers who would like to cross need, so the queue
    carries across hours and drivers' patience sets how long it gets). Lane types share the
    lanes by their share of the day's work, except the ``protected`` ones (SENTRI), staffed for
    their own holders at ``protected_utilisation``, as the programme promises.
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["shifts", "roster"] = "shifts"
    shifts: list[Annotated[int, Field(ge=0, le=23)]] = Field(
        default_factory=lambda: [6, 14, 22], min_length=1, description="shift start hours"
    )
    target_utilisation: float = Field(default=0.9, gt=0, le=1.5)
    minimum: int = Field(default=1, ge=0, description="lanes kept open while the lane type is open")
    roster_weekday: tuple[Annotated[float, Field(ge=0)], ...] = Field(
        default=(1.0,) * 24,
        min_length=24,
        max_length=24,
        description="with kind = 'roster': relative lanes open by hour on weekdays",
    )
    roster_weekend: tuple[Annotated[float, Field(ge=0)], ...] | None = Field(
        default=None, min_length=24, max_length=24, description="... on Saturdays and Sundays (none: the weekday's)"
    )
    protected: tuple[str, ...] = Field(
        default=(),
        description="with kind = 'roster': trusted lane types staffed for their own holders' "
        "work at protected_utilisation (at least one lane while open), outside the shortfall",
    )
    protected_utilisation: float = Field(default=0.85, gt=0, le=1.5)
    source: str = "ESTIMATE"

    def roster(self, day: str) -> tuple[float, ...]:
        """Relative lanes open by hour on a day type (kind = 'roster')."""
        return self.roster_weekday if day == "weekday" or self.roster_weekend is None else self.roster_weekend

    @field_validator("shifts")
    @classmethod
    def _sorted(cls, shifts: list[int]) -> list[int]:
        if sorted(set(shifts)) != shifts:
            raise ValueError("shifts: start hours must be distinct and in increasing order")
        return shifts


class ClassSpec(BaseModel):
    """One traffic class at the crossing (trucks, cars, pedestrians or buses)."""

    model_config = ConfigDict(extra="forbid")

    measure: str = Field(description="BTS measure whose monthly counts drive arrivals")
    volume_factor: float = Field(default=1.0, ge=0, description="growth lever: 1.2 = +20 %")
    entitlements: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, description="share of the class entitled to each trusted lane"
    )
    pre_inspected_share: float = Field(
        default=0.0, ge=0, le=1, description="trucks sealed and tracked from an audited plant"
    )
    loyal_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="share of drivers who keep to their own lane type, "
        "however long its line (the rest take the shortest line open to them)",
    )
    pre_opening: PreOpening = Field(default_factory=PreOpening)
    patience: ServiceTime | None = Field(
        default=None,
        description="the longest wait drivers accept, drawn per driver: one who finds a "
        "longer line on arrival crosses another time or elsewhere (balks), which keeps a saturated "
        "crossing's queue from growing without end, as drivers watching CBP's posted waits do. "
        "None: everyone joins",
    )
    design_volume: float | None = Field(
        default=None,
        ge=0,
        description="vehicles a day the staffing was set for (the staffing rule staffs hours a scenario opens from it)",
    )
    design_mix: dict[str, Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="minutes of primary work per vehicle, by the lane type its "
        "holders use, that the staffing was set for: a scenario that changes entitlements or "
        "service times keeps the baseline's staffing (its effect shows in the waits) unless it "
        "changes the lanes itself. None: the class's own mix",
    )
    seasonal: bool = Field(
        default=False,
        description="staff each simulated month by the staffing rule for that "
        "month's traffic (CBP's holiday and seasonal operations); the lanes given are the design "
        "day's. Off: the lanes given hold all year",
    )
    staffing_rule: StaffingRule | None = Field(
        default=None, description="this class's own staffing rule (a calibrated one); none: the crossing's"
    )
    lanes: dict[str, LaneSpec]
    service: dict[str, ServiceTime]
    secondary: SecondarySpec
    profile: DemandProfile
    chain: TruckChain | None = Field(
        default=None,
        description="the stages besides CBP's (Mexico's customs, the bridge, the state's "
        "inspection: ports/chain.py); none: the class starts at CBP's line and leaves after secondary",
    )

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

    def service_of(self, entitlement: str, pre_inspection: PreInspectionSpec | None = None) -> ServiceTime:
        """Primary service time of a flow (a pre-inspected load: FAST's, scaled)."""
        if entitlement == PRE_INSPECTED:
            base = self.service.get("FAST", self.service["standard"])
            return base.scaled(pre_inspection.service_factor if pre_inspection else 1.0)
        return self.service[entitlement]

    def is_open(self, day: str) -> list[bool]:
        """Hours of a day type in which at least one primary lane of the class is open."""
        hours = [lane.lanes(day) for lane in self.lanes.values()]
        return [any(h[k] > 0 for h in hours) for k in range(24)]


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


Weights = Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=1, max_length=24)]
#: The twin's weight may scale its departure from the usual up (``forecast.fit_anomaly_weights``).
TwinWeights = Annotated[list[Annotated[float, Field(ge=0, le=1.5)]], Field(min_length=1, max_length=24)]


class ForecastBlend(BaseModel):
    """How a forecast combines the twin with the latest CBP reading and with climatology (the
    mean of earlier days at that lane, day type and hour), per hour ahead *k*; the last weight
    holds for horizons beyond the lists. Fitted by ``calibrate`` on the training readings.

    Where climatology knows both hours (``anomaly_weight`` φ and ``twin_weight`` ψ given, and
    ``hold_weight`` χ, 0 when absent)::

        climatology(t + k) + φ·(reading − climatology(t)) + ψ·(twin(t + k) − climatology(t + k))
                           + χ·(climatology(t) − climatology(t + k))

    — today's departure from the usual fades at a pace the readings tell, the twin corrects the
    usual where it knows better, and χ holds back the usual's change from now to then (φ = χ =
    1, ψ = 0 is the reading held: persistence; φ = ψ = χ = 0 is climatology). Otherwise
    ``w·reading + (1 − w)·twin`` with ``persistence_weight`` *w* (0, the twin alone, when
    absent)."""

    model_config = ConfigDict(extra="forbid")

    persistence_weight: Weights
    anomaly_weight: Weights | None = None
    twin_weight: TwinWeights | None = None
    hold_weight: Weights | None = None

    @model_validator(mode="after")
    def _paired(self) -> ForecastBlend:
        if (self.anomaly_weight is None) != (self.twin_weight is None):
            raise ValueError("anomaly_weight and twin_weight: give both or neither")
        return self


class PortSpec(BaseModel):
    """One crossing (a bridge, or a one-crossing BTS port) as editable data."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="BTS port code of the port the crossing belongs to ('NEW' if planned)")
    crossing: str = Field(default="", description="crossing id in smartborder's catalogue")
    name: str
    classes: dict[Vehicle, ClassSpec]
    sources: dict[str, Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="crossing id → share of its volumes this model carries; "
        "None means the crossing's own volumes (a new crossing takes shares of its neighbours')",
    )
    staffing_rule: StaffingRule = Field(default_factory=StaffingRule)
    targeting: TargetingSpec
    pre_inspection: PreInspectionSpec
    provenance: dict[str, str] = Field(default_factory=dict)
    forecast: ForecastBlend | None = Field(
        default=None, description="forecast blend with the latest reading (calibrated)"
    )

    @model_validator(mode="after")
    def _crossing_known(self) -> PortSpec:
        if not self.crossing and self.sources is None:
            from smartborder import data

            parts = data.crossings_of(self.code) if self.code in data.catalogue() else ()
            if len(parts) != 1:
                names = ", ".join(c.id for c in parts) or "none"
                raise ValueError(
                    f"crossing: say which crossing of port {self.code} this model describes (one of: {names})"
                )
            self.crossing = parts[0].id
        return self

    @classmethod
    def from_toml(cls, path: Path) -> PortSpec:
        """Read and validate a port file; errors name the key and the problem."""
        return read_model(cls, path, "model")

    @property
    def volume_sources(self) -> dict[str, float]:
        """Where arrivals come from: crossing id → share of its volumes."""
        return dict(self.sources) if self.sources else {self.crossing: 1.0}

    @property
    def data_port(self) -> str:
        """The BTS port whose record (occupancy, registry crossings) stands for this crossing."""
        if self.code != "NEW":
            return self.code
        from smartborder import data

        return data.crossings()[next(iter(self.volume_sources))].port_code

    def estimates(self) -> dict[str, str]:
        """Provenance entries that are not published facts, for reports."""
        return {k: v for k, v in self.provenance.items() if not v.startswith("FACT")}

    def to_model(self) -> PortModel:
        """The twin's station network for this crossing."""
        stations: list[Station] = []
        flows: list[Flow] = []
        for vehicle, spec in self.classes.items():
            for lane, lane_spec in spec.lanes.items():
                stations.append(
                    Station(
                        name=f"{vehicle}.primary.{lane}",
                        stage="primary",
                        staffing=lane_spec.staffing(),
                        # with a chain: every truck Mexico's customs cleared (ports/chain.py)
                        after_close="finish_queue" if spec.chain is None else "serve_all",
                    )
                )
            # Secondary works whenever the class is open; it finishes whoever primary sends it.
            class_open = {day: spec.is_open(day) for day in DAY_TYPES}
            bays = {day: [spec.secondary.bays if o else 0 for o in hours] for day, hours in class_open.items()}
            stations.append(
                Station(
                    name=f"{vehicle}.secondary", stage="secondary", staffing=Staffing(**bays), after_close="serve_all"
                )
            )
            if spec.chain is not None:
                before, after = spec.chain.stations(vehicle, class_open)
                stations += before + after
            for entitlement in spec.flow_shares():
                flows.append(self._flow(vehicle, spec, entitlement))
        return PortModel(name=self.name, stations=stations, flows=flows)

    def _flow(self, vehicle: str, spec: ClassSpec, entitlement: str) -> Flow:
        pre = entitlement == PRE_INSPECTED
        service = spec.service_of(entitlement, self.pre_inspection)
        if pre:
            referral = spec.secondary.referral.get("FAST", spec.secondary.referral["standard"])
            referral = min(1.0, referral * self.pre_inspection.referral_factor)
        else:
            referral = spec.secondary.referral[entitlement]
        lanes = eligible_lanes(entitlement, spec.lanes)
        exam_factor = self.pre_inspection.referral_factor if pre else 1.0
        joint = spec.chain is not None and spec.chain.joins(entitlement)
        before, after = spec.chain.steps(vehicle, exam_factor, joint) if spec.chain is not None else ([], [])
        secondary = spec.secondary.service
        if joint and spec.chain is not None and spec.chain.joint is not None:
            secondary = spec.chain.joint.service  # Mexico's selections join CBP's there (targeting_twin)
        if before:  # drivers who find the line too long turn away at its end, in Mexico
            before[0] = before[0].model_copy(update={"patience": spec.patience})
        return Flow(
            name=f"{vehicle}.{entitlement}",
            vehicle=vehicle,  # type: ignore[arg-type]
            lane=entitlement,
            trusted=entitlement != "standard",
            route=[
                *before,
                Step(
                    stations=[f"{vehicle}.primary.{lane}" for lane in lanes],
                    service=service,
                    choice="shortest",
                    loyal=spec.loyal_share,
                    patience=None if before else spec.patience,
                ),
                Step(stations=[f"{vehicle}.secondary"], probability=referral, service=secondary),
                *after,
            ],
            primary_step=len(before),
        )
