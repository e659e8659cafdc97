"""The whole truck crossing, both countries: the stages a northbound truck passes besides CBP's.

CBP publishes a truck's *wait*: from the end of the line to its primary booth. Carriers and
planners quote the *crossing time* that TTI's RFID readers measure, from the end of the queue in
Mexico to the exit of the state's truck-safety inspection (FHWA-HOP-12-049). Between the two lie
the stages of ``TruckChain``, each a station the twin runs like any other (servers by hour, a
service time, the share of trucks that visit it):

* ``mexico``: Mexico's export customs (Aduanas) — the booth that reads the export declaration and
  draws the *semáforo* (the automated selection's green or red light);
* ``mexico_exam``: red → a customs examination, on its own bays;
* ``bridge``: the drive across, a road with no queue of its own;
* CBP primary and secondary: the class's lanes and bays, as without the chain;
* ``scale`` and ``state``: the state's truck-safety facility (Texas DPS Border Safety Inspection
  Facility, California Highway Patrol's commercial vehicle enforcement facility): every truck
  crosses its scale, a share is inspected, and some of those are put out of service.

Carriers see the crossing's posted times before they dispatch: a truck whose crossing would run
past what its carrier accepts (``carriers``, drawn per truck) is not sent. The twin has no
blocking (a full inspection yard does not back trucks onto the bridge), so where the state's
inspection is the line that grows — a surge of state inspections — that is where the truck is
seen to leave the count; its minutes upstream stay in Mexico's and CBP's lines, which such a
surge leaves short.

A truck's crossing time is cut into ``SEGMENTS`` by the stages it spent its minutes in — queue
and service, a skipped stage adding zero — so they add up to its total; ``cbp_wait`` (CBP's
published wait) is reported beside them and overlaps ``cbp_primary``. Every value is a parameter
with its source (``[truck.chain]`` in ``assumptions.toml``; ``docs/evidence.md``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder.twin.distributions import ServiceTime
from smartborder.twin.model import Staffing, Station, Step

Hour = Annotated[int, Field(ge=0, le=24)]

#: The parts of a truck's crossing time; they add up to ``total``.
SEGMENTS = ("mexico", "bridge", "cbp_primary", "secondary", "state")
#: What is reported per truck: the segments, CBP's published wait beside them, and the total.
REPORTED = ("mexico", "bridge", "cbp_wait", "cbp_primary", "secondary", "state", "total")
#: Which segment a station's ``stage`` belongs to.
SEGMENT_OF = {
    "mexico_export": "mexico",
    "mexico_exam": "mexico",
    "bridge": "bridge",
    "primary": "cbp_primary",
    "secondary": "secondary",
    "state": "state",
}


class Stage(BaseModel):
    """One stage of the chain: the share of trucks that visit it, its servers (booths, bays,
    inspection lanes) while it is open, and how long a truck takes there."""

    model_config = ConfigDict(extra="forbid")

    share: float = Field(default=1.0, ge=0, le=1, description="share of trucks that visit the stage")
    servers: int = Field(ge=0, description="booths or bays open while the stage is open (0: closed)")
    open: tuple[Hour, Hour] | None = Field(
        default=None, description="hours [open, close) every day; none: the hours of CBP's truck lanes"
    )
    service: ServiceTime

    @field_validator("open")
    @classmethod
    def _ordered(cls, window: tuple[int, int] | None) -> tuple[int, int] | None:
        if window is not None and window[0] > window[1]:
            raise ValueError(f"hours must be [open, close] with open <= close, got {list(window)}")
        return window

    def staffing(self, class_open: dict[str, list[bool]]) -> Staffing:
        """Servers by hour: the stage's own hours, or those of the class's primary lanes."""
        days = {}
        for day, hours in class_open.items():
            if self.open is not None:
                hours = [self.open[0] <= h < self.open[1] for h in range(24)]
            days[day] = [self.servers if is_open else 0 for is_open in hours]
        return Staffing(**days)


class JointInspection(BaseModel):
    """Unified Cargo Processing (seeds 002 and 003: co-management): for the trucks of the
    ``lanes`` entitlement groups (C-TPAT/FAST carriers, as in the Nogales pilot of 2016), Mexico's
    customs examines them together with CBP, in CBP's secondary, in one exam: the trucks either
    agency selects (Mexico's red light at its rate, CBP's risk targeting) have that one exam,
    and none has Mexico's own exam before the bridge."""

    model_config = ConfigDict(extra="forbid")

    lanes: list[str] = Field(default_factory=lambda: ["FAST"], min_length=1)
    service: ServiceTime = Field(description="one joint exam, in CBP's secondary bays")


