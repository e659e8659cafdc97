"""Investment planning: each option of a catalogue appraised against the baseline, then the best
portfolio within a budget, re-simulated as a set.

Method (every number below is a parameter of ``PlanParameters`` or of the catalogue):

1. **Simulation.** The place's baseline and each option (``policy.investments``) run over the
   study period with common random numbers (``run_place`` with the baseline's runs reused), at a
   few *representative years* of the horizon: years 1 and *H* by default (``points``), demand
   grown by ``(1 + growth)^t`` on every class (staffing stays what today's traffic calls for:
   the twin staffs for the seasons CBP knows, not for growth). Without growth one year stands
   for all. Each year's figures are the period's, scaled to a year (× 365 ÷ days simulated: one
   month stands for the year).
2. **Interpolation.** Year *t*'s figures (delay cost saved, CO₂ saved, p95 wait cut, lane-hours
   added) are interpolated linearly in *t* between the representative years.
3. **Timing.** Capital is spent evenly over ``build_years`` (year 1 when zero); the option works
   from the year after, for ``life_years`` (the horizon when none); a life that outlasts the
   horizon leaves a straight-line residual value, credited in year *H*. While only part of a set
   is in service, the set's simulated figures are scaled by the share its working options have
   of the singles' figures in that year.
4. **Costs.** Capital, the fixed annual cost, the staffed lane-hours the twin adds × the cost of a
   lane-hour, enrolment fees for the vehicles a trusted lever adds and per-load costs.
5. **Discounting.** Every flow of year *t* is discounted by ``(1 + r)^-t`` at the real rate *r*
   (OMB Circular A-94, see ``DISCOUNT_SOURCE``). NPV = PV benefits − PV costs; BCR = PV benefits ÷
   PV costs (none when costs are not positive). Both are computed per replication, so their 95 %
   intervals come from the replications' paired differences.
6. **Objectives.** ``delay-cost`` values delay with ``policy.costs`` (value of time and idling
   fuel) and ranks options by NPV; ``co2`` counts tonnes of CO₂ from idling saved over the
   horizon (undiscounted) and ranks by tonnes per million dollars of PV cost; ``p95`` takes the
   port's 95th-percentile wait (vehicle-weighted over crossings and classes), averaged over the
   years an option works, and ranks by minutes per million dollars. NPV and BCR are always in
   dollars of delay cost.
7. **Portfolio.** Options of one ``group`` exclude each other, and a set opens at most one new
   crossing. Every allowed set gets an *estimate* (the sum of its options' values and PV costs);
   the candidates are the sets on the estimated cost–benefit frontier (no cheaper set has a
   larger estimate) whose estimated cost is within the budget (the present value of a
   portfolio's costs over the horizon). Candidates are **re-simulated as sets** — options
   interact: two booths do not save twice what one saves — largest estimate first, until the
   best simulated value reaches the next estimate: options that overlap are worth at most
   their sum, so no set left could beat it (``max_sets`` caps the simulations, and the plan
   says when it stopped there). The portfolio is the simulated candidate with the best
   *simulated* value whose simulated PV cost is within the budget (doing nothing when none is
   worth it). The search is exact while the sums bound the sets, so a larger budget, which only
   adds candidates, never gives a worse portfolio.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from smartborder import twin
from smartborder.numbers import money
from smartborder.policy.deciding.investments import (
    Catalogue,
    Option,
    apply_options,
    as_scenario,
    load_catalogue,
    options_for,
)
from smartborder.policy.errors import AnalysisError
from smartborder.policy.studies.study import Study, design_year, prepare
from smartborder.ports.spec import PortSpec
from smartborder.tomlfiles import describe
from smartborder.vocabulary import CLASS_NAMES

if TYPE_CHECKING:  # the simulation loads when a plan runs, after its input is checked
    from smartborder.policy.studies.place import PlaceRun
    from smartborder.policy.studies.scenario import Scenario

Objective = Literal["delay-cost", "co2", "p95"]
OBJECTIVES: tuple[str, ...] = ("delay-cost", "co2", "p95")

DISCOUNT_SOURCE = (
    "FACT: OMB Circular A-94 (29 October 1992), section 8.b(1): constant-dollar benefit-cost analyses of "
    "public investments use a real discount rate of 7 percent. OMB's 2023 revision of A-94 (Treasury-based "
    "rates) was rescinded and the 1992 circular reinstated by OMB memorandum M-25-23 (2025); USDOT's "
    "benefit-cost guidance of May 2025 (section 4.3) likewise uses 7 percent. The 2.0 percent often quoted "
    "is Circular A-4 (2023)'s rate for regulatory analysis, not A-94's; the 2023 A-94 appendix rate could "
    "not be checked here. Give --discount-rate to test another rate."
)
HORIZON_SOURCE = (
    "ESTIMATE: 20 years, a usual appraisal period for capacity and operating improvements "
    "(USDOT benefit-cost guidance); give --horizon."
)
GROWTH_SOURCE = "ASSUMPTION: no demand growth unless --growth says otherwise (percent a year, every class)."

#: An option that makes the place's p95 wait this much longer (minutes) leaves a queue that does not
#: clear (it removes capacity the traffic needs): its delay cost grows with the period simulated and
#: has no stable value, so it is set aside with the reason rather than ranked. Reasoning, not a
#: standard: an option that adds two hours to the p95 wait would be turned down on its face.
UNSTABLE_P95_MINUTES = 120.0

#: CLI spelling of each parameter, for error messages.
_FLAGS = {
    "discount_rate": "discount-rate",
    "horizon_years": "horizon",
    "growth": "growth",
    "points": "points",
    "objective": "objective",
    "budget_usd": "budget",
    "max_sets": "max-sets",
}


class PlanParameters(BaseModel):
    """The appraisal's assumptions, each with its source; every one can be overridden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    discount_rate: float = Field(default=0.07, ge=0, lt=1, description=DISCOUNT_SOURCE)
    horizon_years: int = Field(default=20, ge=1, le=100, description=HORIZON_SOURCE)
    growth: float = Field(default=0.0, gt=-0.5, le=0.5, description=GROWTH_SOURCE)
    points: int = Field(default=2, ge=1, le=10, description="representative years simulated (with growth)")
    objective: Objective = "delay-cost"
    budget_usd: float | None = Field(default=None, ge=0, description="most a portfolio may cost, PV over the horizon")
    max_sets: int = Field(default=12, ge=1, le=500, description="portfolio candidates re-simulated, at most")

    @classmethod
    def of(cls, **values: object) -> PlanParameters:
        """Parameters from the CLI's values (None: the default); errors name the option."""
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            text = describe(exc)
            for name, flag in _FLAGS.items():
                text = text.replace(f"{name}:", f"{flag}:")
            raise AnalysisError(text) from None


