"""Scenarios: small files of changes against a port's baseline — the seeds' levers.

Example (TOML)::

    name = "Double FAST"
    description = "FAST enrolment doubles (seeds 003, 004)"

    [classes.truck]
    entitlements = { FAST = 0.5 }     # share entitled to each trusted lane
    pre_inspected_share = 0.1         # sealed & tracked from an audited plant (seed 004)
    volume_factor = 1.2               # +20 % trucks
    referral = { standard = 0.08 }    # targeting: referral rate to secondary

    [classes.truck.chain]             # the whole crossing, Mexico to the state's facility
    add = true                        # (ports/chain.py): the default chain where there is none

    [classes.truck.chain.state]       # the state inspects every truck; also mexico,
    share = 1.0                       # mexico_exam, scale: share, servers (or extra_servers),
    extra_servers = 2                 # service; bridge = {...}

    [[booths]]                        # two more standard car lanes staffed at night
    class = "pov"
    lane = "standard"
    delta = 2
    hours = [22, 6]

    [[hours]]                         # extended truck hours on every truck lane; the hours it
    class = "truck"                   # opens are staffed by the model's staffing rule
    open = [6, 24]

    [targeting]                       # risk targeting (smartborder.targeting)
    detection = 0.8
    inspection_rate = { truck = 0.08 }  # share sent to secondary (default: referral rates)
    profiles = "my_profiles.toml"     # other risk profiles; or red_threshold = { truck = 0.02 }

    [new_port]                        # a new port takes traffic from neighbours (seed 000)
    name = "New crossing"
    takes = { "Laredo" = 0.15 }

Unknown keys, classes or lanes, negative booths and shares outside [0, 1] are errors that
name the key, raised before any simulation starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.ports.chain import JointInspection, Stage, TruckChain
from smartborder.ports.defaults import assumptions, truck_chain
from smartborder.ports.spec import DAY_TYPES, BoothChange, ClassSpec, DaySchedule, PortSpec, Vehicle, Window
from smartborder.ports.staffing import apply_rule
from smartborder.tomlfiles import describe, read_model
from smartborder.twin.distributions import ServiceTime

Share = Annotated[float, Field(ge=0, le=1)]


class StageChange(BaseModel):
    """A stage of the truck chain changed: who visits it, its servers, its service time."""

    model_config = ConfigDict(extra="forbid")

    share: Share | None = None
    servers: int | None = Field(default=None, ge=0, description="servers while open, in place of the model's")
    extra_servers: int | None = Field(default=None, description="servers added (negative: removed) while open")
    service: ServiceTime | None = None


class JointChange(BaseModel):
    """Joint inspection (``ports/chain.JointInspection``) for the trucks of ``lanes``; the exam's
    time defaults to ``[truck.chain] joint_exam``."""

    model_config = ConfigDict(extra="forbid")

    lanes: list[str] = Field(default_factory=lambda: ["FAST"], min_length=1)
    service: ServiceTime | None = None


class ChainChange(BaseModel):
    """Changes to a class's chain (``ports/chain.py``), stage by stage."""

    model_config = ConfigDict(extra="forbid")

    add: bool = Field(default=False, description="give the class the default chain where it has none")
    mexico: StageChange | None = None
    mexico_exam: StageChange | None = None
    scale: StageChange | None = None
    state: StageChange | None = None
    bridge: ServiceTime | None = None
    out_of_service: Share | None = None
    joint: JointChange | None = None


class ClassChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entitlements: dict[str, Share] | None = None
    pre_inspected_share: Share | None = None
    volume_factor: float | None = Field(default=None, ge=0)
    referral: dict[str, Share] | None = None
    chain: ChainChange | None = None


