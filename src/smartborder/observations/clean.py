"""From published lane entries to the delay table, with a reason for everything left out.

The rules, in the order they apply:

1. A port on the Canadian border is left out unless asked for (``canadian_border``).
2. CBP's statuses "Lanes Closed", "Update Pending" and "N/A" carry no delay and are left out
   with their own reasons; closed lanes stay on record in the report.
3. The delay must be minutes: "40", "1 hrs 35 min"; a blank delay is 0 when the status says
   "no delay" and is left out otherwise; anything else is ``non_numeric_delay``.
4. The update time must read like "At 9:00 pm EDT"; its date is the snapshot's date, *unless*
   that would put the update after the snapshot was published — then it is the day before.
   A snapshot dated 9/17 that still shows "At 11:00 pm MST" holds 9/16's last update. The
   publication instant is the feed's own stamp (RSS ``pubDate``, the XML's
   ``last_updated_date``/``_time``, a JSON port's ``date``/``time``); CBP stamps an update with
   its hour and may publish it up to ~45 minutes before (41 seen in the Brownsville archive),
   and the XML/JSON stamps state no zone, so an update counts as "after" only beyond two hours.
   Without any stamp the median of the snapshot's update instants stands in for it, and an
   update more than 3 hours after that median is moved back — this catches a stale update
   among fresh ones, but cannot date a snapshot whose updates all precede a midnight it was
   published after (nothing in such a snapshot says so).
5. Negative delays and delays over 24 hours are left out.
6. An update seen in several snapshots (CBP republishes until the next update) is kept once:
   identical copies are ``republished``; when a later snapshot shows other values for the same
   update time, CBP revised it, and the later values are kept (``revised`` marks the earlier).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Iterable
from typing import Any

import pandas as pd

from smartborder.observations.schema import (
    DROP_COLUMNS,
    MAX_DELAY_MINUTES,
    SNAPSHOT_COLUMNS,
    RawLane,
    Reason,
)
from smartborder.observations.timezones import UpdateTime, parse_update_time, to_utc

PUBLISHED_TOLERANCE = dt.timedelta(hours=2)
MEDIAN_TOLERANCE = dt.timedelta(hours=3)

_STATUS_REASONS = {
    "lanes closed": Reason.LANES_CLOSED,
    "update pending": Reason.UPDATE_PENDING,
    "n/a": Reason.NOT_APPLICABLE,
}
_HOURS_MINUTES = re.compile(r"^(?:(\d+)\s*(?:hrs?|hours?))?\s*(?:(\d+)\s*(?:mins?|minutes?))?$", re.IGNORECASE)

Record = dict[str, Any]


def parse_delay(text: str, status: str = "") -> float | Reason:
    """CBP's delay text as minutes: "40", "7.5", "1 hrs 35 min", "45 min"; blank is 0 if "no delay"."""
    text = text.strip()
    if not text:
        return 0.0 if status.strip().lower() == "no delay" else Reason.BLANK_DELAY
    try:
        value = float(text)
    except ValueError:
        match = _HOURS_MINUTES.match(text)
        if match is None or not (match[1] or match[2]):
            return Reason.NON_NUMERIC_DELAY
        return 60.0 * int(match[1] or 0) + int(match[2] or 0)
    return value if math.isfinite(value) else Reason.NON_NUMERIC_DELAY


