"""The investment catalogue: what a port could buy, what it costs, and which levers it pulls.

A catalogue is data (``investments.toml`` shipped with smartborder, or ``--options FILE``): each
option has a capital cost, a fixed annual cost, a build time and a life — every figure with its
source, ``FACT: <citation>`` or ``ESTIMATE: <reasoning>`` — and the twin's levers it pulls:

* ``booths``: a lane type gains (or, negative, loses) staffed lanes during some hours at *one*
  crossing (the busiest of the port that has the lanes, unless ``crossing`` names one), so that a
  booth bought once is simulated once, however many crossings the port has;
* ``hours``: opening hours of a class's lanes, on every crossing with the class;
* ``trusted``: a programme's share of a class raised by ``add`` (of the class's traffic) on every
  crossing, capped so that the trusted shares add up to at most 1;
* ``classes``: absolute class changes (origin pre-inspection, referral rates);
* ``new_port``: a new crossing taking traffic from named neighbours (``ports.newport``).

Options may be port-generic (they apply wherever their lanes and classes exist) or name the
``ports`` they are for. ``options_for`` says which options fit a place and why the others do
not; ``apply_options`` gives the crossing models with a set of options in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smartborder import data
from smartborder.policy.errors import REFUSALS, AnalysisError
from smartborder.policy.studies.scenario import (
    BoothLever,
    ClassChange,
    HoursLever,
    NewPort,
    Scenario,
    apply,
)
from smartborder.ports.spec import DAY_TYPES, PortSpec, Vehicle
from smartborder.tomlfiles import read_model

Share = Annotated[float, Field(gt=0, le=1)]
SOURCE_KINDS = ("FACT", "ESTIMATE")


def _sourced(text: str) -> str:
    if not text.strip().startswith(SOURCE_KINDS):
        raise ValueError("say where the figure comes from: start with 'FACT: <citation>' or 'ESTIMATE: <reasoning>'")
    return text.strip()


class Cost(BaseModel):
    """A sum of money with its source."""

    model_config = ConfigDict(extra="forbid")

    usd: float = Field(ge=0)
    source: str

    @field_validator("source")
    @classmethod
    def _cited(cls, text: str) -> str:
        return _sourced(text)

    @property
    def estimated(self) -> bool:
        return self.source.startswith("ESTIMATE")


class Valued(BaseModel):
    """A number other than money, with its source."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(gt=0)
    source: str

    @field_validator("source")
    @classmethod
    def _cited(cls, text: str) -> str:
        return _sourced(text)


def _officers() -> dict[str, Any]:
    from smartborder.ports.defaults import assumptions

    return dict(assumptions()["officers"])


def _officer_hour() -> Cost:
    a = _officers()
    return Cost(usd=float(a["usd_per_officer_hour"]), source=str(a["usd_per_officer_hour_source"]))


def _officers_per_lane() -> Valued:
    a = _officers()
    return Valued(value=float(a["officers_per_lane"]), source=str(a["officers_per_lane_source"]))


class Parameters(BaseModel):
    """Figures every option's operating cost uses. By default the officer-hour and the officers a
    lane needs are ``assumptions.toml [officers]``, the figures ``staffing`` prices a lane-hour
    with, so a lane-hour costs the same in a plan and a staffing plan; a catalogue may set its own."""

    model_config = ConfigDict(extra="forbid")

    officer_hour: Cost = Field(default_factory=_officer_hour, description="one CBP officer for an hour, fully loaded")
    officers_per_lane: Valued = Field(
        default_factory=_officers_per_lane,
        description="officers an open primary lane needs (with secondary, supervision, relief)",
    )

    @property
    def lane_hour_usd(self) -> float:
        """What one more staffed primary lane-hour costs."""
        return self.officer_hour.usd * self.officers_per_lane.value


class BoothInvestment(BoothLever):
    """Lanes added (or removed) on one lane type at one crossing of the port."""

    crossing: str = Field(default="busiest", description="crossing id, or 'busiest' (of those with the lane)")


