"""``plan``: which investments a port (or the border's busiest ports) should make, within a budget."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich import box
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from smartborder.cli.errors import UsageError
from smartborder.cli.output import console, err_console, note, print_json
from smartborder.cli.sim_commands import ClassOpt
from smartborder.numbers import compact


def _usd(value: float) -> str:
    """US$ in a few characters: 1234567 → 1.2M (keeps the table inside 80 columns)."""
    return compact(value, 0, kilo_from=1e3, whole_from=100, billion="bn")


def _num(value: float | None, digits: int = 1) -> str:
    """A ratio or a count in a few characters: *digits* decimals under 100, none from 100, k/M from 10,000."""
    return compact(value, digits, whole_from=100, billion="bn")


def _pm(mean: float, half: float, fmt=_usd) -> str:  # type: ignore[no-untyped-def]
    if mean is None or not np.isfinite(mean):
        return "–"
    return str(fmt(mean)) + (f"±{fmt(half)}" if half is not None and np.isfinite(half) else "")


def _options_table(plan) -> Table:  # type: ignore[no-untyped-def]
    """The options ranked: capital, yearly benefit, NPV and BCR with 95 % intervals."""
    from smartborder.report.summary import period_label

    objective = plan.params.objective
    title = (
        f"Investments at {plan.study.label}: {plan.params.horizon_years} years at "
        f"{plan.params.discount_rate:.1%} real, {period_label(plan.study.months)} simulated, "
        f"{plan.replications} replications (± 95% CI)"
    )
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0), min_width=60)
    table.add_column("#", justify="right", no_wrap=True, min_width=len(str(len(plan.options))))
    table.add_column("Option", no_wrap=True, min_width=min(22, max(len(a.ids[0]) + 1 for a in plan.options)))
    table.add_column("Capital", justify="right", no_wrap=True)
    if objective == "delay-cost":
        table.add_column("Benefit/yr", justify="right", no_wrap=True)
    elif objective == "co2":
        table.add_column("CO2 t/yr", justify="right", no_wrap=True)
        table.add_column("t/$M", justify="right", no_wrap=True)
    else:
        table.add_column("p95 cut", justify="right", no_wrap=True)
        table.add_column("min/$M", justify="right", no_wrap=True)
    table.add_column("NPV", justify="right", no_wrap=True)
    table.add_column("BCR", justify="right", no_wrap=True)
    chosen = set(plan.portfolio.ids)
    for rank, appraisal in enumerate(plan.options, start=1):
        s = appraisal.summary()
        option_id = appraisal.ids[0]
        label = option_id + ("*" if appraisal.estimated else "")
        cells = [str(rank), label, _usd(appraisal.capital_usd)]
        if objective == "delay-cost":
            cells.append(_pm(s["benefit_usd_per_year"]["mean"], s["benefit_usd_per_year"]["ci95"]))
        elif objective == "co2":
            cells += [
                _pm(s["co2_tonnes_per_year"]["mean"], s["co2_tonnes_per_year"]["ci95"], _num),
                _num(s["co2_tonnes_per_musd"]),
            ]
        else:
            cells += [
                _pm(s["p95_minutes"]["mean"], s["p95_minutes"]["ci95"], lambda v: _num(v, 1)),
                _num(s["p95_minutes_per_musd"], 2),
            ]
        cells += [
            _pm(s["npv_usd"], s["npv_ci95"]),
            _pm(s["benefit_cost_ratio"], s["benefit_cost_ratio_ci95"], lambda v: _num(v, 1)),
        ]
        style = "bold green" if option_id in chosen else ("dim" if s["npv_usd"] < 0 else None)
        table.add_row(*cells, style=style)
    return table


def _sensitivity_table(plan) -> Table:  # type: ignore[no-untyped-def]
    """The portfolio under each changed assumption: prices priced again, growth simulated again."""
    table = Table(title="Portfolio sensitivity (growth simulated again)", box=box.SIMPLE_HEAD)
    table.add_column("Assumption")
    table.add_column("NPV US$", justify="right")
    table.add_column("BCR", justify="right")
    for row in plan.sensitivity:
        ratio = "–" if row.benefit_cost_ratio is None else _num(row.benefit_cost_ratio, 2)
        table.add_row(row.case, _usd(row.npv_usd), ratio)
    return table


def _print_plan(plan) -> None:  # type: ignore[no-untyped-def]
    from smartborder.policy.deciding.plan import PlanParameters

    console.print(_options_table(plan))
    for appraisal in plan.options:
        if appraisal.measured.driver and float(np.mean(appraisal.measured.benefit_usd[0])) > 0:
            console.print(f"  [dim]{appraisal.ids[0]}: {appraisal.measured.driver}[/dim]", highlight=False)
    portfolio = plan.portfolio
    budget = "no budget limit" if portfolio.budget_usd is None else f"budget US${_usd(portfolio.budget_usd)}"
    objective = {"delay-cost": "NPV", "co2": "CO2 saved", "p95": "p95 wait cut"}[plan.params.objective]
    if portfolio.chosen is None:
        console.print(f"[bold]Portfolio[/bold] ({budget}, best {objective}): do nothing — no set is worth its cost")
    else:
        s = portfolio.chosen.summary()
        console.print(
            f"[bold]Portfolio[/bold] ({budget}, best {objective}): {' + '.join(portfolio.ids)}", highlight=False
        )
        console.print(
            f"  simulated as a set: NPV US${_pm(s['npv_usd'], s['npv_ci95'])}, BCR "
            f"{_pm(s['benefit_cost_ratio'], s['benefit_cost_ratio_ci95'], lambda v: _num(v, 2))}, "
            f"cost (PV) US${_usd(s['pv_cost_usd']['mean'])}, capital US${_usd(portfolio.chosen.capital_usd)}, "
            f"benefit US${_pm(s['benefit_usd_per_year']['mean'], s['benefit_usd_per_year']['ci95'])} "
            "a year",
            highlight=False,
        )
        if len(portfolio.ids) > 1:
            unit = "NPV US$" if plan.params.objective == "delay-cost" else ""
            value = (
                _usd(portfolio.summed_value)
                if plan.params.objective == "delay-cost"
                else _num(portfolio.summed_value, 2)
            )
            console.print(
                f"  [dim]its options alone would add up to {unit}{value}; the set is simulated, "
                f"not summed ({portfolio.candidates} candidate sets, {len(portfolio.evaluated)} "
                "simulated)[/dim]",
                highlight=False,
            )
    if plan.sensitivity:
        console.print(_sensitivity_table(plan))
        console.print(f"  {plan.break_even}", highlight=False)
    for text in [*portfolio.notes, *plan.notes]:
        console.print(f"[dim]{text}[/dim]", highlight=False)
    for option_id, reason in plan.skipped.items():
        console.print(f"[dim]set aside: {option_id}: {reason}[/dim]", highlight=False)
    for appraisal in plan.options:
        verdict = appraisal.verdict()
        if verdict.startswith("loses"):
            console.print(f"[dim]{appraisal.ids[0]} {verdict}[/dim]", highlight=False)
    estimated = sum(a.estimated for a in plan.options)
    rate = (
        "OMB Circular A-94 (1992) §8.b(1), reinstated by OMB M-25-23 (2025)"
        if (plan.params.discount_rate == PlanParameters.model_fields["discount_rate"].default)
        else "given"
    )
    console.print(
        f"[dim]Benefit/yr: delay cost saved (value of time, idling fuel) at year-1 demand. NPV, BCR: "
        f"present values of benefits and of capital, fixed and staffing costs; discount rate "
        f"{plan.params.discount_rate:.1%} real ({rate}). *: {estimated} option(s) with estimated "
        "costs; every source is in the catalogue and the report (--out).[/dim]",
        highlight=False,
    )


def plan(
    port: Annotated[
        str | None,
        typer.Argument(help="Port or crossing to plan for: name, alias, BTS code, e.g. laredo, 'otay mesa'."),
    ] = None,
    border: Annotated[
        str | None, typer.Option("--border", help="Plan the busiest ports of a border together: mexico (see --ports).")
    ] = None,
    ports: Annotated[
        int,
        typer.Option("--ports", help="With --border: how many of the busiest ports (trucks and cars) to plan.", min=1),
    ] = 5,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Calendar year simulated as year 1 (default: the last full year of data)."),
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="One month, YYYY-MM, standing for the year (faster).")
    ] = None,
    vehicle_class: ClassOpt = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            help="Most the portfolio may cost, US$: present value of capital and operating costs over the horizon (default: no limit).",
            min=0,
        ),
    ] = None,
    horizon: Annotated[int | None, typer.Option("--horizon", help="Years appraised (default 20).")] = None,
    growth: Annotated[
        float | None,
        typer.Option("--growth", help="Demand growth, percent a year, every class (default 0).", min=-40, max=50),
    ] = None,
    options: Annotated[
        Path | None, typer.Option("--options", help="Investment catalogue (TOML) instead of the shipped one.")
    ] = None,
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="What the portfolio maximises: delay-cost (NPV, US$), co2 (tonnes saved) or p95 (minutes of p95 wait cut).",
        ),
    ] = "delay-cost",
    discount_rate: Annotated[
        float | None,
        typer.Option(
            "--discount-rate", help="Real discount rate (default 0.07: OMB Circular A-94, 1992, as reinstated in 2025)."
        ),
    ] = None,
    points: Annotated[
        int | None,
        typer.Option("--points", help="Representative years simulated when demand grows (default 2: first and last)."),
    ] = None,
    max_sets: Annotated[
        int | None, typer.Option("--max-sets", help="Portfolio candidates re-simulated as sets, at most (default 12).")
    ] = None,
    replications: Annotated[
        int, typer.Option("--replications", "-r", help="Replications (for 95 % CIs; at least 2).", min=2)
    ] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (common to the baseline and every option).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Directory for the HTML report (cost-benefit frontier), CSV tables and each option's scenario file.",
        ),
    ] = None,
) -> None:
    """Appraise each investment option (NPV, benefit-cost ratio, 95% CIs) and pick the best portfolio within a budget."""
    from smartborder.policy.deciding.investments import load_catalogue
    from smartborder.policy.deciding.plan import PlanParameters, plan_json, plan_place

    params = PlanParameters.of(
        discount_rate=discount_rate,
        horizon_years=horizon,
        objective=objective,
        growth=None if growth is None else growth / 100.0,
        budget_usd=budget,
        points=points,
        max_sets=max_sets,
    )
    catalogue = load_catalogue(options)
    if (border is None) == (port is None):
        raise UsageError("port: give a port, or --border mexico (not both)")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=as_json,
        transient=True,
    ) as bar:
        task = bar.add_task("planning", total=None)

        def progress(message: str) -> None:
            bar.update(task, description=f"simulating {message}")

        if border is not None:
            _plan_border(
                border, ports, year, month, vehicle_class, catalogue, params, replications, seed, progress, out, as_json
            )
            return
        assert port is not None
        result = plan_place(
            port,
            year=year,
            month=month,
            classes=vehicle_class,
            catalogue=catalogue,
            params=params,
            replications=replications,
            seed=seed,
            announce=_announce,
            progress=progress,
        )
    report = None
    if out is not None:
        from smartborder.report.plan import write_plan_report

        report = write_plan_report(result, out)
    if as_json:
        print_json(plan_json(result, str(report) if report else None))
        return
    _print_plan(result)
    console.print(f"[dim]{result.seconds:.1f} s[/dim]" + (f"  report: {report}" if report else ""), highlight=False)


def _plan_border(  # type: ignore[no-untyped-def]
    border,
    ports,
    year,
    month,
    classes,
    catalogue,
    params,
    replications,
    seed,
    progress,
    out,
    as_json,
) -> None:
    """``plan --border``: the busiest ports planned, one portfolio over them."""
    from smartborder.policy.deciding.plan_border import border_json, plan_border

    result = plan_border(
        border,
        ports=ports,
        year=year,
        month=month,
        classes=classes,
        catalogue=catalogue,
        params=params,
        replications=replications,
        seed=seed,
        progress=progress,
    )
    report = None
    if out is not None:
        from smartborder.report.plan import write_border_plan_report

        report = write_border_plan_report(result, out)
    if as_json:
        print_json(border_json(result, str(report) if report else None))
        return
    _print_border(result)
    console.print(f"[dim]{result.seconds:.1f} s[/dim]" + (f"  report: {report}" if report else ""), highlight=False)


def _announce(study) -> None:  # type: ignore[no-untyped-def]
    for text in study.notes:
        note(text)
    for warning in study.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


def _print_border(result) -> None:  # type: ignore[no-untyped-def]
    """Each port's best options and the border portfolio."""
    table = Table(
        title=f"Investment plan, US–Mexico border: {len(result.plans)} busiest ports, "
        f"{result.params.horizon_years} years at {result.params.discount_rate:.1%} real",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for col in ("Port", "Best option alone", "NPV", "In the portfolio", "Cost (PV)", "Set NPV"):
        table.add_column(
            col,
            justify="right" if col in ("NPV", "Cost (PV)", "Set NPV") else "left",
            no_wrap=col != "In the portfolio",
            overflow="fold",
        )
    for code, plan in result.plans.items():
        best = plan.options[0] if plan.options else None
        chosen = result.chosen.get(code)
        s = chosen.summary() if chosen is not None else None
        table.add_row(
            plan.study.label.split(",")[0],
            best.ids[0] if best else "–",
            _usd(float(np.mean(best.npv))) if best else "–",
            ", ".join(chosen.ids) if chosen is not None else "nothing",
            _usd(s["pv_cost_usd"]["mean"]) if s else "–",
            _usd(s["npv_usd"]) if s else "–",
        )
    console.print(table)
    budget = "no budget limit" if result.params.budget_usd is None else f"budget US${_usd(result.params.budget_usd)}"
    console.print(
        f"[bold]Border portfolio[/bold] ({budget}): cost (PV) US${_usd(result.cost_usd)}, "
        f"NPV US${_usd(result.npv_usd)} (each port's set simulated as a set; ports do not share traffic)",
        highlight=False,
    )
    for text in result.notes:
        note(text)