def representative_years(horizon: int, growth: float, points: int) -> list[int]:
    """The years of the horizon simulated: one when demand does not change, else *points* spread
    from year 1 to the last."""
    if horizon == 1 or growth == 0 or points == 1:
        return [1]
    return sorted({round(float(x)) for x in np.linspace(1, horizon, points)})


def grown(specs: Sequence[PortSpec], factor: float) -> list[PortSpec]:
    """*specs* with every class's demand multiplied by *factor*."""
    if factor == 1.0:
        return list(specs)
    return [
        s.model_copy(
            update={
                "classes": {
                    v: c.model_copy(update={"volume_factor": c.volume_factor * factor}) for v, c in s.classes.items()
                }
            }
        )
        for s in specs
    ]


def _time_usd(run: PlaceRun) -> np.ndarray:
    """The travellers' time in a run's delay cost, per replication (every crossing and class)."""
    parts = [
        port_run.runs[column].to_numpy(dtype=float)
        for port_run in run.runs.values()
        for column in port_run.runs.columns
        if column.endswith(".value_of_time_usd") and column.count(".") == 1
    ]
    return np.sum(parts, axis=0) if parts else np.zeros(run.replications)


def _lanes(run: PlaceRun) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """(crossing, class, lane type) → vehicles, mean wait (min) and share of staffed time busy,
    means over the replications."""
    out = {}
    for crossing, port_run in run.runs.items():
        frame = port_run.runs
        for column in frame.columns:
            parts = column.split(".")
            key = ".".join(parts[:3])
            if len(parts) == 4 and parts[1] == "lane" and parts[3] == "vehicles" and f"{key}.wait_mean_min" in frame:
                # a lane type that served nobody has no wait: nothing to say about it
                out[(crossing, parts[0], parts[2])] = (
                    float(frame[column].mean()),
                    float(frame[f"{key}.wait_mean_min"].fillna(0.0).mean()),
                    float(frame[f"{key}.utilisation"].fillna(0.0).mean()) if f"{key}.utilisation" in frame else 0.0,
                )
    return out


#: A lane type whose mean wait rises by at least this much is named in an option's driver.
WORSE_WAIT_MIN = 0.5


def benefit_driver(base: PlaceRun, run: PlaceRun, names: dict[str, str]) -> str:
    """Where a change's benefit comes from, in words: the lane type whose waiting (vehicles ×
    mean wait) falls most, and — when it is another — the lane type that takes the most vehicles
    (the capacity the benefit relies on), with how busy it becomes; and the lane type whose wait
    rises most, when it rises by ``WORSE_WAIT_MIN`` or more."""
    before, after = _lanes(base), _lanes(run)
    keys = sorted(set(before) & set(after))
    if not keys:
        return ""

    def where(key: tuple[str, str, str]) -> str:
        crossing, vehicle, lane = key
        place = f" at {names[crossing]}" if len(names) > 1 and crossing in names else ""
        return f"{CLASS_NAMES.get(vehicle, vehicle)} {lane} lanes{place}"

    saved = {k: before[k][0] * before[k][1] - after[k][0] * after[k][1] for k in keys}
    gaining = max(keys, key=lambda k: saved[k])
    if saved[gaining] <= 0:
        return "no lane type waits less"
    b, a = before[gaining], after[gaining]
    text = f"{where(gaining)}: wait {b[1]:.1f} → {a[1]:.1f} min"
    taking = max(keys, key=lambda k: after[k][0] - before[k][0])
    moved = after[taking][0] - before[taking][0]
    if taking != gaining and moved > 0.01 * max(before[taking][0], 1.0):
        tb, ta = before[taking], after[taking]
        text += f"; relies on {where(taking)} taking more vehicles ({tb[2]:.0%} → {ta[2]:.0%} busy)"
    worse = max(keys, key=lambda k: after[k][1] - before[k][1])
    if after[worse][1] - before[worse][1] >= WORSE_WAIT_MIN:  # the headline must not hide a lane that got worse
        text += f"; {where(worse)} wait longer: {before[worse][1]:.1f} → {after[worse][1]:.1f} min"
    return text