class TrustedLever(BaseModel):
    """A trusted programme's share of a class raised by *add* (shares of the class's traffic)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    vehicle: Vehicle = Field(alias="class")
    lane: Literal["FAST", "SENTRI", "Ready"]
    add: Share


class Enrolment(BaseModel):
    """What enrolling the vehicles a trusted lever adds costs: a fee (the programme's cost
    recovery) per member, renewed every *fee_years*, members = added crossings a year ÷ the
    crossings a member makes in a year."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    vehicle: Vehicle = Field(alias="class")
    lane: Literal["FAST", "SENTRI", "Ready"]
    fee: Cost
    fee_years: Valued
    crossings_per_member: Valued


class PerLoad(BaseModel):
    """A cost for every vehicle a lever moves into a programme (e.g. a seal per pre-inspected load)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    vehicle: Vehicle = Field(alias="class")
    cost: Cost


class Levers(BaseModel):
    """The twin's levers an option pulls (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    classes: dict[Vehicle, ClassChange] = Field(default_factory=dict)
    booths: list[BoothInvestment] = Field(default_factory=list)
    hours: list[HoursLever] = Field(default_factory=list)
    trusted: list[TrustedLever] = Field(default_factory=list)
    new_port: NewPort | None = None

    @model_validator(mode="after")
    def _sensible(self) -> Levers:
        if not (self.classes or self.booths or self.hours or self.trusted or self.new_port):
            raise ValueError("an option must pull at least one lever (booths, hours, trusted, classes, new_port)")
        for vehicle, change in self.classes.items():
            if change.volume_factor is not None:
                raise ValueError(
                    f"classes.{vehicle}.volume_factor: demand growth is the plan's --growth, not an investment"
                )
        return self


class Option(BaseModel):
    """One investment: its costs with their sources, its timing and its levers."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)
    description: str
    group: str | None = Field(default=None, description="options of one group exclude each other")
    ports: list[str] | None = Field(default=None, description="the places it is for (default: any port it fits)")
    idle_booths: bool = Field(
        default=False,
        description="booth levers staff installed booths that stand idle "
        "then (officers, no construction): checked against the port's model",
    )
    capital: Cost
    annual: Cost
    build_years: int = Field(ge=0, le=30)
    build_source: str = ""
    life_years: int | None = Field(default=None, ge=1, le=100, description="none: lasts the horizon")
    life_source: str = ""
    staffing_cost: bool = Field(default=True, description="cost the simulated change in staffed lane-hours")
    enrolment: list[Enrolment] = Field(default_factory=list)
    per_load: list[PerLoad] = Field(default_factory=list)
    levers: Levers

    @field_validator("build_source", "life_source")
    @classmethod
    def _timing_sourced(cls, text: str) -> str:
        return _sourced(text) if text else text

    @model_validator(mode="after")
    def _consistent(self) -> Option:
        if self.build_years > 0 and not self.build_source:
            raise ValueError("build_source: say where the build time comes from (FACT or ESTIMATE)")
        if self.life_years is not None and not self.life_source:
            raise ValueError("life_source: say where the life comes from (FACT or ESTIMATE)")
        pulled = {(t.vehicle, t.lane) for t in self.levers.trusted}
        for k, item in enumerate(self.enrolment):
            if (item.vehicle, item.lane) not in pulled:
                raise ValueError(f"enrolment[{k}]: no trusted lever raises {item.vehicle} {item.lane}")
        return self

    def sources(self) -> dict[str, str]:
        """Every figure of the option and where it comes from."""
        out = {
            "capital": f"US${self.capital.usd:,.0f}: {self.capital.source}",
            "annual": f"US${self.annual.usd:,.0f} a year: {self.annual.source}",
        }
        if self.build_source:
            out["build_years"] = f"{self.build_years}: {self.build_source}"
        if self.life_source:
            out["life_years"] = f"{self.life_years}: {self.life_source}"
        for k, item in enumerate(self.enrolment):
            out[f"enrolment[{k}].fee"] = f"US${item.fee.usd:,.2f}: {item.fee.source}"
            out[f"enrolment[{k}].fee_years"] = f"{item.fee_years.value:g}: {item.fee_years.source}"
            out[f"enrolment[{k}].crossings_per_member"] = (
                f"{item.crossings_per_member.value:g}: {item.crossings_per_member.source}"
            )
        for k, load in enumerate(self.per_load):
            out[f"per_load[{k}]"] = f"US${load.cost.usd:,.2f} a {load.vehicle}: {load.cost.source}"
        return out

    @property
    def estimated(self) -> bool:
        """Whether any of its money figures is an estimate."""
        costs = [self.capital, self.annual, *(e.fee for e in self.enrolment), *(p.cost for p in self.per_load)]
        return any(c.estimated for c in costs)


class Catalogue(BaseModel):
    """Investment options and the figures they share."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    description: str = ""
    parameters: Parameters = Field(default_factory=Parameters)
    option: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        seen: set[str] = set()
        for k, option in enumerate(self.option):
            if option.id in seen:
                raise ValueError(f"option[{k}].id: {option.id!r} is used twice")
            seen.add(option.id)
        return self

    @classmethod
    def from_toml(cls, path: str | Path) -> Catalogue:
        catalogue = read_model(cls, path, "options")
        catalogue.check_places(str(path))
        return catalogue

    def check_places(self, where: str = "options") -> None:
        """Every place an option names (``ports``, ``new_port.takes``) is a known port."""
        for k, option in enumerate(self.option):
            named = [("ports", p) for p in option.ports or []]
            if option.levers.new_port is not None:
                named += [("levers.new_port.takes", p) for p in option.levers.new_port.takes]
            for key, place in named:
                try:
                    data.resolve_place(place)
                except data.DataError as exc:
                    raise AnalysisError(f"options: {where}: option[{k}].{key}: {exc}") from None

    def get(self, option_id: str) -> Option:
        for option in self.option:
            if option.id == option_id:
                return option
        raise AnalysisError(
            f"option: no option {option_id!r} in the catalogue; options: {', '.join(o.id for o in self.option)}"
        )


