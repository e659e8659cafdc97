"""What a command is asked to simulate: a place, its crossing models, the months, and what to warn.

``prepare("laredo", year=2024)`` resolves the name to a port and its four bridges, builds each
crossing's default model designed on 2024 (or reads ``--model`` for the crossing it describes),
applies a scenario and a staffing file to every crossing, and lists the months the data cover —
saying so when a year is only partly covered — and the capacity warnings, before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from smartborder import data
from smartborder.policy.errors import REFUSALS, AnalysisError

if TYPE_CHECKING:
    from smartborder.policy.studies.city import DriverChoice
    from smartborder.policy.studies.place import Differences, PlaceRun
    from smartborder.ports import PortSpec

# The crossing models (ports: the twin's types, numba, scipy) load where they are used, after the
# place is resolved: an unknown place is refused before any of them is imported.


@dataclass
class Study:
    """The crossings to run, their months, and what to tell the user before running."""

    label: str
    code: str
    specs: list[PortSpec]
    months: list[pd.Period]
    kind: str = "port"  # "port", "crossing" or "new"
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    city_choice: dict[str, Any] | None = None  # drivers shared across the crossings (policy/studies/city.py)

    def schedules(self) -> pd.DataFrame:
        """The staffed lanes of every crossing in the schedule-file format (``--staffing``)."""
        from smartborder.ports.staffing import schedule_frame

        return pd.concat([schedule_frame(s) for s in self.specs], ignore_index=True)


def default_year(specs: list[PortSpec]) -> int:
    """The last calendar year every crossing's data cover in full (else the last they reach)."""
    from smartborder.ports.demand import data_months

    last = min(data_months(s)[1] for s in specs)
    return int(last.year if last.month == 12 else last.year - 1)


def study_months(specs: list[PortSpec], year: int | None, month: str | None, notes: list[str]) -> list[pd.Period]:
    """The months to simulate; a year the data cover only in part is noted, not hidden."""
    from smartborder.ports.demand import data_months, year_months

    if year is not None and month is not None:
        raise AnalysisError("year/month: give a year or a month, not both")
    if month is not None:
        period = data.parse_month(month, "month")
        for spec in specs:
            first, last = data_months(spec)
            if not first <= period <= last:
                raise AnalysisError(f"month: {spec.name} has data from {first} to {last}, not {period}")
        return [period]
    year = default_year(specs) if year is None else year
    months = sorted(set.intersection(*(set(year_months(s, year)) for s in specs)))
    if not months:
        raise AnalysisError(f"year: the crossings of this port have no month of {year} in common")
    if len(months) < 12:
        notes.append(
            f"year {year}: the data cover {months[0]}..{months[-1]} only ({len(months)} months); "
            "figures are for those months, not the whole year"
        )
    return months


def design_year(year: int | None, month: str | None) -> int | None:
    """The year default models are designed on: the year simulated (the month's, with --month)."""
    if year is None and month is not None:
        period = data.parse_month(month, "month")
        return int(period.year)
    return year


