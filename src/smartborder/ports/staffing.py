"""Staffed lanes: the documented rule that sets them, and schedules as files.

Installed booths are a ceiling; what sets waits is how many lanes are *staffed* hour by hour. CBP
publishes lanes open (Border Wait Times) but no schedule, so default models use a rule
(``StaffingRule``, its reasoning in ``assumptions.toml [staffing]``): officers work fixed shifts,
so each shift staffs a class for the shift's *average* design load at the target utilisation —
at least ``minimum`` lanes while the class is open, never more than its booths — and shares
them among its lane types by load. A shift's peaks then queue, as CBP's published waits do.

A schedule can also be given as data, ``--staffing FILE``: a CSV with the columns
``crossing,class,lane,day,hour,lanes`` (``day`` ∈ weekday | saturday | sunday, ``hour`` 0–23),
one row per hour given; hours a file leaves out keep the model's value. ``write_schedule``
writes the same format, so a schedule round-trips.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartborder.ports.errors import PortError
from smartborder.ports.spec import (
    DAY_TYPES,
    ClassSpec,
    DaySchedule,
    PortSpec,
    StaffingRule,
    eligible_lanes,
)

COLUMNS = ["crossing", "class", "lane", "day", "hour", "lanes"]


def lane_loads(cls: ClassSpec, day: str, pre_service: float = 1.0) -> dict[str, np.ndarray]:
    """Design load of each lane type by hour (Erlangs: arrivals × mean service ÷ 60).

    Each entitlement's holders count on their own lane (the first of their list the crossing
    has); the pre-opening queue counts on the first open hour, when it is served.
    """
    from smartborder.ports.demand import _open, design_day, opening_hours

    arrivals = design_day(cls, day)
    first, waiting = opening_hours(_open(cls, day, True), cls.pre_opening)
    if first is not None and waiting:
        arrivals = arrivals.copy()
        arrivals[first] += arrivals[waiting].sum()
        arrivals[waiting] = 0.0
    mix = cls.design_mix if cls.design_mix is not None else work_mix(cls, pre_service)
    return {lane: arrivals * mix.get(lane, 0.0) / 60.0 for lane in cls.lanes}


def work_mix(cls: ClassSpec, pre_service: float = 1.0) -> dict[str, float]:
    """Minutes of primary work per vehicle of the class, by the lane type its holders use."""
    mix = dict.fromkeys(cls.lanes, 0.0)
    for entitlement, share in cls.flow_shares().items():
        home = eligible_lanes(entitlement, cls.lanes)[0]
        service = cls.service_of(entitlement).expected
        if entitlement == "pre_inspected":
            service *= pre_service
        mix[home] += share * service
    return mix


def staff_shift(mean: dict[str, float], booths: dict[str, int], rule: StaffingRule) -> dict[str, int]:
    """Lanes of each type for one shift, from each lane type's average load (Erlangs).

    Each lane type gets the lanes its holders' load needs at the target utilisation, rounded
    up (staffing short of the load would grow a queue the shift never clears); a trusted lane
    type that would be less than half busy is closed instead, its holders using the standard
    lanes, as CBP's feed shows at night ('Lanes Closed'). The standard lanes carry their own
    load plus what the trusted lanes leave over, at least ``minimum`` of them. Each within its
    booths.
    """
    target = rule.target_utilisation
    out: dict[str, int] = {}
    spill = 0.0
    for lane, load in mean.items():
        if lane == "standard":
            continue
        count = min(math.ceil(load / target - 1e-9) if load / target >= 0.5 else 0, booths[lane])
        out[lane] = count
        spill += max(0.0, load - count * target)
    need = math.ceil((mean.get("standard", 0.0) + spill) / target - 1e-9)
    out["standard"] = min(max(need, rule.minimum, 1), max(booths["standard"], 1))
    return {lane: out[lane] for lane in mean}


def staff_class(
    loads: dict[str, np.ndarray],
    is_open: dict[str, list[bool]],
    booths: dict[str, int],
    rule: StaffingRule,
    day: str = "weekday",
) -> dict[str, list[int]]:
    """Lanes open by hour for every lane type of a class on one day type, by the rule.

    By shifts, each shift staffs for its average load over the hours it is open
    (``staff_shift``); by roster, the day's work is spread over the roster's shape
    (``staff_roster``). CBP's feed shows the same pattern: trusted lanes close at night
    ('Lanes Closed') while a general lane stays open.
    """
    return staff_plan(shift_plan(loads, is_open, booths, rule), list(loads), is_open, rule, day=day)


#: Remainders closer than this tie (``whole_lanes``).
TIE = 0.02


def whole_lanes(
    targets: dict[int, float],
    cap: int,
    floor: int = 0,
    first: dict[int, float] | None = None,
    on_top: bool = False,
) -> dict[int, int]:
    """Whole lanes for the hours of *targets* (fractional lanes by hour) whose sum is the
    targets' sum rounded: each hour its whole part, and the lane-hours left over to the hours
    with the largest remainders, within [*floor*, *cap*] and never past an hour's need rounded up
    (what the booths or the floor cannot place is not moved to hours that do not need it).

    Hours whose remainders tie (within ``TIE``; a roster's flat day, 1.3 lanes at every hour from
    06 h) share the extra lanes evenly over the day, from its first hour: 1.3 lanes are 2 in
    about every third hour, 06 h the first (the line the night's fewer lanes left is longest
    then; CBP's feed shows a third standard lane at 06 h at Brownsville's B&M and Gateway on
    weekdays, two the rest of the day), not 2 in the first hours of the tie and 1 after them,
    which would clear the morning's line and build the afternoon's. Evenly is what the arrival shapes read back from CBP's waits assume
    (``ports.profiles``: fractional lanes); a day that needs 2.5 lanes gets 2 and 3 by turns, not
    2 or 3 all day as rounding each hour would. Tied hours of higher *first* (by hour) are served
    before the others (the roster's standard lanes: the hours a trusted lane type's rounding left
    a lane short, so that the class's lanes stay level). The lanes the *floor* adds are taken
    from the other hours' extra lanes (a roster's officers are the day's), or with *on_top* are
    added to them."""
    if not targets:
        return {}
    out = {h: min(max(math.floor(t + 1e-9), floor), cap) for h, t in targets.items()}
    if on_top:  # the floor covers the hours below it; the others keep the lanes their targets add to
        above = [h for h, t in targets.items() if t >= floor]
        extra = round(sum(targets[h] for h in above)) - sum(out[h] for h in above)
    else:  # the floor's lanes come out of the day's (a roster's officers)
        extra = round(sum(targets.values())) - sum(out.values())
    room = sorted(h for h, t in targets.items() if out[h] < min(cap, math.ceil(t - 1e-9)))
    remainder = {h: targets[h] - math.floor(targets[h] + 1e-9) for h in room}
    while extra > 0 and room:
        top = max(remainder[h] for h in room)
        tied = [h for h in room if remainder[h] >= top - TIE]
        if first is not None:
            best = max(first.get(h, 0.0) for h in tied)
            tied = [h for h in tied if first.get(h, 0.0) >= best]
        chosen = tied if extra >= len(tied) else [tied[k * len(tied) // extra] for k in range(extra)]
        for h in chosen:
            out[h] += 1
        extra -= len(chosen)
        room = [h for h in room if h not in chosen]
    return out


def staff_roster(
    work: dict[str, float], booths: dict[str, int], is_open: dict[str, list[bool]], rule: StaffingRule, day: str
) -> dict[str, list[int]]:
    """Lanes open by hour by a roster: the shape ``rule.roster(day)`` at the level that staffs
    the day's *work* (lane-hours of primary work by lane type) at ``rule.target_utilisation``.

    The lanes are shared by the lane types' shares of the day's work; a trusted lane type whose
    share is under half a lane on average is closed and its holders use the standard lanes,
    which keep at least ``minimum`` (and one) while the class is open. A ``protected`` lane type
    is staffed apart, outside the shortfall: its own work at ``rule.protected_utilisation``,
    at least one lane while it is open. Each lane type's lane-hours are made whole over the
    day (``whole_lanes``: fractions spread evenly, the standard lanes' where the others' left
    the class a lane short), within its booths. The shared lanes' night minimum takes officers
    from the day; the protected lane's is on top of the lanes its work needs.
    """
    shape = rule.roster(day)
    out = {lane: [0] * 24 for lane in work}
    hours = [h for h in range(24) if any(is_open[lane][h] for lane in work)]
    weight = sum(shape[h] for h in hours)
    if weight <= 0:
        return out
    protected = [lane for lane in work if lane in rule.protected and lane != "standard"]
    shared = {lane: amount for lane, amount in work.items() if lane not in protected}
    total = sum(shared.values())
    level = total / rule.target_utilisation / weight if total > 0 else 0.0
    for lane in protected:
        open_hours = [h for h in hours if is_open[lane][h]]
        if work[lane] > 0 and open_hours:
            targets = {h: work[lane] / rule.protected_utilisation / weight * shape[h] for h in open_hours}
            for h, count in whole_lanes(targets, booths[lane], floor=1, on_top=True).items():
                out[lane][h] = count
    trusted = dict.fromkeys(hours, 0.0)
    for lane, amount in shared.items():
        open_hours = [h for h in hours if is_open[lane][h]]
        if lane == "standard" or not open_hours or total <= 0:
            continue
        targets = {h: level * shape[h] * amount / total for h in open_hours}
        if sum(targets.values()) / len(open_hours) < 0.5:
            continue  # under half a lane: closed, its holders use the standard lanes
        for h, count in whole_lanes(targets, booths[lane]).items():
            out[lane][h] = count
            trusted[h] += count
    standard = {h: max(level * shape[h] - trusted[h], 0.0) for h in hours}
    # The standard lanes' fractions go first to the hours the other lane types' rounding left
    # short, so that the class's lanes stay level through the day.
    short = {h: -trusted[h] - sum(out[lane][h] for lane in protected) for h in hours}
    for h, count in whole_lanes(standard, max(booths["standard"], 1), max(rule.minimum, 1), short).items():
        out["standard"][h] = count
    return out


#: One shift of a day: its open hours, each lane type's mean load over them, the booths it may use.
Shift = tuple[list[int], dict[str, float], dict[str, int]]


def shift_plan(
    loads: dict[str, np.ndarray], is_open: dict[str, list[bool]], booths: dict[str, int], rule: StaffingRule
) -> list[Shift]:
    """The shifts of a day type with their mean loads: all ``staff_class`` needs of the loads.
    The means are linear in the loads, so a plan made at one volume serves any other scaled."""
    plan: list[Shift] = []
    starts = rule.shifts
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else starts[0] + 24
        span = [h % 24 for h in range(start, end)]
        open_hours = [h for h in span if any(is_open[lane][h] for lane in loads)]
        if not open_hours:
            continue
        mean = {lane: float(np.mean([loads[lane][h] for h in open_hours])) for lane in loads}
        available = {lane: booths[lane] if any(is_open[lane][h] for h in open_hours) else 0 for lane in loads}
        plan.append((open_hours, mean, available))
    return plan


def staff_plan(
    plan: list[Shift],
    lanes: list[str],
    is_open: dict[str, list[bool]],
    rule: StaffingRule,
    scale: float = 1.0,
    day: str = "weekday",
) -> dict[str, list[int]]:
    """Lanes open by hour from a day's (*day* type's) shift plan, its loads times *scale*."""
    if rule.kind == "roster":  # the day's work: each shift's mean load over its open hours
        work = {lane: scale * sum(mean[lane] * len(hours) for hours, mean, _ in plan) for lane in lanes}
        booths = {lane: max((available[lane] for _, _, available in plan), default=0) for lane in lanes}
        return staff_roster(work, booths, is_open, rule, day)
    out = {lane: [0] * 24 for lane in lanes}
    for open_hours, mean, available in plan:
        scaled = mean if scale == 1.0 else {lane: load * scale for lane, load in mean.items()}
        for lane, count in staff_shift(scaled, available, rule).items():
            for h in open_hours:
                out[lane][h] = count if is_open[lane][h] or lane == "standard" else 0
    return out


def apply_rule(
    cls: ClassSpec,
    rule: StaffingRule,
    pre_service: float = 1.0,
    only_hours: dict[str, dict[str, list[int]]] | None = None,
) -> ClassSpec:
    """The class with its lanes staffed by *rule* (requires ``design_volume``).

    *only_hours* (lane → day → hours) restaffs just those hours and keeps the rest of each
    lane's schedule: what a scenario that opens new hours does.
    """
    if cls.design_volume is None:
        raise PortError("design_volume: the staffing rule needs the daily volume the lanes serve")
    rule = cls.staffing_rule or rule
    out = cls.model_copy(deep=True)
    booths = {name: lane.booths for name, lane in cls.lanes.items()}
    ruled = {
        day: staff_class(
            lane_loads(cls, day, pre_service),
            {name: lane.is_open(day) for name, lane in cls.lanes.items()},
            booths,
            rule,
            day,
        )
        for day in DAY_TYPES
    }
    for name, lane in out.lanes.items():
        days = {}
        for day in DAY_TYPES:
            if only_hours is None or lane.staffed is None:
                days[day] = ruled[day][name]
            else:
                kept = lane.staffed.day(day)
                for h in only_hours.get(name, {}).get(day, []):
                    kept[h] = ruled[day][name][h]
                days[day] = kept
        lane.staffed = DaySchedule(**days)
    return out


def rule_needs(cls: ClassSpec, rule: StaffingRule, pre_service: float = 1.0) -> dict[str, int]:
    """The most lanes of each type the rule would staff in any hour, ignoring the booths."""
    unlimited = cls.model_copy(
        update={"lanes": {name: lane.model_copy(update={"booths": 10**6}) for name, lane in cls.lanes.items()}}
    )
    staffed = apply_rule(unlimited, rule, pre_service)
    return {name: max(max(lane.lanes(day)) for day in DAY_TYPES) for name, lane in staffed.lanes.items()}


def month_schedules(spec: PortSpec, months: list[pd.Period]) -> dict[str, np.ndarray]:
    """Open lanes hour by hour over *months* for every station of a seasonal class: each month
    staffed by the rule for that month's own traffic (without a scenario's growth: CBP staffs
    for the seasons it knows, not for traffic it has not seen), the scenario's lane changes on
    top. Stations of classes that are not seasonal keep their weekly staffing (not listed)."""
    from smartborder.ports.demand import class_volumes, day_factors, day_type

    out: dict[str, list[np.ndarray]] = {}
    for vehicle, cls in spec.classes.items():
        if not cls.seasonal or cls.design_volume is None:
            continue
        open_days = [any(cls.is_open(day_type(w))) for w in range(7)]
        weights = day_factors(cls, open_days)  # each weekday's share of a week's traffic
        rule = cls.staffing_rule or spec.staffing_rule
        booths = {name: lane.booths for name, lane in cls.lanes.items()}
        is_open = {day: {name: lane.is_open(day) for name, lane in cls.lanes.items()} for day in DAY_TYPES}
        # A lane type's load is proportional to the class's volume: computed once per vehicle a
        # day, scaled for each month (what ``apply_rule`` on a copy per month computes, without
        # the copies: tests/ports/test_defaults.py holds the two equal).
        unit = cls.model_copy(update={"design_volume": 1.0})
        plans = {
            day: shift_plan(lane_loads(unit, day, spec.pre_inspection.service_factor), is_open[day], booths, rule)
            for day in DAY_TYPES
        }
        for month, volume in zip(months, class_volumes(spec, vehicle, months), strict=True):
            days = month.days_in_month
            first = calendar.monthrange(month.year, month.month)[0]
            # The month's traffic over its own days (a month with fewer open days carries more
            # on each), as an average calendar day of the design week.
            month_weight = float(sum(weights[(first + d) % 7] for d in range(days)))
            base = (
                volume / cls.volume_factor / month_weight / 7.0
                if volume is not None and cls.volume_factor > 0 and month_weight > 0
                else cls.design_volume
            )
            ruled = {day: staff_plan(plans[day], list(cls.lanes), is_open[day], rule, base, day) for day in DAY_TYPES}
            for name, lane in cls.lanes.items():  # within the booths, the scenario's changes on top
                by_day = {day: lane.scheduled(ruled[day][name], day) for day in DAY_TYPES}
                hours = np.concatenate([by_day[day_type((first + d) % 7)] for d in range(days)])
                out.setdefault(f"{vehicle}.primary.{name}", []).append(hours)
    return {name: np.concatenate(parts).astype(np.int64) for name, parts in out.items()}


def month_schedules_by_copies(spec: PortSpec, months: list[pd.Period]) -> dict[str, np.ndarray]:
    """``month_schedules`` the plain way, ``apply_rule`` on a copy of the class per month: the
    reference the fast path is tested against."""
    from smartborder.ports.demand import class_volume, day_factors, day_type

    out: dict[str, list[np.ndarray]] = {}
    for vehicle, cls in spec.classes.items():
        if not cls.seasonal or cls.design_volume is None:
            continue
        weights = day_factors(cls, [any(cls.is_open(day_type(w))) for w in range(7)])
        for month in months:
            volume = class_volume(spec, vehicle, month)
            first = calendar.monthrange(month.year, month.month)[0]
            month_weight = float(sum(weights[(first + d) % 7] for d in range(month.days_in_month)))
            base = (
                volume / cls.volume_factor / month_weight / 7.0
                if volume is not None and cls.volume_factor > 0 and month_weight > 0
                else cls.design_volume
            )
            staffed = apply_rule(
                cls.model_copy(update={"design_volume": base}), spec.staffing_rule, spec.pre_inspection.service_factor
            )
            for name, lane in staffed.lanes.items():
                hours = np.concatenate([lane.lanes(day_type((first + d) % 7)) for d in range(month.days_in_month)])
                out.setdefault(f"{vehicle}.primary.{name}", []).append(hours)
    return {name: np.concatenate(parts).astype(np.int64) for name, parts in out.items()}


def booth_hours(cls: ClassSpec) -> dict[str, float]:
    """Staffed lane-hours in an average week, by lane type."""
    return {
        name: float(sum(sum(lane.lanes(day)) * (5 if day == "weekday" else 1) for day in DAY_TYPES))
        for name, lane in cls.lanes.items()
    }


def schedule_frame(spec: PortSpec) -> pd.DataFrame:
    """The crossing's staffed lanes as rows of the schedule file format."""
    rows = []
    for vehicle, cls in spec.classes.items():
        for name, lane in cls.lanes.items():
            for day in DAY_TYPES:
                for hour, count in enumerate(lane.lanes(day)):
                    rows.append((spec.crossing, vehicle, name, day, hour, count))
    return pd.DataFrame(rows, columns=COLUMNS)


