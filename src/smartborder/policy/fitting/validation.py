"""Validation on data the model never saw: every crossing of a set of CBP readings, split by date.

``validate_waits(observations, split)`` does, for each crossing the readings cover, what a
reviewer of a wait model asks for: fit on the days up to *split* only, score on the later
days, and set beside each other, per crossing × traffic type × lane type,

- the **default** model (no fitting: what `simulate` runs), the **calibrated** model (fitted on
  the earlier days) and **climatology** (the earlier days' mean at that lane, day type and
  hour: CBP's own "historical average", the baseline to beat): mean absolute error, bias and
  the correlation of the mean hourly profile, and the error hour by hour;
- the **forecast** at each hour ahead against **persistence** (the reading held) and
  climatology, on the same later readings.

Nothing is tuned on the scored days: the calibration, its forecast blend and the climatology
all see the earlier days only (``calibration.calibrate`` with ``train_until=split``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.observations import Observations
from smartborder.policy.errors import AnalysisError
from smartborder.policy.fitting.calibration import calibrate, validate
from smartborder.policy.fitting.observed import LANE_TYPES, TRAFFIC, crossing_of, for_crossing, volume_month
from smartborder.policy.studies.city import DriverChoice, describe, share_drivers
from smartborder.ports import PortSpec, default_spec

#: The models scored per lane, in the order reports show them.
MODELS = ("default", "calibrated", "climatology")


@dataclass
class WaitValidation:
    """What ``validate_waits`` measured (tables in long form, one row per key)."""

    split: str
    lanes: pd.DataFrame  # crossing, traffic_type, lane_type, readings, observed_mean_min, <model>_{mae,bias,r}
    hourly: pd.DataFrame  # crossing, traffic_type, lane_type, hour, readings, observed_min, <model>_min
    forecast: pd.DataFrame  # crossing, hours_ahead, readings, forecast_mae, persistence_mae, climatology_mae
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Mean over lanes of each model's MAE and hourly r; mean over crossings of forecast MAEs."""
        out = {f"{m}_mae_min": float(self.lanes[f"{m}_mae_min"].mean()) for m in MODELS}
        out.update({f"{m}_hourly_r": float(self.lanes[f"{m}_hourly_r"].mean()) for m in MODELS})
        return out


def crossings_in(observations: Observations) -> list[data.Crossing]:
    """The catalogue crossings a set of readings describes, in name order."""
    keys = ["port_number", "port_name", "crossing_name", "crossing", "bts_port_code"]
    found: dict[str, data.Crossing] = {}
    for _, row in observations.frame[keys].drop_duplicates().iterrows():
        crossing = crossing_of(row)
        if crossing is not None:
            found[crossing.id] = crossing
    return [found[k] for k in sorted(found, key=lambda k: found[k].label)]


def validate_waits(
    observations: Observations,
    split: str,
    crossings: list[str] | None = None,
    month: str | None = None,
    seed: int = 0,
    evaluations: int = 60,
    forecast_hours: int = 4,
    city: DriverChoice | None = None,
) -> WaitValidation:
    """Score default, calibrated, climatology and the forecast on the readings after *split*
    (a date ``YYYY-MM-DD``, the last day fitted) at each crossing of *observations* (or those
    named in *crossings*). With *city*, the default models of each city's crossings share their
    drivers (``policy/studies/city.py``) and calibration starts from them."""
    if observations.kind != "snapshot":
        raise AnalysisError(
            "observations: validation splits dated readings by date; CBP's averages carry no dates "
            "(use `calibrate` with a last training month)"
        )
    try:
        pd.Timestamp(split)
    except ValueError:
        raise AnalysisError(f"split: expected a date YYYY-MM-DD, got {split!r}") from None
    available = crossings_in(observations)
    if crossings:
        wanted = [data.resolve_crossing(name) for name in crossings]
        missing = [c.label for c in wanted if c.id not in {a.id for a in available}]
        if missing:
            raise AnalysisError(
                f"crossing: no readings of {', '.join(missing)}; the readings cover "
                f"{', '.join(c.label for c in available) or 'no known crossing'}"
            )
        available = wanted
    if not available:
        raise AnalysisError("observations: none of the readings names a crossing smartborder knows")
    lanes: list[dict[str, object]] = []
    hourly: list[dict[str, object]] = []
    forecasts: list[dict[str, object]] = []
    notes: list[str] = []
    bases = _shared_bases(observations, available, month, seed, city, notes) if city is not None else {}
    for crossing in available:
        fit = calibrate(crossing, observations, month, split, seed, evaluations, base=bases.get(crossing.id))
        scored, tables, table = validate(fit, seed, forecast_hours)
        notes.extend(f"{crossing.label}: {n}" for n in fit.notes)
        lanes.extend(_lane_rows(crossing, scored, tables))
        hourly.extend(_hour_rows(crossing, scored))
        if table is not None:
            for hours_ahead, row in table.iterrows():
                forecasts.append({"crossing": crossing.label, "hours_ahead": int(hours_ahead), **row.to_dict()})
    return WaitValidation(
        f"fitted on readings up to {pd.Timestamp(split):%Y-%m-%d}, scored on the later days",
        pd.DataFrame(lanes),
        pd.DataFrame(hourly),
        pd.DataFrame(forecasts),
        notes,
    )