def shipped_catalogue_path() -> Path:
    return Path(str(files("smartborder.policy.deciding") / "investments.toml"))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue in *path*, or the one shipped with smartborder."""
    return Catalogue.from_toml(path if path is not None else shipped_catalogue_path())


# ---------------------------------------------------------------------- applying options


@dataclass
class Fit:
    """Which options fit a place, and why each of the others does not."""

    usable: list[Option]
    skipped: dict[str, str]  # option id → reason


def _target(specs: list[PortSpec], option: Option) -> dict[int, str]:
    """For each booth lever, the crossing id it acts on (the busiest with all of the option's
    booth lanes, unless the lever names one)."""
    wanted = {(b.vehicle, b.lane) for b in option.levers.booths if b.crossing == "busiest"}
    having = [s for s in specs if all(v in s.classes and lane in s.classes[v].lanes for v, lane in wanted)]
    out: dict[int, str] = {}
    for k, booth in enumerate(option.levers.booths):
        if booth.crossing != "busiest":
            if booth.crossing not in {s.crossing for s in specs}:
                raise AnalysisError(
                    f"option {option.id}: booths[{k}].crossing: no crossing {booth.crossing!r} here; "
                    f"crossings: {', '.join(s.crossing for s in specs)}"
                )
            out[k] = booth.crossing
            continue
        if not having:
            pairs = ", ".join(f"{v} {lane}" for v, lane in sorted(wanted))
            raise AnalysisError(f"option {option.id}: no crossing here has {pairs} lanes")
        busiest = max(having, key=lambda s: s.classes[booth.vehicle].design_volume or 0.0)
        out[k] = busiest.crossing
    return out


def _trusted_change(spec: PortSpec, lever: TrustedLever) -> float | None:
    """The new share of the lever's programme at *spec* (capped so shares add up to 1)."""
    cls = spec.classes.get(lever.vehicle)
    if cls is None:
        return None
    current = cls.entitlements.get(lever.lane, 0.0)
    others = sum(v for k, v in cls.entitlements.items() if k != lever.lane) + cls.pre_inspected_share
    return round(max(current, min(current + lever.add, 1.0 - others)), 9)


