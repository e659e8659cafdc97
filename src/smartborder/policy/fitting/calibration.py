"""Calibration: a crossing model fitted to CBP's observed waits, and scored on days it did not see.

What the public record lacks is fitted, per traffic class, by simulation-based optimisation:

- the primary **service-time** means, one factor per lane type observed (each entitlement's
  service scaled by the factor of the lane it uses);
- the **hourly arrival shape**, the model's weights times ``exp(a1 cos + b1 sin + a2 cos 2 + b2
  sin 2)`` of the hour (four numbers; a fuller shape would fit CBP's rounding noise);
- the **lane-choice** share of drivers who never switch lanes;
- the drivers' **patience** (classes that have one: one factor on its mean), which sets how long
  a line an over-full crossing keeps;
- the **staffing**: from the lanes CBP reports open — the median by day type and hour over the
  training days, a lane type missing at a reading being closed — or, for CBP's historical
  averages, which carry no lanes open, the staffing rule's target utilisation, fitted too.

The fit minimises the mean absolute error between each observed delay and the simulated mean
wait of vehicles reaching that lane within half an hour of the reading, over the training
days, with common random numbers (fixed seeds: the objective is a deterministic function of the
parameters), by Nelder–Mead (``scipy.optimize``): a handful of parameters, an objective that
is a simulation (noisy, not differentiable), no gradient to use — the derivative-free simplex
is the standard tool, and scipy is already a dependency; Optuna's samplers would add a package
and spend far more simulations on so few parameters.

The data are split in time, never at random: snapshots up to ``train_until`` are fitted, the
later days are scored; CBP's month × weekday × hour averages are fitted on the months up to
``train_until`` (a month number) and scored on the rest. Each figure is reported for the
calibrated and the default model on the same days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from smartborder import data
from smartborder.observations import Observations
from smartborder.policy.errors import REFUSALS, AnalysisError
from smartborder.policy.fitting.climatology import Climatology
from smartborder.policy.fitting.observed import (
    LANE_TYPES,
    TRAFFIC,
    Window,
    for_crossing,
    posted_as_standard,
    simulate_window,
    volume_month,
)
from smartborder.ports import PortSpec, default_spec
from smartborder.ports.spec import DAY_TYPES, ClassSpec, DaySchedule, ForecastBlend, eligible_lanes
from smartborder.ports.staffing import apply_rule, whole_lanes, work_mix

#: Bounds of the fitted numbers (outside them the model stops meaning anything).
SERVICE_BOUNDS = (0.25, 4.0)
SHAPE_BOUND = 1.5
UTILISATION_BOUNDS = (0.6, 1.4)
PATIENCE_BOUNDS = (0.1, 4.0)
#: The common service factors (logs) tried before the simplex starts: 0.5x to 3x.
GRID = tuple(float(v) for v in np.log([0.5, 0.7, 0.85, 1.2, 1.45, 1.75, 2.1, 2.5, 3.0]))
#: Averages: a week simulated per month (days of the week each appear once), one replication.
AVERAGE_DAYS = 7


@dataclass
class ClassFit:
    """The fitted numbers of one class and how well they fit the training data."""

    vehicle: str
    lanes: list[str]  # lane types with observations
    service_factor: dict[str, float]
    shape: tuple[float, float, float, float]
    loyal_share: float
    utilisation: float | None  # fitted staffing-rule utilisation (averages) or None
    observations: int
    train_mae: float
    evaluations: int
    patience_factor: float | None = None  # on the class's patience (classes that have one)


@dataclass
class Calibration:
    """A calibrated crossing model, its fits, and the observations split in time."""

    crossing: data.Crossing
    kind: str  # "snapshot" or "average"
    spec: PortSpec  # the calibrated model
    default: PortSpec
    fits: dict[str, ClassFit]
    train: pd.DataFrame
    test: pd.DataFrame
    split: str  # in words
    volume_month: pd.Period | None
    notes: list[str] = field(default_factory=list)
    volume_year: int | None = None  # averages: the year whose months drive each calendar month


# --- the model as a function of the parameters ---------------------------------------------


def _shape_weights(weights: tuple[float, ...], shape: tuple[float, float, float, float]) -> tuple[float, ...]:
    hours = np.arange(24) * 2 * np.pi / 24
    a1, b1, a2, b2 = shape
    factor = np.exp(a1 * np.cos(hours) + b1 * np.sin(hours) + a2 * np.cos(2 * hours) + b2 * np.sin(2 * hours))
    return tuple(float(w) for w in np.asarray(weights) * factor)


def apply_fit(cls: ClassSpec, fit: ClassFit, rule: Any, pre_service: float, source: str = "") -> ClassSpec:
    """The class with the fit's service factors, shape, lane choice (and staffing rule)."""
    out = cls.model_copy(deep=True)
    for entitlement in out.service:
        home = eligible_lanes(entitlement, out.lanes)[0]
        factor = fit.service_factor.get(home, fit.service_factor.get("standard", 1.0))
        base = cls.service[entitlement]
        scaled = base.scaled(factor)
        out.service[entitlement] = scaled.model_copy(update={"source": source or base.source})
    profile = out.profile
    out.profile = profile.model_copy(
        update={
            "hourly_weekday": _shape_weights(profile.hourly_weekday, fit.shape),
            "hourly_weekend": _shape_weights(profile.hourly_weekend, fit.shape) if profile.hourly_weekend else None,
            "source": source or profile.source,
        }
    )
    out.loyal_share = fit.loyal_share
    if fit.patience_factor is not None and out.patience is not None:
        scaled = out.patience.scaled(fit.patience_factor)
        out.patience = scaled.model_copy(update={"source": source or out.patience.source})
    out.design_mix = None  # staffed for the fitted service times
    if fit.utilisation is not None:
        own = cls.staffing_rule or rule  # a class's own rule (a roster) keeps its kind and shape
        out.staffing_rule = own.model_copy(
            update={"target_utilisation": fit.utilisation, "source": source or own.source}
        )
        out = apply_rule(out, rule, pre_service)
    return out


