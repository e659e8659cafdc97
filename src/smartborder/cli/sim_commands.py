"""``simulate``, ``compare`` and ``port show``: calibrated ports, scenarios and their reports."""

from __future__ import annotations

import re
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

YearOpt = Annotated[int | None, typer.Option("--year", help="Calendar year to simulate (default: the last full year of data).")]
DesignYearOpt = Annotated[int | None, typer.Option("--year", help="Year whose traffic the default model is designed on (default: the latest 12 months).")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM, instead of a year.")]
ClassOpt = Annotated[list[str] | None, typer.Option("--class", help="Only these classes: truck, pov, pedestrian, bus.")]
RepsOpt = Annotated[int, typer.Option("--replications", "-r", help="Independent replications (for 95 % CIs).", min=1)]
BorderRepsOpt = Annotated[int | None, typer.Option("--replications", "-r", help="Independent replications (for 95 % CIs); default 5, or 1 with --border.", min=1)]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (common to all scenarios).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Directory for the HTML report and CSV/Parquet tables.")]
ModelOpt = Annotated[Path | None, typer.Option("--model", help="Crossing model file (TOML) instead of the default for the crossing it describes.")]
StaffingOpt = Annotated[Path | None, typer.Option("--staffing", help="Lanes staffed by hour (CSV: crossing,class,lane,day,hour,lanes) instead of the staffing rule's.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def _warn(study) -> None:  # type: ignore[no-untyped-def]
    for text in study.notes:
        note(text)
    for warning in study.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


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


def _fmt(mean: float, half: float, digits: int = 1, spaced: bool = True) -> str:
    if not np.isfinite(mean):
        return "–"
    sep = " ± " if spaced else "±"
    return _short(mean, digits) + (f"{sep}{_short(half, digits)}" if np.isfinite(half) else "")


def _period(months: list[pd.Period]) -> str:
    """``2024-06`` for one month, ``2024-01..2024-12`` for several."""
    return str(months[0]) if len(months) == 1 else f"{months[0]}..{months[-1]}"


def _summary_table(study, run) -> Table:  # type: ignore[no-untyped-def]
    from smartborder.policy.place import mean_table

    several = len(run.runs) > 1
    title = f"{study.label}, {_period(list(run.months))}, {run.replications} replications (mean ± 95% CI)"
    out = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, min_width=min(len(title), 79))
    columns = ["Class", "Per day", "Wait min", "p95", "Lane-h/d", "Delay h", "Cost $"]
    for col in columns:  # a long crossing name wraps in the first column rather than being cut
        out.add_column(col, justify="left" if col == "Class" else "right", no_wrap=col != "Class",
                       max_width=20 if col == "Class" else None, overflow="fold" if col == "Class" else "ellipsis")
    missing = pd.Series({"mean": np.nan, "ci95": np.nan})
    days = sum(m.days_in_month for m in run.months)
    names = {c.id: re.sub(r"\s*\(.*\)", "", c.name) for c in data.crossings().values()}
    blocks = [(names.get(spec.crossing, spec.name), spec.classes, mean_table(run.runs[spec.crossing].runs))
              for spec in study.specs]
    if several:
        totals = mean_table(run.totals())
        classes = {v: None for spec in study.specs for v in spec.classes}
        blocks.append(("all crossings", classes, totals))
    for name, classes, table in blocks:
        if several:
            out.add_row(f"[bold]{name}[/bold]", *[""] * (len(columns) - 1))
        for vehicle in classes:
            def get(key: str, vehicle: str = vehicle, table: pd.DataFrame = table) -> pd.Series:
                return table.loc[f"{vehicle}.{key}"] if f"{vehicle}.{key}" in table.index else missing
            wait = get("wait_mean_min")
            row = [_short(get("throughput_per_day")["mean"], 0), _fmt(wait["mean"], wait["ci95"], spaced=False),
                   _short(get("wait_p95_min")["mean"], 0), _short(get("booth_hours")["mean"] / days, 0),
                   _short(get("vehicle_hours_delay")["mean"], 0), _short(get("total_cost_usd")["mean"], 0)]
            out.add_row(("  " if several else "") + vehicle, *row,
                        style="bold" if name == "all crossings" else None)
    return out


def simulate(
    port: Annotated[str | None, typer.Argument(help="Port or crossing: name, alias, BTS code or CBP number, e.g. laredo, 'B&M', 230404; 'new' for a scenario's new crossing.")] = None,
    border: Annotated[str | None, typer.Option("--border", help="Simulate every crossing of a border: mexico.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes for --border (default: all cores).", min=1)] = None,
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help="Scenario file (TOML) or shipped name, e.g. double-fast.")] = None,
    model: ModelOpt = None,
    staffing: StaffingOpt = None,
    replications: BorderRepsOpt = None,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
    trusted_from_registry: Annotated[bool, typer.Option("--trusted-from-registry", help="FAST/SENTRI shares from the trusted registry's recorded crossings (see `smartborder trusted`).")] = False,
    db: Annotated[str | None, typer.Option("--db", help="Registry database URL for --trusted-from-registry.")] = None,
) -> None:
    """Simulate a port (every crossing) or one crossing over a year or month: waits by lane and hour, staffed lanes, delay cost, with CIs."""
    from smartborder.policy.place import run_place
    from smartborder.policy.study import prepare
    from smartborder.report.tables import simulation_json

    if trusted_from_registry and (border is not None or port is None or port.strip().lower() == "new"):
        raise ModelError("trusted-from-registry: give one existing port; the registry counts crossings port by port")
    if border is not None or port is None:
        _simulate_border(border, port, year, month, scenario, model, replications or 1, seed, workers, out, as_json)
        return
    replications = replications or 5
    study = prepare(port, year, month, model, vehicle_class, scenario, staffing)
    if trusted_from_registry:  # today's enrolment as the baseline; the scenario was applied on the defaults
        from smartborder.cli.trusted_commands import with_registry_shares

        study.specs = [with_registry_shares(s, study.months, db) for s in study.specs]
    _warn(study)
    total = replications * len(study.specs)
    with _progress(total, "simulating", as_json) as bar:
        task = bar.add_task("run", total=total)
        run = run_place(study.specs, study.months, replications, seed, label=study.label,
                        progress=lambda k: bar.update(task, completed=k))
    for gap in run.gaps:
        err_console.print(f"[yellow]warning:[/yellow] {gap}: that month carries none of that traffic",
                          highlight=False)
    report = None
    if out is not None:
        from smartborder.report.html import write_simulation_report

        report = write_simulation_report(study, run, out)
    if as_json:
        print_json(simulation_json(study, run, str(report) if report else None))
        return
    console.print(_summary_table(study, run))
    n_est = len({k for s in study.specs for k in s.estimates()})
    where = ("the report (--out DIR)" if study.kind == "new" else
             f"`smartborder port show {study.specs[0].crossing if len(study.specs) == 1 else 'CROSSING'}`")
    console.print(f"[dim]Waits: joining the queue to primary, arrivals while open. {n_est} model values are "
                  f"estimates (see {where}).[/dim]")
    if report:
        console.print(f"report: {report}")


