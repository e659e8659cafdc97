"""An investment plan for the border's busiest ports: each port planned on its own, then one
portfolio over all of them within a single budget.

Ports share no traffic in the twin (a new crossing is an option of the port it relieves), so a
border portfolio's simulated value is the sum of each port's set *as simulated as a set*. The
portfolio picks at most one of each port's simulated candidate sets (or nothing there) so that
the total objective is largest and the total present-value cost is within the budget: an exact
multiple-choice knapsack (Pareto-pruned dynamic programme over ports), so a larger budget never
gives a worse portfolio.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from smartborder import data
from smartborder.policy.deciding.investments import Catalogue, load_catalogue
from smartborder.policy.deciding.plan import Appraisal, Plan, PlanParameters, plan_json, plan_place
from smartborder.policy.errors import REFUSALS, AnalysisError

BORDERS = ("mexico",)


@dataclass
class BorderPlan:
    """Each port's plan and the border-wide portfolio (port code → its set)."""

    params: PlanParameters
    replications: int
    seed: int
    plans: dict[str, Plan]
    chosen: dict[str, Appraisal]
    cost_usd: float
    npv_usd: float
    value: float
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def busiest_ports(count: int, year: int | None = None) -> list[str]:
    """Codes of the *count* ports with the most trucks and cars in *year* (default: the latest 12 months)."""
    end = data.last_month() if year is None else min(data.last_month(), data.parse_month(f"{year}-12", "year"))
    months = data.MonthRange(end - 11, end)
    table = data.totals(["Trucks", "Personal Vehicles"], months)
    ranked = (table["Trucks"] + table["Personal Vehicles"]).sort_values(ascending=False)
    return [str(code) for code in ranked.index[:count]]


def choose(candidates: dict[str, list[Appraisal]], objective: str, budget: float | None) -> dict[str, Appraisal]:
    """At most one candidate per port, the largest total objective with total PV cost within
    *budget*: exact, by a dynamic programme over ports that keeps only the Pareto-best
    (cost, value) partial portfolios."""
    limit = float("inf") if budget is None else budget
    states: list[tuple[float, float, dict[str, Appraisal]]] = [(0.0, 0.0, {})]
    for code, options in candidates.items():
        grown = list(states)
        for cost, value, picked in states:
            for appraisal in options:
                c = cost + float(np.mean(appraisal.pv_cost))
                v = value + float(np.mean(appraisal.value(objective)))
                if c <= limit and float(np.mean(appraisal.value(objective))) > 0:
                    grown.append((c, v, {**picked, code: appraisal}))
        grown.sort(key=lambda s: (s[0], -s[1]))
        states = []
        best = float("-inf")
        for state in grown:  # cheapest first: keep a state only if it beats every cheaper one
            if state[1] > best:
                states.append(state)
                best = state[1]
    return max(states, key=lambda s: (s[1], -s[0]))[2]


def plan_border(
    border: str,
    *,
    ports: int = 5,
    year: int | None = None,
    month: str | None = None,
    classes: list[str] | None = None,
    catalogue: Catalogue | None = None,
    params: PlanParameters | None = None,
    replications: int = 3,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> BorderPlan:
    """Plan the *ports* busiest ports of *border* and choose one border-wide portfolio."""
    if border.strip().lower() not in BORDERS:
        raise AnalysisError(f"border: {border!r} is not modelled; borders: {', '.join(BORDERS)}")
    started = time.perf_counter()
    params = params or PlanParameters()
    catalogue = catalogue or load_catalogue()
    plans: dict[str, Plan] = {}
    notes: list[str] = []
    for code in busiest_ports(ports, year if month is None else data.parse_month(month, "month").year):
        name = data.catalogue()[code].name

        def say(message: str, name: str = name) -> None:
            if progress is not None:
                progress(f"{name}: {message}")

        try:
            plans[code] = plan_place(
                code,
                year=year,
                month=month,
                classes=classes,
                catalogue=catalogue,
                params=params,
                replications=replications,
                seed=seed,
                progress=say,
            )
        except REFUSALS as exc:
            notes.append(f"{name}: not planned: {exc}")
    candidates = {code: plan.portfolio.evaluated for code, plan in plans.items()}
    chosen = choose(candidates, params.objective, params.budget_usd)
    cost = sum(float(np.mean(a.pv_cost)) for a in chosen.values())
    npv = sum(float(np.mean(a.npv)) for a in chosen.values())
    value = sum(float(np.mean(a.value(params.objective))) for a in chosen.values())
    return BorderPlan(params, replications, seed, plans, chosen, cost, npv, value, notes, time.perf_counter() - started)


def border_json(result: BorderPlan, report: str | None = None) -> dict[str, Any]:
    """The border plan as JSON: each port's plan and the border portfolio."""
    return {
        "border": "mexico",
        "parameters": result.params.model_dump(),
        "replications": result.replications,
        "seed": result.seed,
        "portfolio": {
            "options": [f"{code}:{i}" for code, a in result.chosen.items() for i in a.ids],
            "by_port": {code: list(a.ids) for code, a in result.chosen.items()},
            "cost_usd": result.cost_usd,
            "npv_usd": result.npv_usd,
            "objective_value": result.value,
            "simulated_as_sets": True,
        },
        "ports": {code: plan_json(plan) for code, plan in result.plans.items()},
        "notes": result.notes,
        "seconds": result.seconds,
        "report": report,
    }


__all__ = ["BorderPlan", "border_json", "busiest_ports", "choose", "plan_border"]
