"""Risk targeting inside the twin: simulated arrivals scored by the live service's code.

For each class, every flow's arrivals get attributes (``targeting.population``), are scored
against the risk profiles and given a channel by ``targeting.decide`` — the functions
``POST /arrivals`` calls for one stored shipment. Red goes to secondary (the engine's routing
hook), and an illicit load sent red is found with the spec's ``detection`` chance.

Random numbers: each flow has its own targeting stream keyed by (seed, replication, flow), apart
from its arrival/service stream, and draws from it in a fixed order: one uniform per arrival for
who is illicit, what it carries and its channel draw (random quota, threshold ties; see
``Population.sample``), then one per illicit arrival for detection. So changing thresholds or profiles changes who is referred but
not who arrives or what they carry, and classes a scenario does not touch are untouched.
"""

from __future__ import annotations

import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from smartborder import targeting
from smartborder.ports.spec import PRE_INSPECTED, ClassSpec, PortSpec
from smartborder.targeting.channel import ChannelPolicy
from smartborder.targeting.population import GROUPS
from smartborder.targeting.score import RED, Scores
from smartborder.twin.distributions import uniform
from smartborder.twin.model import PortModel

KIND = {"truck": "shipment", "pov": "traveller", "pedestrian": "traveller", "bus": "traveller"}


def secondary_step(model: PortModel, flow: str) -> int:
    """The step of a flow's route that is CBP's secondary: the one after primary."""
    return model.flow(flow).primary_step + 1


@dataclass
class FlowOutcome:
    """Per arriving vehicle of one flow: illicit, sent red, red by the random quota, found."""

    illicit: np.ndarray
    red: np.ndarray
    random: np.ndarray
    caught: np.ndarray


@lru_cache(maxsize=16)
def _profiles(path: str | None) -> targeting.ProfileSet:
    return targeting.load(path)


@lru_cache(maxsize=16)
def _population(path: str | None) -> targeting.Population:
    return targeting.load_population(path)


def targeting_stream(seed: int, replication: int, flow: str) -> np.random.Generator:
    """The flow's targeting stream, distinct from its arrival and service stream."""
    return np.random.default_rng([seed, replication, zlib.crc32(flow.encode()), 1])


def budget(spec: PortSpec, model: PortModel, vehicle: str, counts: dict[str, int]) -> float:
    """Share of the class to send red: the override, else the lanes' referral rates by traffic."""
    if vehicle in spec.targeting.inspection_rate:
        return spec.targeting.inspection_rate[vehicle]
    total = sum(counts.values())
    if total == 0:
        return 0.0
    return (
        sum(n * model.flow(name).route[secondary_step(model, name)].probability for name, n in counts.items()) / total
    )


def select(
    spec: PortSpec,
    model: PortModel,
    arrivals: dict[str, np.ndarray],
    seed: int,
    replication: int,
    workers: int | None = None,
) -> tuple[dict[str, dict[int, np.ndarray]], dict[str, FlowOutcome]]:
    """Routing for the engine (who goes to secondary) and each flow's targeting outcome.

    Arrivals draw attribute cells (``Population.sample``); the cells of each lane group are
    scored by ``targeting.score`` and each arrival takes its cell's score; the class's
    thresholds are fitted on the cells weighted by how many arrivals drew them, and
    ``targeting.decide`` picks every arrival's channel. Classes are independent and run in
    *workers* threads (default: up to 2; the compiled kernels and numpy's draws release the GIL).
    """
    _profiles(spec.targeting.profiles), _population(spec.targeting.population)  # load once, before threads
    jobs = [(vehicle, cls) for vehicle, cls in spec.classes.items()]
    n_workers = min(len(jobs), workers if workers is not None else min(2, os.cpu_count() or 1))
    if n_workers > 1:
        with ThreadPoolExecutor(n_workers) as pool:
            parts = list(pool.map(lambda job: _select_class(spec, model, arrivals, seed, replication, *job), jobs))
    else:
        parts = [_select_class(spec, model, arrivals, seed, replication, *job) for job in jobs]
    routing: dict[str, dict[int, np.ndarray]] = {}
    outcomes: dict[str, FlowOutcome] = {}
    for class_routing, class_outcomes in parts:
        routing.update(class_routing)
        outcomes.update(class_outcomes)
    return routing, outcomes


