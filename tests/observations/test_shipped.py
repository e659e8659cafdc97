"""The shipped Brownsville archive and the summary of what a load holds."""

from __future__ import annotations

import pandas as pd
import pytest

from smartborder import observations

CROSSINGS = {
    "Brownsville - B&M",
    "Brownsville - Gateway",
    "Brownsville - Los Indios",
    "Brownsville - Veterans International",
}


def test_shipped_brownsville() -> None:
    obs = observations.shipped("brownsville")
    frame = obs.frame
    assert obs.kind == "snapshot" and obs.sources == (observations.BROWNSVILLE_2026_08,)
    assert len(frame) == 2423 and len(obs.dropped) == 0
    assert set(frame["crossing"]) == CROSSINGS and set(frame["port_name"]) == {"Brownsville"}
    assert set(frame["traffic_type"]) == {"passenger", "pedestrian", "commercial"}
    by_crossing = frame.groupby("crossing")["traffic_type"].agg(set).to_dict()
    assert by_crossing == {
        "Brownsville - B&M": {"passenger", "pedestrian"},
        "Brownsville - Gateway": {"passenger", "pedestrian"},
        "Brownsville - Los Indios": {"passenger", "commercial"},
        "Brownsville - Veterans International": {"passenger", "pedestrian", "commercial"},
    }
    assert set(frame["tz"]) == {"CDT"}
    assert frame["time_local"].min() == pd.Timestamp("2026-08-11 16:00")
    assert frame["time_local"].max() == pd.Timestamp("2026-08-22 13:00")
    assert not frame.duplicated(["crossing", "traffic_type", "lane_type", "time_utc"]).any()
    assert frame["delay_minutes"].between(0, 150).all()


def test_shipped_names() -> None:
    assert observations.shipped("San Ysidro").kind == "average"
    with pytest.raises(observations.UnknownDatasetError, match="available: brownsville, san-ysidro"):
        observations.shipped("nogales")


def test_summary_of_the_shipped_archive() -> None:
    report = observations.summary(observations.shipped("brownsville"))
    assert report["kind"] == "snapshot" and report["observations"] == 2423
    assert [c["crossing"] for c in report["crossings"]] == sorted(CROSSINGS)
    vets = report["crossings"][3]
    assert vets["first"] == "2026-08-11 16:00" and vets["last"] == "2026-08-22 13:00"
    assert sum(lane["observations"] for lane in vets["lanes"]) == vets["observations"] == 863
    fast = next(lane for lane in vets["lanes"] if lane["lane_type"] == "FAST")
    assert fast["traffic_type"] == "commercial" and set(fast["delay_minutes"]) == {"mean", "median", "max"}
    assert fast["lanes_open"]["min"] >= 1


def test_summary_counts_drops_per_crossing() -> None:
    from tests.observations.helpers import XML

    report = observations.summary(observations.load(XML))
    douglas = next(c for c in report["crossings"] if c["crossing"].startswith("Douglas"))
    assert douglas["dropped"] == {"lanes_closed": 3, "not_applicable": 1}
    cargo = next(c for c in report["crossings"] if c["port_number"] == "" and "CARGO" in c["crossing"])
    assert cargo["observations"] == 0 and cargo["dropped"] == {"update_pending": 7}
    assert report["dropped"]["canadian_border"] == 7
    assert any(c["crossing"] == "Andrade" and c["lane_type"] == "standard" for c in report["closed_lanes"])
