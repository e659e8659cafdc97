"""The flat CSV: reading, writing (atomic, no overwrite), round trips, and errors naming the line."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder import observations
from smartborder.observations import (
    LANE_TYPES,
    TRAFFIC_TYPES,
    MalformedFileError,
    ObservationsError,
)
from smartborder.observations.clean import snapshot_frame
from smartborder.observations.timezones import UTC_OFFSETS, to_utc
from tests.observations.helpers import JSON, RSS_0820, RSS_0822, XML, write

HEADER = "crossing,bts_port_code,traffic_type,lane_type,update_time_local,tz,delay_minutes,lanes_open,max_lanes,hours"
GOOD = "Brownsville - B&M,2301,passenger,standard,2026-08-22 13:00,CDT,40,2,4,24 hrs/day"


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.drop(columns="source"), b.drop(columns="source"))


@pytest.mark.parametrize("sources", [[XML], [RSS_0820, RSS_0822], [JSON]], ids=["xml", "rss", "json"])
@pytest.mark.parametrize("name", ["obs.csv", "obs.csv.gz"])
def test_round_trip_feed_to_csv_to_frame(tmp_path: Path, sources: list[Path], name: str) -> None:
    original = observations.load(sources, keep_canadian=True)
    path = observations.to_csv(original, tmp_path / name)
    again = observations.load(path, keep_canadian=True)
    same(again.frame, original.frame)
    assert set(again.frame["source"]) == {name} and len(again.dropped) == 0
    if name.endswith(".gz"):
        assert gzip.decompress(path.read_bytes()).startswith(HEADER.encode())


def test_canadian_rows_of_a_csv_are_dropped_by_default(tmp_path: Path) -> None:
    path = observations.to_csv(observations.load(XML, keep_canadian=True), tmp_path / "all.csv")
    obs = observations.load(path)
    same(obs.frame, observations.load(XML).frame)
    assert obs.dropped.counts() == {"canadian_border": 2}  # only rows with a delay reach the CSV


def test_required_columns_only(tmp_path: Path) -> None:
    obs = observations.load(write(tmp_path, "obs.csv", f"{HEADER}\n{GOOD}\n"))
    r = obs.frame.iloc[0]
    assert (r["crossing"], r["bts_port_code"], r["port_number"], r["port_name"], r["border"]) == (
        "Brownsville - B&M",
        "2301",
        "",
        "",
        "",
    )
    assert r["time_utc"] == pd.Timestamp("2026-08-22 18:00", tz="UTC") and r["delay_minutes"] == 40


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            GOOD.replace("2026-08-22 13:00", "2026-13-01 10:00"),
            "obs.csv line 7: update_time_local '2026-13-01 10:00' is not YYYY-MM-DD HH:MM",
        ),
        (GOOD.replace("2026-08-22 13:00", "2026-08-22T13:00"), "obs.csv line 7: update_time_local '2026-08-22T13:00'"),
        (GOOD.replace("CDT", "CET"), "obs.csv line 7: tz 'CET' is not a known time zone abbreviation"),
        (GOOD.replace("standard", "express"), "obs.csv line 7: lane_type 'express' is not one of standard"),
        (GOOD.replace("passenger", "bus"), "obs.csv line 7: traffic_type 'bus' is not one of passenger"),
        (GOOD.replace(",2,4,", ",two,4,"), "obs.csv line 7: lanes_open 'two' is not a number"),
        (GOOD + ",extra", "obs.csv line 7: expected 10 fields as in the header, found 11"),
        (GOOD.replace("Brownsville - B&M", ""), "obs.csv line 7: crossing is blank"),
    ],
)
def test_bad_line_names_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    text = "\n".join([HEADER, *[GOOD] * 5, line]) + "\n"
    with pytest.raises(MalformedFileError) as info:
        observations.load(write(tmp_path, "obs.csv", text))
    assert str(info.value).endswith(message) or message in str(info.value)
    assert info.value.line == 7


def test_missing_column(tmp_path: Path) -> None:
    header = HEADER.replace(",lanes_open", "")
    with pytest.raises(MalformedFileError, match=r"obs\.csv line 1: missing column lanes_open$") as info:
        observations.load(write(tmp_path, "obs.csv", f"{header}\n"))
    assert info.value.field == "lanes_open"


def test_bad_border_value(tmp_path: Path) -> None:
    text = f"{HEADER},border\n{GOOD},Mexico\n"
    with pytest.raises(MalformedFileError, match=r"line 2: border 'Mexico' is not Mexican, Canadian or blank"):
        observations.load(write(tmp_path, "obs.csv", text))


def test_delays_dropped_from_a_csv(tmp_path: Path) -> None:
    lines = [
        GOOD,
        GOOD.replace(",40,", ",,").replace("13:00", "14:00"),
        GOOD.replace(",40,", ",soon,").replace("13:00", "15:00"),
        GOOD.replace(",40,", ",-1,").replace("13:00", "16:00"),
        GOOD.replace(",40,", ",2000,").replace("13:00", "17:00"),
        GOOD,
    ]
    obs = observations.load(write(tmp_path, "obs.csv", "\n".join([HEADER, *lines]) + "\n"))
    assert len(obs.frame) == 1
    assert obs.dropped.counts() == {
        "blank_delay": 1,
        "delay_over_24h": 1,
        "negative_delay": 1,
        "non_numeric_delay": 1,
        "republished": 1,
    }
    assert "line 4: delay 'soon'" in obs.dropped.examples()["non_numeric_delay"][0]


def test_to_csv_refuses_to_overwrite_and_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    obs = observations.load(XML)
    target = tmp_path / "obs.csv"
    target.write_text("keep me\n")
    with pytest.raises(observations.OutputExistsError, match=r"obs\.csv: file exists"):
        observations.to_csv(obs, target)

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        observations.to_csv(obs, target, overwrite=True)
    assert target.read_text() == "keep me\n" and sorted(p.name for p in tmp_path.iterdir()) == ["obs.csv"]
    monkeypatch.undo()
    observations.to_csv(obs, target, overwrite=True)
    same(observations.load(target).frame, obs.frame)
    assert oct(target.stat().st_mode & 0o777) == "0o644"


def test_to_csv_errors(tmp_path: Path) -> None:
    with pytest.raises(ObservationsError, match="does not exist"):
        observations.to_csv(observations.load(XML), tmp_path / "nowhere" / "obs.csv")
    with pytest.raises(ObservationsError, match="historical averages have no update times"):
        observations.to_csv(observations.load_averages(), tmp_path / "avg.csv")


text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12).map(str.strip)
record = st.fixed_dictionaries(
    {
        "port_number": text,
        "port_name": text,
        "crossing_name": text,
        "crossing": text.filter(bool),
        "bts_port_code": text,
        "border": st.sampled_from(["Mexican", ""]),
        "traffic_type": st.sampled_from(TRAFFIC_TYPES),
        "lane_type": st.sampled_from(LANE_TYPES),
        "time_local": st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1)).map(
            lambda d: d.replace(second=0, microsecond=0)
        ),
        "tz": st.sampled_from(sorted(UTC_OFFSETS)),
        "delay_minutes": st.floats(0, 1440) | st.integers(0, 1440).map(float),
        "lanes_open": st.floats(0, 40) | st.just(float("nan")),
        "max_lanes": st.integers(0, 40).map(float),
        "hours": text,
        "source": st.just("x"),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(record, max_size=6))
def test_any_table_survives_the_csv(records: list[dict[str, object]]) -> None:
    for r in records:
        r["time_utc"] = to_utc(r["time_local"], r["tz"])  # type: ignore[arg-type]
    frame = snapshot_frame(records).drop_duplicates(
        ["port_number", "crossing", "traffic_type", "lane_type", "time_utc"]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = observations.to_csv(frame, Path(folder) / "t.csv")
        again = observations.load(path).frame
    same(again, frame.reset_index(drop=True))
