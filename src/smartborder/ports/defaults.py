"""Default crossing models, built from published facts, documented assumptions and real volumes.

``default_spec(crossing, year)`` merges, for each traffic class the crossing carries, and records
in the spec's ``provenance`` where every value came from:

1. lanes and hours from CBP's Border Wait Times feed (every crossing CBP lists; FACT);
2. more specific or newer published facts (``port_facts.toml``: booths by lane type, a class's
   own hours; FACT);
3. smartborder's documented assumptions (``assumptions.toml``: service times, shares, shapes;
   ESTIMATE), and where CBP lists no lanes, lanes sized from the crossing's real volumes;
4. the staffed lanes by hour, from the staffing rule applied to the crossing's average day in
   the reference year (``staffing.py``; ESTIMATE).
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd

from smartborder import data
from smartborder.ports.chain import Stage, TruckChain
from smartborder.ports.demand import design_day
from smartborder.ports.errors import PortError
from smartborder.ports.spec import (
    DAY_TYPES,
    ClassSpec,
    LaneSpec,
    PortSpec,
    PreInspectionSpec,
    PreOpening,
    SecondarySpec,
    StaffingRule,
    TargetingSpec,
    Window,
)
from smartborder.ports.staffing import apply_rule, rule_needs, work_mix
from smartborder.twin.arrivals import DemandProfile
from smartborder.twin.distributions import ServiceTime

VEHICLES = ("truck", "pov", "pedestrian", "bus")
TRUSTED_LANES = ("Ready", "SENTRI", "FAST")


@lru_cache(maxsize=1)
def assumptions() -> dict[str, Any]:
    return tomllib.loads((files("smartborder.ports") / "assumptions.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def port_facts() -> dict[str, Any]:
    return tomllib.loads((files("smartborder.ports") / "port_facts.toml").read_text("utf-8"))


def staffing_rule() -> StaffingRule:
    a = assumptions()["staffing"]
    return StaffingRule(
        shifts=a["shifts"], target_utilisation=a["target_utilisation"], minimum=a["minimum"], source=a["source"]
    )


def roster_rule(state: str | None = None) -> StaffingRule:
    """The officer-short roster of ``assumptions.toml [staffing.roster]``, its level (utilisation)
    the region's (``[staffing.roster.regions.<state>]``) where one is given."""
    a = assumptions()["staffing"]
    r = {**a["roster"], **(a["roster"].get("regions", {}).get(state, {}) if state else {})}
    return StaffingRule(
        kind="roster",
        shifts=a["shifts"],
        target_utilisation=r["utilisation"],
        minimum=a["minimum"],
        roster_weekday=tuple(r["weekday"]),
        roster_weekend=tuple(r["weekend"]),
        protected=tuple(r["protected"]),
        protected_utilisation=r["protected_utilisation"],
        source=f"{r['shape_source']} Level: {r['utilisation_source']} Protected lanes: {r['protected_source']}",
    )


def reference_months(crossing: data.Crossing, year: int | None) -> data.MonthRange:
    """The 12 months a model is designed on: a calendar year, or the latest 12 months of data."""
    if year is None:
        end = crossing.last_month
        return data.MonthRange(max(end - 11, crossing.first_month), end)
    first, last = pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M")
    if last < crossing.first_month or first > crossing.last_month:
        raise PortError(
            f"year: {crossing.label} has data from {crossing.first_month} to {crossing.last_month}, not {year}"
        )
    return data.MonthRange(max(first, crossing.first_month), min(last, crossing.last_month))


