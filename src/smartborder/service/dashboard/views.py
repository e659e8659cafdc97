"""What the dashboard's pages show, as plain rows and dicts: BTS volumes and simulated figures
per port and crossing for the overview, a port's series, simulated hours, observations and
provenance, and the scenario studio's inputs. No HTTP here; ``pages`` renders these."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from smartborder import data
from smartborder.data.ports import STATE_CODES
from smartborder.policy.errors import REFUSALS

#: BTS measures the overview and port pages show, with their short names.
VOLUMES = {"trucks": "Trucks", "cars": "Personal Vehicles", "pedestrians": "Pedestrians", "buses": "Buses"}


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    unit: str
    simulated: bool
    colours: list[list[Any]]  # a plotly colour scale
    digits: int = 0


#: Colour scales, light for little and dark for much.
HEAT = [[0.0, "#fff3d6"], [0.35, "#fdb863"], [0.7, "#e6550d"], [1.0, "#7f1d0b"]]
COOL = [[0.0, "#dbe9f6"], [0.4, "#7fb2dc"], [0.75, "#2f6fae"], [1.0, "#0b2a5b"]]
#: What the map can size and colour the ports and crossings by.
KPIS = {
    k.key: k
    for k in (
        Kpi("delay_cost_usd", "Delay cost", "US$ per year", True, HEAT),
        Kpi("truck_wait_min", "Mean truck wait", "minutes to primary", True, HEAT, 1),
        Kpi("car_wait_min", "Mean car wait", "minutes to primary", True, HEAT, 1),
        Kpi("pedestrian_wait_min", "Mean pedestrian wait", "minutes to primary", True, HEAT, 1),
        Kpi("delay_person_hours", "Delay", "person-hours per year", True, HEAT),
        Kpi("co2_tonnes", "CO₂ from idling", "tonnes per year", True, HEAT),
        Kpi("trucks", "Trucks (BTS)", "per year", False, COOL),
        Kpi("cars", "Personal vehicles (BTS)", "per year", False, COOL),
        Kpi("pedestrians", "Pedestrians (BTS)", "per year", False, COOL),
    )
}
SIMULATED_COLUMNS = (
    "trucks_per_day",
    "truck_wait_min",
    "cars_per_day",
    "car_wait_min",
    "pedestrians_per_day",
    "pedestrian_wait_min",
    "delay_vehicle_hours",
    "delay_person_hours",
    "delay_cost_usd",
    "co2_tonnes",
    "booth_hours",
)


def finite(value: Any) -> float | None:
    """A number, or None for missing, NaN and infinite values."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def default_year() -> int:
    """The year the overview opens on: the last full year of BTS data (``simulate --border``'s)."""
    last = data.last_month()
    return int(last.year if last.month == 12 else last.year - 1)


def years() -> list[int]:
    """Years a border run covers: from the first year of the Texas bridge counts to the latest."""
    first = min(c.first_month.year for c in data.crossings().values() if c.bridge is not None)
    return list(range(int(data.last_month().year), int(first) - 1, -1))