def prepare(
    place: str,
    year: int | None = None,
    month: str | None = None,
    model: Path | None = None,
    classes: list[str] | None = None,
    scenario: str | None = None,
    staffing: Path | None = None,
    allow_extra_booths: bool = False,
    whole_crossing: bool = False,
) -> Study:
    """Resolve *place*, build its crossing models and months; scenario and staffing applied (a
    staffing file beyond the installed booths only with *allow_extra_booths*); with
    *whole_crossing*, trucks get the default chain (``ports/chain.py``) before the scenario."""
    resolved = None if place.strip().lower() == "new" else data.resolve_place(place)
    from smartborder.policy.studies.scenario import Scenario, apply_all
    from smartborder.ports import PortSpec, default_spec
    from smartborder.ports.checks import capacity_warnings
    from smartborder.ports.staffing import read_schedule, with_schedule

    chosen = Scenario.load(scenario) if scenario else None
    notes: list[str] = []
    if chosen is not None and chosen.whole_crossing and not whole_crossing:
        whole_crossing = True
        notes.append(
            f"{chosen.name} acts on the trucks' whole crossing, so it is studied from Mexico (as --whole-crossing)"
        )
    if resolved is None:
        from smartborder.ports.newport import new_port_spec

        if chosen is None or chosen.new_port is None:
            raise AnalysisError("port: 'new' needs a scenario with a [new_port] section (e.g. new-port-laredo)")
        specs = [
            new_port_spec(chosen.new_port.name, chosen.new_port.takes, design_year(year, month), chosen.new_port.booths)
        ]
        label, code, kind = chosen.new_port.name, "NEW", "new"
        chosen = chosen.model_copy(update={"new_port": None})
    else:
        if resolved.note:
            notes.append(resolved.note)
        given = PortSpec.from_toml(model) if model else None
        if given is not None and given.crossing not in {c.id for c in resolved.crossings}:
            raise AnalysisError(
                f"model: {model} describes crossing {given.crossing!r}, which is not part of "
                f"{resolved.label} ({', '.join(c.id for c in resolved.crossings)})"
            )
        sizing = design_year(year, month)
        specs = []
        for crossing in resolved.crossings:
            if given is not None and given.crossing == crossing.id:
                specs.append(given)
                continue
            try:
                specs.append(default_spec(crossing, sizing))
            except REFUSALS:
                if sizing is None:
                    raise
                specs.append(default_spec(crossing, None))  # a month past the data's years
        label, code, kind = resolved.label, resolved.port.code, resolved.kind
    if classes:
        unknown = sorted(set(classes) - {v for s in specs for v in s.classes})
        if unknown:
            served = sorted({v for s in specs for v in s.classes})
            raise AnalysisError(f"class: {label} has no {unknown} traffic; it serves {', '.join(served)}")
        specs = [s.model_copy(update={"classes": {k: v for k, v in s.classes.items() if k in classes}}) for s in specs]
        specs = [s for s in specs if s.classes]
    if staffing is not None:
        schedule = read_schedule(staffing)
        unknown_crossings = sorted(set(schedule["crossing"]) - {s.crossing for s in specs})
        if unknown_crossings:
            raise AnalysisError(
                f"staffing: {staffing.name} names crossing(s) {', '.join(unknown_crossings)} "
                f"that {label} does not have ({', '.join(s.crossing for s in specs)})"
            )
        specs = [with_schedule(s, schedule, staffing.name, allow_extra_booths) for s in specs]
    if whole_crossing:
        from smartborder.policy.studies.scenario import WHOLE_CROSSING, apply

        if not any("truck" in spec.classes for spec in specs):
            raise AnalysisError(f"whole-crossing: {label} has no truck traffic to follow from Mexico")
        specs = [apply(spec, WHOLE_CROSSING) if "truck" in spec.classes else spec for spec in specs]
        notes.append(
            "trucks: the whole crossing, from the end of the line in Mexico to the exit of the state's "
            "facility (Mexico's customs and exam, bridge, CBP, state scale and inspection; ports/chain.py)"
        )
    if chosen is not None:
        specs = apply_all(specs, chosen)
    partial: list[str] = []  # a year the data cover only in part is a warning, in every title too
    months = study_months(specs, year, month, partial)
    warnings = partial + [f"{s.name}: {w}" for s in specs for w in capacity_warnings(s, months)]
    return Study(label, code, specs, months, kind, notes, warnings)


#: ``shares(spec, months)`` → trusted-lane shares by class and lane (e.g. from the registry).
SharesSource = Callable[["PortSpec", list[pd.Period]], dict[str, dict[str, float]]]
#: ``progress(done, total)``: replications done out of all the study needs.
Progress = Callable[[int, int], None]


@dataclass
class Simulated:
    """A study and its run: what ``simulate`` hands to the report."""

    study: Study
    run: PlaceRun


@dataclass
class Compared:
    """A study's baseline and each scenario's run with its differences per crossing (and the
    network total, ``"total"``, when there are several)."""

    study: Study
    baseline: PlaceRun
    scenarios: dict[str, tuple[PlaceRun, Differences]]


