"""Climatology: the mean of earlier days at a lane, day type and hour (a known answer)."""

from __future__ import annotations

import pandas as pd
import pytest

from smartborder.policy.fitting.climatology import Climatology, day_kind


def readings(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vehicle": "pov",
            "lane": "standard",
            "time_local": [t for t, _ in rows],
            "delay_minutes": [d for _, d in rows],
        }
    )


# Mon 2026-08-03 .. Wed 2026-08-05 at 10:00: 10, 20, 30; Saturday 2026-08-08 at 10:00: 90.
FRAME = readings(
    [
        ("2026-08-03 10:00", 10.0),
        ("2026-08-04 10:00", 20.0),
        ("2026-08-05 10:00", 30.0),
        ("2026-08-08 10:00", 90.0),
        ("2026-08-04 11:00", 40.0),
    ]
)


def test_mean_of_the_same_day_type_and_hour() -> None:
    usual = Climatology.of(FRAME)
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-06 10:20")) == pytest.approx(20.0)
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-09 10:00")) == pytest.approx(90.0)  # Sunday: weekend
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-09 11:00")) == pytest.approx(40.0)  # any day type
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-06 12:00")) is None  # never read
    assert usual.value("pov", "Ready", pd.Timestamp("2026-08-06 10:00")) is None
    assert usual.days == 5 - 1  # two readings on 2026-08-04


def test_a_day_left_out_of_its_own_baseline() -> None:
    usual = Climatology.of(FRAME)
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-03 10:00"), own_day_out=True) == pytest.approx(25.0)
    # The only Saturday reading left out: the other days at 10:00.
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-08 10:00"), own_day_out=True) == pytest.approx(20.0)
    assert usual.value("pov", "standard", pd.Timestamp("2026-08-04 11:00"), own_day_out=True) is None


def test_day_kinds() -> None:
    assert day_kind(pd.Timestamp("2026-08-07")) == "weekday"  # Friday
    assert day_kind(pd.Timestamp("2026-08-08")) == "weekend"
