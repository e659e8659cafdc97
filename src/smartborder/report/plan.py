"""The investment plan's report: options ranked, the portfolio, the cost–benefit frontier figure,
and the source of every cost (``smartborder plan ... --out DIR``).

Files written: ``plan.html`` (self-contained, figure embedded), ``frontier.png``, ``options.csv``
(one row per option), ``sets.csv`` (every set re-simulated), ``sources.csv`` (every figure of
every option with its source) and ``scenarios/ID.toml``: each option as a scenario file that
``smartborder compare`` runs (where one scenario can express it), to check an option on its own.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

from smartborder.policy.errors import REFUSALS

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tomli_w

if TYPE_CHECKING:
    from smartborder.policy.deciding.plan import Appraisal, Plan
    from smartborder.policy.deciding.plan_border import BorderPlan

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.45}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td.t{text-align:left}img{max-width:100%}.note{color:#555;font-size:13px}
tr.chosen td{font-weight:600;color:#1a6b2a}.estimate{color:#8a5a00}h2{border-bottom:2px solid #4a78b0;padding-bottom:2px}
"""

_UNITS = {
    "delay-cost": ("NPV", "US$ million", 1e6),
    "co2": ("CO2 saved over the horizon", "tonnes", 1.0),
    "p95": ("p95 wait cut, mean over the years it works", "minutes", 1.0),
}


