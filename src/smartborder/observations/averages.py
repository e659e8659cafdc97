"""CBP's historical average waits: month × day of week × hour per lane, with no dates or lanes.

The file (as shipped for San Ysidro) has ``crossing_id, port_name, month, day_of_week_index,
hour`` and one ``*_avg_min`` column per lane. CBP does not say which weekday its index 0 is;
``day0`` names it (default Sunday, the most likely reading — see PROVENANCE.md), and ``weekday``
is then Python's 0 = Monday … 6 = Sunday. ``crossing_id`` is CBP's 8-character historical id; an
all-digit one ends with the live feed's port number (09250401 → 250401, San Ysidro in both), so
``port_number`` is its last six characters — otherwise "". A lane column that is 0 in every
cell is dropped (``all_zero_series``: San Ysidro's commercial columns, which has no cargo lot).
"""

from __future__ import annotations

import csv
import io
from typing import Literal

import pandas as pd

from smartborder.observations.clean import Record, drop, parse_delay
from smartborder.observations.errors import MalformedFileError, ObservationsError
from smartborder.observations.schema import AVERAGE_COLUMNS, MAX_DELAY_MINUTES, Reason

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: CBP column → (traffic_type, lane_type).
COLUMNS = {
    "commercial_standard_avg_min": ("commercial", "standard"),
    "commercial_fast_avg_min": ("commercial", "FAST"),
    "passenger_standard_avg_min": ("passenger", "standard"),
    "passenger_sentri_avg_min": ("passenger", "SENTRI"),
    "passenger_ready_lane_avg_min": ("passenger", "ready_lane"),
    "pedestrian_standard_avg_min": ("pedestrian", "standard"),
    "pedestrian_ready_lane_avg_min": ("pedestrian", "ready_lane"),
}
KEYS = ("crossing_id", "port_name", "month", "day_of_week_index", "hour")
_RANGES = {"month": (1, 12), "day_of_week_index": (0, 6), "hour": (0, 23)}


def weekday_of(index: int, day0: Weekday) -> int:
    """CBP's day index → 0 = Monday, given the weekday CBP's index 0 stands for."""
    return (index + WEEKDAYS.index(day0)) % 7


def is_averages_header(header: list[str]) -> bool:
    return "day_of_week_index" in header and any(name.endswith("_avg_min") for name in header)


def read_averages(text: str, path: str, source: str, *, day0: Weekday) -> tuple[pd.DataFrame, list[Record]]:
    """The averages file as a long table (one row per crossing, lane and cell) and its drops."""
    if day0 not in WEEKDAYS:
        raise ObservationsError(f"day0: expected one of {', '.join(WEEKDAYS)}, got {day0!r}")
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in KEYS if name not in header]
    if missing:
        raise MalformedFileError(path, f"missing column {', '.join(missing)}", line=1, field=missing[0])
    lanes = [name for name in header if name in COLUMNS]
    unknown = [name for name in header if name.endswith("_avg_min") and name not in COLUMNS]
    if unknown:
        raise MalformedFileError(
            path, f"unknown lane column {unknown[0]}; expected {', '.join(COLUMNS)}", line=1, field=unknown[0]
        )
    rows: list[Record] = []
    drops: list[Record] = []
    seen: dict[tuple[str, int, int, int], int] = {}
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise MalformedFileError(path, f"expected {len(header)} fields, found {len(fields)}", line=line)
        row = dict(zip(header, (f.strip() for f in fields), strict=True))
        cell = {name: _int_in_range(row, name, path, line) for name in _RANGES}
        key = (row["crossing_id"], cell["month"], cell["day_of_week_index"], cell["hour"])
        if key in seen:
            raise MalformedFileError(
                path,
                f"cell crossing_id {key[0]} month {key[1]} day_of_week_index "
                f"{key[2]} hour {key[3]} repeats line {seen[key]}",
                line=line,
            )
        seen[key] = line
        crossing_id = row["crossing_id"]
        port_number = crossing_id[-6:] if len(crossing_id) == 8 and crossing_id.isdigit() else ""
        for column in lanes:
            traffic, lane = COLUMNS[column]
            base = {
                "port_number": port_number,
                "port_name": row["port_name"],
                "crossing_name": "",
                "crossing": row["port_name"],
                "bts_port_code": "",
                "border": "",
                "crossing_id": crossing_id,
                "traffic_type": traffic,
                "lane_type": lane,
                "month": cell["month"],
                "weekday": weekday_of(cell["day_of_week_index"], day0),
                "hour": cell["hour"],
                "source": source,
            }
            value = parse_delay(row[column])
            reason = (
                value
                if isinstance(value, Reason)
                else (Reason.NEGATIVE if value < 0 else Reason.OVER_24H if value > MAX_DELAY_MINUTES else None)
            )
            if reason is not None:
                drops.append(_drop(base, reason, f"line {line}: {column} {row[column]!r}"))
            else:
                rows.append({**base, "delay_minutes": value, "_column": column})
    return _without_zero_series(rows, drops)


def _int_in_range(row: dict[str, str], name: str, path: str, line: int) -> int:
    low, high = _RANGES[name]
    try:
        value = int(row[name])
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise MalformedFileError(
            path, f"{name} {row[name]!r} is not a whole number {low}..{high}", line=line, field=name
        )
    return value


def _drop(base: Record, reason: Reason, detail: str) -> Record:
    cell = f"month {base['month']} weekday {base['weekday']} hour {base['hour']}"
    return drop(
        base["source"],
        base["crossing"],
        base["port_number"],
        base["traffic_type"],
        base["lane_type"],
        reason,
        f"{cell}: {detail}",
    )


def _without_zero_series(rows: list[Record], drops: list[Record]) -> tuple[pd.DataFrame, list[Record]]:
    totals: dict[tuple[str, str], float] = {}
    for row in rows:
        key = (row["crossing_id"], row["_column"])
        totals[key] = totals.get(key, 0.0) + abs(row["delay_minutes"])
    kept = []
    for row in rows:
        if totals[(row["crossing_id"], row["_column"])] == 0:
            drops.append(_drop(row, Reason.ALL_ZERO, f"{row['_column']} is 0 in every cell"))
        else:
            kept.append(row)
    frame = pd.DataFrame.from_records(kept, columns=list(AVERAGE_COLUMNS))
    for column in AVERAGE_COLUMNS:
        if column in ("month", "weekday", "hour"):
            frame[column] = frame[column].astype("int64")
        elif column == "delay_minutes":
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype(str)
    frame = frame.sort_values(["crossing", "traffic_type", "lane_type", "month", "weekday", "hour"], kind="stable")
    return frame.reset_index(drop=True), drops
