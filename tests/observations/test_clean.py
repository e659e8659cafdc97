"""The cleaning rules: delays, update times and their dates, every drop reason, de-duplication."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smartborder import observations
from smartborder.observations import REASONS, Reason
from smartborder.observations.clean import parse_delay, resolve
from smartborder.observations.schema import RawLane
from smartborder.observations.timezones import (
    UTC_OFFSETS,
    UpdateTime,
    parse_stamp,
    parse_update_time,
    to_utc,
)
from tests.observations.helpers import XML, document_xml, lane_xml, port_xml, write


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        ("40", "delay", 40.0),
        ("0", "no delay", 0.0),
        ("7.5", "delay", 7.5),
        ("1 hrs 35 min", "delay", 95.0),
        ("45 min", "delay", 45.0),
        ("2 hrs", "delay", 120.0),
        ("", "no delay", 0.0),
        ("", "delay", Reason.BLANK_DELAY),
        ("", "", Reason.BLANK_DELAY),
        ("soon", "delay", Reason.NON_NUMERIC_DELAY),
        ("nan", "", Reason.NON_NUMERIC_DELAY),
    ],
)
def test_parse_delay(text: str, status: str, expected: float | Reason) -> None:
    assert parse_delay(text, status) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At 9:00 pm EDT", UpdateTime(21, 0, "EDT")),
        ("At 8:07 pm EDT", UpdateTime(20, 7, "EDT")),
        ("At 12:00 am CDT", UpdateTime(0, 0, "CDT")),
        ("At 12:30 pm MST", UpdateTime(12, 30, "MST")),
        ("At Noon CDT", UpdateTime(12, 0, "CDT")),
        ("At Midnight PDT", UpdateTime(0, 0, "PDT")),
        ("", Reason.NO_UPDATE_TIME),
        ("At 13:00 pm CDT", Reason.UNREADABLE_TIME),
        ("8:00 am", Reason.UNREADABLE_TIME),
        ("At 5:00 pm XST", Reason.UNKNOWN_TZ),
    ],
)
def test_parse_update_time(text: str, expected: UpdateTime | Reason) -> None:
    assert parse_update_time(text) == expected


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(sorted(UTC_OFFSETS)))
def test_update_time_round_trip(hour: int, minute: int, tz: str) -> None:
    text = f"At {(hour - 1) % 12 + 1}:{minute:02d} {'am' if hour < 12 else 'pm'} {tz}"
    assert parse_update_time(text) == UpdateTime(hour, minute, tz)


def test_time_zone_offsets_and_publication_stamps() -> None:
    local = dt.datetime(2026, 8, 22, 13, 0)
    assert to_utc(local, "CDT") == dt.datetime(2026, 8, 22, 18, 0, tzinfo=dt.UTC)
    assert to_utc(local, "MST") == dt.datetime(2026, 8, 22, 20, 0, tzinfo=dt.UTC)  # Arizona, no DST
    # CBP's RSS pubDate says "EST" in August but is Eastern wall-clock time (EDT).
    assert parse_stamp("Sat, 22 Aug 2026 14:08:39 EST") == dt.datetime(2026, 8, 22, 18, 8, 39, tzinfo=dt.UTC)
    assert parse_stamp("Tue, 15 Dec 2026 14:08:39 EST") == dt.datetime(2026, 12, 15, 19, 8, 39, tzinfo=dt.UTC)
    assert parse_stamp("Sat, 22 Aug 2026 14:08:39 +0000") == dt.datetime(2026, 8, 22, 14, 8, 39, tzinfo=dt.UTC)
    assert parse_stamp("yesterday") is None


def _raw(snapshot: int, reference: dt.datetime | None, day: dt.date, update: str) -> RawLane:
    return RawLane(
        source="s.xml",
        snapshot=snapshot,
        reference=reference,
        port_number="1",
        port_name="P",
        crossing_name=str(update),
        border="Mexican",
        hours="24 hrs/day",
        date_text=str(day),
        snapshot_date=day,
        traffic_type="passenger",
        lane_type="standard",
        status="delay",
        update_time=update,
        delay="5",
        lanes_open="1",
    )


def _at(instant: dt.datetime, tz: str) -> tuple[str, dt.date]:
    local = instant.replace(tzinfo=None) + dt.timedelta(hours=UTC_OFFSETS[tz])
    return f"At {(local.hour - 1) % 12 + 1}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'} {tz}", local.date()


instants = st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 1, 1)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
)


@settings(max_examples=200)
@given(instants, st.integers(0, 20 * 60), st.sampled_from(sorted(UTC_OFFSETS)))
def test_update_dated_from_the_publication_time(published: dt.datetime, age: int, tz: str) -> None:
    """An update *age* minutes old, in a snapshot dated the crossing's day at publication."""
    update = published - dt.timedelta(minutes=age)
    text, _ = _at(update, tz)
    _, day = _at(published, tz)
    records, drops = resolve([_raw(0, published, day, text)], keep_canadian=False)
    assert not drops and records[0]["time_utc"] == update