def plot_frontier(plan: Plan, path: Path) -> Path:
    """Cost (PV) against the objective: each option alone, each set re-simulated, the estimated
    frontier (sums of singles), the budget and the portfolio."""
    objective = plan.params.objective
    label, unit, scale = _UNITS[objective]
    fig, ax = plt.subplots(figsize=(9, 5.5), layout="constrained")
    frontier = plan.frontier
    if frontier:
        xs = [0.0] + [c.est_cost / 1e6 for c in frontier]
        ys = [0.0] + [c.est_value / scale for c in frontier]
        ax.step(xs, ys, where="post", color="#999", ls="--", lw=1, label="estimated frontier (sums of singles)")

    def points(appraisals: list[Appraisal], **style: object) -> None:
        if not appraisals:
            return
        x = [float(np.mean(a.pv_cost)) / 1e6 for a in appraisals]
        stats = [a.interval(objective) for a in appraisals]
        y = [m / scale for m, _ in stats]
        err = [0.0 if not np.isfinite(h) else h / scale for _, h in stats]
        ax.errorbar(x, y, yerr=err, fmt="o", capsize=3, **style)  # type: ignore[arg-type]

    singles = plan.options
    values = [float(np.mean(a.value(objective))) / scale for a in [*singles, *plan.portfolio.evaluated]]
    top = max([0.0, *values])
    floor = -0.4 * top if top > 0 else min([0.0, *values])
    shown = [a for a in singles if float(np.mean(a.value(objective))) / scale >= floor]
    hidden = [a for a in singles if a not in shown]
    points(shown, color="#4a78b0", label="option alone (± 95% CI)")
    for a in shown:
        ax.annotate(
            a.ids[0],
            (float(np.mean(a.pv_cost)) / 1e6, float(np.mean(a.value(objective))) / scale),
            fontsize=7,
            xytext=(4, 3),
            textcoords="offset points",
            color="#333",
        )
    if hidden:  # options far below zero would squash the chart: named under it instead
        ax.annotate(
            "below the chart: "
            + ", ".join(f"{a.ids[0]} ({float(np.mean(a.value(objective))) / scale:,.0f})" for a in hidden),
            (0.01, 0.01),
            xycoords="figure fraction",
            fontsize=7,
            color="#8a5a00",
        )
    sets = [a for a in plan.portfolio.evaluated if len(a.ids) > 1]
    points(sets, color="#e08a1e", label="set re-simulated (± 95% CI)")
    chosen = plan.portfolio.chosen
    if chosen is not None:
        ax.plot(
            [float(np.mean(chosen.pv_cost)) / 1e6],
            [float(np.mean(chosen.value(objective))) / scale],
            "*",
            ms=16,
            color="#c0392b",
            label="portfolio: " + " + ".join(chosen.ids),
            zorder=5,
        )
    if plan.params.budget_usd is not None:
        ax.axvline(plan.params.budget_usd / 1e6, color="#c0392b", ls=":", lw=1, label="budget")
    ax.axhline(0, color="#444", lw=0.6)
    if hidden:
        ax.set_ylim(bottom=floor * 1.1)
    ax.set_xlabel("cost, present value over the horizon (US$ million)")
    ax.set_ylabel(f"{label} ({unit})")
    ax.set_title(
        f"Cost–benefit frontier: {plan.study.label}, {plan.params.horizon_years} years at "
        f"{plan.params.discount_rate:.1%}"
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _cell(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "<td>yes</td>" if value else "<td>no</td>"
    if isinstance(value, int | np.integer):
        return f"<td>{int(value):,}</td>"
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        if not np.isfinite(v):
            return "<td>–</td>"
        return f"<td>{v:,.0f}</td>" if abs(v) >= 100 else f"<td>{v:,.2f}</td>"
    return f"<td class='t'>{html.escape(str(value))}</td>"


def _table(frame: pd.DataFrame, headers: dict[str, str], chosen: set[str] | None = None, key: str = "id") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers.values())
    rows = []
    for _, row in frame.astype(object).iterrows():  # object: integers stay integers
        css = " class='chosen'" if chosen and row.get(key) in chosen else ""
        rows.append(f"<tr{css}>" + "".join(_cell(row[c]) for c in headers) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def sets_frame(plan: Plan) -> pd.DataFrame:
    """Every set re-simulated for the portfolio, with the sum of its options alone beside it."""
    objective = plan.params.objective
    rows = []
    for a in plan.portfolio.evaluated:
        npv, npv_half = a.interval()
        rows.append(
            {
                "options": " + ".join(a.ids),
                "pv_cost_usd": float(np.mean(a.pv_cost)),
                "capital_usd": a.capital_usd,
                "npv_usd": npv,
                "npv_ci95": npv_half,
                "value": float(np.mean(a.value(objective))),
                "summed_value_of_singles": sum(float(np.mean(plan.planner.single(i).value(objective))) for i in a.ids),
                "chosen": a is plan.portfolio.chosen,
            }
        )
    return pd.DataFrame(rows)


def sources_frame(plan: Plan) -> pd.DataFrame:
    """Every figure the plan uses and its source: the catalogue's parameters, each option's
    costs, the discount rate, horizon and growth, and the delay-cost values."""
    from smartborder.policy.studies.costs import CostParameters

    rows = []
    params = plan.catalogue.parameters
    rows.append(
        {
            "item": "parameters",
            "figure": "officer_hour",
            "value": f"US${params.officer_hour.usd:,.2f}",
            "source": params.officer_hour.source,
        }
    )
    rows.append(
        {
            "item": "parameters",
            "figure": "officers_per_lane",
            "value": f"{params.officers_per_lane.value:g}",
            "source": params.officers_per_lane.source,
        }
    )
    for name in ("discount_rate", "horizon_years", "growth"):
        rows.append(
            {
                "item": "plan",
                "figure": name,
                "value": f"{getattr(plan.params, name):g}",
                "source": type(plan.params).model_fields[name].description or "",
            }
        )
    for name, spec in CostParameters.model_fields.items():
        rows.append(
            {
                "item": "delay cost",
                "figure": name,
                "value": f"{getattr(CostParameters(), name):g}",
                "source": spec.description or "",
            }
        )
    for option_id, option in plan.planner.options.items():
        for figure, text in option.sources().items():
            value, _, source = text.partition(": ")
            rows.append({"item": option_id, "figure": figure, "value": value, "source": source})
    return pd.DataFrame(rows)


def write_scenarios(plan: Plan, folder: Path) -> dict[str, str]:
    """Each option as a scenario file ``compare`` runs; returns option id → path or the reason
    no single scenario expresses it here."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, str] = {}
    for option_id in plan.planner.options:
        try:
            scenario = plan.scenario(option_id)
        except REFUSALS as exc:
            out[option_id] = f"not written: {exc}"
            continue
        raw = _plain(scenario.model_dump(by_alias=True, exclude_none=True))
        assert isinstance(raw, dict)
        path = folder / f"{option_id}.toml"
        path.write_text(tomli_w.dumps(raw), encoding="utf-8")
        out[option_id] = str(path)
    return out


def _plain(value: object) -> object:
    """Tuples as lists and empty tables dropped, for TOML."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in ({}, [])}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _sensitivity_html(plan: Plan) -> str:
    """The portfolio under each changed assumption, and the break-even line."""
    if not plan.sensitivity:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(r.case)}</td><td class='num'>{r.npv_usd:,.0f}</td>"
        f"<td class='num'>{'–' if r.benefit_cost_ratio is None else f'{r.benefit_cost_ratio:,.2f}'}</td></tr>"
        for r in plan.sensitivity
    )
    return (
        "<h2>Sensitivity</h2><p class='note'>The portfolio's own simulations priced again under each changed "
        "price, and simulated again at each demand growth, which changes the queues (OMB Circular A-94 §11)."
        "</p><table><thead><tr><th>Assumption</th><th>NPV US$</th>"
        f"<th>BCR</th></tr></thead><tbody>{rows}</tbody></table><p>{html.escape(plan.break_even)}</p>"
    )


