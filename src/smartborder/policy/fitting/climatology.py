"""Climatology: the mean of earlier days' readings at a crossing, lane, day type and hour.

This is how CBP builds the "historical averages" it draws beside today's waits, and the second
baseline every wait forecast must beat (the first is persistence: the latest reading held). A
forecast that loses to it has learnt nothing a spreadsheet of past readings does not know.

``Climatology.of(frame)`` takes dated readings (``observed.for_crossing``: ``vehicle``, ``lane``,
``time_local``, ``delay_minutes``) and answers ``value(vehicle, lane, time)``: the mean delay of
the readings at that lane, on the same day type (weekday, or Saturday/Sunday) and hour of day,
falling back to the same hour on any day when the day type was never read, and None when the
hour was never read. ``own_day_out`` leaves the asked day's own readings out (leave-one-day-out),
so that weights fitted on training days do not learn from a baseline that has seen the day it is
scored on.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Day types of the climatology: CBP's waits differ most between working days and weekends.
WEEKDAY, WEEKEND = "weekday", "weekend"


def day_kind(when: pd.Timestamp) -> str:
    """``weekday`` (Monday to Friday) or ``weekend``."""
    return WEEKEND if when.day_of_week >= 5 else WEEKDAY


@dataclass(frozen=True)
class Climatology:
    """Sums and counts of readings by (vehicle, lane, day kind, hour), per day and in all."""

    by_kind: dict[tuple[str, str, str, int], tuple[float, int]]
    by_hour: dict[tuple[str, str, int], tuple[float, int]]
    by_day: dict[tuple[str, str, str, int, pd.Timestamp], tuple[float, int]]
    days: int

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Climatology:
        """The climatology of *frame*'s readings (rows without a delay are left out)."""
        rows = frame.dropna(subset=["delay_minutes"])
        times = pd.to_datetime(rows["time_local"])
        table = pd.DataFrame(
            {
                "vehicle": rows["vehicle"].astype(str).to_numpy(),
                "lane": rows["lane"].astype(str).to_numpy(),
                "kind": [WEEKEND if d >= 5 else WEEKDAY for d in times.dt.day_of_week],
                "hour": times.dt.hour.to_numpy(),
                "date": times.dt.normalize().to_numpy(),
                "delay": rows["delay_minutes"].astype(float).to_numpy(),
            }
        )
        by_day = {
            (str(v), str(lane), str(k), int(h), pd.Timestamp(d)): (float(g.sum()), int(g.size))
            for (v, lane, k, h, d), g in table.groupby(["vehicle", "lane", "kind", "hour", "date"])["delay"]
        }
        by_kind: dict[tuple[str, str, str, int], tuple[float, int]] = {}
        by_hour: dict[tuple[str, str, int], tuple[float, int]] = {}
        for (v, lane, k, h, _), (total, n) in by_day.items():
            s, c = by_kind.get((v, lane, k, h), (0.0, 0))
            by_kind[(v, lane, k, h)] = (s + total, c + n)
            s, c = by_hour.get((v, lane, h), (0.0, 0))
            by_hour[(v, lane, h)] = (s + total, c + n)
        return cls(by_kind, by_hour, by_day, int(table["date"].nunique()))

    def value(self, vehicle: str, lane: str, when: pd.Timestamp, own_day_out: bool = False) -> float | None:
        """Mean delay at *lane* on *when*'s day kind and hour (any day kind if that one was never
        read); None if the hour was never read. *own_day_out*: leave *when*'s own day out."""
        when = pd.Timestamp(when)
        kind, hour = day_kind(when), int(when.hour)
        own = self.by_day.get((vehicle, lane, kind, hour, when.normalize()), (0.0, 0)) if own_day_out else (0.0, 0)
        total, n = self.by_kind.get((vehicle, lane, kind, hour), (0.0, 0))
        if n - own[1] > 0:
            return (total - own[0]) / (n - own[1])
        total, n = self.by_hour.get((vehicle, lane, hour), (0.0, 0))
        if n - own[1] > 0:
            return (total - own[0]) / (n - own[1])
        return None
