"""CBP's XML feed (``bwt.xml``) and its JSON twin: one snapshot of every port's lanes.

Both name things the same way: a port has ``port_number``, ``border``, ``port_name``,
``crossing_name``, ``hours``, ``date`` (M/D/YYYY) and three lane groups
(``commercial_vehicle_lanes``, ``passenger_vehicle_lanes``, ``pedestrian_lanes``), each with
``maximum_lanes`` and lanes (``standard_lanes``, ``FAST_lanes``, ``NEXUS_SENTRI_lanes``,
``ready_lanes``) holding ``operational_status``, ``update_time``, ``delay_minutes`` and
``lanes_open``. The JSON has them as strings (sometimes numbers or null; keys may be missing).
``NEXUS_SENTRI_lanes`` are SENTRI on the Mexican border and NEXUS on the Canadian one.

The snapshot's publication stamp — the XML's ``last_updated_date``/``last_updated_time``, a JSON
port's ``date``/``time`` — states no zone; it is read as US Eastern wall-clock time, like the
RSS ``pubDate`` (CBP's site is run from the East; in the XML of 2026-09-17, 20:20:57 stamps
updates "At 9:00 pm EDT", consistent with CBP's habit of publishing an hour's update a little
before the hour). ``clean`` allows two hours either way for that.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from smartborder.observations.errors import MalformedFileError
from smartborder.observations.schema import RawLane, Reason, border_of

GROUPS = {
    "commercial_vehicle_lanes": "commercial",
    "passenger_vehicle_lanes": "passenger",
    "pedestrian_lanes": "pedestrian",
}
LANES = {
    "standard_lanes": "standard",
    "fast_lanes": "FAST",
    "ready_lanes": "ready_lane",
    "sentri_lanes": "SENTRI",
    "nexus_lanes": "NEXUS",
}
_SHARED = "nexus_sentri_lanes"
_BY_BORDER = {"Mexican": "SENTRI", "Canadian": "NEXUS"}


def parse_date(text: str) -> dt.date | None:
    """A snapshot date as CBP writes it: "9/17/2026" in ports, "2026-9-17" in the header."""
    for form in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    return None


def eastern_stamp(date_text: str, time_text: str) -> dt.datetime | None:
    """A publication date ("9/17/2026" or "2026-9-17") and time ("20:20:57") on the US Eastern
    wall clock, as an aware UTC instant; None when either is missing or unreadable."""
    day = parse_date(date_text) if date_text else None
    try:
        clock = dt.time.fromisoformat(time_text.strip()) if time_text.strip() else None
    except ValueError:
        clock = None
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock, ZoneInfo("America/New_York")).astimezone(dt.UTC)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _as_dict(element: ET.Element) -> dict[str, Any]:
    return {child.tag: _as_dict(child) if len(child) else (child.text or "").strip() for child in element}


def read_xml(root: ET.Element, source: str, snapshot: int, path: str) -> list[RawLane]:
    """Every lane of a ``<border_wait_time>`` document."""
    fallback = _text(root.findtext("last_updated_date"))
    published = eastern_stamp(fallback, _text(root.findtext("last_updated_time")))
    lanes: list[RawLane] = []
    for index, port in enumerate(root.findall("port"), start=1):
        lanes += port_lanes(
            _as_dict(port),
            source=source,
            snapshot=snapshot,
            fallback_date=fallback,
            published=published,
            where=(path, f"<port> number {index}"),
        )
    return lanes


def read_json(data: Any, source: str, snapshot: int, path: str) -> list[RawLane]:
    """Every lane of a JSON list of ports, bare or wrapped in an object."""
    ports = _port_list(data)
    if ports is None:
        raise MalformedFileError(
            path, "JSON holds no list of ports (objects with port_number or port_name), at the top or one level down"
        )
    lanes: list[RawLane] = []
    for index, port in enumerate(ports, start=1):
        if not isinstance(port, Mapping):
            raise MalformedFileError(path, f"port number {index} is {type(port).__name__}, not an object")
        published = eastern_stamp(_text(port.get("date")), _text(port.get("time")))
        lanes += port_lanes(
            port,
            source=source,
            snapshot=snapshot,
            fallback_date="",
            published=published,
            where=(path, f"port number {index}"),
        )
    return lanes


def _is_port(value: Any) -> bool:
    return isinstance(value, Mapping) and ("port_number" in value or "port_name" in value)


def _port_list(data: Any) -> list[Any] | None:
    if isinstance(data, list) and (not data or any(_is_port(p) for p in data)):
        return data
    if isinstance(data, Mapping):
        if _is_port(data):
            return [data]
        for value in data.values():
            if isinstance(value, list) and any(_is_port(p) for p in value):
                return value
    return None


def port_lanes(
    port: Mapping[str, Any],
    *,
    source: str,
    snapshot: int,
    fallback_date: str,
    published: dt.datetime | None,
    where: tuple[str, str],
) -> list[RawLane]:
    """One port's lanes, in any order the feed gives them; unknown names become problems."""
    number, name = _text(port.get("port_number")), _text(port.get("port_name"))
    if not number and not name:
        raise MalformedFileError(where[0], f"{where[1]} has neither port_number nor port_name")
    border = border_of(_text(port.get("border")))
    date_text = _text(port.get("date")) or fallback_date
    template = RawLane(
        source=source,
        snapshot=snapshot,
        reference=published,
        port_number=number,
        port_name=name,
        crossing_name=_text(port.get("crossing_name")),
        border=border,
        hours=_text(port.get("hours")),
        date_text=date_text,
        snapshot_date=parse_date(date_text) if date_text else None,
    )
    lanes: list[RawLane] = []
    for group_key, group in port.items():
        if not isinstance(group, Mapping) or not str(group_key).lower().endswith("_lanes"):
            continue
        traffic = GROUPS.get(str(group_key).lower(), "")
        max_lanes = _text(group.get("maximum_lanes"))
        for lane_key, lane in group.items():
            if not isinstance(lane, Mapping):
                continue
            label = f"{group_key}/{lane_key}"
            key = str(lane_key).lower()
            lane_type = _BY_BORDER.get(border, "") if key == _SHARED else LANES.get(key, "")
            problem = (
                (Reason.UNKNOWN_TRAFFIC, label)
                if not traffic
                else (Reason.UNKNOWN_LANE, label if key != _SHARED else f"{label} with no border stated")
                if not lane_type
                else None
            )
            lanes.append(
                replace(
                    template,
                    traffic_type=traffic,
                    lane_type=lane_type,
                    lane_label=label,
                    max_lanes=max_lanes,
                    status=_text(lane.get("operational_status")),
                    update_time=_text(lane.get("update_time")),
                    delay=_text(lane.get("delay_minutes")),
                    lanes_open=_text(lane.get("lanes_open")),
                    problem=problem,
                )
            )
    return lanes