def _decode(
    x: np.ndarray, lanes: list[str], fit_staffing: bool, fit_patience: bool = False
) -> tuple[dict[str, float], tuple[float, float, float, float], float, float | None, float | None]:
    k = len(lanes)
    service = {lane: float(np.clip(math.exp(v), *SERVICE_BOUNDS)) for lane, v in zip(lanes, x[:k], strict=True)}
    shape = tuple(float(np.clip(v, -SHAPE_BOUND, SHAPE_BOUND)) for v in x[k : k + 4])
    loyal = float(1.0 / (1.0 + math.exp(-x[k + 4])))
    utilisation = float(np.clip(math.exp(x[k + 5]), *UTILISATION_BOUNDS)) if fit_staffing else None
    at = k + 5 + (1 if fit_staffing else 0)
    patience = float(np.clip(math.exp(x[at]), *PATIENCE_BOUNDS)) if fit_patience else None
    return service, shape, loyal, utilisation, patience  # type: ignore[return-value]


# --- observations, split and staffing ---------------------------------------------------------


def observed_staffing(frame: pd.DataFrame, cls: ClassSpec) -> dict[str, DaySchedule]:
    """Lanes open by day type and hour per lane type: the *mean* of CBP's readings (a lane type
    missing from a reading of the class is closed then), made whole over each day so that the
    day's lane-hours are the readings' (``ports.staffing.whole_lanes``: 1.5 lanes are 1 and 2 by
    turns; a median would close a lane type read open half the time, and rounding half to even
    would close a lane read open half the time at night). An hour never read is closed if the
    crossing's published hours say so (CBP shows 'Lanes Closed', no reading), else it borrows
    the nearest read hour of the day type, else of any day type."""
    lanes = list(cls.lanes)
    open_hours = {day: cls.lanes["standard"].is_open(day) for day in DAY_TYPES}
    times = pd.to_datetime(frame["time_local"])
    readings = frame.assign(day=[day_type(int(w)) for w in times.dt.day_of_week], hour=times.dt.hour.to_numpy())
    wide = readings.pivot_table(index=["time_local", "day", "hour"], columns="lane", values="lanes_open", aggfunc="max")
    wide = wide.reindex(columns=lanes).fillna(0.0)
    out: dict[str, DaySchedule] = {}
    for lane in lanes:
        by_day = wide[lane].groupby(level=["day", "hour"]).mean()
        by_hour = wide[lane].groupby(level="hour").mean()
        booths = max(cls.lanes[lane].booths, int(np.ceil(wide[lane].max())) if len(wide) else 0)
        days = {}
        for day in DAY_TYPES:
            values = [float(by_day.get((day, h), np.nan)) for h in range(24)]
            if all(np.isnan(values)):
                values = [float(by_hour.get(h, np.nan)) for h in range(24)]
            filled = _fill_nearest(values)
            targets = {h: v for h, v in enumerate(filled) if open_hours[day][h] or not np.isnan(values[h])}
            whole = whole_lanes(targets, max(booths, 1))
            days[day] = [whole.get(h, 0) for h in range(24)]
        out[lane] = DaySchedule(**days)
    return out


