"""What a command is asked to simulate: a place, its crossing models, the months, and what to warn.

``prepare("laredo", year=2024)`` resolves the name to a port and its four bridges, builds each
crossing's default model designed on 2024 (or reads ``--model`` for the crossing it describes),
applies a scenario and a staffing file to every crossing, and lists the months the data cover —
saying so when a year is only partly covered — and the capacity warnings, before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from smartborder import data
from smartborder.ports import PortSpec, default_spec, year_months
from smartborder.ports.checks import capacity_warnings
from smartborder.ports.demand import data_months
from smartborder.ports.staffing import read_schedule, with_schedule
from smartborder.twin.errors import ModelError


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


def default_year(specs: list[PortSpec]) -> int:
    """The last calendar year every crossing's data cover in full (else the last they reach)."""
    last = min(data_months(s)[1] for s in specs)
    return last.year if last.month == 12 else last.year - 1


def study_months(specs: list[PortSpec], year: int | None, month: str | None, notes: list[str]) -> list[pd.Period]:
    """The months to simulate; a year the data cover only in part is noted, not hidden."""
    if year is not None and month is not None:
        raise ModelError("year/month: give --year or --month, not both")
    if month is not None:
        period = data.parse_month(month, "month")
        for spec in specs:
            first, last = data_months(spec)
            if not first <= period <= last:
                raise ModelError(f"month: {spec.name} has data from {first} to {last}, not {period}")
        return [period]
    year = default_year(specs) if year is None else year
    months = sorted(set.intersection(*(set(year_months(s, year)) for s in specs)))
    if not months:
        raise ModelError(f"year: the crossings of this port have no month of {year} in common")
    if len(months) < 12:
        notes.append(f"year {year}: the data cover {months[0]}..{months[-1]} only ({len(months)} months); "
                     "figures are for those months, not the whole year")
    return months


def design_year(year: int | None, month: str | None) -> int | None:
    """The year default models are designed on: the year simulated (the month's, with --month)."""
    if year is None and month is not None:
        period = data.parse_month(month, "month")
        return period.year
    return year


def prepare(place: str, year: int | None = None, month: str | None = None, model: Path | None = None,
            classes: list[str] | None = None, scenario: str | None = None,
            staffing: Path | None = None) -> Study:
    """Resolve *place*, build its crossing models and months; scenario and staffing applied."""
    from smartborder.policy.scenario import Scenario, apply_all

    chosen = Scenario.load(scenario) if scenario else None
    notes: list[str] = []
    if place.strip().lower() == "new":
        from smartborder.ports.newport import new_port_spec

        if chosen is None or chosen.new_port is None:
            raise ModelError("port: 'new' needs --scenario with a [new_port] section (e.g. new-port-laredo)")
        specs = [new_port_spec(chosen.new_port.name, chosen.new_port.takes, design_year(year, month),
                               chosen.new_port.booths)]
        label, code, kind = chosen.new_port.name, "NEW", "new"
        chosen = chosen.model_copy(update={"new_port": None})
    else:
        resolved = data.resolve_place(place)
        if resolved.note:
            notes.append(resolved.note)
        given = PortSpec.from_toml(model) if model else None
        if given is not None and given.crossing not in {c.id for c in resolved.crossings}:
            raise ModelError(f"model: {model} describes crossing {given.crossing!r}, which is not part of "
                             f"{resolved.label} ({', '.join(c.id for c in resolved.crossings)})")
        sizing = design_year(year, month)
        specs = []
        for crossing in resolved.crossings:
            if given is not None and given.crossing == crossing.id:
                specs.append(given)
                continue
            try:
                specs.append(default_spec(crossing, sizing))
            except ModelError:
                if sizing is None:
                    raise
                specs.append(default_spec(crossing, None))  # a month past the data's years
        label, code, kind = resolved.label, resolved.port.code, resolved.kind
    if classes:
        unknown = sorted(set(classes) - {v for s in specs for v in s.classes})
        if unknown:
            served = sorted({v for s in specs for v in s.classes})
            raise ModelError(f"class: {label} has no {unknown} traffic; it serves {', '.join(served)}")
        specs = [s.model_copy(update={"classes": {k: v for k, v in s.classes.items() if k in classes}})
                 for s in specs]
        specs = [s for s in specs if s.classes]
    if staffing is not None:
        schedule = read_schedule(staffing)
        unknown_crossings = sorted(set(schedule["crossing"]) - {s.crossing for s in specs})
        if unknown_crossings:
            raise ModelError(f"staffing: {staffing.name} names crossing(s) {', '.join(unknown_crossings)} "
                             f"that {label} does not have ({', '.join(s.crossing for s in specs)})")
        specs = [with_schedule(s, schedule, staffing.name) for s in specs]
    if chosen is not None:
        specs = apply_all(specs, chosen)
    months = study_months(specs, year, month, notes)
    warnings = [f"{s.name}: {w}" for s in specs for w in capacity_warnings(s, months)]
    return Study(label, code, specs, months, kind, notes, warnings)
