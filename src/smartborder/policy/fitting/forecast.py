"""Forecast: the next hours of a crossing's waits, from the state its latest readings imply.

The twin starts from the queues CBP's latest readings imply and runs the next hours on the
model's demand and staffing. **The inversion**: a delay of *W* minutes at a lane type with *c*
lanes open, each serving a vehicle every *s* minutes on average, means about ``W·c/s`` vehicles
ahead of a newcomer — the queue that, served at ``c/s`` vehicles a minute, takes *W* minutes
to clear. That many vehicles wait at the lane at the start (its *c* lanes busy), split among
the entitlements that use it by their shares; the lanes open in the first hour are the ones
read, later hours the model's. The twin's forecast for hour *k* is the mean wait of vehicles
reaching each lane within half an hour of ``at + k`` hours, over replications; the interval is
the 10th to 90th percentile of that mean across replications, widened by CBP's 5-minute rounding.

**The blend**: a calibrated model carries, per hour ahead, how the forecast mixes the twin with
the latest reading and with **climatology** — the mean of earlier days' readings at that lane,
day type and hour (``policy.climatology``), CBP's own "historical average" (``PortSpec.forecast``,
``ForecastBlend``). ``fit_blend`` chooses the weights on the training readings (the least mean
absolute error over a 0.05 grid, climatology left one day out), so a day that runs above the
usual keeps some of its surprise for the next hours, as queues do, and the twin corrects the
usual where it knows better. Every forecast row carries both baselines (persistence and
climatology) beside it, so a reader sees at once whether the twin adds anything.

**Open lanes stay open**: a lane type CBP reports open at the start is forecast open for as
long as its class is open in the model (at least one lane), never "closed" because the model's
schedule would have closed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder.policy.errors import REFUSALS, AnalysisError
from smartborder.policy.fitting.climatology import Climatology
from smartborder.policy.fitting.observed import (
    LANE_TYPES,
    TRAFFIC,
    Window,
    lane_hours,
    primary_model,
    window_demand,
)
from smartborder.ports.spec import ForecastBlend, PortSpec, eligible_lanes
from smartborder.twin import InitialQueue, SimulationResult, flow_streams, run
from smartborder.twin.arrivals import poisson_arrivals

#: Readings older than this before ``at`` are not a state to start from.
STALE_HOURS = 3.0
#: Half-width added to the interval for CBP's rounding to 5 minutes.
ROUNDING = 2.5


@dataclass(frozen=True)
class State:
    """The latest reading of one lane type of a class at or before the forecast time."""

    vehicle: str
    lane: str
    time: pd.Timestamp
    delay: float
    lanes_open: float


def latest_state(frame: pd.DataFrame, at: pd.Timestamp) -> list[State]:
    """Per class and lane type, the latest reading at or before *at* (within ``STALE_HOURS``)."""
    times = pd.to_datetime(frame["time_local"])
    past = frame[(times <= at) & (times >= at - pd.Timedelta(hours=STALE_HOURS))]
    if past.empty:
        first, last = times.min(), times.max()
        raise AnalysisError(
            f"at: no reading within {STALE_HOURS:g} h before {at:%Y-%m-%d %H:%M}; the "
            f"observations run {first:%Y-%m-%d %H:%M}..{last:%Y-%m-%d %H:%M}"
        )
    states = []
    for (vehicle, lane), rows in past.groupby(["vehicle", "lane"]):
        row = rows.loc[pd.to_datetime(rows["time_local"]).idxmax()]
        lanes = float(row["lanes_open"]) if pd.notna(row["lanes_open"]) else float("nan")
        states.append(
            State(str(vehicle), str(lane), pd.Timestamp(row["time_local"]), float(row["delay_minutes"]), lanes)
        )
    return states


def initial_queues(spec: PortSpec, vehicle: str, states: list[State]) -> list[InitialQueue]:
    """The queues the readings imply (the inversion in the module docstring)."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    shares = cls.flow_shares()
    out = []
    for state in states:
        if state.vehicle != vehicle or state.lane not in cls.lanes:
            continue
        users = {e: s for e, s in shares.items() if eligible_lanes(e, cls.lanes)[0] == state.lane} or {
            e: s for e, s in shares.items() if state.lane in eligible_lanes(e, cls.lanes)
        }
        weight = sum(users.values()) or 1.0
        service = sum(s * cls.service_of(e, spec.pre_inspection).expected for e, s in users.items()) / weight
        lanes_open = (
            state.lanes_open
            if np.isfinite(state.lanes_open) and state.lanes_open > 0
            else max(cls.lanes[state.lane].lanes("weekday")) or 1
        )
        waiting = state.delay * lanes_open / max(service, 1e-6)
        busy = int(lanes_open) if waiting > 0 else 0
        station = f"{vehicle}.primary.{state.lane}"
        for entitlement, share in users.items():
            n = round(float(waiting * share / weight))
            k = round(float(busy * share / weight))
            if n or k:
                out.append(InitialQueue(station=station, flow=f"{vehicle}.{entitlement}", waiting=n, in_service=k))
    return out


