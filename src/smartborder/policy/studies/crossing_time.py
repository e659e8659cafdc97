"""A truck's two clocks: CBP's wait and the whole crossing, Mexico to the state's facility.

For classes with a chain (``ports/chain.py``) every truck of the period is cut into the
``SEGMENTS`` it spent its minutes in, from joining the end of the line at Mexico's export customs
to leaving the state's facility: each route step it visited adds the time from reaching that
step's queue to the end of its service there to the step's segment. Steps follow one another
with no gap (a truck reaches a step when it leaves the one before), so the segments add up to
the total, exactly; a stage a truck skips adds zero. CBP's published wait (end of its line to
its primary booth) is reported beside them: it is part of ``cbp_primary``.

Keys (``{v}`` a class with a chain, ``{e}`` an entitlement group, ``{s}`` in ``REPORTED``):

- ``{v}.crossing.{s}.mean_min``, ``{v}.crossing.{s}.p95_min``: every truck of the class;
- ``{v}.{e}.crossing.{s}.mean_min``, ``{v}.{e}.crossing.{s}.p95_min``: its holders of *e*;
- ``{v}.crossing.trucks``: trucks of the period that crossed (those that turned away did not);
- ``{v}.crossing.not_sent``: trucks of the period whose crossing would have run past what their
  carrier accepts (``TruckChain.carriers``): not sent, so neither in the crossing's times nor in
  ``trucks`` (their minutes in Mexico's and CBP's lines stay in those lines: the twin has no blocking);
- ``{v}.crossing.mexico_exams``, ``{v}.crossing.state_inspections``: trucks sent to each;
- ``{v}.crossing.out_of_service``: the state's inspections times its out-of-service share
  (expected, not drawn: an out-of-service truck's repair is outside the crossing);
- ``{v}.crossing.{s}.queue_hours`` (``{s}`` in ``SEGMENTS``) and ``{v}.crossing.vehicle_hours_delay``:
  hours trucks spent waiting in lines, by segment and in all, the whole crossing's delay (CBP's
  side alone is ``{v}.vehicle_hours_delay``); ``{v}.crossing.value_of_time_usd``,
  ``fuel_gallons``, ``fuel_cost_usd``, ``co2_tonnes``, ``total_cost_usd``: its cost and idling
  emissions (``costs.class_cost``), so a lever's value counts Mexico's side too.

Percentiles come from one-minute histograms up to ``MAX_MIN`` (longer times fall in the last bin).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from smartborder.policy.studies.costs import CostParameters, class_cost
from smartborder.ports.chain import REPORTED, SEGMENT_OF, SEGMENTS
from smartborder.ports.spec import PortSpec
from smartborder.twin import FlowTrace, LeanResult, SimulationResult, histogram_quantile

BIN_MIN = 1.0
MAX_MIN = 7 * 1440.0  # a week


def _flow_rows(result: SimulationResult | LeanResult, flow: str) -> tuple[FlowTrace, slice, np.ndarray | slice, int]:
    """The flow's trace, its rows of the period, which of them crossed (a slice if all) and how many."""
    trace = result.flows[flow]
    if not isinstance(trace, FlowTrace):
        raise TypeError(f"flow {flow!r} has no chain: its trace has no steps before CBP primary")
    rows = slice(trace.n_initial, int(np.searchsorted(trace.arrival, result.horizon)))
    crossed = trace.station[rows, result.model.flow(flow).primary_step] >= 0  # who turned away did not
    if any(step.patience is not None for step in result.model.flow(flow).route[1:]):
        crossed &= ~trace.left[rows]  # nor a truck its carrier would not have sent
    n = int(crossed.sum())
    return trace, rows, (slice(None) if n == crossed.size else crossed), n


def segment_times(result: SimulationResult | LeanResult, flow: str) -> dict[str, np.ndarray]:
    """Minutes per segment (and ``cbp_wait``, ``total``) of the flow's trucks of the period that
    crossed, in arrival order."""
    route = result.model.flow(flow)
    trace, rows, crossed, n = _flow_rows(result, flow)
    times = {segment: np.zeros(n) for segment in SEGMENTS}
    stage = {s.name: s.stage for s in result.model.stations}
    for k, step in enumerate(route.route):
        spent = (trace.end[rows, k] - trace.reach[rows, k])[crossed]
        target = times[SEGMENT_OF[stage[step.stations[0]]]]
        np.add(target, spent, out=target, where=~np.isnan(spent))  # a skipped step adds nothing
    primary = route.primary_step
    times["cbp_wait"] = (trace.start[rows, primary] - trace.reach[rows, primary])[crossed]
    times["total"] = sum((times[s] for s in SEGMENTS), np.zeros(n))
    return times


