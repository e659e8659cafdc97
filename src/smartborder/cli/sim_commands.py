"""``simulate``, ``compare`` and ``port show``: calibrated ports, scenarios and their reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from smartborder import data
from smartborder.cli import options
from smartborder.cli.errors import UsageError
from smartborder.cli.output import console, err_console, note, print_json
from smartborder.numbers import compact, money
from smartborder.vocabulary import ALL_CROSSINGS, ALL_LANES, class_key, short_name

if TYPE_CHECKING:  # pandas loads with the results, not for --help or a refused input
    import pandas as pd


def _isna(value: Any) -> bool:
    """A missing cell (None or NaN), as ``pandas.isna`` says of one value."""
    return value is None or value != value


YearOpt = Annotated[
    int | None, typer.Option("--year", help="Calendar year to simulate (default: the last full year of data).")
]
DesignYearOpt = Annotated[
    int | None,
    typer.Option("--year", help="Year whose traffic the default model is designed on (default: the latest 12 months)."),
]
MonthOpt = Annotated[str | None, typer.Option("--month", help="One month, YYYY-MM, instead of a year.")]


def class_keys(names: list[str] | None) -> list[str] | None:
    """``--class``: the ids or the names the tables print (cars, trucks, pedestrians, buses)."""
    return [class_key(name) for name in names] if names else names


ClassOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--class",
        callback=class_keys,
        help="Only these classes: truck, pov, pedestrian, bus (or trucks, cars, pedestrians, buses).",
    ),
]
RepsOpt = Annotated[int, typer.Option("--replications", "-r", help="Independent replications (for 95 % CIs).", min=1)]
BorderRepsOpt = Annotated[
    int | None,
    typer.Option(
        "--replications", "-r", help="Independent replications (for 95 % CIs); default 5, or 1 with --border.", min=1
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (common to all scenarios).")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Directory for the HTML report and CSV/Parquet tables.")]
ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", help="Crossing model file (TOML) instead of the default for the crossing it describes."),
]
StaffingOpt = Annotated[
    Path | None,
    typer.Option(
        "--staffing",
        help="Lanes staffed by hour (CSV columns: crossing, class, lane, day, hour, lanes) instead of the staffing rule's.",
    ),
]
ExtraBoothsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-extra-booths",
        help="With --staffing: lanes beyond the installed booths are booths being built (refused otherwise).",
    ),
]
WholeOpt = Annotated[
    bool,
    typer.Option(
        "--whole-crossing",
        help="Trucks cross the whole way: Mexico's customs and exam, the bridge, CBP, the state's scale and "
        "inspection (crossing time by segment beside CBP's wait; assumptions.toml [truck.chain]).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


def _warn(study) -> None:  # type: ignore[no-untyped-def]
    for text in study.notes:
        note(text)
    for warning in study.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


def _progress(total: int, label: str, quiet: bool) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    )


def _fmt(mean: float, half: float, digits: int = 1, spaced: bool = True) -> str:
    if not np.isfinite(mean):
        return "–"
    sep = " ± " if spaced else "±"
    return compact(mean, digits) + (f"{sep}{compact(half, digits)}" if np.isfinite(half) else "")


def _period(months: list[pd.Period]) -> str:
    """``2024-06`` for one month, ``2024-01..2024-12`` for several."""
    return str(months[0]) if len(months) == 1 else f"{months[0]}..{months[-1]}"


def _summary_table(study, run) -> Table:  # type: ignore[no-untyped-def]
    """Per crossing (and all together), per class and per lane type: the report's first screen."""
    from smartborder.report.summary import period_label, run_summary
    from smartborder.vocabulary import ALL_LANES

    summary = run_summary(study, run)
    several = summary["place"].nunique() > 1
    title = f"{study.label}, {period_label(run.months)}, {run.replications} replications (mean ± 95% CI)"
    out = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, min_width=min(len(title), 79), padding=(0, 1, 0, 0))
    columns = ["Class / lane", "Per day", "Wait min", "p95", "Lane-h/d", "Busy", "Delay h", "Cost $"]
    for col in columns:  # a long crossing name wraps in the first column rather than being cut
        first = col == "Class / lane"
        out.add_column(
            col,
            justify="left" if first else "right",
            no_wrap=not first,
            max_width=20 if first else None,
            overflow="fold" if first else "ellipsis",
        )
    for place, block in summary.groupby("place", sort=False):
        if several:
            out.add_row(f"[bold]{place}[/bold]", *[""] * (len(columns) - 1))
        total = place == ALL_CROSSINGS
        for _, row in block.iterrows():
            lane = row["lane"] != ALL_LANES
            label = ("    " if lane else "  " if several else "") + (str(row["lane"]) if lane else str(row["class"]))
            busy = "" if _isna(row["utilisation"]) else f"{row['utilisation']:.0f}%"
            out.add_row(
                label,
                compact(row["per_day"], 0),
                _fmt(row["wait_mean_min"], row["wait_mean_ci95"], spaced=False),
                compact(row["wait_p95_min"], 0),
                compact(row["lane_hours_per_day"], 0),
                busy,
                "" if lane else compact(row["delay_vehicle_hours"], 0),
                "" if lane else compact(row["delay_cost_usd"], 0),
                style="dim" if lane else "bold" if total else None,
            )
    return out