def apply_option(specs: list[PortSpec], option: Option, design_year: int | None = None) -> list[PortSpec]:
    """*specs* with *option* in place (a new crossing appended last); *specs* are untouched."""
    levers = option.levers
    targets = _target(specs, option)
    out = []
    for spec in specs:
        booths = [
            BoothLever.model_validate(b.model_dump(exclude={"crossing"}))
            for k, b in enumerate(levers.booths)
            if targets[k] == spec.crossing
        ]
        classes = {v: c.model_copy() for v, c in levers.classes.items()}
        for lever in levers.trusted:
            share = _trusted_change(spec, lever)
            if share is None:
                continue
            change = classes.setdefault(lever.vehicle, ClassChange())
            change.entitlements = {**(change.entitlements or {}), lever.lane: share}
        scenario = Scenario(
            name=option.id, classes=classes, booths=booths, hours=levers.hours, new_port=levers.new_port
        )
        out.append(apply(spec, scenario, skip_missing=True) if not scenario.is_empty else spec)
    if levers.new_port is not None:
        from smartborder.ports.defaults import default_spec
        from smartborder.ports.newport import new_port_spec

        present = {s.crossing for s in specs}
        classes_here = {v for s in specs for v in s.classes}
        taken = {c.id for place in levers.new_port.takes for c in data.resolve_place(place).crossings}
        # a crossing it takes from must be simulated too, unless it carries none of the classes studied
        missing = sorted(c for c in taken - present if classes_here & set(default_spec(c, design_year).classes))
        if missing or not taken & present:
            raise AnalysisError(
                f"option {option.id}: the new crossing takes traffic from "
                f"{', '.join(missing or sorted(taken))}, which this plan does not simulate; "
                "plan the port it takes from"
            )
        new = new_port_spec(levers.new_port.name, levers.new_port.takes, design_year, levers.new_port.booths)
        new = new.model_copy(update={"classes": {k: v for k, v in new.classes.items() if k in classes_here}})
        out.append(new)
    return out


def apply_options(specs: list[PortSpec], options: list[Option], design_year: int | None = None) -> list[PortSpec]:
    """*specs* with every option of a set in place, one after another (levers add up)."""
    if sum(o.levers.new_port is not None for o in options) > 1:
        raise AnalysisError("options: a set can open one new crossing, not several")
    out = list(specs)
    for option in sorted(options, key=lambda o: o.levers.new_port is not None):  # new crossing last
        out = apply_option(out, option, design_year)
    return out


def _lanes_short(specs: list[PortSpec], option: Option) -> str | None:
    """Why the option's booth levers do not fit the port's lanes, or None: an officers-only
    option (``idle_booths``) needs booths that stand unstaffed in its hours; a lever that takes
    lanes away (a conversion) must leave at least one lane staffed wherever one was. Checked
    against the crossing model's design-day staffing."""
    targets = _target(specs, option)
    by_id = {s.crossing: s for s in specs}
    for k, booth in enumerate(option.levers.booths):
        if booth.delta > 0 and not option.idle_booths:
            continue
        spec = by_id[targets[k]]
        lane = spec.classes[booth.vehicle].lanes[booth.lane]
        lo, hi = booth.hours
        span = range(lo, hi) if lo <= hi else [*range(lo, 24), *range(hi)]
        for day in DAY_TYPES:
            if booth.days != "all" and (booth.days == "weekday") != (day == "weekday"):
                continue
            staffed, is_open = lane.lanes(day), lane.is_open(day)
            if booth.delta > 0:
                short = [h for h in span if is_open[h] and staffed[h] + booth.delta > lane.booths]
                if short:
                    h = short[0]
                    return (
                        f"{spec.name}: {staffed[h]} of its {lane.booths} {booth.vehicle} {booth.lane} booths "
                        f"are staffed at {h:02d}:00 ({day}), so {booth.delta} more need booths built"
                    )
            else:
                short = [h for h in span if staffed[h] > 0 and staffed[h] + booth.delta < 1]
                if short:
                    h = short[0]
                    return (
                        f"{spec.name}: {staffed[h]} {booth.vehicle} {booth.lane} lane(s) staffed at {h:02d}:00 "
                        f"({day}); taking {-booth.delta} away leaves none"
                    )
    return None