def _counter(total: int, progress: Progress | None) -> Callable[[int], None]:
    done = 0

    def tick(_: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    return tick


def simulate_study(
    place: str,
    *,
    year: int | None = None,
    month: str | None = None,
    model: Path | None = None,
    classes: list[str] | None = None,
    scenario: str | None = None,
    staffing: Path | None = None,
    replications: int = 5,
    seed: int = 0,
    shares: SharesSource | None = None,
    announce: Callable[[Study], None] | None = None,
    progress: Progress | None = None,
    city: DriverChoice | None = None,
    allow_extra_booths: bool = False,
    whole_crossing: bool = False,
) -> Simulated:
    """Prepare *place* and run it: every crossing over the period, with month-by-month figures
    when the period has several months. *shares* replaces the trusted-lane shares (today's
    enrolment as the baseline); *city* shares the drivers across the place's crossings
    (``policy/studies/city.py``) before the run; *announce* sees the study (notes, warnings) before it
    runs."""
    study = prepare(place, year, month, model, classes, scenario, staffing, allow_extra_booths, whole_crossing)
    from smartborder.policy.studies.city import describe, share_drivers
    from smartborder.policy.studies.city import to_json as city_json
    from smartborder.policy.studies.place import run_place
    from smartborder.trusted.shares import with_shares

    if shares is not None:
        if study.kind == "new":
            raise AnalysisError(
                "trusted-from-registry: give an existing port; the registry counts crossings port by port"
            )
        given = {s.crossing: shares(s, study.months) for s in study.specs}
        study.specs = [with_shares(s, given[s.crossing]) for s in study.specs]
        study.notes.append(
            "trusted shares from the registry: "
            + "; ".join(
                f"{v} {lane} {share:.1%}"
                for found in given.values()
                for v, lanes in found.items()
                for lane, share in lanes.items()
            )
        )
    if city is not None:
        if study.kind == "new":
            raise AnalysisError("city-choice: give an existing place of several crossings, not a new one")
        study.specs, moved = share_drivers(study.specs, study.months, city, seed=seed)
        study.notes.append(describe(city, moved))
        study.city_choice = city_json(city, moved)
    if announce is not None:
        announce(study)
    total = replications * len(study.specs)
    run = run_place(
        study.specs,
        study.months,
        replications,
        seed,
        label=study.label,
        progress=_counter(total, progress),
        by_month=len(study.months) > 1,
    )
    return Simulated(study, run)


def compare_study(
    place: str,
    scenarios: list[str],
    *,
    year: int | None = None,
    month: str | None = None,
    model: Path | None = None,
    classes: list[str] | None = None,
    staffing: Path | None = None,
    replications: int = 5,
    seed: int = 0,
    announce: Callable[[Study], None] | None = None,
    progress: Progress | None = None,
    allow_extra_booths: bool = False,
    whole_crossing: bool = False,
) -> Compared:
    """The baseline of *place* and each scenario, with common random numbers.

    A scenario that opens a new crossing is compared as a network: the crossings it takes
    traffic from join the study (so the baseline has them), the scenario run adds the new
    crossing, and the total compares the network before and after."""
    if place.strip().lower() != "new":
        data.resolve_place(place)  # an unknown place is refused before the models load
    from smartborder.policy.studies.scenario import Scenario, apply_all
    from smartborder.ports import default_spec
    from smartborder.ports.newport import new_port_spec

    parsed = [Scenario.load(path) for path in scenarios]  # every error before any work
    # A lever on the trucks' whole crossing compares whole crossings: the baseline's and every
    # scenario's trucks are followed from Mexico, on the same draws.
    chained = [s.name for s in parsed if s.whole_crossing]
    study = prepare(
        place, year, month, model, classes, None, staffing, allow_extra_booths, whole_crossing or bool(chained)
    )
    if chained and not whole_crossing:
        study.notes.append(
            f"{', '.join(chained)} {'acts' if len(chained) == 1 else 'act'} on the trucks' whole crossing, so "
            "the baseline and every scenario are studied from Mexico (as --whole-crossing)"
        )
    from smartborder.policy.studies.place import compare_places, run_place

    present = {s.crossing for s in study.specs}
    for chosen in parsed:
        if chosen.new_port is None:
            continue
        added = []
        for name in chosen.new_port.takes:
            for crossing in data.resolve_place(name).crossings:
                if crossing.id not in present:
                    study.specs.append(default_spec(crossing, design_year(year, month)))
                    present.add(crossing.id)
                    added.append(crossing.name)
        if added:
            study.notes.append(
                f"{chosen.name}: {chosen.new_port.name} takes traffic from {', '.join(added)} "
                "too; they are simulated so that the network total is complete"
            )
    if any(c.new_port is not None for c in parsed):
        study.months = study_months(study.specs, year, month, [])
    variants: dict[str, list[PortSpec]] = {}
    for chosen in parsed:
        specs = apply_all(study.specs, chosen)
        if chosen.new_port is not None:
            new = new_port_spec(
                chosen.new_port.name, chosen.new_port.takes, design_year(year, month), chosen.new_port.booths
            )
            if classes:  # the new crossing carries only the classes studied, like its neighbours
                new = new.model_copy(update={"classes": {k: v for k, v in new.classes.items() if k in classes}})
            specs = [*specs, new]
        variants[chosen.name] = specs
        study.notes.extend(lane_notes(chosen.name, study.specs, specs, study.months))
    if announce is not None:
        announce(study)
    total = replications * (len(study.specs) + sum(len(v) for v in variants.values()))
    tick = _counter(total, progress)
    baseline = run_place(study.specs, study.months, replications, seed, label=study.label, progress=tick)
    results = {}
    for name, specs in variants.items():
        run = run_place(specs, study.months, replications, seed, label=study.label, progress=tick, reuse=baseline)
        results[name] = (run, compare_places(baseline, run))
    return Compared(study, baseline, results)


def _lane_hours(spec: PortSpec, months: Sequence[pd.Period]) -> dict[tuple[str, str], int]:
    """Lane-hours staffed over *months* per (class, lane type): each month's own staffing for a
    seasonal class, the weekly schedule otherwise (counted over the same days)."""
    from smartborder.ports.demand import day_type
    from smartborder.ports.staffing import month_schedules

    schedules = month_schedules(spec, list(months))
    days = [day_type(d.day_of_week) for m in months for d in pd.date_range(m.start_time, m.end_time, freq="D")]
    out: dict[tuple[str, str], int] = {}
    for vehicle, cls in spec.classes.items():
        for lane_name, lane in cls.lanes.items():
            found = schedules.get(f"{vehicle}.primary.{lane_name}")
            out[(vehicle, lane_name)] = (
                int(found.sum()) if found is not None else sum(sum(lane.lanes(day)) for day in days)
            )
    return out


def lane_notes(
    name: str, before: Sequence[PortSpec], after: Sequence[PortSpec], months: Sequence[pd.Period]
) -> list[str]:
    """What a scenario does to lane types the baseline never opens: it opens them (and how many
    lane-hours a day), or, where it changes their holders' share and they stay closed, that the
    lever cannot act through its lanes (the holders use the next lane type)."""
    notes = []
    days = sum(m.days_in_month for m in months) or 1
    was = {s.crossing: s for s in before}
    for spec in after:
        base = was.get(spec.crossing)
        if base is None:
            continue
        old, new = _lane_hours(base, months), _lane_hours(spec, months)
        for (vehicle, lane_name), hours in new.items():
            if old.get((vehicle, lane_name), 0) > 0 or lane_name == "standard":
                continue
            if hours > 0:
                notes.append(
                    f"{name}: opens {spec.name}'s {vehicle} {lane_name} lanes, which the baseline never "
                    f"staffs ({hours / days:.1f} lane-hours a day)"
                )
                continue
            shares = (
                base.classes[vehicle].entitlements.get(lane_name),  # type: ignore[index]
                spec.classes[vehicle].entitlements.get(lane_name),  # type: ignore[index]
            )
            if shares[0] != shares[1]:
                notes.append(
                    f"{name}: {spec.name} staffs no {vehicle} {lane_name} lane at any hour, before or "
                    f"after, so its {lane_name} holders ({shares[0] or 0:.0%} → {shares[1] or 0:.0%}) use "
                    "the other lanes: the lever acts only through their own inspection time and referral "
                    "rate, not through a lane"
                )
    return notes
