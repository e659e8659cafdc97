"""``simulate``, ``compare`` and ``port show``: calibrated ports, scenarios and their reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from smartborder import data
from smartborder.cli.output import console, err_console, note, print_json
from smartborder.twin.errors import ModelError

YearOpt = Annotated[int | None, typer.Option("--year", help="Calendar year to simulate (default: last full year of data).")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM, instead of a year.")]
ClassOpt = Annotated[list[str] | None, typer.Option("--class", help="Only these classes: truck, pov, pedestrian, bus.")]
RepsOpt = Annotated[int, typer.Option("--replications", "-r", help="Independent replications (for 95 % CIs).", min=1)]
BorderRepsOpt = Annotated[int | None, typer.Option("--replications", "-r", help="Independent replications (for 95 % CIs); default 5, or 1 with --border.", min=1)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (common to all scenarios).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Directory for the HTML report and CSV/Parquet tables.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Port model file (TOML) instead of the default.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def _sizing_year(year: int | None, month: str | None) -> int | None:
    """Size a default model on the year being simulated (the month's year with --month)."""
    if year is None and month is not None:
        period = data.parse_month(month, "month")
        # A month outside the data is reported by the month check, with the range available.
        return period.year if period <= data.last_month() else None
    return year


def _spec(port: str, year: int | None, model: Path | None, classes: list[str] | None):  # type: ignore[no-untyped-def]
    from smartborder.ports import PortSpec, default_spec

    resolution = data.resolve(port)
    if resolution.note:
        note(resolution.note)
    spec = PortSpec.from_toml(model) if model else default_spec(resolution.port, year)
    if classes:
        unknown = sorted(set(classes) - set(spec.classes))
        if unknown:
            raise ModelError(f"class: {spec.name} has no {unknown} traffic; it serves {', '.join(spec.classes)}")
        spec = spec.model_copy(update={"classes": {k: v for k, v in spec.classes.items() if k in classes}})
    return spec


def _months(spec, year: int | None, month: str | None) -> list[pd.Period]:  # type: ignore[no-untyped-def]
    from smartborder.policy.analysis import year_months

    if year is not None and month is not None:
        raise ModelError("year/month: give --year or --month, not both")
    if month is not None:
        period = data.parse_month(month, "month")
        port = data.resolve_port(spec.data_port)
        if not port.first_month <= period <= port.last_month:
            raise ModelError(f"month: {port.label} has data from {port.first_month} to {port.last_month}, not {period}")
        return [period]
    if year is None:
        last = data.resolve_port(spec.data_port).last_month
        year = last.year if last.month == 12 else last.year - 1
    return year_months(spec, year)


def _warn_capacity(spec, months: list[pd.Period]) -> None:  # type: ignore[no-untyped-def]
    from smartborder.ports.calibrate import capacity_warnings

    for warning in capacity_warnings(spec, months):
        err_console.print(f"[yellow]warning:[/yellow] {spec.name}: {warning}", highlight=False)


def _progress(total: int, label: str, quiet: bool) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, disable=quiet, transient=True)