#: The columns of a forecast table.
COLUMNS = [
    "hours_ahead",
    "time",
    "traffic_type",
    "lane_type",
    "delay_minutes",
    "low",
    "high",
    "lanes_open",
    "twin",
    "persistence",
    "climatology",
]


def forecast(
    spec: PortSpec,
    frame: pd.DataFrame,
    at: pd.Timestamp,
    hours: int = 4,
    volumes: pd.Period | None = None,
    replications: int = 20,
    seed: int = 0,
    climatology: Climatology | None = None,
    leave_out_day: bool = False,
) -> pd.DataFrame:
    """Forecast rows (``COLUMNS``: hours_ahead, time, traffic_type, lane_type, delay_minutes, low,
    high, lanes_open, and beside them the twin's own forecast and the two baselines: persistence,
    the reading held, and climatology, the mean of earlier days at that lane, day type and hour)
    for each class and lane type read at or before *at* (``frame`` is ``observed.for_crossing``);
    delay, low and high are None in an hour the model closes the whole class.

    *climatology*: the earlier days to average (default: *frame*'s readings on days before *at*);
    *leave_out_day*: leave each hour's own day out of it (scoring on days it was built from)."""
    if not 1 <= hours <= 24:
        raise AnalysisError(f"hours: forecast 1 to 24 hours ahead, not {hours}")
    at = pd.Timestamp(at)
    states = latest_state(frame, at)
    if volumes is None:
        volumes = pd.Period(at, "M")
    if climatology is None:
        earlier = pd.to_datetime(frame["time_local"]) < at.normalize()
        climatology = Climatology.of(frame[earlier])
    rows = []
    for vehicle in sorted({s.vehicle for s in states}):
        if vehicle not in spec.classes:
            continue
        rows.extend(
            _forecast_class(spec, vehicle, states, at, hours, volumes, replications, seed, climatology, leave_out_day)
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _forecast_class(
    spec: PortSpec,
    vehicle: str,
    states: list[State],
    at: pd.Timestamp,
    hours: int,
    volumes: pd.Period,
    replications: int,
    seed: int,
    climatology: Climatology,
    leave_out_day: bool,
) -> list[dict[str, object]]:
    start = at.floor("h")
    window = Window(start.normalize(), 2, volumes)
    first_hour = int((start - start.normalize()) / pd.Timedelta(hours=1))
    span = slice(first_hour, first_hour + hours + 2)
    demand = {name: expected[span] for name, expected in window_demand(spec, vehicle, window).items()}
    schedules = {name: lanes[span].copy() for name, lanes in lane_hours(spec, vehicle, window).items()}
    class_open = np.sum(list(schedules.values()), axis=0) > 0
    for state in states:  # the lanes read hold through the first hour, and stay open after it
        name = f"{vehicle}.primary.{state.lane}"
        if state.vehicle != vehicle or name not in schedules:
            continue
        if np.isfinite(state.lanes_open):
            schedules[name][0] = int(state.lanes_open)
        if not np.isfinite(state.lanes_open) or state.lanes_open > 0:
            schedules[name] = np.where(class_open, np.maximum(schedules[name], 1), schedules[name])
    model = primary_model(spec, vehicle)
    initial = initial_queues(spec, vehicle, states)
    for queue in initial:  # a reading may show more lanes busy than the model staffs
        schedules[queue.station][0] = max(
            schedules[queue.station][0], sum(q.in_service for q in initial if q.station == queue.station)
        )
    offset = (at - start) / pd.Timedelta(minutes=1)
    lanes = list(spec.classes[vehicle].lanes)  # type: ignore[index]
    means = np.full((replications, hours, len(lanes)), np.nan)
    index = {s.name: i for i, s in enumerate(model.stations)}
    for r in range(replications):
        streams = flow_streams(seed, r, [f.name for f in model.flows])
        arrivals = {name: poisson_arrivals(expected, streams[name]) for name, expected in demand.items()}
        arrivals = {name: times[times >= offset] for name, times in arrivals.items()}
        result = run(
            model,
            arrivals,
            rng=streams,
            horizon=(hours + 2) * 60.0,
            start_weekday=int(start.day_of_week),
            start_hour=int(start.hour),
            initial=initial,
            schedules=schedules,
            engine="general",
        )
        assert isinstance(result, SimulationResult)  # the general engine carries the queue found
        for k in range(hours):
            centre = offset + (k + 1) * 60.0
            for j, lane in enumerate(lanes):
                waits = []
                for trace in result.flows.values():
                    t = trace.arrival[trace.n_initial :]
                    here = (np.abs(t - centre) <= 30.0) & (
                        trace.station[trace.n_initial :, 0] == index[f"{vehicle}.primary.{lane}"]
                    )
                    waits.append(trace.start[trace.n_initial :, 0][here] - t[here])
                values = np.concatenate(waits)
                means[r, k, j] = float(values.mean()) if values.size else 0.0
    read = {s.lane: s for s in states if s.vehicle == vehicle}
    blend = spec.forecast
    out = []
    for k in range(hours):
        hour = min(int((offset + (k + 1) * 60.0) // 60.0), hours + 1)
        target = at + pd.Timedelta(hours=k + 1)
        for j, lane in enumerate(lanes):
            if lane not in read:
                continue
            state = read[lane]
            usual = climatology.value(vehicle, lane, target, leave_out_day)
            usual_now = climatology.value(vehicle, lane, state.time, leave_out_day)
            open_now = int(schedules[f"{vehicle}.primary.{lane}"][hour])
            row: dict[str, object] = {
                "hours_ahead": k + 1,
                "time": f"{target:%Y-%m-%d %H:%M}",
                "traffic_type": TRAFFIC[vehicle],
                "lane_type": LANE_TYPES[lane],
                "delay_minutes": None,
                "low": None,
                "high": None,
                "lanes_open": open_now,
                "twin": None,
                "persistence": state.delay,
                "climatology": usual,
            }
            if open_now > 0:  # a class the model closes then has no wait to forecast
                twin = means[:, k, j]
                values = blended(blend, k, state.delay, twin, usual, usual_now)
                low, high = np.quantile(values, [0.1, 0.9])
                row.update(
                    delay_minutes=max(0.0, float(values.mean())),
                    low=max(0.0, float(low) - ROUNDING),
                    high=float(high) + ROUNDING,
                    twin=float(twin.mean()),
                )
            out.append(row)
    return out


def blended(
    blend: ForecastBlend | None, k: int, reading: float, twin: np.ndarray, usual: float | None, usual_now: float | None
) -> np.ndarray:
    """The forecast *k* + 1 hours ahead from the twin's replications, the reading and the
    climatology of the target hour (*usual*) and of the reading's hour (*usual_now*): the
    formula of ``ForecastBlend``; the twin alone without a blend."""
    if blend is None:
        return np.asarray(twin, dtype=float)
    if (
        blend.anomaly_weight is not None
        and blend.twin_weight is not None
        and usual is not None
        and usual_now is not None
    ):
        phi = blend.anomaly_weight[min(k, len(blend.anomaly_weight) - 1)]
        psi = blend.twin_weight[min(k, len(blend.twin_weight) - 1)]
        chi = blend.hold_weight[min(k, len(blend.hold_weight) - 1)] if blend.hold_weight else 0.0
        return np.maximum(
            usual
            + phi * (reading - usual_now)
            + psi * (np.asarray(twin, dtype=float) - usual)
            + chi * (usual_now - usual),
            0.0,
        )
    w = blend.persistence_weight[min(k, len(blend.persistence_weight) - 1)]
    return w * reading + (1.0 - w) * np.asarray(twin, dtype=float)


#: The columns of forecast records: one scored forecast each.
RECORD_COLUMNS = ["hours_ahead", "observed", "forecast", "twin", "persistence", "climatology", "climatology_now"]


def forecast_records(
    spec: PortSpec,
    frame: pd.DataFrame,
    volumes: pd.Period,
    hours: int = 4,
    replications: int = 5,
    seed: int = 0,
    every: int = 1,
    climatology: Climatology | None = None,
    leave_out_day: bool = False,
) -> pd.DataFrame:
    """On the readings of *frame*: from every *every*-th reading hour, forecast *hours* ahead
    beside the two baselines. One row per forecast reading with a later reading to score it
    against (``RECORD_COLUMNS``): the blended forecast, the twin's own, persistence (the reading
    held), and the climatology of the target hour and of the start hour (None where the
    climatology never saw that hour). *climatology*: the earlier days (held-out scoring: the
    training days); default *frame*'s own days, each left out of its own forecasts."""
    frame = frame.assign(_t=pd.to_datetime(frame["time_local"]).dt.floor("h"))
    starts = sorted(frame["_t"].unique())[::every]
    lookup = frame.set_index(["_t", "vehicle", "lane"])["delay_minutes"]
    lookup = lookup[~lookup.index.duplicated(keep="last")]
    vehicles = {v: k for k, v in TRAFFIC.items()}
    lanes = {v: k for k, v in LANE_TYPES.items()}
    if climatology is None:
        climatology, leave_out_day = Climatology.of(frame), True
    records = []
    for t0 in starts:
        t0 = pd.Timestamp(t0)
        try:
            predicted = forecast(
                spec, frame.drop(columns="_t"), t0, hours, volumes, replications, seed, climatology, leave_out_day
            )
        except REFUSALS:
            continue
        for row in predicted.dropna(subset=["delay_minutes"]).itertuples(index=False):
            vehicle, lane = vehicles[row.traffic_type], lanes[row.lane_type]
            target = (t0 + pd.Timedelta(hours=int(row.hours_ahead)), vehicle, lane)
            now = (t0, vehicle, lane)
            if target in lookup.index and now in lookup.index:
                records.append(
                    {
                        "hours_ahead": int(row.hours_ahead),
                        "observed": float(lookup[target]),
                        "forecast": float(row.delay_minutes),
                        "twin": float(row.twin),
                        "persistence": float(lookup[now]),
                        "climatology": None if pd.isna(row.climatology) else float(row.climatology),
                        "climatology_now": climatology.value(vehicle, lane, t0, leave_out_day),
                    }
                )
    return pd.DataFrame(records, columns=RECORD_COLUMNS)


def summarise_forecasts(table: pd.DataFrame) -> pd.DataFrame:
    """Per hours_ahead: readings scored, and the mean absolute error of the forecast, of
    persistence and of climatology, all on the same readings (those whose hour the climatology
    knows; all of them when it knows none, its MAE then NaN)."""
    columns = ["readings", "forecast_mae", "persistence_mae", "climatology_mae"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    rows = {}
    for hours_ahead, group in table.groupby("hours_ahead"):
        known = group[group["climatology"].notna()]
        scored = known if not known.empty else group
        clim = (known["climatology"].astype(float) - known["observed"]).abs().mean() if not known.empty else np.nan
        rows[hours_ahead] = {
            "readings": len(scored),
            "forecast_mae": float((scored["forecast"] - scored["observed"]).abs().mean()),
            "persistence_mae": float((scored["persistence"] - scored["observed"]).abs().mean()),
            "climatology_mae": float(clim),
        }
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    out.index.name = "hours_ahead"
    return out


def score_forecasts(
    spec: PortSpec,
    frame: pd.DataFrame,
    volumes: pd.Period,
    hours: int = 4,
    replications: int = 5,
    seed: int = 0,
    every: int = 1,
    climatology: Climatology | None = None,
) -> pd.DataFrame:
    """The forecast against persistence and climatology on the readings of *frame* (held-out
    days), per hours ahead (``summarise_forecasts``); *climatology*: the training days'."""
    return summarise_forecasts(forecast_records(spec, frame, volumes, hours, replications, seed, every, climatology))


def average_days(frame: pd.DataFrame, year: int) -> dict[pd.Period, pd.DataFrame]:
    """CBP's historical averages (month × weekday × hour) as days of hourly readings: each month's
    seven average days laid on the first week from its first Monday of *year* (the week
    ``calibration.average_windows`` simulates), so that a forecast can be scored on them as on
    snapshots. An average day is smoother than any real day: the score says how the forecast
    follows the typical daily shape, not how it follows one day's surprises."""
    out = {}
    for month, rows in frame.groupby("month"):
        first = pd.Timestamp(year=year, month=int(month), day=1)
        monday = first + pd.Timedelta(days=(7 - first.day_of_week) % 7)
        times = (
            monday
            + pd.to_timedelta(rows["weekday"].astype(int), unit="D")
            + pd.to_timedelta(rows["hour"].astype(int), unit="h")
        )
        out[pd.Period(first, "M")] = rows.assign(time_local=times.to_numpy(), lanes_open=np.nan)
    return out


#: Readings scored per hour ahead below which no weight is fitted (the twin alone).
MIN_BLEND_RECORDS = 12


def fit_weights(records: pd.DataFrame) -> list[float] | None:
    """Per hour ahead, the weight of persistence (0..1, step 0.05) with the least mean absolute
    error against what was observed; None when any horizon has too few records to say."""
    if records.empty:
        return None
    grid = np.linspace(0.0, 1.0, 21)
    weights = []
    for hours_ahead in sorted(records["hours_ahead"].unique()):
        rows = records[records["hours_ahead"] == hours_ahead]
        if len(rows) < MIN_BLEND_RECORDS:
            return None
        twin = rows["twin"] if "twin" in rows else rows["forecast"]
        blended = np.outer(grid, rows["persistence"].to_numpy()) + np.outer(1 - grid, twin.to_numpy())
        errors = np.abs(blended - rows["observed"].to_numpy()).mean(axis=1)
        weights.append(round(float(grid[int(np.argmin(errors))]), 2))
    return weights


def fit_anomaly_weights(records: pd.DataFrame) -> tuple[list[float], list[float], list[float]] | None:
    """Per hour ahead, the anomaly weight φ (0..1), twin weight ψ (0..1.5) and hold weight χ
    (0..1) of ``ForecastBlend``, step 0.05, with the least mean absolute error on the records
    whose hours the climatology knows; None when any horizon has too few of them. ψ may pass 1:
    the twin's departure from the usual is a mean over replications and over the lanes' hour,
    smoother than one reading's, so the fit may scale it up. Of the weights whose error is
    within one standard error of the least (the one-standard-error rule of Breiman et al.,
    *Classification and Regression Trees*, 1984), the smallest (φ + ψ + χ, then φ, then χ) are
    taken: a few dozen records cannot tell weights apart by less, and the smaller ones stay
    nearer climatology on days not fitted."""
    if records.empty or "climatology" not in records:
        return None
    known = records.dropna(subset=["climatology", "climatology_now"])
    grid = np.linspace(0.0, 1.0, 21)
    twin_grid = np.linspace(0.0, 1.5, 31)
    phis, psis, chis = [], [], []
    for hours_ahead in sorted(records["hours_ahead"].unique()):
        rows = known[known["hours_ahead"] == hours_ahead]
        if len(rows) < MIN_BLEND_RECORDS:
            return None
        usual = rows["climatology"].to_numpy(dtype=float)
        anomaly = rows["persistence"].to_numpy(dtype=float) - rows["climatology_now"].to_numpy(dtype=float)
        correction = rows["twin"].to_numpy(dtype=float) - usual
        change = rows["climatology_now"].to_numpy(dtype=float) - usual
        observed = rows["observed"].to_numpy(dtype=float)
        # absolute[i, j, m, r]: record r's error with φ = grid[i], ψ = twin_grid[j], χ = grid[m]
        predicted = (
            usual
            + grid[:, None, None, None] * anomaly
            + twin_grid[None, :, None, None] * correction
            + grid[None, None, :, None] * change
        )
        absolute = np.abs(np.maximum(predicted, 0.0) - observed)
        errors = absolute.mean(axis=3)
        best = np.unravel_index(int(np.argmin(errors)), errors.shape)
        spread = float(absolute[best].std(ddof=1) / np.sqrt(absolute.shape[3])) if absolute.shape[3] > 1 else 0.0
        near = np.argwhere(errors <= errors[best] + spread)
        i, j, m = min(
            near, key=lambda ijm: (grid[ijm[0]] + twin_grid[ijm[1]] + grid[ijm[2]], grid[ijm[0]], grid[ijm[2]])
        )
        phis.append(round(float(grid[i]), 2))
        psis.append(round(float(twin_grid[j]), 2))
        chis.append(round(float(grid[m]), 2))
    return phis, psis, chis
