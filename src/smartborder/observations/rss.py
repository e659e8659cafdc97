"""CBP's RSS feed (what most people archive): lanes written as sentences inside HTML.

An item's title is "Port Name - Crossing Name"; its description reads, between ``<br/>``s and
``<h4><b>`` section heads::

    Hours: 24 hrs/day   Date: 8/22/2026
    Passenger Vehicles  Maximum Lanes: 4
                        General Lanes: At 1:00 pm CDT 40 min delay 2 lane(s) open
                        Sentri Lanes:  N/A
                        Ready Lanes: At Noon CDT no delay 1 lane(s) open
    Commercial Vehicles Fast Lanes:  Lanes Closed          (also "Update Pending")
    Border Notice: ...  (free text, ignored)

The HTML may be real child elements of ``<description>`` or escaped text; both are read. The RSS
names neither port number nor border, so those stay "" (and NEXUS/SENTRI cannot be told apart).
The channel's ``pubDate`` dates the snapshot (see ``timezones.parse_stamp``).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from smartborder.observations.errors import MalformedFileError
from smartborder.observations.feeds import parse_date
from smartborder.observations.schema import RawLane, Reason
from smartborder.observations.timezones import parse_stamp

SECTIONS = {"passenger": "passenger", "pedestrian": "pedestrian", "commercial": "commercial"}
LABELS = {
    "general": "standard",
    "standard": "standard",
    "sentri": "SENTRI",
    "nexus": "NEXUS",
    "ready": "ready_lane",
    "fast": "FAST",
}
STATUSES = ("lanes closed", "n/a", "update pending")

_HEAD = re.compile(r"<h4[^>]*>(.*?)</h4>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_ENTRY = re.compile(r"^(?P<label>[A-Za-z/ ]+?)\s+Lanes?\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_DELAY = re.compile(
    r"^(?P<time>At\s+(?:\d{1,2}:\d{2}\s*[ap]\.?\s*m\.?|noon|midnight)\s+[A-Za-z]{2,5})\b\s*"
    r"(?P<delay>.*?)\s*(?:(?P<lanes>\d+)\s+lanes?\s*(?:\(s\))?\s+open)?\s*$",
    re.IGNORECASE,
)


def _plain(fragment: str) -> str:
    return " ".join(_TAG.sub(" ", fragment).split())


def _inner_html(element: ET.Element | None) -> str:
    if element is None:
        return ""
    inner = (element.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in element)
    return html.unescape(inner)


def read_rss(root: ET.Element, source: str, snapshot: int, path: str) -> list[RawLane]:
    """Every lane of every item of an RSS document."""
    channel = root.find("channel")
    if channel is None:
        raise MalformedFileError(path, "RSS document without a <channel> element")
    published = parse_stamp(channel.findtext("pubDate") or "")
    lanes: list[RawLane] = []
    for item in channel.findall("item"):
        title = " ".join((item.findtext("title") or "").split())
        port_name, _, crossing_name = title.partition(" - ")
        text = _inner_html(item.find("description"))
        if not title or not text:
            raise MalformedFileError(path, f"RSS item {title or '(untitled)'!r} has no title or description")
        hours = re.search(r"Hours:\s*(.*?)\s*(?:<br|$)", text, re.IGNORECASE | re.DOTALL)
        date = re.search(r"Date:\s*(\d{1,2}/\d{1,2}/\d{4})", text)
        date_text = date[1] if date else ""
        reference = parse_stamp(item.findtext("pubDate") or "") or published
        template = RawLane(
            source=source,
            snapshot=snapshot,
            reference=reference,
            port_number="",
            port_name=port_name.strip(),
            crossing_name=crossing_name.strip(),
            border="",
            hours=_plain(hours[1]) if hours else "",
            date_text=date_text,
            snapshot_date=parse_date(date_text) if date_text else None,
        )
        parts = _HEAD.split(re.split(r"<b>\s*Border Notice", text, flags=re.IGNORECASE)[0])
        for head, body in zip(parts[1::2], parts[2::2], strict=True):
            lanes += _section(_plain(head), body, template)
    return lanes


def _section(head: str, body: str, template: RawLane) -> list[RawLane]:
    traffic = next((t for key, t in SECTIONS.items() if head.lower().startswith(key)), "")
    max_lanes = ""
    entries: list[tuple[str, str]] = []
    for piece in _BREAK.split(body):
        match = _ENTRY.match(_plain(piece))
        if match is None:
            continue
        if match["label"].strip().lower() == "maximum":
            max_lanes = match["value"].strip()
        else:
            entries.append((match["label"].strip(), match["value"].strip()))
    return [_lane(traffic, head, label, value, max_lanes, template) for label, value in entries]


def _lane(traffic: str, head: str, label: str, value: str, max_lanes: str, template: RawLane) -> RawLane:
    lane_type = LABELS.get(label.lower(), "")
    where = f"{head}/{label} Lanes"
    status = update_time = delay = lanes_open = ""
    problem: tuple[Reason, str] | None = None
    if not traffic:
        problem = (Reason.UNKNOWN_TRAFFIC, where)
    elif not lane_type:
        problem = (Reason.UNKNOWN_LANE, where)
    if value.lower() in STATUSES:
        status = value
    elif (match := _DELAY.match(value)) is not None:
        update_time, lanes_open = match["time"], match["lanes"] or ""
        delay = re.sub(r"\s*\bdelay\s*$", "", match["delay"], flags=re.IGNORECASE).strip()
        if delay.lower() == "no":
            status, delay = "no delay", ""
    elif problem is None:
        problem = (Reason.UNREADABLE_ENTRY, f"{where}: {value!r}")
    return replace(
        template,
        traffic_type=traffic,
        lane_type=lane_type,
        lane_label=where,
        max_lanes=max_lanes,
        status=status,
        update_time=update_time,
        delay=delay,
        lanes_open=lanes_open,
        problem=problem,
    )
