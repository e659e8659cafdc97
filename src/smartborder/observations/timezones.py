"""Update times as CBP writes them ("At 9:00 pm EDT", "At Noon CDT") and the instants they name.

A lane's update time is a wall-clock time and a zone abbreviation, with no date; the date comes
from the snapshot (see ``clean``). Each abbreviation is read as the fixed offset it names — MST
is UTC−7 whether it is Arizona's all-year time or Mountain standard time — so no time-zone
database is needed for the lanes. The only exception is a snapshot's publication stamp (the RSS
``pubDate``), which CBP labels "EST" all year although it is Eastern *wall-clock* time (in
August 2026 a ``pubDate`` of 14:08:39 "EST" was fetched at 18:18 UTC, so it was 14:08 EDT);
that one is read in the named region's zone with its daylight-saving rule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from smartborder.observations.schema import Reason

#: Abbreviation → hours from UTC.
UTC_OFFSETS: dict[str, int] = {
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
}

_REGIONS = {
    "E": "America/New_York",
    "C": "America/Chicago",
    "M": "America/Denver",
    "P": "America/Los_Angeles",
    "AK": "America/Anchorage",
}

_UPDATE = re.compile(
    r"^\s*(?:at\s+)?(?:(?P<h>\d{1,2}):(?P<m>\d{2})\s*(?P<ampm>[ap])\.?\s*m\.?|(?P<word>noon|midnight))"
    r"\s+(?P<tz>[A-Za-z]{2,5})\s*$",
    re.IGNORECASE,
)
_STAMP = re.compile(
    r"^\s*(?:[A-Za-z]{3},\s*)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3})\s+(?P<y>\d{4})\s+"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<zone>\S+)?\s*$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


@dataclass(frozen=True, slots=True)
class UpdateTime:
    """A wall-clock time of day and the abbreviation it was published in."""

    hour: int
    minute: int
    tz: str

    def on(self, day: dt.date) -> dt.datetime:
        """The naive local datetime of this update on *day*."""
        return dt.datetime(day.year, day.month, day.day, self.hour, self.minute)


def parse_update_time(text: str) -> UpdateTime | Reason:
    """Read "At 9:00 pm EDT", "At Noon CDT", "At Midnight PDT" (Midnight is 0:00 of its day).

    Returns the reason instead when the text is blank, unreadable or in an unknown zone.
    """
    if not text.strip():
        return Reason.NO_UPDATE_TIME
    match = _UPDATE.match(text)
    if match is None:
        return Reason.UNREADABLE_TIME
    tz = match["tz"].upper()
    if tz not in UTC_OFFSETS:
        return Reason.UNKNOWN_TZ
    if match["word"]:
        return UpdateTime(12 if match["word"].lower() == "noon" else 0, 0, tz)
    hour, minute = int(match["h"]), int(match["m"])
    if not 1 <= hour <= 12 or minute > 59:
        return Reason.UNREADABLE_TIME
    hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    return UpdateTime(hour, minute, tz)


def to_utc(local: dt.datetime, tz: str) -> dt.datetime:
    """A naive wall-clock *local* time in abbreviation *tz* as an aware UTC datetime."""
    return (local - dt.timedelta(hours=UTC_OFFSETS[tz])).replace(tzinfo=dt.UTC)


def parse_stamp(text: str) -> dt.datetime | None:
    """An RSS ``pubDate`` ("Sat, 22 Aug 2026 14:08:39 EST") as an aware UTC instant, or None.

    A US abbreviation is read as that region's wall clock (see the module docstring); a numeric
    offset or GMT/UT/UTC/Z as written. Anything else gives None.
    """
    match = _STAMP.match(text or "")
    if match is None or match["mon"].lower() not in _MONTHS:
        return None
    try:
        naive = dt.datetime(
            int(match["y"]),
            _MONTHS[match["mon"].lower()],
            int(match["d"]),
            int(match["H"]),
            int(match["M"]),
            int(match["S"] or 0),
        )
    except ValueError:
        return None
    zone = (match["zone"] or "").upper()
    if zone in UTC_OFFSETS:
        region = _REGIONS["AK" if zone.startswith("AK") else zone[0]]
        return naive.replace(tzinfo=ZoneInfo(region)).astimezone(dt.UTC)
    if zone in ("GMT", "UT", "UTC", "Z"):
        return naive.replace(tzinfo=dt.UTC)
    offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
    if offset is None:
        return None
    sign = 1 if offset[1] == "+" else -1
    delta = dt.timedelta(hours=int(offset[2]), minutes=int(offset[3]))
    return naive.replace(tzinfo=dt.timezone(sign * delta)).astimezone(dt.UTC)
