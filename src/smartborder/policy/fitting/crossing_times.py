"""A truck's whole crossing against what RFID readers measured (issue 25's validation).

TTI's RFID readers timed northbound trucks at Bridge of the Americas and Pharr from the end of
the queue in Mexico to the exit of Texas DPS's inspection station, month by month in 2011-2012
(``data.rfid_crossing_times``). ``check_crossing_times`` simulates each of those months with the
crossing's default model for that year, its trucks given the default chain (``ports/chain.py``),
and puts the modelled mean crossing time beside the measured one. Nothing is fitted to these
figures: they are the held-out check of the chain's stated assumptions.

The RFID system matched a truck's two readings within a buffer of "generally 120 minutes"
(FHWA-HOP-12-049), so its means leave out the longest trips; the model's mean counts every
truck, and ``model_within_buffer_min`` is its mean over trucks that crossed within the buffer,
the like-for-like figure (from the last replication).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import run_port
from smartborder.policy.studies.crossing_time import segment_times
from smartborder.policy.studies.scenario import WHOLE_CROSSING, apply
from smartborder.ports import default_spec

#: The RFID system's matching buffer (minutes): FHWA-HOP-12-049, chapter 7.
BUFFER_MIN = 120.0
#: How close the issue asks the modelled mean to be: within a quarter of the measured one.
TOLERANCE = 0.25


@dataclass
class CrossingTimeCheck:
    """Month by month: the RFID mean, the model's mean (± 95 % half-width over replications) and
    its mean within the RFID buffer, per crossing."""

    table: pd.DataFrame
    replications: int
    seed: int

    def summary(self) -> pd.DataFrame:
        """Per crossing: months compared, the measured and modelled ranges, the mean ratio and
        the share of months within ``TOLERANCE``."""
        rows = []
        for crossing, group in self.table.groupby("crossing", sort=False):
            ratio = group["model_min"] / group["rfid_min"]
            rows.append(
                {
                    "crossing": crossing,
                    "months": len(group),
                    "rfid_min": [float(group["rfid_min"].min()), float(group["rfid_min"].max())],
                    "model_min": [float(group["model_min"].min()), float(group["model_min"].max())],
                    "mean_ratio": float(ratio.mean()),
                    "within_tolerance": float((np.abs(ratio - 1) <= TOLERANCE).mean()),
                }
            )
        return pd.DataFrame(rows)


def check_crossing_times(
    years: Sequence[int] = (2012,),
    replications: int = 3,
    seed: int = 0,
    crossings: Sequence[str] = ("bota", "pharr"),
    progress: Callable[[int, int], None] | None = None,
) -> CrossingTimeCheck:
    """Simulate every month RFID measured in *years* at *crossings* and compare (module docstring)."""
    measured = data.rfid_crossing_times()
    measured = measured[measured["crossing"].isin(crossings) & measured["month"].dt.year.isin(years)]
    if measured.empty:
        have = sorted({str(m.year) for m in data.rfid_crossing_times()["month"]})
        raise AnalysisError(f"year: RFID crossing times exist for {', '.join(have)} only, got {list(years)}")
    rows = []
    for k, row in enumerate(measured.itertuples(index=False)):
        spec = default_spec(str(row.crossing), row.month.year)
        if "truck" not in spec.classes:
            raise AnalysisError(f"crossing: {spec.name} carries no trucks in {row.month.year}")
        spec = apply(spec.model_copy(update={"classes": {"truck": spec.classes["truck"]}}), WHOLE_CROSSING)
        run = run_port(spec, [row.month], replications, seed)
        table = run.table()
        within = np.nan
        if run.last is not None:
            totals = np.concatenate(
                [segment_times(run.last, f"truck.{e}")["total"] for e in spec.classes["truck"].flow_shares()]
            )
            within = float(totals[totals <= BUFFER_MIN].mean()) if (totals <= BUFFER_MIN).any() else np.nan
        rows.append(
            {
                "crossing": row.crossing,
                "name": spec.name,
                "month": str(row.month),
                "rfid_min": float(row.crossing_time_min),
                "model_min": float(table.loc["truck.crossing.total.mean_min", "mean"]),
                "model_ci95": float(table.loc["truck.crossing.total.mean_min", "ci95"]),
                "model_within_buffer_min": within,
                "cbp_wait_min": float(table.loc["truck.crossing.cbp_wait.mean_min", "mean"]),
                "mexico_min": float(table.loc["truck.crossing.mexico.mean_min", "mean"]),
            }
        )
        if progress is not None:
            progress(k + 1, len(measured))
    return CrossingTimeCheck(pd.DataFrame(rows), replications, seed)