def _short(value: float, digits: int = 1) -> str:
    """1234567 → 1.2M: keeps wide tables inside a terminal."""
    if not np.isfinite(value):
        return "–"
    for threshold, size, suffix in ((1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if abs(value) >= threshold:
            return f"{value / size:,.1f}{suffix}"
    return f"{value:,.{digits}f}"


def _fmt(mean: float, half: float, digits: int = 1) -> str:
    if not np.isfinite(mean):
        return "–"
    return _short(mean, digits) + (f" ± {_short(half, digits)}" if np.isfinite(half) else "")


def _summary_table(run) -> Table:  # type: ignore[no-untyped-def]
    table = run.table()
    out = Table(title=f"{run.spec.name}, {run.months[0]}..{run.months[-1]}, {len(run.runs)} replications "
                      "(mean ± 95% CI)", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("Class", "Per day", "Wait min", "p95 min", "Delay veh-h", "Cost US$"):
        out.add_column(col, justify="left" if col == "Class" else "right", no_wrap=True)
    missing = pd.Series({"mean": np.nan, "ci95": np.nan})
    for vehicle in run.spec.classes:
        def get(key: str, vehicle: str = vehicle) -> pd.Series:
            return table.loc[f"{vehicle}.{key}"] if f"{vehicle}.{key}" in table.index else missing
        out.add_row(vehicle, _short(get("throughput_per_day")["mean"], 0), _fmt(*get("wait_mean_min")),
                    _short(get("wait_p95_min")["mean"], 0), _short(get("vehicle_hours_delay")["mean"], 0),
                    _fmt(*get("total_cost_usd"), 0))
    return out


def simulate(
    port: Annotated[str | None, typer.Argument(help="Port name, alias or code, e.g. laredo; 'new' for a scenario's new port.")] = None,
    border: Annotated[str | None, typer.Option("--border", help="Simulate every port of a border: mexico.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes for --border (default: all cores).", min=1)] = None,
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help="Scenario file (TOML) or shipped name, e.g. double-fast.")] = None,
    model: ModelOpt = None,
    replications: BorderRepsOpt = None,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
    trusted_from_registry: Annotated[bool, typer.Option("--trusted-from-registry", help="FAST/SENTRI shares from the trusted registry's recorded crossings (see `smartborder trusted`).")] = False,
    db: Annotated[str | None, typer.Option("--db", help="Registry database URL for --trusted-from-registry.")] = None,
) -> None:
    """Simulate a calibrated port (or --border mexico) over a year or month: waits, throughput, delay cost, with CIs."""
    from smartborder.policy.analysis import run_port
    from smartborder.policy.scenario import Scenario, apply

    if trusted_from_registry and (border is not None or port is None or port.strip().lower() == "new"):
        raise ModelError("trusted-from-registry: give one existing port; the registry counts crossings port by port")
    if border is not None or port is None:
        _simulate_border(border, port, year, month, scenario, model, replications or 1, seed, workers, out, as_json)
        return
    replications = replications or 5
    if port.strip().lower() == "new":
        # The new port of a scenario's [new_port] section, with the traffic it takes.
        from smartborder.ports.calibrate import new_port_spec

        chosen = Scenario.load(scenario) if scenario else None
        if chosen is None or chosen.new_port is None:
            raise ModelError("port: 'new' needs --scenario with a [new_port] section (e.g. new-port-laredo)")
        spec = new_port_spec(chosen.new_port.name, chosen.new_port.takes, _sizing_year(year, month),
                             chosen.new_port.booths)
        spec = apply(spec, chosen.model_copy(update={"new_port": None}))
        if vehicle_class:
            spec = spec.model_copy(update={"classes": {k: v for k, v in spec.classes.items() if k in vehicle_class}})
    else:
        spec = _spec(port, _sizing_year(year, month), model, vehicle_class)
        if trusted_from_registry:  # today's enrolment as the baseline; a scenario changes it further
            from smartborder.cli.trusted_commands import with_registry_shares

            spec = with_registry_shares(spec, _months(spec, year, month), db)
        if scenario is not None:
            spec = apply(spec, Scenario.load(scenario))
    months = _months(spec, year, month)
    _warn_capacity(spec, months)
    with _progress(replications, "simulating", as_json) as bar:
        task = bar.add_task("run", total=replications)
        run = run_port(spec, months, replications, seed, progress=lambda k: bar.update(task, completed=k))
    for gap in run.gaps:
        err_console.print(f"[yellow]warning:[/yellow] {gap}: that month carries none of that traffic",
                          highlight=False)
    report = None
    if out is not None:
        from smartborder.report.html import write_simulation_report

        report = write_simulation_report(run, out)
    if as_json:
        table = run.table()
        print_json({"port": {"code": spec.code, "name": spec.name},
                    "months": [str(m) for m in months], "replications": replications, "seed": seed,
                    "kpis": {k: {"mean": r["mean"], "ci95": r["ci95"]} for k, r in table.iterrows()},
                    "estimates": spec.estimates(), "report": str(report) if report else None})
        return
    console.print(_summary_table(run))
    n_est = len(spec.estimates())
    where = "the report (--out DIR)" if spec.sources else f"`smartborder port show {spec.code}`"
    console.print(f"[dim]{n_est} model values are estimates (see {where}).[/dim]")
    if report:
        console.print(f"report: {report}")


_COMPARE_KEYS = [
    ("wait_mean_min", "wait, min"),
    ("wait_p95_min", "p95 wait, min"),
    ("vehicle_hours_delay", "delay, veh-h"),
    ("throughput_per_day", "per day"),
    ("secondary_inspections", "secondaries"),
    ("illicit_loads", "illicit loads"),
    ("illicit_caught", "illicit caught"),
    ("total_cost_usd", "delay cost, US$"),
]


def compare(
    port: Annotated[str, typer.Argument(help="Port name, alias or code.")],
    scenarios: Annotated[list[str], typer.Argument(help="Scenario files (TOML) or shipped names: double-fast, night-booths, origin-preinspection, truck-growth, extended-truck-hours, new-port-laredo.")],
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    model: ModelOpt = None,
    replications: RepsOpt = 5,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Baseline and scenarios side by side, with common random numbers and 95% CIs on differences."""
    from smartborder.policy.analysis import compare as diff_runs
    from smartborder.policy.analysis import run_port
    from smartborder.policy.scenario import Scenario, apply

    base_spec = _spec(port, _sizing_year(year, month), model, vehicle_class)
    parsed = [Scenario.load(path) for path in scenarios]  # all errors before any work
    specs = {s.name: apply(base_spec, s) for s in parsed}
    months = _months(base_spec, year, month)
    total = replications * (1 + len(specs))
    with _progress(total, "simulating", as_json) as bar:
        task = bar.add_task("run", total=total)
        done = 0

        def tick(_: int) -> None:
            nonlocal done
            done += 1
            bar.update(task, completed=done)

        baseline = run_port(base_spec, months, replications, seed, progress=tick)
        results = {}
        for name, spec in specs.items():
            run = run_port(spec, months, replications, seed, progress=tick, reuse=baseline)
            results[name] = (run, diff_runs(baseline, run))
    report = None
    if out is not None:
        from smartborder.report.html import write_comparison_report

        report = write_comparison_report(baseline, results, out)
    if as_json:
        print_json({
            "port": {"code": base_spec.code, "name": base_spec.name},
            "months": [str(m) for m in months], "replications": replications, "seed": seed,
            "scenarios": {name: diff.reset_index(names="figure").to_dict(orient="records")
                          for name, (_, diff) in results.items()},
            "report": str(report) if report else None,
        })
        return
    for name, (_, diff) in results.items():
        table = Table(title=f"{name} vs baseline — {base_spec.name}, {months[0]}..{months[-1]}",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("Figure", "Baseline", "Scenario", "Change ± 95% CI", "Signif."):
            table.add_column(col, justify="left" if col == "Figure" else "right", no_wrap=True)
        unchanged = []
        for vehicle in base_spec.classes:
            rows = diff[diff.index.str.startswith(f"{vehicle}.")]
            if (rows["difference"].fillna(0) == 0).all():
                unchanged.append(vehicle)
                continue
            for key, label in _COMPARE_KEYS:
                row_key = f"{vehicle}.{key}"
                if row_key not in diff.index:
                    continue
                row = diff.loc[row_key]
                table.add_row(f"{vehicle} {label}", _short(row["baseline"]), _short(row["scenario"]),
                              _fmt(row["difference"], row["ci95"]),
                              "[green]yes[/green]" if row["significant"] else "[dim]no[/dim]")
        console.print(table)
        if unchanged:
            console.print(f"[dim]unchanged (identical random streams): {', '.join(unchanged)}[/dim]")
    if report:
        console.print(f"report: {report}")


port_app = typer.Typer(help="Port models: show the effective model of a port.", no_args_is_help=True)


@port_app.command("show")
def show(
    port: Annotated[str, typer.Argument(help="Port name, alias or code.")],
    year: YearOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the effective port model (TOML) with the provenance of every value."""
    import tomli_w

    spec = _spec(port, year, model, None)
    payload = spec.model_dump(mode="json", exclude_none=True)
    if as_json:
        print_json(payload)
        return
    header = (f"# smartborder port model: {spec.name}\n# Copy, edit and pass with --model FILE. "
              "Values whose provenance is not FACT are estimates.\n")
    console.print(header + tomli_w.dumps(payload), markup=False, highlight=False, soft_wrap=True)


@port_app.command("fit-staffing")
def fit_staffing_command(
    port: Annotated[str, typer.Argument(help="Port with a CBP wait profile (San Ysidro).")],
    month: Annotated[str, typer.Option("--month", help="BTS month whose volumes drive the fit, YYYY-MM.")] = "2020-06",
    vehicle: Annotated[str, typer.Option("--class", help="pov or pedestrian.")] = "pov",
    lane: Annotated[str, typer.Option("--lane", help="standard, Ready or SENTRI.")] = "standard",
    write: Annotated[Path | None, typer.Option("--write", help="Write the fitted port model (TOML) here.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit the share of installed booths that is staffed to CBP's observed hourly waits."""
    import tomli_w

    from smartborder.ports.staffing_fit import fit_staffing

    period = data.parse_month(month, "month")
    spec = _spec(port, period.year, None, None)
    if vehicle not in spec.classes:
        raise ModelError(f"class: {spec.name} has no {vehicle} traffic")
    with err_console.status("fitting staffed booths…") if not as_json else _null():
        fit = fit_staffing(spec, period, vehicle, lane)
    if write is not None:
        write.write_text(tomli_w.dumps(fit.spec.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    if as_json:
        print_json({**fit.as_dict(), "written": str(write) if write else None})
        return
    table = Table(title=f"{spec.name} {vehicle}/{lane}: CBP average wait vs simulated, {period}",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("Hour", "CBP min", "Simulated min"):
        table.add_column(col, justify="right")
    for hour, row in fit.profile.iterrows():
        table.add_row(f"{hour:02d}", f"{row['cbp_wait_min']:.0f}", f"{row['simulated_wait_min']:.0f}")
    console.print(table)
    console.print(f"staffed share of installed booths: [bold]{fit.share:.0%}[/bold] "
                  f"(RMSE {fit.rmse:.1f} min over the 24 hours)")
    if write:
        console.print(f"fitted model: {write} (use with --model)")


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _simulate_border(border, port, year, month, scenario, model, replications, seed, workers, out, as_json) -> None:  # type: ignore[no-untyped-def]
    from smartborder.policy.border import run_border

    if border is None:
        raise ModelError("port: give a PORT, or --border mexico for every US–Mexico port")
    if border.lower() != "mexico":
        raise ModelError(f"border: only 'mexico' is modelled, not {border!r}")
    if port is not None:
        raise ModelError("port/border: give a PORT or --border, not both")
    if month is not None or scenario is not None or model is not None:
        raise ModelError("border: --border runs default models over a --year; --month, --scenario and --model apply to one port")
    if year is None:
        last = data.last_month()
        year = last.year if last.month == 12 else last.year - 1
    ports = [p for p in data.catalogue().values() if p.first_month.year <= year <= p.last_month.year]
    with _progress(len(ports), "ports", as_json) as bar:
        task = bar.add_task("run", total=len(ports))
        run = run_border(year, replications, seed, workers, progress=lambda _: bar.advance(task))
    summary = run.summary()
    totals = summary[["vehicles", "delay_vehicle_hours", "delay_person_hours", "delay_cost_usd", "co2_tonnes"]].sum()
    if out is not None:
        from smartborder.report.figures import plot_border_map

        out.mkdir(parents=True, exist_ok=True)
        summary.to_csv(out / "border.csv", index_label="code")
        run.ports.reset_index(names="code").to_parquet(out / "border_ports.parquet", index=False)
        plot_border_map(summary, out / "border_map.png",
                        f"US–Mexico land ports, {year}: simulated delay ({replications} replication(s))")
    if as_json:
        print_json({"year": year, "replications": replications, "seed": seed, "seconds": run.seconds,
                    "totals": totals.to_dict(),
                    "ports": summary.reset_index(names="code").to_dict(orient="records")})
        return
    table = Table(title=f"US–Mexico border {year}: {len(summary)} ports, {totals['vehicles'] / 1e6:,.1f}M "
                        f"crossings simulated in {run.seconds:.1f} s", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("Port", "Trucks/d", "Truck wait", "Car wait", "Walk wait", "Delay cost"):
        table.add_column(col, justify="left" if col == "Port" else "right", no_wrap=True)
    for _, row in summary.head(15).iterrows():
        table.add_row(str(row["name"]), _short(row["trucks_per_day"], 0), _short(row["truck_wait_min"]),
                      _short(row["car_wait_min"]), _short(row["pedestrian_wait_min"]),
                      "$" + _short(row["delay_cost_usd"], 0))
    console.print(table)
    console.print(f"border total: {totals['delay_vehicle_hours'] / 1e6:,.1f}M vehicle-hours of delay, "
                  f"${totals['delay_cost_usd'] / 1e9:,.2f}bn, {totals['co2_tonnes']:,.0f} t CO2 from idling; "
                  "waits in minutes to primary, means over the year")
    if out is not None:
        console.print(f"map and tables: {out}")


def sweep(
    spec_file: Annotated[Path, typer.Argument(help="Sweep spec (TOML): ports, months or years, replications, grid.")],
    out: Annotated[Path | None, typer.Option("--out", help="Parquet dataset directory (default: sweep-NAME).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local processes (default: all cores).", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="SMARTBORDER_DASK_SCHEDULER",
                                                  help="dask.distributed scheduler, tcp://HOST:PORT.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run scenarios × ports × periods × replications into one Parquet dataset; resumable."""
    from smartborder.policy.sweep import SweepSpec, read_results, run_sweep

    spec = SweepSpec.from_toml(spec_file)
    spec.check()
    target = out or Path(f"sweep-{spec.name}")
    total = len(spec.cells())
    with _progress(total, "cells", as_json) as bar:
        task = bar.add_task("run", total=total)
        outcome = run_sweep(spec, target, workers, scheduler,
                            progress=lambda done, todo: bar.update(task, completed=total - todo + done))
    results = read_results(target)
    errors = results[results["status"] != "ok"]
    if as_json:
        print_json({"cells": total, "ran": outcome.done, "skipped": outcome.skipped, "failed": int(len(errors)),
                    "seconds": outcome.seconds, "dataset": str(target),
                    "errors": errors[["cell_id", "port", "period", "error"]].to_dict(orient="records")})
    else:
        console.print(f"{total:,} cells: {outcome.done:,} run in {outcome.seconds:.1f} s, "
                      f"{outcome.skipped:,} already done, {len(errors):,} failed → {target}")
        for _, row in errors.drop_duplicates("error").head(5).iterrows():
            err_console.print(f"[red]failed[/red] {row['port']} {row['period']}: {row['error']}", highlight=False)
    if len(errors):
        raise typer.Exit(1)
