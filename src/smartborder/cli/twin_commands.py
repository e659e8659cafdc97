"""``validate``: the engine checked against queueing theory, in front of the user; ``validate
waits``: the crossing models against CBP's readings on days they never saw."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from smartborder.cli import options
from smartborder.cli.output import console, print_json

validate_app = typer.Typer(
    help="Check the twin: bare, the engine against queueing theory; `validate waits`, the crossing models "
    "against CBP's readings on days they never saw.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@validate_app.callback(invoke_without_command=True)
def validate(
    ctx: typer.Context,
    scale: Annotated[float, typer.Option(help="Multiply the number of simulated customers.", min=0.01)] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20261124,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Simulated vs analytic waits (Erlang-C, Pollaczek–Khinchine, Little's law); `validate waits` for CBP's readings."""
    if ctx.invoked_subcommand is not None:
        return
    from smartborder.twin.validation import run_cases

    if as_json:
        cases = run_cases(scale, seed)
    else:
        with console.status("simulating the analytic cases…"):
            cases = run_cases(scale, seed)
    if as_json:
        print_json({"cases": [c.as_dict() for c in cases], "passed": all(c.passed for c in cases)})
    else:
        bound = max(c.bound for c in cases)
        table = Table(
            title=f"Engine vs queueing theory: mean wait (min), error bound {bound:.0%}",
            box=box.SIMPLE_HEAD,
        )
        for col in ("Case", "N", "Simulated", "±95%", "Analytic", "Error", ""):
            table.add_column(col, justify="left" if col == "Case" else "right", no_wrap=True)
        for c in cases:
            ci = "" if c.ci_half_width != c.ci_half_width else f"{c.ci_half_width:.3f}"
            table.add_row(
                c.name,
                f"{c.customers / 1e6:.1f}M",
                f"{c.simulated:.4f}",
                ci,
                f"{c.analytic:.4f}",
                f"{c.relative_error:.2%}",
                "[green]ok[/green]" if c.passed else "[red]FAIL[/red]",
            )
        console.print(table)
    if not all(c.passed for c in cases):
        raise typer.Exit(1)


@validate_app.command("waits")
def waits(
    observations: Annotated[
        list[str],
        typer.Option(
            "--observations",
            help="Dated CBP wait readings: feed snapshots, the flat CSV, a directory or glob of "
            "them; or shipped:brownsville.",
        ),
    ],
    split: Annotated[str, typer.Option("--split", help="Last day fitted, YYYY-MM-DD; the later days are scored.")],
    crossing: Annotated[
        list[str] | None,
        typer.Option(
            "--crossing", help="Validate only this crossing (repeatable; default: every crossing in the readings)."
        ),
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="Month whose real volumes drive the twin, YYYY-MM (default: the readings' own, or the same month in the latest year with data).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for validation.html, validation.json and the tables as CSV.")
    ] = None,
    evaluations: Annotated[
        int, typer.Option("--evaluations", min=10, help="Simulations the calibration may spend per traffic class.")
    ] = 60,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    city_choice: Annotated[
        bool,
        typer.Option(
            "--city-choice",
            help="The default models of a city's crossings share their drivers (assumptions.toml [city_choice]).",
        ),
    ] = False,
    city_share: Annotated[
        float | None,
        typer.Option("--city-share", help="With --city-choice: the share of drivers who compare the crossings, 0-1."),
    ] = None,
) -> None:
    """Default, calibrated and climatology waits, and the forecast against persistence and climatology, on the days after --split."""
    from smartborder.cli.calibration_commands import load_observations
    from smartborder.cli.output import err_console, note
    from smartborder.policy.fitting.validation import validate_waits
    from smartborder.report.validation import validation_payload, write_validation_report
    from smartborder.vocabulary import short_name

    city = options.city_choice(city_choice, city_share)
    readings = load_observations(observations)
    if as_json:
        result = validate_waits(readings, split, crossing, month, seed, evaluations, city=city)
    else:
        with err_console.status("fitting on the earlier days, scoring the later ones…"):
            result = validate_waits(readings, split, crossing, month, seed, evaluations, city=city)
    page = write_validation_report(result, out) if out is not None else None
    if as_json:
        print_json({**validation_payload(result), "report": str(page) if page else None})
        return
    for text in result.notes:
        note(text)
    console.print(f"[bold]Waits against CBP's readings[/bold]: {result.split}")
    grid = Table(box=box.SIMPLE_HEAD, title="Held-out MAE and bias, minutes", pad_edge=False)
    for col in ("Crossing / lane", "N", "Obs", "Default", "Fitted", "Usual", "Hourly r"):
        grid.add_column(
            col,
            justify="left" if col == "Crossing / lane" else "right",
            no_wrap=True,
            max_width=20 if col == "Crossing / lane" else None,
            overflow="ellipsis",
        )
    words = {"passenger": "cars", "pedestrian": "peds", "commercial": "trucks"}
    for name, rows in result.lanes.groupby("crossing", sort=False):
        grid.add_row(short_name(str(name)))
        for row in rows.itertuples(index=False):

            def cell(model: str, row: object = row) -> str:
                mae, bias = getattr(row, f"{model}_mae_min"), getattr(row, f"{model}_bias_min")
                return "–" if mae != mae else f"{mae:.1f} {bias:+.0f}"

            r = "/".join(
                "–" if v != v else f"{v:.1f}".replace("0.", ".")
                for v in (row.default_hourly_r, row.calibrated_hourly_r, row.climatology_hourly_r)
            )
            grid.add_row(
                f"  {words.get(row.traffic_type, row.traffic_type)} {row.lane_type}",
                str(row.readings),
                f"{row.observed_mean_min:.0f}",
                cell("default"),
                cell("calibrated"),
                cell("climatology"),
                r,
            )
    console.print(grid)
    console.print(
        "[dim]Obs: observed mean, minutes; Fitted: calibrated on the earlier days; Usual: climatology, the earlier days' mean at that lane, "
        "day type and hour; Hourly r: correlation of the mean hourly profile, default/fitted/usual."
        "[/dim]"
    )
    if not result.forecast.empty:
        fc = Table(box=box.SIMPLE_HEAD, title="Forecast hours ahead, held-out MAE, minutes", pad_edge=False)
        for col in ("Crossing", "Hours", "N", "Forecast", "Persistence", "Climatology"):
            fc.add_column(
                col,
                justify="left" if col == "Crossing" else "right",
                no_wrap=True,
                max_width=24 if col == "Crossing" else None,
                overflow="ellipsis",
            )
        for f in result.forecast.itertuples(index=False):
            fc.add_row(
                short_name(f.crossing),
                str(f.hours_ahead),
                str(int(f.readings)),
                f"{f.forecast_mae:.1f}",
                f"{f.persistence_mae:.1f}",
                "–" if f.climatology_mae != f.climatology_mae else f"{f.climatology_mae:.1f}",
            )
        console.print(fc)
    if page is not None:
        console.print(f"report: {page}")