def _select_class(
    spec: PortSpec,
    model: PortModel,
    arrivals: dict[str, np.ndarray],
    seed: int,
    replication: int,
    vehicle: str,
    cls: ClassSpec,
) -> tuple[dict[str, dict[int, np.ndarray]], dict[str, FlowOutcome]]:
    """``select`` for one class: its flows share one budget and one set of thresholds."""
    t = spec.targeting
    profiles = _profiles(t.profiles)
    population = _population(t.population)
    routing: dict[str, dict[int, np.ndarray]] = {}
    outcomes: dict[str, FlowOutcome] = {}
    kind = KIND[vehicle]
    names = [f"{vehicle}.{lane}" for lane in cls.flow_shares() if f"{vehicle}.{lane}" in arrivals]
    names = [n for n in names if len(model.flow(n).route) > secondary_step(model, n)]
    if not names:
        return routing, outcomes
    drawn = {}
    for name in names:
        lane = model.flow(name).lane
        group = lane if lane in GROUPS[kind] else "standard"
        rate = t.illicit_rate.get(lane, t.illicit_rate.get("standard", 0.0))
        rng = targeting_stream(seed, replication, name)
        n = arrivals[name].size
        cell, illicit, counts, u = population.sample(kind, group, uniform(rng, n), rate)
        detect = uniform(rng, int(np.count_nonzero(illicit))) < t.detection
        drawn[name] = (population.cells(kind, group), cell, illicit, u, detect, counts)
    share = budget(spec, model, vehicle, {name: drawn[name][1].size for name in names})
    scored = (
        {name: targeting.score(drawn[name][0].columns, profiles) for name in names} if t.selection == "profiles" else {}
    )
    policy = _policy(spec, vehicle, share, scored, {name: drawn[name][5] for name in names})
    for name in names:
        cells, cell, illicit, u, detect, _ = drawn[name]
        if t.selection == "random":
            red = u < share
            random = red
        else:
            decisions = targeting.decide(cells.columns, scored[name], policy, u, index=cell)
            red = decisions.channel == RED
            random = decisions.random
        lane = model.flow(name).lane
        if cls.chain is not None and cls.chain.joins(lane):
            # Joint inspection (ports/chain.py): Mexico's red light, drawn at its rate from a
            # stream of the flow's own, sends trucks to the one joint exam as CBP's red does.
            rate = cls.chain.mexico_exam.share * (spec.pre_inspection.referral_factor if lane == PRE_INSPECTED else 1.0)
            mexico = uniform(targeting_stream(seed, replication, f"{name}.joint"), red.size) < rate
            random = random | (mexico & ~red)
            red = red | mexico
        routing[name] = {secondary_step(model, name): red}
        caught = np.zeros(cell.size, dtype=bool)
        caught[np.flatnonzero(illicit)] = detect
        caught &= red
        outcomes[name] = FlowOutcome(illicit, red, random, caught)
    return routing, outcomes


def _policy(
    spec: PortSpec, vehicle: str, share: float, scores: dict[str, Scores], counts: dict[str, np.ndarray]
) -> ChannelPolicy:
    """Thresholds over the whole class (one budget per class, whatever the lane)."""
    t = spec.targeting
    if t.selection == "random":
        return ChannelPolicy()
    if vehicle in t.red_threshold:
        return ChannelPolicy(red_threshold=t.red_threshold[vehicle], random_rate=share * t.random_share)
    merged = Scores(
        np.concatenate([s.score for s in scores.values()]), np.concatenate([s.forced for s in scores.values()])
    )
    weights = np.concatenate([counts[name] for name in scores])
    return targeting.fit_policy(merged, share, t.random_share, weights=weights)