def parse_hours(text: str) -> Window | None:
    """CBP's published hours ('24 hrs/day', '6 am-10 pm', '7 am-Midnight') as [open, close)."""
    text = text.strip().lower()
    if "24 hrs" in text:
        return (0, 24)
    match = re.fullmatch(r"(\d{1,2}) ?(am|pm|noon)?\s*-\s*(\d{1,2} ?(?:am|pm)|midnight|noon)", text)
    if not match:
        return None

    def hour(value: str) -> int:
        if value == "midnight":
            return 24
        if value == "noon":
            return 12
        number, half = int(re.sub(r"\D", "", value)), value[-2:]
        return (number % 12) + (12 if half == "pm" else 0)

    start = hour(match.group(1) + (match.group(2) or "am"))
    end = hour(match.group(3).replace(" ", ""))
    return (start, end) if start < end else None


def _window(value: Any) -> Window:
    return (int(value[0]), int(value[1]))


def _hours(
    vehicle: str,
    crossing: data.Crossing,
    fact: dict[str, Any],
    bwt: data.LaneFacts | None,
    key: str,
    provenance: dict[str, str],
) -> dict[str, Window]:
    """Opening hours by day type, from facts, the feed or the assumptions (in that order)."""
    h = assumptions()["hours"]
    published = [w for w in (parse_hours(t) for t in (bwt.hours if bwt else ())) if w]
    feed: Window | None = None
    if published:
        feed = (min(w[0] for w in published), max(w[1] for w in published))
    if vehicle == "truck":
        weekday = feed if feed and feed != (0, 24) else _window(h["truck_at_24h_crossings"])
        saturday = (max(weekday[0], h["truck_saturday"][0]), min(weekday[1], h["truck_saturday"][1]))
        sunday = (max(weekday[0], h["truck_sunday"][0]), min(weekday[1], h["truck_sunday"][1]))
        saturday = saturday if saturday[0] < saturday[1] else (0, 0)
        sunday = sunday if sunday[0] < sunday[1] else (0, 0)
        source = (
            f"FACT: {bwt.source}: {', '.join(bwt.hours)} (weekdays). " if bwt and feed and feed != (0, 24) else ""
        ) + h["truck_source"]
    else:
        weekday = feed or _window(h["unlisted"])
        saturday = sunday = weekday
        source = f"FACT: {bwt.source}: {', '.join(bwt.hours)}" if bwt and feed else h["unlisted_source"]
    if "open" in fact:
        weekday = _window(fact["open"])
        saturday = _window(fact.get("open_saturday", weekday))
        sunday = _window(fact.get("open_sunday", fact.get("open_saturday", weekday)))
        source = f"FACT: {fact['open_source']}"
    elif "open_saturday" in fact or "open_sunday" in fact:
        saturday = _window(fact.get("open_saturday", saturday))
        sunday = _window(fact.get("open_sunday", sunday))
        source = f"FACT: {fact['open_source']}"
    provenance[f"{key}.lanes.open"] = source
    return {"weekday": weekday, "saturday": saturday, "sunday": sunday}


def _profile(a: dict[str, Any], state: str | None = None) -> DemandProfile:
    """The class's arrival shape: its region's (``[<class>.regions.<state>]``) where one is given,
    else the border-wide one."""
    regional = a.get("regions", {}).get(state, {}) if state else {}
    shape = {**a, **regional}
    return DemandProfile(
        hourly_weekday=tuple(shape["hourly_weekday"]),
        hourly_weekend=tuple(shape["hourly_weekend"]) if "hourly_weekend" in shape else None,
        daily=tuple(shape["daily"]),
        source=regional.get("source", a["profile_source"]),
    )


def _split(total: int, lanes: list[str], work: dict[str, float]) -> dict[str, int]:
    """Installed lanes of a class across its lane types, by share of the work, at least one each."""
    if len(lanes) == 1:
        return {lanes[0]: max(1, total)}
    trusted = [lane for lane in lanes if lane != "standard"]
    weight = sum(work.get(lane, 0.0) for lane in lanes) or 1.0
    out = {lane: max(1, round(total * work.get(lane, 0.0) / weight)) for lane in trusted}
    out["standard"] = max(1, total - sum(out.values()))
    return {lane: out[lane] for lane in lanes}


