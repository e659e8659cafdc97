"""What a set of observations holds, per crossing and lane, as plain JSON-ready values."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from smartborder.observations.result import Observations


def _stats(values: pd.Series) -> dict[str, float | None]:
    def clean(x: float) -> float | None:
        return None if math.isnan(x) else round(float(x), 2)

    if values.empty:
        return {"mean": None, "median": None, "max": None}
    return {"mean": clean(values.mean()), "median": clean(values.median()), "max": clean(values.max())}


def _span(rows: pd.DataFrame, kind: str) -> dict[str, Any]:
    if kind == "average":
        return {
            "months": f"{rows['month'].min()}..{rows['month'].max()}",
            "hours": f"{rows['hour'].min()}..{rows['hour'].max()}",
        }
    lanes = rows["lanes_open"].dropna()
    return {
        "first": f"{rows['time_local'].min():%Y-%m-%d %H:%M}",
        "last": f"{rows['time_local'].max():%Y-%m-%d %H:%M}",
        "lanes_open": {
            "min": float(lanes.min()) if len(lanes) else None,
            "max": float(lanes.max()) if len(lanes) else None,
        },
    }


def summary(observations: Observations, *, examples: int = 3) -> dict[str, Any]:
    """Per crossing: its lanes with span, count, delay mean/median/max and lanes-open range, and
    what was dropped by reason; then the totals, a few examples per reason and the closed lanes."""
    frame, kind = observations.frame, observations.kind
    by_crossing = observations.dropped.by_crossing()
    crossings: list[dict[str, Any]] = []
    names = sorted(set(frame["crossing"]) | set(by_crossing))
    for name in names:
        rows = frame[frame["crossing"] == name]
        first = rows.iloc[0] if len(rows) else None
        entry: dict[str, Any] = {
            "crossing": name,
            "port_number": str(first["port_number"]) if first is not None else "",
            "port_name": str(first["port_name"]) if first is not None else "",
            "crossing_name": str(first["crossing_name"]) if first is not None else "",
            "border": str(first["border"]) if first is not None else "",
            "observations": len(rows),
            "delay_minutes": _stats(rows["delay_minutes"]),
            "lanes": [],
            "dropped": by_crossing.get(name, {}),
        }
        if len(rows):
            entry.update(_span(rows, kind))
        for (traffic, lane), group in rows.groupby(["traffic_type", "lane_type"], sort=True):
            entry["lanes"].append(
                {
                    "traffic_type": traffic,
                    "lane_type": lane,
                    "observations": len(group),
                    "delay_minutes": _stats(group["delay_minutes"]),
                    **_span(group, kind),
                }
            )
        crossings.append(entry)
    closed = observations.dropped.closed_lanes()
    return {
        "kind": kind,
        "sources": len(observations.sources),
        "observations": len(frame),
        "crossings": crossings,
        "dropped": observations.dropped.counts(),
        "examples": observations.dropped.examples(examples),
        "closed_lanes": [
            {k: (int(v) if k == "snapshots" else str(v)) for k, v in row.items()}
            for row in closed.to_dict(orient="records")
        ],
    }
