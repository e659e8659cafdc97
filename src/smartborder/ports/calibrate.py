"""Default port models calibrated on the shipped data, and the demand that drives them.

``default_spec(port, year)`` merges three layers, each recorded in the spec's ``provenance``:
published facts for the port (``port_facts.toml``), smartborder's documented assumptions
(``assumptions.toml``) and, where no booth count is published, booths sized from the port's
real volumes. ``monthly_demand`` turns BTS monthly volumes into hourly expected arrivals per flow.
"""

from __future__ import annotations

import calendar
import math
import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.ports.spec import (
    PRE_INSPECTED,
    ClassSpec,
    LaneSpec,
    PortSpec,
    PreInspectionSpec,
    SecondarySpec,
    TargetingSpec,
)
from smartborder.twin.arrivals import DemandProfile
from smartborder.twin.distributions import ServiceTime
from smartborder.twin.errors import ModelError

VEHICLES = ("truck", "pov", "pedestrian", "bus")


@lru_cache(maxsize=1)
def assumptions() -> dict[str, Any]:
    return tomllib.loads((files("smartborder.ports") / "assumptions.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def port_facts() -> dict[str, Any]:
    return tomllib.loads((files("smartborder.ports") / "port_facts.toml").read_text("utf-8"))


def reference_months(port: data.Port, year: int | None) -> data.MonthRange:
    """The 12 months a model is sized on: a calendar year, or the latest 12 months of data."""
    if year is None:
        end = port.last_month
        return data.MonthRange(end - 11, end)
    first, last = pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M")
    if last < port.first_month or first > port.last_month:
        raise ModelError(f"year: {port.label} has data from {port.first_month} to {port.last_month}, not {year}")
    return data.MonthRange(max(first, port.first_month), min(last, port.last_month))


def _crossing_share(port: data.Port, crossing: str, months: data.MonthRange) -> float | None:
    """Share of a Texas port's trucks that one named bridge carries (CBP bridge counts)."""
    try:
        return float(data.bridge_shares(port.name, "Trucks", months).get(crossing, 0.0)) or None
    except data.DataError:
        return None


def _profile(a: dict[str, Any]) -> DemandProfile:
    return DemandProfile(
        hourly_weekday=tuple(a["hourly_weekday"]),
        hourly_weekend=tuple(a["hourly_weekend"]) if "hourly_weekend" in a else None,
        daily=tuple(a["daily"]),
        source=a["profile_source"],
    )


def _peak_hour_volume(monthly: pd.Series, profile: DemandProfile) -> float:
    """Expected arrivals in the busiest hour of the busiest month."""
    if monthly.empty:
        return 0.0
    month = monthly.idxmax()
    first_weekday, days = calendar.monthrange(month.year, month.month)
    return float(monthly.max() * profile.hourly_shares(first_weekday, days).max())


def _class_spec(vehicle: str, port: data.Port, months: data.MonthRange,
                provenance: dict[str, str]) -> ClassSpec | None:
    a = assumptions()[vehicle]
    port_fact = port_facts().get(port.code, {})
    fact = dict(port_fact.get(vehicle, {}))
    # Passenger facts are often stated once for cars and pedestrians together.
    for field in ("open_source", "booths_source"):
        if field not in fact and any(k in fact for k in ("open", "booths", "booths_total")):
            fact[field] = port_fact.get("pov", {}).get(field, "see port_facts.toml")
    monthly = data.monthly_series(port.code, a["measure"], months)
    if monthly.sum() <= 0:
        return None
    key = f"classes.{vehicle}"
    profile = _profile(a)
    provenance[f"{key}.profile"] = a["profile_source"]
    provenance[f"{key}.measure"] = f"FACT: BTS {a['measure']} at {port.label}, {months.start} to {months.end}"

    entitlements = dict(fact.get("entitlements", a["entitlements"]))
    provenance[f"{key}.entitlements"] = (
        f"FACT: {fact['entitlements_source']}" if "entitlements" in fact else a["entitlements_source"])
    service = {lane: ServiceTime(**spec) for lane, spec in a["service"].items()}
    for lane, dist in service.items():
        provenance[f"{key}.service.{lane}"] = dist.source

    open_ = tuple(fact.get("open", a["open"]))
    weekend = fact.get("open_weekend", a.get("open_weekend"))
    saturday = fact.get("open_saturday", weekend)
    sunday = fact.get("open_sunday", weekend)
    provenance[f"{key}.lanes.open"] = (
        f"FACT: {fact['open_source']}" if "open" in fact and "ESTIMATE" not in fact["open_source"]
        else fact.get("open_source", a["open_source"]))

    booths: dict[str, int] = dict(fact.get("booths", {}))
    booths_source = fact.get("booths_source")
    if "booths_total" in fact:
        # A published total without a split: booths follow each lane's share of the work
        # (traffic share × service time), at least one per trusted lane, the rest standard.
        total = int(fact["booths_total"])
        shares = {**entitlements, "standard": 1 - sum(entitlements.values())}
        work = {lane: share * service[lane].expected for lane, share in shares.items()}
        for lane in entitlements:
            if lane not in booths:
                booths[lane] = max(1, round(total * work[lane] / sum(work.values())))
        booths["standard"] = max(1, total - sum(v for k, v in booths.items() if k != "standard"))
        booths_source = f"{booths_source} Split across lanes by share of work: ESTIMATE."
    scale_note = ""
    if booths and "booths_crossing" in fact:
        share = _crossing_share(port, fact["booths_crossing"], months)
        if share and share < 0.99:
            booths = {lane: math.ceil(n / share) for lane, n in booths.items()}
            scale_note = (f" Scaled by 1/{share:.2f}: {fact['booths_crossing']} carries {share:.0%} of the"
                          " port's trucks (CBP bridge counts); the other crossings' booths are an ESTIMATE.")
    if booths:
        provenance[f"{key}.lanes.booths"] = f"FACT: {booths_source}{scale_note}"
        # A published count can be older than today's traffic: if it cannot carry the busiest
        # month at all, add booths (an estimate, said so) rather than simulate a queue that
        # grows for the whole year.
        windows = {"weekday": open_, "saturday": saturday or open_, "sunday": sunday or saturday or open_}
        open_hours = sum((w[1] - w[0]) * (5 if d == "weekday" else 1) for d, w in windows.items()) / 7
        shares = {**entitlements, "standard": 1 - sum(entitlements.values())}
        daily = float(monthly.max()) / 30.4
        # Load per booth-minute open: the whole port, and the standard lane on its own (trusted
        # traffic may overflow into standard booths, never the reverse).
        load = daily * sum(share * service[lane].expected for lane, share in shares.items()) / max(
            sum(booths.values()) * open_hours * 60, 1e-9)
        standard_load = daily * shares["standard"] * service["standard"].expected / max(
            booths.get("standard", 0) * open_hours * 60, 1e-9)
        if max(load, standard_load) > 1.0:
            factor = max(load, standard_load) / assumptions()["sizing"]["target_utilisation"]
            booths = {lane: math.ceil(n * factor) for lane, n in booths.items()}
            provenance[f"{key}.lanes.booths"] += (
                f" ESTIMATE: that count cannot carry the busiest month of {months.start.year}-"
                f"{months.end.year} ({monthly.max():,.0f}); booths raised x{factor:.2f} to "
                f"{sum(booths.values())}.")
    else:
        target = assumptions()["sizing"]["target_utilisation"]
        peak = _peak_hour_volume(monthly, profile)
        shares = {**entitlements, "standard": 1 - sum(entitlements.values())}
        for lane, share in shares.items():
            need = peak * share * service[lane].expected / 60.0 / target
            booths[lane] = max(1, math.ceil(need))
        provenance[f"{key}.lanes.booths"] = (
            f"{assumptions()['sizing']['source']} Peak hour {peak:,.0f} arrivals.")
    lanes = {
        lane: LaneSpec(booths=n, open=open_, open_saturday=tuple(saturday) if saturday else None,
                       open_sunday=tuple(sunday) if sunday else None)
        for lane, n in booths.items()
    }
    lanes.setdefault("standard", LaneSpec(booths=1, open=open_))
    bays = fact.get("secondary")
    if bays is None:
        bays = max(1, math.ceil(sum(booths.values()) * a["secondary_per_primary_booth"]))
        provenance[f"{key}.secondary.bays"] = a["secondary_source"]
    else:
        provenance[f"{key}.secondary.bays"] = f"FACT: {fact.get('secondary_source', booths_source)}"
    provenance[f"{key}.secondary.referral"] = a["referral_source"]
    provenance[f"{key}.secondary.service"] = a["secondary_service"]["source"]
    referral = dict(a["referral"])
    for lane in entitlements:
        referral.setdefault(lane, referral["standard"])
    return ClassSpec(
        measure=a["measure"],
        entitlements=entitlements,
        lanes=lanes,
        service={lane: service[lane] for lane in ["standard", *entitlements]},
        secondary=SecondarySpec(bays=bays, referral=referral, service=ServiceTime(**a["secondary_service"])),
        profile=profile,
    )


def default_spec(port: str | data.Port, year: int | None = None) -> PortSpec:
    """The default model of a US–Mexico port, sized on *year* (default: latest 12 months)."""
    port = port if isinstance(port, data.Port) else data.resolve_port(port)
    months = reference_months(port, year)
    provenance: dict[str, str] = {}
    classes = {}
    for vehicle in VEHICLES:
        spec = _class_spec(vehicle, port, months, provenance)
        if spec is not None:
            classes[vehicle] = spec
    if not classes:
        raise ModelError(f"port: {port.label} reports no trucks, cars, pedestrians or buses in {months.start}..{months.end}")
    targeting = assumptions()["targeting"]
    pre = assumptions()["pre_inspection"]
    provenance["targeting"] = targeting["source"]
    provenance["pre_inspection"] = pre["source"]
    return PortSpec(
        code=port.code,
        name=port.label,
        classes=classes,
        targeting=TargetingSpec(illicit_rate=targeting["illicit_rate"], detection=targeting["detection"],
                                random_share=targeting["random_share"]),
        pre_inspection=PreInspectionSpec(service_factor=pre["service_factor"],
                                         referral_factor=pre["referral_factor"]),
        provenance=provenance,
    )


def monthly_demand(spec: PortSpec, month: pd.Period, strict: bool = True,
                   gaps: list[str] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """Expected arrivals per hour for every flow over one calendar month, and its first weekday.

    Volumes are the real BTS counts of that month times the class's ``volume_factor``. A month
    BTS did not report is an error when *strict*; otherwise it carries no traffic of that class
    and is listed in *gaps*, so the run can say so.
    """
    demand: dict[str, np.ndarray] = {}
    first_weekday = calendar.monthrange(month.year, month.month)[0]
    for vehicle, cls in spec.classes.items():
        volume = 0.0
        for code, share in spec.volume_sources.items():
            series = data.monthly_series(code, cls.measure, data.MonthRange(month, month))
            if series.empty:
                message = f"{data.resolve_port(code).label} has no {cls.measure} data for {month}"
                if strict:
                    raise ModelError(f"month: {message}")
                if gaps is not None:
                    gaps.append(message)
                continue
            volume += float(series.iloc[0]) * share
        volume *= cls.volume_factor
        first_weekday, days = calendar.monthrange(month.year, month.month)
        hourly = volume * cls.profile.hourly_shares(first_weekday, days)
        for entitlement, share in cls.flow_shares().items():
            demand[f"{vehicle}.{entitlement}"] = hourly * share
    return demand, first_weekday


def new_port_spec(name: str, takes: dict[str, float], year: int | None = None,
                  booths: dict[str, dict[str, int]] | None = None) -> PortSpec:
    """A port that does not exist yet: it carries *takes* (port → share) of its neighbours'
    traffic and is modelled like the first of them, with booths sized for the diverted volume
    unless *booths* (class → lane → count) says otherwise (seed 000: which new points of entry)."""
    if not takes:
        raise ModelError("new_port.takes: name at least one port and the share it gives up")
    ports = {data.resolve_port(p).code: share for p, share in takes.items()}
    template = default_spec(next(iter(ports)), year)
    months = reference_months(data.resolve_port(template.code), year)
    target = assumptions()["sizing"]["target_utilisation"]
    classes = {}
    provenance = dict(template.provenance)
    for vehicle, cls in template.classes.items():
        lanes = {}
        for lane, spec in cls.lanes.items():
            if booths and vehicle in booths and lane in booths[vehicle]:
                count = booths[vehicle][lane]
            else:
                monthly = pd.concat([data.monthly_series(code, cls.measure, months) * share
                                     for code, share in ports.items()]).groupby(level=0).sum()
                share_of_lane = cls.flow_shares().get(lane, 0.0)
                peak = _peak_hour_volume(monthly, cls.profile) * share_of_lane
                count = max(1, math.ceil(peak * cls.service[lane].expected / 60.0 / target))
            lanes[lane] = spec.model_copy(update={"booths": count})
        classes[vehicle] = cls.model_copy(update={"lanes": lanes})
        provenance[f"classes.{vehicle}.lanes.booths"] = (
            "SCENARIO: booths given by the new_port scenario" if booths and vehicle in booths
            else "ESTIMATE: new port, booths sized for the diverted peak hour at "
                 f"{target:.0%} utilisation")
    provenance["sources"] = "SCENARIO: " + ", ".join(
        f"{share:.0%} of {data.resolve_port(code).label}" for code, share in ports.items())
    return template.model_copy(update={"code": "NEW", "name": name, "classes": classes,
                                       "sources": ports, "provenance": provenance})


def capacity_warnings(spec: PortSpec, months: list[pd.Period]) -> list[str]:
    """Classes whose primary booths cannot process the busiest month's traffic, in words.

    Such a model is legitimate (it is what the data and assumptions say) but its queue grows
    for the whole run, so its waits reflect the run's length more than the port.
    """
    warnings = []
    for vehicle, cls in spec.classes.items():
        shares = cls.flow_shares()
        mean_service = sum(share * cls.service.get("FAST" if lane == PRE_INSPECTED else lane,
                                                   cls.service["standard"]).expected
                           for lane, share in shares.items())
        booth_minutes_per_day = sum(float(lane.staffing().week().sum()) for lane in cls.lanes.values()) * 60 / 7
        capacity = booth_minutes_per_day / mean_service if mean_service > 0 else float("inf")
        busiest = 0.0
        for month in months:
            volume = sum(float(data.monthly_series(code, cls.measure, data.MonthRange(month, month)).sum()) * share
                         for code, share in spec.volume_sources.items())
            busiest = max(busiest, volume * cls.volume_factor / month.days_in_month)
        if busiest > capacity:
            warnings.append(
                f"{vehicle}: the busiest month brings {busiest:,.0f} a day but the primary booths "
                f"process at most {capacity:,.0f} a day; queues grow for the whole run")
    return warnings