def _class_spec(
    vehicle: str, crossing: data.Crossing, months: data.MonthRange, provenance: dict[str, str]
) -> ClassSpec | None:
    a = assumptions()[vehicle]
    fact = dict(port_facts().get(crossing.id, {}).get(vehicle, {}))
    monthly = crossing.series(a["measure"], months)
    if monthly.sum() <= 0:
        return None
    key = f"classes.{vehicle}"
    # Buses use the passenger crossing's hours; CBP's feed has no bus lanes to count.
    feed = data.lane_facts(crossing)
    bwt = feed.get("pov" if vehicle == "bus" else vehicle)
    lanes_known = bwt is not None and vehicle != "bus"
    days = sum(m.days_in_month for m in monthly.index)
    design_volume = float(monthly.sum()) / days
    provenance[f"{key}.measure"] = (
        f"FACT: {a['measure']} at {crossing.label}, {months.start} to {months.end} "
        f"({crossing.source}); {design_volume:,.0f} a day on average"
    )
    profile = _profile(a, crossing.port.state)
    provenance[f"{key}.profile"] = profile.source

    entitlements = dict(fact.get("entitlements", a["entitlements"]))
    provenance[f"{key}.entitlements"] = (
        f"FACT: {fact['entitlements_source']}" if "entitlements" in fact else a["entitlements_source"]
    )
    factor = float(fact.get("service_factor", 1.0))
    service = {lane: ServiceTime(**spec).scaled(factor) for lane, spec in a["service"].items()}
    for lane, dist in service.items():
        provenance[f"{key}.service.{lane}"] = dist.source + (
            f" Scaled x{factor}: FACT-based: {fact['service_factor_source']}" if factor != 1.0 else ""
        )
    windows = _hours(vehicle, crossing, fact, bwt, key, provenance)

    # Lane types and installed lanes.
    if "booths" in fact:
        booths = {str(k): int(v) for k, v in fact["booths"].items()}
        provenance[f"{key}.lanes.booths"] = f"FACT: {fact['booths_source']}"
    else:
        types = list(bwt.lane_types) if lanes_known and bwt else ["standard"]
        shares = {**entitlements, "standard": 1 - sum(entitlements.values())}
        work = {lane: shares.get(lane, 0.0) * service[lane].expected for lane in types if lane in service}
        if "lanes_total" in fact:
            total = int(fact["lanes_total"])
            source = f"FACT: {fact['lanes_source']}"
        elif lanes_known and bwt is not None:
            total = bwt.max_lanes
            source = f"FACT: {bwt.max_lanes} lanes ({bwt.source})"
        else:
            target = assumptions()["sizing"]["target_utilisation"]
            peak = 0.0
            probe = _provisional(vehicle, a, entitlements, service, design_volume, windows, profile)
            for day in DAY_TYPES:
                arrivals = design_day(probe, day)
                peak = max(peak, float(arrivals.max()))
            mean_service = sum(shares[lane] * service[lane].expected for lane in shares if lane in service)
            total = max(1, math.ceil(peak * mean_service / 60.0 / target))
            source = f"{assumptions()['sizing']['source']} Peak hour {peak:,.0f} arrivals."
        booths = _split(total, [t for t in types if t in service], work)
        if len(booths) > 1:
            source += " Split across lane types by their share of the work: ESTIMATE."
        provenance[f"{key}.lanes.booths"] = source
    lanes = {
        lane: LaneSpec(
            booths=n, open=windows["weekday"], open_saturday=windows["saturday"], open_sunday=windows["sunday"]
        )
        for lane, n in booths.items()
    }
    lanes.setdefault("standard", LaneSpec(booths=1, open=windows["weekday"]))

    bays = fact.get("secondary")
    if bays is None:
        bays = max(1, math.ceil(sum(booths.values()) * a["secondary_per_primary_booth"]))
        provenance[f"{key}.secondary.bays"] = a["secondary_source"]
    else:
        provenance[f"{key}.secondary.bays"] = f"FACT: {fact['secondary_source']}"
    provenance[f"{key}.secondary.referral"] = a["referral_source"]
    provenance[f"{key}.secondary.service"] = a["secondary_service"]["source"]
    referral = dict(a["referral"])
    for lane in entitlements:
        referral.setdefault(lane, referral["standard"])
    provenance[f"{key}.loyal_share"] = a["loyal_source"]
    provenance[f"{key}.pre_opening"] = a["pre_opening_source"]
    patience = ServiceTime(**a["patience"]) if "patience" in a else None
    if patience is not None:
        provenance[f"{key}.patience"] = patience.source
    return ClassSpec(
        patience=patience,
        measure=a["measure"],
        entitlements=entitlements,
        loyal_share=a["loyal_share"],
        pre_opening=PreOpening(**a["pre_opening"]),
        design_volume=design_volume,
        lanes=lanes,
        service={lane: service[lane] for lane in ["standard", *entitlements]},
        secondary=SecondarySpec(bays=bays, referral=referral, service=ServiceTime(**a["secondary_service"])),
        profile=profile,
    )


