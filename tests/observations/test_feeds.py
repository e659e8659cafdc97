"""CBP's XML, RSS and JSON feeds read into the one vocabulary, from fixtures in their real layout."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
from pathlib import Path

import pandas as pd

from smartborder import observations
from smartborder.observations import SNAPSHOT_COLUMNS
from tests.observations.helpers import JSON, RSS_0820, RSS_0822, XML, write


def row(frame: pd.DataFrame, crossing: str, traffic: str, lane: str) -> pd.Series:
    rows = frame[(frame["crossing"] == crossing) & (frame["traffic_type"] == traffic) & (frame["lane_type"] == lane)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def utc(year: int, month: int, day: int, hour: int, minute: int) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC))


# --- XML ----------------------------------------------------------------------------------------


def test_xml_rows_in_the_common_vocabulary() -> None:
    obs = observations.load(XML)
    assert obs.kind == "snapshot" and obs.sources == ("bwt_2026-09-17.xml",)
    assert tuple(obs.frame.columns) == SNAPSHOT_COLUMNS
    andrade = row(obs.frame, "Andrade", "passenger", "standard")
    assert andrade["port_number"] == "250201" and andrade["port_name"] == "Andrade"
    assert andrade["crossing_name"] == "" and andrade["border"] == "Mexican" and andrade["bts_port_code"] == ""
    assert andrade["delay_minutes"] == 10.0 and andrade["lanes_open"] == 2.0 and andrade["max_lanes"] == 3.0
    assert andrade["time_local"] == pd.Timestamp("2026-09-17 16:00") and andrade["tz"] == "PDT"
    assert andrade["time_utc"] == utc(2026, 9, 17, 23, 0)
    assert andrade["hours"] == "6 am-10 pm" and andrade["source"] == "bwt_2026-09-17.xml"
    bm = row(obs.frame, "Brownsville - B&M", "passenger", "ready_lane")
    assert (bm["port_number"], bm["crossing_name"], bm["tz"]) == ("535501", "B&M", "CDT")
    assert row(obs.frame, "Brownsville - Veterans International", "passenger", "SENTRI")["delay_minutes"] == 5
    assert row(obs.frame, "Brownsville - Veterans International", "commercial", "standard")["lanes_open"] == 2


def test_xml_identity_kept_exact() -> None:
    obs = observations.load(XML)
    # CBP's own typo (a lower-case L) is the port's id: kept as published.
    assert row(obs.frame, "Fort Hancock - Fort Hancock", "passenger", "standard")["port_number"] == "l24501"
    cargo = obs.dropped.rows[obs.dropped.rows["port_number"] == "240215"]
    assert set(cargo["crossing"]) == {"BOTA CARGO FACILITY - BRIDGE OF AMERICAS CARGO FACILITY"}  # stripped
    assert set(cargo["reason"]) == {"update_pending"} and len(cargo) == 7
    assert obs.frame["time_local"].dtype == "datetime64[ns]"
    assert str(obs.frame["time_utc"].dtype) == "datetime64[ns, UTC]"


def test_xml_time_zones_and_the_stale_update_from_the_day_before() -> None:
    frame = observations.load(XML).frame
    # San Luis I still shows "At 11:00 pm MST" in the snapshot dated 9/17 whose other ports are
    # at 5-7 pm: 11 pm on the 17th would be hours in the future, so it is the 16th's last update.
    san_luis = row(frame, "San Luis - San Luis I", "passenger", "standard")
    assert san_luis["time_local"] == pd.Timestamp("2026-09-16 23:00")
    assert san_luis["time_utc"] == utc(2026, 9, 17, 6, 0)  # MST is UTC-7
    # Douglas publishes "PST" in September: taken as published, UTC-8.
    assert row(frame, "Douglas (Raul Hector Castro)", "passenger", "standard")["time_utc"] == utc(2026, 9, 18, 1, 0)
    assert row(frame, "El Paso - Bridge of the Americas (BOTA)", "passenger", "standard")["time_utc"] == (
        utc(2026, 9, 18, 0, 0)
    )  # 6 pm MDT


def test_xml_canadian_ports_dropped_unless_kept() -> None:
    default = observations.load(XML)
    assert not (default.frame["border"] == "Canadian").any()
    assert default.dropped.counts()["canadian_border"] == 7
    kept = observations.load(XML, keep_canadian=True)
    bay = row(kept.frame, "Alexandria Bay - Thousand Islands Bridge", "passenger", "standard")
    assert bay["border"] == "Canadian" and bay["time_utc"] == utc(2026, 9, 18, 1, 0)  # 9 pm EDT
    closed = kept.dropped.closed_lanes()
    nexus = closed[(closed["crossing"] == "Alexandria Bay - Thousand Islands Bridge")]
    assert list(nexus["lane_type"]) == ["NEXUS"]  # NEXUS_SENTRI_lanes on the Canadian border


def test_xml_closed_lanes_are_counted_per_crossing_and_lane() -> None:
    closed = observations.load(XML).dropped.closed_lanes()
    douglas = closed[closed["crossing"] == "Douglas (Raul Hector Castro)"]
    assert sorted(zip(douglas["traffic_type"], douglas["lane_type"], strict=True)) == [
        ("commercial", "standard"),
        ("passenger", "ready_lane"),
        ("pedestrian", "ready_lane"),
    ]
    assert set(douglas["snapshots"]) == {1} and set(douglas["first_date"]) == {"2026-09-17"}


# --- RSS ----------------------------------------------------------------------------------------


def test_rss_snapshot() -> None:
    obs = observations.load(RSS_0822)
    frame = obs.frame
    assert set(frame["crossing"]) == {
        "Brownsville - B&M",
        "Brownsville - Gateway",
        "Brownsville - Los Indios",
        "Brownsville - Veterans International",
    }
    bm = row(frame, "Brownsville - B&M", "passenger", "standard")
    assert (bm["port_name"], bm["crossing_name"], bm["port_number"], bm["border"]) == ("Brownsville", "B&M", "", "")
    assert (bm["delay_minutes"], bm["lanes_open"], bm["max_lanes"], bm["hours"]) == (40, 2, 4, "24 hrs/day")
    assert bm["time_local"] == pd.Timestamp("2026-08-22 13:00") and bm["time_utc"] == utc(2026, 8, 22, 18, 0)
    assert row(frame, "Brownsville - Gateway", "pedestrian", "ready_lane")["delay_minutes"] == 60
    vets = frame[frame["crossing"] == "Brownsville - Veterans International"]
    assert set(zip(vets["traffic_type"], vets["lane_type"], strict=True)) == {
        ("commercial", "standard"),
        ("commercial", "FAST"),
        ("passenger", "standard"),
        ("passenger", "SENTRI"),
        ("passenger", "ready_lane"),
        ("pedestrian", "standard"),
    }
    assert set(vets["hours"]) == {"6 am-Midnight"}
    assert obs.dropped.counts() == {"not_applicable": 5, "lanes_closed": 1}  # the Border Notice is not a lane
    assert list(obs.dropped.closed_lanes()["lane_type"]) == ["FAST"]


def test_rss_midnight_and_update_pending() -> None:
    obs = observations.load(RSS_0820)
    assert set(obs.frame["time_local"]) == {pd.Timestamp("2026-08-20 00:00")}  # "At Midnight CDT"
    counts = obs.dropped.counts()
    assert counts["update_pending"] == 12 and counts["lanes_closed"] == 4
    pending = obs.dropped.rows[obs.dropped.rows["reason"] == "update_pending"]
    assert set(pending["crossing"]) == {"Brownsville - Los Indios", "Brownsville - Veterans International"}


def test_rss_with_escaped_html_reads_the_same(tmp_path: Path) -> None:
    text = RSS_0822.read_text(encoding="utf-8")
    escaped = re.sub(
        r"<description>(Hours:.*?)</description>",
        lambda m: "<description>" + html.escape(m[1], quote=False) + "</description>",
        text,
    )
    assert "&lt;br/&gt;" in escaped
    again = observations.load(write(tmp_path, "escaped.xml", escaped)).frame
    pd.testing.assert_frame_equal(
        again.drop(columns="source"), observations.load(RSS_0822).frame.drop(columns="source")
    )


def _rss_variant(tmp_path: Path, pub: str, date: str, update: str) -> pd.DataFrame:
    text = RSS_0822.read_text(encoding="utf-8").replace("Sat, 22 Aug 2026 14:08:39 EST", pub)
    text = text.replace("Date: 8/22/2026", f"Date: {date}").replace("At 1:00 pm CDT", update)
    return observations.load(write(tmp_path, "variant.xml", text)).frame


def test_rss_update_before_midnight_in_a_snapshot_dated_the_next_day(tmp_path: Path) -> None:
    # Published 00:10 CDT on the 23rd (01:10 Eastern), still showing the 11 pm update.
    after = _rss_variant(tmp_path, "Sun, 23 Aug 2026 01:10:00 EST", "8/23/2026", "At 11:00 pm CDT")
    assert set(after["time_local"]) == {pd.Timestamp("2026-08-22 23:00")}
    # Published 23:10 CDT on the 22nd: the same update is that day's.
    before = _rss_variant(tmp_path, "Sun, 23 Aug 2026 00:10:00 EST", "8/22/2026", "At 11:00 pm CDT")
    assert set(before["time_local"]) == {pd.Timestamp("2026-08-22 23:00")}
    # CBP stamps the hour and may publish a few minutes early: not moved to the day before.
    early = _rss_variant(tmp_path, "Sat, 22 Aug 2026 14:55:00 EST", "8/22/2026", "At 2:00 pm CDT")
    assert set(early["time_local"]) == {pd.Timestamp("2026-08-22 14:00")}


def test_rss_phrasings(tmp_path: Path) -> None:
    text = RSS_0822.read_text(encoding="utf-8")
    text = text.replace(
        "At 1:00 pm CDT 40 min delay 2 lane(s) open  <br/>Sentri",
        "At 1:00 pm CDT no delay 3 lane(s) open  <br/>Sentri",
        1,
    )
    text = text.replace(
        "At 1:00 pm CDT 30 min delay 2 lane(s) open  <br/>Sentri",
        "At 1:00 pm CDT 1 hrs 35 min delay 2 lane(s) open  <br/>Sentri",
        1,
    )
    text = text.replace("Sentri Lanes: At 1:00 pm CDT 5 min delay 2 lane(s) open", "Sentri Lanes: closed for repairs")
    obs = observations.load(write(tmp_path, "phrasing.xml", text))
    assert row(obs.frame, "Brownsville - B&M", "passenger", "standard")[["delay_minutes", "lanes_open"]].tolist() == [
        0,
        3,
    ]
    assert row(obs.frame, "Brownsville - Gateway", "passenger", "standard")["delay_minutes"] == 95
    unreadable = obs.dropped.rows[obs.dropped.rows["reason"] == "unreadable_entry"]
    assert len(unreadable) == 1 and "closed for repairs" in unreadable.iloc[0]["detail"]


# --- JSON ---------------------------------------------------------------------------------------


def test_json_feed() -> None:
    obs = observations.load(JSON)
    frame = obs.frame
    sentri = row(frame, "San Ysidro", "passenger", "SENTRI")
    assert sentri["delay_minutes"] == 0 and sentri["lanes_open"] == 3  # "no delay", blank delay
    assert row(frame, "San Ysidro", "pedestrian", "standard")["delay_minutes"] == 75  # "1 hrs 15 min"
    laredo = row(frame, "Laredo - Bridge II", "passenger", "standard")  # numbers, not strings
    assert (laredo["port_number"], laredo["delay_minutes"], laredo["lanes_open"], laredo["max_lanes"]) == (
        "230402",
        20,
        3,
        6,
    )
    assert not (frame["crossing"] == "Blaine - Peace Arch").any()
    counts = obs.dropped.counts()
    assert counts["canadian_border"] == 2 and counts["non_numeric_delay"] == 1 and counts["update_pending"] == 1
    blaine = row(observations.load(JSON, keep_canadian=True).frame, "Blaine - Peace Arch", "passenger", "NEXUS")
    assert (blaine["border"], blaine["delay_minutes"], blaine["tz"]) == ("Canadian", 0, "PDT")
    ready = obs.dropped.rows[obs.dropped.rows["reason"] == "update_pending"].iloc[0]
    assert (ready["crossing"], ready["lane_type"]) == ("Laredo - Bridge II", "ready_lane")
    assert math.isnan(row(frame, "San Ysidro", "passenger", "standard")["lanes_open"]) is False


def test_json_wrapped_in_an_object(tmp_path: Path) -> None:
    ports = json.loads(JSON.read_text(encoding="utf-8"))
    wrapped = write(tmp_path, "wrapped.json", json.dumps({"updated": "2026-09-17", "ports": ports}))
    pd.testing.assert_frame_equal(
        observations.load(wrapped).frame.drop(columns="source"), observations.load(JSON).frame.drop(columns="source")
    )