def year_range(year: int) -> data.MonthRange:
    return data.MonthRange(pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M"))


def year_note(year: int) -> str | None:
    last = data.last_month()
    if year == last.year and last.month < 12:
        return f"BTS data for {year} run to {last} only: volumes and figures cover {year}-01..{last}."
    return None


@lru_cache(maxsize=16)
def _volumes(year: int) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """BTS volumes over *year* per port code and per crossing id (bridges: CBP's counts)."""
    months = year_range(year)
    table = data.totals(list(VOLUMES.values()), months)
    ports = {
        str(code): {short: float(row[measure]) for short, measure in VOLUMES.items()} for code, row in table.iterrows()
    }
    crossings = {}
    for crossing in data.crossings().values():
        if not crossing.first_month.year <= year <= crossing.last_month.year:
            continue
        row = {}
        for short, measure in VOLUMES.items():
            try:
                row[short] = float(crossing.series(measure, months).sum())
            except data.DataError:  # bridge counts have no buses
                row[short] = 0.0
        crossings[crossing.id] = row
    return ports, crossings


def port_url(code: str) -> str:
    return f"/ports/{code}"


def overview_rows(year: int, level: str, simulated: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per port (``level="port"``) or crossing: where, BTS volumes, and the simulated
    figures of the border-year when *simulated* (``simulate --border --json``) is given."""
    ports, crossings = _volumes(year)
    sim_rows: dict[str, dict[str, Any]] = {}
    if simulated is not None:
        key = "code" if level == "port" else "crossing"
        sim_rows = {str(r[key]): r for r in simulated["ports" if level == "port" else "crossings"]}
    rows = []
    if level == "port":
        for code, port in data.catalogue().items():
            if code not in ports or not any(ports[code].values()):
                continue
            rows.append(
                {
                    "id": code,
                    "code": code,
                    "name": port.name,
                    "label": port.label,
                    "state": STATE_CODES.get(port.state, port.state),
                    "lon": port.lon,
                    "lat": port.lat,
                    "crossings": len(data.crossings_of(code)),
                    "url": port_url(code),
                    **ports[code],
                }
            )
    else:
        for crossing_id, volumes in crossings.items():
            crossing = data.crossings()[crossing_id]
            port = crossing.port
            rows.append(
                {
                    "id": crossing_id,
                    "code": crossing.port_code,
                    "name": crossing.name,
                    "label": crossing.label,
                    "state": STATE_CODES.get(port.state, port.state),
                    "lon": crossing.lon,
                    "lat": crossing.lat,
                    "crossings": 1,
                    "url": f"{port_url(crossing.port_code)}?crossing={crossing_id}",
                    **volumes,
                }
            )
    for row in rows:
        found = sim_rows.get(str(row["id"]), {})
        for column in SIMULATED_COLUMNS:
            row[column] = finite(found.get(column))
    return rows


# --- the port page -------------------------------------------------------------------------


def port_or_none(code: str) -> data.Port | None:
    return data.catalogue().get(code)


def default_month(crossings: tuple[data.Crossing, ...]) -> str:
    """The latest month every crossing of the place has data for."""
    return str(min(c.last_month for c in crossings))


def month_choices(crossings: tuple[data.Crossing, ...], count: int = 36) -> list[str]:
    last = min(c.last_month for c in crossings)
    first = max(c.first_month for c in crossings)
    months = pd.period_range(max(first, last - (count - 1)), last, freq="M")
    return [str(m) for m in reversed(months)]


@lru_cache(maxsize=64)
def provenance(crossing_id: str) -> list[dict[str, str]]:
    """The crossing model's values and where each comes from, as ``smartborder port show`` prints
    them: a published FACT with its citation, or an ESTIMATE with its reasoning."""
    from smartborder.ports import default_spec

    spec = default_spec(crossing_id, None)
    rows = []
    for key, text in spec.provenance.items():  # a FACT first is a fact (``PortSpec.estimates``)
        rows.append({"key": key, "kind": "FACT" if text.startswith("FACT") else "ESTIMATE", "text": text.strip()})
    rows.sort(key=lambda r: (r["kind"] != "FACT", r["key"]))
    return rows


# --- observed waits ------------------------------------------------------------------------

#: The observation sets shipped with the package (``observations.shipped``).
SHIPPED_OBSERVATIONS = ("brownsville", "san-ysidro")


@lru_cache(maxsize=4)
def _observation_sets(extra: str | None) -> tuple[tuple[Any, ...], str | None]:
    """The shipped sets and those in *extra* (``SMARTBORDER_OBSERVATIONS``), read once; a
    problem with *extra* is said, not raised (the page still shows the shipped sets)."""
    from smartborder import observations

    sets = [observations.shipped(name) for name in SHIPPED_OBSERVATIONS]
    problem = None
    if extra:
        try:
            sets.append(observations.load(Path(extra)))
        except observations.ObservationsError as exc:
            problem = f"SMARTBORDER_OBSERVATIONS ({extra}) could not be read: {exc}"
    return tuple(sets), problem


def observed_hourly(
    crossings: Sequence[data.Crossing], month: str, extra: Path | None = None
) -> tuple[dict[str, dict[str, dict[str, list[float | None]]]], list[str]]:
    """CBP's published waits at *crossings* by class, lane and hour of day (weekday and weekend
    means over every reading of them), from every loaded observation set that covers them, and
    where they come from.

    Feed snapshots count at the hour nearest their update time; CBP's historical averages
    (month × weekday × hour) are taken for *month*'s calendar month."""
    from smartborder.policy.fitting.observed import for_crossing

    frames, sources = [], []
    sets, problem = _observation_sets(str(extra) if extra else None)
    if problem:
        sources.append(problem)
    for observations in sets:
        parts = []
        for crossing in crossings:
            try:
                parts.append(for_crossing(observations, crossing))
            except REFUSALS:
                continue
        if not parts:
            continue
        frame = pd.concat(parts).dropna(subset=["vehicle", "lane"])
        if observations.kind == "average":
            wanted = int(month[5:7])
            if (frame["month"] == wanted).any():
                frame = frame[frame["month"] == wanted]
            hours, weekdays = frame["hour"].astype(int), frame["weekday"].astype(int)
            what = f"CBP historical averages ({wanted:02d})"
        else:
            times = pd.to_datetime(frame["time_local"])
            shifted = times + pd.Timedelta(minutes=30)
            hours, weekdays = shifted.dt.hour, shifted.dt.dayofweek
            what = f"CBP wait readings {times.min():%Y-%m-%d}..{times.max():%Y-%m-%d}"
        frames.append(
            pd.DataFrame(
                {
                    "vehicle": frame["vehicle"],
                    "lane": frame["lane"],
                    "hour": hours,
                    "day": ["weekend" if d >= 5 else "weekday" for d in weekdays],
                    "delay": frame["delay_minutes"].astype(float),
                }
            )
        )
        sources.append(f"{what}, {len(frame):,} values ({', '.join(sorted(set(frame['source'])))})")
    out: dict[str, dict[str, dict[str, list[float | None]]]] = {}
    if not frames:
        return out, sources
    table = pd.concat(frames).groupby(["vehicle", "lane", "day", "hour"])["delay"].mean()
    for (vehicle, lane, day, hour), value in table.items():
        days = out.setdefault(str(vehicle), {}).setdefault(str(lane), {"weekday": [None] * 24, "weekend": [None] * 24})
        days[str(day)][int(hour)] = round(float(value), 2)
    return out, sources