def _provisional(
    vehicle: str,
    a: dict[str, Any],
    entitlements: dict[str, float],
    service: dict[str, ServiceTime],
    design_volume: float,
    windows: dict[str, Window],
    profile: DemandProfile,
) -> ClassSpec:
    """A one-lane class with the real hours and volume, to size lanes from its busiest hour."""
    lane = LaneSpec(booths=1, open=windows["weekday"], open_saturday=windows["saturday"], open_sunday=windows["sunday"])
    referral = dict.fromkeys(["standard", *entitlements], 0.0)
    return ClassSpec(
        measure=a["measure"],
        entitlements=entitlements,
        design_volume=design_volume,
        pre_opening=PreOpening(**a["pre_opening"]),
        lanes={"standard": lane},
        service={k: service[k] for k in ["standard", *entitlements]},
        secondary=SecondarySpec(bays=0, referral=referral, service=service["standard"]),
        profile=profile,
    )


def truck_chain(cls: ClassSpec, busiest: float, key: str, provenance: dict[str, str]) -> TruckChain:
    """The default chain of a crossing's trucks ([truck.chain]): each stage sized so that the
    busiest hour of a day at *busiest* trucks keeps it [sizing]-busy. Default models do not
    carry it yet; a scenario adds it (``[classes.truck.chain] add = true``)."""
    a = assumptions()["truck"]["chain"]
    target = assumptions()["sizing"]["target_utilisation"]
    peak = max(float(design_day(cls.model_copy(update={"design_volume": busiest}), day).max()) for day in DAY_TYPES)

    def stage(service: dict[str, Any], share: float = 1.0) -> Stage:
        time = ServiceTime(**service)
        return Stage(share=share, servers=max(1, math.ceil(peak * share * time.expected / 60.0 / target)), service=time)

    chain = TruckChain(
        mexico=stage(a["mexico_export"]),
        mexico_exam=stage(a["mexico_exam"], a["red_light"]),
        bridge=ServiceTime(**a["bridge"]),
        scale=stage(a["state_scale"]),
        state=stage(a["state_inspection"], a["state_share"]),
        out_of_service=a["out_of_service"],
        carriers=ServiceTime(**a["carriers"]),
    )
    provenance[f"{key}.chain.servers"] = a["servers_source"] + f" Busiest hour: {peak:,.0f} trucks."
    for part, source in (
        ("mexico.service", a["mexico_export"]["source"]),
        ("mexico_exam.share", a["red_light_source"]),
        ("mexico_exam.service", a["mexico_exam"]["source"]),
        ("bridge", a["bridge"]["source"]),
        ("scale.service", a["state_scale"]["source"]),
        ("state.share", a["state_share_source"]),
        ("state.service", a["state_inspection"]["source"]),
        ("out_of_service", a["out_of_service_source"]),
        ("carriers", a["carriers"]["source"]),
    ):
        provenance[f"{key}.chain.{part}"] = source
    return chain