class BoothLever(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    vehicle: Vehicle = Field(alias="class")
    lane: str
    delta: int
    hours: Window = (0, 24)
    days: str = "all"


class HoursLever(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    vehicle: Vehicle = Field(alias="class")
    lane: str | None = Field(default=None, description="one lane, or every lane of the class")
    open: Window
    open_saturday: Window | None = None
    open_sunday: Window | None = None


class TargetingChange(BaseModel):
    """Risk targeting levers: thresholds, budgets, profiles (see ``TargetingSpec``)."""

    model_config = ConfigDict(extra="forbid")

    illicit_rate: dict[str, Share] | None = None
    detection: Share | None = None
    selection: Literal["profiles", "random"] | None = None
    profiles: str | None = Field(default=None, description="a risk profile file")
    population: str | None = Field(default=None, description="an attribute distribution file")
    inspection_rate: dict[Vehicle, Share] | None = None
    red_threshold: dict[Vehicle, Share] | None = None
    random_share: Share | None = None


class NewPort(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    takes: dict[str, Share] = Field(description="port → share of its traffic the new port takes")
    booths: dict[Vehicle, dict[str, Annotated[int, Field(ge=0)]]] | None = Field(
        default=None, description="class → lane → booths at the new port (default: sized)"
    )


class Scenario(BaseModel):
    """A named set of changes to a port's baseline."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    classes: dict[Vehicle, ClassChange] = Field(default_factory=dict)
    booths: list[BoothLever] = Field(default_factory=list)
    hours: list[HoursLever] = Field(default_factory=list)
    targeting: TargetingChange | None = None
    new_port: NewPort | None = None

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        return read_model(cls, path, "scenario", {"name": Path(path).stem})

    @classmethod
    def load(cls, name_or_path: str | Path) -> Scenario:
        """A scenario file, or one shipped with smartborder by name (``double-fast``)."""
        path = Path(name_or_path)
        if path.exists() or path.suffix == ".toml":
            return cls.from_toml(path)
        shipped = shipped_scenarios()
        key = str(name_or_path).replace("-", "_")
        if key not in shipped:
            raise AnalysisError(
                f"scenario: no file {name_or_path!r} and no shipped scenario of that name; "
                f"shipped: {', '.join(sorted(k.replace('_', '-') for k in shipped))}"
            )
        return cls.from_toml(shipped[key])

    @property
    def is_empty(self) -> bool:
        return not (self.classes or self.booths or self.hours or self.targeting or self.new_port)

    @property
    def whole_crossing(self) -> bool:
        """Whether a lever acts on a truck's whole crossing (``[classes.truck.chain]``): a study
        of it follows trucks from Mexico to the state's facility, baseline included."""
        return any(change.chain is not None for change in self.classes.values())


def shipped_scenarios() -> dict[str, Path]:
    """Scenario files shipped in ``smartborder/scenarios`` by stem."""
    folder = Path(str(files("smartborder") / "scenarios"))
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


#: What ``--whole-crossing`` applies first: every truck class given the default chain.
WHOLE_CROSSING = Scenario.model_validate({"name": "whole crossing", "classes": {"truck": {"chain": {"add": True}}}})


def apply(spec: PortSpec, scenario: Scenario, skip_missing: bool = False) -> PortSpec:
    """A new spec with the scenario's changes; *spec* is left untouched. With *skip_missing*,
    levers on a class or lane the crossing lacks are skipped (``apply_all`` checks that each
    lever fits some crossing); otherwise they are errors."""
    out = spec.model_copy(deep=True)
    for vehicle, change in scenario.classes.items():
        cls = _class(out, vehicle, "classes", skip_missing)
        if cls is None:
            continue
        if change.entitlements is not None:
            cls.entitlements.update(change.entitlements)
            for lane in change.entitlements:
                if lane not in cls.service:
                    raise AnalysisError(
                        f"scenario.classes.{vehicle}.entitlements: no service time for lane "
                        f"{lane!r}; lanes known for {vehicle}: {sorted(cls.service)}"
                    )
                cls.secondary.referral.setdefault(lane, cls.secondary.referral["standard"])
        if change.pre_inspected_share is not None:
            if vehicle != "truck":
                raise AnalysisError(
                    f"scenario.classes.{vehicle}.pre_inspected_share: origin pre-inspection applies to trucks only"
                )
            cls.pre_inspected_share = change.pre_inspected_share
        if change.volume_factor is not None:
            cls.volume_factor = change.volume_factor
        if change.referral is not None:
            cls.secondary.referral.update(change.referral)
        if change.chain is not None:
            if change.chain.add and cls.chain is None:
                if vehicle != "truck":
                    raise AnalysisError(f"scenario.classes.{vehicle}.chain.add: the crossing chain is the trucks'")
                if not cls.design_volume:
                    raise AnalysisError(
                        f"scenario.classes.{vehicle}.chain.add: the model has no design_volume to size the "
                        "chain's stages from; give one, or the chain itself"
                    )
                cls.chain = truck_chain(cls, cls.design_volume, f"classes.{vehicle}", out.provenance)
            _change_chain(cls, vehicle, change.chain)
    for k, booth in enumerate(scenario.booths):
        lane = _lane(out, booth.vehicle, booth.lane, f"booths[{k}]", skip_missing)
        if lane is not None:
            lane.changes.append(BoothChange(delta=booth.delta, hours=booth.hours, days=booth.days))  # type: ignore[arg-type]
    for k, lever in enumerate(scenario.hours):
        cls = _class(out, lever.vehicle, f"hours[{k}]", skip_missing)
        if cls is None:
            continue
        names = [lever.lane] if lever.lane else list(cls.lanes)
        opened: dict[str, dict[str, list[int]]] = {}
        for name in names:
            lane = _lane(out, lever.vehicle, name, f"hours[{k}]", skip_missing)
            if lane is None:
                continue
            before = {day: lane.is_open(day) for day in DAY_TYPES}
            lane.open = lever.open
            lane.open_saturday = lever.open_saturday
            lane.open_sunday = lever.open_sunday
            if lane.staffed is None:
                continue
            # Hours the lever closes lose their lanes; hours it opens are staffed by the rule.
            days = {}
            for day in DAY_TYPES:
                now = lane.is_open(day)
                days[day] = [n if now[h] else 0 for h, n in enumerate(lane.staffed.day(day))]
                new_hours = [h for h in range(24) if now[h] and not before[day][h]]
                if new_hours:
                    opened.setdefault(name, {})[day] = new_hours
            lane.staffed = DaySchedule(**days)
        if opened:
            if cls.design_volume is None:
                raise AnalysisError(
                    f"scenario.hours[{k}]: the {lever.vehicle} lanes open new hours but "
                    "the model has no design_volume to staff them from; give one"
                )
            out.classes[lever.vehicle] = apply_rule(
                cls, out.staffing_rule, out.pre_inspection.service_factor, only_hours=opened
            )
    if scenario.targeting is not None:
        for key, value in scenario.targeting.model_dump(exclude_none=True).items():
            if key in ("illicit_rate", "inspection_rate", "red_threshold"):
                getattr(out.targeting, key).update(value)
            else:
                setattr(out.targeting, key, value)
    if scenario.new_port is not None:
        for name, share in scenario.new_port.takes.items():
            taken = {c.id for c in data.resolve_place(name).crossings}
            if taken & set(spec.volume_sources):
                for cls in out.classes.values():
                    cls.volume_factor *= 1.0 - share
    try:
        return PortSpec.model_validate(out.model_dump())
    except ValidationError as exc:
        raise AnalysisError(f"scenario {scenario.name!r} makes an invalid port: {describe(exc)}") from None


def _change_chain(cls: ClassSpec, vehicle: str, change: ChainChange) -> None:
    """Apply *change* to the class's chain, in place."""
    if cls.chain is None:
        raise AnalysisError(
            f"scenario.classes.{vehicle}.chain: the {vehicle} model has no crossing chain "
            "(Mexico's customs, bridge, state inspection); add = true gives it the default one"
        )
    for name in ("mexico", "mexico_exam", "scale", "state"):
        stage_change: StageChange | None = getattr(change, name)
        if stage_change is None:
            continue
        stage: Stage = getattr(cls.chain, name)
        if stage_change.share is not None:
            stage.share = stage_change.share
        if stage_change.servers is not None:
            stage.servers = stage_change.servers
        if stage_change.extra_servers is not None:
            stage.servers = max(0, stage.servers + stage_change.extra_servers)
        if stage_change.service is not None:
            stage.service = stage_change.service
    if change.bridge is not None:
        cls.chain.bridge = change.bridge
    if change.out_of_service is not None:
        cls.chain.out_of_service = change.out_of_service
    try:  # the stages changed in place: check the chain as a whole again
        cls.chain = TruckChain.model_validate(cls.chain.model_dump())
    except ValidationError as error:
        detail = error.errors()[0]
        raise AnalysisError(
            f"scenario.classes.{vehicle}.chain: {detail['msg'].removeprefix('Value error, ')}"
        ) from None
    if change.joint is not None:
        groups = list(cls.flow_shares())
        unknown = [lane for lane in change.joint.lanes if lane not in groups]
        if unknown:
            raise AnalysisError(
                f"scenario.classes.{vehicle}.chain.joint.lanes: no {vehicle} traffic holds {unknown}; "
                f"its groups: {groups}"
            )
        service = change.joint.service or ServiceTime(**assumptions()["truck"]["chain"]["joint_exam"])
        cls.chain.joint = JointInspection(lanes=change.joint.lanes, service=service)


def _class(spec: PortSpec, vehicle: str, where: str, skip_missing: bool = False):  # type: ignore[no-untyped-def]
    if vehicle not in spec.classes:
        if skip_missing:
            return None
        raise AnalysisError(
            f"scenario.{where}: {spec.name} has no {vehicle} traffic; it serves {', '.join(spec.classes)}"
        )
    return spec.classes[vehicle]


def _lane(spec: PortSpec, vehicle: str, lane: str, where: str, skip_missing: bool = False):  # type: ignore[no-untyped-def]
    cls = _class(spec, vehicle, where, skip_missing)
    if cls is None:
        return None
    if lane not in cls.lanes:
        if skip_missing:
            return None
        raise AnalysisError(
            f"scenario.{where}.lane: {spec.name} has no {lane!r} lane for {vehicle}; lanes: {', '.join(cls.lanes)}"
        )
    return cls.lanes[lane]


def apply_all(specs: list[PortSpec], scenario: Scenario) -> list[PortSpec]:
    """The scenario on every crossing of a port: a lever acts on the crossings that have its
    class and lane; one that fits none of them is an error naming the key."""
    if len(specs) == 1:
        return [apply(specs[0], scenario)]
    classes = {
        v: {lane for s in specs if v in s.classes for lane in s.classes[v].lanes} for s in specs for v in s.classes
    }
    served = ", ".join(sorted(classes))
    for vehicle in scenario.classes:
        if vehicle not in classes:
            raise AnalysisError(f"scenario.classes: no crossing here has {vehicle} traffic; they serve {served}")
    groups: list[tuple[str, Sequence[BoothLever | HoursLever]]] = [
        ("booths", scenario.booths),
        ("hours", scenario.hours),
    ]
    for where, levers in groups:
        for k, lever in enumerate(levers):
            if lever.vehicle not in classes:
                raise AnalysisError(
                    f"scenario.{where}[{k}]: no crossing here has {lever.vehicle} traffic; they serve {served}"
                )
            if lever.lane is not None and lever.lane not in classes[lever.vehicle]:
                raise AnalysisError(
                    f"scenario.{where}[{k}].lane: no crossing here has a {lever.lane!r} lane for "
                    f"{lever.vehicle}; lanes: {', '.join(sorted(classes[lever.vehicle]))}"
                )
    return [apply(spec, scenario, skip_missing=True) for spec in specs]