def queue_minutes(result: SimulationResult | LeanResult, flow: str) -> dict[str, float]:
    """Minutes the flow's trucks of the period spent waiting in lines, by segment (what a truck
    idles: the delay its cost counts), not those being served or driving."""
    route = result.model.flow(flow)
    trace, rows, crossed, _ = _flow_rows(result, flow)
    out = dict.fromkeys(SEGMENTS, 0.0)
    stage = {s.name: s.stage for s in result.model.stations}
    for k, step in enumerate(route.route):
        out[SEGMENT_OF[stage[step.stations[0]]]] += float(
            np.nansum((trace.start[rows, k] - trace.reach[rows, k])[crossed])
        )
    return out


def _histogram(values: np.ndarray) -> np.ndarray:
    """Counts by minute; bin 0 holds the exact zeros alone (a stage most trucks skip has a p95 of
    0, not a minute's interpolation), non-finite times the last bin."""
    last = int(MAX_MIN / BIN_MIN) + 1
    out = np.zeros(last + 1, dtype=np.int64)
    _count(np.ascontiguousarray(values, dtype=np.float64), 1.0 / BIN_MIN, last, out)
    return out


@njit(cache=True, nogil=True)
def _count(values: np.ndarray, per_bin: float, last: int, out: np.ndarray) -> None:
    for x in values:
        if not np.isfinite(x):
            out[last] += 1
        elif x > 0:
            out[min(int(np.ceil(x * per_bin)), last)] += 1
        else:
            out[0] += 1


def _quantile(hist: np.ndarray, q: float) -> float:
    """The *q* quantile of a ``_histogram`` (0 when the zeros reach it; else linear in its minute)."""
    total = float(hist.sum())
    if total <= 0:
        return float("nan")
    if hist[0] >= q * total:
        return 0.0
    return histogram_quantile(hist[1:], (q * total - hist[0]) / (total - hist[0]), BIN_MIN)


def crossing_kpis(
    spec: PortSpec,
    result: SimulationResult | LeanResult,
    persons: dict[str, float] | None = None,
    costs: CostParameters | None = None,
) -> dict[str, float]:
    """The crossing-time figures of one replication (keys in the module docstring)."""
    out: dict[str, float] = {}
    persons = persons or {}
    for vehicle, cls in spec.classes.items():
        if cls.chain is None:
            continue
        sums = dict.fromkeys(REPORTED, 0.0)
        hists = {segment: np.zeros(int(MAX_MIN / BIN_MIN) + 2, dtype=np.int64) for segment in REPORTED}
        trucks, exams, inspections, not_sent = 0, 0, 0, 0
        queued = dict.fromkeys(SEGMENTS, 0.0)
        for entitlement in cls.flow_shares():
            name = f"{vehicle}.{entitlement}"
            times = segment_times(result, name)
            for segment, minutes in queue_minutes(result, name).items():
                queued[segment] += minutes
            n = times["total"].size
            trucks += n
            trace, rows, _, _ = _flow_rows(result, name)
            primary = result.model.flow(name).primary_step
            not_sent += int((trace.left[rows] & (trace.station[rows, primary] >= 0)).sum())
            for k, step in enumerate(result.model.flow(name).route):
                if step.stations[0] in (f"{vehicle}.mexico.exam", f"{vehicle}.state.inspection"):
                    visits = int((trace.station[rows, k] >= 0).sum())
                    exams += visits if step.stations[0].endswith("exam") else 0
                    inspections += visits if step.stations[0].endswith("inspection") else 0
            for segment in REPORTED:
                values = times[segment]
                hist = _histogram(values)
                hists[segment] += hist
                sums[segment] += float(values.sum())
                if n:
                    out[f"{name}.crossing.{segment}.mean_min"] = float(values.mean())
                    out[f"{name}.crossing.{segment}.p95_min"] = _quantile(hist, 0.95)
        out[f"{vehicle}.crossing.trucks"] = float(trucks)
        out[f"{vehicle}.crossing.not_sent"] = float(not_sent)
        out[f"{vehicle}.crossing.mexico_exams"] = float(exams)
        out[f"{vehicle}.crossing.state_inspections"] = float(inspections)
        out[f"{vehicle}.crossing.out_of_service"] = inspections * cls.chain.out_of_service
        for segment, waited in queued.items():
            out[f"{vehicle}.crossing.{segment}.queue_hours"] = waited / 60.0
        hours = sum(queued.values()) / 60.0
        out[f"{vehicle}.crossing.vehicle_hours_delay"] = hours
        for key, value in class_cost(vehicle, hours, hours * persons.get(vehicle, 1.0), costs).items():
            out[f"{vehicle}.crossing.{key}"] = value
        if trucks:
            for segment in REPORTED:
                out[f"{vehicle}.crossing.{segment}.mean_min"] = sums[segment] / trucks
                out[f"{vehicle}.crossing.{segment}.p95_min"] = _quantile(hists[segment], 0.95)
    return out
