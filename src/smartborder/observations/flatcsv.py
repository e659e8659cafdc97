"""The flat observations CSV: what archives are converted to, and what ``load`` reads back.

Columns ``crossing,bts_port_code,traffic_type,lane_type,update_time_local,tz,delay_minutes,
lanes_open,max_lanes,hours`` are required; ``port_number,port_name,crossing_name,border`` are
optional (``to_csv`` writes them, so a conversion keeps CBP's identity). Times are the crossing's
wall clock, ``YYYY-MM-DD HH:MM``, in the published abbreviation ``tz``. Blank ``lanes_open`` or
``max_lanes`` mean not published. A malformed line is an error naming it; a blank or
non-numeric delay is dropped with its reason, as from the feeds.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartborder.atomic import write_atomic
from smartborder.observations.clean import Record, drop, parse_delay
from smartborder.observations.errors import MalformedFileError, ObservationsError, OutputExistsError
from smartborder.observations.schema import LANE_TYPES, TRAFFIC_TYPES, Reason
from smartborder.observations.timezones import UTC_OFFSETS, to_utc

if TYPE_CHECKING:
    import pandas as pd

    from smartborder.observations.result import Observations

REQUIRED = (
    "crossing",
    "bts_port_code",
    "traffic_type",
    "lane_type",
    "update_time_local",
    "tz",
    "delay_minutes",
    "lanes_open",
    "max_lanes",
    "hours",
)
OPTIONAL = ("port_number", "port_name", "crossing_name", "border")
BORDERS = ("Mexican", "Canadian", "")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def read_flat_csv(text: str, path: str, source: str, *, keep_canadian: bool) -> tuple[list[Record], list[Record]]:
    """Records (as ``clean.resolve`` makes them) and drops from the CSV's text."""
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise MalformedFileError(
            path, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}", line=1, field=missing[0]
        )
    records: list[Record] = []
    drops: list[Record] = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise MalformedFileError(
                path, f"expected {len(header)} fields as in the header, found {len(fields)}", line=line
            )
        row = dict(zip(header, (f.strip() for f in fields), strict=True))
        record = _record(row, path, line, source)
        stamp = f"{record['time_local']:%Y-%m-%d %H:%M}"
        delay = parse_delay(row["delay_minutes"])
        reason = (
            Reason.CANADIAN
            if record["border"] == "Canadian" and not keep_canadian
            else delay
            if isinstance(delay, Reason)
            else None
        )
        if reason is not None:
            detail = record["border"] if reason is Reason.CANADIAN else f"delay {row['delay_minutes']!r}"
            drops.append(
                drop(
                    source,
                    record["crossing"],
                    record["port_number"],
                    record["traffic_type"],
                    record["lane_type"],
                    reason,
                    f"line {line}: {detail}",
                    snapshot_date=stamp[:10],
                    time_local=stamp,
                )
            )
            continue
        record["delay_minutes"] = delay
        records.append(record)
    return records, drops


def _record(row: dict[str, str], path: str, line: int, source: str) -> Record:
    def bad(field: str, problem: str) -> MalformedFileError:
        return MalformedFileError(path, f"{field} {row[field]!r} {problem}", line=line, field=field)

    if not row["crossing"]:
        raise MalformedFileError(path, "crossing is blank", line=line, field="crossing")
    if row["traffic_type"] not in TRAFFIC_TYPES:
        raise bad("traffic_type", f"is not one of {', '.join(TRAFFIC_TYPES)}")
    if row["lane_type"] not in LANE_TYPES:
        raise bad("lane_type", f"is not one of {', '.join(LANE_TYPES)}")
    try:
        if not _STAMP.match(row["update_time_local"]):
            raise ValueError
        local = dt.datetime.strptime(row["update_time_local"], "%Y-%m-%d %H:%M")
    except ValueError:
        raise bad("update_time_local", "is not YYYY-MM-DD HH:MM") from None
    if row["tz"] not in UTC_OFFSETS:
        raise bad("tz", f"is not a known time zone abbreviation ({', '.join(UTC_OFFSETS)})")
    border = row.get("border", "")
    if border not in BORDERS:
        raise bad("border", "is not Mexican, Canadian or blank")
    counts = {}
    for field in ("lanes_open", "max_lanes"):
        text = row[field]
        try:
            counts[field] = math.nan if text in ("", "N/A") else float(text)
        except ValueError:
            raise bad(field, "is not a number") from None
    port_name, crossing_name = row.get("port_name", ""), row.get("crossing_name", "")
    return {
        "port_number": row.get("port_number", ""),
        "port_name": port_name,
        "crossing_name": crossing_name,
        "crossing": row["crossing"],
        "bts_port_code": row["bts_port_code"],
        "border": border,
        "traffic_type": row["traffic_type"],
        "lane_type": row["lane_type"],
        "time_local": local,
        "tz": row["tz"],
        "time_utc": to_utc(local, row["tz"]),
        "delay_minutes": row["delay_minutes"],
        "lanes_open": counts["lanes_open"],
        "max_lanes": counts["max_lanes"],
        "hours": row["hours"],
        "source": source,
    }


def _number(value: float) -> str:
    if math.isnan(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def csv_text(frame: pd.DataFrame) -> str:
    """The flat CSV of a snapshot table (required columns, then the optional identity ones)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*REQUIRED, *OPTIONAL])
    for row in frame.itertuples(index=False):
        r: Any = row
        writer.writerow(
            [
                r.crossing,
                r.bts_port_code,
                r.traffic_type,
                r.lane_type,
                f"{r.time_local:%Y-%m-%d %H:%M}",
                r.tz,
                _number(r.delay_minutes),
                _number(r.lanes_open),
                _number(r.max_lanes),
                r.hours,
                r.port_number,
                r.port_name,
                r.crossing_name,
                r.border,
            ]
        )
    return out.getvalue()


def to_csv(observations: Observations | pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write snapshot observations as the flat CSV (gzip-compressed if *path* ends in ``.gz``).

    Refuses to replace an existing file unless *overwrite*; writes a temporary file beside the
    target and renames it, so a failure leaves no half-written file.
    """
    frame: pd.DataFrame = getattr(observations, "frame", observations)
    if getattr(observations, "kind", "snapshot") != "snapshot" or "time_local" not in frame.columns:
        raise ObservationsError(
            "to_csv: historical averages have no update times; only snapshot "
            "observations can be written as the flat CSV"
        )
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target}: file exists; pass overwrite=True (--force) to replace it")
    if not target.parent.is_dir():
        raise ObservationsError(f"{target}: directory {target.parent} does not exist")
    data = csv_text(frame).encode("utf-8")
    if target.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    return write_atomic(target, data)
