"""Fit staffed booths to CBP's observed waits.

Installed booths are published; how many are staffed hour by hour is not. Where CBP's average
wait profile exists, the share of installed booths that is staffed is chosen so that the
simulated mean wait by hour of day comes closest (least squares) to CBP's. The fitted share
replaces a guess with a number the data supports; it is reported with the fit's error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder.data.wait_profiles import hourly_wait_profile
from smartborder.ports.spec import PortSpec
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.engine import simulate

GRID = tuple(round(x, 2) for x in np.arange(0.15, 1.001, 0.05))


@dataclass
class StaffingFit:
    vehicle: str
    lane: str
    month: pd.Period
    share: float
    rmse: float
    profile: pd.DataFrame  # hour → observed, simulated
    spec: PortSpec  # the port with booths scaled by the fitted share

    def as_dict(self) -> dict[str, object]:
        return {"vehicle": self.vehicle, "lane": self.lane, "month": str(self.month), "share": self.share,
                "rmse_min": self.rmse, "profile": self.profile.reset_index().to_dict(orient="records")}


def scale_booths(spec: PortSpec, vehicle: str, share: float) -> PortSpec:
    """The port with every primary lane of *vehicle* at *share* of its booths (at least one)."""
    out = spec.model_copy(deep=True)
    for lane in out.classes[vehicle].lanes.values():
        lane.booths = max(1, round(lane.booths * share))
    return out


def _simulated_profile(spec: PortSpec, vehicle: str, lane: str, month: pd.Period, seed: int) -> pd.Series:
    from smartborder.policy.analysis import demand_for, flow_streams

    only = spec.model_copy(update={"classes": {vehicle: spec.classes[vehicle]}})
    model = only.to_model()
    demand, first_weekday = demand_for(only, [month])
    streams = flow_streams(seed, 0, [f.name for f in model.flows])
    arrivals = {n: poisson_arrivals(h, streams[n]) for n, h in demand.items()}
    result = simulate(model, arrivals, rng=streams, horizon=next(iter(demand.values())).size * 60.0,
                      start_weekday=first_weekday)
    trace = result.flows[f"{vehicle}.{lane}"]
    wait = trace.start[:, 0] - trace.arrival
    hour = (trace.arrival // 60 % 24).astype(int)
    return pd.Series(np.bincount(hour, wait, 24) / np.maximum(np.bincount(hour, minlength=24), 1))


def fit_staffing(spec: PortSpec, month: pd.Period, vehicle: str = "pov", lane: str = "standard",
                 seed: int = 0) -> StaffingFit:
    """Share of installed booths staffed that best reproduces CBP's hourly waits for *month*."""
    observed = hourly_wait_profile(spec.data_port, vehicle, lane, month.month).to_numpy()
    best: tuple[float, float, pd.Series] | None = None
    for share in GRID:
        simulated = _simulated_profile(scale_booths(spec, vehicle, share), vehicle, lane, month, seed)
        rmse = float(np.sqrt(np.mean((simulated.to_numpy() - observed) ** 2)))
        if best is None or rmse < best[1]:
            best = (share, rmse, simulated)
    assert best is not None
    share, rmse, simulated = best
    profile = pd.DataFrame({"cbp_wait_min": observed, "simulated_wait_min": simulated.to_numpy()},
                           index=pd.RangeIndex(24, name="hour"))
    fitted = scale_booths(spec, vehicle, share)
    fitted.provenance[f"classes.{vehicle}.lanes.booths"] = (
        f"FITTED: {share:.0%} of installed booths staffed, least squares against CBP's average "
        f"{vehicle}/{lane} wait by hour for month {month.month} (RMSE {rmse:.1f} min) on BTS volumes of {month}")
    return StaffingFit(vehicle, lane, month, share, rmse, profile, fitted)
