"""CBP's historical averages: their own kind, the weekday mapping, drops and errors."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from smartborder import observations
from smartborder.data.files import SAN_YSIDRO_WAITS, data_file
from smartborder.observations import (
    AVERAGE_COLUMNS,
    MalformedFileError,
    MixedKindsError,
    ObservationsError,
)
from smartborder.observations.averages import weekday_of
from tests.observations.helpers import XML, write

HEADER = (
    "crossing_id,port_name,month,day_of_week_index,hour,passenger_standard_avg_min,"
    "pedestrian_standard_avg_min,commercial_fast_avg_min"
)


def test_shipped_san_ysidro_averages() -> None:
    obs = observations.load_averages()
    frame = obs.frame
    assert obs.kind == "average" and tuple(frame.columns) == AVERAGE_COLUMNS
    assert set(frame["port_number"]) == {"250401"} and set(frame["crossing_id"]) == {"09250401"}
    assert set(frame["crossing"]) == {"San Ysidro"}
    lanes = set(zip(frame["traffic_type"], frame["lane_type"], strict=True))
    assert lanes == {
        ("passenger", "standard"),
        ("passenger", "SENTRI"),
        ("passenger", "ready_lane"),
        ("pedestrian", "standard"),
        ("pedestrian", "ready_lane"),
    }
    assert len(frame) == 5 * 12 * 7 * 24
    # San Ysidro has no cargo lot: CBP's two commercial columns are 0 throughout.
    assert obs.dropped.counts() == {"all_zero_series": 2 * 12 * 7 * 24}
    with gzip.open(data_file(SAN_YSIDRO_WAITS), "rt", encoding="utf-8") as fh:
        raw = next(r for r in csv.DictReader(fh) if (r["month"], r["day_of_week_index"], r["hour"]) == ("7", "0", "17"))
    cell = frame[
        (frame["month"] == 7)
        & (frame["weekday"] == 6)
        & (frame["hour"] == 17)
        & (frame["traffic_type"] == "passenger")
        & (frame["lane_type"] == "standard")
    ]
    assert list(cell["delay_minutes"]) == [float(raw["passenger_standard_avg_min"])]


def test_weekday_mapping_is_a_parameter() -> None:
    assert [weekday_of(i, "sunday") for i in range(7)] == [6, 0, 1, 2, 3, 4, 5]
    assert [weekday_of(i, "monday") for i in range(7)] == list(range(7))
    sunday = observations.load_averages(day0="sunday").frame
    monday = observations.load_averages(day0="monday").frame
    assert sorted(set(sunday["weekday"])) == list(range(7))
    first = sunday.iloc[0]
    assert (first["month"], first["weekday"], first["hour"]) == (1, 0, 0)  # CBP's index 1 on Sunday-first
    assert monday[(monday["weekday"] == 6)]["delay_minutes"].tolist() == (
        sunday[(sunday["weekday"] == 5)]["delay_minutes"].tolist()
    )
    with pytest.raises(ObservationsError, match="day0: expected one of monday"):
        observations.load_averages(day0="funday")  # type: ignore[arg-type]


def test_averages_drops_and_errors(tmp_path: Path) -> None:
    rows = ["09250401,San Ysidro,1,0,0,33,5,0", "09250401,San Ysidro,1,0,1,,-3,0", "09250401,San Ysidro,1,0,2,x,5,0"]
    obs = observations.load(write(tmp_path, "avg.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert obs.kind == "average" and len(obs.frame) == 3
    assert obs.dropped.counts() == {"all_zero_series": 3, "blank_delay": 1, "negative_delay": 1, "non_numeric_delay": 1}
    bad = write(tmp_path, "bad.csv", f"{HEADER}\n09250401,San Ysidro,13,0,0,1,1,0\n")
    with pytest.raises(MalformedFileError, match=r"bad\.csv line 2: month '13' is not a whole number 1\.\.12"):
        observations.load(bad)
    twice = write(tmp_path, "twice.csv", f"{HEADER}\n{rows[0]}\n{rows[0]}\n")
    with pytest.raises(MalformedFileError, match=r"twice\.csv line 3: .* repeats line 2"):
        observations.load(twice)
    odd = write(tmp_path, "odd.csv", HEADER + ",bus_avg_min\n")
    with pytest.raises(MalformedFileError, match="unknown lane column bus_avg_min"):
        observations.load(odd)


def test_averages_and_snapshots_do_not_mix() -> None:
    with pytest.raises(MixedKindsError, match="holds historical averages"):
        observations.load([XML, data_file(SAN_YSIDRO_WAITS)])
    with pytest.raises(observations.UnrecognisedFormatError, match="not a CBP historical averages file"):
        observations.load_averages(XML)