def _crossing_table(study, run) -> Table | None:  # type: ignore[no-untyped-def]
    """Trucks' crossing time by segment, Mexico to the state's facility (crossings with a chain)."""
    from smartborder.report.summary import SEGMENT_NAMES, crossing_summary
    from smartborder.vocabulary import ALL_LANES

    rows = crossing_summary(study, run)
    rows = rows[rows["lane"] == ALL_LANES]
    if rows.empty:
        return None
    table = Table(
        title="Trucks' crossing time, end of the line in Mexico to the state's facility (min, mean ± 95% CI)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    places = list(dict.fromkeys(rows["place"]))
    table.add_column("Segment", no_wrap=False, max_width=30)
    for place in places:
        table.add_column(f"{place}\nmean", justify="right", no_wrap=True)
        table.add_column("p95", justify="right", no_wrap=True)
    for segment, name in SEGMENT_NAMES.items():
        cells = [name]
        for place in places:
            row = rows[(rows["place"] == place) & (rows["segment"] == segment)]
            if row.empty:
                cells += ["–", "–"]
                continue
            r = row.iloc[0]
            cells += [_fmt(r["mean_min"], r["mean_ci95"], spaced=False), compact(r["p95_min"], 0)]
        table.add_row(*cells, style="bold" if segment == "total" else "dim" if segment == "cbp_wait" else None)
    return table


def _month_table(study, run) -> Table | None:  # type: ignore[no-untyped-def]
    """Vehicles a day and mean wait by month and class (runs of several months)."""
    from smartborder.report.summary import CLASS_NAMES, period_label

    months = run.by_month()
    if months.empty:
        return None
    classes = list(dict.fromkeys(months["class"]))
    table = Table(
        title=f"Month by month — {study.label}, {period_label(run.months)} (mean ± 95% CI)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Month", no_wrap=True)
    for vehicle in classes:
        name = CLASS_NAMES.get(vehicle, vehicle)
        table.add_column(f"{name}\n/day", justify="right", no_wrap=True)
        table.add_column(f"{name}\nwait min", justify="right", no_wrap=True)
    for month, group in months.groupby("month", sort=True):
        cells = [str(month)]
        for vehicle in classes:
            row = group[group["class"] == vehicle]
            if row.empty:
                cells += ["–", "–"]
                continue
            r = row.iloc[0]
            cells += [compact(r["per_day"], 0), _fmt(r["wait_mean_min"], r["wait_mean_ci95"], spaced=False)]
        table.add_row(*cells)
    return table


def simulate(
    port: Annotated[
        str | None,
        typer.Argument(
            help="Port or crossing: name, alias, BTS code or CBP number, e.g. laredo, 'B&M', 230404; 'new' for a scenario's new crossing."
        ),
    ] = None,
    border: Annotated[str | None, typer.Option("--border", help="Simulate every crossing of a border: mexico.")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes for --border (default: all cores).", min=1)
    ] = None,
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="Scenario file (TOML) or shipped name, e.g. double-fast.")
    ] = None,
    model: ModelOpt = None,
    staffing: StaffingOpt = None,
    allow_extra_booths: ExtraBoothsOpt = False,
    whole_crossing: WholeOpt = False,
    replications: BorderRepsOpt = None,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
    trusted_from_registry: Annotated[
        bool,
        typer.Option(
            "--trusted-from-registry",
            help="FAST/SENTRI shares from the trusted registry's recorded crossings (see `smartborder trusted`).",
        ),
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Registry database URL (with the registry option above).")
    ] = None,
    city_choice: Annotated[
        bool,
        typer.Option(
            "--city-choice",
            help="Drivers share the place's crossings: a share of them takes the shorter line (assumptions.toml [city_choice]).",
        ),
    ] = False,
    city_share: Annotated[
        float | None,
        typer.Option("--city-share", help="With --city-choice: the share of drivers who compare the crossings, 0-1."),
    ] = None,
) -> None:
    """Simulate a port (every crossing) or one crossing over a year or month: waits by lane and hour, staffed lanes, delay cost, with CIs."""
    from smartborder.policy.studies.study import simulate_study

    if trusted_from_registry and (border is not None or port is None or port.strip().lower() == "new"):
        raise UsageError("trusted-from-registry: give one existing port; the registry counts crossings port by port")
    city = options.city_choice(city_choice, city_share)
    if city is not None and (border is not None or port is None):
        raise UsageError("city-choice: give one place of several crossings (e.g. brownsville), not the border")
    if whole_crossing and (border is not None or port is None):
        raise UsageError("whole-crossing: give a port or crossing; the border run reports CBP's waits")
    if border is not None or port is None:
        _simulate_border(border, port, year, month, scenario, model, replications or 1, seed, workers, out, as_json)
        return
    shares = None
    if trusted_from_registry:  # today's enrolment as the baseline; the scenario was applied on the defaults
        from smartborder.service.trusted_registry import shares_source

        shares = shares_source(db)
    with _progress(0, "simulating", as_json) as bar:
        task = bar.add_task("run", total=None)
        result = simulate_study(
            port,
            year=year,
            month=month,
            model=model,
            classes=vehicle_class,
            scenario=scenario,
            staffing=staffing,
            replications=replications or 5,
            seed=seed,
            shares=shares,
            city=city,
            allow_extra_booths=allow_extra_booths,
            whole_crossing=whole_crossing,
            announce=_warn,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    from smartborder.report.tables import simulation_json  # after the run: bad input is refused first

    study, run = result.study, result.run
    for gap in run.gaps:
        err_console.print(f"[yellow]warning:[/yellow] {gap}: that month carries none of that traffic", highlight=False)
    report = None
    if out is not None:
        from smartborder.report.html import write_simulation_report

        report = write_simulation_report(study, run, out)
    if as_json:
        print_json(simulation_json(study, run, str(report) if report else None))
        return
    console.print(_summary_table(study, run))
    crossing = _crossing_table(study, run)
    if crossing is not None:
        console.print(crossing)
        for spec in study.specs:
            table = run.runs[spec.crossing].table()
            if "truck.crossing.vehicle_hours_delay" not in table.index:
                continue
            mean = table["mean"]
            console.print(
                f"[dim]{short_name(spec.name)}: trucks waited {compact(mean['truck.crossing.vehicle_hours_delay'], 0)} "
                f"h in lines from Mexico to the state's facility ({compact(mean['truck.vehicle_hours_delay'], 0)} h "
                f"at CBP), {money(mean['truck.crossing.total_cost_usd'])} of delay cost, "
                f"{compact(mean['truck.crossing.co2_tonnes'], 0)} t CO2 idling, in the period.[/dim]"
            )
            unsent = float(mean.get("truck.crossing.not_sent", 0.0))
            share = unsent / max(unsent + float(mean["truck.crossing.trucks"]), 1.0)
            if share >= 0.005:
                console.print(
                    f"[yellow]{short_name(spec.name)}: {compact(unsent, 0)} trucks ({share:.0%}) not sent in the "
                    "period: their crossing would have run past what their carriers accept (assumptions.toml "
                    "\\[truck.chain] carriers); the times above are those of the trucks that crossed.[/yellow]"
                )
    months = _month_table(study, run)
    if months is not None:
        console.print(months)
    n_est = len({k for s in study.specs for k in s.estimates()})
    where = (
        "the report (--out DIR)"
        if study.kind == "new"
        else f"`smartborder port show {study.specs[0].crossing if len(study.specs) == 1 else 'CROSSING'}`"
    )
    console.print(
        f"[dim]Waits: joining the queue to primary, arrivals while open. Busy: share of staffed "
        f"lane time serving. {n_est} model values are estimates (see {where}).[/dim]"
    )
    if report:
        console.print(f"report: {report}")


def _verdict(row: pd.Series) -> str:
    """yes: significant and material; small: significant, below the practical minimum; no."""
    from smartborder.report.summary import verdict

    word = row["verdict"] if "verdict" in row else verdict(row)
    return {"yes": "[green]yes[/green]", "small": "[yellow]small[/yellow]"}.get(word, "[dim]no[/dim]")


def compare(
    port: Annotated[str, typer.Argument(help="Port or crossing: name, alias, BTS code or CBP number.")],
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario files (TOML) or shipped names: double-fast, night-booths, origin-preinspection, truck-growth, extended-truck-hours, new-port-laredo, joint-inspection, state-inspects-all."
        ),
    ],
    year: YearOpt = None,
    month: MonthOpt = None,
    vehicle_class: ClassOpt = None,
    model: ModelOpt = None,
    staffing: StaffingOpt = None,
    allow_extra_booths: ExtraBoothsOpt = False,
    whole_crossing: WholeOpt = False,
    replications: RepsOpt = 5,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Baseline and scenarios side by side, with common random numbers and 95% CIs on differences."""
    from smartborder.policy.studies.study import compare_study

    with _progress(0, "simulating", as_json) as bar:
        task = bar.add_task("run", total=None)
        result = compare_study(
            port,
            scenarios,
            year=year,
            month=month,
            model=model,
            classes=vehicle_class,
            staffing=staffing,
            replications=replications,
            seed=seed,
            announce=_warn,
            allow_extra_booths=allow_extra_booths,
            whole_crossing=whole_crossing,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    # The presentation's modules after the run: bad input is refused before any of them loads.
    from smartborder.policy.studies.place import worse_waits
    from smartborder.report.summary import comparison_summary, period_label
    from smartborder.report.tables import comparison_json, headline_key, place_names

    study, baseline, results = result.study, result.baseline, result.scenarios
    report = None
    if out is not None:
        from smartborder.report.html import write_comparison_report

        report = write_comparison_report(study, baseline, results, out)
    names = place_names(study, results)
    if as_json:
        print_json(comparison_json(study, results, replications, seed, str(report) if report else None))
        return
    # Totals over the period say which: a month's, a year's, or the period's (the title names it).
    whole_year = len(study.months) == 12 and len({m.year for m in study.months}) == 1
    per = "/mo" if len(study.months) == 1 else "/yr" if whole_year else " in period"
    for name, (_, diffs) in results.items():
        key = headline_key(diffs)
        summary = comparison_summary(diffs, names)
        where = names[key] if key != "total" else f"{study.label}, all {len(diffs) - 1} crossings"
        table = Table(
            title=f"{name} vs baseline — {where}, {period_label(study.months)}",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            padding=(0, 1, 0, 0),
        )
        for col in ("Figure", "Baseline", "Scenario", "Change ± 95% CI", "Sig."):
            table.add_column(col, justify="left" if col == "Figure" else "right", no_wrap=True)
        block = summary[summary["place"] == names[key]]
        unchanged = []
        for vehicle, rows in block.groupby("class", sort=False):
            if (rows["change"].fillna(0) == 0).all():
                unchanged.append(str(vehicle))
                continue
            for _, row in rows.iterrows():
                lane = row["lane"] != ALL_LANES
                label = (
                    (f"  {row['lane']}: {row['figure']}" if lane else f"{vehicle} {row['figure']}")
                    + (f", {row['unit']}" if row["unit"] in ("min", "US$", "t") or row["unit"].endswith("-h") else "")
                    + (per if row["period_total"] else "")
                )
                table.add_row(
                    label,
                    compact(row["baseline"]),
                    compact(row["scenario"]),
                    _fmt(row["change"], row["ci95"]),
                    _verdict(row),
                    style="dim" if lane and not row["worse"] else "bold red" if row["worse"] else None,
                )
        console.print(table)
        if len(diffs) > 1:
            console.print(_crossings_table(name, summary, names, key))
        for item in worse_waits(diffs):
            at = "" if len(diffs) == 1 else f" at {names.get(item['crossing'], item['crossing'])}"
            console.print(
                f"[bold red]worse:[/bold red] {name} lengthens the {item['class']} wait ({item['who']}){at}: "
                f"{item['baseline']:.1f} → {item['scenario']:.1f} min (+{item['difference']:.1f} "
                f"± {item['ci95']:.1f})",
                highlight=False,
            )
        if (block["verdict"] == "small").any():
            console.print("[dim]small: significant, but under 1 min (waits) or 1 % of the baseline[/dim]")
        if unchanged:
            console.print(f"[dim]unchanged (identical random streams): {', '.join(unchanged)}[/dim]")
    if report:
        console.print(f"report: {report}")


def _crossings_table(name: str, summary: pd.DataFrame, names: dict[str, str], key: str) -> Table:
    """Each crossing (a new one included) and the total: mean wait per class, baseline → scenario."""
    from smartborder.report.summary import CLASS_NAMES

    waits = summary[(summary["figure"] == "mean wait") & (summary["lane"] == ALL_LANES)]
    classes = list(dict.fromkeys(waits["class"]))
    table = Table(
        title=f"{name}: mean wait by crossing, min (baseline → scenario)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Crossing", no_wrap=False, max_width=22, overflow="fold")
    for vehicle in classes:
        table.add_column(CLASS_NAMES.get(vehicle, vehicle), justify="right", no_wrap=True)
    places = [p for p in dict.fromkeys(waits["place"]) if p != names[key]] + [names[key]]
    for place in places:
        cells = []
        for vehicle in classes:
            row = waits[(waits["place"] == place) & (waits["class"] == vehicle)]
            if row.empty:
                cells.append("")
                continue
            r = row.iloc[0]
            base = "new" if _isna(r["baseline"]) else f"{r['baseline']:.1f}"
            cells.append(f"{base} → {r['scenario']:.1f}")
        table.add_row(place, *cells, style="bold" if place == names[key] else None)
    return table


port_app = typer.Typer(help="Crossing models: show the effective model of a crossing.", no_args_is_help=True)


@port_app.command("show")
def show(
    port: Annotated[str, typer.Argument(help="Crossing (or a port of one crossing): name, alias or code.")],
    year: DesignYearOpt = None,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the effective crossing model (TOML) with the provenance of every value."""
    place = data.resolve_place(port)  # before the models load: a bad name answers at once
    import tomli_w

    from smartborder.ports import PortSpec, default_spec

    if len(place.crossings) != 1:
        names = ", ".join(f"{c.id} ({c.name})" for c in place.crossings)
        raise UsageError(
            f"port: {place.label} has {len(place.crossings)} crossings, each a model of its own; show one of: {names}"
        )
    if place.note:
        note(place.note)
    spec = PortSpec.from_toml(model) if model else default_spec(place.crossings[0], year)
    payload = spec.model_dump(mode="json", exclude_none=True)
    if as_json:
        print_json(payload)
        return
    header = (
        f"# smartborder crossing model: {spec.name}\n# Copy, edit and pass with --model FILE. "
        "Values whose provenance is not FACT are estimates.\n"
    )
    console.print(header + tomli_w.dumps(payload), markup=False, highlight=False, soft_wrap=True)