@validate_app.command("crossing-times")
def crossing_times(
    year: Annotated[
        list[int] | None, typer.Option("--year", help="Year(s) of RFID readings to compare: 2011, 2012 (default 2012).")
    ] = None,
    replications: Annotated[int, typer.Option("-r", "--replications", min=1, help="Replications per month.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Trucks' modelled crossing time (Mexico to the state's facility) beside FHWA's RFID monthly means."""
    from smartborder.policy.fitting.crossing_times import BUFFER_MIN, TOLERANCE, check_crossing_times
    from smartborder.vocabulary import short_name

    years = year or [2012]
    if as_json:
        check = check_crossing_times(years, replications, seed)
        print_json(
            {
                "months": check.table.to_dict(orient="records"),
                "summary": check.summary().to_dict(orient="records"),
                "tolerance": TOLERANCE,
                "rfid_buffer_min": BUFFER_MIN,
                "replications": replications,
                "seed": seed,
            }
        )
        return
    with console.status("simulating each month RFID measured…"):
        check = check_crossing_times(years, replications, seed)
    names = {row.crossing: short_name(row.name) for row in check.table.itertuples()}
    table = Table(
        title=f"Trucks' crossing time: FHWA's RFID means and the default model with the chain "
        f"(min; {replications} replications, mean ± 95% CI)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for column in ("Month", "RFID", "Model", f"≤{BUFFER_MIN:.0f}", "Mexico", "CBP wait"):
        table.add_column(column, justify="left" if column == "Month" else "right", no_wrap=True)
    for crossing, group in check.table.groupby("crossing", sort=False):
        table.add_row(f"[bold]{names[str(crossing)]}[/bold]", *[""] * 5)
        for r in group.itertuples():
            table.add_row(
                f"  {r.month}",
                f"{r.rfid_min:.0f}",
                f"{r.model_min:.1f}±{r.model_ci95:.1f}",
                f"{r.model_within_buffer_min:.1f}",
                f"{r.mexico_min:.1f}",
                f"{r.cbp_wait_min:.1f}",
            )
    console.print(table)
    for s in check.summary().itertuples():
        console.print(
            f"{names[s.crossing]}: model {s.model_min[0]:.0f}-{s.model_min[1]:.0f} min against RFID "
            f"{s.rfid_min[0]:.0f}-{s.rfid_min[1]:.0f}; {s.mean_ratio:.2f} of it on average, "
            f"{s.within_tolerance:.0%} of months within {TOLERANCE:.0%}"
        )
    console.print(
        f"[dim]RFID: end of the line in Mexico to the exit of Texas DPS's station, trips matched within "
        f"{BUFFER_MIN:.0f} min (FHWA Freight Facts and Figures 2012 Table 3-18, 2013 Table 3-21); "
        f"≤{BUFFER_MIN:.0f}: the model's mean over trucks that crossed within that buffer (last "
        "replication); Mexico, CBP wait: the model's segments.[/dim]"
    )
