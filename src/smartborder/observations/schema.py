"""The one vocabulary every format is read into: columns, traffic and lane types, drop reasons.

A snapshot row is one lane's published delay at one update time::

    port_number    CBP's 6-character port id as published ("250401"; "" when the source has none)
    port_name      CBP's port name, stripped ("Brownsville")
    crossing_name  CBP's crossing name, stripped ("B&M"; "" when CBP gives none)
    crossing       display name: "Port Name - Crossing Name", or the port name alone
    bts_port_code  BTS 4-digit port code where the source gives one, else ""
    border         "Mexican", "Canadian" or "" when the source does not say
    traffic_type   passenger | pedestrian | commercial
    lane_type      standard | ready_lane | SENTRI | NEXUS | FAST
    time_local     naive datetime, the crossing's wall clock at the update
    tz             the abbreviation CBP published (CDT, PST, MST, ...)
    time_utc       the same instant in UTC (from the abbreviation's fixed offset)
    delay_minutes  CBP's estimate, float minutes
    lanes_open     float, NaN when not published
    max_lanes      float, NaN when "N/A"
    hours          opening hours as published ("24 hrs/day", "6 am-Midnight")
    source         file name the row was read from

Historical averages (``kind="average"``) replace the three time columns by ``month`` (1-12),
``weekday`` (0 = Monday) and ``hour`` (0-23, local), add CBP's 8-character ``crossing_id``
and carry no lanes, hours or dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

TRAFFIC_TYPES = ("passenger", "pedestrian", "commercial")
LANE_TYPES = ("standard", "ready_lane", "SENTRI", "NEXUS", "FAST")

IDENTITY_COLUMNS = ("port_number", "port_name", "crossing_name", "crossing", "bts_port_code", "border")
SNAPSHOT_COLUMNS = (
    *IDENTITY_COLUMNS,
    "traffic_type",
    "lane_type",
    "time_local",
    "tz",
    "time_utc",
    "delay_minutes",
    "lanes_open",
    "max_lanes",
    "hours",
    "source",
)
AVERAGE_COLUMNS = (
    *IDENTITY_COLUMNS,
    "crossing_id",
    "traffic_type",
    "lane_type",
    "month",
    "weekday",
    "hour",
    "delay_minutes",
    "source",
)
DROP_COLUMNS = (
    "source",
    "crossing",
    "port_number",
    "traffic_type",
    "lane_type",
    "snapshot_date",
    "time_local",
    "reason",
    "detail",
)

#: Longest delay kept: CBP's estimates above a day are typing errors, not queues.
MAX_DELAY_MINUTES = 24 * 60


class Reason(StrEnum):
    """Why a published value is not in the delay table; the value is the report's key."""

    CANADIAN = "canadian_border"
    LANES_CLOSED = "lanes_closed"
    UPDATE_PENDING = "update_pending"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN_TRAFFIC = "unknown_traffic_type"
    UNKNOWN_LANE = "unknown_lane_type"
    UNREADABLE_ENTRY = "unreadable_entry"
    NO_DATE = "no_snapshot_date"
    BLANK_DELAY = "blank_delay"
    NON_NUMERIC_DELAY = "non_numeric_delay"
    NO_UPDATE_TIME = "no_update_time"
    UNREADABLE_TIME = "unreadable_update_time"
    UNKNOWN_TZ = "unknown_time_zone"
    NEGATIVE = "negative_delay"
    OVER_24H = "delay_over_24h"
    REPUBLISHED = "republished"
    REVISED = "revised"
    ALL_ZERO = "all_zero_series"


#: One line per reason, for reports and ``--help``.
REASONS: dict[Reason, str] = {
    Reason.CANADIAN: "port on the Canadian border (load with keep_canadian=True to keep it)",
    Reason.LANES_CLOSED: "CBP shows the lane closed: no delay to read (counted per lane in closed_lanes())",
    Reason.UPDATE_PENDING: "CBP shows 'Update Pending': no current estimate",
    Reason.NOT_APPLICABLE: "CBP shows 'N/A': the crossing has no such lane",
    Reason.UNKNOWN_TRAFFIC: "a traffic section this loader does not know",
    Reason.UNKNOWN_LANE: "a lane type this loader does not know (or NEXUS/SENTRI with no border)",
    Reason.UNREADABLE_ENTRY: "an RSS lane line in no known phrasing",
    Reason.NO_DATE: "the snapshot gives no readable date for the update time",
    Reason.BLANK_DELAY: "the delay is blank and the status is not 'no delay'",
    Reason.NON_NUMERIC_DELAY: "the delay is not a number of minutes",
    Reason.NO_UPDATE_TIME: "a delay without an update time",
    Reason.UNREADABLE_TIME: "an update time not like 'At 9:00 pm EDT'",
    Reason.UNKNOWN_TZ: "an update time in a zone abbreviation this loader does not know",
    Reason.NEGATIVE: "a negative delay",
    Reason.OVER_24H: "a delay over 24 hours",
    Reason.REPUBLISHED: "the same update already read from an earlier snapshot (CBP republishes until the next update)",
    Reason.REVISED: "a later snapshot republished this update with other values; the later one is kept",
    Reason.ALL_ZERO: "an averages column that is 0 in every cell (the lane most likely does not exist)",
}


@dataclass(slots=True)
class RawLane:
    """One lane entry of a feed snapshot as published, before cleaning (all text)."""

    source: str
    snapshot: int
    reference: dt.datetime | None  # the snapshot's publication instant (UTC) where the feed gives it
    port_number: str
    port_name: str
    crossing_name: str
    border: str
    hours: str
    date_text: str
    snapshot_date: dt.date | None
    traffic_type: str = ""
    lane_type: str = ""
    lane_label: str = ""  # the feed's own name for the lane, for messages
    max_lanes: str = ""
    status: str = ""
    update_time: str = ""
    delay: str = ""
    lanes_open: str = ""
    problem: tuple[Reason, str] | None = None  # set by a parser that could not read the entry

    @property
    def crossing(self) -> str:
        return display_name(self.port_name, self.crossing_name)


def display_name(port_name: str, crossing_name: str) -> str:
    """ "Port Name - Crossing Name", or the port name when CBP gives no crossing name."""
    return f"{port_name} - {crossing_name}" if crossing_name else port_name


def border_of(text: str) -> str:
    """CBP's border text ("Mexican Border", "US-Mexico", "Canadian Border") → Mexican/Canadian/""."""
    lowered = text.lower()
    if "mexic" in lowered:
        return "Mexican"
    if "canad" in lowered:
        return "Canadian"
    return ""