def _simulate_border(border, port, year, month, scenario, model, replications, seed, workers, out, as_json) -> None:  # type: ignore[no-untyped-def]
    from smartborder.policy.studies.border import run_border

    if border is None:
        raise UsageError("port: give a PORT, or --border mexico for every US–Mexico crossing")
    if border.lower() != "mexico":
        raise UsageError(f"border: only 'mexico' is modelled, not {border!r}")
    if port is not None:
        raise UsageError("port/border: give a PORT or --border, not both")
    if month is not None or scenario is not None or model is not None:
        raise UsageError(
            "border: --border runs default models over a --year; --month, --scenario and --model apply to one port"
        )
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
        plot_border_map(
            ports,
            out / "border_map.png",
            f"US–Mexico land ports, {year}: simulated delay ({replications} replication(s))",
        )
    if as_json:
        from smartborder.report.tables import border_json

        print_json(border_json(run))
        return
    table = _border_table(
        ports,
        summary,
        f"US–Mexico border {year}: {len(ports)} ports, {len(summary)} crossings, "
        f"{totals['vehicles'] / 1e6:,.1f}M vehicles in {run.seconds:.1f} s",
    )
    console.print(table)
    console.print(border_footer(totals))
    if len(partial):
        note(
            f"{len(partial)} crossing(s) have data for part of {year} only: "
            f"{', '.join(str(n).split(',')[0] for n in partial['name'])}"
        )
    if out is not None:
        console.print(f"map and tables: {out}")