def _shared_bases(
    observations: Observations,
    available: list[data.Crossing],
    month: str | None,
    seed: int,
    city: DriverChoice,
    notes: list[str],
) -> dict[str, PortSpec]:
    """Each city's default models with their drivers shared, over the month that drives them."""
    bases: dict[str, PortSpec] = {}
    for code in dict.fromkeys(c.port_code for c in available):
        members = data.resolve_place(code).crossings
        if len(members) < 2:
            notes.append(f"city choice: {members[0].label} is its city's only crossing; its drivers have nowhere else")
            continue
        first = next(c for c in available if c.port_code == code)
        frame = for_crossing(observations, first)
        volumes = volume_month(first, pd.Timestamp(frame["time_local"].min()), month, [])
        shared, moved = share_drivers([default_spec(c, volumes.year) for c in members], [volumes], city, seed=seed)
        bases.update({spec.crossing: spec for spec in shared})
        notes.append(describe(city, moved))
    return bases


def _lane_rows(
    crossing: data.Crossing, scored: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame]
) -> list[dict[str, object]]:
    held = scored["calibrated_test"]
    rows = []
    for (vehicle, lane), group in held.groupby(["vehicle", "lane"]):
        row: dict[str, object] = {
            "crossing": crossing.label,
            "traffic_type": TRAFFIC[str(vehicle)],
            "lane_type": LANE_TYPES[str(lane)],
            "readings": len(group),
            "observed_mean_min": float(group["delay_minutes"].mean()),
        }
        for model in MODELS:
            table = tables[f"{model}_test"]
            key = (str(vehicle), str(lane))
            found = key in table.index
            row[f"{model}_mae_min"] = float(table.loc[key, "mae_min"]) if found else np.nan
            row[f"{model}_bias_min"] = float(table.loc[key, "bias_min"]) if found else np.nan
            row[f"{model}_hourly_r"] = float(table.loc[key, "hourly_r"]) if found else np.nan
        rows.append(row)
    return rows


def _hour_rows(crossing: data.Crossing, scored: dict[str, pd.DataFrame]) -> list[dict[str, object]]:
    """Held-out mean by hour of day: observed and each model, per lane."""
    rows = []
    frames = {m: scored[f"{m}_test"] for m in MODELS}
    for (vehicle, lane), group in frames["calibrated"].groupby(["vehicle", "lane"]):
        hours = pd.to_datetime(group["time_local"]).dt.hour
        observed = group.groupby(hours.to_numpy())["delay_minutes"].agg(["mean", "size"])
        per_model = {}
        for model, frame in frames.items():
            mine = frame[(frame["vehicle"] == vehicle) & (frame["lane"] == lane)]
            per_model[model] = mine.groupby(pd.to_datetime(mine["time_local"]).dt.hour.to_numpy())["predicted"].mean()
        for hour, values in observed.iterrows():
            row: dict[str, object] = {
                "crossing": crossing.label,
                "traffic_type": TRAFFIC[str(vehicle)],
                "lane_type": LANE_TYPES[str(lane)],
                "hour": int(hour),
                "readings": int(values["size"]),
                "observed_min": float(values["mean"]),
            }
            for model, profile in per_model.items():
                row[f"{model}_min"] = float(profile.get(hour, np.nan))
            rows.append(row)
    return rows