def _verdict(row: pd.Series) -> str:
    """yes: significant and material; small: significant, below the practical minimum; no."""
    if not row["significant"]:
        return "[dim]no[/dim]"
    return "[green]yes[/green]" if row.get("material", True) else "[yellow]small[/yellow]"


_COMPARE_KEYS = [
    ("wait_mean_min", "wait, min"),
    ("wait_p95_min", "p95 wait, min"),
    ("vehicle_hours_delay", "delay, veh-h"),
    ("throughput_per_day", "per day"),
    ("booth_hours", "lane-hours staffed"),
    ("secondary_inspections", "secondaries"),
    ("illicit_loads", "illicit loads"),
    ("illicit_caught", "illicit caught"),
    ("total_cost_usd", "delay cost, US$"),
]


def compare(
    port: Annotated[str, typer.Argument(help="Port or crossing: name, alias, BTS code or CBP number.")],
    scenarios: Annotated[list[str], typer.Argument(help="Scenario files (TOML) or shipped names: double-fast, night-booths, origin-preinspection, truck-growth, extended-truck-hours, new-port-laredo.")],
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    model: ModelOpt = None,
    staffing: StaffingOpt = None,
    replications: RepsOpt = 5,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Baseline and scenarios side by side, with common random numbers and 95% CIs on differences."""
    from smartborder.policy.place import compare_places, run_place, worse_waits
    from smartborder.policy.scenario import Scenario, apply_all
    from smartborder.policy.study import prepare

    study = prepare(port, year, month, model, vehicle_class, None, staffing)
    parsed = [Scenario.load(path) for path in scenarios]  # all errors before any work
    variants = {s.name: apply_all(study.specs, s) for s in parsed}
    _warn(study)
    total = replications * len(study.specs) * (1 + len(variants))
    with _progress(total, "simulating", as_json) as bar:
        task = bar.add_task("run", total=total)
        done = 0

        def tick(_: int) -> None:
            nonlocal done
            done += 1
            bar.update(task, completed=done)

        baseline = run_place(study.specs, study.months, replications, seed, label=study.label, progress=tick)
        results = {}
        for name, specs in variants.items():
            run = run_place(specs, study.months, replications, seed, label=study.label, progress=tick,
                            reuse=baseline)
            results[name] = (run, compare_places(baseline, run))
    report = None
    if out is not None:
        from smartborder.report.html import write_comparison_report

        report = write_comparison_report(study, baseline, results, out)
    single = len(study.specs) == 1
    if as_json:
        print_json({
            "port": {"code": study.code, "name": study.label, "kind": study.kind},
            "months": [str(m) for m in study.months], "replications": replications, "seed": seed,
            "scenarios": {name: diffs[study.specs[0].crossing if single else "total"]
                          .reset_index(names="figure").to_dict(orient="records")
                          for name, (_, diffs) in results.items()},
            "crossings": {name: {c: d.reset_index(names="figure").to_dict(orient="records")
                                 for c, d in diffs.items() if c != "total"}
                          for name, (_, diffs) in results.items()},
            "worse": {name: worse_waits(diffs) for name, (_, diffs) in results.items()},
            "notes": study.notes, "warnings": study.warnings,
            "report": str(report) if report else None,
        })
        return
    classes = list(dict.fromkeys(v for spec in study.specs for v in spec.classes))
    for name, (_, diffs) in results.items():
        diff = diffs[study.specs[0].crossing if single else "total"]
        where = study.label if single else f"{study.label}, all {len(study.specs)} crossings"
        table = Table(title=f"{name} vs baseline — {where}, {_period(list(study.months))}",
                      box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("Figure", "Baseline", "Scenario", "Change ± 95% CI", "Signif."):
            table.add_column(col, justify="left" if col == "Figure" else "right", no_wrap=True)
        unchanged = []
        for vehicle in classes:
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
                              _verdict(row))
        console.print(table)
        for item in worse_waits(diffs):
            where = "" if single else f" at {item['crossing']}"
            console.print(f"[bold red]worse:[/bold red] {name} lengthens the {item['class']} wait ({item['who']}){where}: "
                          f"{item['baseline']:.1f} → {item['scenario']:.1f} min (+{item['difference']:.1f} "
                          f"± {item['ci95']:.1f})", highlight=False)
        if any(row["significant"] and not row.get("material", True) for key, row in diff.iterrows()
               if str(key).split(".", 1)[-1] in dict(_COMPARE_KEYS)):
            console.print("[dim]small: significant, but under 1 min (waits) or 1 % of the baseline[/dim]")
        if unchanged:
            console.print(f"[dim]unchanged (identical random streams): {', '.join(unchanged)}[/dim]")
    if report:
        console.print(f"report: {report}")


port_app = typer.Typer(help="Crossing models: show the effective model of a crossing.", no_args_is_help=True)


@port_app.command("show")
def show(
    port: Annotated[str, typer.Argument(help="Crossing (or a port of one crossing): name, alias or code.")],
    year: DesignYearOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the effective crossing model (TOML) with the provenance of every value."""
    import tomli_w

    from smartborder.ports import PortSpec, default_spec

    place = data.resolve_place(port)
    if len(place.crossings) != 1:
        names = ", ".join(f"{c.id} ({c.name})" for c in place.crossings)
        raise ModelError(f"port: {place.label} has {len(place.crossings)} crossings, each a model of its "
                         f"own; show one of: {names}")
    if place.note:
        note(place.note)
    spec = PortSpec.from_toml(model) if model else default_spec(place.crossings[0], year)
    payload = spec.model_dump(mode="json", exclude_none=True)
    if as_json:
        print_json(payload)
        return
    header = (f"# smartborder crossing model: {spec.name}\n# Copy, edit and pass with --model FILE. "
              "Values whose provenance is not FACT are estimates.\n")
    console.print(header + tomli_w.dumps(payload), markup=False, highlight=False, soft_wrap=True)


def _simulate_border(border, port, year, month, scenario, model, replications, seed, workers, out, as_json) -> None:  # type: ignore[no-untyped-def]
    from smartborder.policy.border import run_border

    if border is None:
        raise ModelError("port: give a PORT, or --border mexico for every US–Mexico crossing")
    if border.lower() != "mexico":
        raise ModelError(f"border: only 'mexico' is modelled, not {border!r}")
    if port is not None:
        raise ModelError("port/border: give a PORT or --border, not both")
    if month is not None or scenario is not None or model is not None:
        raise ModelError("border: --border runs default models over a --year; --month, --scenario and --model apply to one port")
    if year is None:
        last = data.last_month()
        year = last.year if last.month == 12 else last.year - 1
    crossings = [c for c in data.crossings().values() if c.first_month.year <= year <= c.last_month.year]
    with _progress(len(crossings), "crossings", as_json) as bar:
        task = bar.add_task("run", total=len(crossings))
        run = run_border(year, replications, seed, workers, progress=lambda _: bar.advance(task))
    summary = run.summary()
    ports = run.by_port()
    totals = summary[["vehicles", "delay_vehicle_hours", "delay_person_hours", "delay_cost_usd", "co2_tonnes"]].sum()
    partial = summary[summary["months"] < 12] if "months" in summary else summary.iloc[0:0]
    if out is not None:
        from smartborder.report.figures import plot_border_map

        out.mkdir(parents=True, exist_ok=True)
        summary.to_csv(out / "border_crossings.csv", index_label="crossing")
        ports.to_csv(out / "border_ports.csv", index_label="code")
        run.ports.reset_index(names="crossing").to_parquet(out / "border_crossings.parquet", index=False)
        plot_border_map(ports, out / "border_map.png",
                        f"US–Mexico land ports, {year}: simulated delay ({replications} replication(s))")
    if as_json:
        print_json({"year": year, "replications": replications, "seed": seed, "seconds": run.seconds,
                    "totals": totals.to_dict(),
                    "ports": ports.reset_index(names="code").to_dict(orient="records"),
                    "crossings": summary.reset_index(names="crossing").to_dict(orient="records")})
        return
    table = _border_table(ports, summary, f"US–Mexico border {year}: {len(ports)} ports, {len(summary)} crossings, "
                                          f"{totals['vehicles'] / 1e6:,.1f}M vehicles in {run.seconds:.1f} s")
    console.print(table)
    console.print(f"border total: {totals['delay_vehicle_hours'] / 1e6:,.1f}M vehicle-hours of delay, "
                  f"${totals['delay_cost_usd'] / 1e9:,.2f}bn, {totals['co2_tonnes']:,.0f} t CO2 from idling; "
                  "waits: minutes to primary (arrivals while open), means over the year; delay h people: "
                  "person-hours in cars and on foot")
    if len(partial):
        note(f"{len(partial)} crossing(s) have data for part of {year} only: "
             f"{', '.join(str(n).split(',')[0] for n in partial['name'])}")
    if out is not None:
        console.print(f"map and tables: {out}")


def _border_table(ports: pd.DataFrame, summary: pd.DataFrame, title: str) -> Table:
    """Ports by delay cost, each multi-crossing port followed by its crossings."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in ("Port / crossing", "Trucks\n/day", "Truck\nwait", "Cars\n/day", "Car\nwait", "Walk\nwait",
                "Delay h\npeople", "Delay\ncost"):
        first = col.startswith("Port")
        table.add_column(col, justify="left" if first else "right", no_wrap=not first,
                         min_width=24 if first else None, max_width=24 if first else None,
                         overflow="fold" if first else "ellipsis")

    def add(label: str, row: pd.Series, style: str | None = None) -> None:
        table.add_row(label, _short(row["trucks_per_day"], 0), _short(row["truck_wait_min"]),
                      _short(row["cars_per_day"], 0), _short(row["car_wait_min"]),
                      _short(row["pedestrian_wait_min"]),
                      _short(float(np.nansum([row["car_person_hours"], row["pedestrian_person_hours"]])), 0),
                      "$" + _short(row["delay_cost_usd"], 0), style=style)

    for code, row in ports.iterrows():
        add(str(row["port"]), row, "bold" if row["crossings"] > 1 else None)
        if row["crossings"] > 1:
            for _, crossing in summary[summary["port_code"] == code].iterrows():
                name = re.sub(r"\s*\(.*\)", "", str(crossing["name"]).split(",")[0])
                add("  " + re.sub(r" (Bridge|Crossing)$", "", name), crossing)
    return table


def _sweep_table(summary: pd.DataFrame) -> Table:
    """Mean wait (± 95 % CI) per class for each grid point, place and period."""
    params = [c for c in summary.columns if c.startswith("param.")]
    classes = [c.split(".")[0] for c in summary.columns if c.endswith(".wait_mean_min")]
    table = Table(title="Sweep: mean wait, min (± 95% CI) by grid point", box=box.SIMPLE_HEAD, pad_edge=False,
                  padding=(0, 1, 0, 0))
    for name in [p.split(".")[-1] for p in params]:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("place", no_wrap=True)
    table.add_column("period", no_wrap=True, min_width=7)
    for vehicle in classes:
        table.add_column(vehicle, justify="right", no_wrap=True)

    def wait(row: pd.Series, vehicle: str) -> str:
        mean, half = row[f"{vehicle}.wait_mean_min"], row[f"{vehicle}.wait_mean_min.ci95"]
        return "–" if pd.isna(mean) else f"{mean:.1f}±{half:.1f}"

    for _, row in summary.iterrows():
        table.add_row(*[f"{row[p]:g}" if isinstance(row[p], float) else str(row[p]) for p in params],
                      str(row["crossing"]), str(row["period"]), *[wait(row, v) for v in classes])
    return table


def sweep(
    spec_file: Annotated[Path, typer.Argument(help="Sweep spec (TOML): ports, months or years, replications, grid.")],
    out: Annotated[Path | None, typer.Option("--out", help="Parquet dataset directory (default: sweep-NAME).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local processes (default: all cores).", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="SMARTBORDER_DASK_SCHEDULER",
                                                  help="dask.distributed scheduler, tcp://HOST:PORT.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run scenarios × ports × periods × replications into one Parquet dataset; resumable."""
    from smartborder.policy.sweep import SweepSpec, read_results, run_sweep, summarise

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
    summary = summarise(results)
    summary.to_csv(target / "summary.csv", index=False)  # a table a person (or a spreadsheet) reads
    if as_json:
        print_json({"cells": total, "ran": outcome.done, "skipped": outcome.skipped, "failed": len(errors),
                    "seconds": outcome.seconds, "dataset": str(target), "summary": str(target / "summary.csv"),
                    "errors": errors[["cell_id", "port", "period", "error"]].to_dict(orient="records")})
    else:
        console.print(_sweep_table(summary))
        console.print(f"{total:,} cells: {outcome.done:,} run in {outcome.seconds:.1f} s, "
                      f"{outcome.skipped:,} already done, {len(errors):,} failed → {target} "
                      f"(summary: {target / 'summary.csv'})")
        for _, row in errors.drop_duplicates("error").head(5).iterrows():
            err_console.print(f"[red]failed[/red] {row['port']} {row['period']}: {row['error']}", highlight=False)
    if len(errors):
        raise typer.Exit(1)