def border_footer(totals: pd.Series) -> str:
    """The border table's footer: its person-hours are the sum of the table's delay column."""
    return (
        f"border total: {totals['delay_person_hours'] / 1e6:,.1f}M person-hours of delay (the column's sum; "
        f"{totals['delay_vehicle_hours'] / 1e6:,.1f}M vehicle-hours), ${totals['delay_cost_usd'] / 1e9:,.2f}bn, "
        f"{totals['co2_tonnes']:,.0f} t CO2 from idling; waits: minutes to primary (arrivals while open), "
        "means over the year; delay h people: person-hours of everyone who waited (drivers, passengers, "
        "pedestrians) over the year"
    )


def _border_table(ports: pd.DataFrame, summary: pd.DataFrame, title: str) -> Table:
    """Ports by delay cost, each multi-crossing port followed by its crossings."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in (
        "Port / crossing",
        "Trucks\n/day",
        "Truck\nwait",
        "Cars\n/day",
        "Car\nwait",
        "Walk\nwait",
        "Delay h\npeople",
        "Delay\ncost",
    ):
        first = col.startswith("Port")
        table.add_column(
            col,
            justify="left" if first else "right",
            no_wrap=not first,
            min_width=24 if first else None,
            max_width=24 if first else None,
            overflow="fold" if first else "ellipsis",
        )

    def add(label: str, row: pd.Series, style: str | None = None) -> None:
        table.add_row(
            label,
            compact(row["trucks_per_day"], 0),
            compact(row["truck_wait_min"]),
            compact(row["cars_per_day"], 0),
            compact(row["car_wait_min"]),
            compact(row["pedestrian_wait_min"]),
            compact(float(row["delay_person_hours"]), 0),
            "$" + compact(row["delay_cost_usd"], 0),
            style=style,
        )

    for code, row in ports.iterrows():
        add(str(row["port"]), row, "bold" if row["crossings"] > 1 else None)
        if row["crossings"] > 1:
            for _, crossing in summary[summary["port_code"] == code].iterrows():
                add("  " + short_name(str(crossing["name"]), keep_kind=False), crossing)
    return table


def _sweep_table(summary: pd.DataFrame) -> Table:
    """Mean wait (± 95 % CI) per class for each grid point, place and period."""
    params = [c for c in summary.columns if c.startswith("param.")]
    classes = [c.split(".")[0] for c in summary.columns if c.endswith(".wait_mean_min")]
    table = Table(
        title="Sweep: mean wait, min (± 95% CI) by grid point",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for name in [p.split(".")[-1] for p in params]:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("place", no_wrap=True)
    table.add_column("period", no_wrap=True, min_width=7)
    for vehicle in classes:
        table.add_column(vehicle, justify="right", no_wrap=True)

    def wait(row: pd.Series, vehicle: str) -> str:
        mean, half = row[f"{vehicle}.wait_mean_min"], row[f"{vehicle}.wait_mean_min.ci95"]
        return "–" if _isna(mean) else f"{mean:.1f}±{half:.1f}"

    for _, row in summary.iterrows():
        table.add_row(
            *[f"{row[p]:g}" if isinstance(row[p], float) else str(row[p]) for p in params],
            str(row["crossing"]),
            str(row["period"]),
            *[wait(row, v) for v in classes],
        )
    return table


def sweep(
    spec_file: Annotated[Path, typer.Argument(help="Sweep spec (TOML): ports, months or years, replications, grid.")],
    out: Annotated[Path | None, typer.Option("--out", help="Parquet dataset directory (default: sweep-NAME).")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Local processes (default: all cores).", min=1)
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", envvar="SMARTBORDER_DASK_SCHEDULER", help="dask.distributed scheduler, tcp://HOST:PORT."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run scenarios × ports × periods × replications into one Parquet dataset; resumable."""
    from smartborder.policy.studies.sweep import SweepSpec, run_sweep
    from smartborder.report.workbook import write_workbook

    spec = SweepSpec.from_toml(spec_file)
    spec.check()
    target = out or Path(f"sweep-{spec.name}")
    total = len(spec.cells())
    with _progress(total, "cells", as_json) as bar:
        task = bar.add_task("run", total=total)
        outcome = run_sweep(
            spec,
            target,
            workers,
            scheduler,
            progress=lambda done, todo: bar.update(task, completed=total - todo + done),
        )
    errors, summary = outcome.errors, outcome.summary
    summary.to_csv(target / "summary.csv", index=False)  # a table a person (or a spreadsheet) reads
    write_workbook(target / "summary.xlsx", {"Summary": summary, "Failed cells": errors})
    if as_json:
        print_json(
            {
                "cells": total,
                "ran": outcome.done,
                "skipped": outcome.skipped,
                "failed": len(errors),
                "seconds": outcome.seconds,
                "dataset": str(target),
                "summary": str(target / "summary.csv"),
                "workbook": str(target / "summary.xlsx"),
                "errors": errors[["cell_id", "port", "period", "error"]].to_dict(orient="records"),
            }
        )
    else:
        console.print(_sweep_table(summary))
        console.print(
            f"{total:,} cells: {outcome.done:,} run in {outcome.seconds:.1f} s, "
            f"{outcome.skipped:,} already done, {len(errors):,} failed → {target} "
            f"(summary: {target / 'summary.csv'}, .xlsx)"
        )
        for _, row in errors.drop_duplicates("error").head(5).iterrows():
            err_console.print(f"[red]failed[/red] {row['port']} {row['period']}: {row['error']}", highlight=False)
    if len(errors):
        raise typer.Exit(1)