class TruckChain(BaseModel):
    """The stages of a northbound truck's crossing besides CBP's primary and secondary."""

    model_config = ConfigDict(extra="forbid")

    mexico: Stage = Field(description="Mexico's export customs: declaration and semáforo")
    mexico_exam: Stage = Field(description="red light: Mexico's customs examination (share = the red-light rate)")
    bridge: ServiceTime = Field(description="minutes to drive across, from Mexico's customs to CBP's line")
    scale: Stage = Field(description="the state facility's scale and screening, which every truck passes")
    state: Stage = Field(description="the state's truck-safety inspection (share = trucks inspected)")
    out_of_service: float = Field(
        default=0.0, ge=0, le=1, description="share of inspected trucks the state puts out of service"
    )
    joint: JointInspection | None = Field(default=None, description="joint inspection (none: each country its own)")
    carriers: ServiceTime | None = Field(
        default=None,
        description="the longest crossing a carrier sends a truck into, minutes from the end of the line "
        "in Mexico, drawn per truck: a truck whose time by the start of its state inspection would "
        "exceed it was not sent (it leaves the count there). None: every truck is sent",
    )

    @model_validator(mode="after")
    def _stages_serve(self) -> TruckChain:
        """A stage trucks visit needs a server and an hour open, or its trucks would never leave."""
        for name in ("mexico", "mexico_exam", "scale", "state"):
            stage: Stage = getattr(self, name)
            window = stage.open
            if stage.share > 0 and (stage.servers < 1 or (window is not None and window[0] >= window[1])):
                hours = list(window) if window else "those of CBP's lanes"
                raise ValueError(
                    f"{name}: a stage {stage.share:.0%} of trucks visit needs at least one server and one "
                    f"open hour (got {stage.servers} servers, hours {hours})"
                )
        return self

    def joins(self, entitlement: str) -> bool:
        """Whether the trucks of *entitlement* are inspected jointly."""
        return self.joint is not None and entitlement in self.joint.lanes

    def stations(self, vehicle: str, class_open: dict[str, list[bool]]) -> tuple[list[Station], list[Station]]:
        """The chain's stations before CBP primary (Mexico, bridge) and after CBP secondary (state)."""
        before = [
            Station(
                name=f"{vehicle}.mexico.export",
                stage="mexico_export",
                staffing=self.mexico.staffing(class_open),
                after_close="finish_queue",
            ),
            Station(
                name=f"{vehicle}.mexico.exam",
                stage="mexico_exam",
                staffing=self.mexico_exam.staffing(class_open),
                after_close="finish_queue",
            ),
            Station(name=f"{vehicle}.bridge", stage="bridge", staffing=Staffing.constant(1), unlimited=True),
        ]
        after = [
            Station(
                name=f"{vehicle}.state.{part}",
                stage="state",
                staffing=stage.staffing(class_open),
                after_close="serve_all",
            )
            for part, stage in (("scale", self.scale), ("inspection", self.state))
        ]
        return before, after

    def steps(self, vehicle: str, exam_factor: float = 1.0, joint: bool = False) -> tuple[list[Step], list[Step]]:
        """A truck's steps before CBP primary and after CBP secondary; *exam_factor* scales the
        red-light rate (origin pre-inspection: a load sealed at an audited plant is examined less,
        ``PreInspectionSpec.referral_factor``, on both sides of the line); *joint*: the trucks are
        inspected jointly, in CBP's secondary, never in Mexico's exam."""
        before = [
            Step(stations=[f"{vehicle}.mexico.export"], service=self.mexico.service, probability=self.mexico.share),
            Step(
                stations=[f"{vehicle}.mexico.exam"],
                service=self.mexico_exam.service,
                probability=0.0 if joint else min(1.0, self.mexico_exam.share * exam_factor),
            ),
            Step(stations=[f"{vehicle}.bridge"], service=self.bridge),
        ]
        after = [
            Step(stations=[f"{vehicle}.state.scale"], service=self.scale.service, probability=self.scale.share),
            # Where a surge of state inspections builds the crossing's longest line: a carrier who
            # would not send a truck into it is seen there (twin.model.Step.patience, later step).
            Step(
                stations=[f"{vehicle}.state.inspection"],
                service=self.state.service,
                probability=self.state.share,
                patience=self.carriers,
            ),
        ]
        return before, after