def default_spec(crossing: str | data.Crossing, year: int | None = None) -> PortSpec:
    """The default model of a crossing, designed on *year* (default: its latest 12 months)."""
    if not isinstance(crossing, data.Crossing):
        crossing = data.resolve_crossing(crossing)
    months = reference_months(crossing, year)
    provenance: dict[str, str] = {}
    classes: dict[str, ClassSpec] = {}
    for vehicle in VEHICLES:
        spec = _class_spec(vehicle, crossing, months, provenance)
        if spec is not None:
            classes[vehicle] = spec
    if not classes:
        raise PortError(
            f"crossing: {crossing.label} reports no trucks, cars, pedestrians or buses in {months.start}..{months.end}"
        )
    targeting = assumptions()["targeting"]
    pre = assumptions()["pre_inspection"]
    rule = staffing_rule()
    pre_inspection = PreInspectionSpec(service_factor=pre["service_factor"], referral_factor=pre["referral_factor"])
    for vehicle, cls in list(classes.items()):
        if assumptions()[vehicle].get("staffing") == "roster":
            cls.staffing_rule = roster_rule(crossing.port.state)
            provenance[f"classes.{vehicle}.staffing_rule"] = assumptions()[vehicle]["staffing_source"]
        # Installed lanes must carry the busiest month the rule staffs for; a published count
        # that cannot (older than today's traffic) is raised, and says so.
        monthly = crossing.series(cls.measure, months)
        busiest = float((monthly / [m.days_in_month for m in monthly.index]).max())
        needs = rule_needs(cls.model_copy(update={"design_volume": busiest}), rule, pre_inspection.service_factor)
        short = {lane: need for lane, need in needs.items() if need > cls.lanes[lane].booths}
        if short:
            for lane, need in short.items():
                cls.lanes[lane].booths = need
            provenance[f"classes.{vehicle}.lanes.booths"] += (
                f" ESTIMATE: raised to {', '.join(f'{n} {lane}' for lane, n in short.items())}: the "
                f"published lanes cannot carry the busiest month of {months.start}..{months.end} "
                f"({busiest:,.0f} a day) at the staffing rule's utilisation with these service times."
            )
        classes[vehicle] = apply_rule(cls, rule, pre_inspection.service_factor)
        classes[vehicle].seasonal = True
        classes[vehicle].design_mix = work_mix(cls, pre_inspection.service_factor)
        provenance[f"classes.{vehicle}.lanes.staffed"] = (
            f"{(cls.staffing_rule or rule).source} Shown for the average day of {months.start}..{months.end} "
            f"({cls.design_volume:,.0f} a day); each simulated month is staffed by the same rule for "
            "its own traffic (seasonal = true), as CBP staffs up for its holiday peaks."
        )
    provenance["staffing_rule"] = rule.source
    provenance["targeting"] = targeting["source"]
    provenance["pre_inspection"] = pre["source"]
    return PortSpec(
        code=crossing.port_code,
        crossing=crossing.id,
        name=crossing.label,
        classes=classes,  # type: ignore[arg-type]
        staffing_rule=rule,
        targeting=TargetingSpec(
            illicit_rate=targeting["illicit_rate"],
            detection=targeting["detection"],
            random_share=targeting["random_share"],
        ),
        pre_inspection=pre_inspection,
        provenance=provenance,
    )


def default_specs(place: str | data.Place, year: int | None = None) -> list[PortSpec]:
    """Default models of every crossing of a port (or the one crossing a name resolves to)."""
    if not isinstance(place, data.Place):
        place = data.resolve_place(place)
    return [default_spec(c, year) for c in place.crossings]