def p95_wait(run: PlaceRun) -> np.ndarray:
    """Per replication: the 95th-percentile wait over the place, each crossing's and class's p95
    weighted by its vehicles (percentiles do not add; this is the vehicle-weighted mean)."""
    num = np.zeros(run.replications)
    den = np.zeros(run.replications)
    for crossing in run.runs.values():
        frame = crossing.runs
        for column in [c for c in frame.columns if c.endswith(".wait_p95_min") and c.count(".") == 1]:
            vehicle = column.split(".")[0]
            p95 = frame[column].to_numpy(float)
            n = frame[f"{vehicle}.vehicles"].to_numpy(float)
            ok = np.isfinite(p95) & (n > 0)
            num += np.where(ok, p95 * n, 0.0)
            den += np.where(ok, n, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


@dataclass
class Measured:
    """An option or a set simulated at the representative years: per year and replication, the
    yearly figures it changes (positive = better, except lane-hours and costs)."""

    ids: tuple[str, ...]
    years: list[int]
    benefit_usd: np.ndarray  # (years, replications): delay cost saved a year
    co2_t: np.ndarray  # tonnes of CO2 saved a year
    p95_min: np.ndarray  # cut in the port's p95 wait, minutes
    lane_hours: np.ndarray  # staffed primary lane-hours added a year
    variable_usd: np.ndarray  # operating costs that follow the simulation, a year
    time_usd: np.ndarray  # the part of benefit_usd that is travellers' time (the rest: idling fuel)
    staffing_usd: np.ndarray  # the part of variable_usd that is officers' time
    driver: str = ""  # where the first year's benefit comes from: the lanes that gain, the lanes relied on


#: The appraisal's sensitivity cases (OMB Circular A-94 §11: show how the result moves with the
#: assumptions it rests on most): prices priced again from the same simulations; demand growth
#: simulated again, since it changes the queues themselves.
SENSITIVITY_SHIFT = 0.25  # value of time and officer cost, ± this share
SENSITIVITY_RATES = (0.03, 0.07)  # the two real discount rates OMB ask to show
#: Demand growth ± this many percentage points a year around the plan's own (a stated round
#: figure, not a forecast: a port planner asks what one point of growth more or less does).
SENSITIVITY_GROWTH = 0.01


@dataclass(frozen=True)
class Sensitivity:
    """The chosen set's NPV and BCR (means over replications) under one changed assumption."""

    case: str
    npv_usd: float
    benefit_cost_ratio: float | None


@dataclass
class Appraisal:
    """An option or a set over the horizon: costs, benefits and their present values, per replication."""

    ids: tuple[str, ...]
    description: str
    measured: Measured
    capital_usd: float
    annual_fixed_usd: float
    pv_benefit: np.ndarray
    pv_cost: np.ndarray
    npv: np.ndarray
    bcr: np.ndarray
    co2_total: np.ndarray  # tonnes saved over the horizon (undiscounted)
    p95_mean: np.ndarray  # mean p95 cut over the years it works
    estimated: bool

    def verdict(self) -> str:
        """A plain phrase for the option: what it saves against what it costs, and why it loses
        when it does (the sign of the benefit decides which)."""
        benefit = float(np.mean(self.measured.benefit_usd[0]))
        lanes = float(np.mean(self.measured.lane_hours[0]))
        npv = float(np.mean(self.npv))
        if benefit < 0:
            why = (
                f"staffs {lanes:,.0f} more lane-hours a year yet "
                if lanes > 0
                else f"staffs {-lanes:,.0f} fewer lane-hours a year and "
                if lanes < 0
                else ""
            )
            return (
                f"loses: {why}its delay cost rises by {money(-benefit, 'US$')} a year (no ratio; NPV "
                f"{money(npv, 'US$')})"
            )
        if npv < 0:
            return "costs more than it saves over the horizon"
        return "saves more than it costs"

    def value(self, objective: str) -> np.ndarray:
        """What the objective maximises, per replication."""
        return {"delay-cost": self.npv, "co2": self.co2_total, "p95": self.p95_mean}[objective]

    def interval(self, objective: str = "delay-cost") -> tuple[float, float]:
        """The objective's mean over the replications and its 95 % half-width (NPV by default)."""
        return twin.confidence_interval(np.asarray(self.value(objective), float))

    def ratio(self, objective: str) -> float:
        """Ranking figure: NPV (delay-cost), or the objective per million dollars of PV cost."""
        if objective == "delay-cost":
            return float(np.mean(self.npv))
        value, cost = float(np.mean(self.value(objective))), float(np.mean(self.pv_cost))
        if cost <= 0:
            return float("inf") if value > 0 else float("nan")
        return value / (cost / 1e6)

    def summary(self) -> dict[str, Any]:
        """Means and 95 % half-widths, JSON-ready."""

        def ci(values: np.ndarray) -> dict[str, float]:
            mean, half = twin.confidence_interval(np.asarray(values, float))
            return {"mean": mean, "ci95": half}

        m = self.measured
        cost = float(np.mean(self.pv_cost))

        def per_m(values: np.ndarray) -> float | None:
            return float(np.mean(values)) / (cost / 1e6) if cost > 0 else None

        npv, bcr = ci(self.npv), ci(self.bcr)
        return {
            "options": list(self.ids),
            "description": self.description,
            "capital_usd": self.capital_usd,
            "annual_fixed_usd": self.annual_fixed_usd,
            "annual_variable_usd": ci(m.variable_usd[0]),
            "annual_cost_usd": self.annual_fixed_usd + float(np.mean(m.variable_usd[0])),
            "lane_hours_per_year": ci(m.lane_hours[0]),
            "benefit_usd_per_year": ci(m.benefit_usd[0]),
            "benefit_usd_per_year_last": ci(m.benefit_usd[-1]),
            "co2_tonnes_per_year": ci(m.co2_t[0]),
            "p95_minutes": ci(m.p95_min[0]),
            "pv_benefit_usd": ci(self.pv_benefit),
            "pv_cost_usd": ci(self.pv_cost),
            "npv_usd": npv["mean"],
            "npv_ci95": npv["ci95"],
            "benefit_cost_ratio": bcr["mean"],
            "benefit_cost_ratio_ci95": bcr["ci95"],
            "verdict": self.verdict(),
            "driver": m.driver,
            "co2_tonnes_horizon": ci(self.co2_total),
            "co2_tonnes_per_musd": per_m(self.co2_total),
            "p95_minutes_mean": ci(self.p95_mean),
            "p95_minutes_per_musd": per_m(self.p95_mean),
            "estimated_costs": self.estimated,
        }


@dataclass
class Candidate:
    """A set on the estimated frontier: the sums of its options' figures."""

    ids: tuple[str, ...]
    est_cost: float
    est_value: float


@dataclass
class Portfolio:
    """The chosen set (None: doing nothing is best), re-simulated, and how it was found."""

    budget_usd: float | None
    chosen: Appraisal | None
    summed_value: float  # the estimate: its options' values summed
    candidates: int  # frontier sets within the budget
    evaluated: list[Appraisal]  # those re-simulated (singles reused)
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> tuple[str, ...]:
        return self.chosen.ids if self.chosen is not None else ()


#: ``progress(message)``: what the planner is simulating now.
Progress = Callable[[str], None]


class Planner:
    """A place's baseline at the representative years, and appraisals of options and sets
    (cached: a set is simulated once, whatever budget asks for it)."""

    def __init__(
        self,
        study: Study,
        catalogue: Catalogue,
        params: PlanParameters,
        replications: int = 3,
        seed: int = 0,
        year: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        if replications < 2:
            raise AnalysisError("replications: a plan needs at least 2 (its intervals come from them)")
        self.study, self.catalogue, self.params = study, catalogue, params
        self.replications, self.seed, self.progress = replications, seed, progress
        self.design_year = year  # what new crossings are sized on, as ``compare`` does (None: latest data)
        fit = options_for(catalogue, study.specs, study.code, self.design_year)
        self.options = {o.id: o for o in fit.usable}
        self.skipped = dict(fit.skipped)
        self.years = representative_years(params.horizon_years, params.growth, params.points)
        days = sum(m.days_in_month for m in study.months)
        self.annualise = 365.0 / days
        from smartborder.policy.studies.place import run_place

        self.baselines: dict[int, PlaceRun] = {}
        for t in self.years:
            self._say(f"baseline, year {t}")
            self.baselines[t] = run_place(
                grown(study.specs, self._factor(t)),
                study.months,
                replications,
                seed,
                label=study.label,
                keep_last=False,
            )
        #: baseline vehicles a year by representative year, crossing and class (enrolment costs)
        self._vehicles: dict[int, dict[tuple[str, str], float]] = {}
        for t, base in self.baselines.items():
            self._vehicles[t] = {
                (crossing, column.split(".")[0]): float(run.runs[column].mean()) * self.annualise
                for crossing, run in base.runs.items()
                for column in run.runs.columns
                if column.endswith(".vehicles") and column.count(".") == 1
            }
        self._cache: dict[frozenset[str], Appraisal] = {}

    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def _factor(self, t: int) -> float:
        return float((1.0 + self.params.growth) ** t)

    # ------------------------------------------------------------------ simulation

    def specs_for(self, ids: Sequence[str]) -> list[PortSpec]:
        """The crossing models with the options *ids* in place (before growth)."""
        return apply_options(self.study.specs, [self.options[i] for i in ids], self.design_year)

    def measure(self, ids: Sequence[str]) -> Measured:
        """Simulate the set *ids* at each representative year against the baseline (paired)."""
        from smartborder.policy.studies.place import run_place

        options = [self.options[i] for i in ids]
        specs = self.specs_for(ids)
        shape = (len(self.years), self.replications)
        benefit, co2, p95, lanes, variable, time, staffing = (np.zeros(shape) for _ in range(7))
        driver = ""
        unpaid = [o.id for o in options if not o.staffing_cost]
        for k, t in enumerate(self.years):
            self._say(f"{'+'.join(ids)}, year {t}")
            base = self.baselines[t]
            run = run_place(
                grown(specs, self._factor(t)),
                self.study.months,
                self.replications,
                self.seed,
                label=self.study.label,
                reuse=base,
                keep_last=False,
            )
            b, s = base.totals(), run.totals()
            benefit[k] = (b["port.total_cost_usd"] - s["port.total_cost_usd"]).to_numpy() * self.annualise
            time[k] = (_time_usd(base) - _time_usd(run)) * self.annualise
            if k == 0:
                driver = benefit_driver(base, run, {s.crossing: s.name for s in self.study.specs})
            co2[k] = (b["port.co2_tonnes"] - s["port.co2_tonnes"]).to_numpy() * self.annualise
            p95[k] = p95_wait(base) - p95_wait(run)
            lanes[k] = (s["port.booth_hours"] - b["port.booth_hours"]).to_numpy() * self.annualise
            if len(options) == 1:
                paid = lanes[k] if options[0].staffing_cost else np.zeros(shape[1])
            else:  # the lane-hours of options that do not cost their staffing, as they were alone
                paid = lanes[k] - sum((self.single(i).measured.lane_hours[k] for i in unpaid), np.zeros(shape[1]))
            staffing[k] = paid * self.catalogue.parameters.lane_hour_usd
            variable[k] = staffing[k] + self._programme_costs(options, specs, t)
        return Measured(tuple(ids), list(self.years), benefit, co2, p95, lanes, variable, time, staffing, driver)

    def _programme_costs(self, options: list[Option], specs: list[PortSpec], t: int) -> float:
        """Enrolment and per-load costs a year: vehicles the levers move into a programme (the
        change in its share × the baseline's vehicles a year) × what each costs."""
        before = {s.crossing: s for s in self.study.specs}
        total = 0.0
        for spec in specs:
            old = before.get(spec.crossing)
            if old is None:
                continue
            for option in options:
                for item in option.enrolment:
                    if item.vehicle not in spec.classes:
                        continue
                    added = spec.classes[item.vehicle].entitlements.get(item.lane, 0.0) - old.classes[
                        item.vehicle
                    ].entitlements.get(item.lane, 0.0)
                    vehicles = added * self._vehicles[t].get((spec.crossing, item.vehicle), 0.0)
                    members = vehicles / item.crossings_per_member.value
                    total += members * item.fee.usd / item.fee_years.value
                for load in option.per_load:
                    if load.vehicle not in spec.classes:
                        continue
                    added = (
                        spec.classes[load.vehicle].pre_inspected_share - old.classes[load.vehicle].pre_inspected_share
                    )
                    total += added * self._vehicles[t].get((spec.crossing, load.vehicle), 0.0) * load.cost.usd
        return total

    # ------------------------------------------------------------------ appraisal

    def single(self, option_id: str) -> Appraisal:
        return self.appraise((option_id,))

    def appraise(self, ids: Sequence[str]) -> Appraisal:
        """The set *ids* simulated and valued over the horizon (cached)."""
        key = frozenset(ids)
        if key not in self._cache:
            ordered = tuple(i for i in self.options if i in key)
            unknown = sorted(key - set(self.options))
            if unknown:
                raise AnalysisError(
                    f"option: {', '.join(unknown)} not among the options that fit "
                    f"{self.study.label}: {', '.join(self.options)}"
                )
            self._cache[key] = self._value(ordered, self.measure(ordered))
        return self._cache[key]

    def _value(self, ids: tuple[str, ...], m: Measured, params: PlanParameters | None = None) -> Appraisal:
        """*m* valued over the horizon at the planner's parameters (or *params*: a sensitivity case)."""
        p = params or self.params
        horizon = np.arange(1, p.horizon_years + 1)
        discount = (1.0 + p.discount_rate) ** -horizon.astype(float)
        options = [self.options[i] for i in ids]
        working = np.array([[self._works(o, int(t)) for t in horizon] for o in options])  # (options, H)
        pv_capital = pv_fixed = 0.0
        for o, works in zip(options, working, strict=True):
            spend = max(o.build_years, 1)
            pv_capital += o.capital.usd / spend * float(discount[:spend].sum())
            if o.life_years is not None and o.build_years + o.life_years > p.horizon_years:
                left = (o.build_years + o.life_years - p.horizon_years) / o.life_years
                pv_capital -= o.capital.usd * left * float(discount[-1])  # residual value
            pv_fixed += o.annual.usd * float((discount * works).sum())

        def yearly(values: np.ndarray, part: Callable[[Appraisal], np.ndarray]) -> np.ndarray:
            """(H, replications): interpolated between representative years, scaled by the share
            of the set in service each year."""
            series = np.array([np.interp(horizon, m.years, values[:, r]) for r in range(values.shape[1])]).T
            if len(options) == 1:
                result: np.ndarray = series * working[0][:, None]
                return result
            shares = np.array(
                [np.abs(np.interp(horizon, m.years, part(self.single(o.id)).mean(axis=1))) for o in options]
            )  # (options, H)
            whole = shares.sum(axis=0)
            counted = (shares * working).sum(axis=0)
            fraction = np.where(
                whole > 0, counted / np.where(whole > 0, whole, 1.0), working.sum(axis=0) / len(options)
            )
            shared: np.ndarray = series * fraction[:, None]
            return shared

        benefit = yearly(m.benefit_usd, lambda a: a.measured.benefit_usd)
        variable = yearly(m.variable_usd, lambda a: a.measured.variable_usd)
        co2 = yearly(m.co2_t, lambda a: a.measured.co2_t)
        p95 = yearly(m.p95_min, lambda a: a.measured.p95_min)
        pv_benefit = (benefit * discount[:, None]).sum(axis=0)
        pv_cost = pv_capital + pv_fixed + (variable * discount[:, None]).sum(axis=0)
        npv = pv_benefit - pv_cost
        with np.errstate(invalid="ignore", divide="ignore"):
            # A ratio only where benefits and costs are both positive (OMB A-94: a negative
            # "ratio" ranks nothing); elsewhere the NPV and ``verdict`` say what happened.
            both = (pv_cost > 0) & (pv_benefit > 0)
            bcr = np.where(both, pv_benefit / np.where(both, pv_cost, 1.0), np.nan)
        any_working = working.any(axis=0)
        p95_mean = p95[any_working].mean(axis=0) if any_working.any() else np.zeros(self.replications)
        return Appraisal(
            ids,
            "; ".join(o.description for o in options),
            m,
            sum(o.capital.usd for o in options),
            sum(o.annual.usd for o in options),
            pv_benefit,
            pv_cost,
            npv,
            bcr,
            co2.sum(axis=0),
            p95_mean,
            any(o.estimated for o in options),
        )

    def sensitivity(self, ids: Sequence[str]) -> tuple[list[Sensitivity], str]:
        """The set *ids* under each case of the sensitivity table, and the break-even line: priced
        again from the same simulations (discount rate, value of time, officer cost), simulated
        again with the baseline at each representative year (demand growth ± ``SENSITIVITY_GROWTH``
        a year: the queues change, so the benefit is not a re-pricing)."""
        central = self.appraise(ids)
        m, shift = central.measured, SENSITIVITY_SHIFT

        def row(case: str, appraisal: Appraisal) -> Sensitivity:
            ratio = float(np.nanmean(appraisal.bcr)) if np.isfinite(appraisal.bcr).any() else None
            return Sensitivity(case, float(np.mean(appraisal.npv)), ratio)

        def priced(benefit: np.ndarray, variable: np.ndarray, rate: float | None = None) -> Appraisal:
            changed = replace(m, benefit_usd=benefit, variable_usd=variable)
            params = None if rate is None else self.params.model_copy(update={"discount_rate": rate})
            return self._value(central.ids, changed, params)

        rows = [row(f"as planned ({self.params.discount_rate:.0%} real discount rate)", central)]
        rows += [
            row(f"discount rate {rate:.0%}", priced(m.benefit_usd, m.variable_usd, rate))
            for rate in SENSITIVITY_RATES
            if abs(rate - self.params.discount_rate) > 1e-12
        ]
        for sign, word in ((-1, "lower"), (1, "higher")):
            rows.append(
                row(
                    f"value of time {shift:.0%} {word}",
                    priced(m.benefit_usd + sign * shift * m.time_usd, m.variable_usd),
                )
            )
        for sign, word in ((-1, "lower"), (1, "higher")):
            rows.append(
                row(
                    f"officer cost {shift:.0%} {word}",
                    priced(m.benefit_usd, m.variable_usd + sign * shift * m.staffing_usd),
                )
            )
        for growth in (self.params.growth - SENSITIVITY_GROWTH, self.params.growth + SENSITIVITY_GROWTH):
            if not -0.5 < growth <= 0.5:
                continue
            self._say(f"sensitivity: demand growth {growth:+.1%} a year")
            grown_planner = Planner(
                self.study,
                self.catalogue,
                self.params.model_copy(update={"growth": growth}),
                self.replications,
                self.seed,
                self.design_year,
                self.progress,
            )
            rows.append(row(f"demand growth {growth:+.1%} a year (simulated)", grown_planner.appraise(central.ids)))
        benefit, cost = float(np.mean(central.pv_benefit)), float(np.mean(central.pv_cost))
        if cost <= 0:
            line = "break-even: the set costs nothing in present value; any benefit is a gain"
        elif benefit <= 0:
            line = "break-even: none — the set saves no delay cost, so no cost is recovered"
        elif benefit >= cost:
            line = (
                f"break-even: the NPV stays positive until the benefits fall by {1 - cost / benefit:.0%} "
                f"(to {money(cost, 'US$')} in present value)"
            )
        else:
            line = (
                f"break-even: the benefits would have to rise by {cost / benefit - 1:.0%} "
                f"(to {money(cost, 'US$')} in present value) to recover the cost"
            )
        return rows, line

    def _works(self, option: Option, t: int) -> bool:
        """Whether *option* is in service in year *t* (from the year after it is built, for its life)."""
        end = option.build_years + option.life_years if option.life_years is not None else self.params.horizon_years
        return option.build_years < t <= end

    # ------------------------------------------------------------------ portfolio

    def singles(self) -> list[Appraisal]:
        """Every option that fits, alone, best first (by the objective's ranking figure). An option
        the twin cannot value (a figure without a number: traffic left with no lane) is dropped
        and listed with the skipped ones."""
        for option_id in list(self.options):
            appraisal = self.single(option_id)
            longer = -float(np.mean(appraisal.measured.p95_min[0]))
            if not np.isfinite(appraisal.npv).all() or not np.isfinite(appraisal.measured.p95_min).all():
                del self.options[option_id]
                self.skipped[option_id] = "the twin gives no finite delay cost with it (traffic left unserved)"
            elif longer > UNSTABLE_P95_MINUTES:
                del self.options[option_id]
                self.skipped[option_id] = (
                    f"it lengthens the p95 wait by {longer:,.0f} min: it leaves less capacity "
                    "than the traffic needs, the queue does not clear, and its delay cost "
                    "has no stable value (it grows with the period simulated)"
                )
        appraisals = [self.single(i) for i in self.options]
        objective = self.params.objective

        def key(a: Appraisal) -> float:
            value = a.ratio(objective)
            return -value if np.isfinite(value) else (float("-inf") if value > 0 else float("inf"))

        return sorted(appraisals, key=key)

    def allowed_sets(self) -> list[tuple[str, ...]]:
        """Every non-empty set of options that do not exclude each other."""
        groups: dict[str, list[str | None]] = {}
        for o in self.options.values():
            key = o.group if o.group is not None else f"\0{o.id}"
            groups.setdefault(key, [None]).append(o.id)
        out = []
        for combo in itertools.product(*groups.values()):
            ids = tuple(i for i in combo if i is not None)
            if ids and sum(self.options[i].levers.new_port is not None for i in ids) <= 1:
                out.append(ids)
        return out

    def frontier(self) -> list[Candidate]:
        """The allowed sets no cheaper set beats on the estimate (sums of singles), cheapest first."""
        objective = self.params.objective
        self.singles()  # options the twin cannot value are set aside first
        value = {i: float(np.mean(self.single(i).value(objective))) for i in self.options}
        cost = {i: float(np.mean(self.single(i).pv_cost)) for i in self.options}
        sets = [Candidate(ids, sum(cost[i] for i in ids), sum(value[i] for i in ids)) for ids in self.allowed_sets()]
        sets.sort(key=lambda c: (c.est_cost, -c.est_value, len(c.ids), c.ids))
        out: list[Candidate] = []
        best = 0.0
        for c in sets:
            if c.est_value > best:
                out.append(c)
                best = c.est_value
        return out

    def portfolio(self, budget: float | None = None) -> Portfolio:
        """The set with the best simulated value within *budget* (PV of costs), among the frontier's."""
        objective = self.params.objective
        limit = float("inf") if budget is None else budget
        candidates = [c for c in self.frontier() if c.est_cost <= limit]
        ranked = sorted(candidates, key=lambda c: (-c.est_value, c.est_cost, c.ids))
        notes = []
        evaluated: list[Appraisal] = []
        best = 0.0  # doing nothing
        for k, candidate in enumerate(ranked):
            if candidate.est_value <= best:  # overlapping options are worth at most their sum
                break
            if k == self.params.max_sets:
                notes.append(
                    f"{len(ranked) - k} more frontier set(s) might beat the best found; only "
                    f"{k} were simulated (raise --max-sets)"
                )
                break
            appraisal = self.appraise(candidate.ids)
            evaluated.append(appraisal)
            if float(np.mean(appraisal.pv_cost)) <= limit:
                best = max(best, float(np.mean(appraisal.value(objective))))
        chosen_few = ranked[: len(evaluated)]
        feasible = [
            a for a in evaluated if float(np.mean(a.pv_cost)) <= limit and float(np.mean(a.value(objective))) > 0
        ]
        chosen = max(feasible, key=lambda a: (float(np.mean(a.value(objective))), -len(a.ids)), default=None)
        summed = 0.0
        if chosen is not None:
            summed = sum(float(np.mean(self.single(i).value(objective))) for i in chosen.ids)
            top = evaluated[0]
            if top is not chosen:
                best_text = (
                    f"{' + '.join(chosen.ids)} ({_money_or(objective, float(np.mean(chosen.value(objective))))})"
                )
                why = (
                    "costs more than the budget once simulated; the best within it is " + best_text
                    if float(np.mean(top.pv_cost)) > limit
                    else f"is worth {_money_or(objective, float(np.mean(top.value(objective))))} simulated as a set, "
                    f"less than {best_text}"
                )
                notes.append(
                    f"the set with the largest summed estimate ({' + '.join(top.ids)}, "
                    f"{_money_or(objective, chosen_few[0].est_value)} summed) {why}; the next candidates "
                    "were simulated and the best kept"
                )
        elif evaluated:
            notes.append("no set within the budget is worth doing: the portfolio is to do nothing")
        return Portfolio(budget, chosen, summed, len(candidates), evaluated, notes)


def _money_or(objective: str, value: float) -> str:
    """An objective's value in words: NPV in dollars, tonnes of CO2 or minutes of p95 wait."""
    if objective == "delay-cost":
        return f"NPV {money(value, 'US$')}"
    return f"{value:,.0f} t CO2" if objective == "co2" else f"{value:,.2f} min of p95 wait"


@dataclass
class Plan:
    """A place's options ranked and its best portfolio: what ``smartborder plan`` prints."""

    study: Study
    params: PlanParameters
    catalogue: Catalogue
    replications: int
    seed: int
    years: list[int]
    annualise: float
    options: list[Appraisal]
    skipped: dict[str, str]
    portfolio: Portfolio
    frontier: list[Candidate]
    notes: list[str]
    seconds: float
    planner: Planner = field(repr=False)
    sensitivity: list[Sensitivity] = field(default_factory=list)
    break_even: str = ""

    def options_frame(self) -> pd.DataFrame:
        """One row per option, ranked (``options_frame``)."""
        return options_frame(self)

    def scenario(self, option_id: str) -> Scenario:
        """The option as a scenario ``compare`` runs (refused where no single scenario says it)."""
        return as_scenario(self.study.specs, [self.planner.options[option_id]])


def plan_place(
    place: str,
    *,
    year: int | None = None,
    month: str | None = None,
    classes: list[str] | None = None,
    catalogue: Catalogue | None = None,
    params: PlanParameters | None = None,
    replications: int = 3,
    seed: int = 0,
    announce: Callable[[Study], None] | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Appraise every option of *catalogue* that fits *place*, and choose the best portfolio
    within ``params.budget_usd`` (see the module docstring for the method)."""
    started = time.perf_counter()
    params = params or PlanParameters()
    catalogue = catalogue or load_catalogue()
    if place.strip().lower() == "new":
        raise AnalysisError("port: plan an existing port; a new crossing is an option of the port it relieves")
    study = prepare(place, year, month, None, classes)
    if announce is not None:
        announce(study)
    planner = Planner(study, catalogue, params, replications, seed, design_year(year, month), progress)
    if not planner.options:
        raise AnalysisError(
            f"options: none of the catalogue's options fits {study.label}: "
            + "; ".join(f"{k}: {v}" for k, v in planner.skipped.items())
        )
    ranked = planner.singles()
    portfolio = planner.portfolio(params.budget_usd)
    notes = []
    first = float(np.nanmean(p95_wait(planner.baselines[planner.years[0]])))
    for t in planner.years[1:]:
        longer = float(np.nanmean(p95_wait(planner.baselines[t]))) - first
        if longer > UNSTABLE_P95_MINUTES:
            notes.append(
                f"warning: at year {t}'s demand (× {planner._factor(t):.2f}) the baseline's p95 wait is "
                f"{longer:,.0f} min longer than in year 1: with today's staffing its queue does not clear, "
                "so benefits in the later years have no stable value; shorten --horizon or lower --growth"
            )
    if len(planner.years) > 1:
        notes.append(
            f"demand grows {params.growth:+.1%} a year; years {', '.join(map(str, planner.years))} of "
            f"{params.horizon_years} simulated and the years between interpolated"
        )
    if len(study.months) < 12:
        notes.append(f"{len(study.months)} month(s) simulated stand for a whole year (× {planner.annualise:.2f})")
    sensitivity, break_even = planner.sensitivity(portfolio.ids) if portfolio.chosen is not None else ([], "")
    return Plan(
        study,
        params,
        catalogue,
        replications,
        seed,
        planner.years,
        planner.annualise,
        ranked,
        planner.skipped,
        portfolio,
        planner.frontier(),
        notes,
        time.perf_counter() - started,
        planner,
        sensitivity,
        break_even,
    )


def plan_json(plan: Plan, report: str | None = None) -> dict[str, Any]:
    """The plan as JSON: options ranked, the portfolio, parameters and their sources."""
    from smartborder.vocabulary import period_label

    objective = plan.params.objective
    options = []
    for rank, appraisal in enumerate(plan.options, start=1):
        option = plan.planner.options[appraisal.ids[0]]
        summary = appraisal.summary()
        options.append(
            {
                "rank": rank,
                "id": option.id,
                "description": option.description,
                "group": option.group,
                "build_years": option.build_years,
                "life_years": option.life_years,
                "ranking_value": appraisal.ratio(objective),
                **{k: v for k, v in summary.items() if k not in ("options", "description")},
                "sources": option.sources(),
            }
        )
    chosen = plan.portfolio.chosen
    portfolio: dict[str, Any] = {
        "options": list(plan.portfolio.ids),
        "budget_usd": plan.portfolio.budget_usd,
        "simulated_as_set": True,
        "candidates": plan.portfolio.candidates,
        "sets_simulated": len(plan.portfolio.evaluated),
        "summed_value_of_singles": plan.portfolio.summed_value,
        "notes": plan.portfolio.notes,
    }
    if chosen is not None:
        s = chosen.summary()
        portfolio.update(
            {
                "cost_usd": s["pv_cost_usd"]["mean"],
                "cost_ci95": s["pv_cost_usd"]["ci95"],
                "capital_usd": chosen.capital_usd,
                "npv_usd": s["npv_usd"],
                "npv_ci95": s["npv_ci95"],
                "benefit_cost_ratio": s["benefit_cost_ratio"],
                "benefit_cost_ratio_ci95": s["benefit_cost_ratio_ci95"],
                "benefit_usd_per_year": s["benefit_usd_per_year"],
                "objective_value": float(np.mean(chosen.value(objective))),
                "sensitivity": [
                    {"case": r.case, "npv_usd": r.npv_usd, "benefit_cost_ratio": r.benefit_cost_ratio}
                    for r in plan.sensitivity
                ],
                "break_even": plan.break_even,
            }
        )
    else:
        portfolio.update({"cost_usd": 0.0, "npv_usd": 0.0, "capital_usd": 0.0})
    params = plan.params
    return {
        "port": {"code": plan.study.code, "name": plan.study.label, "kind": plan.study.kind},
        "period": period_label(plan.study.months),
        "months": [str(m) for m in plan.study.months],
        "replications": plan.replications,
        "seed": plan.seed,
        "parameters": {
            **params.model_dump(),
            "discount_rate_source": DISCOUNT_SOURCE,
            "horizon_source": HORIZON_SOURCE,
            "growth_source": GROWTH_SOURCE,
            "representative_years": plan.years,
            "annualisation": plan.annualise,
            "lane_hour_usd": plan.catalogue.parameters.lane_hour_usd,
            "officer_hour": plan.catalogue.parameters.officer_hour.model_dump(),
            "officers_per_lane": plan.catalogue.parameters.officers_per_lane.model_dump(),
            "catalogue": plan.catalogue.name,
        },
        "options": options,
        "skipped": plan.skipped,
        "portfolio": portfolio,
        "sets_simulated": [
            {"options": list(a.ids), **{k: v for k, v in a.summary().items() if k != "options"}}
            for a in plan.portfolio.evaluated
        ],
        "frontier": [
            {"options": list(c.ids), "estimated_cost_usd": c.est_cost, "estimated_value": c.est_value}
            for c in plan.frontier
        ],
        "notes": [*plan.study.notes, *plan.notes],
        "warnings": plan.study.warnings,
        "seconds": plan.seconds,
        "report": report,
    }


def options_frame(plan: Plan) -> pd.DataFrame:
    """One row per option (ranked): the figures the table, report and CSV show."""
    rows = []
    for rank, a in enumerate(plan.options, start=1):
        s = a.summary()
        rows.append(
            {
                "rank": rank,
                "id": a.ids[0],
                "description": a.description,
                "capital_usd": a.capital_usd,
                "annual_cost_usd": s["annual_cost_usd"],
                "benefit_usd_per_year": s["benefit_usd_per_year"]["mean"],
                "benefit_usd_per_year_ci95": s["benefit_usd_per_year"]["ci95"],
                "pv_cost_usd": s["pv_cost_usd"]["mean"],
                "pv_benefit_usd": s["pv_benefit_usd"]["mean"],
                "npv_usd": s["npv_usd"],
                "npv_ci95": s["npv_ci95"],
                "benefit_cost_ratio": s["benefit_cost_ratio"],
                "bcr_ci95": s["benefit_cost_ratio_ci95"],
                "co2_tonnes_per_year": s["co2_tonnes_per_year"]["mean"],
                "co2_tonnes_per_musd": s["co2_tonnes_per_musd"],
                "p95_minutes": s["p95_minutes"]["mean"],
                "p95_minutes_per_musd": s["p95_minutes_per_musd"],
                "estimated_costs": a.estimated,
                "driver": a.measured.driver,
            }
        )
    return pd.DataFrame(rows)


__all__ = [
    "DISCOUNT_SOURCE",
    "OBJECTIVES",
    "Appraisal",
    "Candidate",
    "Measured",
    "Plan",
    "PlanParameters",
    "Planner",
    "Portfolio",
    "grown",
    "options_frame",
    "p95_wait",
    "plan_json",
    "plan_place",
    "representative_years",
]