def _plan_body(plan: Plan, figure: Path, scenarios: dict[str, str]) -> str:
    from smartborder.report.html import _img
    from smartborder.report.summary import period_label

    p = plan.params
    chosen = plan.portfolio.chosen
    options = plan.options_frame()
    budget = "none" if p.budget_usd is None else f"US${p.budget_usd:,.0f} (present value of costs)"
    parts = [
        (
            f"<p class='note'>{html.escape(plan.study.label)}, {period_label(plan.study.months)} simulated "
            f"(× {plan.annualise:.2f} to a year), {plan.replications} replications, seed {plan.seed}; horizon "
            f"{p.horizon_years} years, real discount rate {p.discount_rate:.1%}, demand growth {p.growth:+.1%} "
            f"a year (years {', '.join(map(str, plan.years))} simulated), objective {p.objective}, budget "
            f"{budget}. Planned in {plan.seconds:.1f} s.</p>"
        )
    ]
    if chosen is None:
        parts.append(
            "<h2>Portfolio</h2><p class='lead'>Do nothing: no set of options within the budget is worth its cost.</p>"
        )
    else:
        s: dict[str, Any] = chosen.summary()
        parts.append(
            "<h2>Portfolio</h2>"
            f"<p class='lead'><b>{html.escape(' + '.join(chosen.ids))}</b>: NPV US${s['npv_usd']:,.0f} "
            f"± {s['npv_ci95']:,.0f}, benefit–cost ratio {s['benefit_cost_ratio']:.2f} "
            f"± {s['benefit_cost_ratio_ci95']:.2f}, cost US${s['pv_cost_usd']['mean']:,.0f} (present value), "
            f"capital US${chosen.capital_usd:,.0f}.</p>"
            "<p class='note'>The portfolio's figures are its own simulation as a set (options interact), not "
            f"the sum of its options alone (which would be {plan.portfolio.summed_value:,.0f} in the objective's "
            f"unit). {plan.portfolio.candidates} sets on the estimated frontier within the budget; "
            f"{len(plan.portfolio.evaluated)} simulated.</p>"
        )
    parts += [
        _sensitivity_html(plan),
        f"<ul class='note'>{''.join(f'<li>{html.escape(n)}</li>' for n in [*plan.portfolio.notes, *plan.notes, *plan.study.notes, *plan.study.warnings])}</ul>",
        "<h2>Cost–benefit frontier</h2>",
        _img(figure),
        "<h2>Options, best first</h2>",
        _table(
            options,
            {
                "rank": "#",
                "id": "Option",
                "description": "What",
                "capital_usd": "Capital US$",
                "annual_cost_usd": "Annual cost US$ (year 1)",
                "benefit_usd_per_year": "Benefit US$/yr (year 1)",
                "benefit_usd_per_year_ci95": "± 95%",
                "pv_cost_usd": "PV cost US$",
                "npv_usd": "NPV US$",
                "npv_ci95": "± 95%",
                "benefit_cost_ratio": "BCR",
                "bcr_ci95": "± 95%",
                "co2_tonnes_per_year": "CO2 t/yr",
                "co2_tonnes_per_musd": "CO2 t per US$M",
                "p95_minutes": "p95 cut, min",
                "p95_minutes_per_musd": "min per US$M",
                "estimated_costs": "Estimated costs",
                "driver": "Where the benefit comes from (year 1)",
            },
            set(plan.portfolio.ids),
        ),
        "<h2>Sets re-simulated</h2>",
        _table(
            sets_frame(plan),
            {
                "options": "Options",
                "pv_cost_usd": "PV cost US$",
                "npv_usd": "NPV US$",
                "npv_ci95": "± 95%",
                "value": "Objective (simulated)",
                "summed_value_of_singles": "Objective (sum of singles)",
                "chosen": "Portfolio",
            },
        ),
    ]
    if plan.skipped:
        parts.append(
            "<h2>Options that do not fit</h2><ul class='note'>"
            + "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in plan.skipped.items())
            + "</ul>"
        )
    sources = sources_frame(plan)
    items = "".join(
        f"<li><code>{html.escape(str(r['item']))}.{html.escape(str(r['figure']))}</code> = "
        f"{html.escape(str(r['value']))}: <span class='{'estimate' if 'ESTIMATE' in str(r['source']) else ''}'>"
        f"{html.escape(str(r['source']))}</span></li>"
        for _, r in sources.iterrows()
    )
    parts.append(
        "<h2>Where every figure comes from</h2><p class='note'>FACT: a published figure with its "
        "citation. ESTIMATE: derived or assumed, with the reasoning. Edit the catalogue "
        "(<code>--options FILE</code>) to use your own.</p>" + f"<ul class='note'>{items}</ul>"
    )
    written = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in scenarios.items())
    parts.append(
        "<h2>Check an option with <code>compare</code></h2><p class='note'>Each option as a scenario "
        "file: <code>smartborder compare PORT scenarios/ID.toml</code> with the same period, seed and "
        f"replications reproduces its yearly benefit ÷ {plan.annualise:.2f}.</p><ul class='note'>{written}</ul>"
    )
    parts.append(
        "<h2>Method</h2><p class='note'>"
        + html.escape(
            "Each option runs against the baseline with common random numbers at the representative years; "
            "figures between them are interpolated; flows are discounted at the real rate; NPV and BCR are "
            "computed per replication, so their intervals come from paired differences. See "
            "smartborder.policy.deciding.plan for the full method."
        )
        + "</p>"
    )
    return "".join(parts)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def write_plan_report(plan: Plan, out: Path) -> Path:
    """``plan.html`` with the frontier figure, the CSV tables and the scenario files; returns the page."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figure = plot_frontier(plan, out / "frontier.png")
    plan.options_frame().to_csv(out / "options.csv", index=False)
    sets_frame(plan).to_csv(out / "sets.csv", index=False)
    sources_frame(plan).to_csv(out / "sources.csv", index=False)
    scenarios = write_scenarios(plan, out / "scenarios")
    page = out / "plan.html"
    page.write_text(
        _page(f"Investment plan — {plan.study.label}", _plan_body(plan, figure, scenarios)), encoding="utf-8"
    )
    return page


def write_border_plan_report(result: BorderPlan, out: Path) -> Path:
    """``plan.html`` for the border portfolio, and each port's own report in a sub-folder."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for code, plan in result.plans.items():
        page = write_plan_report(plan, out / code)
        chosen = result.chosen.get(code)
        rows.append(
            f"<tr><td class='t'><a href='{code}/plan.html'>{html.escape(plan.study.label)}</a></td>"
            f"<td class='t'>{html.escape(' + '.join(chosen.ids) if chosen else 'nothing')}</td>"
            + _cell(float(np.mean(chosen.pv_cost)) if chosen else 0.0)
            + _cell(float(np.mean(chosen.npv)) if chosen else 0.0)
            + "</tr>"
        )
        del page
    p = result.params
    budget = "none" if p.budget_usd is None else f"US${p.budget_usd:,.0f}"
    body = (
        f"<p class='lead'>Border portfolio within budget {budget}: cost US${result.cost_usd:,.0f} (present "
        f"value), NPV US${result.npv_usd:,.0f}. Each port's set is simulated as a set; ports share no "
        "traffic, so the border total is their sum.</p><table><thead><tr><th>Port</th><th>In the "
        "portfolio</th><th>PV cost US$</th><th>NPV US$</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + "".join(f"<p class='note'>{html.escape(n)}</p>" for n in result.notes)
    )
    page = out / "plan.html"
    page.write_text(_page("Investment plan — US–Mexico border", body), encoding="utf-8")
    return page


__all__ = [
    "plot_frontier",
    "sets_frame",
    "sources_frame",
    "write_border_plan_report",
    "write_plan_report",
    "write_scenarios",
]