@settings(max_examples=200)
@given(
    instants,
    st.lists(st.integers(0, 120), min_size=3, max_size=8),
    st.integers(0, 20 * 60),
    st.sampled_from(sorted(UTC_OFFSETS)),
)
def test_update_dated_from_the_other_updates_without_a_publication_time(
    published: dt.datetime, fresh: list[int], stale: int, tz: str
) -> None:
    """Without a stamp, the snapshot's fresh updates stand in for it; a stale one is still dated right.

    Decidable only when the fresh updates fall on the snapshot's own date (see ``clean``)."""
    _, day = _at(published, tz)
    assume(_at(published - dt.timedelta(minutes=max(fresh)), tz)[1] == day)
    ages = [*fresh, stale]
    lanes = [_raw(7, None, day, _at(published - dt.timedelta(minutes=a), tz)[0]) for a in ages]
    records, _ = resolve(lanes, keep_canadian=False)
    assert [r["time_utc"] for r in records] == [published - dt.timedelta(minutes=a) for a in ages]


# --- every drop reason, from the document structure ---------------------------------------------

DROPS = [
    (lane_xml(status="Lanes Closed", update="", delay="", lanes=""), Reason.LANES_CLOSED),
    (lane_xml(status="Update Pending", update="", delay="", lanes=""), Reason.UPDATE_PENDING),
    (lane_xml(status="N/A", update="", delay="", lanes=""), Reason.NOT_APPLICABLE),
    (lane_xml(delay=""), Reason.BLANK_DELAY),
    (lane_xml(delay="a while"), Reason.NON_NUMERIC_DELAY),
    (lane_xml(update=""), Reason.NO_UPDATE_TIME),
    (lane_xml(update="At about seven"), Reason.UNREADABLE_TIME),
    (lane_xml(update="At 7:00 pm XST"), Reason.UNKNOWN_TZ),
    (lane_xml(delay="-5"), Reason.NEGATIVE),
    (lane_xml(delay="1500"), Reason.OVER_24H),
    (lane_xml(name="EZ_lanes"), Reason.UNKNOWN_LANE),
]


@pytest.mark.parametrize(("lane", "reason"), DROPS, ids=[r.value for _, r in DROPS])
def test_each_drop_reason(tmp_path: Path, lane: str, reason: Reason) -> None:
    kept = lane_xml(name="ready_lanes")
    obs = observations.load(write(tmp_path, "feed.xml", document_xml(port_xml(lane, kept))))
    assert list(obs.frame["lane_type"]) == ["ready_lane"]
    assert obs.dropped.counts() == {reason.value: 1}
    assert obs.dropped.examples()[reason.value][0].startswith("feed.xml: Brownsville - B&M passenger/")