def _is_for(option: Option, code: str) -> bool:
    return option.ports is None or any(data.resolve_place(p).port.code == code for p in option.ports)


def options_for(catalogue: Catalogue, specs: list[PortSpec], code: str, design_year: int | None = None) -> Fit:
    """The options that fit a place (port *code*, crossing models *specs*), and why the others do not."""
    usable: list[Option] = []
    skipped: dict[str, str] = {}
    for option in catalogue.option:
        if not _is_for(option, code):
            skipped[option.id] = f"for {', '.join(option.ports or [])} only"
            continue
        lanes_here = {(v, lane) for s in specs for v, c in s.classes.items() for lane in c.lanes}
        missing = [f"{t.vehicle} {t.lane}" for t in option.levers.trusted if (t.vehicle, t.lane) not in lanes_here]
        if missing:
            skipped[option.id] = f"no {', '.join(missing)} lanes here"
            continue
        try:
            apply_option(specs, option, design_year)
        except REFUSALS as exc:
            skipped[option.id] = str(exc).removeprefix(f"option {option.id}: ")
            continue
        reason = _lanes_short(specs, option)
        if reason:
            skipped[option.id] = reason
            continue
        usable.append(option)
    return Fit(usable, skipped)


def as_scenario(specs: list[PortSpec], options: list[Option]) -> Scenario:
    """One scenario file that ``compare`` runs to the same crossing models as *options* on *specs*
    (where booth levers land on every crossing that has the lane, so this needs them to land
    where the options put them). Raises ``AnalysisError`` when no single scenario does."""
    booths: list[BoothLever] = []
    classes: dict[str, ClassChange] = {}
    hours: list[HoursLever] = []
    new_port = None
    for option in options:
        targets = _target(specs, option)
        for k, booth in enumerate(option.levers.booths):
            others = [
                s.crossing
                for s in specs
                if s.crossing != targets[k]
                and booth.vehicle in s.classes
                and booth.lane in s.classes[booth.vehicle].lanes
            ]
            if others:
                raise AnalysisError(
                    f"option {option.id}: its booths go to {targets[k]} only, but a scenario's "
                    f"booths would also change {', '.join(others)}"
                )
            booths.append(BoothLever.model_validate(booth.model_dump(exclude={"crossing"})))
        for vehicle, change in option.levers.classes.items():
            merged = classes.setdefault(vehicle, ClassChange())
            for key, value in change.model_dump(exclude_none=True).items():
                setattr(merged, key, value)
        for lever in option.levers.trusted:
            shares = {share for s in specs if (share := _trusted_change(s, lever)) is not None}
            if len(shares) > 1:
                raise AnalysisError(f"option {option.id}: the {lever.lane} share differs between crossings")
            change = classes.setdefault(lever.vehicle, ClassChange())
            change.entitlements = {**(change.entitlements or {}), lever.lane: shares.pop()}
        hours += option.levers.hours
        new_port = option.levers.new_port or new_port
    name = "+".join(o.id for o in options)
    return Scenario(
        name=name,
        description="; ".join(o.description for o in options),
        classes=classes,  # type: ignore[arg-type]
        booths=booths,
        hours=hours,
        new_port=new_port,
    )


__all__ = [
    "Catalogue",
    "Cost",
    "Fit",
    "Option",
    "Parameters",
    "apply_option",
    "apply_options",
    "as_scenario",
    "load_catalogue",
    "options_for",
    "shipped_catalogue_path",
]
