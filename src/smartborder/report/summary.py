"""The first screen of every report: labelled figures with units, per class and per lane.

A run's KPIs are keyed ``truck.lane.FAST.wait_mean_min``; an analyst reads "trucks, FAST lanes:
mean wait, min". This module turns runs and comparisons into the tables every door shows first —
the terminal, the HTML report, the JSON and the workbook — and explains every raw key, so the
full dump can go last with its names spelled out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from smartborder import vocabulary
from smartborder.vocabulary import ALL_CROSSINGS, ALL_LANES, period_label, short_name

if TYPE_CHECKING:  # results are read, never computed here (tests/report/test_reads_results.py)
    from smartborder.policy.studies.place import PlaceRun
    from smartborder.policy.studies.study import Study

__all__ = ["period_label"]  # re-exported: every report titles its period the same way

#: Every KPI a run records: its suffix → (label, unit). The prefix names the scope (see ``scope``).
FIGURES: dict[str, tuple[str, str]] = {
    "wait_mean_min": ("mean wait to primary (arrivals while open)", "min"),
    "wait_p95_min": ("95th-percentile wait to primary", "min"),
    "vehicles": ("vehicles in the period", "vehicles"),
    "throughput_per_day": ("vehicles per day", "vehicles/day"),
    "preopening_vehicles": ("arrived before their lanes opened", "vehicles"),
    "balked": ("found the line longer than they would wait and did not cross", "vehicles"),
    "opening_wait_mean_min": ("mean wait for the lanes to open (pre-opening arrivals)", "min"),
    "booth_hours": ("primary lane-hours staffed", "lane-hours"),
    "utilisation": ("share of staffed lane time busy", "fraction"),
    "vehicle_hours_delay": ("delay: all waiting (primary, opening, secondary)", "vehicle-hours"),
    "person_hours_delay": ("delay of the people on board", "person-hours"),
    "vehicle_hours": ("delay: all waiting, all classes", "vehicle-hours"),
    "person_hours": ("delay of the people on board, all classes", "person-hours"),
    "secondary_inspections": ("sent to secondary inspection", "vehicles"),
    "secondary_wait_mean_min": ("mean wait at secondary", "min"),
    "illicit_loads": ("illicit loads arriving (model)", "loads"),
    "illicit_caught": ("illicit loads caught", "loads"),
    "targeted_inspections": ("inspections chosen by the risk score", "vehicles"),
    "targeted_hits": ("illicit loads found by targeted inspections", "loads"),
    "random_inspections": ("inspections chosen at random", "vehicles"),
    "random_hits": ("illicit loads found by random inspections", "loads"),
    "value_of_time_usd": ("value of the time lost", "US$"),
    "fuel_gallons": ("fuel burnt idling", "US gal"),
    "fuel_cost_usd": ("cost of the fuel burnt idling", "US$"),
    "co2_tonnes": ("CO₂ from idling", "tonnes"),
    "total_cost_usd": ("delay cost (time + fuel)", "US$"),
}

CLASS_NAMES = {**vocabulary.CLASS_NAMES, "port": vocabulary.ALL_CLASSES}
#: The order classes are reported in, everywhere.
CLASS_ORDER = {"truck": 0, "pov": 1, "pedestrian": 2, "bus": 3}


def _ordered(vehicles: list[str]) -> list[str]:
    return sorted(dict.fromkeys(vehicles), key=lambda v: CLASS_ORDER.get(v, len(CLASS_ORDER)))


def scope(key: str) -> str:
    """``truck.lane.FAST.wait_mean_min`` → ``trucks, FAST lanes``; ``pov.SENTRI…`` → ``cars, SENTRI holders``."""
    parts = key.split(".")[:-1]
    who = CLASS_NAMES.get(parts[0], parts[0]) if parts else ""
    if len(parts) == 3 and parts[1] == "lane":
        return f"{who}, {parts[2]} lanes"
    if len(parts) == 2:
        return f"{who}, {parts[1]} holders"
    return who


#: A truck's crossing (policy/studies/crossing_time.py): counts after ``{v}.crossing.``.
CROSSING_COUNTS = {
    "trucks": "trucks that crossed, Mexico to the state's facility",
    "not_sent": "trucks not sent: their crossing would have run past what their carriers accept",
    "mexico_exams": "trucks sent to Mexico's customs examination (red light)",
    "state_inspections": "trucks inspected at the state's facility",
    "out_of_service": "trucks the state puts out of service (expected)",
}


def _explain_crossing(key: str) -> tuple[str, str] | None:
    """``truck.FAST.crossing.mexico.mean_min`` → (trucks, FAST holders: crossing time in Mexico's customs, mean; min)."""
    head, _, rest = key.partition(".crossing.")
    if not rest:
        return None
    who = scope(f"{head}.x")
    if rest in CROSSING_COUNTS:
        return f"{who}: {CROSSING_COUNTS[rest]}", "trucks"
    if rest in FIGURES:  # delay, its cost and emissions over the whole crossing
        label, unit = FIGURES[rest]
        return f"{who}, Mexico to the state's facility: {label}", unit
    segment, _, stat = rest.partition(".")
    name = SEGMENT_NAMES.get(segment)
    if name is None or stat not in ("mean_min", "p95_min", "queue_hours"):
        return None
    if stat == "queue_hours":
        return f"{who}: hours waiting in line, {name}", "vehicle-hours"
    return f"{who}: {name}, {'mean' if stat == 'mean_min' else '95th percentile'}", "min"


def explain(key: str) -> tuple[str, str]:
    """(label with scope, unit) of a raw KPI key; unknown keys are returned as they are."""
    crossing = _explain_crossing(key)
    if crossing is not None:
        return crossing
    suffix = key.rsplit(".", 1)[-1]
    if suffix not in FIGURES:
        return key, ""
    label, unit = FIGURES[suffix]
    where = scope(key)
    return (f"{where}: {label}" if where else label), unit


def explained(table: pd.DataFrame) -> pd.DataFrame:
    """A raw KPI table (index = keys) with the meaning and unit of every row in front."""
    out = table.copy()
    meanings = [explain(str(k)) for k in out.index]
    out.insert(0, "unit", [u for _, u in meanings])
    out.insert(0, "meaning", [m for m, _ in meanings])
    return out


def _lanes(table: pd.DataFrame, vehicle: str) -> list[str]:
    """Lane types of *vehicle* in a KPI table, standard first."""
    found = {k.split(".")[2] for k in table.index.astype(str) if k.startswith(f"{vehicle}.lane.") and k.count(".") == 3}
    return sorted(found, key=lambda lane: (lane != "standard", lane))


SUMMARY_COLUMNS = {
    "place": "Crossing",
    "class": "Class",
    "lane": "Lane",
    "per_day": "Vehicles/day",
    "wait_mean_min": "Mean wait, min",
    "wait_mean_ci95": "± 95% CI, min",
    "wait_p95_min": "p95 wait, min",
    "lane_hours_per_day": "Lanes staffed, lane-h/day",
    "utilisation": "Busy, % of staffed time",
    "delay_vehicle_hours": "Delay, vehicle-h",
    "delay_cost_usd": "Delay cost, US$",
}


def run_summary(study: Study, run: PlaceRun) -> pd.DataFrame:
    """Per crossing (and all crossings together), per class and per lane type: vehicles a day,
    mean wait ± 95 % CI, p95, lanes staffed, how busy they are, delay and its cost."""
    days = sum(m.days_in_month for m in run.months)
    blocks: list[tuple[str, pd.DataFrame]] = [
        (short_name(spec.name), run.runs[spec.crossing].table()) for spec in study.specs
    ]
    if len(run.runs) > 1:
        blocks.append((ALL_CROSSINGS, run.table()))
    rows = []
    for place, table in blocks:

        def get(key: str, part: str = "mean", table: pd.DataFrame = table) -> float:
            return float(table.loc[key, part]) if key in table.index else np.nan

        present = {k.split(".")[0] for k in table.index.astype(str)}
        vehicles = [v for v in _ordered([v for spec in study.specs for v in spec.classes]) if v in present]
        for vehicle in vehicles:
            rows.append(
                {
                    "place": place,
                    "class": vehicle,
                    "lane": ALL_LANES,
                    "per_day": get(f"{vehicle}.throughput_per_day"),
                    "wait_mean_min": get(f"{vehicle}.wait_mean_min"),
                    "wait_mean_ci95": get(f"{vehicle}.wait_mean_min", "ci95"),
                    "wait_p95_min": get(f"{vehicle}.wait_p95_min"),
                    "lane_hours_per_day": get(f"{vehicle}.booth_hours") / days,
                    "utilisation": np.nan,
                    "delay_vehicle_hours": get(f"{vehicle}.vehicle_hours_delay"),
                    "delay_cost_usd": get(f"{vehicle}.total_cost_usd"),
                }
            )
            for lane in _lanes(table, vehicle):
                prefix = f"{vehicle}.lane.{lane}"
                busy = get(f"{prefix}.utilisation")
                if not get(f"{prefix}.vehicles") and not get(f"{prefix}.booth_hours"):
                    continue  # a lane type this crossing never opens in the period
                rows.append(
                    {
                        "place": place,
                        "class": vehicle,
                        "lane": f"{lane} lanes",
                        "per_day": get(f"{prefix}.vehicles") / days,
                        "wait_mean_min": get(f"{prefix}.wait_mean_min"),
                        "wait_mean_ci95": get(f"{prefix}.wait_mean_min", "ci95"),
                        "wait_p95_min": get(f"{prefix}.wait_p95_min"),
                        "lane_hours_per_day": get(f"{prefix}.booth_hours") / days,
                        "utilisation": busy * 100 if np.isfinite(busy) else np.nan,
                        "delay_vehicle_hours": np.nan,
                        "delay_cost_usd": np.nan,
                    }
                )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


#: Units that count people, not vehicles, for a class whose units are people (pedestrians).
PERSON_WORDS = {"vehicles a day": "pedestrians a day", "vehicle-h": "person-h", "vehicles": "pedestrians"}
#: Figures summed over the simulated period (the others are means or per day).
PERIOD_TOTALS = (
    "booth_hours",
    "vehicle_hours_delay",
    "total_cost_usd",
    "secondary_inspections",
    "illicit_caught",
    "co2_tonnes",
)

#: What a comparison leads with, per class (then the mean wait of every lane type).
COMPARE_FIGURES = [
    ("wait_mean_min", "mean wait", "min"),
    ("wait_p95_min", "p95 wait", "min"),
    ("throughput_per_day", "vehicles a day", "per day"),
    ("booth_hours", "lanes staffed", "lane-h"),
    ("vehicle_hours_delay", "delay", "vehicle-h"),
    ("total_cost_usd", "delay cost", "US$"),
    ("secondary_inspections", "secondaries", "vehicles"),
    ("illicit_caught", "illicit caught", "loads"),
    # With a chain (ports/chain.py, --whole-crossing): the trucks' whole crossing.
    ("crossing.total.mean_min", "crossing time, Mexico to the state's exit", "min"),
    ("crossing.mexico.mean_min", "time in Mexico's customs", "min"),
    ("crossing.state.mean_min", "time at the state's facility", "min"),
    ("crossing.vehicle_hours_delay", "delay, whole crossing", "vehicle-h"),
    ("crossing.total_cost_usd", "delay cost, whole crossing", "US$"),
    ("crossing.co2_tonnes", "CO2 idling, whole crossing", "t"),
]


#: A truck's crossing, Mexico to the state's facility (policy/studies/crossing_time.py), by segment.
CROSSING_COLUMNS = ("place", "class", "lane", "segment", "mean_min", "p95_min", "mean_ci95")
SEGMENT_NAMES = {
    "mexico": "Mexico's customs (line, booth, exam)",
    "bridge": "bridge",
    "cbp_wait": "CBP's wait (line to booth; in CBP primary)",
    "cbp_primary": "CBP primary (line and booth)",
    "secondary": "CBP secondary",
    "state": "state facility (scale, inspection)",
    "total": "crossing time",
}


def crossing_summary(study: Study, run: PlaceRun) -> pd.DataFrame:
    """Per crossing with a truck chain, per class and entitlement group: the crossing time's
    segments, CBP's wait beside them and the total — mean over replications (± 95 % CI) and
    the replications' mean p95. The segments ``mexico``, ``bridge``, ``cbp_primary``,
    ``secondary`` and ``state`` add up to ``total``."""
    from smartborder.ports.chain import REPORTED

    rows = []
    for spec in study.specs:
        table = run.runs[spec.crossing].table()
        for vehicle, cls in spec.classes.items():
            if cls.chain is None:
                continue
            groups = [(ALL_LANES, vehicle), *((e, f"{vehicle}.{e}") for e in cls.flow_shares())]
            for lane, prefix in groups:
                for segment in REPORTED:
                    key = f"{prefix}.crossing.{segment}"
                    if f"{key}.mean_min" not in table.index:
                        continue
                    rows.append(
                        {
                            "place": short_name(spec.name),
                            "class": vehicle,
                            "lane": lane,
                            "segment": segment,
                            "mean_min": float(table.loc[f"{key}.mean_min", "mean"]),
                            "p95_min": float(table.loc[f"{key}.p95_min", "mean"]),
                            "mean_ci95": float(table.loc[f"{key}.mean_min", "ci95"]),
                        }
                    )
    return pd.DataFrame(rows, columns=list(CROSSING_COLUMNS))


def verdict(row: pd.Series) -> str:
    """``yes`` significant and material, ``small`` significant below the practical minimum, ``no``."""
    if not bool(row.get("significant", False)):
        return "no"
    return "yes" if bool(row.get("material", True)) else "small"


def unchanged_classes(summary: pd.DataFrame, place: str) -> list[str]:
    """Classes whose every figure at *place* is exactly unchanged (identical random streams)."""
    block = summary[summary["place"] == place]
    return [str(v) for v, rows in block.groupby("class", sort=False) if (rows["change"].fillna(0) == 0).all()]


def comparison_summary(diffs: dict[str, pd.DataFrame], names: dict[str, str]) -> pd.DataFrame:
    """Per crossing (``names``: id → name, ``total`` → the network), class and lane: baseline,
    scenario, change ± 95 % CI, the verdict, and whether the change is a material worsening."""
    rows = []
    for crossing, diff in diffs.items():
        place = names.get(crossing, crossing)
        vehicles = _ordered([str(k).split(".")[0] for k in diff.index if not str(k).startswith("port.")])
        for vehicle in vehicles:
            keys = [(f"{vehicle}.{key}", ALL_LANES, label, unit) for key, label, unit in COMPARE_FIGURES]
            keys += [
                (f"{vehicle}.lane.{lane}.wait_mean_min", f"{lane} lanes", "mean wait", "min")
                for lane in _lanes(diff, vehicle)
            ]
            for key, lane, label, unit in keys:
                if key not in diff.index:
                    continue
                if vehicle == "pedestrian":  # people, not vehicles
                    label, unit = PERSON_WORDS.get(label, label), PERSON_WORDS.get(unit, unit)
                row = diff.loc[key]
                worse = bool(key.endswith("wait_mean_min") and row.get("material", False) and row["difference"] > 0)
                total = key.split(".")[-1] in PERIOD_TOTALS
                rows.append(
                    {
                        "place": place,
                        "class": vehicle,
                        "lane": lane,
                        "figure": label,
                        "unit": unit,
                        "period_total": total,
                        "baseline": row["baseline"],
                        "scenario": row["scenario"],
                        "change": row["difference"],
                        "ci95": row["ci95"],
                        "verdict": verdict(row),
                        "worse": worse,
                        "key": key,
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "place",
            "class",
            "lane",
            "figure",
            "unit",
            "period_total",
            "baseline",
            "scenario",
            "change",
            "ci95",
            "verdict",
            "worse",
            "key",
        ],
    )


def headlines(summary: pd.DataFrame) -> list[str]:
    """One sentence per class of the all-crossings (or only) block: the answer in words."""
    place = ALL_CROSSINGS if (summary["place"] == ALL_CROSSINGS).any() else summary["place"].iloc[0]
    block = summary[summary["place"] == place]
    out = []
    for vehicle, group in block.groupby("class", sort=False):
        head = group[group["lane"] == ALL_LANES].iloc[0]
        lanes = group[(group["lane"] != ALL_LANES) & group["wait_mean_min"].notna()]
        by_lane = "; ".join(f"{r['lane']} {r['wait_mean_min']:.1f}" for _, r in lanes.iterrows())
        text = (
            f"{CLASS_NAMES.get(str(vehicle), vehicle).capitalize()}: {head['per_day']:,.0f} a day wait "
            f"{head['wait_mean_min']:.1f} ± {head['wait_mean_ci95']:.1f} min on average"
        )
        if np.isfinite(head["wait_p95_min"]):  # percentiles do not add over crossings
            text += f" (95th percentile {head['wait_p95_min']:.0f} min)"
        if len(lanes) > 1:
            text += f" — by lane: {by_lane} min"
        out.append(text + f"; delay cost ${head['delay_cost_usd']:,.0f}.")
    return out


def change_headlines(summary: pd.DataFrame, place: str) -> list[str]:
    """One sentence per class for *place*: how its mean wait changes, with the interval."""
    out = []
    block = summary[(summary["place"] == place) & (summary["key"].str.endswith(".wait_mean_min"))]
    for vehicle, group in block.groupby("class", sort=False):
        head = group[group["lane"] == ALL_LANES]
        if head.empty:
            continue
        row = head.iloc[0]
        what = {"yes": "a material change", "small": "significant but small", "no": "not significant"}[row["verdict"]]
        text = (
            f"{CLASS_NAMES.get(str(vehicle), vehicle).capitalize()}: mean wait {row['baseline']:.1f} → "
            f"{row['scenario']:.1f} min ({row['change']:+.1f} ± {row['ci95']:.1f}, {what})"
        )
        worse = group[group["worse"] & (group["lane"] != ALL_LANES)]
        if len(worse):
            text += "; but longer in " + ", ".join(
                f"the {r['lane']} ({r['baseline']:.1f} → {r['scenario']:.1f} min)" for _, r in worse.iterrows()
            )
        out.append(text + ".")
    return out