def test_drop_reasons_of_the_port(tmp_path: Path) -> None:
    doc = document_xml(
        port_xml(lane_xml(), number="1", date="", port="Undated"),
        port_xml(lane_xml(), number="2", group="bus_lanes", port="Buses"),
        port_xml(lane_xml(name="NEXUS_SENTRI_lanes"), number="3", border="", port="Borderless"),
        port_xml(lane_xml(), number="4", border="Canadian Border", port="North"),
        last_updated="",
    )
    rows = observations.load(write(tmp_path, "ports.xml", doc)).dropped.rows
    assert dict(zip(rows["port_number"], rows["reason"], strict=True)) == {
        "1": "no_snapshot_date",
        "2": "unknown_traffic_type",
        "3": "unknown_lane_type",
        "4": "canadian_border",
    }
    assert "with no border stated" in rows.iloc[2]["detail"]


def test_xml_publication_stamp_dates_updates_across_midnight(tmp_path: Path) -> None:
    # Published 00:20 Eastern on the 18th; every port still shows the 17th's 11 pm update.
    lanes = (lane_xml(update="At 11:00 pm EDT"), lane_xml(update="At 11:00 pm EDT", name="ready_lanes"))
    doc = document_xml(port_xml(*lanes, date="9/18/2026"), last_updated="2026-9-18").replace("20:20:57", "00:20:00")
    frame = observations.load(write(tmp_path, "f.xml", doc)).frame
    assert set(frame["time_local"]) == {pd.Timestamp("2026-09-17 23:00")}
    # The same without a stamp cannot be told from a snapshot taken at 23:30 on the 18th.
    unstamped = observations.load(
        write(tmp_path, "g.xml", doc.replace("<last_updated_time>00:20:00</last_updated_time>", ""))
    )
    assert set(unstamped.frame["time_local"]) == {pd.Timestamp("2026-09-18 23:00")}


def test_the_header_date_stands_in_for_a_missing_port_date(tmp_path: Path) -> None:
    doc = document_xml(port_xml(lane_xml(), date=""), last_updated="2026-9-17")
    assert list(observations.load(write(tmp_path, "f.xml", doc)).frame["time_local"]) == [
        pd.Timestamp("2026-09-17 19:00")
    ]


def test_every_reason_is_described() -> None:
    assert set(REASONS) == set(Reason)


# --- de-duplication -----------------------------------------------------------------------------


def test_republished_snapshots_are_kept_once(tmp_path: Path) -> None:
    once = observations.load(XML)
    copy = write(tmp_path, "later.xml", XML.read_text(encoding="utf-8"))
    twice = observations.load([XML, copy])
    pd.testing.assert_frame_equal(twice.frame, once.frame)
    counts = twice.dropped.counts()
    assert counts["republished"] == len(once.frame)
    assert counts["lanes_closed"] == 2 * once.dropped.counts()["lanes_closed"]  # per snapshot
    assert twice.dropped.examples()["republished"][0].endswith("first read from bwt_2026-09-17.xml")


def test_a_revised_update_keeps_the_later_value(tmp_path: Path) -> None:
    text = XML.read_text(encoding="utf-8")
    revised = text.replace(
        "<delay_minutes>10</delay_minutes>\n        <lanes_open>2</lanes_open>",
        "<delay_minutes>25</delay_minutes>\n        <lanes_open>2</lanes_open>",
        1,
    )
    assert revised != text
    obs = observations.load([XML, write(tmp_path, "revised.xml", revised)])
    andrade = obs.frame[(obs.frame["crossing"] == "Andrade") & (obs.frame["traffic_type"] == "passenger")]
    assert list(andrade["delay_minutes"]) == [25] and list(andrade["source"]) == ["revised.xml"]
    assert obs.dropped.counts()["revised"] == 1
    assert "delay 10 → 25" in obs.dropped.examples()["revised"][0]
