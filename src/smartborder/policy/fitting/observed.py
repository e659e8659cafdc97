"""Observed waits in the twin's terms: which crossing, class and lane, and the window they cover.

CBP's Border Wait Times speak of crossings by port number and name, of traffic types
(passenger, pedestrian, commercial) and lane types (standard, ready_lane, SENTRI/NEXUS, FAST);
the twin of crossings (``data.crossings``), classes (pov, pedestrian, truck) and lanes
(standard, Ready, SENTRI, FAST). ``for_crossing`` keeps one crossing's observations and renames
them; ``simulate_window`` runs a crossing model over the days the observations cover, with the
volumes of a month of real data, and gives the mean wait of vehicles reaching each lane around
each hour — what a CBP officer estimates for that hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartborder import data
from smartborder.observations import Observations
from smartborder.policy.errors import AnalysisError
from smartborder.ports.demand import _hourly_weights, day_factors, day_shares, day_type
from smartborder.ports.spec import DAY_TYPES, PortSpec
from smartborder.twin import LeanResult, LeanTrace, flow_streams, run
from smartborder.twin.arrivals import poisson_arrivals
from smartborder.twin.model import PortModel

CLASSES = {"passenger": "pov", "pedestrian": "pedestrian", "commercial": "truck"}
TRAFFIC = {v: k for k, v in CLASSES.items()}
LANES = {"standard": "standard", "ready_lane": "Ready", "SENTRI": "SENTRI", "NEXUS": "SENTRI", "FAST": "FAST"}
LANE_TYPES = {"standard": "standard", "Ready": "ready_lane", "SENTRI": "SENTRI", "FAST": "FAST"}


def crossing_of(row: pd.Series) -> data.Crossing | None:
    """The crossing a CBP observation row describes (port number first, then the names)."""
    number = str(row.get("port_number", "") or "").strip()
    if number:
        found = data.by_cbp_number(number)
        if found is not None:
            return found
    for text in (row.get("crossing_name"), row.get("crossing"), row.get("port_name"), row.get("bts_port_code")):
        text = str(text or "").strip()
        if not text:
            continue
        for candidate in (text, text.split(" - ")[-1]):
            try:
                place = data.resolve_place(candidate)
            except data.DataError:
                continue
            if len(place.crossings) == 1:
                return place.crossings[0]
    return None


def for_crossing(observations: Observations, crossing: data.Crossing) -> pd.DataFrame:
    """The observations of one crossing, with ``vehicle`` and ``lane`` in the twin's terms.

    Raises ``AnalysisError`` naming the crossings the file holds when it has none of this one.
    """
    frame = observations.frame
    if frame.empty:
        raise AnalysisError(
            "observations: the file holds no usable observation (see `smartborder observations summary`)"
        )
    keys = ["port_number", "port_name", "crossing_name", "crossing", "bts_port_code"]
    identities = frame[keys].drop_duplicates()
    matched = {}
    for _, row in identities.iterrows():
        found = crossing_of(row)
        matched[tuple(row)] = found.id if found else None
    ids = frame[keys].apply(lambda r: matched[tuple(r)], axis=1)
    mine = frame[ids == crossing.id].copy()
    if mine.empty:
        held = sorted({str(c) for c in frame["crossing"].unique()})
        raise AnalysisError(f"observations: none for {crossing.label}; the file holds {', '.join(held)}")
    mine["vehicle"] = mine["traffic_type"].map(CLASSES)
    mine["lane"] = mine["lane_type"].map(LANES)
    return mine


#: A lane type whose readings equal the standard lanes' at this share of the times both are read
#: (and at least ``POSTED_PAIRS`` of them) is posted as the standard lanes' line (``posted_as_standard``).
POSTED_SHARE = 0.95
POSTED_PAIRS = 20


def posted_as_standard(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """The (class, lane type) pairs of *frame* (one crossing's snapshots) whose CBP readings are
    the standard lanes' number, not their own: equal to the standard lanes' reading at the same
    time in ``POSTED_SHARE`` of ``POSTED_PAIRS`` or more paired readings.

    At Brownsville's four bridges CBP posts the Ready lanes' delay equal to the standard lanes'
    in 99-100 % of paired readings (shipped archive, August 2026; SENTRI at Veterans in 11 %):
    the cars of both queue in one line on the bridge until the plaza, so the number is that
    line's. Such a reading says nothing of the Ready lanes' own queue and is compared with the
    model's standard lanes (``calibration.predict_snapshots``)."""
    if frame.empty or "time_local" not in frame:
        return set()
    out = set()
    for (vehicle, lane), rows in frame.groupby(["vehicle", "lane"]):
        if lane == "standard":
            continue
        standard = frame[(frame["vehicle"] == vehicle) & (frame["lane"] == "standard")]
        both = pd.merge(
            rows[["time_local", "delay_minutes"]],
            standard[["time_local", "delay_minutes"]],
            on="time_local",
            suffixes=("", "_standard"),
        ).dropna()
        both = both[(both["delay_minutes"] > 0) | (both["delay_minutes_standard"] > 0)]  # two empty lines: no evidence
        if (
            len(both) >= POSTED_PAIRS
            and (both["delay_minutes"] == both["delay_minutes_standard"]).mean() >= POSTED_SHARE
        ):
            out.add((str(vehicle), str(lane)))
    return out


@dataclass(frozen=True)
class Window:
    """Days to simulate: from local midnight of *start*, *days* long, demand from *volume_month*."""

    start: pd.Timestamp
    days: int
    volume_month: pd.Period

    @property
    def hours(self) -> int:
        return self.days * 24

    def hour_of(self, times: pd.Series) -> np.ndarray:
        """The window's hour bucket nearest each time (a reading at 1:00 pm covers 12:30-1:30)."""
        minutes = (pd.to_datetime(times) - self.start) / pd.Timedelta(minutes=1)
        result: np.ndarray = np.floor((minutes.to_numpy(dtype=float) + 30.0) / 60.0).astype(np.int64)
        return result


def volume_month(crossing: data.Crossing, when: pd.Timestamp, month: str | None, notes: list[str]) -> pd.Period:
    """The month whose real volumes drive the run: *month*, the observations' own month if the
    data reach it, else the same calendar month in the latest year with data (said in *notes*)."""
    if month is not None:
        chosen = data.parse_month(month, "month")
        if not crossing.first_month <= chosen <= crossing.last_month:
            raise AnalysisError(
                f"month: {crossing.label} has data from {crossing.first_month} to {crossing.last_month}, not {chosen}"
            )
        return chosen
    own = pd.Period(when, "M")
    if crossing.first_month <= own <= crossing.last_month:
        return own
    year = crossing.last_month.year if crossing.last_month.month >= own.month else crossing.last_month.year - 1
    chosen = pd.Period(f"{year}-{own.month:02d}", "M")
    notes.append(
        f"volumes: the observations ({own}) postdate the shipped data of {crossing.label} "
        f"(to {crossing.last_month}); demand comes from {chosen}, the same calendar month in the latest year with data"
    )
    return chosen


def window_demand(spec: PortSpec, vehicle: str, window: Window) -> dict[str, np.ndarray]:
    """Expected arrivals per hour of the window for each flow of a class: the volume month's
    average day, shaped by weekday and hour as the model says, over the hours it is open."""
    from smartborder.ports.demand import class_volume

    cls = spec.classes[vehicle]  # type: ignore[index]
    volume = class_volume(spec, vehicle, window.volume_month)
    if volume is None:
        raise AnalysisError(f"month: {spec.name} has no {cls.measure} data for {window.volume_month}")
    per_day = volume / window.volume_month.days_in_month
    open_by_day = {d: cls.is_open(d) for d in DAY_TYPES}
    weekly = day_factors(cls, [any(open_by_day[day_type(w)]) for w in range(7)]) * 7.0
    first = int(window.start.day_of_week)
    shapes = {d: day_shares(_hourly_weights(cls, d), open_by_day[d], cls.pre_opening) for d in DAY_TYPES}
    hourly = np.concatenate(
        [per_day * weekly[(first + d) % 7] * shapes[day_type((first + d) % 7)] for d in range(window.days)]
    )
    return {f"{vehicle}.{e}": hourly * share for e, share in cls.flow_shares().items()}


def lane_hours(spec: PortSpec, vehicle: str, window: Window) -> dict[str, np.ndarray]:
    """Open lanes hour by hour over the window for each primary station of a class."""
    cls = spec.classes[vehicle]  # type: ignore[index]
    first = int(window.start.day_of_week)
    return {
        f"{vehicle}.primary.{name}": np.concatenate(
            [lane.lanes(day_type((first + d) % 7)) for d in range(window.days)]
        ).astype(np.int64)
        for name, lane in cls.lanes.items()
    }


def primary_model(spec: PortSpec, vehicle: str) -> PortModel:
    """The class's lanes alone: what happens after primary does not change the wait to it."""
    only = spec.model_copy(update={"classes": {vehicle: spec.classes[vehicle]}})  # type: ignore[index]
    full = only.to_model()
    flows = [  # a chain's stages before CBP (ports/chain.py) dropped: the line starts at CBP
        f.model_copy(
            update={
                "route": [f.route[f.primary_step].model_copy(update={"patience": f.patience})],
                "primary_step": 0,
            }
        )
        for f in full.flows
    ]
    stations = [s for s in full.stations if s.stage == "primary"]
    return PortModel(name=full.name, stations=stations, flows=flows)


def simulate_window(
    spec: PortSpec, vehicle: str, window: Window, seed: int = 0, replications: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Mean wait (minutes) and vehicles by lane and window hour (nearest-hour buckets), averaged
    over *replications* with common random numbers: arrays ``(lanes, hours)``, lanes in the
    class's order; NaN where nobody reached a lane in that hour."""
    only = spec.model_copy(update={"classes": {vehicle: spec.classes[vehicle]}})  # type: ignore[index]
    model = primary_model(spec, vehicle)
    demand = window_demand(only, vehicle, window)
    schedules = lane_hours(only, vehicle, window)
    lanes = list(only.classes[vehicle].lanes)  # type: ignore[index]
    index = {name: i for i, name in enumerate(s.name for s in model.stations)}
    local = np.full(len(index), -1, dtype=np.int64)
    for k, lane in enumerate(lanes):
        local[index[f"{vehicle}.primary.{lane}"]] = k
    total = np.zeros((len(lanes), window.hours))
    count = np.zeros((len(lanes), window.hours))
    start_weekday = int(window.start.day_of_week)
    for r in range(replications):
        streams = flow_streams(seed, r, [f.name for f in model.flows])
        arrivals = {name: poisson_arrivals(expected, streams[name]) for name, expected in demand.items()}
        result = run(
            model,
            arrivals,
            rng=streams,
            horizon=window.hours * 60.0,
            start_weekday=start_weekday,
            workers=1,
            schedules=schedules,
        )
        assert isinstance(result, LeanResult)  # a primary model has a crossing's shape
        for trace in result.flows.values():
            assert isinstance(trace, LeanTrace)
            bucket = np.floor((trace.arrival + 30.0) / 60.0).astype(np.int64)
            keep = (bucket < window.hours) & (trace.lane >= 0)  # who left without joining waited nowhere
            key = local[trace.lane[keep]] * window.hours + bucket[keep]
            wait = (trace.begin - trace.arrival)[keep]
            size = len(lanes) * window.hours
            total += np.bincount(key, wait, size).reshape(len(lanes), window.hours)
            count += np.bincount(key, minlength=size).reshape(len(lanes), window.hours)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count, count / replications