def day_type(weekday: int) -> str:
    return "weekday" if weekday < 5 else ("saturday" if weekday == 5 else "sunday")


def _fill_nearest(values: list[float]) -> list[float]:
    known = [h for h, v in enumerate(values) if not np.isnan(v)]
    if not known:
        return [1.0] * 24
    out = []
    for h in range(24):
        nearest = min(known, key=lambda k: (min(abs(k - h), 24 - abs(k - h)), k))
        out.append(float(values[nearest]))
    return out


def split_snapshots(frame: pd.DataFrame, train_until: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Training rows up to the end of *train_until*, held-out rows after (default: the last
    third of the days). A split that leaves either side empty is an error."""
    dates = pd.to_datetime(frame["time_local"]).dt.normalize()
    days = sorted(dates.unique())
    if train_until is None:
        if len(days) < 2:
            raise AnalysisError("train-until: the observations cover one day; a held-out day is needed")
        cut = days[max(0, math.ceil(len(days) * 2 / 3) - 1)]
    else:
        try:
            cut = pd.Timestamp(train_until).normalize()
        except ValueError:
            raise AnalysisError(f"train-until: expected a date YYYY-MM-DD, got {train_until!r}") from None
    train, test = frame[dates <= cut], frame[dates > cut]
    if train.empty:
        raise AnalysisError(f"train-until: no observation on or before {cut.date()}; they start {days[0].date()}")
    if test.empty:
        raise AnalysisError(f"train-until: {cut.date()} leaves no held-out day; the observations end {days[-1].date()}")
    words = (
        f"fitted on {train['time_local'].min():%Y-%m-%d}..{cut:%Y-%m-%d} ({len(train)} readings), "
        f"scored on {test['time_local'].min():%Y-%m-%d}..{test['time_local'].max():%Y-%m-%d} "
        f"({len(test)} readings)"
    )
    return train, test, words


def split_averages(frame: pd.DataFrame, train_until: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Averages: months 1..N fitted, the later months scored (default N = 9)."""
    try:
        last = 9 if train_until is None else int(train_until)
    except ValueError:
        raise AnalysisError(
            f"train-until: for CBP's monthly averages give the last training month (1..11), got {train_until!r}"
        ) from None
    if not 1 <= last <= 11:
        raise AnalysisError(
            f"train-until: the last training month must be 1..11 (a later month is held out), got {last}"
        )
    train, test = frame[frame["month"] <= last], frame[frame["month"] > last]
    if test.empty or train.empty:
        raise AnalysisError(f"train-until: months 1..{last} leave no held-out month in the averages")
    return train, test, f"fitted on months 1..{last}, scored on months {last + 1}..12 of CBP's averages"


# --- predictions ------------------------------------------------------------------------------


def snapshot_window(frame: pd.DataFrame, volumes: pd.Period) -> Window:
    """The days a set of readings covers, from local midnight, plus a day before to warm up."""
    times = pd.to_datetime(frame["time_local"])
    start = times.min().normalize() - pd.Timedelta(days=1)
    days = int((times.max().normalize() - start).days) + 1
    return Window(start, days, volumes)


def predict_snapshots(
    spec: PortSpec,
    vehicle: str,
    frame: pd.DataFrame,
    volumes: pd.Period,
    seed: int,
    replications: int,
    posted: set[tuple[str, str]] | None = None,
) -> np.ndarray:
    """The simulated wait at each reading (lane, hour) of *frame*; 0 where nobody came. A lane
    type CBP posts as the standard lanes' line (*posted*; default ``observed.posted_as_standard``
    of *frame*) is read from the model's standard lanes."""
    window = snapshot_window(frame, volumes)
    mean, _ = simulate_window(spec, vehicle, window, seed, replications)
    lanes = list(spec.classes[vehicle].lanes)  # type: ignore[index]
    found = posted_as_standard(frame) if posted is None else posted
    posted_lanes = {lane for v, lane in found if v == vehicle and "standard" in lanes}
    row = np.array([lanes.index("standard" if lane in posted_lanes else lane) for lane in frame["lane"]])
    hour = np.clip(window.hour_of(frame["time_local"]), 0, window.hours - 1)
    values = mean[row, hour]
    return np.where(np.isnan(values), 0.0, values)


def average_windows(months: list[int], year: int) -> dict[int, Window]:
    """A week per calendar month, from its first Monday, driven by that month's volumes."""
    out = {}
    for month in months:
        first = pd.Timestamp(year=year, month=month, day=1)
        monday = first + pd.Timedelta(days=(7 - first.day_of_week) % 7)
        out[month] = Window(monday, AVERAGE_DAYS, pd.Period(f"{year}-{month:02d}", "M"))
    return out


def predict_averages(spec: PortSpec, vehicle: str, frame: pd.DataFrame, year: int, seed: int) -> np.ndarray:
    """The simulated mean wait for each (month, weekday, hour, lane) row of *frame*."""
    lanes = list(spec.classes[vehicle].lanes)  # type: ignore[index]
    out = np.full(len(frame), np.nan)
    for month, window in average_windows(sorted(frame["month"].unique()), year).items():
        try:
            mean, _ = simulate_window(spec, vehicle, window, seed, 1)
        except REFUSALS:  # a month the data do not report for this class: not scored
            continue
        rows = np.flatnonzero(frame["month"].to_numpy() == month)
        sub = frame.iloc[rows]
        # Day d of the window is weekday (Monday + d); the reading's hour is hour-of-day.
        day = sub["weekday"].to_numpy().astype(int)
        hour = sub["hour"].to_numpy().astype(int)
        lane = np.array([lanes.index(x) for x in sub["lane"]])
        values = mean[lane, day * 24 + hour]
        out[rows] = np.where(np.isnan(values), 0.0, values)
    return out


# --- fitting ----------------------------------------------------------------------------------


def _check_lanes(spec: PortSpec, vehicle: str, frame: pd.DataFrame) -> list[str]:
    if vehicle not in spec.classes:
        raise AnalysisError(
            f"observations: {spec.name} has no {TRAFFIC.get(vehicle, vehicle)} traffic in the "
            f"model; it serves {', '.join(spec.classes)}"
        )
    lanes = sorted(frame["lane"].dropna().unique(), key=["standard", "Ready", "SENTRI", "FAST"].index)
    missing = [lane for lane in lanes if lane not in spec.classes[vehicle].lanes]
    if missing:
        types = ", ".join(LANE_TYPES[m] for m in missing)
        raise AnalysisError(
            f"observations: {spec.name} has {TRAFFIC[vehicle]} lane type(s) {types} in the "
            f"observations that the model lacks; its lanes: "
            f"{', '.join(spec.classes[vehicle].lanes)}"
        )
    return lanes


def fit_class(
    spec: PortSpec,
    vehicle: str,
    train: pd.DataFrame,
    kind: str,
    volumes: pd.Period | int,
    seed: int = 0,
    max_evaluations: int = 120,
    replications: int = 2,
) -> ClassFit:
    """Fit one class of *spec* (whose staffing is already set) to its training readings."""
    lanes = _check_lanes(spec, vehicle, train)
    cls = spec.classes[vehicle]  # type: ignore[index]
    fit_staffing = kind == "average"
    fit_patience = cls.patience is not None
    observed = train["delay_minutes"].to_numpy(dtype=float)
    rule = spec.staffing_rule
    pre = spec.pre_inspection.service_factor
    posted = posted_as_standard(train) if kind == "snapshot" else set()  # once, not per evaluation
    evaluations = 0

    def model(x: np.ndarray) -> tuple[ClassFit, PortSpec]:
        service, shape, loyal, utilisation, patience = _decode(x, lanes, fit_staffing, fit_patience)
        fit = ClassFit(vehicle, lanes, service, shape, loyal, utilisation, len(train), float("nan"), 0, patience)
        fitted = spec.model_copy(update={"classes": {**spec.classes, vehicle: apply_fit(cls, fit, rule, pre)}})
        return fit, fitted

    def loss(x: np.ndarray) -> float:
        nonlocal evaluations
        evaluations += 1
        _, fitted = model(x)
        if kind == "snapshot":
            predicted = predict_snapshots(fitted, vehicle, train, volumes, seed, replications, posted)
        else:
            predicted = predict_averages(fitted, vehicle, train, int(volumes), seed)
        errors = np.abs(predicted - observed)
        return float(np.nanmean(errors)) if np.isfinite(errors).any() else 1e9

    loyal0 = min(max(cls.loyal_share, 0.02), 0.98)
    x0 = np.concatenate(
        [
            np.zeros(len(lanes)),
            np.zeros(4),
            [math.log(loyal0 / (1 - loyal0))],
            [math.log((cls.staffing_rule or rule).target_utilisation)] if fit_staffing else [],
            [0.0] if fit_patience else [],
        ]
    )
    # Waits change little with load until the lanes saturate, then explode: a coarse search of
    # one common service factor first finds the right regime for the simplex to refine.
    best = (loss(x0), 0.0)
    for level in GRID:
        trial = x0.copy()
        trial[: len(lanes)] = level
        best = min(best, (loss(trial), level))
    x0[: len(lanes)] = best[1]
    steps = np.concatenate(
        [
            np.full(len(lanes), 0.4),
            np.full(4, 0.4),
            [1.0],
            [0.15] if fit_staffing else [],
            [0.5] if fit_patience else [],
        ]
    )
    simplex = np.vstack([x0] + [x0 + np.eye(x0.size)[k] * steps[k] for k in range(x0.size)])
    result = optimize.minimize(
        loss,
        x0,
        method="Nelder-Mead",
        options={"initial_simplex": simplex, "maxfev": max_evaluations, "xatol": 0.02, "fatol": 0.05},
    )
    fit, _ = model(result.x)
    fit.train_mae = float(result.fun)
    fit.evaluations = evaluations
    return fit


def calibrate(
    crossing: str | data.Crossing,
    observations: Observations,
    month: str | None = None,
    train_until: str | None = None,
    seed: int = 0,
    max_evaluations: int = 120,
    replications: int = 2,
    base: PortSpec | None = None,
    blend_hours: int = 4,
) -> Calibration:
    """Fit *crossing*'s model to *observations* (see the module docstring); with *blend_hours*,
    also the forecast's weight of the latest reading for 1..*blend_hours* hours ahead."""
    if not isinstance(crossing, data.Crossing):
        crossing = data.resolve_crossing(crossing)
    frame = for_crossing(observations, crossing)
    notes: list[str] = []
    kind = observations.kind
    if kind == "snapshot":
        train, test, words = split_snapshots(frame, train_until)
        volumes: pd.Period | int = volume_month(crossing, pd.Timestamp(train["time_local"].min()), month, notes)
        year = volumes.year  # type: ignore[union-attr]
    else:
        train, test, words = split_averages(frame, train_until)
        chosen = data.parse_month(month, "month") if month else crossing.last_month
        year = chosen.year if chosen.month == 12 or month else chosen.year - 1
        volumes = year
        notes.append(
            f"volumes: CBP's averages carry no dates; each month is driven by that month of {year}, "
            "the latest full year of data"
        )
        notes.append("staffing: CBP's averages carry no lanes open, so the staffing rule's utilisation is fitted too")
    default = base or default_spec(crossing, year)
    spec = default.model_copy(deep=True)
    provenance = dict(spec.provenance)
    fits: dict[str, ClassFit] = {}
    for vehicle, rows in train.groupby("vehicle"):
        vehicle = str(vehicle)
        _check_lanes(spec, vehicle, rows)
        if kind == "snapshot":
            schedules = observed_staffing(rows, spec.classes[vehicle])  # type: ignore[index]
            cls = spec.classes[vehicle]  # type: ignore[index]
            for name, lane in cls.lanes.items():
                lane.staffed = schedules[name]
                lane.booths = max(lane.booths, max(max(schedules[name].day(d)) for d in DAY_TYPES))
            cls.seasonal = False
            provenance[f"classes.{vehicle}.lanes.staffed"] = (
                f"CALIBRATED: median lanes open by day type and hour in {len(rows)} CBP readings, "
                f"{rows['time_local'].min():%Y-%m-%d}..{rows['time_local'].max():%Y-%m-%d}"
            )
        fit = fit_class(spec, vehicle, rows, kind, volumes, seed, max_evaluations, replications)
        span = (
            f"{rows['time_local'].min():%Y-%m-%d}..{rows['time_local'].max():%Y-%m-%d}"
            if kind == "snapshot"
            else f"months {int(rows['month'].min())}..{int(rows['month'].max())} of CBP's averages"
        )
        source = (
            f"CALIBRATED: fitted to {len(rows)} observations, {span}, MAE {fit.train_mae:.1f} min "
            f"({fit.evaluations} simulations)"
        )
        spec.classes[vehicle] = apply_fit(  # type: ignore[index]
            spec.classes[vehicle],  # type: ignore[index]
            fit,
            spec.staffing_rule,
            spec.pre_inspection.service_factor,
            source,
        )
        spec.classes[vehicle].design_mix = work_mix(  # type: ignore[index]
            spec.classes[vehicle],  # type: ignore[index]
            spec.pre_inspection.service_factor,
        )
        for entitlement in spec.classes[vehicle].service:  # type: ignore[index]
            provenance[f"classes.{vehicle}.service.{entitlement}"] = source
        provenance[f"classes.{vehicle}.profile"] = source
        provenance[f"classes.{vehicle}.loyal_share"] = source
        if fit.patience_factor is not None:
            provenance[f"classes.{vehicle}.patience"] = f"{source}; patience x{fit.patience_factor:.2f}"
        if fit.utilisation is not None:
            provenance[f"classes.{vehicle}.lanes.staffed"] = (
                f"{source}; staffing rule utilisation {fit.utilisation:.2f}"
            )
        fits[vehicle] = fit
    spec = PortSpec.model_validate(spec.model_copy(update={"provenance": provenance, "forecast": None}).model_dump())
    if blend_hours:
        blend, scored = fit_blend(spec, train, kind, volumes, seed, blend_hours)
        if blend is not None:
            provenance["forecast.persistence_weight"] = (
                f"CALIBRATED: weight of the latest reading by hour ahead, least MAE over {scored} forecasts "
                f"on the training readings ({words})"
            )
            if blend.anomaly_weight is not None:
                provenance["forecast.anomaly_weight"] = (
                    f"CALIBRATED: weights of today's departure from climatology, of the twin's correction "
                    f"to it and of the usual's change held back, by hour ahead, the smallest within one "
                    f"standard error of the least MAE over the same {scored} forecasts, climatology of the "
                    "other training days"
                )
            spec = spec.model_copy(update={"provenance": provenance, "forecast": blend})
    return Calibration(
        crossing,
        kind,
        PortSpec.model_validate(spec.model_dump()),
        default,
        fits,
        train,
        test,
        words,
        volumes if isinstance(volumes, pd.Period) else None,
        notes,
        None if isinstance(volumes, pd.Period) else int(volumes),
    )


def as_readings(frame: pd.DataFrame, kind: str, volumes: pd.Period | int) -> pd.DataFrame:
    """Readings with their local times: snapshots as they are; CBP's averages as the average
    days of *volumes*' year (``forecast.average_days``)."""
    from smartborder.policy.fitting.forecast import average_days

    if kind == "snapshot":
        return frame
    days = list(average_days(frame, volumes.year if isinstance(volumes, pd.Period) else int(volumes)).values())
    return pd.concat(days, ignore_index=True) if days else frame.assign(time_local=pd.NaT)


def training_climatology(train: pd.DataFrame, kind: str, volumes: pd.Period | int) -> Climatology:
    """Climatology of the training readings (for averages: their average days as readings)."""
    return Climatology.of(as_readings(train, kind, volumes))


def fit_blend(
    spec: PortSpec, train: pd.DataFrame, kind: str, volumes: pd.Period | int, seed: int, hours: int = 4, every: int = 2
) -> tuple[ForecastBlend | None, int]:
    """The forecast's blend per hour ahead (``ForecastBlend``), fitted on the training readings
    only: the twin forecasts from every *every*-th training hour, and each horizon takes the
    weights that best combine it with persistence and with climatology — the climatology of the
    *other* training days, so that no forecast is scored against a baseline that saw its day.
    Returns (the blend or None, forecasts scored)."""
    from smartborder.policy.fitting.forecast import (
        average_days,
        fit_anomaly_weights,
        fit_weights,
        forecast_records,
    )

    twin = spec.model_copy(update={"forecast": None})
    climatology = training_climatology(train, kind, volumes)
    if kind == "snapshot":
        records = forecast_records(twin, train, volumes, hours, 5, seed, every, climatology, leave_out_day=True)
    else:
        year = volumes.year if isinstance(volumes, pd.Period) else int(volumes)
        parts = [
            forecast_records(twin, days, month, hours, 5, seed, every, climatology, leave_out_day=True)
            for month, days in average_days(train, year).items()
        ]
        records = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    weights = fit_weights(records)
    if weights is None:
        return None, len(records)
    anomaly = fit_anomaly_weights(records)
    if anomaly is None:
        return ForecastBlend(persistence_weight=weights), len(records)
    return ForecastBlend(
        persistence_weight=weights, anomaly_weight=anomaly[0], twin_weight=anomaly[1], hold_weight=anomaly[2]
    ), len(records)


# --- validation -------------------------------------------------------------------------------


def score(
    spec: PortSpec, frame: pd.DataFrame, kind: str, volumes: pd.Period | int, seed: int, replications: int = 4
) -> pd.DataFrame:
    """*frame* with the model's ``predicted`` wait beside each observed one."""
    parts = []
    for vehicle, rows in frame.groupby("vehicle"):
        vehicle = str(vehicle)
        if vehicle not in spec.classes:
            continue
        if kind == "snapshot":
            predicted = predict_snapshots(spec, vehicle, rows, volumes, seed + 1, replications)
        else:
            predicted = predict_averages(spec, vehicle, rows, int(volumes), seed + 1)
        parts.append(rows.assign(predicted=predicted))
    return pd.concat(parts) if parts else frame.assign(predicted=np.nan)


def score_climatology(
    climatology: Climatology, frame: pd.DataFrame, kind: str, volumes: pd.Period | int
) -> pd.DataFrame:
    """*frame* with the climatology's value as ``predicted`` (NaN at hours it never saw)."""
    frame = as_readings(frame, kind, volumes)
    values = [
        climatology.value(str(v), str(lane), pd.Timestamp(t))
        for v, lane, t in zip(frame["vehicle"], frame["lane"], frame["time_local"], strict=True)
    ]
    return frame.assign(predicted=[np.nan if v is None else v for v in values])


def metrics(scored: pd.DataFrame) -> pd.DataFrame:
    """Per class and lane type: readings, MAE and bias of the readings, and of the mean hourly
    profile its MAE and correlation. One day's readings carry the luck of that day's queues; the
    profile averages it out, so it shows what the model gets right on average."""
    rows = {}
    hour = (
        pd.to_datetime(scored["time_local"]).dt.hour
        if "time_local" in scored and scored["time_local"].notna().all()
        else scored["hour"]
    )
    scored = scored.assign(_hour=hour.to_numpy())
    scored = scored[scored["predicted"].notna()]
    for (vehicle, lane), group in scored.groupby(["vehicle", "lane"]):
        error = group["predicted"] - group["delay_minutes"]
        profile = group.groupby("_hour")[["predicted", "delay_minutes"]].mean()
        corr = (
            float(np.corrcoef(profile["predicted"], profile["delay_minutes"])[0, 1])
            if len(profile) > 2 and profile.std().min() > 0
            else float("nan")
        )
        rows[(str(vehicle), str(lane))] = {
            "traffic_type": TRAFFIC[str(vehicle)],
            "lane_type": LANE_TYPES[str(lane)],
            "readings": len(group),
            "mae_min": float(error.abs().mean()),
            "bias_min": float(error.mean()),
            "profile_mae_min": float((profile["predicted"] - profile["delay_minutes"]).abs().mean()),
            "hourly_r": corr,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.names = ["class", "lane"]
    return table


def validate(
    calibration: Calibration, seed: int = 0, forecast_hours: int = 4, forecast_every: int = 2
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame | None]:
    """Score the calibrated and the default model on the training and held-out data, and (for
    snapshots) the forecast against persistence on the held-out days.

    Returns the scored readings, the metric tables (``calibrated_train``, ``calibrated_test``,
    ``default_train``, ``default_test``, and ``climatology_test``: the training days' mean at
    each reading's lane, day type and hour, the baseline a model must beat) and the forecast table (for averages, scored on the
    held-out months' average days read as hourly readings; None when *forecast_hours* is 0).
    """
    from smartborder.policy.fitting.forecast import (
        average_days,
        forecast_records,
        score_forecasts,
        summarise_forecasts,
    )

    volumes: pd.Period | int = (
        calibration.volume_month
        if calibration.volume_month is not None
        else int(calibration.volume_year or calibration.crossing.last_month.year)
    )
    scored = {}
    for name, spec in (("calibrated", calibration.spec), ("default", calibration.default)):
        for label, frame in (("train", calibration.train), ("test", calibration.test)):
            scored[f"{name}_{label}"] = score(spec, frame, calibration.kind, volumes, seed)
    climatology = training_climatology(calibration.train, calibration.kind, volumes)
    scored["climatology_test"] = score_climatology(climatology, calibration.test, calibration.kind, volumes)
    tables = {name: metrics(frame) for name, frame in scored.items()}
    forecasts = None
    if forecast_hours and calibration.kind == "snapshot":
        forecasts = score_forecasts(
            calibration.spec,
            calibration.test,
            calibration.volume_month,
            forecast_hours,
            5,
            seed,
            forecast_every,
            climatology,
        )
    elif forecast_hours:  # averages: each held-out month's average days read as hourly readings
        records = [
            forecast_records(calibration.spec, days, month, forecast_hours, 5, seed, forecast_every, climatology)
            for month, days in average_days(
                calibration.test, int(volumes.year) if isinstance(volumes, pd.Period) else volumes
            ).items()
        ]
        forecasts = summarise_forecasts(pd.concat(records, ignore_index=True))
    return scored, tables, forecasts