def write_schedule(specs: list[PortSpec], path: Path) -> Path:
    """Write the staffed lanes of *specs* as a schedule CSV."""
    frame = pd.concat([schedule_frame(s) for s in specs], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def read_schedule(path: Path) -> pd.DataFrame:
    """A schedule file, checked: every problem names its line and column."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise PortError(f"staffing: file {path} does not exist") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise PortError(f"staffing: {path} is not a CSV file: {exc}") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise PortError(f"staffing: {path} lacks the column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"staffing: {path.name} line {i}"
        if row.day not in DAY_TYPES:
            raise PortError(f"{where}: day {row.day!r} must be one of {', '.join(DAY_TYPES)}")
        if not row.hour.isdigit() or not 0 <= int(row.hour) <= 23:
            raise PortError(f"{where}: hour {row.hour!r} must be a whole number 0..23")
        if not row.lanes.isdigit():
            raise PortError(f"{where}: lanes {row.lanes!r} must be a whole number >= 0")
    frame["hour"] = frame["hour"].astype(int)
    frame["lanes"] = frame["lanes"].astype(int)
    return frame


def with_schedule(spec: PortSpec, schedule: pd.DataFrame, source: str, allow_extra_booths: bool = False) -> PortSpec:
    """*spec* with the lanes a schedule gives for its crossing (other hours unchanged).

    A count above the installed booths is refused, naming the crossing, lane type, day and hour
    (40 lanes at a 7-booth crossing is a typo, not a plan); with *allow_extra_booths* it raises
    the booths instead and says so in the provenance: a schedule may describe lanes being built.
    """
    rows = schedule[schedule["crossing"] == spec.crossing]
    out = spec.model_copy(deep=True)
    for (vehicle, lane_name), group in rows.groupby(["class", "lane"]):
        cls = out.classes.get(vehicle)
        if cls is None:
            raise PortError(f"staffing: {spec.name} has no {vehicle!r} traffic; it serves {', '.join(out.classes)}")
        if lane_name not in cls.lanes:
            raise PortError(
                f"staffing: {spec.name} has no {lane_name!r} lane for {vehicle}; lanes: {', '.join(cls.lanes)}"
            )
        lane = cls.lanes[lane_name]
        days = {day: lane.base_lanes(day) for day in DAY_TYPES}
        for row in group.itertuples(index=False):
            days[row.day][row.hour] = row.lanes
        top = max(max(v) for v in days.values())
        if top > lane.booths and not allow_extra_booths:
            day, hour = next((d, h) for d in DAY_TYPES for h in range(24) if days[d][h] == top)
            raise PortError(
                f"staffing: {source} staffs {top} {vehicle} {lane_name} lanes at {spec.name} on "
                f"{day}s at {hour:02d}:00, but {lane.booths} booth(s) are installed; lower it, or allow "
                "extra booths for lanes being built (allow_extra_booths)"
            )
        if top > lane.booths:
            out.provenance[f"classes.{vehicle}.lanes.{lane_name}.booths"] = (
                f"SCHEDULE: raised from {lane.booths} to {top} by the staffing file {source}"
            )
            lane.booths = top
        lane.staffed = DaySchedule(**days)
        cls.seasonal = False  # the file's lanes hold all year
        out.provenance[f"classes.{vehicle}.lanes.{lane_name}.staffed"] = f"SCHEDULE: staffing file {source}"
    return out


def staffing_shape(specs: Sequence[PortSpec]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Staffed lanes by hour, ``{class: {lane: {weekday, weekend, saturday, sunday: [24]}}}``,
    summed over crossings; ``weekend`` is the mean of Saturday and Sunday."""
    out: dict[str, dict[str, dict[str, list[float]]]] = {}
    for spec in specs:
        for vehicle, cls in spec.classes.items():
            for name, lane in cls.lanes.items():
                days = out.setdefault(vehicle, {}).setdefault(name, {d: [0.0] * 24 for d in (*DAY_TYPES, "weekend")})
                for day in DAY_TYPES:
                    days[day] = [a + b for a, b in zip(days[day], lane.lanes(day), strict=True)]
    for lanes in out.values():
        for days in lanes.values():
            days["weekend"] = [(a + b) / 2 for a, b in zip(days["saturday"], days["sunday"], strict=True)]
    return out
