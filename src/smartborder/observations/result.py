"""What a load returns: the delay table, its kind, and the record of what was left out and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from smartborder.observations.schema import DROP_COLUMNS, Reason

Kind = Literal["snapshot", "average"]


@dataclass(frozen=True)
class DropReport:
    """Every published value left out of the table, one row each (``DROP_COLUMNS``).

    ``reason`` is a ``Reason`` value; ``detail`` says what was seen ("Lanes Closed",
    "delay 'x'", "first read from f.xml"). Closed lanes are information, not noise: see
    ``closed_lanes()``.
    """

    rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(DROP_COLUMNS)))

    def __len__(self) -> int:
        return len(self.rows)

    def counts(self) -> dict[str, int]:
        """Reason → rows left out, most frequent first."""
        counts = self.rows["reason"].value_counts(sort=False)
        return {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))}

    def examples(self, per_reason: int = 3) -> dict[str, list[str]]:
        """Reason → a few of its rows, as one line each."""
        out: dict[str, list[str]] = {}
        for reason in self.counts():
            rows = self.rows[self.rows["reason"] == reason].head(per_reason)
            out[reason] = [
                f"{r.source}: {r.crossing} {r.traffic_type}/{r.lane_type}"
                f"{' ' + (r.time_local or r.snapshot_date) if (r.time_local or r.snapshot_date) else ''}: {r.detail}"
                for r in rows.itertuples(index=False)
            ]
        return out

    def by_crossing(self) -> dict[str, dict[str, int]]:
        """Crossing → reason → rows left out."""
        out: dict[str, dict[str, int]] = {}
        for (crossing, reason), n in self.rows.groupby(["crossing", "reason"]).size().items():
            out.setdefault(str(crossing), {})[str(reason)] = int(n)
        return out

    def closed_lanes(self) -> pd.DataFrame:
        """Per crossing and lane: in how many snapshots CBP showed it closed, first and last date.

        Counted per snapshot (a lane closed all night in hourly snapshots counts each hour it
        was seen), since a closed lane carries no update time to de-duplicate on.
        """
        closed = self.rows[self.rows["reason"] == Reason.LANES_CLOSED.value]
        keys = ["crossing", "port_number", "traffic_type", "lane_type"]
        if closed.empty:
            return pd.DataFrame(columns=[*keys, "snapshots", "first_date", "last_date"])
        table = closed.groupby(keys).agg(
            snapshots=("reason", "size"), first_date=("snapshot_date", "min"), last_date=("snapshot_date", "max")
        )
        return table.reset_index()


@dataclass(frozen=True)
class Observations:
    """CBP Border Wait Times observations in one vocabulary (see ``schema``).

    ``kind`` is "snapshot" (dated updates, ``SNAPSHOT_COLUMNS``) or "average" (CBP's
    month × weekday × hour averages, ``AVERAGE_COLUMNS``), so calibration can tell them apart.
    """

    frame: pd.DataFrame
    dropped: DropReport
    kind: Kind
    sources: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.frame)
