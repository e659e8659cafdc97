"""The trade-off users ask for: interdiction against the secondary-inspection rate.

For each inspection rate the port is simulated twice on the same streams — once selecting by
risk score (the current profiles), once at random at the same rate — so the gap between the
two is what targeting buys, and the secondary wait shows what the inspection load costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.analysis import run_port
from smartborder.ports.spec import PortSpec

DEFAULT_RATES = (0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12)


def curve(
    spec: PortSpec,
    months: Sequence[pd.Period],
    vehicle: str = "truck",
    rates: Sequence[float] = DEFAULT_RATES,
    replications: int = 2,
    seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """One row per inspection rate: inspections, interdiction targeted vs random, secondary wait."""
    if vehicle not in spec.classes:
        raise AnalysisError(f"class: {spec.name} has no {vehicle} traffic; it serves {', '.join(spec.classes)}")
    bad = [r for r in rates if not 0 < r <= 1]
    if bad or not rates:
        raise AnalysisError(f"rates: each inspection rate must be in (0, 1], got {list(rates) or 'none'}")
    only = spec.model_copy(update={"classes": {vehicle: spec.classes[vehicle]}})
    rows = []
    for rate in sorted(rates):
        row: dict[str, float] = {"inspection_rate": rate}
        for selection in ("profiles", "random"):
            targeting = only.targeting.model_copy(
                update={"selection": selection, "inspection_rate": {**only.targeting.inspection_rate, vehicle: rate}}
            )
            run = run_port(
                only.model_copy(update={"targeting": targeting}), months, replications, seed, keep_last=False
            ).runs
            label = "targeted" if selection == "profiles" else "random"
            caught, loads = run[f"{vehicle}.illicit_caught"], run[f"{vehicle}.illicit_loads"]
            row[f"{label}_interdiction"] = float(caught.sum() / loads.sum()) if loads.sum() else np.nan
            row[f"{label}_caught"] = float(caught.mean())
            row[f"{label}_secondary_wait_min"] = float(run[f"{vehicle}.secondary_wait_mean_min"].mean())
            if selection == "profiles":
                inspected = run[f"{vehicle}.secondary_inspections"]
                row["inspections"] = float(inspected.mean())
                row["realised_rate"] = float(inspected.sum() / run[f"{vehicle}.vehicles"].sum())
                row["illicit_loads"] = float(loads.mean())
                row["random_hit_rate"] = _ratio(run[f"{vehicle}.random_hits"], run[f"{vehicle}.random_inspections"])
                row["targeted_hit_rate"] = _ratio(
                    run[f"{vehicle}.targeted_hits"], run[f"{vehicle}.targeted_inspections"]
                )
            if progress is not None:
                progress()
        rows.append(row)
    return pd.DataFrame(rows)


def _ratio(hits: pd.Series, trials: pd.Series) -> float:
    return float(hits.sum() / trials.sum()) if trials.sum() else np.nan