def parse_count(text: str) -> float:
    """A lane count ("4") as float; "N/A", blanks and anything else are NaN."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def drop(
    source: str,
    crossing: str,
    port_number: str,
    traffic: str,
    lane: str,
    reason: Reason,
    detail: str,
    snapshot_date: str = "",
    time_local: str = "",
) -> Record:
    """One row of the drop record."""
    return {
        "source": source,
        "crossing": crossing,
        "port_number": port_number,
        "traffic_type": traffic,
        "lane_type": lane,
        "snapshot_date": snapshot_date,
        "time_local": time_local,
        "reason": str(reason),
        "detail": detail,
    }


def _drop_raw(lane: RawLane, reason: Reason, detail: str) -> Record:
    day = lane.snapshot_date.isoformat() if lane.snapshot_date else lane.date_text
    return drop(
        lane.source,
        lane.crossing,
        lane.port_number,
        lane.traffic_type,
        lane.lane_type or lane.lane_label,
        reason,
        detail,
        snapshot_date=day,
    )


def resolve(lanes: Iterable[RawLane], *, keep_canadian: bool) -> tuple[list[Record], list[Record]]:
    """Feed entries → timed records (not yet checked for range or duplicates) and drops."""
    drops: list[Record] = []
    pending: list[tuple[RawLane, float, UpdateTime]] = []
    for lane in lanes:
        reason: Reason | None = None
        detail = ""
        if lane.border == "Canadian" and not keep_canadian:
            reason, detail = Reason.CANADIAN, lane.border
        elif (status := _STATUS_REASONS.get(lane.status.strip().lower())) is not None:
            reason, detail = status, lane.status.strip()
        elif lane.problem is not None:
            reason, detail = lane.problem
        if reason is not None:
            drops.append(_drop_raw(lane, reason, detail))
            continue
        delay = parse_delay(lane.delay, lane.status)
        if isinstance(delay, Reason):
            drops.append(_drop_raw(lane, delay, f"delay {lane.delay.strip()!r}"))
            continue
        when = parse_update_time(lane.update_time)
        if isinstance(when, Reason):
            drops.append(_drop_raw(lane, when, f"update time {lane.update_time.strip()!r}"))
            continue
        if lane.snapshot_date is None:
            drops.append(_drop_raw(lane, Reason.NO_DATE, f"date {lane.date_text!r}"))
            continue
        pending.append((lane, delay, when))
    return _date_updates(pending), drops


def _date_updates(pending: list[tuple[RawLane, float, UpdateTime]]) -> list[Record]:
    """Give each update its date: the snapshot's, or the day before if it would lie in the future."""
    candidates = [to_utc(when.on(lane.snapshot_date), when.tz) for lane, _, when in pending]  # type: ignore[arg-type]
    by_snapshot: dict[int, list[float]] = {}
    for candidate, (lane, _, _) in zip(candidates, pending, strict=True):
        by_snapshot.setdefault(lane.snapshot, []).append(candidate.timestamp())
    medians = {k: dt.datetime.fromtimestamp(statistics.median(v), dt.UTC) for k, v in by_snapshot.items()}
    records: list[Record] = []
    for candidate, (lane, delay, when) in zip(candidates, pending, strict=True):
        if lane.reference is not None:
            late = candidate > lane.reference + PUBLISHED_TOLERANCE
        else:
            late = candidate > medians[lane.snapshot] + MEDIAN_TOLERANCE
        assert lane.snapshot_date is not None  # resolve() keeps only dated entries
        day = lane.snapshot_date - dt.timedelta(days=1) if late else lane.snapshot_date
        local = when.on(day)
        records.append(
            {
                "port_number": lane.port_number,
                "port_name": lane.port_name,
                "crossing_name": lane.crossing_name,
                "crossing": lane.crossing,
                "bts_port_code": "",
                "border": lane.border,
                "traffic_type": lane.traffic_type,
                "lane_type": lane.lane_type,
                "time_local": local,
                "tz": when.tz,
                "time_utc": to_utc(local, when.tz),
                "delay_minutes": delay,
                "lanes_open": parse_count(lane.lanes_open),
                "max_lanes": parse_count(lane.max_lanes),
                "hours": lane.hours,
                "source": lane.source,
            }
        )
    return records


def _stamp(record: Record) -> str:
    return f"{record['time_local']:%Y-%m-%d %H:%M}"


def finish(records: list[Record], drops: list[Record]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Range checks and de-duplication (later snapshot wins a revision); both tables, sorted."""
    kept: dict[tuple[Any, ...], Record] = {}
    for record in records:
        delay = record["delay_minutes"]
        reason = Reason.NEGATIVE if delay < 0 else Reason.OVER_24H if delay > MAX_DELAY_MINUTES else None
        if reason is not None:
            drops.append(_drop_record(record, reason, f"delay {delay:g} min"))
            continue
        key = (
            record["port_number"],
            record["crossing"],
            record["traffic_type"],
            record["lane_type"],
            record["time_utc"],
        )
        earlier = kept.get(key)
        if earlier is None:
            kept[key] = record
        elif _same(earlier, record):
            drops.append(_drop_record(record, Reason.REPUBLISHED, f"first read from {earlier['source']}"))
        else:
            drops.append(
                _drop_record(
                    earlier,
                    Reason.REVISED,
                    f"delay {earlier['delay_minutes']:g} → {record['delay_minutes']:g}, "
                    f"lanes open {earlier['lanes_open']:g} → {record['lanes_open']:g} "
                    f"in {record['source']}",
                )
            )
            kept[key] = record
    return snapshot_frame(list(kept.values())), drop_frame(drops)


def _same(a: Record, b: Record) -> bool:
    def eq(x: float, y: float) -> bool:
        return x == y or (math.isnan(x) and math.isnan(y))

    return eq(a["delay_minutes"], b["delay_minutes"]) and eq(a["lanes_open"], b["lanes_open"])


def _drop_record(record: Record, reason: Reason, detail: str) -> Record:
    return drop(
        record["source"],
        record["crossing"],
        record["port_number"],
        record["traffic_type"],
        record["lane_type"],
        reason,
        detail,
        snapshot_date=f"{record['time_local']:%Y-%m-%d}",
        time_local=_stamp(record),
    )


def snapshot_frame(records: list[Record]) -> pd.DataFrame:
    """The delay table with fixed dtypes, sorted by crossing, traffic, lane and time."""
    frame = pd.DataFrame.from_records(records, columns=list(SNAPSHOT_COLUMNS))
    for column in (
        "port_number",
        "port_name",
        "crossing_name",
        "crossing",
        "bts_port_code",
        "border",
        "traffic_type",
        "lane_type",
        "tz",
        "hours",
        "source",
    ):
        frame[column] = frame[column].astype(str)
    frame["time_local"] = pd.to_datetime(frame["time_local"]).astype("datetime64[ns]")
    frame["time_utc"] = pd.to_datetime(frame["time_utc"], utc=True).astype("datetime64[ns, UTC]")
    for column in ("delay_minutes", "lanes_open", "max_lanes"):
        frame[column] = frame[column].astype(float)
    return frame.sort_values(
        ["crossing", "port_number", "traffic_type", "lane_type", "time_utc"], kind="stable"
    ).reset_index(drop=True)


def drop_frame(drops: list[Record]) -> pd.DataFrame:
    """The drop record as a table of strings."""
    return pd.DataFrame.from_records(drops, columns=list(DROP_COLUMNS)).astype(str)
